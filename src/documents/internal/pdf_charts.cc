// Heatmap and band chart drawing. Both are measured first, then kept whole on one page.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "documents/internal/pdf_pages.h"

namespace fincyber::documents::internal {
namespace {

constexpr Rgb kGridColor = 0xBDBDBD;
constexpr Rgb kMissingColor = 0xE0E0E0;
constexpr Rgb kBandFill = 0xC6DBEF;
constexpr Rgb kBandStroke = 0x6BAED6;
constexpr Rgb kMedianColor = 0x08519C;
constexpr Rgb kValueColor = 0xD94801;
constexpr Rgb kPreviousColor = 0x555555;
constexpr double kCaptionGap = 4;
constexpr double kAfterChart = 12;

struct Channels {
  double r, g, b;
};

Channels Split(Rgb color) {
  return {((color >> 16) & 0xFF) / 255.0, ((color >> 8) & 0xFF) / 255.0, (color & 0xFF) / 255.0};
}

Rgb Interpolate(Rgb low, Rgb high, double t) {
  const Channels a = Split(low);
  const Channels b = Split(high);
  auto mix = [t](double x, double y) {
    return static_cast<Rgb>(std::lround(255 * (x + (y - x) * t)));
  };
  return (mix(a.r, b.r) << 16) | (mix(a.g, b.g) << 8) | mix(a.b, b.b);
}

// Dark text on light cells, white on dark ones (relative luminance, sRGB weights).
Rgb TextColorOn(Rgb background) {
  const Channels c = Split(background);
  return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b > 0.55 ? 0x212121 : 0xFFFFFF;
}

double Fraction(double value, double min, double max) {
  return std::clamp((value - min) / (max - min), 0.0, 1.0);
}

void FillRect(PageSet& pages, double x, double y, double width, double height, Rgb color) {
  pages.Draw([=](cairo_t* cr) {
    SetSourceRgb(cr, color);
    cairo_rectangle(cr, x, y, width, height);
    cairo_fill(cr);
  });
}

void StrokeRect(PageSet& pages, double x, double y, double width, double height, Rgb color,
                double line_width) {
  pages.Draw([=](cairo_t* cr) {
    SetSourceRgb(cr, color);
    cairo_set_line_width(cr, line_width);
    cairo_rectangle(cr, x, y, width, height);
    cairo_stroke(cr);
  });
}

void Line(PageSet& pages, double x0, double y0, double x1, double y1, Rgb color, double width) {
  pages.Draw([=](cairo_t* cr) {
    SetSourceRgb(cr, color);
    cairo_set_line_width(cr, width);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
  });
}

void Diamond(PageSet& pages, double x, double y, double radius, Rgb color) {
  pages.Draw([=](cairo_t* cr) {
    SetSourceRgb(cr, color);
    cairo_move_to(cr, x, y - radius);
    cairo_line_to(cr, x + radius, y);
    cairo_line_to(cr, x, y + radius);
    cairo_line_to(cr, x - radius, y);
    cairo_close_path(cr);
    cairo_fill(cr);
  });
}

void Ring(PageSet& pages, double x, double y, double radius, Rgb color) {
  pages.Draw([=](cairo_t* cr) {
    SetSourceRgb(cr, 0xFFFFFF);
    cairo_arc(cr, x, y, radius, 0, 2 * std::numbers::pi);
    cairo_fill_preserve(cr);
    SetSourceRgb(cr, color);
    cairo_set_line_width(cr, 1.2);
    cairo_stroke(cr);
  });
}

// The caption layout (or null) and the height it takes with its gap.
std::pair<LayoutPtr, double> Caption(PageSet& pages, const std::string& text) {
  if (text.empty()) return {nullptr, 0};
  LayoutPtr layout = pages.MakeLayout(text, {.size = 10, .bold = true}, kBodyWidth);
  return {layout, PageSet::Height(layout) + kCaptionGap};
}

Status TooTall(const char* what, const std::string& caption) {
  return InvalidArgument(std::string(what) + " \"" + caption.substr(0, 80) +
                         "\" has too many rows to fit on a page");
}

}  // namespace

Status AddHeatmap(PageSet& pages, const Heatmap& heatmap) {
  const auto [caption, caption_height] = Caption(pages, heatmap.caption);
  const TextStyle label_style{.size = 8, .color = 0x333333, .max_lines = 2};

  double widest_label = 0;
  for (const auto& label : heatmap.row_labels) {
    widest_label = std::max(widest_label, PageSet::Width(pages.MakeLayout(label, label_style, 0)));
  }
  const double label_width = std::clamp(widest_label + 8, 48.0, 0.3 * kBodyWidth);
  const double cell_width = (kBodyWidth - label_width) / heatmap.column_labels.size();

  std::vector<LayoutPtr> column_layouts;
  double header_height = 0;
  for (const auto& label : heatmap.column_labels) {
    TextStyle style = label_style;
    style.align = Align::kCenter;
    style.max_lines = 3;
    column_layouts.push_back(pages.MakeLayout(label, style, cell_width - 4));
    header_height = std::max(header_height, PageSet::Height(column_layouts.back()) + 6);
  }
  std::vector<LayoutPtr> row_layouts;
  std::vector<double> row_heights;
  for (const auto& label : heatmap.row_labels) {
    row_layouts.push_back(pages.MakeLayout(label, label_style, label_width - 6));
    row_heights.push_back(std::max(20.0, PageSet::Height(row_layouts.back()) + 6));
  }
  const LayoutPtr low = pages.MakeLayout(heatmap.low_label, label_style, 0);
  const LayoutPtr high = pages.MakeLayout(heatmap.high_label, label_style, 0);
  const LayoutPtr min_text =
      pages.MakeLayout(FormatNumber(heatmap.min, heatmap.decimals), label_style, 0);
  const LayoutPtr max_text =
      pages.MakeLayout(FormatNumber(heatmap.max, heatmap.decimals), label_style, 0);
  const double legend_height = 8 + std::max(12.0, PageSet::Height(low));

  double rows_height = 0;
  for (double height : row_heights) rows_height += height;
  const double total = caption_height + header_height + rows_height + legend_height;
  if (total > kBodyHeight) return TooTall("heatmap", heatmap.caption);
  FC_RETURN_IF_ERROR(pages.EnsureSpace(total));

  if (caption) pages.DrawLayout(caption, kMarginX, pages.y());
  pages.Advance(caption_height);
  const double grid_x = kMarginX + label_width;
  for (std::size_t c = 0; c < column_layouts.size(); ++c) {
    const double x = grid_x + c * cell_width + 2;
    pages.DrawLayout(column_layouts[c], x,
                     pages.y() + header_height - 3 - PageSet::Height(column_layouts[c]));
  }
  pages.Advance(header_height);
  const double grid_top = pages.y();
  for (std::size_t r = 0; r < row_layouts.size(); ++r) {
    const double row_y = pages.y();
    const double height = row_heights[r];
    pages.DrawLayout(row_layouts[r], kMarginX,
                     row_y + (height - PageSet::Height(row_layouts[r])) / 2);
    for (std::size_t c = 0; c < column_layouts.size(); ++c) {
      const auto& value = heatmap.values[r][c];
      const Rgb fill = value ? Interpolate(heatmap.low_color, heatmap.high_color,
                                           Fraction(*value, heatmap.min, heatmap.max))
                             : kMissingColor;
      const double x = grid_x + c * cell_width;
      FillRect(pages, x, row_y, cell_width, height, fill);
      LayoutPtr text = pages.MakeLayout(
          value ? FormatNumber(*value, heatmap.decimals) : "–",
          {.size = 8, .color = TextColorOn(fill), .align = Align::kCenter}, cell_width);
      pages.DrawLayout(text, x, row_y + (height - PageSet::Height(text)) / 2);
    }
    pages.Advance(height);
  }
  // Grid lines over the filled cells.
  for (std::size_t c = 0; c <= column_layouts.size(); ++c) {
    const double x = grid_x + c * cell_width;
    Line(pages, x, grid_top, x, pages.y(), 0xFFFFFF, 1);
  }
  double line_y = grid_top;
  for (double height : row_heights) {
    Line(pages, grid_x, line_y, grid_x + kBodyWidth - label_width, line_y, 0xFFFFFF, 1);
    line_y += height;
  }

  // Legend: low label, min, gradient, max, high label.
  pages.Advance(8);
  const double legend_y = pages.y();
  double x = grid_x;
  pages.DrawLayout(low, x, legend_y);
  x += PageSet::Width(low) + (heatmap.low_label.empty() ? 0 : 6);
  pages.DrawLayout(min_text, x, legend_y);
  x += PageSet::Width(min_text) + 4;
  const double bar_width = 140;
  const Rgb low_color = heatmap.low_color;
  const Rgb high_color = heatmap.high_color;
  pages.Draw([=](cairo_t* cr) {
    cairo_pattern_t* gradient = cairo_pattern_create_linear(x, 0, x + bar_width, 0);
    const Channels a = Split(low_color);
    const Channels b = Split(high_color);
    cairo_pattern_add_color_stop_rgb(gradient, 0, a.r, a.g, a.b);
    cairo_pattern_add_color_stop_rgb(gradient, 1, b.r, b.g, b.b);
    cairo_set_source(cr, gradient);
    cairo_rectangle(cr, x, legend_y + 1, bar_width, 10);
    cairo_fill(cr);
    cairo_pattern_destroy(gradient);
  });
  StrokeRect(pages, x, legend_y + 1, bar_width, 10, kGridColor, 0.5);
  x += bar_width + 4;
  pages.DrawLayout(max_text, x, legend_y);
  x += PageSet::Width(max_text) + 6;
  pages.DrawLayout(high, x, legend_y);
  pages.Advance(legend_height - 8 + kAfterChart);
  return OkStatus();
}

Status AddBandChart(PageSet& pages, const BandChart& chart) {
  const auto [caption, caption_height] = Caption(pages, chart.caption);
  const TextStyle label_style{.size = 8.5, .color = 0x333333, .max_lines = 2};
  const TextStyle small_style{.size = 7.5, .color = 0x555555};
  const double label_width = 0.32 * kBodyWidth;
  const double value_width = 40;
  const double plot_x = kMarginX + label_width + 6;
  const double plot_width = kBodyWidth - label_width - value_width - 12;
  auto x_of = [&](double value) {
    return plot_x + Fraction(value, chart.min, chart.max) * plot_width;
  };

  std::vector<LayoutPtr> labels;
  std::vector<double> heights;
  for (const auto& row : chart.rows) {
    labels.push_back(pages.MakeLayout(row.label, label_style, label_width - 4));
    heights.push_back(std::max(18.0, PageSet::Height(labels.back()) + 6));
  }
  std::vector<LayoutPtr> ticks;
  bool whole_ticks = true;
  for (int i = 0; i <= chart.tick_count; ++i) {
    const double value = chart.min + (chart.max - chart.min) * i / chart.tick_count;
    whole_ticks = whole_ticks && value == std::round(value);
  }
  for (int i = 0; i <= chart.tick_count; ++i) {
    const double value = chart.min + (chart.max - chart.min) * i / chart.tick_count;
    TextStyle style = small_style;
    style.align = Align::kCenter;
    ticks.push_back(pages.MakeLayout(FormatNumber(value, whole_ticks ? 0 : 1), style, 40));
  }
  const bool any_previous =
      std::any_of(chart.rows.begin(), chart.rows.end(),
                  [](const BandRow& row) { return row.previous.has_value(); });
  const LayoutPtr band_text = pages.MakeLayout(chart.band_legend, small_style, 0);
  const LayoutPtr value_text = pages.MakeLayout(chart.value_legend, small_style, 0);
  const LayoutPtr previous_text = pages.MakeLayout(chart.previous_legend, small_style, 0);
  const double axis_height = 4 + PageSet::Height(ticks.front());
  const double legend_height = 6 + std::max(10.0, PageSet::Height(band_text));

  double rows_height = 0;
  for (double height : heights) rows_height += height;
  const double total = caption_height + rows_height + axis_height + legend_height;
  if (total > kBodyHeight) return TooTall("band chart", chart.caption);
  FC_RETURN_IF_ERROR(pages.EnsureSpace(total));

  if (caption) pages.DrawLayout(caption, kMarginX, pages.y());
  pages.Advance(caption_height);
  const double top = pages.y();
  for (std::size_t r = 0; r < chart.rows.size(); ++r) {
    if (r % 2 == 0) FillRect(pages, kMarginX, pages.y(), kBodyWidth, heights[r], 0xF5F5F5);
    pages.Advance(heights[r]);
  }
  const double bottom = pages.y();
  for (int i = 0; i <= chart.tick_count; ++i) {
    const double x = plot_x + plot_width * i / chart.tick_count;
    Line(pages, x, top, x, bottom + 2, kGridColor, 0.5);
    pages.DrawLayout(ticks[i], x - 20, bottom + 4);
  }
  double row_y = top;
  for (std::size_t r = 0; r < chart.rows.size(); ++r) {
    const BandRow& row = chart.rows[r];
    const double middle = row_y + heights[r] / 2;
    pages.DrawLayout(labels[r], kMarginX + 2, middle - PageSet::Height(labels[r]) / 2);
    const double lower = x_of(row.lower);
    const double upper = x_of(row.upper);
    FillRect(pages, lower, middle - 4.5, upper - lower, 9, kBandFill);
    StrokeRect(pages, lower, middle - 4.5, upper - lower, 9, kBandStroke, 0.8);
    Line(pages, x_of(row.median), middle - 4.5, x_of(row.median), middle + 4.5, kMedianColor, 1.6);
    if (row.previous) Ring(pages, x_of(*row.previous), middle, 3.5, kPreviousColor);
    if (row.value) {
      Diamond(pages, x_of(*row.value), middle, 5, kValueColor);
      LayoutPtr text =
          pages.MakeLayout(FormatNumber(*row.value, chart.decimals),
                           {.size = 8.5, .bold = true, .align = Align::kEnd}, value_width);
      pages.DrawLayout(text, kMarginX + kBodyWidth - value_width,
                       middle - PageSet::Height(text) / 2);
    }
    row_y += heights[r];
  }
  pages.Advance(axis_height + 6);

  // Legend: band sample, value marker, previous marker.
  const double legend_y = pages.y();
  const double middle = legend_y + PageSet::Height(band_text) / 2;
  double x = plot_x;
  FillRect(pages, x, middle - 4, 16, 8, kBandFill);
  StrokeRect(pages, x, middle - 4, 16, 8, kBandStroke, 0.8);
  Line(pages, x + 8, middle - 4, x + 8, middle + 4, kMedianColor, 1.6);
  pages.DrawLayout(band_text, x + 20, legend_y);
  x += 20 + PageSet::Width(band_text) + 14;
  Diamond(pages, x + 5, middle, 5, kValueColor);
  pages.DrawLayout(value_text, x + 13, legend_y);
  x += 13 + PageSet::Width(value_text) + 14;
  if (any_previous) {
    Ring(pages, x + 4, middle, 3.5, kPreviousColor);
    pages.DrawLayout(previous_text, x + 11, legend_y);
  }
  pages.Advance(legend_height - 6 + kAfterChart);
  return OkStatus();
}

}  // namespace fincyber::documents::internal
