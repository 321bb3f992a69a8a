// For the feedback report's test binaries (include it in one source file of each): the
// PDF's text read back with poppler, and documents/' cleanup of the font caches for
// LeakSanitizer.
#pragma once

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-page.h>

#include <memory>
#include <string>
#include <vector>

#include "documents/test_library_caches.h"

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

}  // namespace fincyber::survey::report_testing
