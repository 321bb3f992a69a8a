// PDFs are read back with poppler: text, fonts, pages, outline, metadata.
#include <gtest/gtest.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-font.h>
#include <poppler/cpp/poppler-page.h>
#include <poppler/cpp/poppler-toc.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "documents/pdf.h"
#include "documents/test_library_caches.h"

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
  doc.blocks.push_back(
      Paragraph{.text = "本報告書は、貴社の自己評価の回答を同じ業態の金融機関と比較したものです。"
                        "This report compares your self-assessment with institutions of the same "
                        "business category."});
  doc.blocks.push_back(
      BulletList{.items = {"資産の棚卸しを年一回以上行う", "Patch within 30 days"}});
  doc.blocks.push_back(Heading{.level = 2, .text = "識別 Identify"});
  return doc;
}

TEST(PdfTest, JapaneseAndEnglishTextCanBeExtracted) {
  auto bytes = RenderPdf(Sample());
  ASSERT_TRUE(bytes.ok()) << bytes.error().internal_message();
  auto pdf = Load(*bytes);
  ASSERT_TRUE(pdf);
  ASSERT_EQ(pdf->pages(), 2);
  const std::string title = Squeeze(PageText(*pdf, 0));
  EXPECT_NE(title.find("フィードバック報告書"), std::string::npos);
  EXPECT_EQ(title.find("機密"), std::string::npos) << "no footer on the title page";
  EXPECT_EQ(title.find("1/2"), std::string::npos) << "no page number on the title page";
  const std::string body = Squeeze(PageText(*pdf, 1));
  EXPECT_NE(body.find("貴社の自己評価の回答を同じ業態の金融機関と比較したものです。"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("comparesyourself-assessment"), std::string::npos) << body;
  EXPECT_NE(body.find("資産の棚卸しを年一回以上行う"), std::string::npos);
  EXPECT_NE(body.find("2/2"), std::string::npos) << "page number footer";
  EXPECT_NE(body.find("機密/Confidential"), std::string::npos) << "footer text";
  EXPECT_EQ(body.find("甲銀行—フィードバック報告書"), 0u) << "header text first";
}

int CountOf(const std::string& text, const std::string& needle) {
  int count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

std::string Utf8(const poppler::ustring& text) {
  const poppler::byte_array bytes = text.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

TEST(PdfTest, FontsAreEmbeddedSubsets) {
  for (Typeface typeface : {Typeface::kSans, Typeface::kSerif, Typeface::kCompact}) {
    PdfDocument doc = Sample();
    doc.typeface = typeface;
    auto bytes = RenderPdf(doc);
    ASSERT_TRUE(bytes.ok()) << bytes.error().internal_message();
    auto pdf = Load(*bytes);
    ASSERT_TRUE(pdf);
    const std::vector<poppler::font_info> fonts = pdf->fonts();
    ASSERT_FALSE(fonts.empty());
    const std::string expected = typeface == Typeface::kSans    ? "NotoSansCJKjp"
                                 : typeface == Typeface::kSerif ? "NotoSerifCJKjp"
                                                                : "IPAexGothic";
    bool found = false;
    for (const auto& font : fonts) {
      EXPECT_TRUE(font.is_embedded()) << font.name();
      EXPECT_TRUE(font.is_subset()) << font.name();
      found = found || font.name().find(expected) != std::string::npos;
    }
    EXPECT_TRUE(found) << expected;
    EXPECT_NE(Squeeze(PageText(*pdf, 1)).find("貴社の自己評価"), std::string::npos);
  }
}

TEST(PdfTest, MetadataAndOutline) {
  auto bytes = RenderPdf(Sample());
  ASSERT_TRUE(bytes.ok());
  auto pdf = Load(*bytes);
  ASSERT_TRUE(pdf);
  EXPECT_EQ(Utf8(pdf->get_title()), "サイバーセキュリティ自己評価 フィードバック");
  EXPECT_EQ(Utf8(pdf->get_author()), "金融庁 総合調整室");
  EXPECT_EQ(pdf->get_creation_date_t(), 1'774'947'600);  // 2026-03-31T09:00:00Z
  std::unique_ptr<poppler::toc> toc(pdf->create_toc());
  ASSERT_TRUE(toc);
  const auto top = toc->root()->children();
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(Utf8(top[0]->title()), "概要 Summary");
  const auto nested = top[0]->children();
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_EQ(Utf8(nested[0]->title()), "識別 Identify");
}

TEST(PdfTest, SameInputSameBytes) {
  auto first = RenderPdf(Sample());
  auto second = RenderPdf(Sample());
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
  PdfDocument later = Sample();
  later.metadata.created += 24h;
  auto third = RenderPdf(later);
  ASSERT_TRUE(third.ok());
  EXPECT_NE(*first, *third);
}

TEST(PdfTest, DocumentsRenderOnSeveralThreadsAtOnce) {
  auto expected = RenderPdf(Sample());
  ASSERT_TRUE(expected.ok());
  std::vector<std::string> outputs(4);
  std::vector<std::thread> threads;
  for (auto& output : outputs) {
    threads.emplace_back([&output] {
      for (int i = 0; i < 3; ++i) {
        auto bytes = RenderPdf(Sample());
        output = bytes.ok() ? *bytes : "failed";
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& output : outputs) EXPECT_EQ(output, *expected);
}

TEST(PdfTest, LongTableBreaksAcrossPagesAndRepeatsItsHeader) {
  PdfDocument doc = Sample();
  doc.title_page.reset();
  Table table{.columns = {{"項目番号 Item", 1, Align::kStart},
                          {"内容", 4, Align::kStart},
                          {"充足率", 1, Align::kEnd}},
              .rows = {},
              .caption = "未充足の項目"};
  for (int i = 1; i <= 150; ++i) {
    table.rows.push_back({"行" + std::to_string(i) + "番",
                          "資産の棚卸し row text " + std::to_string(i),
                          std::to_string(i % 100) + "%"});
  }
  doc.blocks.push_back(table);
  doc.blocks.push_back(Paragraph{.text = "表の後の段落。"});
  auto bytes = RenderPdf(doc);
  ASSERT_TRUE(bytes.ok()) << bytes.error().internal_message();
  auto pdf = Load(*bytes);
  ASSERT_TRUE(pdf);
  ASSERT_GE(pdf->pages(), 4);
  const int pages = pdf->pages();
  int table_pages = 0;
  int next_row = 1;
  for (int p = 0; p < pages; ++p) {
    const std::string text = Squeeze(PageText(*pdf, p));
    EXPECT_NE(text.find(std::to_string(p + 1) + "/" + std::to_string(pages)), std::string::npos)
        << "page " << p + 1;
    if (text.find("行") == std::string::npos) continue;
    ++table_pages;
    EXPECT_EQ(CountOf(text, "項目番号Item"), 1) << "header once on page " << p + 1;
    EXPECT_LT(text.find("項目番号Item"), text.find("行" + std::to_string(next_row) + "番"))
        << "header above the rows on page " << p + 1;
    // Rows continue where the previous page stopped, none lost or repeated.
    while (next_row <= 150 &&
           text.find("行" + std::to_string(next_row) + "番") != std::string::npos) {
      ++next_row;
    }
  }
  EXPECT_EQ(next_row, 151);
  EXPECT_GE(table_pages, 3);
  EXPECT_EQ(CountOf(Squeeze(PageText(*pdf, 0)), "未充足の項目"), 1);
  EXPECT_NE(Squeeze(PageText(*pdf, pages - 1)).find("表の後の段落。"), std::string::npos);
}

TEST(PdfTest, LongParagraphFlowsOverPages) {
  PdfDocument doc;
  doc.metadata.language = "ja";
  std::string text;
  for (int i = 0; i < 400; ++i) text += "第" + std::to_string(i) + "文。金融機関はログを収集する。";
  doc.blocks.push_back(Paragraph{.text = text});
  auto bytes = RenderPdf(doc);
  ASSERT_TRUE(bytes.ok());
  auto pdf = Load(*bytes);
  ASSERT_TRUE(pdf);
  ASSERT_GE(pdf->pages(), 2);
  std::string all;
  for (int p = 0; p < pdf->pages(); ++p) {
    std::string page = Squeeze(PageText(*pdf, p));
    // Drop the footer so that the pages join into the paragraph again.
    page = page.substr(0, page.rfind(std::to_string(p + 1) + "/"));
    all += page;
  }
  EXPECT_EQ(all, text);
}

TEST(PdfTest, BulletsStayWithTheirItemsAcrossPages) {
  PdfDocument doc;
  BulletList list;
  for (int i = 0; i < 150; ++i) {
    list.items.push_back("項目" + std::to_string(i) +
                         "番: " + std::string(i % 3 == 0 ? "ログを収集し監視する。" : "") +
                         "Long enough to wrap onto a second line now and then, in English.");
  }
  doc.blocks.push_back(list);
  auto bytes = RenderPdf(doc);
  ASSERT_TRUE(bytes.ok());
  auto pdf = Load(*bytes);
  ASSERT_TRUE(pdf);
  ASSERT_GE(pdf->pages(), 3);
  int items = 0;
  for (int p = 0; p < pdf->pages(); ++p) {
    const std::string text = Squeeze(PageText(*pdf, p));
    const int on_page = CountOf(text, "番:");
    EXPECT_EQ(CountOf(text, "•"), on_page) << "page " << p + 1;
    items += on_page;
  }
  EXPECT_EQ(items, 150);
}

TEST(PdfTest, HeadingStaysWithTheChartBelowIt) {
  PdfDocument doc;
  for (int i = 0; i < 12; ++i) {
    doc.blocks.push_back(Heading{.level = 2, .text = "見出し" + std::to_string(i) + "番"});
    BandChart chart{.caption = "図" + std::to_string(i) + "番"};
    for (int r = 0; r < 5; ++r)
      chart.rows.push_back({.label = "行", .lower = 1, .median = 2, .upper = 3});
    doc.blocks.push_back(chart);
    doc.blocks.push_back(Paragraph{.text = "段落。"});
  }
  auto bytes = RenderPdf(doc);
  ASSERT_TRUE(bytes.ok());
  auto pdf = Load(*bytes);
  ASSERT_TRUE(pdf);
  ASSERT_GE(pdf->pages(), 3);
  for (int p = 0; p < pdf->pages(); ++p) {
    const std::string text = Squeeze(PageText(*pdf, p));
    for (int i = 0; i < 12; ++i) {
      const bool heading = text.find("見出し" + std::to_string(i) + "番") != std::string::npos;
      const bool chart = text.find("図" + std::to_string(i) + "番") != std::string::npos;
      EXPECT_EQ(heading, chart) << "heading and chart " << i << " on page " << p + 1;
    }
  }
}

TEST(PdfTest, HeatmapAndBandChartShowTheirValues) {
  PdfDocument doc;
  doc.blocks.push_back(Heatmap{.caption = "脅威 × 機能",
                               .row_labels = {"ランサムウェア", "DDoS"},
                               .column_labels = {"識別", "防御", "検知"},
                               .values = {{1.25, 3.5, std::nullopt}, {0.0, 4.0, 2.0}},
                               .min = 0,
                               .max = 4,
                               .decimals = 2,
                               .low_label = "低い",
                               .high_label = "高い"});
  doc.blocks.push_back(BandChart{
      .caption = "機能別",
      .min = 0,
      .max = 4,
      .tick_count = 4,
      .decimals = 1,
      .rows =
          {{.label = "識別", .lower = 1.5, .median = 2, .upper = 3, .value = 3.25, .previous = 2.5},
           {.label = "防御",
            .lower = 1,
            .median = 1,
            .upper = 4,
            .value = std::nullopt,
            .previous = std::nullopt}},
      .band_legend = "同業態の中央50%",
      .value_legend = "貴社",
      .previous_legend = "前年"});
  auto bytes = RenderPdf(doc);
  ASSERT_TRUE(bytes.ok()) << bytes.error().internal_message();
  auto pdf = Load(*bytes);
  ASSERT_TRUE(pdf);
  ASSERT_EQ(pdf->pages(), 1);
  const std::string text = Squeeze(PageText(*pdf, 0));
  for (const char* expected :
       {"脅威×機能", "ランサムウェア", "識別", "防御", "検知", "1.25", "3.50", "–", "0.00", "4.00",
        "低い", "高い", "機能別", "3.3", "同業態の中央50%", "貴社", "前年"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " in " << text;
  }
}

struct BadDocument {
  const char* name;
  std::function<void(PdfDocument&)> change;
  ErrorCode code;
  const char* message;
};

TEST(PdfTest, RefusesDocumentsItCannotDraw) {
  auto heatmap = [] {
    return Heatmap{
        .caption = "h", .row_labels = {"a"}, .column_labels = {"x", "y"}, .values = {{1.0, 2.0}}};
  };
  auto band = [] {
    return BandChart{.caption = "b", .rows = {{.label = "a", .lower = 1, .median = 2, .upper = 3}}};
  };
  const std::vector<BadDocument> cases = {
      {"bad utf-8", [](PdfDocument& d) { d.blocks.push_back(Paragraph{.text = "\xE3\x81"}); },
       ErrorCode::kInvalidArgument, "blocks[4].text is not UTF-8"},
      {"control", [](PdfDocument& d) { d.header_text = std::string("a\0b", 3); },
       ErrorCode::kInvalidArgument, "header_text holds a control character"},
      {"oversized",
       [](PdfDocument& d) { d.blocks.push_back(Paragraph{.text = std::string(70'000, 'a')}); },
       ErrorCode::kInvalidArgument, "longer than 65536 bytes"},
      {"heading level",
       [](PdfDocument& d) { d.blocks.push_back(Heading{.level = 4, .text = "x"}); },
       ErrorCode::kInvalidArgument, "heading level"},
      {"language", [](PdfDocument& d) { d.metadata.language = "ja\"; rm"; },
       ErrorCode::kInvalidArgument, "language tag"},
      {"ragged table",
       [](PdfDocument& d) {
         d.blocks.push_back(Table{.columns = {{"a"}, {"b"}}, .rows = {{"1"}}});
       },
       ErrorCode::kInvalidArgument, "has 1 cells for 2 columns"},
      {"no columns", [](PdfDocument& d) { d.blocks.push_back(Table{}); },
       ErrorCode::kInvalidArgument, "1 to 20 columns"},
      {"zero width",
       [](PdfDocument& d) {
         d.blocks.push_back(Table{.columns = {{"a", 0}}, .rows = {}});
       },
       ErrorCode::kInvalidArgument, "width must be positive"},
      {"heatmap shape",
       [&](PdfDocument& d) {
         Heatmap h = heatmap();
         h.values[0].pop_back();
         d.blocks.push_back(h);
       },
       ErrorCode::kInvalidArgument, "one value per column label"},
      {"heatmap nan",
       [&](PdfDocument& d) {
         Heatmap h = heatmap();
         h.values[0][0] = std::nan("");
         d.blocks.push_back(h);
       },
       ErrorCode::kInvalidArgument, "not a finite number"},
      {"heatmap scale",
       [&](PdfDocument& d) {
         Heatmap h = heatmap();
         h.min = 4;
         h.max = 4;
         d.blocks.push_back(h);
       },
       ErrorCode::kInvalidArgument, "min must be below max"},
      {"heatmap too tall",
       [&](PdfDocument& d) {
         Heatmap h = heatmap();
         for (int i = 0; i < 60; ++i) {
           h.row_labels.push_back("r");
           h.values.push_back({1.0, 2.0});
         }
         d.blocks.push_back(h);
       },
       ErrorCode::kInvalidArgument, "too many rows to fit on a page"},
      {"band order",
       [&](PdfDocument& d) {
         BandChart b = band();
         b.rows[0].median = 5;
         d.blocks.push_back(b);
       },
       ErrorCode::kInvalidArgument, "lower <= median <= upper"},
      {"band infinite value",
       [&](PdfDocument& d) {
         BandChart b = band();
         b.rows[0].value = 1.0 / 0.0;
         d.blocks.push_back(b);
       },
       ErrorCode::kInvalidArgument, "value is not a finite number"},
      {"band ticks",
       [&](PdfDocument& d) {
         BandChart b = band();
         b.tick_count = 0;
         d.blocks.push_back(b);
       },
       ErrorCode::kInvalidArgument, "ticks"},
      {"too many pages",
       [](PdfDocument& d) {
         for (int i = 0; i < 10; ++i) {
           d.blocks.push_back(Paragraph{.text = "x"});
           d.blocks.push_back(PageBreak{});
         }
       },
       ErrorCode::kResourceExhausted, "longer than 5 pages"},
      {"too many blocks", [](PdfDocument& d) { d.blocks.resize(101, PageBreak{}); },
       ErrorCode::kResourceExhausted, "more than 100 blocks"},
      {"too many rows",
       [](PdfDocument& d) {
         d.blocks.push_back(Table{
             .columns = {{"a"}},
             .rows = std::vector<std::vector<std::string>>(51, std::vector<std::string>{"x"})});
       },
       ErrorCode::kResourceExhausted, "more than 50 rows"},
  };
  const PdfLimits limits{
      .max_text_bytes = 65'536, .max_blocks = 100, .max_table_rows = 50, .max_pages = 5};
  for (const auto& test : cases) {
    PdfDocument doc = Sample();
    test.change(doc);
    auto bytes = RenderPdf(doc, limits);
    ASSERT_FALSE(bytes.ok()) << test.name;
    EXPECT_EQ(bytes.error().code(), test.code) << test.name << ": " << bytes.error().safe_message();
    EXPECT_NE(bytes.error().safe_message().find(test.message), std::string::npos)
        << test.name << ": " << bytes.error().safe_message();
  }
}

TEST(PdfTest, WritesFile) {
  const auto path = std::filesystem::temp_directory_path() / "documents_pdf_test.pdf";
  ASSERT_TRUE(WritePdfFile(Sample(), path).ok());
  EXPECT_GT(std::filesystem::file_size(path), 1000u);
  std::filesystem::remove(path);
  auto status = WritePdfFile(Sample(), "/nonexistent-folder/report.pdf");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace fincyber::documents
