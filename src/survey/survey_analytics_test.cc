#include <gtest/gtest.h>

#include "survey/analytics.h"
#include "survey/bank_format.h"

namespace fincyber::survey {
namespace {

std::shared_ptr<const CompiledBank> MakeBank(std::string_view b_text) {
  const std::string yaml = std::string(R"(
id: analytics
version: "1"
status: published
title: {ja: 分析, en: Analytics}
maturity_scale: [{ja: 〇, en: "0"}, {ja: 一, en: "1"}, {ja: 二, en: "2"}, {ja: 三, en: "3"}, {ja: 四, en: "4"}]
sections:
  - id: s
    title: {ja: 部, en: Part}
    items:
      - {id: a, text: {ja: 甲, en: A}, type: yes_no, threats: [outage], function: identify}
      - {id: b, text: {ja: 乙, en: ")") +
                           std::string(b_text) +
                           R"("}, type: maturity, threats: [outage], function: protect}
)";
  auto bank = ParseBankYaml(yaml);
  EXPECT_TRUE(bank.ok()) << bank.error().safe_message();
  return std::make_shared<const CompiledBank>(*bank);
}

struct Answer {
  std::string id;
  bool a;
  int b;
};

CampaignScores ScoredCampaign(int year, std::shared_ptr<const CompiledBank> bank,
                              const std::string& category, const std::vector<Answer>& answers) {
  CampaignScores campaign{year, bank, {}};
  for (const auto& answer : answers) {
    const Answers values = {{"a", answer.a ? YesNo::kYes : YesNo::kNo}, {"b", answer.b}};
    campaign.institutions.push_back(
        {answer.id, category, Score(*bank, {category, SizeTier::kMedium}, values)});
  }
  return campaign;
}

void Add(CampaignScores& campaign, const std::string& category,
         const std::vector<Answer>& answers) {
  auto more = ScoredCampaign(campaign.year, campaign.bank, category, answers);
  for (auto& institution : more.institutions) {
    campaign.institutions.push_back(std::move(institution));
  }
}

// Overall scores (a + b/4) / 2: 100, 87.5, 25, 75, 37.5, 62.5, 50.
const std::vector<Answer> kRegional = {{"r1", true, 4}, {"r2", true, 3},  {"r3", false, 2},
                                       {"r4", true, 2}, {"r5", false, 3}, {"r6", true, 1},
                                       {"r7", false, 4}};

SectorAnalytics Build(std::vector<CampaignScores> campaigns) {
  auto analytics = SectorAnalytics::Build(std::move(campaigns));
  EXPECT_TRUE(analytics.ok()) << analytics.error().safe_message();
  return std::move(analytics).value();
}

TEST(SurveyAnalytics, CategoryQuartilesAndBands) {
  const auto analytics = Build({ScoredCampaign(2026, MakeBank("B"), "regional_bank", kRegional)});
  auto report = analytics.ForCategory(2026, "regional_bank");
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->institutions, 7);
  const auto& overall = report->scores.overall;
  ASSERT_TRUE(overall.shown());
  EXPECT_EQ(overall.contributors, 7);
  EXPECT_DOUBLE_EQ(overall.q1, 43.75);
  EXPECT_DOUBLE_EQ(overall.median, 62.5);
  EXPECT_DOUBLE_EQ(overall.q3, 81.25);
  const auto& cell =
      report->scores
          .heatmap[static_cast<int>(Threat::kOutage)][static_cast<int>(Function::kIdentify)];
  ASSERT_TRUE(cell.shown());
  EXPECT_NEAR(cell.value, 100.0 * 4 / 7, 1e-9);
  EXPECT_FALSE(report->scores.heatmap[static_cast<int>(Threat::kDataLeak)][0].shown());

  ASSERT_EQ(report->bands.size(), 7u);
  EXPECT_EQ(report->bands[0].overall.band, Band::kTopQuarter);     // r1, 100
  EXPECT_EQ(report->bands[2].overall.band, Band::kBottomQuarter);  // r3, 25
  EXPECT_EQ(report->bands[6].overall.band, Band::kLowerMiddle);    // r7, 50

  // a: 3 of 7 answered no; b: 3 of 7 below the target level 3. Ties keep bank order.
  ASSERT_EQ(report->most_missed.size(), 2u);
  EXPECT_EQ(report->most_missed[0].item_id, "a");
  EXPECT_NEAR(report->most_missed[0].share.value, 3.0 / 7, 1e-12);
  EXPECT_EQ(report->most_missed[1].item_id, "b");
}

