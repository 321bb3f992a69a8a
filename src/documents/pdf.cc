#include "documents/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <memory>

#include "documents/internal/pdf_pages.h"
#include "documents/internal/text_check.h"

namespace fincyber::documents {
namespace {

using internal::kBodyWidth;
using internal::kMarginX;
using internal::LayoutPtr;
using internal::PageSet;
using internal::TextStyle;

constexpr Rgb kHeadingColor = 0x0B3C6F;
constexpr Rgb kMutedColor = 0x666666;
constexpr double kParagraphGap = 6;

// ---- Validation: everything a caller can get wrong is an error before any drawing.

class Checker {
 public:
  explicit Checker(const PdfLimits& limits) : limits_(limits) {}

  Status Text(const std::string& field, std::string_view text) const {
    return internal::CheckText(field, text, limits_.max_text_bytes);
  }
  static Status Finite(const std::string& field, double value) {
    if (std::isfinite(value)) return OkStatus();
    return InvalidArgument(field + " is not a finite number", {{field, "not finite"}});
  }
  static Status Scale(const std::string& field, double min, double max) {
    FC_RETURN_IF_ERROR(Finite(field + ".min", min));
    FC_RETURN_IF_ERROR(Finite(field + ".max", max));
    if (min < max) return OkStatus();
    return InvalidArgument(field + ": min must be below max", {{field, "empty scale"}});
  }

  Status Check(const std::string& field, const Heading& heading) const {
    if (heading.level < 1 || heading.level > 3) {
      return InvalidArgument(field + ": heading level must be 1 to 3", {{field, "bad level"}});
    }
    return Text(field + ".text", heading.text);
  }
  Status Check(const std::string& field, const Paragraph& paragraph) const {
    return Text(field + ".text", paragraph.text);
  }
  Status Check(const std::string& field, const BulletList& list) const {
    for (std::size_t i = 0; i < list.items.size(); ++i) {
      FC_RETURN_IF_ERROR(Text(field + ".items[" + std::to_string(i) + "]", list.items[i]));
    }
    return OkStatus();
  }
  Status Check(const std::string& field, const Table& table) const {
    if (table.columns.empty() || table.columns.size() > 20) {
      return InvalidArgument(field + ": a table has 1 to 20 columns", {{field, "columns"}});
    }
    if (table.rows.size() > limits_.max_table_rows) {
      return ResourceExhausted(field + " has more than " + std::to_string(limits_.max_table_rows) +
                               " rows");
    }
    FC_RETURN_IF_ERROR(Text(field + ".caption", table.caption));
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const std::string column = field + ".columns[" + std::to_string(c) + "]";
      FC_RETURN_IF_ERROR(Text(column + ".header", table.columns[c].header));
      if (!(table.columns[c].width > 0) || !std::isfinite(table.columns[c].width)) {
        return InvalidArgument(column + ": width must be positive", {{column, "width"}});
      }
    }
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      const std::string row = field + ".rows[" + std::to_string(r) + "]";
      if (table.rows[r].size() != table.columns.size()) {
        return InvalidArgument(row + " has " + std::to_string(table.rows[r].size()) +
                                   " cells for " + std::to_string(table.columns.size()) +
                                   " columns",
                               {{row, "cell count"}});
      }
      for (std::size_t c = 0; c < table.rows[r].size(); ++c) {
        FC_RETURN_IF_ERROR(Text(row + "[" + std::to_string(c) + "]", table.rows[r][c]));
      }
    }
    return OkStatus();
  }
  Status Check(const std::string& field, const Heatmap& heatmap) const {
    FC_RETURN_IF_ERROR(Text(field + ".caption", heatmap.caption));
    FC_RETURN_IF_ERROR(Text(field + ".low_label", heatmap.low_label));
    FC_RETURN_IF_ERROR(Text(field + ".high_label", heatmap.high_label));
    FC_RETURN_IF_ERROR(Scale(field, heatmap.min, heatmap.max));
    if (heatmap.row_labels.empty() || heatmap.column_labels.empty() ||
        heatmap.column_labels.size() > 24) {
      return InvalidArgument(field + ": a heatmap has at least one row and 1 to 24 columns",
                             {{field, "shape"}});
    }
    if (heatmap.decimals < 0 || heatmap.decimals > 6) {
      return InvalidArgument(field + ": decimals must be 0 to 6", {{field, "decimals"}});
    }
    if (heatmap.values.size() != heatmap.row_labels.size()) {
      return InvalidArgument(field + ": one row of values per row label", {{field, "shape"}});
    }
    for (std::size_t r = 0; r < heatmap.values.size(); ++r) {
      const std::string row = field + ".values[" + std::to_string(r) + "]";
      FC_RETURN_IF_ERROR(
          Text(field + ".row_labels[" + std::to_string(r) + "]", heatmap.row_labels[r]));
      if (heatmap.values[r].size() != heatmap.column_labels.size()) {
        return InvalidArgument(row + ": one value per column label", {{row, "shape"}});
      }
      for (const auto& value : heatmap.values[r]) {
        if (value) FC_RETURN_IF_ERROR(Finite(row, *value));
      }
    }
    for (std::size_t c = 0; c < heatmap.column_labels.size(); ++c) {
      FC_RETURN_IF_ERROR(
          Text(field + ".column_labels[" + std::to_string(c) + "]", heatmap.column_labels[c]));
    }
    return OkStatus();
  }
  Status Check(const std::string& field, const BandChart& chart) const {
    FC_RETURN_IF_ERROR(Text(field + ".caption", chart.caption));
    FC_RETURN_IF_ERROR(Text(field + ".band_legend", chart.band_legend));
    FC_RETURN_IF_ERROR(Text(field + ".value_legend", chart.value_legend));
    FC_RETURN_IF_ERROR(Text(field + ".previous_legend", chart.previous_legend));
    FC_RETURN_IF_ERROR(Scale(field, chart.min, chart.max));
    if (chart.tick_count < 1 || chart.tick_count > 20 || chart.decimals < 0 || chart.decimals > 6 ||
        chart.rows.empty()) {
      return InvalidArgument(field + ": needs rows, 1 to 20 ticks and 0 to 6 decimals",
                             {{field, "shape"}});
    }
    for (std::size_t r = 0; r < chart.rows.size(); ++r) {
      const std::string row = field + ".rows[" + std::to_string(r) + "]";
      const BandRow& band = chart.rows[r];
      FC_RETURN_IF_ERROR(Text(row + ".label", band.label));
      FC_RETURN_IF_ERROR(Finite(row + ".lower", band.lower));
      FC_RETURN_IF_ERROR(Finite(row + ".median", band.median));
      FC_RETURN_IF_ERROR(Finite(row + ".upper", band.upper));
      if (band.value) FC_RETURN_IF_ERROR(Finite(row + ".value", *band.value));
      if (band.previous) FC_RETURN_IF_ERROR(Finite(row + ".previous", *band.previous));
      if (!(band.lower <= band.median && band.median <= band.upper)) {
        return InvalidArgument(row + ": lower <= median <= upper does not hold", {{row, "band"}});
      }
    }
    return OkStatus();
  }
  Status Check(const std::string&, const PageBreak&) const { return OkStatus(); }

