// The page model behind RenderPdf: blocks are laid out once with pango into pages of
// recorded drawing operations, so that the total page count is known before any page is
// drawn (the footer says "n / N").
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "documents/pdf.h"

namespace fincyber::documents::internal {

inline constexpr double kPageWidth = 595.276;  // A4 in points
inline constexpr double kPageHeight = 841.890;
inline constexpr double kMarginX = 56.7;  // 20 mm
inline constexpr double kBodyTop = 70;
inline constexpr double kBodyBottom = kPageHeight - 62;
inline constexpr double kBodyWidth = kPageWidth - 2 * kMarginX;
inline constexpr double kBodyHeight = kBodyBottom - kBodyTop;

// Layouts are shared between the operations that draw their lines.
using LayoutPtr = std::shared_ptr<PangoLayout>;
using DrawOp = std::function<void(cairo_t*)>;

struct TextStyle {
  double size = 10;  // points
  bool bold = false;
  Rgb color = 0x222222;
  Align align = Align::kStart;
  int max_lines = 0;  // > 0: lines past it are cut with an ellipsis
};

struct OutlineEntry {
  int level = 1;
  std::string text{};
  double y = 0;
};

struct Page {
  bool title = false;  // drawn without header and footer
  std::vector<DrawOp> ops{};
  std::vector<OutlineEntry> outline{};
};

void SetSourceRgb(cairo_t* cr, Rgb color);

// A cursor over the body area of consecutive pages. Not thread-safe; one per document.
class PageSet {
 public:
  PageSet(PangoContext* context, Typeface typeface, std::size_t max_pages);

  // FailedPrecondition unless fontconfig resolves the typeface to itself: a missing font
  // would otherwise be replaced silently by one without Japanese glyphs.
  Status CheckFontInstalled() const;

  // A layout of `text` wrapped to `width` points (0: not wrapped).
  LayoutPtr MakeLayout(std::string_view text, const TextStyle& style, double width) const;
  static double Height(const LayoutPtr& layout);
  static double Width(const LayoutPtr& layout);
  static double FirstLineHeight(const LayoutPtr& layout);

  // Starts a page; ResourceExhausted past the page limit.
  Status NewPage(bool title = false);
  // Starts a new page unless `height` points fit below the cursor (or the page is empty).
  Status EnsureSpace(double height);
  double y() const { return y_; }
  double Remaining() const { return kBodyBottom - y_; }
  bool AtPageTop() const { return y_ <= kBodyTop; }
  void Advance(double dy) { y_ += dy; }

  // Records `op` on the current page; it draws in page coordinates.
  void Draw(DrawOp op);
  void DrawLayout(const LayoutPtr& layout, double x, double y);
  void AddOutline(int level, std::string text);
  // Marks what was drawn on this page since `y_top` (op `first_op` on, outline entry
  // `first_outline` on) to move to the next page if that page is started before
  // anything else is drawn: a heading then stays with what follows it.
  void KeepWithNext(std::size_t first_op, std::size_t first_outline, double y_top);
  // Draws `layout` line by line from the cursor at `x`, starting a new page between
  // lines when the next one does not fit.
  Status FlowLines(const LayoutPtr& layout, double x);

  std::vector<Page>& pages() { return pages_; }

 private:
  PangoContext* context_;
  const char* family_;
  std::size_t max_pages_;
  std::vector<Page> pages_;
  double y_ = kBodyTop;
  struct Kept {
    std::size_t page;
    std::size_t first_op;
    std::size_t first_outline;
    std::size_t end_op;
    double y_top;
  };
  std::optional<Kept> kept_;
};

// Charts, drawn at the cursor; each is kept on one page.
Status AddHeatmap(PageSet& pages, const Heatmap& heatmap);
Status AddBandChart(PageSet& pages, const BandChart& chart);

// `value` with `decimals` digits after the point, in the C locale whatever the process
// locale, halves rounded away from zero.
std::string FormatNumber(double value, int decimals);

}  // namespace fincyber::documents::internal
