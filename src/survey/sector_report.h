// The regulator's sector report of a closed campaign, in Japanese or English, as an A4 PDF
// or an XLSX workbook, from the category reports frozen at close: per business category
// the score distributions (quartiles and median; never a minimum or maximum), the
// threat x function heatmap of mean scores, the items most institutions miss, and the
// change since last year on comparable items. A suppressed figure says why instead.
// Nothing about a single institution is in it.
//
// Access: the coordination office and bureau staff (PermissionDenied for anyone else,
// auditors and institutions included). Thread-safe: the functions are pure but for the
// service's reads.
#pragma once

#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "documents/pdf.h"
#include "documents/xlsx_writer.h"
#include "http/http.h"
#include "identity/principal.h"
#include "survey/feedback_report.h"
#include "survey/service.h"

namespace fincyber::survey {

struct SectorReportInput {
  Campaign campaign;                         // closed
  std::shared_ptr<const CompiledBank> bank;  // the campaign's, for the items' text
  Json sector;                               // SurveyService::SectorResults
};

// FailedPrecondition while the campaign is open; NotFound for an unknown campaign.
Result<SectorReportInput> LoadSectorReportInput(SurveyService& service,
                                                const identity::Principal& principal,
                                                std::string_view campaign_id);

// InvalidArgument when `sector` does not have the documented shape.
Result<documents::PdfDocument> BuildSectorPdf(const SectorReportInput& input,
                                              ReportLanguage language,
                                              documents::Typeface typeface);
Result<documents::XlsxWorkbook> BuildSectorWorkbook(const SectorReportInput& input,
                                                    ReportLanguage language);
Result<std::string> RenderSectorReport(const SectorReportInput& input,
                                       const FeedbackReportOptions& options);

// GET /api/v1/survey/campaigns/{id}/sector/report?format=pdf|xlsx&lang=ja|en, a download.
void AddSectorReportRoutes(http::Router& router, SurveyService& service);

}  // namespace fincyber::survey
