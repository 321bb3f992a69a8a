// The regulator's sector report on both databases: who may have it, what the PDF says in
// both languages (read back with poppler), the workbook's sheets, and hostile input.
#include <gtest/gtest.h>

#include "survey/feedback_report_testing.h"
#include "survey/sector_report.h"
#include "survey/test_survey.h"
#include "testing/db_targets.h"

namespace fincyber::survey {
namespace {

using report_testing::PdfText;

class SectorReportTest : public ::testing::TestWithParam<std::string> {
 protected:
  SectorReportTest() : t_(GetParam()) {}
  identity::TestSector& s() { return t_.s; }

  // Two years of regional banks (bank B and R1..R6); the second is the one reported.
  Campaign TwoYears() {
    const Campaign first = t_.Open(2025, {"regional_bank"});
    for (int i = 0; i < 6; ++i) {
      t_.AnswerAndSubmit(t_.regional_admins[i], t_.regional[i].id, first, i < 3 ? "no" : "yes",
                         1 + i % 3, 60);
    }
    EXPECT_TRUE(t_.service.CloseCampaign(t_.P(s().coord), first.id, t_.info).ok());
    const Campaign second = t_.Open(2026, {"regional_bank", "major_bank"});
    for (int i = 0; i < 6; ++i) {
      t_.AnswerAndSubmit(t_.regional_admins[i], t_.regional[i].id, second, "yes", 2 + i % 3,
                         40 + 10 * i);
    }
    t_.AnswerAndSubmit(s().b_admin, s().bank_b.id, second, "yes", 3, 90);
    EXPECT_TRUE(t_.service.CloseCampaign(t_.P(s().coord), second.id, t_.info).ok());
    return second;
  }

  TestSurvey t_;
};

TEST_P(SectorReportTest, OnlyTheCoordinationOfficeAndBureausGetIt) {
  const Campaign open = t_.Open(2024, {"regional_bank"});
  EXPECT_EQ(LoadSectorReportInput(t_.service, t_.P(s().coord), open.id).error().code(),
            ErrorCode::kFailedPrecondition);
  const Campaign campaign = TwoYears();
  for (const auto& denied : {t_.P(s().b_admin), t_.P(s().a_member), t_.P(s().auditor),
                             t_.P(s().isac_analyst), t_.P(t_.regional_admins[0])}) {
    EXPECT_EQ(LoadSectorReportInput(t_.service, denied, campaign.id).error().code(),
              ErrorCode::kPermissionDenied);
  }
  EXPECT_TRUE(LoadSectorReportInput(t_.service, t_.P(s().bureau_staff), campaign.id).ok());
  EXPECT_EQ(LoadSectorReportInput(t_.service, t_.P(s().coord), "no-such").error().code(),
            ErrorCode::kNotFound);
}

TEST_P(SectorReportTest, PdfShowsEachCategoryWithoutNamingAnInstitution) {
  const Campaign campaign = TwoYears();
  auto input = LoadSectorReportInput(t_.service, t_.P(s().coord), campaign.id);
  ASSERT_TRUE(input.ok()) << input.error().internal_message();
  auto ja = RenderSectorReport(*input, {});
  ASSERT_TRUE(ja.ok()) << ja.error().internal_message();
  const std::string text = PdfText(*ja);
  for (const char* expected :
       {"業態別集計レポート", "地方銀行", "主要行", "提出先数：7", "中央値", "第1四分位",
        "脅威×機能ヒートマップ", "多くの先が満たしていない項目", "方針がありますか。",
        "前年からの変化", "提出した先はありません。"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
  for (const char* institution : {"R1銀行", "R6銀行", "B銀行", "BankR1"}) {
    EXPECT_EQ(text.find(institution), std::string::npos) << institution;
  }
  auto en = RenderSectorReport(*input, {.language = ReportLanguage::kEnglish,
                                        .format = ReportFormat::kPdf,
                                        .typeface = documents::Typeface::kCompact});
  ASSERT_TRUE(en.ok());
  const std::string english = PdfText(*en);
  for (const char* expected :
       {"sectorreport", "Median", "Q3", "Changesincelastyear", "Isthereapolicy?"}) {
    EXPECT_NE(english.find(expected), std::string::npos) << expected;
  }
}

TEST_P(SectorReportTest, WorkbookHasTheSameFiguresAsNumbers) {
  const Campaign campaign = TwoYears();
  auto input = LoadSectorReportInput(t_.service, t_.P(s().coord), campaign.id);
  ASSERT_TRUE(input.ok());
  auto book = BuildSectorWorkbook(*input, ReportLanguage::kEnglish);
  ASSERT_TRUE(book.ok()) << book.error().internal_message();
  ASSERT_EQ(book->sheets.size(), 4u);
  EXPECT_EQ(book->sheets[0].name, "Scores");
  // Regional banks: overall, six functions, four threats; major banks: one empty row.
  EXPECT_EQ(book->sheets[0].rows.size(), 12u);
  // Each row as the frozen figure says: the median as a number, or the reason instead.
  const Json& scores = input->sector["categories"][0]["scores"];
  std::vector<Json> figures = {scores["overall"]};
  for (Function f : kAllFunctions) figures.push_back(scores["functions"][FunctionName(f)]);
  for (Threat t : kAllThreats) figures.push_back(scores["threats"][ThreatName(t)]);
  for (std::size_t row = 0; row < figures.size(); ++row) {
    const auto& cells = book->sheets[0].rows[row];
    if (figures[row].contains("median")) {
      EXPECT_EQ(std::get<double>(cells[4]), figures[row]["median"].get<double>()) << row;
      EXPECT_TRUE(std::holds_alternative<std::monostate>(cells[6])) << row;
    } else {
      EXPECT_TRUE(std::holds_alternative<std::monostate>(cells[4])) << row;
      EXPECT_EQ(std::get<std::string>(cells[6]), figures[row]["reason"]["en"]) << row;
    }
  }
  EXPECT_EQ(book->sheets[1].rows.size(), 4u);  // a heatmap row per threat
  EXPECT_FALSE(book->sheets[3].rows.empty());  // year over year
  auto bytes = RenderSectorReport(*input, {.language = ReportLanguage::kJapanese,
                                           .format = ReportFormat::kXlsx,
                                           .typeface = documents::Typeface::kCompact});
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->substr(0, 2), "PK");
}

TEST_P(SectorReportTest, DamagedResultsAreRefusedNotPrinted) {
  const Campaign campaign = TwoYears();
  auto input = LoadSectorReportInput(t_.service, t_.P(s().coord), campaign.id);
  ASSERT_TRUE(input.ok());
  std::vector<std::function<void(Json&)>> damages = {
      [](Json& j) { j = Json::array(); },
      [](Json& j) { j["categories"] = "x"; },
      [](Json& j) {
        j["categories"][0]["scores"]["overall"] = {{"median", "high"}};
      },
      [](Json& j) { j["categories"][0]["scores"]["heatmap"] = nullptr; },
      [](Json& j) {
        j["categories"][0]["most_missed"] = {{{"item_id", "nope"}}};
      },
  };
  for (std::size_t i = 0; i < damages.size(); ++i) {
    SectorReportInput damaged = *input;
    damages[i](damaged.sector);
    auto rendered = RenderSectorReport(damaged, {});
    ASSERT_FALSE(rendered.ok()) << i;
    EXPECT_EQ(rendered.error().code(), ErrorCode::kInvalidArgument) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SectorReportTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::survey
