// The feedback report from a stored result: what it prints in Japanese and English (read
// back with poppler), that suppressed peer figures never reach it even when a value came
// along, the same figures in the workbook (read back with documents' reader), and stored
// results of the wrong shape refused.
#include <gtest/gtest.h>

#include <string>

#include "documents/xlsx_reader.h"
#include "survey/analytics.h"
#include "survey/bank_format.h"
#include "survey/feedback_report.h"
#include "survey/feedback_report_testing.h"

namespace fincyber::survey {
namespace {

using report_testing::PdfText;
using namespace std::string_view_literals;

constexpr std::string_view kFeedbackBank = R"(id: fb-bank
version: "1"
title: {ja: "報告テスト", en: "Report test"}
target_level: 3
maturity_scale:
  - {ja: "未実施", en: "Absent"}
  - {ja: "個別対応", en: "Ad hoc"}
  - {ja: "文書化", en: "Defined"}
  - {ja: "評価改善段階の対策水準", en: "Managed and reported to the board"}
  - {ja: "継続的高度化", en: "Optimised"}
sections:
  - id: s
    title: {ja: "全般", en: "General"}
    items:
      - id: gv.policy
        text: {ja: "方針がありますか。", en: "Is there a policy?"}
        type: yes_no
        function: govern
        threats: [outage]
      - id: id.inventory
        text: {ja: "資産台帳はありますか。", en: "Is there an asset inventory?"}
        type: maturity
        function: identify
        threats: [outage, data_leak]
      - id: pr.mfa
        text: {ja: "多要素認証を導入していますか。", en: "Is multi-factor authentication used?"}
        help: {ja: "特権IDから多要素認証を導入する。", en: "Start multi-factor authentication with privileged accounts."}
        type: yes_no
        function: protect
      - id: de.logs
        text: {ja: "ログを監視していますか。", en: "Are logs monitored?"}
        type: maturity
        levels:
          - {ja: "なし", en: "None"}
          - {ja: "一部", en: "Some"}
          - {ja: "多く", en: "Most"}
          - {ja: "全ログを集中監視する体制", en: "Every log monitored centrally"}
          - {ja: "自動化", en: "Automated"}
        function: detect
        threats: [data_leak]
      - id: rs.plan
        text: {ja: "対応計画はありますか。", en: "Is there a response plan?"}
        type: yes_no
        function: respond
)";

Json Aggregate(int items, int met, double percent, double score, int maturity) {
  return {{"items", items},         {"items_met", met},
          {"items_unanswered", 0},  {"items_not_applicable", 0},
          {"percent_met", percent}, {"score", score},
          {"maturity", maturity}};
}

Json Suppressed(std::string_view reason) {
  return {{"suppressed", reason}, {"reason", {{"ja", "x"}, {"en", "x"}}}};
}

Json Quartiles(double q1, double median, double q3) {
  return {{"q1", q1}, {"median", median}, {"q3", q3}, {"contributors", 6}};
}

// One institution's stored result, shaped as results.cc writes it. Suppressed figures
// carry a stray value (87.6, 91.9, 0.777) that a report must never print.
Json Results() {
  Json own_heatmap = Json::object();
  Json peer_heatmap = Json::object();
  for (auto t : {"outage", "data_leak", "fraud_institution", "fraud_customer"}) {
    for (auto f : {"govern", "identify", "protect", "detect", "respond", "recover"}) {
      own_heatmap[t][f] = nullptr;
      peer_heatmap[t][f] = Suppressed("too_few_peers");
    }
  }
  own_heatmap["outage"]["govern"] = Aggregate(1, 1, 100, 100, 4);
  own_heatmap["outage"]["identify"] = Aggregate(1, 0, 0, 47.3, 2);
  own_heatmap["data_leak"]["identify"] = Aggregate(1, 0, 0, 47.3, 2);
  own_heatmap["data_leak"]["detect"] = Aggregate(1, 0, 0, 28.6, 1);
  peer_heatmap["outage"]["govern"] = {{"value", 83.3}, {"contributors", 6}};
  peer_heatmap["outage"]["identify"] = {{"value", 54.2}, {"contributors", 6}};
  Json stray = Suppressed("dominated");
  stray["value"] = 91.9;
  peer_heatmap["data_leak"]["identify"] = stray;
  Json dominated_function = Suppressed("dominated");
  dominated_function["median"] = 87.6;
  Json dominated_share = Suppressed("dominated");
  dominated_share["value"] = 0.777;
  return {{"campaign_id", "camp-1"},
          {"year", 2026},
          {"org_id", "org-1"},
          {"category", "regional_bank"},
          {"own",
           {{"overall", Aggregate(5, 1, 20, 63.4, 1)},
            {"functions",
             {{"govern", Aggregate(1, 1, 100, 100, 4)},
              {"identify", Aggregate(1, 0, 0, 47.3, 2)},
              {"protect", Aggregate(1, 0, 0, 0, 0)},
              {"detect", Aggregate(1, 0, 0, 28.6, 1)},
              {"respond", Aggregate(1, 0, 0, 0, 0)},
              {"recover", nullptr}}},
            {"threats",
             {{"outage", Aggregate(2, 1, 50, 58.1, 1)},
              {"data_leak", Aggregate(2, 0, 0, 37.7, 1)},
              {"fraud_institution", nullptr},
              {"fraud_customer", nullptr}}},
            {"areas", {{"controls", Aggregate(5, 1, 20, 63.4, 1)}}},
            {"heatmap", own_heatmap},
            {"items", Json::array({
                          {{"item_id", "gv.policy"}, {"met", true}, {"reached", 4}},
                          {{"item_id", "id.inventory"}, {"met", false}, {"reached", 2}},
                          {{"item_id", "pr.mfa"}, {"met", false}, {"reached", 0}},
                          {{"item_id", "de.logs"}, {"met", false}, {"reached", 1}},
                          {{"item_id", "rs.plan"}, {"met", false}, {"reached", 0}},
                      })}}},
          {"peers",
           {{"overall", Quartiles(41.2, 55.5, 72.8)},
            {"functions",
             {{"govern", dominated_function},
              {"identify", Quartiles(31.5, 44.4, 66.1)},
              {"protect", Quartiles(12.2, 52.9, 70.7)},
              {"detect", Suppressed("too_few_peers")},
              {"respond", Suppressed("too_few_peers")},
              {"recover", Suppressed("too_few_peers")}}},
            {"threats",
             {{"outage", Quartiles(35.3, 49.9, 61.6)},
              {"data_leak", Suppressed("too_few_peers")},
              {"fraud_institution", Suppressed("too_few_peers")},
              {"fraud_customer", Suppressed("too_few_peers")}}},
            {"heatmap", peer_heatmap}}},
          {"overall_band", {{"band", "upper_middle"}}},
          {"function_bands",
           {{"govern", Suppressed("dominated")},
            {"identify", {{"band", "upper_middle"}}},
            {"protect", {{"band", "bottom_quarter"}}},
            {"detect", Suppressed("too_few_peers")},
            {"respond", Suppressed("too_few_peers")},
            {"recover", Suppressed("too_few_peers")}}},
          {"missed_where_peers_meet",
           Json::array({{{"item_id", "pr.mfa"}, {"share", {{"value", 0.833}, {"contributors", 6}}}},
                        {{"item_id", "de.logs"}, {"share", dominated_share}}})},
          {"own_overall_change", 12.5},
          {"own_function_change",
           {{"govern", nullptr},
            {"identify", 4.2},
            {"protect", nullptr},
            {"detect", nullptr},
            {"respond", nullptr},
            {"recover", nullptr}}},
          {"peer_year_over_year", Json::array()}};
}

FeedbackReportInput Input() {
  auto bank = ParseBankYaml(kFeedbackBank);
  EXPECT_TRUE(bank.ok()) << bank.error().internal_message();
  FeedbackReportInput input;
  input.campaign.id = "camp-1";
  input.campaign.year = 2026;
  input.campaign.title = {"2026年度 実態把握", "2026 survey"};
  input.campaign.status = CampaignStatus::kClosed;
  input.campaign.closed_at = "2026-12-31T09:00:00.000Z";
  input.org_id = "org-1";
  input.institution_name = {"テスト銀行", "Test Bank"};
  input.bank = std::make_shared<const CompiledBank>(std::move(*bank));
  input.results = Results();
  return input;
}

std::string RenderText(const FeedbackReportInput& input, ReportLanguage language) {
  auto bytes = RenderFeedbackReport(input, {language, ReportFormat::kPdf});
  EXPECT_TRUE(bytes.ok()) << bytes.error().internal_message();
  return bytes.ok() ? PdfText(*bytes) : "";
}

std::string Squeeze(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\n') out += c;
  }
  return out;
}

