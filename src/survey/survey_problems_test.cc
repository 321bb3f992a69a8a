// The survey's problem codes: each listed once with its English text, the problems the
// bank checks, conditions and workbook cells report carry listed codes, and the web UI
// lists the same codes (web/src/problemCodes.ts) with a message for each in Japanese
// and English that names the same parameters (web/src/i18n).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "documents/xlsx_writer.h"
#include "survey/answer_workbook.h"
#include "survey/answers.h"
#include "survey/bank_format.h"
#include "survey/compiled_bank.h"
#include "survey/condition.h"
#include "survey/oscal.h"
#include "survey/problems.h"

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
  static const std::regex kCode(R"((workbook|answer|bank|oscal|condition)\.[a-z0-9_]+)");
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
  const FieldProblem problem =
      Problem("Answers!3:x", "workbook.not_a_choice", {{"value", "maybe"}});
  EXPECT_EQ(problem.problem, "\"maybe\" is not one of the choices");
  EXPECT_EQ(problem.code, "workbook.not_a_choice");
}

TEST(SurveyProblemsTest, TheWebUiListsTheSameCodesWithBothLanguages) {
  const std::string list = ReadFile(std::string(WEB_SRC_DIR) + "/problemCodes.ts");
  std::vector<std::string> web_codes;
  static const std::regex kQuoted(R"('((?:workbook|answer|bank|oscal|condition)\.[a-z0-9_]+)')");
  for (auto it = std::sregex_iterator(list.begin(), list.end(), kQuoted);
       it != std::sregex_iterator(); ++it) {
    web_codes.push_back((*it)[1]);
  }
  std::vector<std::string> server_codes;
  for (const auto& code : ProblemCodes()) server_codes.emplace_back(code.code);
  EXPECT_EQ(web_codes, server_codes) << "web/src/problemCodes.ts repeats ProblemCodes()";

  for (const char* language : {"ja", "en"}) {
    const std::string catalogue = ReadFile(std::string(WEB_SRC_DIR) + "/i18n/" + language + ".ts");
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
  for (const char* expected : {"bank.bad_bank_id", "bank.target_level", "bank.too_few_choices",
                               "bank.unknown_csf", "condition.later_item", "condition.unknown_size",
                               "condition.syntax_expected_value", "bank.no_range"}) {
    EXPECT_TRUE(codes.contains(expected)) << expected;
  }

  // Each kind of syntax error has its own code; a missing symbol names it.
  std::set<std::string> syntax;
  for (const char* text : {"", "category ==", "answer(level >= 1", "category = \"x\"",
                           "size == \"large", "category == \"a\" category", "answer(level) like 1",
                           "category == \"a\\n\"", "frobnicate == 1", "answered(\"x\")"}) {
    auto refused = Condition::Parse(text);
    ASSERT_FALSE(refused.ok()) << text;
    ASSERT_EQ(refused.error().details().size(), 1u) << text;
    const FieldProblem& problem = refused.error().details()[0];
    EXPECT_TRUE(listed.contains(problem.code)) << text << ": " << problem.problem;
    EXPECT_EQ(problem.problem, ProblemText(problem.code, problem.params)) << text;
    syntax.insert(problem.code);
  }
  EXPECT_EQ(syntax.size(), 10u) << "one code per kind of syntax error";
  auto unclosed = Condition::Parse("(answer(level) == 1");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_EQ(unclosed.error().details()[0].params,
            (ProblemParams{{"position", "19"}, {"symbol", ")"}}));

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

TEST(SurveyProblemsTest, AnswerValueProblemsCarryListedCodesUnderTheItem) {
  const std::set<std::string> listed = Listed();
  Item maturity;
  maturity.id = "m";
  maturity.type = AnswerType::kMaturity;
  Item number;
  number.id = "n";
  number.type = AnswerType::kNumber;
  number.number.emplace();
  number.number->max = 10;
  Item multiple;
  multiple.id = "mc";
  multiple.type = AnswerType::kMultipleChoice;
  multiple.choices = {{"p", {"ぴ", "P"}, {}}, {"q", {"きゅ", "Q"}, {}}};
  Item text;
  text.id = "t";
  text.type = AnswerType::kText;
  Item evidence;
  evidence.id = "e";
  evidence.type = AnswerType::kEvidence;
  struct Case {
    const Item* item;
    Json value;
    std::string_view code;
  };
  const std::vector<Case> cases = {
      {&maturity, 7, "answer.maturity_outside"},
      {&maturity, "high", "answer.expected_maturity"},
      {&number, 12, "answer.number_outside"},
      {&number, "12", "answer.expected_number"},
      {&multiple, Json::array({"p", "p"}), "answer.choice_twice"},
      {&multiple, Json::array({"z"}), "answer.unknown_choice"},
      {&multiple, Json::array({1}), "answer.expected_choice_list"},
      {&text, 3, "answer.expected_string"},
      {&text, std::string(kMaxTextAnswerBytes + 1, 'x'), "answer.text_too_long"},
      {&text, "\xff", "answer.text_bad_utf8"},
      {&evidence, Json::array({"a.pdf"}), "answer.evidence_by_upload"},
  };
  for (const auto& c : cases) {
    auto read = AnswerFromJson(*c.item, c.value);
    ASSERT_FALSE(read.ok()) << c.code;
    ASSERT_EQ(read.error().details().size(), 1u) << c.code;
    const FieldProblem& problem = read.error().details()[0];
    EXPECT_EQ(problem.code, c.code);
    EXPECT_TRUE(listed.contains(problem.code)) << problem.code;
    EXPECT_EQ(problem.field, c.item->id);
    EXPECT_EQ(problem.problem, ProblemText(problem.code, problem.params));
  }
  auto outside = AnswerFromJson(number, 12);
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().details()[0].problem, "12 is outside 0-10");
  EXPECT_EQ(outside.error().details()[0].params,
            (ProblemParams{{"value", "12"}, {"min", "0"}, {"max", "10"}}));
  auto level = AnswerFromJson(maturity, 1LL << 40);
  ASSERT_FALSE(level.ok());
  EXPECT_EQ(level.error().details()[0].params, (ProblemParams{{"level", "1099511627776"}}));
  EXPECT_EQ(CheckAnswer(maturity, 5).error().details()[0].code, "answer.maturity_outside");
}

std::string WorkbookOf(std::vector<documents::XlsxSheet> sheets) {
  auto bytes = documents::WriteXlsx({std::move(sheets)});
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::string();
}

TEST(SurveyProblemsTest, WorkbookLevelProblemsCarryListedCodes) {
  const std::set<std::string> listed = Listed();
  documents::XlsxSheet answers{.name = "回答", .columns = {{.header = "what"}}};
  documents::XlsxSheet read_me{.name = "説明", .columns = {{.header = "x"}}};
  documents::XlsxSheet other{.name = "Other", .columns = {{.header = "x"}}};
  const std::vector<std::pair<std::string, std::string>> cases = {
      {WorkbookOf({other}), "workbook.no_sheets"},
      {WorkbookOf({answers, read_me}), "workbook.columns_changed"},
  };
  for (const auto& [bytes, code] : cases) {
    auto read = ReadAnswerWorkbook(bytes);
    ASSERT_FALSE(read.ok()) << code;
    ASSERT_EQ(read.error().details().size(), 1u) << read.error().safe_message();
    const FieldProblem& problem = read.error().details()[0];
    EXPECT_EQ(problem.code, code) << problem.problem;
    EXPECT_TRUE(listed.contains(problem.code));
    EXPECT_EQ(problem.field, "workbook");
    EXPECT_EQ(read.error().safe_message(), problem.problem);
  }
}

TEST(SurveyProblemsTest, OscalCatalogProblemsCarryListedCodes) {
  const std::set<std::string> listed = Listed();
  const std::vector<std::pair<Result<OscalImport>, std::string_view>> cases = {
      {ImportOscalCatalogXml("<catalog><group>"), "oscal.malformed_xml"},
      {ImportOscalCatalogXml("<!DOCTYPE catalog><catalog/>"), "oscal.doctype"},
      {ImportOscalCatalogXml("<profile/>"), "oscal.root_not_catalog"},
      {ImportOscalCatalogXml("<catalog/>"), "oscal.no_controls"},
      {ImportOscalCatalogXml("<catalog>\xff</catalog>"), "oscal.bad_utf8"},
      {ImportOscalCatalogJson(R"({"profile": {}})"), "oscal.no_catalog_object"},
      {ImportOscalCatalogJson(R"({"catalog": {"groups": [1]}})"), "oscal.group_not_object"},
      {ImportOscalCatalogJson(R"({"catalog": {"controls": ["x"]}})"), "oscal.control_not_object"},
  };
  for (const auto& [imported, code] : cases) {
    ASSERT_FALSE(imported.ok()) << code;
    ASSERT_EQ(imported.error().details().size(), 1u) << imported.error().safe_message();
    const FieldProblem& problem = imported.error().details()[0];
    EXPECT_EQ(problem.code, code) << problem.problem;
    EXPECT_TRUE(listed.contains(problem.code));
    EXPECT_EQ(problem.field, "source");
    EXPECT_EQ(imported.error().safe_message(), problem.problem);
  }
  std::string deep = "<catalog>";
  for (int i = 0; i < 100; ++i) deep += "<group>";
  for (int i = 0; i < 100; ++i) deep += "</group>";
  auto too_deep = ImportOscalCatalogXml(deep + "</catalog>");
  ASSERT_FALSE(too_deep.ok());
  EXPECT_EQ(too_deep.error().details().at(0).code, "oscal.too_deep");
}

}  // namespace
}  // namespace fincyber::survey
