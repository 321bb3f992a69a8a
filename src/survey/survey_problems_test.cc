// The survey's problem codes: each listed once with its English text, the problems the
// bank checks, conditions and workbook cells report carry listed codes, and the web UI
// lists the same codes (web/src/problemCodes.ts) with a message for each in Japanese
// and English that names the same parameters (web/src/i18n).
#include "survey/problems.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "survey/answer_workbook.h"
#include "survey/bank_format.h"
#include "survey/compiled_bank.h"
#include "survey/condition.h"

namespace fincyber::survey {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::set<std::string> Placeholders(std::string_view text) {
  std::set<std::string> names;
  static const std::regex kPlaceholder(R"(\{(\w+)\})");
  const std::string copy(text);
  for (auto it = std::sregex_iterator(copy.begin(), copy.end(), kPlaceholder);
       it != std::sregex_iterator(); ++it) {
    names.insert((*it)[1]);
  }
  return names;
}

// The text of `key` in a message catalogue: the string literal after "'key':".
std::optional<std::string> CatalogueText(const std::string& catalogue, const std::string& key) {
  const std::string marker = "'" + key + "':";
  const std::size_t at = catalogue.find(marker);
  if (at == std::string::npos) return std::nullopt;
  std::size_t start = catalogue.find_first_of("'\"`", at + marker.size());
  if (start == std::string::npos) return std::nullopt;
  const char quote = catalogue[start];
  std::string text;
  for (std::size_t i = start + 1; i < catalogue.size(); ++i) {
    if (catalogue[i] == '\\' && i + 1 < catalogue.size()) {
      text += catalogue[++i];
    } else if (catalogue[i] == quote) {
      return text;
    } else {
      text += catalogue[i];
    }
  }
  return std::nullopt;
}

TEST(SurveyProblemsTest, EveryCodeIsListedOnceWithItsText) {
  std::set<std::string_view> seen;
  static const std::regex kCode(R"((workbook|bank|condition)\.[a-z0-9_]+)");
  for (const auto& code : ProblemCodes()) {
    EXPECT_TRUE(seen.insert(code.code).second) << code.code;
    EXPECT_TRUE(std::regex_match(std::string(code.code), kCode)) << code.code;
    EXPECT_FALSE(code.english.empty()) << code.code;
  }
  EXPECT_EQ(ProblemText("workbook.changed_since_export", {{"version", "3"}, {"user", "b.admin"}}),
            "the answer was changed since the export (now version 3 by b.admin); export again");
  EXPECT_EQ(ProblemText("bank.bad_item_id"), "item id must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}")
      << "braces that name no parameter stay";
  EXPECT_EQ(ProblemText("workbook.cell_error"), "the cell shows the error {error}");
  const FieldProblem problem = Problem("Answers!3:x", "workbook.not_a_choice", {{"value", "maybe"}});
  EXPECT_EQ(problem.problem, "\"maybe\" is not one of the choices");
  EXPECT_EQ(problem.code, "workbook.not_a_choice");
}

TEST(SurveyProblemsTest, TheWebUiListsTheSameCodesWithBothLanguages) {
  const std::string list = ReadFile(std::string(WEB_SRC_DIR) + "/problemCodes.ts");
  std::vector<std::string> web_codes;
  static const std::regex kQuoted(R"('((?:workbook|bank|condition)\.[a-z0-9_]+)')");
  for (auto it = std::sregex_iterator(list.begin(), list.end(), kQuoted);
       it != std::sregex_iterator(); ++it) {
    web_codes.push_back((*it)[1]);
  }
  std::vector<std::string> server_codes;
  for (const auto& code : ProblemCodes()) server_codes.emplace_back(code.code);
  EXPECT_EQ(web_codes, server_codes) << "web/src/problemCodes.ts repeats ProblemCodes()";

  for (const char* language : {"ja", "en"}) {
    const std::string catalogue =
        ReadFile(std::string(WEB_SRC_DIR) + "/i18n/" + language + ".ts");
    for (const auto& code : ProblemCodes()) {
      const std::string key = "problem." + std::string(code.code);
      const auto text = CatalogueText(catalogue, key);
      ASSERT_TRUE(text.has_value()) << language << " has no message " << key;
      EXPECT_EQ(Placeholders(*text), Placeholders(code.english)) << language << " " << key;
    }
  }
}

std::set<std::string> Listed() {
  std::set<std::string> codes;
  for (const auto& code : ProblemCodes()) codes.emplace(code.code);
  return codes;
}

TEST(SurveyProblemsTest, BankAndConditionProblemsCarryListedCodes) {
  const std::set<std::string> listed = Listed();
  const std::string yaml = R"(id: "bad id"
version: ""
title: {ja: "題"}
target_level: 9
sections:
  - id: s1
    title: {ja: 区分, en: Section}
    items:
      - id: a
        text: {ja: 質問, en: Question}
        type: single_choice
        choices: [{id: only, label: {ja: 一, en: One}}]
        function: govern
        csf: [XX.YY-99, XX.YY-99]
      - id: b
        text: {ja: 質問, en: Question}
        type: yes_no
        function: govern
        condition: answer(c) == "yes" and size == "huge"
      - id: c
        text: {ja: 質問, en: Question}
        type: yes_no
        function: govern
        condition: answer(a) ==
      - id: d
        text: {ja: 質問, en: Question}
        type: number
        colour: blue
        function: govern
)";
  auto structural = ParseBankYaml(yaml);
  ASSERT_FALSE(structural.ok());
  std::set<std::string> codes;
  for (const auto& detail : structural.error().details()) {
    EXPECT_TRUE(listed.contains(detail.code)) << detail.field << ": " << detail.problem;
    codes.insert(detail.code);
  }
  EXPECT_TRUE(codes.contains("bank.unknown_field"));