TEST(FeedbackReportTest, JapanesePdfShowsOwnFiguresPeerBandsChangesAndActions) {
  const std::string text = RenderText(Input(), ReportLanguage::kJapanese);
  for (std::string_view expected : {
           "フィードバックレポート",
           "テスト銀行",
           "地方銀行",  // title page, category
           "63.4",
           "58.1",
           "37.7",
           "47.3",
           "28.6",  // own scores
           "41.2/55.5/72.8",
           "31.5/44.4/66.1",
           "35.3/49.9/61.6",  // peer quartiles
           "83",
           "54",  // peer heatmap means
           "上位25〜50%",
           "下位25%",  // bands
           "+12.5",
           "+4.2",                                           // change since last year
           "83%",                                            // peers meeting pr.mfa
           "目標水準（レベル3）：評価改善段階の対策水準",    // bank's target level
           "目標水準（レベル3）：全ログを集中監視する体制",  // item's own levels
           "特権IDから多要素認証を導入する。",               // item guidance
           "対応手順と役割分担を定め",                       // generic respond action
           "過半を占めるため",
           "5先未満のため",  // why figures are missing
       }) {
    EXPECT_NE(text.find(Squeeze(expected)), std::string::npos) << expected;
  }
}

TEST(FeedbackReportTest, SuppressedPeerFiguresAreNeverPrinted) {
  for (ReportLanguage language : {ReportLanguage::kJapanese, ReportLanguage::kEnglish}) {
    const std::string text = RenderText(Input(), language);
    ASSERT_FALSE(text.empty());
    for (std::string_view stray : {"87.6", "91.9", "92", "78%", "77.7", "0.777"}) {
      EXPECT_EQ(text.find(stray), std::string::npos) << stray;
    }
  }
}

