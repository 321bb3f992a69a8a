// Answer workbooks without a database: a questionnaire written and read back in both
// languages, every way a cell may give an answer, and hostile workbooks (formulas,
// foreign sheets, a ZIP bomb, oversized files).
#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "base/too_large.h"
#include "documents/xlsx_reader.h"
#include "survey/answer_workbook.h"
#include "survey/bank_format.h"
#include "survey/scoring.h"
#include "survey/service.h"
#include "testing/zip_parts.h"

namespace fincyber::survey {
namespace {

using documents::CellValue;
using Parts = testing::ZipParts;
using testing::Unzip;
using testing::Zip;

constexpr std::string_view kBankYaml = R"(id: wb-bank
version: "1"
title: {ja: 回答票, en: Answer sheet}
maturity_scale:
  - {ja: 未実施, en: none}
  - {ja: 一部, en: partial}
  - {ja: 文書化, en: documented}
  - {ja: 運用, en: operated}
  - {ja: 改善, en: improved}
sections:
  - id: gov
    title: {ja: 統治, en: Governance}
    items:
      - id: gv.policy
        text: {ja: "方針がありますか。", en: "Is there a policy?"}
        type: yes_no
        function: govern
      - id: gv.maturity
        text: {ja: "成熟度は。", en: "How mature?"}
        type: maturity
        function: identify
  - id: ops
    title: {ja: 運用, en: Operations}
    items:
      - id: op.coverage
        text: {ja: "監視の割合は。", en: "Share monitored?"}
        type: number
        number: {min: 0, max: 100, met_min: 50, unit: {ja: "%", en: "%"}}
        function: detect
        condition: answer(gv.policy) == "yes"
      - id: op.vendor
        text: {ja: "委託先は。", en: "Which vendor?"}
        type: single_choice
        choices:
          - {id: none, label: {ja: なし, en: None}}
          - {id: soc, label: {ja: "外部SOC, 常時", en: "External SOC, 24x7"}}
        function: detect
      - id: op.tools
        text: {ja: "使っている仕組みは。", en: "Tools in use?"}
        type: multiple_choice
        choices:
          - {id: edr, label: {ja: EDR, en: EDR}}
          - {id: siem, label: {ja: SIEM, en: SIEM}}
          - {id: ndr, label: {ja: 通信監視, en: Network monitoring}}
        function: detect
      - id: op.note
        text: {ja: "補足は。", en: "Anything to add?"}
        type: text
        function: detect
)";

StoredAnswer Stored(const std::string& id, AnswerValue value, std::string comment,
                    std::int64_t version) {
  return {id, std::move(value), std::move(comment), "", version, "2026-05-01T00:00:00Z", "a"};
}

Questionnaire MakeQuestionnaire() {
  auto compiled = ParseBankYaml(kBankYaml);
  EXPECT_TRUE(compiled.ok()) << compiled.error().internal_message();
  Questionnaire q;
  q.campaign.id = "campaign-1";
  q.campaign.title = {"2026年度 調査", "Survey 2026"};
  q.campaign.year = 2026;
  q.assignment.org_id = "org-1";
  q.assignment.org_name = {"甲銀行", "Bank Ko"};
  q.assignment.deadline = "2026-12-31T00:00:00Z";
  q.bank = std::make_shared<const CompiledBank>(std::move(*compiled));
  q.answers = {
      {"gv.policy", Stored("gv.policy", YesNo::kYes, "取締役会で承認", 2)},
      {"gv.maturity", Stored("gv.maturity", 3, "", 1)},
      {"op.coverage", Stored("op.coverage", 62.5, "", 4)},
      {"op.vendor", Stored("op.vendor", std::string("soc"), "", 1)},
      {"op.tools", Stored("op.tools", std::vector<std::string>{"edr", "ndr"}, "", 1)},
      {"op.note", Stored("op.note", std::string("=HYPERLINK(\"http://x\")"), "", 1)},
  };
  Answers values;
  for (const auto& [id, answer] : q.answers) values[id] = answer.value;
  q.shown = ShownItems(*q.bank, {"regional_bank", SizeTier::kMedium}, values);
  return q;
}

TEST(AnswerWorkbookTest, RoundTripInBothLanguages) {
  const Questionnaire q = MakeQuestionnaire();
  for (auto language : {WorkbookLanguage::kJapanese, WorkbookLanguage::kEnglish}) {
    auto bytes = WriteAnswerWorkbook(q, language);
    ASSERT_TRUE(bytes.ok()) << bytes.error().internal_message();
    auto read = ReadAnswerWorkbook(*bytes);
    ASSERT_TRUE(read.ok()) << read.error().internal_message();
    EXPECT_EQ(read->campaign_id, "campaign-1");
    EXPECT_EQ(read->org_id, "org-1");
    ASSERT_EQ(read->rows.size(), static_cast<std::size_t>(q.bank->item_count()));
    for (int i = 0; i < q.bank->item_count(); ++i) {
      const AnswerWorkbookRow& row = read->rows[static_cast<std::size_t>(i)];
      const Item& item = q.bank->item(i);
      EXPECT_EQ(row.item_id, item.id);
      EXPECT_EQ(row.row, static_cast<std::uint32_t>(i + 2));
      EXPECT_TRUE(row.problem.empty()) << row.problem;
      const StoredAnswer& stored = q.answers.at(item.id);
      EXPECT_EQ(row.version, stored.version) << item.id;
      auto value = AnswerCellToJson(item, row.answer);
      ASSERT_TRUE(value.ok()) << item.id << ": " << value.error().internal_message();
      ASSERT_TRUE(value->has_value()) << item.id;
      EXPECT_EQ(**value, AnswerToJson(stored.value)) << item.id;
      auto comment = CommentCellToText(row.comment);
      ASSERT_TRUE(comment.ok());
      EXPECT_EQ(comment->value_or(""), stored.comment) << item.id;
    }
  }
}

TEST(AnswerWorkbookTest, TheAnswersSheetIsProtectedAndNamesWhoItBelongsTo) {
  auto bytes = WriteAnswerWorkbook(MakeQuestionnaire(), WorkbookLanguage::kJapanese);
  ASSERT_TRUE(bytes.ok());
  const Parts parts = Unzip(*bytes);
  const std::string& sheet = parts.at("xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<sheetProtection"), std::string::npos);
  // Per-row drop-down lists on the answer column: yes/no, maturity, one choice.
  EXPECT_NE(sheet.find("sqref=\"G2\""), std::string::npos);
  EXPECT_NE(sheet.find("sqref=\"G3\""), std::string::npos);
  EXPECT_EQ(sheet.find("sqref=\"G6\""), std::string::npos) << "several choices are typed";
  // Text that looks like a formula stays text.
  EXPECT_EQ(sheet.find("<f>"), std::string::npos);
  auto contents = documents::ReadXlsx(*bytes);
  ASSERT_TRUE(contents.ok());
  const auto* read_me = contents->Find("説明");
  ASSERT_NE(read_me, nullptr);
  EXPECT_EQ(*read_me->At(1, 1), CellValue(std::string("campaign-1")));
  EXPECT_EQ(*read_me->At(3, 1), CellValue(std::string("甲銀行")));
}

