// The sector report: the frozen category reports read once into a small view (suppressed
// figures kept as their reason only), then laid out as a PDF or a workbook from that view.
#include "survey/sector_report.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <optional>

#include "identity/directory.h"
#include "survey/analytics.h"
#include "survey/internal/service_common.h"

namespace fincyber::survey {
namespace {

using documents::CellValue;

// A distribution or a single figure; `reason` set when suppressed.
struct Figure {
  std::optional<Suppression> reason;
  double q1 = 0, median = 0, q3 = 0, value = 0;
};

struct ItemRow {
  std::string item_id;
  Figure share;
};

struct ChangeRow {
  std::string item_id;
  Figure previous, current;
  std::optional<double> change;
};

struct CategoryView {
  std::string name;
  int institutions = 0;
  Figure overall;
  std::array<Figure, kFunctionCount> functions;
  std::array<Figure, kThreatCount> threats;
  std::array<std::array<Figure, kFunctionCount>, kThreatCount> heatmap;
  std::vector<ItemRow> most_missed;
  std::vector<ChangeRow> year_over_year;
};

struct View {
  ReportLanguage language = ReportLanguage::kJapanese;
  const CompiledBank* bank = nullptr;
  std::string title;
  int year = 0;
  std::string closed_on;
  std::chrono::sys_seconds closed_at{};
  std::vector<CategoryView> categories;
};

Error MalformedSectorResults(std::string_view what) {
  return Error(ErrorCode::kInvalidArgument, "the stored sector results cannot be read",
               fmt::format("sector results: {}", what));
}

std::optional<double> Number(const Json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number()) return {};
  const double value = object[key].get<double>();
  return std::isfinite(value) ? std::optional(value) : std::nullopt;
}

Result<Figure> ParseFigure(const Json& json, bool distribution, std::string_view where) {
  Figure out;
  if (!json.is_object()) return MalformedSectorResults(fmt::format("{}: missing", where));
  if (json.contains("suppressed")) {
    out.reason =
        json["suppressed"] == "dominated" ? Suppression::kDominated : Suppression::kTooFewPeers;
    return out;
  }
  if (distribution) {
    const auto q1 = Number(json, "q1"), median = Number(json, "median"), q3 = Number(json, "q3");
    if (!q1 || !median || !q3)
      return MalformedSectorResults(fmt::format("{}: not a distribution", where));
    out.q1 = *q1;
    out.median = *median;
    out.q3 = *q3;
  } else {
    const auto value = Number(json, "value");
    if (!value) return MalformedSectorResults(fmt::format("{}: not a figure", where));
    out.value = *value;
  }
  return out;
}

const Json& At(const Json& json, const std::string& key) {
  static const Json kNull;
  return json.is_object() && json.contains(key) ? json[key] : kNull;
}

Result<View> ReadView(const SectorReportInput& input, ReportLanguage language) {
  if (input.bank == nullptr || !input.sector.is_object() ||
      !At(input.sector, "categories").is_array()) {
    return MalformedSectorResults("no categories");
  }
  View view;
  view.language = language;
  view.bank = input.bank.get();
  view.title = InReportLanguage(language, input.campaign.title);
  view.year = input.campaign.year;
  if (auto closed = ParseRfc3339(input.campaign.closed_at)) {
    view.closed_at = std::chrono::floor<std::chrono::seconds>(*closed);
    view.closed_on = input.campaign.closed_at.substr(0, 10);
  }
  for (const Json& c : input.sector["categories"]) {
    CategoryView category;
    const std::string code = At(c, "category").is_string() ? c["category"].get<std::string>() : "";
    category.name = code;
    for (const auto& sector : identity::Sectors()) {
      if (sector.code == code)
        category.name = InReportLanguage(language, sector.name_ja, sector.name_en);
    }
    category.institutions = static_cast<int>(Number(c, "institutions").value_or(0));
    if (category.institutions > 0) {
      const Json& scores = At(c, "scores");
      FC_ASSIGN_OR_RETURN(category.overall, ParseFigure(At(scores, "overall"), true, "overall"));
      for (Function f : kAllFunctions) {
        const std::string name(FunctionName(f));
        FC_ASSIGN_OR_RETURN(category.functions[static_cast<int>(f)],
                            ParseFigure(At(At(scores, "functions"), name), true, name));
      }
      for (Threat t : kAllThreats) {
        const std::string name(ThreatName(t));
        FC_ASSIGN_OR_RETURN(category.threats[static_cast<int>(t)],
                            ParseFigure(At(At(scores, "threats"), name), true, name));
        for (Function f : kAllFunctions) {
          const std::string cell(FunctionName(f));
          FC_ASSIGN_OR_RETURN(
              category.heatmap[static_cast<int>(t)][static_cast<int>(f)],
              ParseFigure(At(At(At(scores, "heatmap"), name), cell), false, name + "." + cell));
        }
      }
      for (const Json& m : At(c, "most_missed")) {
        const std::string id = At(m, "item_id").is_string() ? m["item_id"].get<std::string>() : "";
        if (!input.bank->IndexOf(id)) return MalformedSectorResults("most_missed: unknown item");
        FC_ASSIGN_OR_RETURN(Figure share, ParseFigure(At(m, "share"), false, "most_missed"));
        category.most_missed.push_back({id, share});
      }
      for (const Json& y : At(c, "year_over_year")) {
        const std::string id = At(y, "item_id").is_string() ? y["item_id"].get<std::string>() : "";
        if (!input.bank->IndexOf(id)) return MalformedSectorResults("year_over_year: unknown item");
        ChangeRow row{id, {}, {}, Number(y, "change")};
        FC_ASSIGN_OR_RETURN(row.previous, ParseFigure(At(y, "previous"), false, "previous"));
        FC_ASSIGN_OR_RETURN(row.current, ParseFigure(At(y, "current"), false, "current"));
        category.year_over_year.push_back(std::move(row));
      }
    }
    view.categories.push_back(std::move(category));
  }
  return view;
}

std::string Fixed(double value) { return fmt::format("{:.1f}", value); }
std::string Percent(double share) { return fmt::format("{:.0f}%", 100 * share); }

std::string Reason(const View& v, const Figure& f) {
  return f.reason ? InReportLanguage(v.language, SuppressionReason(*f.reason)) : "";
}

std::string ItemText(const View& v, const std::string& id) {
  return InReportLanguage(v.language, v.bank->item(*v.bank->IndexOf(id)).text);
}

std::string ReportTitle(const View& v) {
  return InReportLanguage(v.language, "サイバーセキュリティ実態把握 業態別集計レポート",
                          "Cyber-security survey: sector report");
}

// Overall, then each function and threat, with their labels.
std::vector<std::pair<std::string, const Figure*>> Measures(const View& v, const CategoryView& c) {
  std::vector<std::pair<std::string, const Figure*>> out = {
      {InReportLanguage(v.language, "総合", "Overall"), &c.overall}};
  for (Function f : kAllFunctions) {
    out.push_back(
        {InReportLanguage(v.language, FunctionLabel(f)), &c.functions[static_cast<int>(f)]});
  }
  for (Threat t : kAllThreats) {
    out.push_back({InReportLanguage(v.language, ThreatLabel(t)), &c.threats[static_cast<int>(t)]});
  }
  return out;
}

std::string ShareText(const View& v, const Figure& f) {
  return f.reason ? Reason(v, f) : Percent(f.value);
}

documents::PdfDocument LayOut(const View& v, documents::Typeface typeface) {
  using documents::Heading;
  using documents::Paragraph;
  using documents::Table;
  documents::PdfDocument doc;
  doc.typeface = typeface;
  doc.metadata.title = ReportTitle(v) + " - " + v.title;
  doc.metadata.author = InReportLanguage(v.language, "金融庁", "Financial Services Agency");
  doc.metadata.subject = v.title;
  doc.metadata.created = v.closed_at;
  doc.metadata.language = v.language == ReportLanguage::kJapanese ? "ja" : "en";
  std::vector<std::string> lines = {fmt::format("{}", v.year)};
  if (!v.closed_on.empty()) {
    lines.push_back(InReportLanguage(v.language, "集計確定日：", "Results fixed on ") +
                    v.closed_on);
  }
  doc.title_page = documents::TitlePage{ReportTitle(v), v.title, std::move(lines)};
  doc.header_text = ReportTitle(v) + " — " + v.title;
  doc.footer_text = InReportLanguage(v.language, "機密", "Confidential");
  doc.blocks.push_back(Paragraph{InReportLanguage(
      v.language,
      "業態ごとの集計です。分布は四分位と中央値のみを示し、最小値・最大値は示しません。5先未満の"
      "集計や1先が過半を占める数値は、理由とともに表示を控えています。前年比は設問が同一の項目の"
      "みを比較しています。",
      "Figures per business category. Distributions show quartiles and the median, never a "
      "minimum or maximum. Figures over fewer than 5 institutions, or that one institution "
      "dominates, are withheld with the reason. Changes since last year compare only items "
      "whose question is unchanged.")});
  bool first = true;
  for (const CategoryView& c : v.categories) {
    if (!first) doc.blocks.push_back(documents::PageBreak{});
    first = false;
    doc.blocks.push_back(Heading{1, c.name});
    if (c.institutions == 0) {
      doc.blocks.push_back(Paragraph{InReportLanguage(
          v.language, "提出した先はありません。", "No institution of this category submitted.")});
      continue;
    }
    doc.blocks.push_back(Paragraph{
        InReportLanguage(v.language, fmt::format("提出先数：{}", c.institutions),
                         fmt::format("Institutions that submitted: {}", c.institutions))});
    Table distribution;
    distribution.caption =
        InReportLanguage(v.language, "スコアの分布（100点満点）", "Scores (out of 100)");
    distribution.columns = {
        {InReportLanguage(v.language, "区分", "Measure"), 3},
        {InReportLanguage(v.language, "第1四分位", "Q1"), 1, documents::Align::kEnd},
        {InReportLanguage(v.language, "中央値", "Median"), 1, documents::Align::kEnd},
        {InReportLanguage(v.language, "第3四分位", "Q3"), 1, documents::Align::kEnd},
        {InReportLanguage(v.language, "備考", "Note"), 3}};
    for (const auto& [label, f] : Measures(v, c)) {
      if (f->reason) {
        distribution.rows.push_back({label, "", "", "", Reason(v, *f)});
      } else {
        distribution.rows.push_back({label, Fixed(f->q1), Fixed(f->median), Fixed(f->q3), ""});
      }
    }
    doc.blocks.push_back(std::move(distribution));
    documents::Heatmap heatmap;
    heatmap.caption = InReportLanguage(v.language, "脅威×機能ヒートマップ（平均スコア）",
                                       "Threat x function heatmap (mean score)");
    for (Threat t : kAllThreats)
      heatmap.row_labels.push_back(InReportLanguage(v.language, ThreatLabel(t)));
    for (Function f : kAllFunctions) {
      heatmap.column_labels.push_back(InReportLanguage(v.language, FunctionLabel(f)));
    }
    for (const auto& row : c.heatmap) {
      std::vector<std::optional<double>> values;
      for (const Figure& f : row) {
        values.push_back(f.reason ? std::nullopt : std::optional(f.value));
      }
      heatmap.values.push_back(std::move(values));
    }
    heatmap.min = 0;
    heatmap.max = 100;
    heatmap.low_label = InReportLanguage(v.language, "低い", "low");
    heatmap.high_label = InReportLanguage(v.language, "高い", "high");
    doc.blocks.push_back(std::move(heatmap));
    Table missed;
    missed.caption = InReportLanguage(v.language, "多くの先が満たしていない項目",
                                      "Items most institutions miss");
    missed.columns = {{InReportLanguage(v.language, "項目", "Item"), 4},
                      {InReportLanguage(v.language, "未達の割合", "Share missing it"), 1,
                       documents::Align::kEnd}};
    for (const auto& m : c.most_missed) {
      missed.rows.push_back({m.item_id + " " + ItemText(v, m.item_id), ShareText(v, m.share)});
    }
    if (!missed.rows.empty()) doc.blocks.push_back(std::move(missed));
    Table changes;
    changes.caption = InReportLanguage(v.language, "前年からの変化（満たしている先の割合）",
                                       "Change since last year (share meeting the item)");
    changes.columns = {
        {InReportLanguage(v.language, "項目", "Item"), 4},
        {InReportLanguage(v.language, "前年", "Last year"), 1, documents::Align::kEnd},
        {InReportLanguage(v.language, "今年", "This year"), 1, documents::Align::kEnd},
        {InReportLanguage(v.language, "変化", "Change"), 1, documents::Align::kEnd}};
    for (const auto& y : c.year_over_year) {
      changes.rows.push_back({y.item_id + " " + ItemText(v, y.item_id), ShareText(v, y.previous),
                              ShareText(v, y.current),
                              y.change ? fmt::format("{:+.0f}pt", 100 * *y.change) : "—"});
    }
    if (changes.rows.empty()) {
      doc.blocks.push_back(Paragraph{InReportLanguage(
          v.language, "比較できる前年の調査はありません。", "No comparable survey last year.")});
    } else {
      doc.blocks.push_back(std::move(changes));
    }
  }
  return doc;
}

CellValue Cell(const Figure& f, double Figure::*member) {
  if (f.reason) return std::monostate{};
  return f.*member;
}

documents::XlsxWorkbook Tabulate(const View& v) {
  documents::XlsxWorkbook book;
  book.title = ReportTitle(v) + " - " + v.title;
  book.author = InReportLanguage(v.language, "金融庁", "Financial Services Agency");
  book.created = v.closed_at;
  const std::string category_header = InReportLanguage(v.language, "業態", "Business category");
  const std::string reason_header =
      InReportLanguage(v.language, "表示しない理由", "Not shown because");

  documents::XlsxSheet scores;
  scores.name = InReportLanguage(v.language, "スコア分布", "Scores");
  scores.columns = {{category_header, 24},
                    {InReportLanguage(v.language, "提出先数", "Institutions"), 12},
                    {InReportLanguage(v.language, "区分", "Measure"), 30},
                    {InReportLanguage(v.language, "第1四分位", "Q1"), 10, "0.0"},
                    {InReportLanguage(v.language, "中央値", "Median"), 10, "0.0"},
                    {InReportLanguage(v.language, "第3四分位", "Q3"), 10, "0.0"},
                    {reason_header, 40, "", true}};
  documents::XlsxSheet heatmap;
  heatmap.name = InReportLanguage(v.language, "ヒートマップ", "Heatmap");
  heatmap.columns = {{category_header, 24}, {InReportLanguage(v.language, "脅威", "Threat"), 30}};
  for (Function f : kAllFunctions) {
    heatmap.columns.push_back({InReportLanguage(v.language, FunctionLabel(f)), 12, "0.0"});
  }
  documents::XlsxSheet missed;
  missed.name = InReportLanguage(v.language, "未達の多い項目", "Most missed");
  missed.columns = {{category_header, 24},
                    {InReportLanguage(v.language, "項目ID", "Item id"), 24},
                    {InReportLanguage(v.language, "設問", "Question"), 60, "", true},
                    {InReportLanguage(v.language, "未達の割合", "Share missing it"), 14, "0%"},
                    {reason_header, 40, "", true}};
  documents::XlsxSheet changes;
  changes.name = InReportLanguage(v.language, "前年比", "Year over year");
  changes.columns = {{category_header, 24},
                     {InReportLanguage(v.language, "項目ID", "Item id"), 24},
                     {InReportLanguage(v.language, "設問", "Question"), 60, "", true},
                     {InReportLanguage(v.language, "前年", "Last year"), 12, "0%"},
                     {InReportLanguage(v.language, "今年", "This year"), 12, "0%"},
                     {InReportLanguage(v.language, "変化", "Change"), 12, "+0%;-0%;0%"}};
  for (const CategoryView& c : v.categories) {
    if (c.institutions == 0) {
      scores.rows.push_back({c.name, 0.0, std::monostate{}, std::monostate{}, std::monostate{},
                             std::monostate{}, std::monostate{}});
      continue;
    }
    for (const auto& [label, f] : Measures(v, c)) {
      scores.rows.push_back({c.name, double(c.institutions), label, Cell(*f, &Figure::q1),
                             Cell(*f, &Figure::median), Cell(*f, &Figure::q3),
                             f->reason ? CellValue(Reason(v, *f)) : CellValue(std::monostate{})});
    }
    for (int t = 0; t < kThreatCount; ++t) {
      std::vector<CellValue> row = {c.name,
                                    InReportLanguage(v.language, ThreatLabel(kAllThreats[t]))};
      for (const Figure& f : c.heatmap[t]) row.push_back(Cell(f, &Figure::value));
      heatmap.rows.push_back(std::move(row));
    }
    for (const auto& m : c.most_missed) {
      missed.rows.push_back(
          {c.name, m.item_id, ItemText(v, m.item_id), Cell(m.share, &Figure::value),
           m.share.reason ? CellValue(Reason(v, m.share)) : CellValue(std::monostate{})});
    }
    for (const auto& y : c.year_over_year) {
      changes.rows.push_back({c.name, y.item_id, ItemText(v, y.item_id),
                              Cell(y.previous, &Figure::value), Cell(y.current, &Figure::value),
                              y.change ? CellValue(*y.change) : CellValue(std::monostate{})});
    }
  }
  book.sheets = {std::move(scores), std::move(heatmap), std::move(missed), std::move(changes)};
  return book;
}

}  // namespace

