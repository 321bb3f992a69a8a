#include <gtest/gtest.h>

#include <set>

#include "survey/mission_bank.h"
#include "survey/scoring.h"

namespace fincyber::survey {
namespace {

TEST(SurveyMissionBank, LoadsPublishedWithBothLanguages) {
  const CompiledBank& bank = MissionBank();
  EXPECT_EQ(bank.bank().status, BankStatus::kPublished);
  EXPECT_EQ(bank.bank().maturity_scale.size(), 5u);
  // Compile already demands ja and en for every text of a published bank.
  EXPECT_TRUE(ValidateBank(bank.bank()).empty());
  EXPECT_GE(bank.item_count(), 30);
  EXPECT_EQ(MissionBankYaml().substr(0, 1), "#");
}

// One register throughout: questions in the polite form, ending in "か。" or asking
// "...ください".
TEST(SurveyMissionBank, JapaneseQuestionsUseOnePoliteRegister) {
  const CompiledBank& bank = MissionBank();
  for (int index = 0; index < bank.item_count(); ++index) {
    const std::string& ja = bank.item(index).text.ja;
    const bool question = ja.size() >= 6 && ja.substr(ja.size() - 6) == "か。";
    const bool request = ja.find("ください") != std::string::npos;
    EXPECT_TRUE(question || request) << bank.item(index).id << ": " << ja;
    EXPECT_EQ(ja.find("である"), std::string::npos) << bank.item(index).id;
  }
}

TEST(SurveyMissionBank, CoversEveryCellOfTheSeedMatrix) {
  const CompiledBank& bank = MissionBank();
  // Rows: the four threats; columns: Identify (with Govern), Protect, Detect,
  // Respond-Recover.
  std::set<std::pair<Threat, int>> cells;
  std::set<Area> areas;
  for (int index = 0; index < bank.item_count(); ++index) {
    const Item& item = bank.item(index);
    if (!IsScored(item)) continue;
    areas.insert(item.area);
    int column = 0;
    switch (item.function) {
      case Function::kGovern:
      case Function::kIdentify:
        column = 0;
        break;
      case Function::kProtect:
        column = 1;
        break;
      case Function::kDetect:
        column = 2;
        break;
      case Function::kRespond:
      case Function::kRecover:
        column = 3;
        break;
    }
    for (Threat threat : item.threats) cells.insert({threat, column});
  }
  for (Threat threat : kAllThreats) {
    for (int column = 0; column < 4; ++column) {
      EXPECT_TRUE(cells.contains({threat, column}))
          << ThreatName(threat) << " has no item in column " << column;
    }
  }
  EXPECT_EQ(areas.size(), 3u);  // controls, services offered, outreach to customers
}

TEST(SurveyMissionBank, NamedTopicsArePresent) {
  const CompiledBank& bank = MissionBank();
  for (std::string id : {"id.asset_inventory",
                         "gv.management_awareness",
                         "id.periodic_evaluation",
                         "id.secure_development",
                         "pr.incident_response_team",
                         "pr.isac_membership",
                         "pr.entry_defence",
                         "pr.internal_defence",
                         "pr.exit_defence",
                         "pr.timely_patching",
                         "pr.contingency_plan",
                         "pr.exercise_participation",
                         "de.log_collection",
                         "de.attack_monitoring",
                         "rs.plan_based_response",
                         "sv.fraud_prevention_mix",
                         "sv.customer_authentication",
                         "co.customer_environment",
                         "co.abnormal_transaction_detection",
                         "co.customer_notification"}) {
    EXPECT_TRUE(bank.IndexOf(id).has_value()) << id;
  }
}

TEST(SurveyMissionBank, ConditionalItemsFollowCategoryAndAnswers) {
  const CompiledBank& bank = MissionBank();
  const auto shown = [&](const Respondent& respondent, const Answers& answers,
                         std::string_view id) -> bool {
    return ShownItems(bank, respondent, answers)[*bank.IndexOf(id)];
  };
  const Respondent regional{"regional_bank", SizeTier::kMedium};
  const Respondent infrastructure{"market_infrastructure", SizeTier::kMedium};
  EXPECT_FALSE(shown(regional, {}, "rc.two_hour_recovery"));
  EXPECT_TRUE(shown(infrastructure, {}, "rc.two_hour_recovery"));
  EXPECT_TRUE(shown(infrastructure, {}, "de.round_the_clock"));
  EXPECT_TRUE(shown({"regional_bank", SizeTier::kLarge}, {}, "de.round_the_clock"));
  EXPECT_FALSE(shown(regional, {}, "de.round_the_clock"));

  EXPECT_FALSE(shown(regional, {}, "sv.customer_authentication"));
  const Answers retail = {{"profile.online_services", std::string("retail_only")}};
  EXPECT_TRUE(shown(regional, retail, "sv.customer_authentication"));
  EXPECT_FALSE(shown(regional, retail, "sv.corporate_authentication"));
  const Answers none = {{"profile.online_services", std::string("none")}};
  EXPECT_FALSE(shown(regional, none, "sv.fraud_prevention_mix"));

  EXPECT_FALSE(shown(regional, {}, "co.customer_notification"));
  EXPECT_TRUE(
      shown(regional, {{"co.abnormal_transaction_detection", 2}}, "co.customer_notification"));
}

}  // namespace
}  // namespace fincyber::survey