TEST(AnswerWorkbookTest, CellsGiveAnswersInEitherLanguageOrSayWhyNot) {
  const Questionnaire q = MakeQuestionnaire();
  auto item = [&](const char* id) -> const Item& { return q.bank->item(*q.bank->IndexOf(id)); };
  struct Case {
    const char* item;
    CellValue cell;
    Json expected;
  };
  const std::vector<Case> good = {
      {"gv.policy", std::string("はい"), "yes"},
      {"gv.policy", std::string(" YES "), "yes"},
      {"gv.policy", std::string("いいえ"), "no"},
      {"gv.policy", std::string("Compensating control"), "compensating"},
      {"gv.policy", true, "yes"},
      {"gv.policy", std::string("該当なし"), "not_applicable"},
      {"gv.policy", std::string("not applicable"), "not_applicable"},
      {"gv.policy", std::string("（消去）"), nullptr},
      {"gv.policy", std::string("(clear)"), nullptr},
      {"gv.maturity", 3.0, 3},
      {"gv.maturity", std::string("4"), 4},
      {"op.coverage", 42.5, 42.5},
      {"op.coverage", std::string("12"), 12.0},
      {"op.vendor", std::string("外部SOC, 常時"), "soc"},
      {"op.vendor", std::string("none"), "none"},
      {"op.tools", std::string("EDR; Network monitoring"), Json::array({"edr", "ndr"})},
      {"op.tools", std::string("siem；通信監視\n"), Json::array({"siem", "ndr"})},
      {"op.note", 2026.0, "2026"},
      {"op.note", std::string("=1+1"), "=1+1"},
  };
  for (const auto& test : good) {
    auto value = AnswerCellToJson(item(test.item), test.cell);
    ASSERT_TRUE(value.ok()) << test.item << ": " << value.error().internal_message();
    ASSERT_TRUE(value->has_value()) << test.item;
    EXPECT_EQ(**value, test.expected) << test.item;
  }
  EXPECT_FALSE(AnswerCellToJson(item("gv.policy"), CellValue{}).value().has_value());
  EXPECT_FALSE(AnswerCellToJson(item("gv.policy"), std::string("　 ")).value().has_value());
  const std::vector<std::pair<const char*, CellValue>> bad = {
      {"gv.policy", std::string("maybe")},
      {"gv.policy", 1.0},
      {"gv.maturity", 2.5},
      {"gv.maturity", 7.0},
      {"gv.maturity", std::string("three")},
      {"op.coverage", std::string("lots")},
      {"op.vendor", std::string("Another vendor")},
      {"op.tools", std::string("EDR; XDR")},
      {"op.tools", 1.0},
      {"op.note", documents::CellError{"#N/A"}},
      {"op.coverage", CellValue{std::chrono::sys_seconds{}}},
  };
  for (const auto& [id, cell] : bad) {
    auto value = AnswerCellToJson(item(id), cell);
    EXPECT_FALSE(value.ok()) << id;
  }
  EXPECT_EQ(CommentCellToText(std::string("（消去）")).value(), std::optional<std::string>(""));
  EXPECT_FALSE(CommentCellToText(std::string(kMaxCommentBytes + 1, 'c')).ok());
  EXPECT_FALSE(CommentCellToText(true).ok());
}