Result<SectorReportInput> LoadSectorReportInput(SurveyService& service,
                                                const identity::Principal& principal,
                                                std::string_view campaign_id) {
  if (principal.role != identity::Role::kCoordinationOffice &&
      principal.role != identity::Role::kBureauStaff) {
    return PermissionDenied("the sector report is for the coordination office and bureaus");
  }
  FC_ASSIGN_OR_RETURN(Json sector, service.SectorResults(principal, campaign_id));
  FC_ASSIGN_OR_RETURN(Campaign campaign, service.GetCampaign(principal, campaign_id));
  FC_ASSIGN_OR_RETURN(StoredBank bank, service.GetBank(principal, campaign.bank_storage_id));
  return SectorReportInput{std::move(campaign), std::move(bank.bank), std::move(sector)};
}

Result<documents::PdfDocument> BuildSectorPdf(const SectorReportInput& input,
                                              ReportLanguage language,
                                              documents::Typeface typeface) {
  FC_ASSIGN_OR_RETURN(View view, ReadView(input, language));
  return LayOut(view, typeface);
}

Result<documents::XlsxWorkbook> BuildSectorWorkbook(const SectorReportInput& input,
                                                    ReportLanguage language) {
  FC_ASSIGN_OR_RETURN(View view, ReadView(input, language));
  return Tabulate(view);
}

