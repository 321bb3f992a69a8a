// An indicator's `modified` as Unix milliseconds, as both the compiled matcher and the
// kept indicator set compare versions by it.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

#include "base/clock.h"

namespace fincyber::detect::internal {

// A missing or unreadable `modified`: older than every real time, so that any dated
// version of the same indicator wins over it.
inline constexpr std::int64_t kUnknownTime = std::numeric_limits<std::int64_t>::min();

inline std::int64_t ModifiedMillis(std::string_view rfc3339) {
  return ParseRfc3339Millis(rfc3339).value_or(kUnknownTime);
}

}  // namespace fincyber::detect::internal
