// What an evidence upload must be: names sanitised, content sniffed and matched with the
// name's extension, and the download's Content-Disposition. Hostile cases included: an
// executable renamed .pdf, path traversal, bidirectional overrides, macro-enabled
// Office files, text with NUL bytes or invalid UTF-8.
#include <gtest/gtest.h>

#include <map>

#include "documents/xlsx_writer.h"
#include "survey/evidence.h"
#include "testing/zip_parts.h"

namespace fincyber::survey {
namespace {

using Parts = testing::ZipParts;
using testing::Zip;

std::string OfficePackage(const std::string& main_content_type) {
  return Zip({{"[Content_Types].xml",
               "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/"
               "2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
               "<Override PartName=\"/word/document.xml\" ContentType=\"" +
                   main_content_type + "\"/></Types>"},
              {"word/document.xml", "<document/>"}});
}

const std::string kPdf = "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const std::string kPng = std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x01", 20);
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11);
// The start of a Windows executable: "MZ", then NUL bytes.
const std::string kExe = std::string("MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0", 16);

TEST(EvidenceFilenameTest, KeepsTheNameAndDropsWhatCouldMislead) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"規程.pdf", "規程.pdf"},
      {"../../etc/passwd.txt", "passwd.txt"},
      {"..\\..\\windows\\system32\\report.pdf", "report.pdf"},
      {"C:\\Users\\a\\Desktop\\inventory.xlsx", "inventory.xlsx"},
      {"/absolute/path/scan.png", "scan.png"},
      {"a\x01\x1f\x7f"
       "b.txt",
       "ab.txt"},
      {"inv\xE2\x80\xAEgpj.exe", "invgpj.exe"},  // U+202E RIGHT-TO-LEFT OVERRIDE removed
      {"zero\xE2\x80\x8Bwidth.pdf", "zerowidth.pdf"},
      {"a<b>c:d\"e|f?g*h.pdf", "a_b_c_d_e_f_g_h.pdf"},
      {"...hidden.txt", "hidden.txt"},
      {"  spaced.pdf . . ", "spaced.pdf"},
      {"CON.txt", "_CON.txt"},
      {"lpt1", "_lpt1"},
      {"report.PDF", "report.PDF"},
  };
  for (const auto& [raw, expected] : cases) {
    auto name = SanitizeEvidenceFilename(raw);
    ASSERT_TRUE(name.ok()) << raw << ": " << name.error().internal_message();
    EXPECT_EQ(*name, expected) << raw;
  }
  for (const std::string& bad :
       {std::string(""), std::string("../"), std::string("..."), std::string("a/\x01\x02"),
        std::string("bad\xC3.pdf"), std::string("\xE2\x80\xAE"), std::string(5000, 'a')}) {
    auto name = SanitizeEvidenceFilename(bad);
    ASSERT_FALSE(name.ok()) << bad;
    EXPECT_EQ(name.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(EvidenceFilenameTest, OverlongNamesAreShortenedOnACharacterKeepingTheExtension) {
  std::string japanese;
  for (int i = 0; i < 100; ++i) japanese += "報";  // 300 bytes
  auto name = SanitizeEvidenceFilename(japanese + ".pdf");
  ASSERT_TRUE(name.ok());
  EXPECT_LE(name->size(), kMaxEvidenceFilenameBytes);
  EXPECT_TRUE(name->ends_with("報.pdf")) << *name;
  EXPECT_EQ(name->size(), 65u * 3 + 4) << "whole characters only";
  auto ascii = SanitizeEvidenceFilename(std::string(300, 'x') + ".docx");
  ASSERT_TRUE(ascii.ok());
  EXPECT_EQ(ascii->size(), kMaxEvidenceFilenameBytes);
  EXPECT_TRUE(ascii->ends_with("x.docx"));
}

TEST(EvidenceSniffTest, AcceptsEachKindUnderItsOwnName) {
  documents::XlsxWorkbook book;
  book.sheets.push_back({.name = "資産", .columns = {{.header = "名前"}}, .rows = {}});
  auto xlsx = documents::WriteXlsx(book);
  ASSERT_TRUE(xlsx.ok());
  const std::string docx = OfficePackage(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml");
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"policy.pdf", kPdf, "application/pdf"},
      {"screen.PNG", kPng, "image/png"},
      {"photo.jpg", kJpeg, "image/jpeg"},
      {"photo.jpeg", kJpeg, "image/jpeg"},
      {"inventory.xlsx", *xlsx,
       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"minutes.docx", docx,
       "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"notes.txt", "資産台帳は毎年見直す。\r\n\tOK\n", "text/plain; charset=utf-8"},
      {"list.csv", "\xEF\xBB\xBFid,name\n1,サーバ\n", "text/csv; charset=utf-8"},
  };
  for (const auto& [name, bytes, type] : cases) {
    auto sniffed = SniffEvidenceContentType(name, bytes);
    ASSERT_TRUE(sniffed.ok()) << name << ": " << sniffed.error().internal_message();
    EXPECT_EQ(*sniffed, type) << name;
  }
}

TEST(EvidenceSniffTest, RefusesWhatIsNotWhatItsNameSays) {
  const std::string xlsm = OfficePackage("application/vnd.ms-excel.sheet.macroEnabled.main+xml");
  const std::string docm = OfficePackage("application/vnd.ms-word.document.macroEnabled.main+xml");
  const std::string docx = OfficePackage(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"invoice.pdf", kExe},  // an executable renamed .pdf
      {"setup.exe", kExe},
      {"policy.png", kPdf},  // a PDF named as an image
      {"policy", kPdf},
      {"photo.pdf", kJpeg},
      {"minutes.xlsx", docx},  // a Word document named as a workbook
      {"macros.xlsx", xlsm},
      {"macros.docx", docm},
      {"archive.xlsx", Zip({{"a.txt", "hello"}})},  // a ZIP without content types
      {"broken.xlsx", std::string("PK\x03\x04garbage", 11)},
      {"truncated.pdf", "%PDF-1.7\n1 0 obj <<>> endobj\n"},
      {"empty.txt", ""},
      {"nul.txt", std::string("text\0more", 9)},
      {"bad.txt", "caf\xC3"},
      {"escape.txt", "\x1b[31mred"},
      {"script.html", "<script>alert(1)</script>"},  // text, but not a text file's name
      {"image.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"},
  };
  for (const auto& [name, bytes] : cases) {
    auto sniffed = SniffEvidenceContentType(name, bytes);
    ASSERT_FALSE(sniffed.ok()) << name << " accepted as " << *sniffed;
    EXPECT_EQ(sniffed.error().code(), ErrorCode::kInvalidArgument) << name;
  }
}

TEST(EvidenceSniffTest, AZipBombIsStoppedAtTheContentTypesPart) {
  const std::string bomb = Zip({{"[Content_Types].xml", std::string(8 << 20, ' ')}});
  ASSERT_LT(bomb.size(), 100'000u);
  auto sniffed = SniffEvidenceContentType("bomb.xlsx", bomb);
  ASSERT_FALSE(sniffed.ok());
  EXPECT_EQ(sniffed.error().code(), ErrorCode::kInvalidArgument);
}

TEST(EvidenceDispositionTest, AttachmentWithAnAsciiFallbackAndTheUtf8Name) {
  EXPECT_EQ(AttachmentDisposition("report.pdf"),
            "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
  EXPECT_EQ(AttachmentDisposition("規程 v2.pdf"),
            "attachment; filename=\"__ v2.pdf\"; "
            "filename*=UTF-8''%E8%A6%8F%E7%A8%8B%20v2.pdf");
  // Quotes, backslashes and semicolons cannot end the parameter early.
  const std::string header = AttachmentDisposition("a\"b\\c;d%e.txt");
  EXPECT_EQ(header,
            "attachment; filename=\"a_b_c;d_e.txt\"; filename*=UTF-8''a%22b%5Cc%3Bd%25e.txt");
}

}  // namespace
}  // namespace fincyber::survey
