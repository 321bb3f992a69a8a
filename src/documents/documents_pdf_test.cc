// PDFs are read back with poppler: text, fonts, pages, outline, metadata.
#include <gtest/gtest.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-page.h>
#include <poppler/cpp/poppler-toc.h>

#include <memory>
#include <string>
#include <vector>

#include "documents/pdf.h"

namespace fincyber::documents {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<poppler::document> Load(const std::string& bytes) {
  std::vector<char> data(bytes.begin(), bytes.end());
  return std::unique_ptr<poppler::document>(poppler::document::load_from_data(&data));
}

std::string PageText(const poppler::document& pdf, int index) {
  std::unique_ptr<poppler::page> page(pdf.create_page(index));
  const poppler::byte_array utf8 = page->text().to_utf8();
  return std::string(utf8.begin(), utf8.end());
}

// Text extraction may put line breaks or spaces between glyphs; compare without them.
std::string Squeeze(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\r') out += c;
  }
  return out;
}

PdfDocument Sample() {
  PdfDocument doc;
  doc.metadata.title = "サイバーセキュリティ自己評価 フィードバック";
  doc.metadata.author = "金融庁 総合調整室";
  doc.metadata.created = std::chrono::sys_days{std::chrono::year{2026} / 3 / 31} + 9h;
  doc.title_page = TitlePage{.title = "フィードバック報告書",
                             .subtitle = "Cyber resilience survey 2026",
                             .lines = {"甲銀行 (Bank Ko)", "2026年3月31日"}};
  doc.header_text = "甲銀行 — フィードバック報告書";
  doc.footer_text = "機密 / Confidential";
  doc.blocks.push_back(Heading{.level = 1, .text = "概要 Summary"});
  doc.blocks.push_back(Paragraph{
      .text = "本報告書は、貴社の自己評価の回答を同じ業態の金融機関と比較したものです。"
              "This report compares your self-assessment with institutions of the same "
              "business category."});
  doc.blocks.push_back(BulletList{.items = {"資産の棚卸しを年一回以上行う", "Patch within 30 days"}});
  doc.blocks.push_back(Heading{.level = 2, .text = "識別 Identify"});
  return doc;
}

TEST(PdfTest, JapaneseAndEnglishTextCanBeExtracted) {
  auto bytes = RenderPdf(Sample());
  ASSERT_TRUE(bytes.ok()) << bytes.error().internal_message();
  auto pdf = Load(*bytes);
  ASSERT_TRUE(pdf);
  ASSERT_EQ(pdf->pages(), 2);
  EXPECT_NE(Squeeze(PageText(*pdf, 0)).find("フィードバック報告書"), std::string::npos);
  const std::string body = Squeeze(PageText(*pdf, 1));
  EXPECT_NE(body.find("貴社の自己評価の回答を同じ業態の金融機関と比較したものです。"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("comparesyourself-assessment"), std::string::npos) << body;
  EXPECT_NE(body.find("資産の棚卸しを年一回以上行う"), std::string::npos);
  EXPECT_NE(body.find("2/2"), std::string::npos) << "page number footer";
}

}  // namespace
}  // namespace fincyber::documents
