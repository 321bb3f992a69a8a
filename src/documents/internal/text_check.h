// Checks of caller-given text before it reaches pango, cairo or libxlsxwriter, which
// do not reject invalid UTF-8 or control characters themselves.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/result.h"

namespace fincyber::documents::internal {

// InvalidArgument naming `field` if `text` is not UTF-8, holds a control character
// other than tab, carriage return and newline, or is longer than `max_bytes`.
Status CheckText(std::string_view field, std::string_view text, std::size_t max_bytes);

}  // namespace fincyber::documents::internal