TEST(SurveyAnalytics, InstitutionSeesPeersWithoutItself) {
  const auto analytics = Build({ScoredCampaign(2026, MakeBank("B"), "regional_bank", kRegional)});
  auto feedback = analytics.ForInstitution(2026, "r1");
  ASSERT_TRUE(feedback.ok());
  const auto& peers = feedback->peers.overall;
  ASSERT_TRUE(peers.shown());
  EXPECT_EQ(peers.contributors, 6);
  EXPECT_DOUBLE_EQ(peers.q1, 40.625);
  EXPECT_DOUBLE_EQ(peers.median, 56.25);
  EXPECT_DOUBLE_EQ(peers.q3, 71.875);
  EXPECT_EQ(feedback->overall_band.band, Band::kTopQuarter);
  EXPECT_DOUBLE_EQ(feedback->own->overall.Score(), 100.0);

  // r3 missed a and b, each met by 4 of its 6 peers; r1 missed nothing.
  auto r3 = analytics.ForInstitution(2026, "r3");
  ASSERT_TRUE(r3.ok());
  ASSERT_EQ(r3->missed_where_peers_meet.size(), 2u);
  EXPECT_EQ(r3->missed_where_peers_meet[0].item_id, "a");
  EXPECT_NEAR(r3->missed_where_peers_meet[0].share.value, 4.0 / 6, 1e-12);
  EXPECT_TRUE(feedback->missed_where_peers_meet.empty());
}

TEST(SurveyAnalytics, PeerFiguresDoNotDependOnTheViewersOwnAnswers) {
  auto changed = kRegional;
  changed[0] = {"r1", false, 0};
  const auto before = Build({ScoredCampaign(2026, MakeBank("B"), "regional_bank", kRegional)});
  const auto after = Build({ScoredCampaign(2026, MakeBank("B"), "regional_bank", changed)});
  const auto a = before.ForInstitution(2026, "r1");
  const auto b = after.ForInstitution(2026, "r1");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->peers.overall.median, b->peers.overall.median);
  EXPECT_EQ(a->peers.overall.q1, b->peers.overall.q1);
  for (int f = 0; f < kFunctionCount; ++f) {
    EXPECT_EQ(a->peers.functions[f].q3, b->peers.functions[f].q3);
    EXPECT_EQ(a->peers.heatmap[0][f].value, b->peers.heatmap[0][f].value);
  }
  EXPECT_NE(a->own->overall.Score(), b->own->overall.Score());
}

TEST(SurveyAnalytics, AtLeastFiveOtherInstitutions) {
  std::vector<Answer> six(kRegional.begin(), kRegional.begin() + 6);
  std::vector<Answer> five(kRegional.begin(), kRegional.begin() + 5);
  const auto with_six = Build({ScoredCampaign(2026, MakeBank("B"), "regional_bank", six)});
  const auto with_five = Build({ScoredCampaign(2026, MakeBank("B"), "regional_bank", five)});
  EXPECT_TRUE(with_six.ForInstitution(2026, "r2")->peers.overall.shown());
  const auto suppressed = with_five.ForInstitution(2026, "r2");
  EXPECT_EQ(suppressed->peers.overall.suppression, Suppression::kTooFewPeers);
  EXPECT_EQ(suppressed->peers.overall.median, 0);
  EXPECT_EQ(suppressed->overall_band.suppression, Suppression::kTooFewPeers);
  EXPECT_EQ(suppressed->peers.heatmap[0][1].suppression, Suppression::kTooFewPeers);
  EXPECT_TRUE(suppressed->missed_where_peers_meet.empty());
  // The regulator's category view counts all five.
  EXPECT_TRUE(with_five.ForCategory(2026, "regional_bank")->scores.overall.shown());
  // Another category's institutions never count as peers.
  auto mixed = ScoredCampaign(2026, MakeBank("B"), "regional_bank", five);
  Add(mixed, "shinkin_bank", {{"s1", true, 4}, {"s2", true, 3}, {"s3", false, 3}});
  const auto analytics = Build({std::move(mixed)});
  EXPECT_EQ(analytics.ForInstitution(2026, "r2")->peers.overall.contributors, 4);
  EXPECT_EQ(SuppressionName(Suppression::kTooFewPeers), "too_few_peers");
  EXPECT_FALSE(SuppressionReason(Suppression::kTooFewPeers).ja.empty());
}