  Status Check(const PdfDocument& document) const {
    const PdfMetadata& meta = document.metadata;
    FC_RETURN_IF_ERROR(Text("metadata.title", meta.title));
    FC_RETURN_IF_ERROR(Text("metadata.author", meta.author));
    FC_RETURN_IF_ERROR(Text("metadata.subject", meta.subject));
    FC_RETURN_IF_ERROR(Text("metadata.keywords", meta.keywords));
    FC_RETURN_IF_ERROR(Text("metadata.creator", meta.creator));
    if (meta.language.empty() || meta.language.size() > 35 ||
        meta.language.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789-") != std::string::npos) {
      return InvalidArgument("metadata.language must be a language tag such as ja or en",
                             {{"metadata.language", "bad tag"}});
    }
    FC_RETURN_IF_ERROR(Text("header_text", document.header_text));
    FC_RETURN_IF_ERROR(Text("footer_text", document.footer_text));
    if (document.title_page) {
      FC_RETURN_IF_ERROR(Text("title_page.title", document.title_page->title));
      FC_RETURN_IF_ERROR(Text("title_page.subtitle", document.title_page->subtitle));
      for (const auto& line : document.title_page->lines) {
        FC_RETURN_IF_ERROR(Text("title_page.lines", line));
      }
    }
    if (document.blocks.size() > limits_.max_blocks) {
      return ResourceExhausted("document has more than " + std::to_string(limits_.max_blocks) +
                               " blocks");
    }
    for (std::size_t i = 0; i < document.blocks.size(); ++i) {
      const std::string field = "blocks[" + std::to_string(i) + "]";
      FC_RETURN_IF_ERROR(
          std::visit([&](const auto& block) { return Check(field, block); }, document.blocks[i]));
    }
    return OkStatus();
  }

 private:
  const PdfLimits& limits_;
};

// ---- Layout of the text blocks.

