// Feedback reports of a campaign closed through the service, on both databases: each
// institution's report is read under the access rules (its own; bureau staff the
// institutions they supervise), carries its own figures and nothing of another
// institution, and a category too small for peer figures says why instead.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "base/crypto.h"
#include "survey/feedback_report.h"
#include "survey/feedback_report_testing.h"
#include "survey/remediation.h"
#include "survey/test_survey.h"
#include "testing/db_targets.h"

namespace fincyber::survey {
namespace {

using report_testing::PdfText;

class FeedbackReportDbTest : public ::testing::TestWithParam<std::string> {
 protected:
  FeedbackReportDbTest() : t_(GetParam()) {}
  TestSurvey t_;
  identity::TestSector& s() { return t_.s; }

  // A (major bank, alone in its category) and B with R1..R6 (regional banks) submit; B
  // answers maturity 2 and a coverage of `b_coverage`.
  Campaign CloseWithEveryoneSubmitted(int year = 2026, double b_coverage = 40) {
    const Campaign campaign = t_.Open(year);
    t_.AnswerAndSubmit(s().a_admin, s().bank_a.id, campaign, "yes", 3, 80);
    t_.AnswerAndSubmit(s().b_admin, s().bank_b.id, campaign, "yes", 2, b_coverage);
    for (int i = 0; i < 6; ++i) {
      t_.AnswerAndSubmit(t_.regional_admins[i], t_.regional[i].id, campaign,
                         i % 3 == 0 ? "no" : "yes", i % 5, 20.0 * i);
    }
    auto closed = t_.service.CloseCampaign(t_.P(s().coord), campaign.id, t_.info);
    EXPECT_TRUE(closed.ok()) << closed.error().internal_message();
    return closed.ok() ? *closed : campaign;
  }

