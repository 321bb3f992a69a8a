// XLSX written with libxlsxwriter, read back with the reader and, for the features the
// reader does not return (validation, protection, colour scales), checked in the parts.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>

#include "documents/internal/zip_archive.h"
#include "documents/test_library_caches.h"
#include "documents/xlsx_reader.h"
#include "documents/xlsx_writer.h"

namespace fincyber::documents {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;
using std::chrono::year;

std::string Part(const std::string& xlsx, const std::string& name) {
  auto zip = internal::ZipArchive::Open(xlsx, {});
  EXPECT_TRUE(zip.ok());
  auto bytes = (*zip)->Read(name);
  EXPECT_TRUE(bytes.ok()) << name;
  return bytes.ok() ? *bytes : "";
}

XlsxWorkbook AnswerBook() {
  XlsxWorkbook book;
  book.title = "回答シート";
  book.author = "金融庁";
  book.created = sys_days{year{2026} / 4 / 1};
  XlsxSheet answers{.name = "回答", .columns = {}, .rows = {}};
  answers.columns = {
      {.header = "項目ID", .width = 10},
      {.header = "質問", .width = 50, .wrap = true},
      {.header = "回答",
       .width = 12,
       .editable = true,
       .allowed_values = {"0", "1", "2", "3", "4", "該当なし"}},
      {.header = "得点", .width = 8, .number_format = "0.0"},
      {.header = "提出日", .width = 14},
      {.header = "確認済み", .width = 8},
  };
  answers.rows = {
      {std::string("ID.AM-01"), std::string("情報資産の棚卸しを行っていますか。"), std::string("3"),
       2.5, CellValue{sys_days{year{2026} / 3 / 31}}, true},
      {std::string("PR.PS-02"), std::string("Patches within 30 days?\n(重要なもの)"),
       std::string("該当なし"), -0.25, CellValue{sys_days{year{2026} / 3 / 31} + 13h + 5min},
       false},
      {std::string("DE.CM-01")},
  };
  answers.protect = true;
  answers.input_rows = 10;
  book.sheets.push_back(std::move(answers));
  XlsxSheet heatmap{.name = "Heatmap",
                    .columns = {{.header = ""}, {.header = "Identify"}},
                    .rows = {{std::string("Ransomware"), 3.5}, {std::string("DDoS"), 1.0}}};
  heatmap.color_scales.push_back(
      {.first_row = 1, .first_column = 1, .last_row = 2, .last_column = 1});
  book.sheets.push_back(std::move(heatmap));
  return book;
}

TEST(XlsxWriterTest, ValuesRoundTripThroughTheReader) {
  auto bytes = WriteXlsx(AnswerBook());
  ASSERT_TRUE(bytes.ok()) << bytes.error().internal_message();
  auto contents = ReadXlsx(*bytes);
  ASSERT_TRUE(contents.ok()) << contents.error().internal_message();
  ASSERT_EQ(contents->sheets.size(), 2u);
  const SheetCells* answers = contents->Find("回答");
  ASSERT_NE(answers, nullptr);
  EXPECT_EQ(*answers->At(0, 2), CellValue{std::string("回答")});
  EXPECT_EQ(*answers->At(1, 1), CellValue{std::string("情報資産の棚卸しを行っていますか。")});
  EXPECT_EQ(*answers->At(1, 3), CellValue{2.5});
  EXPECT_EQ(*answers->At(1, 4), CellValue{sys_days{year{2026} / 3 / 31}});
  EXPECT_EQ(*answers->At(1, 5), CellValue{true});
  EXPECT_EQ(*answers->At(2, 1), CellValue{std::string("Patches within 30 days?\n(重要なもの)")});
  EXPECT_EQ(*answers->At(2, 3), CellValue{-0.25});
  EXPECT_EQ(*answers->At(2, 4), CellValue{sys_days{year{2026} / 3 / 31} + 13h + 5min});
  EXPECT_EQ(*answers->At(2, 5), CellValue{false});
  EXPECT_EQ(*answers->At(3, 0), CellValue{std::string("DE.CM-01")});
  EXPECT_EQ(answers->At(3, 1), nullptr);
  EXPECT_EQ(answers->row_count(), 4u);
  EXPECT_FALSE(answers->hidden());
  const SheetCells* heatmap = contents->Find("Heatmap");
  ASSERT_NE(heatmap, nullptr);
  EXPECT_EQ(*heatmap->At(1, 1), CellValue{3.5});
}

TEST(XlsxWriterTest, AnswerSheetIsProtectedWithUnlockedDropDownColumn) {
  auto bytes = WriteXlsx(AnswerBook());
  ASSERT_TRUE(bytes.ok());
  const std::string sheet = Part(*bytes, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<sheetProtection"), std::string::npos);
  EXPECT_NE(sheet.find("<dataValidation type=\"list\""), std::string::npos);
  EXPECT_NE(sheet.find("sqref=\"C2:C11\""), std::string::npos) << "ten input rows";
  EXPECT_NE(sheet.find("<formula1>\"0,1,2,3,4,該当なし\"</formula1>"), std::string::npos);
  EXPECT_NE(sheet.find("ySplit=\"1\""), std::string::npos) << "header row frozen";
  // Excel's width in characters plus its cell padding.
  EXPECT_NE(sheet.find("<col min=\"2\" max=\"2\" width=\"50.7109375\""), std::string::npos);
  const std::string styles = Part(*bytes, "xl/styles.xml");
  EXPECT_NE(styles.find("<protection locked=\"0\"/>"), std::string::npos);
  EXPECT_NE(styles.find("formatCode=\"0.0\""), std::string::npos);
  EXPECT_NE(styles.find("<fgColor rgb=\"FF0B3C6F\"/>"), std::string::npos) << "header fill";
  EXPECT_NE(styles.find("<b/>"), std::string::npos) << "bold header";
  // The empty input row 11 carries the unlocked style, or users could not type there.
  EXPECT_NE(sheet.find("<c r=\"C11\" s="), std::string::npos);
  const std::string heatmap = Part(*bytes, "xl/worksheets/sheet2.xml");
  EXPECT_NE(heatmap.find("<colorScale>"), std::string::npos);
  EXPECT_NE(heatmap.find("sqref=\"B2:B3\""), std::string::npos);
}

TEST(XlsxWriterTest, LongDropDownListsLiveOnAHiddenSheet) {
  XlsxWorkbook book;
  std::vector<std::string> levels;
  for (int i = 0; i <= 4; ++i) {
    levels.push_back("レベル" + std::to_string(i) + ": 手順が文書化され、定期的に見直されている");
  }
  book.sheets.push_back(
      {.name = "回答",
       .columns = {{.header = "回答", .editable = true, .allowed_values = levels}},
       .rows = {},
       .input_rows = 5});
  auto bytes = WriteXlsx(book);
  ASSERT_TRUE(bytes.ok()) << bytes.error().internal_message();
  const std::string sheet = Part(*bytes, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<formula1>'_lists'!$A$1:$A$5</formula1>"), std::string::npos) << sheet;
  auto contents = ReadXlsx(*bytes);
  ASSERT_TRUE(contents.ok());
  const SheetCells* lists = contents->Find("_lists");
  ASSERT_NE(lists, nullptr);
  EXPECT_TRUE(lists->hidden());
  EXPECT_EQ(*lists->At(4, 0), CellValue{levels[4]});
}

TEST(XlsxWriterTest, CellListsGiveEachRowItsOwnDropDown) {
  XlsxWorkbook book;
  std::vector<std::string> levels;
  for (int i = 0; i <= 4; ++i) {
    levels.push_back("レベル" + std::to_string(i) + ": 手順が文書化され、定期的に見直されている");
  }
  XlsxSheet sheet{.name = "回答",
                  .columns = {{.header = "項目"}, {.header = "回答", .editable = true}},
                  .rows = {{std::string("a")}, {std::string("b")}, {std::string("c")}}};
  sheet.cell_lists = {{.row = 1, .column = 1, .allowed_values = {"はい", "いいえ"}},
                      {.row = 2, .column = 1, .allowed_values = levels},
                      {.row = 3, .column = 1, .allowed_values = levels}};
  book.sheets.push_back(sheet);
  auto bytes = WriteXlsx(book);
  ASSERT_TRUE(bytes.ok()) << bytes.error().internal_message();
  const std::string xml = Part(*bytes, "xl/worksheets/sheet1.xml");
  EXPECT_NE(xml.find("sqref=\"B2\"><formula1>\"はい,いいえ\"</formula1>"), std::string::npos)
      << xml;
  // The long list is written once and referenced from both cells.
  EXPECT_NE(xml.find("sqref=\"B3\"><formula1>'_lists'!$A$1:$A$5</formula1>"), std::string::npos);
  EXPECT_NE(xml.find("sqref=\"B4\"><formula1>'_lists'!$A$1:$A$5</formula1>"), std::string::npos);
  auto contents = ReadXlsx(*bytes);
  ASSERT_TRUE(contents.ok());
  EXPECT_EQ(contents->Find("_lists")->At(0, 1), nullptr);

  sheet.columns[1].allowed_values = {"x"};
  book.sheets = {sheet};
  EXPECT_EQ(WriteXlsx(book).error().code(), ErrorCode::kInvalidArgument) << "two lists on a cell";
  sheet.columns[1].allowed_values.clear();
  sheet.cell_lists = {{.row = 1, .column = 1, .allowed_values = {}}};
  book.sheets = {sheet};
  EXPECT_EQ(WriteXlsx(book).error().code(), ErrorCode::kInvalidArgument) << "empty list";
}

TEST(XlsxWriterTest, SameWorkbookSameBytes) {
  auto first = WriteXlsx(AnswerBook());
  auto second = WriteXlsx(AnswerBook());
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
  XlsxWorkbook later = AnswerBook();
  later.created += std::chrono::hours{24};
  auto third = WriteXlsx(later);
  ASSERT_TRUE(third.ok());
  EXPECT_NE(*first, *third);
  EXPECT_NE(Part(*third, "docProps/core.xml").find("2026-04-02T00:00:00Z"), std::string::npos);
}

TEST(XlsxWriterTest, FileIsWrittenAndReadBack) {
  const auto path = std::filesystem::temp_directory_path() / "documents_xlsx_test.xlsx";
  ASSERT_TRUE(WriteXlsxFile(AnswerBook(), path).ok());
  auto contents = ReadXlsxFile(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(contents.ok()) << contents.error().internal_message();
  EXPECT_EQ(contents->sheets.front().name(), "回答");
}

TEST(XlsxWriterTest, UnwritableFileIsUnavailable) {
  auto status = WriteXlsxFile(AnswerBook(), "/nonexistent-folder/answers.xlsx");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
}

struct BadBook {
  const char* name;
  std::function<void(XlsxWorkbook&)> change;
  const char* message;
};

TEST(XlsxWriterTest, RefusesWhatExcelWouldNotOpen) {
  const std::vector<BadBook> cases = {
      {"no sheets", [](XlsxWorkbook& b) { b.sheets.clear(); }, "at least one sheet"},
      {"long name", [](XlsxWorkbook& b) { b.sheets[0].name = std::string(32, 'x'); }, "1 to 31"},
      {"slash", [](XlsxWorkbook& b) { b.sheets[0].name = "a/b"; }, "1 to 31"},
      {"quote", [](XlsxWorkbook& b) { b.sheets[0].name = "'a"; }, "1 to 31"},
      {"empty name", [](XlsxWorkbook& b) { b.sheets[0].name = ""; }, "1 to 31"},
      {"duplicate", [](XlsxWorkbook& b) { b.sheets[1].name = "回答"; }, "used twice"},
      {"case duplicate",
       [](XlsxWorkbook& b) {
         b.sheets[0].name = "Answers";
         b.sheets[1].name = "ANSWERS";
       },
       "used twice"},
      {"reserved", [](XlsxWorkbook& b) { b.sheets[1].name = "_LISTS"; }, "reserved"},
      {"infinite", [](XlsxWorkbook& b) { b.sheets[0].rows[0][3] = 1.0 / 0.0; }, "finite"},
      {"nan", [](XlsxWorkbook& b) { b.sheets[0].rows[0][3] = std::nan(""); }, "finite"},
      {"bad utf-8", [](XlsxWorkbook& b) { b.sheets[0].rows[0][1] = std::string("a\xC3"); },
       "UTF-8"},
      {"control", [](XlsxWorkbook& b) { b.sheets[0].rows[0][1] = std::string("a\x01"); },
       "control"},
      {"too long", [](XlsxWorkbook& b) { b.sheets[0].rows[0][1] = std::string(32'768, 'a'); },
       "32,767"},
      {"too long japanese",
       [](XlsxWorkbook& b) {
         std::string text;
         for (int i = 0; i < 32'768; ++i) text += "あ";
         b.sheets[0].rows[0][1] = text;
       },
       "32,767"},
      {"empty allowed value",
       [](XlsxWorkbook& b) { b.sheets[0].columns[2].allowed_values.push_back(""); }, "empty"},
      {"scale range", [](XlsxWorkbook& b) { b.sheets[1].color_scales[0].first_row = 5; },
       "colour scale"},
      {"width", [](XlsxWorkbook& b) { b.sheets[0].columns[0].width = 300; }, "width"},
      {"too many rows", [](XlsxWorkbook& b) { b.sheets[0].input_rows = 1'048'576; }, "rows"},
  };
  for (const auto& test : cases) {
    XlsxWorkbook book = AnswerBook();
    test.change(book);
    auto bytes = WriteXlsx(book);
    ASSERT_FALSE(bytes.ok()) << test.name;
    EXPECT_EQ(bytes.error().code(), ErrorCode::kInvalidArgument) << test.name;
    EXPECT_NE(bytes.error().safe_message().find(test.message), std::string::npos)
        << test.name << ": " << bytes.error().safe_message();
  }
}

}  // namespace
}  // namespace fincyber::documents
