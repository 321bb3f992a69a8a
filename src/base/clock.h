// Time as a seam: production code reads time only through a Clock so tests can
// move it. Timestamps are UTC, stored and sent as RFC 3339 with milliseconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace fincyber {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The system clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// A clock tests set and advance. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void Advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    now_ += by;
  }

 private:
  mutable std::mutex mutex_;
  TimePoint now_;  // guarded by mutex_
};

// "2026-11-26T19:31:43.123Z"
std::string FormatRfc3339(TimePoint t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)"; nullopt otherwise. A
// TimePoint counts nanoseconds in 64 bits, so only instants from 1677-09-21 to 2262-04-11
// fit: a valid timestamp outside that range is nullopt too (use ParseRfc3339Millis for
// timestamps that may lie far ahead, such as a STIX valid_until).
std::optional<TimePoint> ParseRfc3339(std::string_view text);
// The same syntax over the whole RFC 3339 range (years 0000 to 9999), as Unix
// milliseconds; a finer fraction is rounded towards the past.
std::optional<std::int64_t> ParseRfc3339Millis(std::string_view text);

std::int64_t ToUnixMillis(TimePoint t);
TimePoint FromUnixMillis(std::int64_t millis);

}  // namespace fincyber