Result<std::string> RenderSectorReport(const SectorReportInput& input,
                                       const FeedbackReportOptions& options) {
  if (options.format == ReportFormat::kPdf) {
    FC_ASSIGN_OR_RETURN(auto document, BuildSectorPdf(input, options.language, options.typeface));
    return documents::RenderPdf(document);
  }
  FC_ASSIGN_OR_RETURN(auto workbook, BuildSectorWorkbook(input, options.language));
  return documents::WriteXlsx(workbook);
}

void AddSectorReportRoutes(http::Router& router, SurveyService& service) {
  router.Add(
      {http::Method::kGet, "/api/v1/survey/campaigns/{id}/sector/report", http::Auth::kRequired,
       [&service](http::Request& req) -> Result<http::Response> {
         FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
         const auto language = ParseReportLanguage(req.QueryParam("lang").value_or("ja"));
         if (!language) return InvalidArgument("lang must be ja or en", {{"lang", "ja or en"}});
         const auto format = ParseReportFormat(req.QueryParam("format").value_or("pdf"));
         if (!format) {
           return InvalidArgument("format must be pdf or xlsx", {{"format", "pdf or xlsx"}});
         }
         FC_ASSIGN_OR_RETURN(auto input,
                             LoadSectorReportInput(service, *principal, req.PathParam("id")));
         FC_ASSIGN_OR_RETURN(
             std::string bytes,
             RenderSectorReport(input, {.language = *language,
                                        .format = *format,
                                        .typeface = documents::Typeface::kCompact}));
         http::Response response;
         response.body = std::move(bytes);
         response.SetHeader("Content-Type", std::string(ReportContentType(*format)));
         response.SetHeader(
             "Content-Disposition",
             fmt::format("attachment; filename=\"sector-{}-{}.{}\"", input.campaign.year,
                         *language == ReportLanguage::kJapanese ? "ja" : "en",
                         ReportFileExtension(*format)));
         return response;
       },
       "The sector report of a closed campaign, PDF or XLSX (coordination office, bureaus)"});
}

}  // namespace fincyber::survey
