// Canonical JSON as RFC 8785 (JSON Canonicalization Scheme) defines it, which is what
// the STIX 2.1 deterministic identifiers hash: no whitespace, object members sorted by
// the UTF-16 code units of their names, strings with only the mandatory escapes, and
// numbers as ECMAScript prints them. Iterative, so any depth is safe.
#include <charconv>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "base/json.h"
#include "stix/object.h"

namespace fincyber::stix {
namespace {

// UTF-16 code units of UTF-8 text; a byte that does not start a valid sequence counts as
// U+FFFD, so that any string sorts deterministically.
std::u16string Utf16(std::string_view text) {
  std::u16string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80           ? 1
                         : (lead >> 5) == 0x6  ? 2
                         : (lead >> 4) == 0xE  ? 3
                         : (lead >> 3) == 0x1E ? 4
                                               : 0;
    char32_t code_point = length == 1   ? lead
                          : length == 2 ? lead & 0x1F
                          : length == 3 ? lead & 0x0F
                                        : lead & 0x07;
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t j = 1; valid && j < length; ++j) {
      const auto continuation = static_cast<unsigned char>(text[i + j]);
      valid = (continuation & 0xC0) == 0x80;
      code_point = (code_point << 6) | (continuation & 0x3F);
    }
    if (!valid) {
      out += u'\uFFFD';
      ++i;
      continue;
    }
    if (code_point >= 0x10000) {
      code_point -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (code_point >> 10));
      out += static_cast<char16_t>(0xDC00 + (code_point & 0x3FF));
    } else {
      out += static_cast<char16_t>(code_point);
    }
    i += length;
  }
  return out;
}

// ECMAScript Number::toString (ECMA-262 7.1.12.1) from the shortest round-trip digits.
void AppendDouble(std::string& out, double value) {
  if (value == 0 || !std::isfinite(value)) {
    // JSON cannot hold NaN or infinities; nlohmann stores them as null-like zero.
    out += '0';
    return;
  }
  if (value < 0) {
    out += '-';
    value = -value;
  }
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  const std::string_view scientific(buffer, static_cast<std::size_t>(result.ptr - buffer));
  const std::size_t e_pos = scientific.find('e');
  std::string digits;
  for (const char c : scientific.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::from_chars(scientific.data() + e_pos + 1 + (scientific[e_pos + 1] == '+' ? 1 : 0),
                  scientific.data() + scientific.size(), exponent);
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<std::size_t>(n));
    out += '.';
    out += digits.substr(static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += 'e';
    out += n - 1 < 0 ? '-' : '+';
    out += std::to_string(std::abs(n - 1));
  }
}

struct Frame {
  bool is_object = false;
  std::vector<std::pair<const std::string*, const Json*>> members;  // sorted for objects
  std::size_t next = 0;
};

}  // namespace

std::string Serialise(const Json& value) {
  std::string out;
  std::vector<Frame> stack;
  // Writes a scalar, or opens a container and pushes its frame.
  auto emit = [&](const Json& item) {
    switch (item.type()) {
      case Json::value_t::object: {
        Frame frame;
        frame.is_object = true;
        std::vector<std::pair<std::u16string, std::pair<const std::string*, const Json*>>> keyed;
        keyed.reserve(item.size());
        for (auto it = item.begin(); it != item.end(); ++it) {
          keyed.push_back({Utf16(it.key()), {&it.key(), &it.value()}});
        }
        std::sort(keyed.begin(), keyed.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& entry : keyed) frame.members.push_back(entry.second);
        out += '{';
        stack.push_back(std::move(frame));
        break;
      }
      case Json::value_t::array: {
        Frame frame;
        for (const auto& element : item) frame.members.push_back({nullptr, &element});
        out += '[';
        stack.push_back(std::move(frame));
        break;
      }
      case Json::value_t::string:
        AppendJsonString(out, item.get_ref<const std::string&>());
        break;
      case Json::value_t::boolean:
        out += item.get<bool>() ? "true" : "false";
        break;
      case Json::value_t::number_integer:
        out += std::to_string(item.get<std::int64_t>());
        break;
      case Json::value_t::number_unsigned:
        out += std::to_string(item.get<std::uint64_t>());
        break;
      case Json::value_t::number_float:
        AppendDouble(out, item.get<double>());
        break;
      default:
        out += "null";
        break;  // null, and the binary and discarded kinds JSON text never yields
    }
  };
  emit(value);
  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.next == frame.members.size()) {
      out += frame.is_object ? '}' : ']';
      stack.pop_back();
      continue;
    }
    const auto [key, child] = frame.members[frame.next];
    if (frame.next++ > 0) out += ',';
    if (frame.is_object) {
      AppendJsonString(out, *key);
      out += ':';
    }
    emit(*child);  // may push, which invalidates `frame`
  }
  return out;
}

}  // namespace fincyber::stix