  std::string without_colour = yaml;
  without_colour.erase(without_colour.find("        colour: blue\n"), 21);
  auto checked = ParseBankYaml(without_colour);
  ASSERT_FALSE(checked.ok());
  codes.clear();
  for (const auto& detail : checked.error().details()) {
    EXPECT_TRUE(listed.contains(detail.code)) << detail.field << ": " << detail.problem;
    EXPECT_EQ(detail.problem.substr(detail.problem.find(": ") + 2),
              ProblemText(detail.code, detail.params))
        << "the English text is the code's";
    codes.insert(detail.code);
  }
  for (const char* expected :
       {"bank.bad_bank_id", "bank.target_level", "bank.too_few_choices", "bank.unknown_csf",
        "condition.later_item", "condition.unknown_size", "condition.syntax", "bank.no_range"}) {
    EXPECT_TRUE(codes.contains(expected)) << expected;
  }

  auto too_long = Condition::Parse(std::string(5000, 'x'));
  ASSERT_FALSE(too_long.ok());
  ASSERT_EQ(too_long.error().details().size(), 1u);
  EXPECT_EQ(too_long.error().details()[0].code, "condition.too_long");
}

TEST(SurveyProblemsTest, WorkbookCellProblemsCarryListedCodes) {
  const std::set<std::string> listed = Listed();
  Item maturity;
  maturity.id = "m";
  maturity.type = AnswerType::kMaturity;
  Item choice;
  choice.id = "c";
  choice.type = AnswerType::kSingleChoice;
  choice.choices = {{"yes_id", {"はい", "Yes"}, {}}, {"no_id", {"いいえ", "No"}, {}}};
  const std::vector<std::pair<const Item*, documents::CellValue>> cells = {
      {&maturity, std::string("high")},
      {&choice, std::string("perhaps")},
      {&maturity, documents::CellError{"#DIV/0!"}},
  };
  for (const auto& [item, cell] : cells) {
    auto read = AnswerCellToJson(*item, cell);
    ASSERT_FALSE(read.ok());
    ASSERT_EQ(read.error().details().size(), 1u);
    const FieldProblem& problem = read.error().details()[0];
    EXPECT_TRUE(listed.contains(problem.code)) << problem.problem;
    EXPECT_EQ(read.error().safe_message(), problem.problem);
  }
  auto comment = CommentCellToText(std::string(9000, 'x'));
  ASSERT_FALSE(comment.ok());
  EXPECT_EQ(comment.error().details().at(0).code, "workbook.comment_too_long");
}

}  // namespace
}  // namespace fincyber::survey
