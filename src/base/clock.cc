#include "base/clock.h"

#include <fmt/format.h>

#include <ctime>

namespace fincyber {

std::int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromUnixMillis(std::int64_t millis) {
  return TimePoint(std::chrono::milliseconds(millis));
}

std::string FormatRfc3339(TimePoint t) {
  const std::int64_t millis = ToUnixMillis(t);
  std::int64_t seconds = millis / 1000;
  std::int64_t fraction = millis % 1000;
  if (fraction < 0) {
    fraction += 1000;
    --seconds;
  }
  const std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, fraction);
}

namespace {

// Read in the same pass as checked: a million indicators' timestamps are parsed per load,
// and with the width known where it is inlined, the loop unrolls into a few instructions.
template <std::size_t kWidth>
[[gnu::always_inline]] inline bool ReadInt(std::string_view text, std::size_t pos, int& out) {
  if (pos + kWidth > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + kWidth; ++i) {
    const unsigned digit = static_cast<unsigned char>(text[i]) - unsigned{'0'};
    if (digit > 9) return false;
    value = value * 10 + static_cast<int>(digit);
  }
  out = value;
  return true;
}

// Seconds since the epoch in 64 bits and the fraction: years 0000-9999 fit, whatever
// the precision of TimePoint.
struct ParsedTime {
  std::chrono::sys_seconds seconds;
  std::int64_t nanos = 0;
};

std::optional<ParsedTime> ParseRfc3339Parts(std::string_view text) {
  int year, month, day, hour, minute, second;
  if (!ReadInt<4>(text, 0, year) || text.size() < 20 || text[4] != '-' ||
      !ReadInt<2>(text, 5, month) || text[7] != '-' || !ReadInt<2>(text, 8, day) ||
      (text[10] != 'T' && text[10] != 't') || !ReadInt<2>(text, 11, hour) || text[13] != ':' ||
      !ReadInt<2>(text, 14, minute) || text[16] != ':' || !ReadInt<2>(text, 17, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (std::size_t d = digits; d < 9; ++d) nanos *= 10;
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '+' ? 1 : -1;
    int oh, om;
    if (!ReadInt<2>(text, pos + 1, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !ReadInt<2>(text, pos + 4, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = sign * (oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                           std::chrono::day(day)};
  if (!ymd.ok()) return std::nullopt;
  const sys_seconds time = sys_days(ymd) + hours(hour) + minutes(minute) + seconds(second) -
                           minutes(offset_minutes);
  return ParsedTime{time, nanos};
}

}  // namespace

std::optional<TimePoint> ParseRfc3339(std::string_view text) {
  using namespace std::chrono;
  const auto parsed = ParseRfc3339Parts(text);
  if (!parsed) return std::nullopt;
  // Whole seconds of TimePoint's range, leaving room for the fraction.
  constexpr auto kEarliest = duration_cast<seconds>(system_clock::duration::min()) + seconds(1);
  constexpr auto kLatest = duration_cast<seconds>(system_clock::duration::max()) - seconds(1);
  const seconds since_epoch = parsed->seconds.time_since_epoch();
  if (since_epoch < kEarliest || since_epoch > kLatest) return std::nullopt;
  return TimePoint(duration_cast<system_clock::duration>(since_epoch) +
                   duration_cast<system_clock::duration>(nanoseconds(parsed->nanos)));
}

std::optional<std::int64_t> ParseRfc3339Millis(std::string_view text) {
  const auto parsed = ParseRfc3339Parts(text);
  if (!parsed) return std::nullopt;
  return parsed->seconds.time_since_epoch().count() * 1000 + parsed->nanos / 1'000'000;
}

}  // namespace fincyber