  std::string ReportText(const identity::User& user, const Campaign& campaign,
                         const std::string& org_id, ReportLanguage language) {
    auto input = LoadFeedbackReportInput(t_.service, t_.P(user), campaign.id, org_id);
    EXPECT_TRUE(input.ok()) << input.error().internal_message();
    if (!input.ok()) return "";
    auto bytes = RenderFeedbackReport(*input, {language, ReportFormat::kPdf});
    EXPECT_TRUE(bytes.ok()) << bytes.error().internal_message();
    return bytes.ok() ? PdfText(*bytes) : "";
  }
};

TEST_P(FeedbackReportDbTest, ReportCarriesOwnFiguresAndNoOtherInstitution) {
  const Campaign campaign = CloseWithEveryoneSubmitted();
  auto results = t_.service.InstitutionResults(t_.P(s().b_admin), campaign.id, s().bank_b.id);
  ASSERT_TRUE(results.ok());
  const double own_score = (*results)["own"]["overall"]["score"].get<double>();
  ASSERT_TRUE((*results)["peers"]["overall"].contains("median"));
  const double median = (*results)["peers"]["overall"]["median"].get<double>();

  for (ReportLanguage language : {ReportLanguage::kJapanese, ReportLanguage::kEnglish}) {
    const std::string text = ReportText(s().b_admin, campaign, s().bank_b.id, language);
    const bool ja = language == ReportLanguage::kJapanese;
    EXPECT_NE(text.find(ja ? "B銀行" : "BankB"), std::string::npos);
    EXPECT_NE(text.find(fmt::format("{:.1f}", own_score)), std::string::npos);
    EXPECT_NE(text.find(fmt::format("{:.1f}", median)), std::string::npos);
    for (const auto& other : t_.regional) {
      EXPECT_EQ(text.find(other.name_ja), std::string::npos) << other.name_ja;
      EXPECT_EQ(text.find(other.id), std::string::npos);
    }
    for (std::string_view other : {"A銀行", "BankA", "R1", "R6"}) {
      EXPECT_EQ(text.find(other), std::string::npos) << other;
    }
    EXPECT_EQ(text.find(s().bank_a.id), std::string::npos);
  }
}

TEST_P(FeedbackReportDbTest, OnlyTheInstitutionAndItsSupervisorsGetItsReport) {
  const Campaign campaign = CloseWithEveryoneSubmitted();
  // Another institution's report is not found, so its existence is not revealed.
  for (const auto& [user, org_id] : std::vector<std::pair<identity::User, std::string>>{
           {t_.regional_admins[0], s().bank_b.id},
           {s().b_admin, t_.regional[0].id},
           {s().b_admin, s().bank_a.id},
           {s().bureau_staff, s().bank_b.id},  // the bureau supervises A only
       }) {
    auto input = LoadFeedbackReportInput(t_.service, t_.P(user), campaign.id, org_id);
    ASSERT_FALSE(input.ok());
    EXPECT_EQ(input.error().code(), ErrorCode::kNotFound) << user.username << " " << org_id;
  }
  EXPECT_EQ(
      LoadFeedbackReportInput(t_.service, t_.P(s().b_admin), "no-such-campaign", s().bank_b.id)
          .error()
          .code(),
      ErrorCode::kNotFound);
  auto supervised =
      LoadFeedbackReportInput(t_.service, t_.P(s().bureau_staff), campaign.id, s().bank_a.id);
  ASSERT_TRUE(supervised.ok()) << supervised.error().internal_message();
  EXPECT_EQ(supervised->org_id, s().bank_a.id);
  EXPECT_EQ(supervised->institution_name.ja, "A銀行");
  EXPECT_TRUE(
      LoadFeedbackReportInput(t_.service, t_.P(s().coord), campaign.id, s().bank_b.id).ok());
}

TEST_P(FeedbackReportDbTest, AloneInItsCategoryTheReportSaysWhyThereIsNoPeerFigure) {
  const Campaign campaign = CloseWithEveryoneSubmitted();
  const std::string text =
      ReportText(s().a_admin, campaign, s().bank_a.id, ReportLanguage::kJapanese);
  EXPECT_NE(text.find("A銀行"), std::string::npos);
  EXPECT_NE(text.find("5先未満のため"), std::string::npos);
  EXPECT_EQ(text.find("B銀行"), std::string::npos);
}

TEST_P(FeedbackReportDbTest, CampaignReportsAreWrittenForWhatThePrincipalMaySee) {
  const Campaign campaign = CloseWithEveryoneSubmitted();
  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / ("feedback-reports-" + NewUuid());
  struct Case {
    identity::User user;
    ReportFormat format;
    int threads;
    std::vector<std::string> expected;  // org ids
  };
  std::vector<std::string> everyone = {s().bank_a.id, s().bank_b.id};
  for (const auto& org : t_.regional) everyone.push_back(org.id);
  for (const Case& c : std::vector<Case>{
           {s().coord, ReportFormat::kXlsx, 3, everyone},
           {s().bureau_staff, ReportFormat::kPdf, 2, {s().bank_a.id}},
           {s().b_admin, ReportFormat::kXlsx, 1, {s().bank_b.id}},
       }) {
    std::filesystem::remove_all(out);
    int calls = 0;
    int last_done = 0;
    auto summary = WriteCampaignReports(t_.service, t_.P(c.user), campaign.id,
                                        {{ReportLanguage::kEnglish, c.format}, out, c.threads},
                                        [&](int done, int total) {
                                          ++calls;
                                          last_done = done;
                                          EXPECT_EQ(total, static_cast<int>(c.expected.size()));
                                        });
    ASSERT_TRUE(summary.ok()) << summary.error().internal_message();
    EXPECT_TRUE(summary->failures.empty());
    EXPECT_EQ(summary->written, static_cast<int>(c.expected.size()));
    EXPECT_EQ(calls, static_cast<int>(c.expected.size()));
    EXPECT_EQ(last_done, static_cast<int>(c.expected.size()));
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(out)) {
      files.push_back(entry.path().filename().string());
    }
    std::vector<std::string> expected;
    for (const auto& id : c.expected) {
      expected.push_back(id + "-en." + std::string(ReportFileExtension(c.format)));
    }
    std::sort(files.begin(), files.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(files, expected) << c.user.username;
  }
  std::filesystem::remove_all(out);
  EXPECT_EQ(
      WriteCampaignReports(t_.service, t_.P(s().coord), campaign.id, {{}, out, 0}).error().code(),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(WriteCampaignReports(t_.service, t_.P(s().coord), "no-such-campaign", {{}, out, 1})
                .error()
                .code(),
            ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_P(FeedbackReportDbTest, NextYearsReportShowsRemediationClosedAndStillOpen) {
  // B misses the maturity target and the coverage in 2025 and plans both; in 2026 it
  // reaches the coverage only.
  const Campaign earlier = CloseWithEveryoneSubmitted(2025, 40);
  RemediationService remediation(s().db(), s().clock);
  const std::string due = FormatRfc3339(s().clock.Now() + std::chrono::hours(24 * 200));
  for (const auto& [title, item] :
       {std::pair{"監視範囲の拡大", "op.coverage"}, std::pair{"成熟度の向上", "gv.maturity"}}) {
    NewRemediation in;
    in.title = title;
    in.item_ids = {item};
    in.owner.name = "システム部";
    in.due_date = due.substr(0, 10);
    auto created = remediation.Create(t_.P(s().b_admin), earlier.id, in, t_.info);
    ASSERT_TRUE(created.ok()) << created.error().internal_message();
  }
  const Campaign later = CloseWithEveryoneSubmitted(2026, 80);

  const std::string ja = ReportText(s().b_admin, later, s().bank_b.id, ReportLanguage::kJapanese);
  const std::size_t closed = ja.find("完了を確認した計画");
  const std::size_t open = ja.find("継続中の計画");
  ASSERT_NE(closed, std::string::npos);
  ASSERT_NE(open, std::string::npos);
  EXPECT_GT(ja.find("監視範囲の拡大"), closed);
  EXPECT_LT(ja.find("監視範囲の拡大"), open);
  EXPECT_GT(ja.find("成熟度の向上"), open);
  EXPECT_NE(ja.find(due.substr(0, 10)), std::string::npos);
  const std::string en = ReportText(s().b_admin, later, s().bank_b.id, ReportLanguage::kEnglish);
  EXPECT_NE(en.find("Remediationprogress"), std::string::npos);
  EXPECT_NE(en.find("Stillopen"), std::string::npos);

  // The supervisor's copy of A's report, and the earlier year's, have none of B's items.
  for (const std::string& text :
       {ReportText(s().bureau_staff, later, s().bank_a.id, ReportLanguage::kJapanese),
        ReportText(s().b_admin, earlier, s().bank_b.id, ReportLanguage::kJapanese)}) {
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.find("監視範囲の拡大"), std::string::npos);
    EXPECT_EQ(text.find("改善計画の進捗"), std::string::npos);
  }
}

TEST_P(FeedbackReportDbTest, NoReportWhileTheCampaignIsOpen) {
  const Campaign campaign = t_.Open();
  t_.AnswerAndSubmit(s().b_admin, s().bank_b.id, campaign, "yes", 2, 40);
  auto input = LoadFeedbackReportInput(t_.service, t_.P(s().b_admin), campaign.id, s().bank_b.id);
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(WriteCampaignReports(t_.service, t_.P(s().coord), campaign.id,
                                 {{}, std::filesystem::temp_directory_path(), 1})
                .error()
                .code(),
            ErrorCode::kFailedPrecondition);
}

INSTANTIATE_TEST_SUITE_P(Backends, FeedbackReportDbTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::survey
