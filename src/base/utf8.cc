#include "base/utf8.h"

#include <simdjson.h>

#include <cstdint>
#include <cstring>

namespace fincyber {

std::optional<std::size_t> FindInvalidUtf8(std::string_view text) {
  // Longer texts go through simdjson's vectorised check first; the loop below, which
  // finds where a fault is, then runs only for invalid ones.
  constexpr std::size_t kVectorFrom = 64;
  if (text.size() >= kVectorFrom && simdjson::validate_utf8(text.data(), text.size())) {
    return std::nullopt;
  }
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      // The ASCII bytes after it, eight at a time.
      while (i + sizeof(std::uint64_t) <= n) {
        std::uint64_t word = 0;
        std::memcpy(&word, s + i, sizeof word);
        if ((word & 0x8080808080808080ULL) != 0) break;
        i += sizeof word;
      }
      continue;
    }
    int length = 0;
    std::uint32_t code_point = 0;
    std::uint32_t minimum = 0;
    if ((c & 0xE0) == 0xC0) {
      length = 2, code_point = c & 0x1F, minimum = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3, code_point = c & 0x0F, minimum = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4, code_point = c & 0x07, minimum = 0x10000;
    } else {
      return i;
    }
    if (i + length > n) return i;
    for (int k = 1; k < length; ++k) {
      const unsigned char next = s[i + k];
      if ((next & 0xC0) != 0x80) return i;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    if (code_point < minimum || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return i;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace fincyber
