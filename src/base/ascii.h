// Locale-free ASCII helpers for parsers: what counts as a hex digit or an upper-case
// letter must not depend on the locale a server happens to run in.
#pragma once

#include <string>
#include <string_view>

namespace fincyber {

// 0-15 for a hex digit of either case, -1 for anything else.
constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `text` with A-Z lowered; every other byte, UTF-8 included, unchanged.
inline std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace fincyber
