// For the feedback report's test binaries (include it in one source file of each): the
// PDF's text read back with poppler, and the font caches cairo, pango and fontconfig keep
// for the life of the process freed after the last test, so that LeakSanitizer (in the
// sanitizer build) reports only leaks of ours; what cannot be freed is suppressed by name,
// as documents/ does for its own tests.
#pragma once

#include <gtest/gtest.h>
#include <pango/pangocairo.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-page.h>

#include <memory>
#include <string>
#include <vector>

namespace fincyber::survey::report_testing {

// Every page's text, without spaces and line breaks (extraction may put them between
// glyphs); empty when the bytes are not a PDF.
inline std::string PdfText(const std::string& bytes) {
  std::vector<char> data(bytes.begin(), bytes.end());
  std::unique_ptr<poppler::document> pdf(poppler::document::load_from_data(&data));
  if (!pdf) return "";
  std::string out;
  for (int i = 0; i < pdf->pages(); ++i) {
    std::unique_ptr<poppler::page> page(pdf->create_page(i));
    const poppler::byte_array utf8 = page->text().to_utf8();
    for (char c : utf8) {
      if (c != ' ' && c != '\n' && c != '\r') out += c;
    }
  }
  return out;
}

inline int PdfPages(const std::string& bytes) {
  std::vector<char> data(bytes.begin(), bytes.end());
  std::unique_ptr<poppler::document> pdf(poppler::document::load_from_data(&data));
  return pdf ? pdf->pages() : 0;
}

class FontCachesCleanup : public ::testing::Environment {
 public:
  void TearDown() override { pango_cairo_font_map_set_default(nullptr); }
};

inline ::testing::Environment* const kFontCachesCleanup =
    ::testing::AddGlobalTestEnvironment(new FontCachesCleanup);

}  // namespace fincyber::survey::report_testing

// As in documents' test_library_caches.h: whole stacks for the suppressions of the test
// main. Inline, as several sources of one test program include this.
extern "C" inline __attribute__((used)) const char* __asan_default_options() {
  return "fast_unwind_on_malloc=0";
}
