#include "documents/internal/pdf_pages.h"

#include <charconv>
#include <cmath>
#include <utility>

namespace fincyber::documents::internal {

void SetSourceRgb(cairo_t* cr, Rgb color) {
  cairo_set_source_rgb(cr, ((color >> 16) & 0xFF) / 255.0, ((color >> 8) & 0xFF) / 255.0,
                       (color & 0xFF) / 255.0);
}

std::string FormatNumber(double value, int decimals) {
  // Halves round away from zero, as readers of a score expect (3.25 -> 3.3), not to even.
  const double scale = std::pow(10.0, decimals);
  const double scaled = value * scale;
  if (std::abs(scaled) < 1e15) value = std::round(scaled) / scale;
  char buffer[64];
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  if (ec != std::errc()) return "?";
  std::string text(buffer, end);
  if (text.starts_with("-") && text.find_first_not_of("-0.") == std::string::npos) {
    text.erase(0, 1);  // "-0.0" reads as a negative score
  }
  return text;
}

PageSet::PageSet(PangoContext* context, Typeface typeface, std::size_t max_pages)
    : context_(context),
      family_(typeface == Typeface::kSerif     ? "Noto Serif CJK JP"
              : typeface == Typeface::kCompact ? "IPAexGothic"
                                               : "Noto Sans CJK JP"),
      max_pages_(max_pages) {}

Status PageSet::CheckFontInstalled() const {
  PangoFontDescription* wanted = pango_font_description_new();
  pango_font_description_set_family_static(wanted, family_);
  pango_font_description_set_absolute_size(wanted, 10 * PANGO_SCALE);
  PangoFont* font = pango_context_load_font(context_, wanted);
  pango_font_description_free(wanted);
  std::string family;
  if (font) {
    PangoFontDescription* got = pango_font_describe(font);
    family = pango_font_description_get_family(got) ? pango_font_description_get_family(got) : "";
    pango_font_description_free(got);
    g_object_unref(font);
  }
  if (family != family_) {
    return FailedPrecondition(std::string("the font ") + family_ + " is not installed");
  }
  return OkStatus();
}

LayoutPtr PageSet::MakeLayout(std::string_view text, const TextStyle& style, double width) const {
  LayoutPtr layout(pango_layout_new(context_), g_object_unref);
  PangoFontDescription* font = pango_font_description_new();
  pango_font_description_set_family_static(font, family_);
  pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size(font, style.size * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), font);
  pango_font_description_free(font);
  if (width > 0) {
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    // Japanese has no spaces: break between characters where words do not allow it.
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  }
  if (style.max_lines > 0) {
    pango_layout_set_height(layout.get(), -style.max_lines);
    pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
  }
  pango_layout_set_alignment(layout.get(), style.align == Align::kCenter ? PANGO_ALIGN_CENTER
                                           : style.align == Align::kEnd  ? PANGO_ALIGN_RIGHT
                                                                         : PANGO_ALIGN_LEFT);
  pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
  // The colour travels with the layout so that drawing needs no style; the high bit set
  // tells black from no colour.
  g_object_set_data(G_OBJECT(layout.get()), "fincyber-rgb",
                    GUINT_TO_POINTER(style.color | 0x1000000));
  return layout;
}

double PageSet::Height(const LayoutPtr& layout) {
  int width = 0;
  int height = 0;
  pango_layout_get_size(layout.get(), &width, &height);
  return static_cast<double>(height) / PANGO_SCALE;
}

double PageSet::Width(const LayoutPtr& layout) {
  PangoRectangle logical;
  pango_layout_get_extents(layout.get(), nullptr, &logical);
  return static_cast<double>(logical.width) / PANGO_SCALE;
}

double PageSet::FirstLineHeight(const LayoutPtr& layout) {
  PangoLayoutIter* iter = pango_layout_get_iter(layout.get());
  int top = 0;
  int bottom = 0;
  pango_layout_iter_get_line_yrange(iter, &top, &bottom);
  pango_layout_iter_free(iter);
  return static_cast<double>(bottom - top) / PANGO_SCALE;
}

namespace {

Rgb LayoutColor(PangoLayout* layout) {
  auto stored = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(layout), "fincyber-rgb"));
  return stored & 0xFFFFFF;
}

}  // namespace

Status PageSet::NewPage(bool title) {
  if (pages_.size() >= max_pages_) {
    return ResourceExhausted("document is longer than " + std::to_string(max_pages_) + " pages");
  }
  std::optional<Kept> kept = std::exchange(kept_, std::nullopt);
  const double previous_y = y_;
  pages_.push_back(Page{.title = title, .ops = {}, .outline = {}});
  y_ = kBodyTop;
  if (kept && kept->page + 2 == pages_.size() && kept->first_op > 0) {
    Page& from = pages_[kept->page];
    if (from.ops.size() != kept->end_op) return OkStatus();  // something followed it there
    Page& to = pages_.back();
    const double shift = kBodyTop - kept->y_top;
    for (std::size_t i = kept->first_op; i < from.ops.size(); ++i) {
      to.ops.push_back([op = std::move(from.ops[i]), shift](cairo_t* cr) {
        cairo_translate(cr, 0, shift);
        op(cr);
      });
    }
    from.ops.resize(kept->first_op);
    for (std::size_t i = kept->first_outline; i < from.outline.size(); ++i) {
      OutlineEntry entry = std::move(from.outline[i]);
      entry.y += shift;
      to.outline.push_back(std::move(entry));
    }
    from.outline.resize(kept->first_outline);
    y_ = previous_y + shift;
  }
  return OkStatus();
}

Status PageSet::EnsureSpace(double height) {
  if (pages_.empty() || (height > Remaining() && !AtPageTop())) return NewPage();
  return OkStatus();
}

void PageSet::KeepWithNext(std::size_t first_op, std::size_t first_outline, double y_top) {
  kept_ = Kept{.page = pages_.size() - 1,
               .first_op = first_op,
               .first_outline = first_outline,
               .end_op = pages_.back().ops.size(),
               .y_top = y_top};
}

void PageSet::Draw(DrawOp op) { pages_.back().ops.push_back(std::move(op)); }

void PageSet::DrawLayout(const LayoutPtr& layout, double x, double y) {
  Draw([layout, x, y](cairo_t* cr) {
    SetSourceRgb(cr, LayoutColor(layout.get()));
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout.get());
  });
}

void PageSet::AddOutline(int level, std::string text) {
  pages_.back().outline.push_back(OutlineEntry{.level = level, .text = std::move(text), .y = y_});
}

Status PageSet::FlowLines(const LayoutPtr& layout, double x) {
  PangoLayoutIter* iter = pango_layout_get_iter(layout.get());
  int index = 0;
  Status status;
  do {
    int top = 0;
    int bottom = 0;
    pango_layout_iter_get_line_yrange(iter, &top, &bottom);
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, nullptr, &logical);
    const double height = static_cast<double>(bottom - top) / PANGO_SCALE;
    const double baseline =
        static_cast<double>(pango_layout_iter_get_baseline(iter) - top) / PANGO_SCALE;
    const double offset = static_cast<double>(logical.x) / PANGO_SCALE;
    status = EnsureSpace(height);
    if (!status.ok()) break;
    const double line_y = y_ + baseline;
    Draw([layout, index, x = x + offset, line_y](cairo_t* cr) {
      SetSourceRgb(cr, LayoutColor(layout.get()));
      cairo_move_to(cr, x, line_y);
      pango_cairo_show_layout_line(cr, pango_layout_get_line_readonly(layout.get(), index));
    });
    y_ += height;
    ++index;
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  return status;
}

}  // namespace fincyber::documents::internal
