#include <gtest/gtest.h>

#include <map>
#include <string>

#include "survey/condition.h"

namespace fincyber::survey {
namespace {

// Items the conditions below may refer to, all before position 10.
std::optional<ReferencedItem> Resolve(std::string_view id) {
  static const std::map<std::string, ReferencedItem, std::less<>> kItems = {
      {"level", {0, AnswerType::kMaturity, {}}},
      {"online", {1, AnswerType::kYesNo, {}}},
      {"count", {2, AnswerType::kNumber, {}}},
      {"kind", {3, AnswerType::kSingleChoice, {"a", "b"}}},
      {"many", {4, AnswerType::kMultipleChoice, {"x", "y"}}},
      {"notes", {5, AnswerType::kText, {}}},
      {"later", {12, AnswerType::kYesNo, {}}},
  };
  auto found = kItems.find(id);
  if (found == kItems.end()) return std::nullopt;
  return found->second;
}

Condition Bound(std::string_view text) {
  auto condition = Condition::Parse(text);
  EXPECT_TRUE(condition.ok()) << text << ": " << condition.error().safe_message();
  auto problems = condition->Bind(10, Resolve, {"regional_bank", "major_bank"});
  EXPECT_TRUE(problems.empty()) << text << ": " << problems.front().message;
  return *condition;
}

std::vector<std::string> BindRules(std::string_view text) {
  auto condition = Condition::Parse(text);
  EXPECT_TRUE(condition.ok()) << text;
  std::vector<std::string> rules;
  for (const auto& problem : condition->Bind(10, Resolve, {"regional_bank", "major_bank"})) {
    rules.push_back(problem.rule);
  }
  return rules;
}

struct Fixture {
  Respondent respondent{"regional_bank", SizeTier::kMedium};
  std::map<int, AnswerValue> answers;

  bool Eval(std::string_view text) const {
    return Bound(text).Evaluate(respondent, [&](int index) -> const AnswerValue* {
      auto found = answers.find(index);
      return found == answers.end() ? nullptr : &found->second;
    });
  }
};

TEST(SurveyCondition, CategoryAndSize) {
  Fixture f;
  EXPECT_TRUE(f.Eval("category == \"regional_bank\""));
  EXPECT_FALSE(f.Eval("category != \"regional_bank\""));
  EXPECT_TRUE(f.Eval("category in [\"major_bank\", \"regional_bank\"]"));
  EXPECT_TRUE(f.Eval("size >= \"medium\""));
  EXPECT_FALSE(f.Eval("size > \"medium\""));
  EXPECT_TRUE(f.Eval("size < \"large\" and size in [\"small\", \"medium\"]"));
  f.respondent.size = SizeTier::kLarge;
  EXPECT_TRUE(f.Eval("size == \"large\""));
}

TEST(SurveyCondition, AnswersByType) {
  Fixture f;
  f.answers = {{0, 3},
               {1, YesNo::kCompensating},
               {2, 12.5},
               {3, std::string("b")},
               {4, std::vector<std::string>{"y"}},
               {5, std::string("free text")}};
  EXPECT_TRUE(f.Eval("answer(level) >= 3"));
  EXPECT_FALSE(f.Eval("answer(level) > 3"));
  EXPECT_TRUE(f.Eval("answer(level) in [1, 3]"));
  EXPECT_TRUE(f.Eval("answer(online) in [\"yes\", \"compensating\"]"));
  EXPECT_FALSE(f.Eval("answer(online) == \"yes\""));
  EXPECT_TRUE(f.Eval("answer(count) < 13 and answer(count) > 12"));
  EXPECT_TRUE(f.Eval("answer(kind) == \"b\""));
  EXPECT_TRUE(f.Eval("answer(many) contains \"y\""));
  EXPECT_FALSE(f.Eval("answer(many) contains \"x\""));
  EXPECT_TRUE(f.Eval("answered(notes)"));
}

TEST(SurveyCondition, MissingAnswersAreFalseAndNotApplicableMatchesOnlyItself) {
  Fixture f;
  EXPECT_FALSE(f.Eval("answer(online) == \"yes\""));
  EXPECT_FALSE(f.Eval("answer(online) != \"yes\""));
  EXPECT_TRUE(f.Eval("not answer(online) == \"yes\""));
  EXPECT_FALSE(f.Eval("answered(online)"));
  f.answers = {{1, NotApplicable{}}, {0, NotApplicable{}}};
  EXPECT_TRUE(f.Eval("answer(online) == \"not_applicable\""));
  EXPECT_FALSE(f.Eval("answer(online) == \"no\""));
  EXPECT_FALSE(f.Eval("answer(level) >= 0"));
}

TEST(SurveyCondition, PrecedenceAndParentheses) {
  Fixture f;
  f.answers = {{0, 1}};
  // and binds tighter than or.
  EXPECT_TRUE(f.Eval("category == \"major_bank\" and answer(level) == 4 or answer(level) == 1"));
  EXPECT_FALSE(f.Eval("category == \"major_bank\" and (answer(level) == 4 or answer(level) == 1)"));
  EXPECT_TRUE(f.Eval("not not (answer(level) == 1)"));
}

TEST(SurveyCondition, SyntaxErrorsNamePosition) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "position 0: empty condition"},
      {"category ==", "position 11: expected a quoted string or a number"},
      {"answer(level >= 1", "position 13: expected ')'"},
      {"category = \"x\"", "position 9: unexpected character"},
      {"size == \"large", "position 8: unterminated string"},
      {"category == \"a\" category", "position 16: expected end"},
      {"(answer(level) == 1", "position 19: expected ')'"},
      {"answer(level) like 1", "position 14: expected a comparison"},
      {"category == \"a\\n\"", "only \\\" and \\\\ escapes"},
      {"frobnicate == 1", "position 0: expected answer(...), answered(...), category or size"},
      {"category in []", "position 13: expected a quoted string"},
  };
  for (const auto& [text, expected] : cases) {
    auto condition = Condition::Parse(text);
    ASSERT_FALSE(condition.ok()) << text;
    EXPECT_NE(condition.error().safe_message().find(expected), std::string::npos)
        << text << " -> " << condition.error().safe_message();
  }
}