TEST(AnswerWorkbookTest, FormulasAndRowsWithoutAnItemAreRowProblems) {
  auto bytes = WriteAnswerWorkbook(MakeQuestionnaire(), WorkbookLanguage::kEnglish);
  ASSERT_TRUE(bytes.ok());
  Parts parts = Unzip(*bytes);
  std::string& sheet = parts["xl/worksheets/sheet1.xml"];
  // The answer of row 3 (maturity) becomes a formula whose saved result is 4.
  sheet = std::regex_replace(sheet, std::regex("<c r=\"G3\"([^>]*)><v>3</v></c>"),
                             "<c r=\"G3\"$1><f>2+2</f><v>4</v></c>");
  ASSERT_NE(sheet.find("<f>2+2</f>"), std::string::npos);
  // A row below the items with an answer but no item id.
  sheet = std::regex_replace(sheet, std::regex("</sheetData>"),
                             "<row r=\"20\"><c r=\"G20\" t=\"inlineStr\"><is><t>Yes</t></is>"
                             "</c></row></sheetData>");
  auto read = ReadAnswerWorkbook(Zip(parts));
  ASSERT_TRUE(read.ok()) << read.error().internal_message();
  ASSERT_EQ(read->rows.size(), 7u);
  EXPECT_EQ(read->rows[1].item_id, "gv.maturity");
  EXPECT_NE(read->rows[1].problem.find("formula"), std::string::npos);
  EXPECT_EQ(read->rows[6].row, 20u);
  EXPECT_NE(read->rows[6].problem.find("no item id"), std::string::npos);
}