Status AddTitlePage(PageSet& pages, const TitlePage& title) {
  FC_RETURN_IF_ERROR(pages.NewPage(/*title=*/true));
  pages.Advance(200);
  const LayoutPtr heading =
      pages.MakeLayout(title.title, {.size = 24, .bold = true, .color = kHeadingColor}, kBodyWidth);
  pages.DrawLayout(heading, kMarginX, pages.y());
  pages.Advance(PageSet::Height(heading) + 14);
  if (!title.subtitle.empty()) {
    const LayoutPtr subtitle =
        pages.MakeLayout(title.subtitle, {.size = 14, .color = 0x333333}, kBodyWidth);
    pages.DrawLayout(subtitle, kMarginX, pages.y());
    pages.Advance(PageSet::Height(subtitle) + 40);
  }
  const double rule_y = pages.y();
  pages.Draw([rule_y](cairo_t* cr) {
    internal::SetSourceRgb(cr, kHeadingColor);
    cairo_set_line_width(cr, 1.5);
    cairo_move_to(cr, kMarginX, rule_y);
    cairo_line_to(cr, kMarginX + kBodyWidth, rule_y);
    cairo_stroke(cr);
  });
  pages.Advance(16);
  for (const auto& line : title.lines) {
    const LayoutPtr layout = pages.MakeLayout(line, {.size = 11, .color = 0x333333}, kBodyWidth);
    pages.DrawLayout(layout, kMarginX, pages.y());
    pages.Advance(PageSet::Height(layout) + 6);
  }
  return pages.NewPage();
}

Status AddHeading(PageSet& pages, const Heading& heading) {
  static constexpr double kSizes[] = {16, 13, 11};
  const TextStyle style{.size = kSizes[heading.level - 1], .bold = true, .color = kHeadingColor};
  const LayoutPtr layout = pages.MakeLayout(heading.text, style, kBodyWidth);
  const double space_before = pages.AtPageTop() ? 0 : (heading.level == 1 ? 14 : 8);
  // Room for the heading and about three lines of text; a chart or table that does not
  // fit below it takes the heading to the next page (KeepWithNext).
  FC_RETURN_IF_ERROR(pages.EnsureSpace(space_before + PageSet::Height(layout) + 45));
  if (!pages.AtPageTop()) pages.Advance(space_before);
  const double top = pages.y();
  const std::size_t first_op = pages.pages().back().ops.size();
  const std::size_t first_outline = pages.pages().back().outline.size();
  pages.AddOutline(heading.level, heading.text);
  pages.DrawLayout(layout, kMarginX, pages.y());
  pages.Advance(PageSet::Height(layout) + 4);
  if (heading.level == 1) {
    const double rule_y = pages.y();
    pages.Draw([rule_y](cairo_t* cr) {
      internal::SetSourceRgb(cr, kHeadingColor);
      cairo_set_line_width(cr, 0.8);
      cairo_move_to(cr, kMarginX, rule_y);
      cairo_line_to(cr, kMarginX + kBodyWidth, rule_y);
      cairo_stroke(cr);
    });
    pages.Advance(6);
  }
  pages.KeepWithNext(first_op, first_outline, top);
  return OkStatus();
}

Status AddParagraph(PageSet& pages, const Paragraph& paragraph) {
  FC_RETURN_IF_ERROR(pages.FlowLines(pages.MakeLayout(paragraph.text, {}, kBodyWidth), kMarginX));
  pages.Advance(kParagraphGap);
  return OkStatus();
}

Status AddBulletList(PageSet& pages, const BulletList& list) {
  constexpr double kIndent = 14;
  for (const auto& item : list.items) {
    const LayoutPtr layout = pages.MakeLayout(item, {}, kBodyWidth - kIndent);
    // The bullet goes where the item's first line goes.
    FC_RETURN_IF_ERROR(pages.EnsureSpace(PageSet::FirstLineHeight(layout)));
    const LayoutPtr bullet = pages.MakeLayout("•", {.color = kHeadingColor}, 0);
    pages.DrawLayout(bullet, kMarginX + 2, pages.y());
    FC_RETURN_IF_ERROR(pages.FlowLines(layout, kMarginX + kIndent));
    pages.Advance(2);
  }
  pages.Advance(kParagraphGap - 2);
  return OkStatus();
}

struct TableRowLayout {
  std::vector<LayoutPtr> cells;
  double height = 0;
};

constexpr double kCellPadX = 4;
constexpr double kCellPadY = 3;

