#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace fincyber {

// Returns the byte offset of the first invalid UTF-8 sequence (overlongs, surrogates
// and code points above U+10FFFF are invalid), or nullopt if the text is valid.
std::optional<std::size_t> FindInvalidUtf8(std::string_view text);

}  // namespace fincyber