TEST(AnswerWorkbookTest, RefusesWhatIsNotAnAnswerWorkbook) {
  auto bytes = WriteAnswerWorkbook(MakeQuestionnaire(), WorkbookLanguage::kJapanese);
  ASSERT_TRUE(bytes.ok());
  const Parts parts = Unzip(*bytes);
  auto code = [](const std::string& workbook) {
    auto read = ReadAnswerWorkbook(workbook);
    return read.ok() ? ErrorCode::kInternal : read.error().code();
  };
  EXPECT_EQ(code("not a workbook"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(""), ErrorCode::kInvalidArgument);
  Parts no_read_me = parts;
  std::string& workbook_xml = no_read_me["xl/workbook.xml"];
  workbook_xml = std::regex_replace(workbook_xml, std::regex("name=\"説明\""), "name=\"Other\"");
  EXPECT_EQ(code(Zip(no_read_me)), ErrorCode::kInvalidArgument);
  Parts moved = parts;
  moved["xl/sharedStrings.xml"] =
      std::regex_replace(moved["xl/sharedStrings.xml"], std::regex("<t>項目ID</t>"), "<t>番号</t>");
  ASSERT_NE(moved["xl/sharedStrings.xml"], parts.at("xl/sharedStrings.xml"));
  EXPECT_EQ(code(Zip(moved)), ErrorCode::kInvalidArgument);
  // More rows than any questionnaire has, and one row at the sheet's very end: the rows
  // are found in one pass over the cells, never by walking every row number.
  Parts many = parts;
  std::string rows;
  for (int r = 2; r <= 2 * kMaxItems + 2; ++r) {
    rows += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) +
            "\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
  }
  many["xl/worksheets/sheet1.xml"] = std::regex_replace(
      many["xl/worksheets/sheet1.xml"], std::regex("(</row>)<row r=\"2\"[^]*</sheetData>"),
      "$1" + rows + "</sheetData>");
  EXPECT_EQ(code(Zip(many)), ErrorCode::kResourceExhausted);
  Parts far = parts;
  far["xl/worksheets/sheet1.xml"] = std::regex_replace(
      far["xl/worksheets/sheet1.xml"], std::regex("</sheetData>"),
      "<row r=\"1048576\"><c r=\"A1048576\" t=\"inlineStr\"><is><t>far</t></is></c></row>"
      "</sheetData>");
  auto far_rows = ReadAnswerWorkbook(Zip(far));
  ASSERT_TRUE(far_rows.ok()) << far_rows.error().internal_message();
  EXPECT_EQ(far_rows->rows.back().row, 1'048'576u);
  EXPECT_EQ(far_rows->rows.back().item_id, "far");
  // A ZIP bomb: a sheet that inflates to 40 MiB from a few tens of kilobytes.
  Parts bomb = parts;
  bomb["xl/worksheets/sheet1.xml"] =
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<sheetData>" +
      std::string(40 << 20, ' ') + "</sheetData></worksheet>";
  const std::string bomb_bytes = Zip(bomb);
  ASSERT_LT(bomb_bytes.size(), 1u << 20);
  EXPECT_EQ(code(bomb_bytes), ErrorCode::kResourceExhausted);
  EXPECT_EQ(code(std::string(kMaxAnswerWorkbookBytes + 1, 'P')), ErrorCode::kResourceExhausted);
  // Each past a size cap, so answered 413 rather than a rate limit's 429.
  for (const std::string& too_large :
       {bomb_bytes, Zip(many), std::string(kMaxAnswerWorkbookBytes + 1, 'P')}) {
    auto read = ReadAnswerWorkbook(too_large);
    ASSERT_FALSE(read.ok());
    EXPECT_TRUE(IsTooLarge(read.error())) << read.error().internal_message();
  }
}

TEST(AnswerWorkbookTest, AnEvidenceItemListsItsFilesAndIsNeverReadBack) {
  auto compiled = ParseBankYaml(R"(id: ev-bank
version: "1"
title: {ja: 証跡, en: Evidence}
sections:
  - id: docs
    title: {ja: 文書, en: Documents}
    items:
      - id: doc.report
        text: {ja: "報告書を添付してください。", en: "Attach the report."}
        type: evidence
        function: identify
)");
  ASSERT_TRUE(compiled.ok()) << compiled.error().internal_message();
  Questionnaire q = MakeQuestionnaire();
  q.bank = std::make_shared<const CompiledBank>(std::move(*compiled));
  q.answers = {
      {"doc.report",
       Stored("doc.report", std::vector<std::string>{"監査報告.pdf", "annex.xlsx"}, "", 0)}};
  q.shown = {true};
  for (auto language : {WorkbookLanguage::kJapanese, WorkbookLanguage::kEnglish}) {
    auto bytes = WriteAnswerWorkbook(q, language);
    ASSERT_TRUE(bytes.ok()) << bytes.error().internal_message();
    auto contents = documents::ReadXlsx(*bytes);
    ASSERT_TRUE(contents.ok());
    const documents::SheetCells& sheet = contents->sheets[0];
    // Files one per line; the how-to column says they are uploaded, not typed.
    const auto* answer = std::get_if<std::string>(sheet.At(1, 6));
    ASSERT_NE(answer, nullptr);
    EXPECT_EQ(*answer, "監査報告.pdf\nannex.xlsx");
    const auto* how = std::get_if<std::string>(sheet.At(1, 4));
    ASSERT_NE(how, nullptr);
    EXPECT_TRUE(how->find("アップロード") != std::string::npos ||
                how->find("uploading files") != std::string::npos)
        << *how;
    EXPECT_EQ(sheet.At(1, 8), nullptr) << "no version to send back";
  }
  // Typing a reference into the cell gives no answer.
  auto typed = AnswerCellToJson(q.bank->item(0), CellValue{std::string("DMS-1234")});
  ASSERT_FALSE(typed.ok());
  EXPECT_EQ(typed.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace fincyber::survey