TEST(FeedbackReportTest, EnglishPdfSpeaksEnglish) {
  const std::string text = RenderText(Input(), ReportLanguage::kEnglish);
  for (std::string_view expected : {
           "Cyber-securitysurveyfeedbackreport",
           "TestBank",
           "Regional",
           "Overall",
           "63.4",
           "41.2/55.5/72.8",
           "uppermiddle",
           "bottomquarter",
           "+12.5",
           "Reachlevel3:Managedandreportedtotheboard",
           "Startmulti-factorauthenticationwithprivilegedaccounts.",
           "morethanhalf",
           "fewerthan5",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
  EXPECT_EQ(text.find("テスト銀行"), std::string::npos);
}

TEST(FeedbackReportTest, WorkbookHoldsTheSameFiguresOneSheetPerSection) {
  for (ReportLanguage language : {ReportLanguage::kJapanese, ReportLanguage::kEnglish}) {
    auto bytes = RenderFeedbackReport(Input(), {language, ReportFormat::kXlsx});
    ASSERT_TRUE(bytes.ok()) << bytes.error().internal_message();
    auto book = documents::ReadXlsx(*bytes);
    ASSERT_TRUE(book.ok()) << book.error().internal_message();
    ASSERT_EQ(book->sheets.size(), 5u);
    const documents::SheetCells& summary = book->sheets[0];
    // Row 1 is the institution and its summary sentence; row 2 the overall figures.
    ASSERT_NE(summary.At(1, 0), nullptr);
    EXPECT_EQ(std::get<std::string>(*summary.At(1, 0)),
              language == ReportLanguage::kJapanese ? "テスト銀行" : "Test Bank");
    EXPECT_DOUBLE_EQ(std::get<double>(*summary.At(2, 1)), 63.4);
    EXPECT_DOUBLE_EQ(std::get<double>(*summary.At(2, 6)), 55.5);
    EXPECT_DOUBLE_EQ(std::get<double>(*summary.At(2, 9)), 12.5);
    // Govern (row 3): peers suppressed as dominated, so no quartile, only the reason.
    for (std::uint32_t column : {5u, 6u, 7u}) EXPECT_EQ(summary.At(3, column), nullptr);
    ASSERT_NE(summary.At(3, 10), nullptr);
    EXPECT_EQ(std::get<std::string>(*summary.At(3, 10)),
              language == ReportLanguage::kJapanese
                  ? SuppressionReason(Suppression::kDominated).ja
                  : SuppressionReason(Suppression::kDominated).en);

    const documents::SheetCells& heatmap = book->sheets[1];
    EXPECT_DOUBLE_EQ(std::get<double>(*heatmap.At(1, 1)), 100);   // outage x govern, own
    EXPECT_DOUBLE_EQ(std::get<double>(*heatmap.At(1, 7)), 83.3);  // outage x govern, peers
    EXPECT_DOUBLE_EQ(std::get<double>(*heatmap.At(2, 2)), 47.3);  // data leak x identify
    EXPECT_EQ(heatmap.At(2, 8), nullptr);  // its suppressed peer mean (stray 91.9)

    const documents::SheetCells& missed = book->sheets[3];
    EXPECT_EQ(std::get<std::string>(*missed.At(1, 0)), "pr.mfa");
    EXPECT_DOUBLE_EQ(std::get<double>(*missed.At(1, 2)), 0.833);
    EXPECT_EQ(std::get<std::string>(*missed.At(2, 0)), "de.logs");
    EXPECT_EQ(missed.At(2, 2), nullptr);  // suppressed share (stray 0.777)

    const documents::SheetCells& actions = book->sheets[4];
    // Items most peers meet first, then the rest missed; the met item has none.
    EXPECT_EQ(actions.row_count(), 5u);
    EXPECT_EQ(std::get<std::string>(*actions.At(1, 0)), "pr.mfa");
    EXPECT_EQ(std::get<std::string>(*actions.At(2, 0)), "de.logs");
    for (const auto& cell : actions.cells()) {
      if (const auto* text = std::get_if<std::string>(&cell.value)) {
        EXPECT_NE(*text, "gv.policy");
      }
    }
  }
}

TEST(FeedbackReportTest, ResultsOfTheWrongShapeAreRefused) {
  const std::vector<std::pair<std::string, Json>> mutations = {
      {"/org_id", "org-2"},
      {"/campaign_id", "camp-2"},
      {"/own", nullptr},
      {"/own/overall/score", 100.5},
      {"/own/overall/score", "63.4"},
      {"/own/items", "everything"},
      {"/own/items/0/item_id", "no.such.item"},
      {"/own/items/1/item_id", "gv.policy"},
      {"/peers/overall/q1", 60.0},
      {"/peers/overall", Json::array()},
      {"/peers/functions/identify/suppressed", "secret"},
      {"/peers/heatmap/outage/govern/value", -1},
      {"/overall_band/band", "middle"},
      {"/own_overall_change", 1e300},
      {"/missed_where_peers_meet/0/share/value", 1.5},
      {"/missed_where_peers_meet", Json::object()},
  };
  for (const auto& [pointer, value] : mutations) {
    FeedbackReportInput input = Input();
    input.results[Json::json_pointer(pointer)] = value;
    for (ReportFormat format : {ReportFormat::kPdf, ReportFormat::kXlsx}) {
      auto report = RenderFeedbackReport(input, {ReportLanguage::kEnglish, format});
      ASSERT_FALSE(report.ok()) << pointer;
      EXPECT_EQ(report.error().code(), ErrorCode::kInvalidArgument) << pointer;
    }
  }
  FeedbackReportInput no_bank = Input();
  no_bank.bank = nullptr;
  EXPECT_FALSE(RenderFeedbackReport(no_bank, {}).ok());
  FeedbackReportInput not_json = Input();
  not_json.results = "report";
  EXPECT_FALSE(RenderFeedbackReport(not_json, {}).ok());
}

// Results of a campaign after an earlier one, with the institution's remediation items as
// results.cc adds them: one closed by this year's answers, one still open and overdue.
FeedbackReportInput InputWithRemediation() {
  FeedbackReportInput input = Input();
  const auto item = [](std::string title, std::string id, std::string due, std::string status,
                       bool overdue) {
    return Json{{"id", "r-" + id},
                {"org_id", "org-1"},
                {"campaign_id", "camp-0"},
                {"campaign_year", 2025},
                {"title", title},
                {"item_ids", {id}},
                {"owner", {{"name", "x"}}},
                {"due_date", due},
                {"status", status},
                {"note", ""},
                {"overdue", overdue},
                {"version", 2},
                {"met", Json::array()},
                {"unmet", Json::array()},
                {"not_asked", Json::array()}};
  };
  input.results["remediation"] = {
      {"campaign_id", "camp-1"},
      {"org_id", "org-1"},
      {"results_available", true},
      {"closed", {item("統治方針の策定", "gv.policy", "2026-06-30", "done", false)}},
      {"still_open",
       {item("資産台帳の整備", "id.inventory", "2026-03-31", "in_progress", true),
        item("=HYPERLINK(\"http://x\") <b>&amp;", "pr.mfa", "2027-01-31", "open", false)}}};
  return input;
}

TEST(FeedbackReportTest, PdfShowsRemediationItemsClosedAndStillOpen) {
  const std::string ja = RenderText(InputWithRemediation(), ReportLanguage::kJapanese);
  for (std::string_view expected :
       {"改善計画の進捗", "完了を確認した計画", "統治方針の策定", "gv.policy", "2026-06-30", "完了",
        "継続中の計画", "資産台帳の整備", "id.inventory", "2026-03-31（期限超過）", "対応中",
        "未着手", "=HYPERLINK(\"http://x\")<b>&amp;"}) {
    EXPECT_NE(ja.find(Squeeze(expected)), std::string::npos) << expected;
  }
  // Closed items come before those still open.
  EXPECT_LT(ja.find("統治方針の策定"), ja.find("資産台帳の整備"));
  const std::string en = RenderText(InputWithRemediation(), ReportLanguage::kEnglish);
  for (std::string_view expected : {"Remediationprogress", "Closed:everyitemaddressedisnowmet",
                                    "Stillopen", "2026-03-31(overdue)", "inprogress", "done"}) {
    EXPECT_NE(en.find(expected), std::string::npos) << expected;
  }
  // Without remediation items in the results, or with none in either list, no section.
  FeedbackReportInput empty = InputWithRemediation();
  empty.results["remediation"]["closed"] = Json::array();
  empty.results["remediation"]["still_open"] = Json::array();
  for (const FeedbackReportInput& input : {Input(), empty}) {
    const std::string text = RenderText(input, ReportLanguage::kJapanese);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.find("改善計画の進捗"), std::string::npos);
  }
}

TEST(FeedbackReportTest, WorkbookHasARemediationSheetWhenThereAreItems) {
  for (ReportLanguage language : {ReportLanguage::kJapanese, ReportLanguage::kEnglish}) {
    const bool ja = language == ReportLanguage::kJapanese;
    auto bytes = RenderFeedbackReport(InputWithRemediation(), {language, ReportFormat::kXlsx});
    ASSERT_TRUE(bytes.ok()) << bytes.error().internal_message();
    auto book = documents::ReadXlsx(*bytes);
    ASSERT_TRUE(book.ok()) << book.error().internal_message();
    ASSERT_EQ(book->sheets.size(), 6u);
    const documents::SheetCells& sheet = book->sheets[5];
    EXPECT_EQ(sheet.name(), ja ? "改善計画の進捗" : "Remediation progress");
    ASSERT_EQ(sheet.row_count(), 4u);
    const auto text = [&](std::uint32_t row, std::uint32_t column) {
      const auto* cell = sheet.At(row, column);
      return cell ? std::get<std::string>(*cell) : std::string();
    };
    EXPECT_EQ(text(1, 0), ja ? "完了を確認" : "closed");
    EXPECT_EQ(text(1, 1), "統治方針の策定");
    EXPECT_EQ(text(1, 2), "gv.policy");
    EXPECT_EQ(text(1, 3), "2026-06-30");
    EXPECT_EQ(text(1, 4), ja ? "いいえ" : "no");
    EXPECT_EQ(text(1, 5), ja ? "完了" : "done");
    EXPECT_EQ(text(2, 0), ja ? "継続中" : "still open");
    EXPECT_EQ(text(2, 1), "資産台帳の整備");
    EXPECT_EQ(text(2, 4), ja ? "はい" : "yes");
    EXPECT_EQ(text(2, 5), ja ? "対応中" : "in progress");
    // A title that looks like a formula stays text.
    EXPECT_EQ(text(3, 1), "=HYPERLINK(\"http://x\") <b>&amp;");
    for (const auto& cell : sheet.cells()) EXPECT_FALSE(cell.formula);
  }
  auto without = RenderFeedbackReport(Input(), {ReportLanguage::kEnglish, ReportFormat::kXlsx});
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(documents::ReadXlsx(*without)->sheets.size(), 5u);
}

TEST(FeedbackReportTest, RemediationOfTheWrongShapeIsRefused) {
  const std::vector<std::pair<std::string, Json>> mutations = {
      {"/remediation", "closed"},
      {"/remediation/closed", Json::object()},
      {"/remediation/still_open", nullptr},
      {"/remediation/closed/0", "item"},
      {"/remediation/closed/0/title", ""},
      {"/remediation/closed/0/title", 5},
      {"/remediation/closed/0/status", "finished"},
      {"/remediation/closed/0/item_ids", "gv.policy"},
      {"/remediation/closed/0/item_ids/0", 7},
      {"/remediation/still_open/0/due_date", nullptr},
      {"/remediation/still_open/0/overdue", "yes"},
  };
  for (const auto& [pointer, value] : mutations) {
    FeedbackReportInput input = InputWithRemediation();
    input.results[Json::json_pointer(pointer)] = value;
    for (ReportFormat format : {ReportFormat::kPdf, ReportFormat::kXlsx}) {
      auto report = RenderFeedbackReport(input, {ReportLanguage::kJapanese, format});
      ASSERT_FALSE(report.ok()) << pointer;
      EXPECT_EQ(report.error().code(), ErrorCode::kInvalidArgument) << pointer;
    }
  }
  FeedbackReportInput removed = InputWithRemediation();
  removed.results["remediation"].erase("still_open");
  EXPECT_FALSE(RenderFeedbackReport(removed, {}).ok());
}

TEST(FeedbackReportTest, TheSameResultsGiveTheSameBytes) {
  for (ReportFormat format : {ReportFormat::kPdf, ReportFormat::kXlsx}) {
    auto first = RenderFeedbackReport(Input(), {ReportLanguage::kJapanese, format});
    auto second = RenderFeedbackReport(Input(), {ReportLanguage::kJapanese, format});
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(*first, *second);
  }
}

TEST(FeedbackReportTest, LanguageAndFormatNames) {
  EXPECT_EQ(ParseReportLanguage("ja"), ReportLanguage::kJapanese);
  EXPECT_EQ(ParseReportLanguage("en"), ReportLanguage::kEnglish);
  EXPECT_EQ(ParseReportFormat("pdf"), ReportFormat::kPdf);
  EXPECT_EQ(ParseReportFormat("xlsx"), ReportFormat::kXlsx);
  for (std::string_view bad : {""sv, "JA"sv, "fr"sv, "pdf "sv, "xls"sv, "ja\0"sv}) {
    EXPECT_FALSE(ParseReportLanguage(bad));
    EXPECT_FALSE(ParseReportFormat(bad));
  }
}

}  // namespace
}  // namespace fincyber::survey
