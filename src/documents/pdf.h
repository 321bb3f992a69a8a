// A4 PDF documents in Japanese and English: a document is plain data (metadata, an
// optional title page, a list of blocks) that RenderPdf lays out and draws with cairo and
// pango in Japanese fonts embedded as subsets (see Typeface).
//
// - Text is plain UTF-8 (no markup); lines break where Japanese and English allow
//   (pango, with the document's language). Paragraphs and lists break across pages
//   between lines; a table breaks between rows and repeats its header row; a heading is
//   kept with what follows it; a heatmap or band chart is kept on one page.
// - Each heading becomes a PDF outline (bookmark) entry, nested by level.
// - Every page but the title page has the header text and a footer "n / N".
// - The same document gives the same bytes: the creation date is the one given, never
//   the clock.
// - Thread-safety: RenderPdf may run on several threads at once, one document each;
//   cairo surfaces and pango layouts are private to the call, and pango's font map is
//   per thread.
// - Errors: InvalidArgument for a document that cannot be drawn as given (bad UTF-8,
//   control characters, ragged tables, non-finite or out-of-order numbers, too many
//   heatmap rows for a page), naming the block in the message; ResourceExhausted when
//   the limits below are passed; FailedPrecondition when the typeface's font is not
//   installed; Internal when cairo fails.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/result.h"
#include "documents/color.h"

namespace fincyber::documents {

// kSans and kSerif are Noto Sans / Serif CJK JP (fonts-noto-cjk). Their outlines are CFF,
// and cairo 1.16 embeds each used font dictionary's subroutines whole, so a report with a
// few hundred different kanji carries about 1 MB of font. kCompact is IPAex Gothic
// (fonts-ipaexfont-gothic), with TrueType outlines that cairo subsets glyph by glyph:
// about a tenth of the size and twice the speed (bench/documents/README.md); it has no
// bold weight, so bold is synthesised.
enum class Typeface { kSans, kSerif, kCompact };

struct PdfMetadata {
  std::string title{};
  std::string author{};
  std::string subject{};
  std::string keywords{};
  std::string creator = "fincyber";
  std::chrono::sys_seconds created{};  // written as the creation and modification date
  // BCP 47 tag ("ja", "en"): chooses line-breaking rules and glyph forms. cairo 1.16 has
  // no way to write the PDF /Lang entry, so readers do not see it.
  std::string language = "ja";
};

struct TitlePage {
  std::string title{};
  std::string subtitle{};
  std::vector<std::string> lines{};  // e.g. the institution, the campaign, the date
};

struct Heading {
  int level = 1;  // 1 to 3
  std::string text{};
};

struct Paragraph {
  std::string text{};  // '\n' starts a new line
};

struct BulletList {
  std::vector<std::string> items{};
};

enum class Align { kStart, kCenter, kEnd };

struct TableColumn {
  std::string header{};
  double width = 1;  // share of the text width, relative to the other columns
  Align align = Align::kStart;
};

struct Table {
  std::vector<TableColumn> columns{};
  std::vector<std::vector<std::string>> rows{};  // each row has one cell per column
  std::string caption{};                         // above the table; may be empty
};

// Rows x columns of values in [min, max], coloured from low_color to high_color; a
// missing value is drawn grey with a dash.
struct Heatmap {
  std::string caption{};
  std::vector<std::string> row_labels{};
  std::vector<std::string> column_labels{};
  std::vector<std::vector<std::optional<double>>> values{};  // [row][column]
  double min = 0;
  double max = 1;
  int decimals = 1;  // of the value printed in each cell
  Rgb low_color = 0xF7FBFF;
  Rgb high_color = 0x08519C;
  std::string low_label{};   // legend text at the low end, e.g. "低い"
  std::string high_label{};  // legend text at the high end
};

// One row of a band chart: a quartile box (lower to upper with the median), the
// institution's value as a filled marker and, if given, its previous value as a hollow
// one.
struct BandRow {
  std::string label{};
  double lower = 0;
  double median = 0;
  double upper = 0;
  std::optional<double> value{};
  std::optional<double> previous{};
};

struct BandChart {
  std::string caption{};
  double min = 0;  // scale of the horizontal axis
  double max = 4;
  int tick_count = 4;  // intervals between labelled ticks, 1 to 20
  int decimals = 1;    // of the value printed at the end of each row
  std::vector<BandRow> rows{};
  std::string band_legend{};      // e.g. "同業態の中央50%"
  std::string value_legend{};     // e.g. "貴社"
  std::string previous_legend{};  // e.g. "前年"; shown when any row has a previous value
};

struct PageBreak {};

using Block = std::variant<Heading, Paragraph, BulletList, Table, Heatmap, BandChart, PageBreak>;

struct PdfDocument {
  PdfMetadata metadata{};
  Typeface typeface = Typeface::kSans;
  std::optional<TitlePage> title_page{};  // page 1 when present, without header or footer
  std::string header_text{};              // top of each page; may be empty
  std::string footer_text{};              // bottom left of each page, e.g. "機密"
  std::vector<Block> blocks{};
};

struct PdfLimits {
  std::size_t max_text_bytes = 64 * 1024;  // in one string
  std::size_t max_blocks = 10'000;
  std::size_t max_table_rows = 20'000;
  std::size_t max_pages = 2'000;
};

// The PDF's bytes.
Result<std::string> RenderPdf(const PdfDocument& document, const PdfLimits& limits = {});

// Renders, then writes the file (replacing it). Unavailable if it cannot be written.
Status WritePdfFile(const PdfDocument& document, const std::filesystem::path& path,
                    const PdfLimits& limits = {});

}  // namespace fincyber::documents
