#include "events/signature.h"

#include <fmt/format.h>

#include <chrono>

#include "base/crypto.h"

namespace fincyber::events {

std::string SignatureHeaderValue(std::string_view secret, TimePoint at, std::string_view body) {
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  const std::string signed_text = fmt::format("{}.{}", seconds, body);
  return fmt::format("t={},v1={}", seconds, HmacSha256Hex(secret, signed_text));
}

}  // namespace fincyber::events
