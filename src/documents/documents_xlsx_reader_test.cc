// The XLSX reader on packages made here part by part: each case starts from a minimal
// valid workbook and replaces or adds parts, then names the value or error expected.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "documents/xlsx_reader.h"
#include "testing/zip_parts.h"

namespace fincyber::documents {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;
using std::chrono::year;
using Parts = testing::ZipParts;
using testing::Zip;

const char kSheetNs[] = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const char kRelNs[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string Sheet(const std::string& rows) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"") + kSheetNs +
         "\"><sheetData>" + rows + "</sheetData></worksheet>";
}

std::string WorkbookRels(const std::string& sheet_target = "worksheets/sheet1.xml") {
  return std::string(
             "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
             "relationships\">"
             "<Relationship Id=\"rId1\" Type=\"") +
         kRelNs + "/worksheet\" Target=\"" + sheet_target +
         "\"/><Relationship Id=\"rId2\" Type=\"" + kRelNs +
         "/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"" +
         kRelNs + "/styles\" Target=\"styles.xml\"/></Relationships>";
}

Parts Minimal() {
  return {
      {"[Content_Types].xml",
       "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
       "content-types\"/>"},
      {"_rels/.rels",
       std::string("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                   "relationships\"><Relationship Id=\"rId1\" Type=\"") +
           kRelNs + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
      {"xl/workbook.xml", std::string("<workbook xmlns=\"") + kSheetNs + "\" xmlns:r=\"" + kRelNs +
                              "\"><sheets><sheet name=\"回答\" sheetId=\"1\" r:id=\"rId1\"/>"
                              "</sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels", WorkbookRels()},
      {"xl/sharedStrings.xml",
       std::string("<sst xmlns=\"") + kSheetNs +
           "\"><si><t>項目</t></si><si><r><t>金融</t></r><r><t>庁</t></r>"
           "<rPh sb=\"0\" eb=\"2\"><t>キンユウチョウ</t></rPh></si><si><t xml:space=\"preserve\"> "
           "a&amp;b </t></si></sst>"},
      {"xl/styles.xml",
       std::string("<styleSheet xmlns=\"") + kSheetNs +
           "\"><numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy/mm/dd\"/>"
           "<numFmt numFmtId=\"165\" formatCode=\"0.00E+00\"/></numFmts>"
           "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
           "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
           "<xf numFmtId=\"165\"/><xf numFmtId=\"31\"/></cellXfs></styleSheet>"},
      {"xl/worksheets/sheet1.xml", Sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>")},
  };
}

Result<XlsxContents> ReadParts(const Parts& parts, const XlsxReadLimits& limits = {}) {
  return ReadXlsx(Zip(parts), limits);
}

Result<CellValue> OnlyCell(const std::string& rows) {
  Parts parts = Minimal();
  parts["xl/worksheets/sheet1.xml"] = Sheet(rows);
  FC_ASSIGN_OR_RETURN(XlsxContents contents, ReadParts(parts));
  const auto& cells = contents.sheets.at(0).cells();
  if (cells.size() != 1) return Internal("expected one cell, got " + std::to_string(cells.size()));
  return cells[0].value;
}

TEST(XlsxReaderTest, CellReferences) {
  using Ref = std::pair<std::uint32_t, std::uint32_t>;
  EXPECT_EQ(*ParseCellReference("A1"), (Ref{0, 0}));
  EXPECT_EQ(*ParseCellReference("Z9"), (Ref{8, 25}));
  EXPECT_EQ(*ParseCellReference("AA10"), (Ref{9, 26}));
  EXPECT_EQ(*ParseCellReference("XFD1048576"), (Ref{1'048'575, 16'383}));
  for (const char* bad : {"", "a1", "A0", "A01", "XFE1", "A1048577", "AAAA1", "1A", "A", "A1B",
                          "$A$1", "A-1", "A 1", "A99999999999"}) {
    EXPECT_FALSE(ParseCellReference(bad).ok()) << bad;
  }
}

TEST(XlsxReaderTest, FormulaCellsAreMarkedWithTheirCachedResult) {
  Parts parts = Minimal();
  parts["xl/worksheets/sheet1.xml"] = Sheet(
      "<row r=\"1\"><c r=\"A1\"><f>1+1</f><v>2</v></c><c r=\"B1\"><f>NOW()</f></c>"
      "<c r=\"C1\" t=\"str\"><f>\"a\"&amp;\"b\"</f><v>ab</v></c>"
      "<c r=\"D1\" t=\"s\"><v>0</v></c><c r=\"E1\" s=\"1\"/></row>");
  auto contents = ReadParts(parts);
  ASSERT_TRUE(contents.ok()) << contents.error().internal_message();
  const auto& cells = contents->sheets.at(0).cells();
  ASSERT_EQ(cells.size(), 4u);
  EXPECT_TRUE(cells[0].formula);
  EXPECT_EQ(cells[0].value, CellValue(2.0));
  EXPECT_TRUE(cells[1].formula);  // no saved result: kept, empty
  EXPECT_TRUE(std::holds_alternative<std::monostate>(cells[1].value));
  EXPECT_TRUE(cells[2].formula);
  EXPECT_EQ(cells[2].value, CellValue(std::string("ab")));
  EXPECT_FALSE(cells[3].formula);
  EXPECT_EQ(cells[3].column, 3u);
}

TEST(XlsxReaderTest, ValuesOfEveryType) {
  struct Case {
    const char* cell;
    CellValue expected;
  };
  const std::vector<Case> cases = {
      {"<c r=\"B2\" t=\"s\"><v>0</v></c>", std::string("項目")},
      {"<c r=\"B2\" t=\"s\"><v>1</v></c>", std::string("金融庁")},  // phonetic guide left out
      {"<c r=\"B2\" t=\"s\"><v>2</v></c>", std::string(" a&b ")},
      {"<c r=\"B2\" t=\"inlineStr\"><is><t>回答 3</t></is></c>", std::string("回答 3")},
      {"<c r=\"B2\" t=\"inlineStr\"><is><r><t>a</t></r><r><t>b</t></r></is></c>",
       std::string("ab")},
      {"<c r=\"B2\"><v>2.5</v></c>", 2.5},
      {"<c r=\"B2\" t=\"n\"><v>-1E3</v></c>", -1000.0},
      {"<c r=\"B2\" s=\"3\"><v>12345</v></c>", 12345.0},  // scientific format, not a date
      {"<c r=\"B2\" t=\"b\"><v>1</v></c>", true},
      {"<c r=\"B2\" t=\"b\"><v>0</v></c>", false},
      {"<c r=\"B2\" t=\"e\"><v>#N/A</v></c>", CellError{"#N/A"}},
      {"<c r=\"B2\" t=\"str\"><f>A1&amp;\"x\"</f><v>項目x</v></c>", std::string("項目x")},
      {"<c r=\"B2\"><f>1+1</f><v>2</v></c>", 2.0},
      {"<c r=\"B2\" s=\"1\"><v>46112</v></c>", CellValue{sys_days{year{2026} / 3 / 31}}},
      {"<c r=\"B2\" s=\"2\"><v>46112.5</v></c>", CellValue{sys_days{year{2026} / 3 / 31} + 12h}},
      {"<c r=\"B2\" s=\"4\"><v>1</v></c>", CellValue{sys_days{year{1900} / 1 / 1}}},
      {"<c r=\"B2\" s=\"1\"><v>61</v></c>", CellValue{sys_days{year{1900} / 3 / 1}}},
      {"<c r=\"B2\" t=\"d\"><v>2026-03-31T09:30:00</v></c>",
       CellValue{sys_days{year{2026} / 3 / 31} + 9h + 30min}},
      {"<c r=\"B2\" t=\"d\"><v>2026-03-31</v></c>", CellValue{sys_days{year{2026} / 3 / 31}}},
  };
  for (const auto& test : cases) {
    auto value = OnlyCell(std::string("<row r=\"2\">") + test.cell + "</row>");
    ASSERT_TRUE(value.ok()) << test.cell << ": " << value.error().internal_message();
    EXPECT_EQ(*value, test.expected) << test.cell;
  }
}

TEST(XlsxReaderTest, EmptyCellsAreLeftOut) {
  Parts parts = Minimal();
  parts["xl/worksheets/sheet1.xml"] = Sheet(
      "<row r=\"1\"><c r=\"A1\" s=\"1\"/><c r=\"B1\"><v></v></c><c r=\"C1\"><v>1</v></c></row>");
  auto contents = ReadParts(parts);
  ASSERT_TRUE(contents.ok()) << contents.error().internal_message();
  ASSERT_EQ(contents->sheets[0].cells().size(), 1u);
  EXPECT_EQ(contents->sheets[0].cells()[0].column, 2u);
}

TEST(XlsxReaderTest, CellsWithoutReferencesFollowEachOther) {
  Parts parts = Minimal();
  parts["xl/worksheets/sheet1.xml"] = Sheet(
      "<row><c><v>1</v></c><c><v>2</v></c></row><row><c r=\"C2\"><v>3</v></c><c><v>4</v></c>"
      "</row><row r=\"5\"><c><v>5</v></c></row>");
  auto contents = ReadParts(parts);
  ASSERT_TRUE(contents.ok()) << contents.error().internal_message();
  const SheetCells& sheet = contents->sheets[0];
  EXPECT_EQ(*sheet.At(0, 1), CellValue{2.0});
  EXPECT_EQ(*sheet.At(1, 3), CellValue{4.0});
  EXPECT_EQ(*sheet.At(4, 0), CellValue{5.0});
  EXPECT_EQ(sheet.row_count(), 5u);
}

TEST(XlsxReaderTest, PackageVariants) {
  // Prefixed elements, absolute targets, the 1904 date system, hidden sheets, no
  // shared strings or styles at all.
  Parts parts = Minimal();
  parts.erase("xl/sharedStrings.xml");
  parts.erase("xl/styles.xml");
  parts["xl/_rels/workbook.xml.rels"] =
      std::string(
          "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
          "relationships\"><Relationship Id=\"rId1\" Type=\"") +
      kRelNs +
      "/worksheet\" Target=\"/xl/worksheets/sheet1.xml\"/><Relationship Id=\"rId9\" Type=\"" +
      kRelNs + "/worksheet\" Target=\"./worksheets/../worksheets/hidden.xml\"/></Relationships>";
  parts["xl/workbook.xml"] =
      std::string("<x:workbook xmlns:x=\"") + kSheetNs + "\" xmlns:r=\"" + kRelNs +
      "\"><x:workbookPr date1904=\"1\"/><x:sheets><x:sheet name=\"Answers\" r:id=\"rId1\"/>"
      "<x:sheet name=\"Lists\" state=\"hidden\" r:id=\"rId9\"/></x:sheets></x:workbook>";
  parts["xl/worksheets/sheet1.xml"] =
      std::string("<x:worksheet xmlns:x=\"") + kSheetNs +
      "\"><x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>はい</x:t></x:is>"
      "</x:c></x:row></x:sheetData></x:worksheet>";
  parts["xl/worksheets/hidden.xml"] = Sheet("");
  auto contents = ReadParts(parts);
  ASSERT_TRUE(contents.ok()) << contents.error().internal_message();
  ASSERT_EQ(contents->sheets.size(), 2u);
  EXPECT_EQ(*contents->Find("Answers")->At(0, 0), CellValue{std::string("はい")});
  EXPECT_TRUE(contents->Find("Lists")->hidden());
  EXPECT_TRUE(contents->Find("Lists")->cells().empty());
  EXPECT_EQ(contents->Find("answers"), nullptr);
}

TEST(XlsxReaderTest, Date1904System) {
  Parts parts = Minimal();
  parts["xl/workbook.xml"] =
      std::string("<workbook xmlns=\"") + kSheetNs + "\" xmlns:r=\"" + kRelNs +
      "\"><workbookPr date1904=\"true\"/><sheets><sheet name=\"a\" r:id=\"rId1\"/></sheets>"
      "</workbook>";
  parts["xl/worksheets/sheet1.xml"] = Sheet("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>1</v></c></row>");
  auto contents = ReadParts(parts);
  ASSERT_TRUE(contents.ok()) << contents.error().internal_message();
  EXPECT_EQ(*contents->sheets[0].At(0, 0), CellValue{sys_days{year{1904} / 1 / 2}});
}

struct Hostile {
  const char* name;
  std::function<void(Parts&, XlsxReadLimits&)> change;
  ErrorCode code;
  const char* message;
};

std::string Nested(int depth) {
  std::string xml;
  for (int i = 0; i < depth; ++i) xml += "<a>";
  for (int i = 0; i < depth; ++i) xml += "</a>";
  return xml;
}

TEST(XlsxReaderTest, HostileAndBrokenPackages) {
  const std::string billion_laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a \"aaaaaaaaaa\">"
      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
      "<sst><si><t>&c;</t></si></sst>";
  const std::vector<Hostile> cases = {
      {"entity expansion",
       [&](Parts& p, XlsxReadLimits&) { p["xl/sharedStrings.xml"] = billion_laughs; },
       ErrorCode::kInvalidArgument, "document type declaration"},
      {"external entity",
       [](Parts& p, XlsxReadLimits&) {
         p["xl/worksheets/sheet1.xml"] =
             "<!DOCTYPE w [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><worksheet><sheetData>"
             "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&x;</t></is></c></row>"
             "</sheetData></worksheet>";
       },
       ErrorCode::kInvalidArgument, "document type declaration"},
      {"deep nesting",
       [](Parts& p, XlsxReadLimits&) {
         p["xl/worksheets/sheet1.xml"] = "<worksheet>" + Nested(100'000) + "</worksheet>";
       },
       ErrorCode::kInvalidArgument, "nested deeper than 64"},
      {"zip bomb",
       [](Parts& p, XlsxReadLimits& limits) {
         limits.max_part_bytes = 1 << 20;
         p["xl/worksheets/sheet1.xml"] = Sheet(std::string(8 << 20, ' '));
       },
       ErrorCode::kResourceExhausted, "larger than 1048576 bytes"},
      {"total decompressed",
       [](Parts& p, XlsxReadLimits& limits) {
         limits.max_total_bytes = 3 << 20;
         p["xl/sharedStrings.xml"] = "<sst>" + std::string(2 << 20, ' ') + "</sst>";
         p["xl/worksheets/sheet1.xml"] = Sheet(std::string(2 << 20, ' '));
       },
       ErrorCode::kResourceExhausted, "more than allowed"},
      {"many entries",
       [](Parts& p, XlsxReadLimits& limits) {
         limits.max_entries = 20;
         for (int i = 0; i < 20; ++i) p["junk/" + std::to_string(i)] = "x";
       },
       ErrorCode::kResourceExhausted, "more than 20 entries"},
      {"file size", [](Parts&, XlsxReadLimits& limits) { limits.max_file_bytes = 100; },
       ErrorCode::kResourceExhausted, "larger than 100 bytes"},
      {"too many cells",
       [](Parts& p, XlsxReadLimits& limits) {
         limits.max_cells = 2;
         p["xl/worksheets/sheet1.xml"] =
             Sheet("<row r=\"1\"><c><v>1</v></c><c><v>1</v></c><c><v>1</v></c></row>");
       },
       ErrorCode::kResourceExhausted, "more cells"},
      {"too many shared strings",
       [](Parts&, XlsxReadLimits& limits) { limits.max_shared_strings = 2; },
       ErrorCode::kResourceExhausted, "shared strings"},
      {"too many sheets", [](Parts&, XlsxReadLimits& limits) { limits.max_sheets = 0; },
       ErrorCode::kResourceExhausted, "sheets"},
      {"no package relationships", [](Parts& p, XlsxReadLimits&) { p.erase("_rels/.rels"); },
       ErrorCode::kInvalidArgument, "_rels/.rels is missing"},
      {"no workbook named",
       [](Parts& p, XlsxReadLimits&) { p["_rels/.rels"] = "<Relationships/>"; },
       ErrorCode::kInvalidArgument, "names no workbook"},
      {"missing sheet part", [](Parts& p, XlsxReadLimits&) { p.erase("xl/worksheets/sheet1.xml"); },
       ErrorCode::kInvalidArgument, "xl/worksheets/sheet1.xml is missing"},
      {"target outside package",
       [](Parts& p, XlsxReadLimits&) {
         p["xl/_rels/workbook.xml.rels"] = WorkbookRels("../../../etc/passwd");
       },
       ErrorCode::kInvalidArgument, "outside the package"},
      {"sheet without relationship",
       [](Parts& p, XlsxReadLimits&) {
         p["xl/workbook.xml"] = std::string("<workbook xmlns:r=\"") + kRelNs +
                                "\"><sheets><sheet name=\"a\" r:id=\"rId7\"/></sheets></workbook>";
       },
       ErrorCode::kInvalidArgument, "has no part"},
      {"duplicate sheet names",
       [](Parts& p, XlsxReadLimits&) {
         p["xl/workbook.xml"] = std::string("<workbook xmlns:r=\"") + kRelNs +
                                "\"><sheets><sheet name=\"a\" r:id=\"rId1\"/>"
                                "<sheet name=\"a\" r:id=\"rId1\"/></sheets></workbook>";
       },
       ErrorCode::kInvalidArgument, "two sheets named"},
      {"truncated xml",
       [](Parts& p, XlsxReadLimits&) { p["xl/worksheets/sheet1.xml"] = "<worksheet><sheetData>"; },
       ErrorCode::kInvalidArgument, "not well-formed"},
      {"bad utf-8 in xml",
       [](Parts& p, XlsxReadLimits&) {
         p["xl/worksheets/sheet1.xml"] =
             Sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\xE3\x81</t></is></c></row>");
       },
       ErrorCode::kInvalidArgument, "not well-formed"},
  };
  for (const auto& test : cases) {
    Parts parts = Minimal();
    XlsxReadLimits limits;
    test.change(parts, limits);
    auto contents = ReadParts(parts, limits);
    ASSERT_FALSE(contents.ok()) << test.name;
    EXPECT_EQ(contents.error().code(), test.code)
        << test.name << ": " << contents.error().internal_message();
    EXPECT_NE(contents.error().safe_message().find(test.message), std::string::npos)
        << test.name << ": " << contents.error().safe_message();
  }
}

TEST(XlsxReaderTest, MalformedCells) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"<row r=\"1\"><c r=\"A0\"><v>1</v></c></row>", "not a cell reference"},
      {"<row r=\"1\"><c r=\"a1\"><v>1</v></c></row>", "not a cell reference"},
      {"<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>", "not a cell reference"},
      {"<row r=\"1\"><c r=\"A2\"><v>1</v></c></row>", "is not in row 1"},
      {"<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>1</v></c></row>", "out of order"},
      {"<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"B1\"><v>1</v></c></row>", "out of order"},
      {"<row r=\"2\"/><row r=\"1\"/>", "out of order"},
      {"<row r=\"0\"/>", "row number"},
      {"<row r=\"1048577\"/>", "row number"},
      {"<row r=\"x\"/>", "row number"},
      {"<c r=\"A1\"><v>1</v></c>", "outside a row"},
      {"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>3</v></c></row>", "missing shared string"},
      {"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>-1</v></c></row>", "missing shared string"},
      {"<row r=\"1\"><c r=\"A1\" t=\"s\"/></row>", "missing shared string"},
      {"<row r=\"1\"><c r=\"A1\" t=\"x\"><v>1</v></c></row>", "unknown type"},
      {"<row r=\"1\"><c r=\"A1\" t=\"b\"><v>2</v></c></row>", "not a boolean"},
      {"<row r=\"1\"><c r=\"A1\"><v>abc</v></c></row>", "not a number"},
      {"<row r=\"1\"><c r=\"A1\"><v>nan</v></c></row>", "not a number"},
      {"<row r=\"1\"><c r=\"A1\"><v>1e999</v></c></row>", "not a number"},
      {"<row r=\"1\"><c r=\"A1\" s=\"1\"><v>-5</v></c></row>", "out of range"},
      {"<row r=\"1\"><c r=\"A1\" s=\"x\"><v>1</v></c></row>", "style index"},
      {"<row r=\"1\"><c r=\"A1\" t=\"d\"><v>2026-02-30</v></c></row>", "not an ISO date"},
      {"<row r=\"1\"><c r=\"A1\" t=\"d\"><v>yesterday</v></c></row>", "not an ISO date"},
  };
  for (const auto& [rows, message] : cases) {
    auto value = OnlyCell(rows);
    ASSERT_FALSE(value.ok()) << rows;
    EXPECT_EQ(value.error().code(), ErrorCode::kInvalidArgument) << rows;
    EXPECT_NE(value.error().safe_message().find(message), std::string::npos)
        << rows << ": " << value.error().safe_message();
  }
}

TEST(XlsxReaderTest, NotAZipArchive) {
  const std::string truncated = Zip(Minimal()).substr(0, 300);
  for (const std::string& bytes : {std::string(), std::string("hello"), truncated,
                                   std::string("PK\x03\x04") + std::string(100, '\0')}) {
    auto contents = ReadXlsx(bytes);
    ASSERT_FALSE(contents.ok());
    EXPECT_EQ(contents.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(contents.error().safe_message().find("not a readable ZIP archive"), std::string::npos)
        << contents.error().safe_message();
  }
}

// Sets the uncompressed size that the local and central headers declare for `name`.
void DeclareSize(std::string& zip, const std::string& name, std::uint32_t size) {
  const char bytes[4] = {static_cast<char>(size), static_cast<char>(size >> 8),
                         static_cast<char>(size >> 16), static_cast<char>(size >> 24)};
  for (const auto& [signature, size_offset, name_offset] :
       {std::tuple{std::string("PK\x03\x04", 4), 22, 30},
        std::tuple{std::string("PK\x01\x02", 4), 24, 46}}) {
    for (std::size_t at = zip.find(signature); at != std::string::npos;
         at = zip.find(signature, at + 4)) {
      if (zip.compare(at + name_offset, name.size(), name) == 0) {
        zip.replace(at + size_offset, 4, bytes, 4);
      }
    }
  }
}

TEST(XlsxReaderTest, DeclaredSizesAreNotTrusted) {
  Parts parts = Minimal();
  parts["xl/worksheets/sheet1.xml"] = Sheet(std::string(8 << 20, ' '));
  std::string zip = Zip(parts);
  DeclareSize(zip, "xl/worksheets/sheet1.xml", 100);
  auto contents = ReadXlsx(zip, {.max_part_bytes = 1 << 20});
  ASSERT_FALSE(contents.ok());
  // The declared 100 bytes pass the first check; the bytes actually inflated do not.
  EXPECT_EQ(contents.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(contents.error().safe_message().find("decompresses to more than allowed"),
            std::string::npos)
      << contents.error().safe_message();
}

TEST(XlsxReaderTest, EncryptedPartIsRefused) {
  auto contents = ReadXlsx(Zip(Minimal(), {"xl/worksheets/sheet1.xml"}));
  ASSERT_FALSE(contents.ok());
  EXPECT_EQ(contents.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(contents.error().safe_message().find("cannot open part xl/worksheets/sheet1.xml"),
            std::string::npos)
      << contents.error().safe_message();
}

TEST(XlsxReaderTest, WorkbookSavedByLibreOffice) {
  auto contents = ReadXlsxFile(std::string(DOCUMENTS_TESTDATA) + "/libreoffice/answers.xlsx");
  ASSERT_TRUE(contents.ok()) << contents.error().internal_message();
  ASSERT_EQ(contents->sheets.size(), 2u);
  const SheetCells* answers = contents->Find("回答");
  ASSERT_NE(answers, nullptr);
  auto at = [&](std::uint32_t row, std::uint32_t column) {
    const CellValue* value = answers->At(row, column);
    return value ? *value : CellValue{};
  };
  EXPECT_EQ(at(0, 0), CellValue{std::string("項目ID")});
  EXPECT_EQ(at(0, 6), CellValue{std::string("充足率")});
  EXPECT_EQ(at(1, 1), CellValue{std::string("3")});
  EXPECT_EQ(at(1, 2), CellValue{2.5});
  EXPECT_EQ(at(1, 3), CellValue{sys_days{year{2026} / 3 / 31}});
  EXPECT_EQ(at(1, 4), CellValue{1.0});
  EXPECT_EQ(at(1, 5), CellValue{std::string("資産台帳は年2回更新 & 監査済み")});
  EXPECT_EQ(at(1, 6), CellValue{0.75});
  EXPECT_EQ(at(2, 1), CellValue{std::string("該当なし")});
  EXPECT_EQ(at(2, 2), CellValue{5.0});
  EXPECT_EQ(at(2, 3), CellValue{sys_days{year{2026} / 4 / 1} + 13h + 30min});
  EXPECT_EQ(at(2, 5), CellValue{});
  EXPECT_EQ(at(3, 0), CellValue{});
  EXPECT_EQ(at(6, 0), CellValue{std::string("DE.CM-01")});
  EXPECT_EQ(at(6, 1), CellValue{std::string("回答済")});
  EXPECT_EQ(at(6, 2), CellValue{CellError{"#DIV/0!"}});
  EXPECT_EQ(answers->row_count(), 7u);
  const SheetCells* notes = contents->Find("Notes");
  ASSERT_NE(notes, nullptr);
  EXPECT_EQ(*notes->At(0, 0), CellValue{std::string("一行目\n二行目")});
}

TEST(XlsxReaderTest, MissingFileIsUnavailable) {
  auto contents = ReadXlsxFile("/nonexistent-folder/answers.xlsx");
  ASSERT_FALSE(contents.ok());
  EXPECT_EQ(contents.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace fincyber::documents