void DrawTableRow(PageSet& pages, const TableRowLayout& row, const std::vector<double>& widths,
                  Rgb background) {
  const double y = pages.y();
  const double height = row.height;
  pages.Draw([=](cairo_t* cr) {
    internal::SetSourceRgb(cr, background);
    cairo_rectangle(cr, kMarginX, y, kBodyWidth, height);
    cairo_fill(cr);
    internal::SetSourceRgb(cr, 0xBDBDBD);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, kMarginX, y + height);
    cairo_line_to(cr, kMarginX + kBodyWidth, y + height);
    cairo_stroke(cr);
  });
  double x = kMarginX;
  for (std::size_t c = 0; c < row.cells.size(); ++c) {
    pages.DrawLayout(row.cells[c], x + kCellPadX, y + kCellPadY);
    x += widths[c];
  }
  pages.Advance(height);
}

Status AddTable(PageSet& pages, const Table& table) {
  double total_share = 0;
  for (const auto& column : table.columns) total_share += column.width;
  std::vector<double> widths;
  for (const auto& column : table.columns) {
    widths.push_back(kBodyWidth * column.width / total_share);
  }
  // A row taller than a page is cut with an ellipsis rather than lost or overflowing.
  const int max_lines = 40;
  auto layout_row = [&](const std::vector<std::string>& texts, bool header) {
    TableRowLayout row;
    for (std::size_t c = 0; c < texts.size(); ++c) {
      TextStyle style{.size = 9,
                      .bold = header,
                      .color = header ? Rgb{0xFFFFFF} : Rgb{0x222222},
                      .align = table.columns[c].align,
                      .max_lines = max_lines};
      row.cells.push_back(pages.MakeLayout(texts[c], style, widths[c] - 2 * kCellPadX));
      row.height = std::max(row.height, PageSet::Height(row.cells.back()) + 2 * kCellPadY);
    }
    return row;
  };
  std::vector<std::string> header_texts;
  for (const auto& column : table.columns) header_texts.push_back(column.header);
  const TableRowLayout header = layout_row(header_texts, true);

  LayoutPtr caption;
  double caption_height = 0;
  if (!table.caption.empty()) {
    caption = pages.MakeLayout(table.caption, {.size = 10, .bold = true}, kBodyWidth);
    caption_height = PageSet::Height(caption) + 4;
  }
  std::vector<TableRowLayout> rows;
  for (const auto& cells : table.rows) rows.push_back(layout_row(cells, false));
  const double first_row = rows.empty() ? 0 : rows.front().height;
  FC_RETURN_IF_ERROR(pages.EnsureSpace(caption_height + header.height + first_row));
  if (caption) {
    pages.DrawLayout(caption, kMarginX, pages.y());
    pages.Advance(caption_height);
  }
  DrawTableRow(pages, header, widths, kHeadingColor);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].height > pages.Remaining()) {
      FC_RETURN_IF_ERROR(pages.NewPage());
      DrawTableRow(pages, header, widths, kHeadingColor);
    }
    DrawTableRow(pages, rows[r], widths, r % 2 ? 0xF5F7FA : 0xFFFFFF);
  }
  pages.Advance(10);
  return OkStatus();
}

Status AddBlock(PageSet& pages, const Block& block) {
  struct Visitor {
    PageSet& pages;
    Status operator()(const Heading& b) { return AddHeading(pages, b); }
    Status operator()(const Paragraph& b) { return AddParagraph(pages, b); }
    Status operator()(const BulletList& b) { return AddBulletList(pages, b); }
    Status operator()(const Table& b) { return AddTable(pages, b); }
    Status operator()(const Heatmap& b) { return internal::AddHeatmap(pages, b); }
    Status operator()(const BandChart& b) { return internal::AddBandChart(pages, b); }
    Status operator()(const PageBreak&) { return pages.AtPageTop() ? OkStatus() : pages.NewPage(); }
  };
  return std::visit(Visitor{pages}, block);
}

// ---- Drawing.

