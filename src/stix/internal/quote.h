// Values quoted inside error messages. Messages reach clients and logs, so a hostile
// value must not make them huge or unreadable: long text is cut (on a UTF-8 boundary)
// and control characters, NUL included, are shown escaped.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace fincyber::stix {

inline constexpr std::size_t kQuotedMaxBytes = 64;

// 'value' with control characters escaped, cut to about kQuotedMaxBytes bytes with "…".
inline std::string Quote(std::string_view text) {
  std::string out = "'";
  std::size_t end = text.size();
  bool cut = false;
  if (end > kQuotedMaxBytes) {
    end = kQuotedMaxBytes;
    // Back up to the start of a UTF-8 sequence so the cut never splits a character.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    cut = true;
  }
  for (std::size_t i = 0; i < end; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (cut) out += "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
  out += "'";
  return out;
}

}  // namespace fincyber::stix