TEST(SurveyCondition, LimitsBoundHostileInput) {
  std::string deep(kMaxConditionDepth + 5, '(');
  deep += "size == \"small\"" + std::string(kMaxConditionDepth + 5, ')');
  auto nested = Condition::Parse(deep);
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().safe_message().find("deeper"), std::string::npos);

  std::string nots;
  for (int i = 0; i < 200; ++i) nots += "not ";
  EXPECT_FALSE(Condition::Parse(nots + "size == \"small\"").ok());

  std::string many = "size == \"small\"";
  for (int i = 0; i < kMaxConditionTests; ++i) many += " or size == \"small\"";
  auto wide = Condition::Parse(many);
  ASSERT_FALSE(wide.ok());
  EXPECT_NE(wide.error().safe_message().find("more than"), std::string::npos);

  EXPECT_EQ(Condition::Parse(std::string(kMaxConditionBytes + 1, ' ')).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST(SurveyCondition, BindChecksReferencesTypesAndValues) {
  EXPECT_EQ(BindRules("answer(nothing) == 1"), std::vector<std::string>{"unknown_item"});
  EXPECT_EQ(BindRules("answer(later) == \"yes\""), std::vector<std::string>{"later_item"});
  EXPECT_EQ(BindRules("answer(level) == \"yes\""), std::vector<std::string>{"type_mismatch"});
  EXPECT_EQ(BindRules("answer(level) == 7"), std::vector<std::string>{"unknown_value"});
  EXPECT_EQ(BindRules("answer(online) == \"perhaps\""), std::vector<std::string>{"unknown_value"});
  EXPECT_EQ(BindRules("answer(online) > \"yes\""), std::vector<std::string>{"type_mismatch"});
  EXPECT_EQ(BindRules("answer(kind) == \"c\""), std::vector<std::string>{"unknown_value"});
  EXPECT_EQ(BindRules("answer(many) == \"x\""), std::vector<std::string>{"type_mismatch"});
  EXPECT_EQ(BindRules("answer(many) contains \"z\""), std::vector<std::string>{"unknown_value"});
  EXPECT_EQ(BindRules("answer(kind) contains \"a\""), std::vector<std::string>{"type_mismatch"});
  EXPECT_EQ(BindRules("answer(notes) == \"x\""), std::vector<std::string>{"type_mismatch"});
  EXPECT_EQ(BindRules("category == \"bakery\""), std::vector<std::string>{"unknown_value"});
  EXPECT_EQ(BindRules("category < \"major_bank\""), std::vector<std::string>{"type_mismatch"});
  EXPECT_EQ(BindRules("size == \"huge\""), std::vector<std::string>{"unknown_value"});
  EXPECT_EQ(BindRules("size == 3"), std::vector<std::string>{"type_mismatch"});
  EXPECT_EQ(BindRules("category contains \"x\""), std::vector<std::string>{"type_mismatch"});
  EXPECT_TRUE(BindRules("answered(later)") == std::vector<std::string>{"later_item"});
}

}  // namespace
}  // namespace fincyber::survey
