#include <gtest/gtest.h>

#include "survey/bank_format.h"
#include "survey/scoring.h"

namespace fincyber::survey {
namespace {

constexpr std::string_view kScoringBank = R"(
id: scoring
version: "1"
status: published
title: {ja: 採点, en: Scoring}
target_level: 3
maturity_scale:
  - {ja: 〇, en: zero}
  - {ja: 一, en: one}
  - {ja: 二, en: two}
  - {ja: 三, en: three}
  - {ja: 四, en: four}
sections:
  - id: s
    title: {ja: 部, en: Part}
    items:
      - {id: m1, text: {ja: 問, en: Q}, type: maturity, weight: 2, threats: [outage], function: identify}
      - {id: m2, text: {ja: 問, en: Q}, type: maturity, threats: [outage, data_leak], function: protect}
      - {id: y1, text: {ja: 問, en: Q}, type: yes_no, level: 2, threats: [data_leak], function: protect}
      - id: y2
        text: {ja: 問, en: Q}
        type: yes_no
        condition: answer(y1) == "yes"
        threats: [outage]
        function: detect
      - id: n1
        text: {ja: 問, en: Q}
        type: number
        number: {min: 0, max: 100, met_max: 30}
        level: 3
        function: detect
      - id: c1
        text: {ja: 問, en: Q}
        type: multiple_choice
        choices:
          - {id: p, label: {ja: 甲, en: P}, credit: 0.5}
          - {id: q, label: {ja: 乙, en: Q}, credit: 0.5}
        function: respond
      - {id: t1, text: {ja: 問, en: Q}, type: text, function: respond}
)";

const CompiledBank& TestBank() {
  static const CompiledBank bank = [] {
    auto parsed = ParseBankYaml(kScoringBank);
    EXPECT_TRUE(parsed.ok()) << parsed.error().safe_message();
    return *parsed;
  }();
  return bank;
}

const Respondent kRespondent{"regional_bank", SizeTier::kMedium};

Answers BaseAnswers() {
  return {{"m1", 3},
          {"m2", 2},
          {"y1", YesNo::kNo},
          {"y2", YesNo::kYes},  // hidden: y1 is not "yes"
          {"n1", 10.0},
          {"c1", std::vector<std::string>{"p"}},
          {"t1", std::string("notes")}};
}

TEST(SurveyScoring, ItemsAggregatesAndCumulativeMaturity) {
  const ScoreCard card = Score(TestBank(), kRespondent, BaseAnswers());
  const auto& items = card.items;
  ASSERT_EQ(items.size(), 7u);
  EXPECT_TRUE(items[0].met);
  EXPECT_FLOAT_EQ(items[0].attainment, 0.75f);
  EXPECT_FALSE(items[1].met);      // level 2 is below the target 3
  EXPECT_EQ(items[2].reached, 1);  // a level-2 item not met caps the level at 1
  EXPECT_FALSE(items[3].shown);
  EXPECT_FALSE(items[3].scored);
  EXPECT_TRUE(items[4].met);
  EXPECT_FLOAT_EQ(items[5].attainment, 0.5f);
  EXPECT_FALSE(items[6].scored);
  EXPECT_TRUE(items[6].answered);

  EXPECT_EQ(card.overall.items, 5);
  EXPECT_DOUBLE_EQ(card.overall.PercentMet(), 50.0);         // (2 + 1) of 6 by weight
  EXPECT_NEAR(card.overall.Score(), 100.0 * 3.5 / 6, 1e-9);  // weighted attainment
  EXPECT_EQ(card.overall.maturity, 0);                       // c1 (level 1) not met

  const auto& identify = card.functions[static_cast<int>(Function::kIdentify)];
  EXPECT_DOUBLE_EQ(identify.PercentMet(), 100.0);
  EXPECT_EQ(identify.maturity, 3);
  const auto& protect = card.functions[static_cast<int>(Function::kProtect)];
  EXPECT_EQ(protect.items, 2);
  EXPECT_DOUBLE_EQ(protect.PercentMet(), 0.0);
  EXPECT_DOUBLE_EQ(protect.Score(), 25.0);
  EXPECT_EQ(protect.maturity, 1);
  const auto& detect = card.functions[static_cast<int>(Function::kDetect)];
  EXPECT_EQ(detect.items, 1);  // the hidden y2 is not counted
  EXPECT_EQ(detect.maturity, 4);

  EXPECT_EQ(card.cell(Threat::kOutage, Function::kIdentify).items, 1);
  EXPECT_EQ(card.cell(Threat::kDataLeak, Function::kProtect).items, 2);
  EXPECT_EQ(card.cell(Threat::kOutage, Function::kDetect).items, 0);
  EXPECT_EQ(card.threats[static_cast<int>(Threat::kOutage)].items, 2);
  EXPECT_TRUE(card.cell(Threat::kFraudCustomer, Function::kIdentify).empty());
}

TEST(SurveyScoring, ShownConditionalItemCounts) {
  Answers answers = BaseAnswers();
  answers["y1"] = YesNo::kCompensating;
  EXPECT_FALSE(Score(TestBank(), kRespondent, answers).items[3].shown);
  answers["y1"] = YesNo::kYes;
  const ScoreCard card = Score(TestBank(), kRespondent, answers);
  EXPECT_TRUE(card.items[3].met);
  EXPECT_EQ(card.functions[static_cast<int>(Function::kDetect)].items, 2);
}

TEST(SurveyScoring, CompensatingControlCountsAsMet) {
  Answers answers = BaseAnswers();
  answers["y1"] = YesNo::kCompensating;
  const ScoreCard card = Score(TestBank(), kRespondent, answers);
  EXPECT_TRUE(card.items[2].met);
  EXPECT_EQ(card.items[2].reached, 4);
}

TEST(SurveyScoring, NotApplicableLeavesDenominatorsAndUnansweredCountsAsMissed) {
  Answers answers = BaseAnswers();
  answers["m2"] = NotApplicable{};
  answers.erase("n1");
  const ScoreCard card = Score(TestBank(), kRespondent, answers);
  EXPECT_TRUE(card.items[1].not_applicable);
  EXPECT_EQ(card.overall.items, 4);
  EXPECT_EQ(card.overall.items_not_applicable, 1);
  EXPECT_EQ(card.overall.items_unanswered, 1);
  EXPECT_DOUBLE_EQ(card.overall.weight, 5.0);
  EXPECT_DOUBLE_EQ(card.overall.PercentMet(), 40.0);  // only m1 (weight 2) of 5
  const auto& protect = card.functions[static_cast<int>(Function::kProtect)];
  EXPECT_EQ(protect.items, 1);
  EXPECT_EQ(protect.maturity, 1);
}

TEST(SurveyScoring, AnswersThatDoNotFitAreUnanswered) {
  Answers answers = BaseAnswers();
  answers["m1"] = 9;                   // out of range
  answers["n1"] = std::string("ten");  // wrong type
  answers["unknown"] = YesNo::kYes;    // no such item
  const ScoreCard card = Score(TestBank(), kRespondent, answers);
  EXPECT_FALSE(card.items[0].answered);
  EXPECT_FALSE(card.items[4].answered);
  EXPECT_EQ(card.overall.items_unanswered, 2);
}

TEST(SurveyScoring, SupervisorRatingBesideSelfAssessment) {
  const Answers self = BaseAnswers();
  // The supervisor rates m1 lower, agrees on n1, and rates y2 (hidden for this
  // institution, so ignored).
  const Answers supervisor = {{"m1", 1}, {"n1", 10.0}, {"y2", YesNo::kNo}};
  const RatedScoreCards rated = ScoreWithSupervisor(TestBank(), kRespondent, self, supervisor);
  EXPECT_DOUBLE_EQ(rated.self.overall.PercentMet(), 50.0);
  EXPECT_NEAR(rated.supervisor.overall.PercentMet(), 100.0 / 6, 1e-9);
  EXPECT_EQ(rated.differing_items, std::vector<int>{0});
  EXPECT_EQ(rated.supervisor.functions[static_cast<int>(Function::kIdentify)].maturity, 1);
  EXPECT_FALSE(rated.supervisor.items[3].shown);
}

TEST(SurveyScoring, CheckAnswerAndJsonForm) {
  const CompiledBank& bank = TestBank();
  EXPECT_TRUE(CheckAnswer(bank.item(0), 4).ok());
  EXPECT_FALSE(CheckAnswer(bank.item(0), 5).ok());
  EXPECT_FALSE(CheckAnswer(bank.item(0), YesNo::kYes).ok());
  EXPECT_FALSE(CheckAnswer(bank.item(4), 101.0).ok());
  EXPECT_FALSE(CheckAnswer(bank.item(5), std::vector<std::string>{"p", "p"}).ok());
  EXPECT_FALSE(CheckAnswer(bank.item(5), std::vector<std::string>{"z"}).ok());
  EXPECT_FALSE(CheckAnswer(bank.item(6), NotApplicable{}).ok());  // text is never scored
  EXPECT_FALSE(CheckAnswer(bank.item(6), std::string(kMaxTextAnswerBytes + 1, 'x')).ok());
  EXPECT_FALSE(CheckAnswer(bank.item(6), std::string("\xc3\x28")).ok());

  for (const auto& [id, value] : BaseAnswers()) {
    const Item& item = bank.item(*bank.IndexOf(id));
    auto back = AnswerFromJson(item, AnswerToJson(value));
    ASSERT_TRUE(back.ok()) << id;
    EXPECT_EQ(*back, value) << id;
  }
  EXPECT_TRUE(
      std::holds_alternative<NotApplicable>(*AnswerFromJson(bank.item(0), Json("not_applicable"))));
  EXPECT_FALSE(AnswerFromJson(bank.item(0), Json(2.5)).ok());
  EXPECT_FALSE(AnswerFromJson(bank.item(0), Json(-1)).ok());
  EXPECT_FALSE(AnswerFromJson(bank.item(2), Json("maybe")).ok());
  EXPECT_FALSE(AnswerFromJson(bank.item(5), Json::array({"p", 1})).ok());
  const auto error = AnswerFromJson(bank.item(0), Json(7)).error();
  ASSERT_EQ(error.details().size(), 1u);
  EXPECT_EQ(error.details()[0].field, "m1");
}

}  // namespace
}  // namespace fincyber::survey