TEST(SurveyAnalytics, OneDominantInstitutionSuppressesTheFigure) {
  // One institution carries the whole mean: 100 against five zeros.
  const auto dominated = Build({ScoredCampaign(2026, MakeBank("B"), "shinkin_bank",
                                               {{"s0", false, 0},
                                                {"s1", true, 4},
                                                {"s2", false, 0},
                                                {"s3", false, 0},
                                                {"s4", false, 0},
                                                {"s5", false, 0}})});
  const auto view = dominated.ForInstitution(2026, "s0");
  EXPECT_EQ(view->peers.overall.suppression, Suppression::kDominated);
  EXPECT_EQ(view->peers.heatmap[0][1].suppression, Suppression::kDominated);
  EXPECT_EQ(SuppressionName(view->peers.overall.suppression), "dominated");
  // From s1's own view the others are all alike: nothing is dominated.
  EXPECT_TRUE(dominated.ForInstitution(2026, "s1")->peers.overall.shown());

  // The same rule on what peers lack: five at 100 and one at 0.
  const auto lacking = Build({ScoredCampaign(2026, MakeBank("B"), "shinkin_bank",
                                             {{"s0", true, 4},
                                              {"s1", false, 0},
                                              {"s2", true, 4},
                                              {"s3", true, 4},
                                              {"s4", true, 4},
                                              {"s5", true, 4}})});
  EXPECT_EQ(lacking.ForInstitution(2026, "s0")->peers.overall.suppression, Suppression::kDominated);

  // Item shares: one institution of six missing item a is not shown; two are.
  auto one_misses = Build({ScoredCampaign(2026, MakeBank("B"), "shinkin_bank",
                                          {{"s0", false, 4},
                                           {"s1", true, 4},
                                           {"s2", true, 4},
                                           {"s3", true, 4},
                                           {"s4", true, 4},
                                           {"s5", true, 4}})});
  EXPECT_TRUE(one_misses.ForCategory(2026, "shinkin_bank")->most_missed.empty());
  auto two_miss = Build({ScoredCampaign(2026, MakeBank("B"), "shinkin_bank",
                                        {{"s0", false, 4},
                                         {"s1", false, 4},
                                         {"s2", true, 4},
                                         {"s3", true, 4},
                                         {"s4", true, 4},
                                         {"s5", true, 4}})});
  auto report = two_miss.ForCategory(2026, "shinkin_bank");
  ASSERT_EQ(report->most_missed.size(), 1u);
  EXPECT_NEAR(report->most_missed[0].share.value, 2.0 / 6, 1e-12);
  // s0 missed a; among its five peers only s1 did too, so "peers met" (4 of 5) is
  // shown, but the complement would single s1 out: the rule counts both sides.
  auto s0 = two_miss.ForInstitution(2026, "s0");
  EXPECT_TRUE(s0->missed_where_peers_meet.empty());
}

TEST(SurveyAnalytics, YearOverYearOnlyOnUnchangedItems) {
  auto last_year = kRegional;
  for (auto& answer : last_year) answer.a = false;
  const auto analytics =
      Build({ScoredCampaign(2026, MakeBank("B reworded"), "regional_bank", kRegional),
             ScoredCampaign(2025, MakeBank("B"), "regional_bank", last_year)});
  EXPECT_EQ(analytics.Years(), (std::vector<int>{2025, 2026}));
  auto report = analytics.ForCategory(2026, "regional_bank");
  ASSERT_EQ(report->year_over_year.size(), 1u);  // b's wording changed
  const ItemChange& change = report->year_over_year[0];
  EXPECT_EQ(change.item_id, "a");
  EXPECT_EQ(change.previous.suppression, Suppression::kNone);
  EXPECT_DOUBLE_EQ(change.previous.value, 0.0);
  ASSERT_TRUE(change.change.has_value());
  EXPECT_NEAR(*change.change, 4.0 / 7, 1e-12);

  auto feedback = analytics.ForInstitution(2026, "r1");
  ASSERT_TRUE(feedback->own_overall_change.has_value());
  EXPECT_DOUBLE_EQ(*feedback->own_overall_change, 100.0);  // a: no -> yes
  EXPECT_DOUBLE_EQ(*feedback->own_function_change[static_cast<int>(Function::kIdentify)], 100.0);
  EXPECT_FALSE(feedback->own_function_change[static_cast<int>(Function::kProtect)].has_value());
  ASSERT_EQ(feedback->peer_year_over_year.size(), 1u);
  EXPECT_NEAR(feedback->peer_year_over_year[0].current.value, 3.0 / 6, 1e-12);

  EXPECT_TRUE(analytics.ForInstitution(2025, "r1")->peer_year_over_year.empty());
  EXPECT_TRUE(Build({ScoredCampaign(2026, MakeBank("B"), "regional_bank", kRegional),
                     ScoredCampaign(2025, MakeBank("B"), "regional_bank", last_year)})
                  .ForCategory(2026, "regional_bank")
                  ->year_over_year.size() == 2);
}

TEST(SurveyAnalytics, BadInputAndUnknownNames) {
  auto twice =
      ScoredCampaign(2026, MakeBank("B"), "regional_bank", {{"r1", true, 4}, {"r1", true, 3}});
  EXPECT_EQ(SectorAnalytics::Build({twice}).error().code(), ErrorCode::kInvalidArgument);
  auto same_year = ScoredCampaign(2026, MakeBank("B"), "regional_bank", kRegional);
  EXPECT_FALSE(SectorAnalytics::Build({same_year, same_year}).ok());
  auto mismatched = ScoredCampaign(2026, MakeBank("B"), "regional_bank", kRegional);
  mismatched.institutions[0].card.items.pop_back();
  EXPECT_FALSE(SectorAnalytics::Build({mismatched}).ok());
  CampaignScores no_bank{2026, nullptr, {}};
  EXPECT_FALSE(SectorAnalytics::Build({no_bank}).ok());

  const auto analytics = Build({ScoredCampaign(2026, MakeBank("B"), "regional_bank", kRegional)});
  EXPECT_EQ(analytics.ForInstitution(2026, "nobody").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(analytics.ForInstitution(2020, "r1").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(analytics.ForCategory(2026, "insurer").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(analytics.Categories(2026), std::vector<std::string>{"regional_bank"});
}

}  // namespace
}  // namespace fincyber::survey
