// An institution's own size tier on both databases: a campaign's assignments take it
// (or the category's default when it has none), and the mission bank's size-conditional
// item shows for a large regional bank and not for a small or default-sized one.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "survey/evidence.h"
#include "survey/mission_bank.h"
#include "survey/scoring.h"
#include "survey/test_survey.h"
#include "testing/db_targets.h"

namespace fincyber::survey {
namespace {

constexpr std::string_view kLargeOnlyItem = "de.round_the_clock";

class SurveySizeTierTest : public ::testing::TestWithParam<std::string> {
 protected:
  SurveySizeTierTest() : t_(GetParam()) {}

  void SetTier(const identity::Org& org, std::optional<std::string> tier) {
    Status st = t_.s.db().Transact([&](store::Connection& c) -> Status {
      auto set = identity::SetOrgSizeTier(c, identity::OperatorPrincipal(), org.id, tier);
      if (!set.ok()) return std::move(set).error();
      return OkStatus();
    });
    ASSERT_TRUE(st.ok()) << st.error().internal_message();
  }

  // Opens a regional-bank campaign of the mission bank.
  Campaign OpenMissionCampaign() {
    auto bank = t_.service.LoadMissionBank(t_.P(t_.s.coord), t_.info);
    EXPECT_TRUE(bank.ok()) << bank.error().internal_message();
    NewCampaign nc;
    nc.bank_storage_id = bank.ok() ? bank->id : "";
    nc.title = {"規模別 調査", "Survey by size"};
    nc.year = 2026;
    nc.categories = {"regional_bank"};
    nc.deadline = t_.s.clock.Now() + std::chrono::hours(24 * 30);
    auto opened = t_.service.OpenCampaign(t_.P(t_.s.coord), nc, t_.info);
    EXPECT_TRUE(opened.ok()) << opened.error().internal_message();
    return opened.ok() ? *opened : Campaign{};
  }

  // The institution's assigned tier and whether the mission bank shows it the large-only
  // item (conditions read the assignment's tier: internal::RespondentOf).
  std::pair<SizeTier, bool> TierAndLargeOnlyItem(const Campaign& campaign, int regional) {
    auto own = t_.service.ListAssignments(t_.P(t_.regional_admins[regional]), campaign.id);
    EXPECT_TRUE(own.ok()) << own.error().internal_message();
    if (!own.ok() || own->size() != 1) return {SizeTier::kMedium, false};
    const Assignment& assignment = own->front();
    EXPECT_EQ(assignment.org_id, t_.regional[regional].id);
    const CompiledBank& bank = MissionBank();
    const auto index = bank.IndexOf(kLargeOnlyItem);
    EXPECT_TRUE(index.has_value()) << "the mission bank has no item " << kLargeOnlyItem;
    if (!index) return {assignment.size, false};
    const auto shown = ShownItems(bank, {assignment.category, assignment.size}, {});
    return {assignment.size, shown[static_cast<std::size_t>(*index)]};
  }

  TestSurvey t_;
};

TEST_P(SurveySizeTierTest, AssignmentsTakeTheInstitutionsOwnTier) {
  SetTier(t_.regional[0], "large");
  SetTier(t_.regional[1], "small");
  SetTier(t_.regional[2], "medium");
  const Campaign campaign = OpenMissionCampaign();

  EXPECT_EQ(TierAndLargeOnlyItem(campaign, 0), std::pair(SizeTier::kLarge, true));
  EXPECT_EQ(TierAndLargeOnlyItem(campaign, 1), std::pair(SizeTier::kSmall, false));
  EXPECT_EQ(TierAndLargeOnlyItem(campaign, 2), std::pair(SizeTier::kMedium, false));
  // No tier of its own: a regional bank's default, medium.
  EXPECT_EQ(TierAndLargeOnlyItem(campaign, 3), std::pair(SizeTier::kMedium, false));

  auto all = t_.service.ListAssignments(t_.P(t_.s.coord), campaign.id);
  ASSERT_TRUE(all.ok());
  const auto large = std::count_if(all->begin(), all->end(),
                                   [](const Assignment& a) { return a.size == SizeTier::kLarge; });
  EXPECT_EQ(large, 1);
  // The service counts the large-only item among the large bank's questions alone.
  std::map<std::string, int> shown;
  for (const auto& a : *all) shown[a.org_id] = a.shown;
  EXPECT_EQ(shown[t_.regional[0].id], shown[t_.regional[2].id] + 1);
  EXPECT_EQ(shown[t_.regional[1].id], shown[t_.regional[2].id]);
}

TEST_P(SurveySizeTierTest, ATierChangedAfterOpeningLeavesTheCampaignAsAssigned) {
  const Campaign campaign = OpenMissionCampaign();
  SetTier(t_.regional[0], "large");
  EXPECT_EQ(TierAndLargeOnlyItem(campaign, 0), std::pair(SizeTier::kMedium, false));
}

TEST(SurveySizeTier, EveryDirectoryTierIsASurveyTierAndDefaultsFollowTheDirectory) {
  for (const auto& tier : identity::SizeTiers()) {
    auto parsed = ParseSizeTier(tier);
    ASSERT_TRUE(parsed.has_value()) << tier;
    EXPECT_EQ(SizeTierName(*parsed), tier);
  }
  for (const auto& sector : identity::Sectors()) {
    EXPECT_EQ(SizeTierName(DefaultSizeTier(sector.code)), sector.default_size_tier);
  }
  EXPECT_EQ(DefaultSizeTier("major_bank"), SizeTier::kLarge);
  EXPECT_EQ(DefaultSizeTier("credit_cooperative"), SizeTier::kSmall);
  EXPECT_EQ(InstitutionSizeTier("small", "major_bank"), SizeTier::kSmall);
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveySizeTierTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::survey
