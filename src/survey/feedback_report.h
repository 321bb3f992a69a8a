// Feedback reports: one institution's frozen results of a closed campaign (what
// SurveyService::InstitutionResults returns) as an A4 PDF or an XLSX workbook, in Japanese
// or English. Both formats hold the same sections:
//   1. summary: overall, per function and per threat, its score, items met, maturity, the
//      peer quartiles (same business category) and its quarter band, change since last year;
//   2. the threat x function heatmap: its own scores, and the peers' mean beside them;
//   3. a page per function: score, peer band (quartile box with its marker), change since
//      last year on comparable items, the items of the function it did not meet;
//   4. the items it misses that most peers meet, with the share of peers meeting them;
//   5. recommended actions, one per item missed (see below);
//   6. remediation progress, when the results carry the institution's items of earlier
//      campaigns ("remediation", remediation.h): those this campaign's answers closed and
//      those still open, with title, questions, due date (overdue marked) and status.
//      Absent when there are none.
// A suppressed peer figure (analytics.h) is never printed: its place says why instead.
// Nothing about another institution is in the input, so nothing can reach the report.
//
// Recommended actions come from the bank where it has the text: for a maturity item, the
// description of the target level (the item's own, else the bank's scale); for another
// item, its guidance text (`help`). An item with neither gets a short generic action for
// its CSF function. Items most peers meet come first, then the other items missed by
// weight; at most kMaxActions.
//
// Thread-safety: the functions are pure; reports for different institutions may be built
// on several threads at once (documents/ renders one document per thread).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "documents/pdf.h"
#include "documents/xlsx_writer.h"
#include "identity/principal.h"
#include "survey/compiled_bank.h"
#include "survey/service.h"

namespace fincyber::survey {

inline constexpr int kMaxActions = 30;

enum class ReportLanguage { kJapanese, kEnglish };
enum class ReportFormat { kPdf, kXlsx };
// The report language's half of a bilingual text.
inline const std::string& InReportLanguage(ReportLanguage language, const Text& text) {
  return language == ReportLanguage::kJapanese ? text.ja : text.en;
}
inline std::string InReportLanguage(ReportLanguage language, std::string_view ja,
                                    std::string_view en) {
  return std::string(language == ReportLanguage::kJapanese ? ja : en);
}
// "ja", "en"; "pdf", "xlsx". nullopt for anything else.
std::optional<ReportLanguage> ParseReportLanguage(std::string_view code);
std::optional<ReportFormat> ParseReportFormat(std::string_view name);
std::string_view ReportFileExtension(ReportFormat format);  // "pdf", "xlsx"
std::string_view ReportContentType(ReportFormat format);

// What one report is built from. `results` is the frozen JSON of routes.h ("Results").
struct FeedbackReportInput {
  Campaign campaign;  // closed
  std::string org_id;
  Text institution_name;
  std::shared_ptr<const CompiledBank> bank;  // the campaign's
  Json results;
};

struct FeedbackReportOptions {
  ReportLanguage language = ReportLanguage::kJapanese;
  ReportFormat format = ReportFormat::kPdf;
  // IPAex Gothic by default: a tenth of the size of Noto and twice as fast to render
  // (bench/documents/README.md), which the sector-wide run needs.
  documents::Typeface typeface = documents::Typeface::kCompact;
};

// The document model of the report; InvalidArgument when `results` does not have the
// shape routes.h documents (naming what is wrong) or belongs to another institution or
// campaign than the input says.
Result<documents::PdfDocument> BuildFeedbackPdf(const FeedbackReportInput& input,
                                                ReportLanguage language,
                                                documents::Typeface typeface);
Result<documents::XlsxWorkbook> BuildFeedbackWorkbook(const FeedbackReportInput& input,
                                                      ReportLanguage language);

// The report's bytes in the chosen format (errors as above and as documents/ renders).
Result<std::string> RenderFeedbackReport(const FeedbackReportInput& input,
                                         const FeedbackReportOptions& options);

// One institution's report input, read through the service so that its access rules
// hold: the institution itself, bureau staff for the institutions they supervise, the
// coordination office and auditors. NotFound for what the principal may not see or an
// institution without results; FailedPrecondition while the campaign is open.
Result<FeedbackReportInput> LoadFeedbackReportInput(SurveyService& service,
                                                    const identity::Principal& principal,
                                                    std::string_view campaign_id,
                                                    std::string_view org_id);

inline constexpr int kMaxReportThreads = 64;

struct CampaignReportsOptions {
  FeedbackReportOptions report;
  std::filesystem::path out_dir;  // created when missing
  int threads = 1;                // 1..kMaxReportThreads, one report per thread at a time
};

struct CampaignReportsSummary {
  int institutions = 0;               // assignments the principal may see
  int written = 0;                    // files written
  int without_results = 0;            // did not submit before the campaign closed
  std::vector<std::string> failures;  // "<org id>: <message>", in no particular order
};

// Every visible institution's report of a closed campaign, written to
// `out_dir/<org id>-<language>.<pdf|xlsx>` (replacing an older file). `progress`, when
// given, is called after each institution (done, total) from the worker threads, one call
// at a time. NotFound for an unknown campaign; FailedPrecondition while it is open;
// InvalidArgument for a thread count out of range; Unavailable when `out_dir` cannot be
// created. A report that fails is listed in `failures` and the others are still written.
Result<CampaignReportsSummary> WriteCampaignReports(
    SurveyService& service, const identity::Principal& principal, std::string_view campaign_id,
    const CampaignReportsOptions& options,
    const std::function<void(int done, int total)>& progress = {});

}  // namespace fincyber::survey