struct CairoSurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::string PdfDate(std::chrono::sys_seconds time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

void DrawPageFurniture(cairo_t* cr, PageSet& pages, const PdfDocument& document, std::size_t number,
                       std::size_t total) {
  // One line each, cut with an ellipsis, so that long texts stay off the body.
  const TextStyle style{.size = 8, .color = kMutedColor, .max_lines = 1};
  if (!document.header_text.empty()) {
    const LayoutPtr header = pages.MakeLayout(document.header_text, style, kBodyWidth);
    internal::SetSourceRgb(cr, kMutedColor);
    cairo_move_to(cr, kMarginX, 36);
    pango_cairo_show_layout(cr, header.get());
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, kMarginX, 36 + PageSet::Height(header) + 3);
    cairo_line_to(cr, kMarginX + kBodyWidth, 36 + PageSet::Height(header) + 3);
    cairo_stroke(cr);
  }
  const double footer_y = internal::kPageHeight - 44;
  if (!document.footer_text.empty()) {
    const LayoutPtr footer = pages.MakeLayout(document.footer_text, style, kBodyWidth * 0.7);
    internal::SetSourceRgb(cr, kMutedColor);
    cairo_move_to(cr, kMarginX, footer_y);
    pango_cairo_show_layout(cr, footer.get());
  }
  TextStyle number_style = style;
  number_style.align = Align::kEnd;
  const LayoutPtr page_number = pages.MakeLayout(
      std::to_string(number) + " / " + std::to_string(total), number_style, kBodyWidth * 0.25);
  internal::SetSourceRgb(cr, kMutedColor);
  cairo_move_to(cr, kMarginX + kBodyWidth * 0.75, footer_y);
  pango_cairo_show_layout(cr, page_number.get());
}

}  // namespace

Result<std::string> RenderPdf(const PdfDocument& document, const PdfLimits& limits) {
  FC_RETURN_IF_ERROR(Checker(limits).Check(document));

  std::string bytes;
  std::unique_ptr<cairo_surface_t, CairoSurfaceDeleter> surface(cairo_pdf_surface_create_for_stream(
      AppendToString, &bytes, internal::kPageWidth, internal::kPageHeight));
  const PdfMetadata& meta = document.metadata;
  const std::string date = PdfDate(meta.created);
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, meta.title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_AUTHOR, meta.author.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_SUBJECT, meta.subject.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_KEYWORDS, meta.keywords.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, meta.creator.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
  std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(surface.get()));

  std::unique_ptr<PangoContext, decltype(&g_object_unref)> context(
      pango_cairo_create_context(cr.get()), g_object_unref);
  // One device unit is one point, so font sizes are in points.
  pango_cairo_context_set_resolution(context.get(), 72);
  pango_context_set_language(context.get(), pango_language_from_string(meta.language.c_str()));
  // Unhinted metrics: the layout does not depend on a screen's pixel grid.
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(context.get(), options);
  cairo_font_options_destroy(options);

  PageSet pages(context.get(), document.typeface, limits.max_pages);
  FC_RETURN_IF_ERROR(pages.CheckFontInstalled());
  if (document.title_page) {
    FC_RETURN_IF_ERROR(AddTitlePage(pages, *document.title_page));
  } else {
    FC_RETURN_IF_ERROR(pages.NewPage());
  }
  for (const Block& block : document.blocks) FC_RETURN_IF_ERROR(AddBlock(pages, block));
  // A trailing page break or a title page alone leaves an empty last page.
  if (pages.pages().size() > 1 && pages.pages().back().ops.empty()) pages.pages().pop_back();

  const std::size_t total = pages.pages().size();
  int outline_parents[4] = {CAIRO_PDF_OUTLINE_ROOT, CAIRO_PDF_OUTLINE_ROOT, CAIRO_PDF_OUTLINE_ROOT,
                            CAIRO_PDF_OUTLINE_ROOT};
  for (std::size_t i = 0; i < total; ++i) {
    internal::Page& page = pages.pages()[i];
    for (const auto& op : page.ops) {
      cairo_new_path(cr.get());  // the path is not part of the saved state
      cairo_save(cr.get());
      op(cr.get());
      cairo_restore(cr.get());
    }
    if (!page.title) DrawPageFurniture(cr.get(), pages, document, i + 1, total);
    for (const auto& entry : page.outline) {
      const std::string link = "page=" + std::to_string(i + 1) + " pos=[0 " +
                               std::to_string(static_cast<int>(entry.y)) + "]";
      const int id = cairo_pdf_surface_add_outline(surface.get(), outline_parents[entry.level - 1],
                                                   entry.text.c_str(), link.c_str(),
                                                   CAIRO_PDF_OUTLINE_FLAG_OPEN);
      for (int level = entry.level; level < 4; ++level) outline_parents[level] = id;
    }
    cairo_show_page(cr.get());
  }
  cr.reset();
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Internal(std::string("cairo: ") +
                    cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  surface.reset();
  return bytes;
}

Status WritePdfFile(const PdfDocument& document, const std::filesystem::path& path,
                    const PdfLimits& limits) {
  FC_ASSIGN_OR_RETURN(std::string bytes, RenderPdf(document, limits));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    return Unavailable("could not write the PDF file", "could not write " + path.string());
  }
  return OkStatus();
}

}  // namespace fincyber::documents
