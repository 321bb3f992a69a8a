// The webhook signature a receiver checks to know a delivery came from this platform
// and was not altered or replayed:
//
//   X-Fincyber-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//
// The timestamp is signed with the body, so a receiver rejects old deliveries by
// comparing t with its own clock. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/clock.h"

namespace fincyber::events {

inline constexpr std::string_view kSignatureHeader = "X-Fincyber-Signature";

// The header value for `body` sent at `at` (truncated to whole seconds).
std::string SignatureHeaderValue(std::string_view secret, TimePoint at, std::string_view body);

}  // namespace fincyber::events
