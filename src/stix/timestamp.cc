// STIX timestamps (STIX 2.1 section 3.2): RFC 3339 in UTC, "YYYY-MM-DDTHH:MM:SS[.s+]Z".
// The zone is always the literal 'Z' and the fraction may have any number of digits.
#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/calendar.h"
#include "stix/internal/quote.h"
#include "stix/object.h"

namespace fincyber::stix {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

struct CivilDate {
  int year;
  int month;
  int day;
};

CivilDate CivilFromDays(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<int>(days - era * 146097);
  const int year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int mp = (5 * day_of_year + 2) / 153;
  const int day = day_of_year - (153 * mp + 2) / 5 + 1;
  const int month = mp < 10 ? mp + 3 : mp - 9;
  const auto year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

// Reads exactly `count` ASCII digits at `pos`; -1 when any is not a digit.
int Digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

Error NotTimestamp(std::string_view text, std::string_view why) {
  return InvalidArgument(fmt::format("{} is not an RFC 3339 timestamp ({})", Quote(text), why));
}

}  // namespace

Result<Timestamp> ParseTimestamp(std::string_view text) {
  // "YYYY-MM-DDTHH:MM:SS" is 19 characters; then an optional fraction, then 'Z'.
  const int year = Digits(text, 0, 4);
  const int month = Digits(text, 5, 2);
  const int day = Digits(text, 8, 2);
  const int hour = Digits(text, 11, 2);
  const int minute = Digits(text, 14, 2);
  const int second = Digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || text[4] != '-' ||
      text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return NotTimestamp(text, "expected YYYY-MM-DDTHH:MM:SS[.fraction]Z");
  }
  if (month < 1 || month > 12) return NotTimestamp(text, "month out of range");
  if (day < 1 || day > DaysInMonth(year, month)) return NotTimestamp(text, "no such day");
  if (hour > 23) return NotTimestamp(text, "hour out of range");
  if (minute > 59) return NotTimestamp(text, "minute out of range");
  // RFC 3339 allows a leap second, which only ever ends a UTC day.
  const bool leap_second = second == 60;
  if (second > 60 || (leap_second && (hour != 23 || minute != 59))) {
    return NotTimestamp(text, "second out of range");
  }
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t first_digit = pos;
    std::int64_t scale = 100'000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      // Digits beyond microseconds are accepted and truncated.
      micros += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == first_digit) return NotTimestamp(text, "empty fraction");
  }
  if (pos >= text.size() || text[pos] != 'Z') {
    return NotTimestamp(text, "the time zone must be 'Z' (UTC)");
  }
  if (pos + 1 != text.size()) return NotTimestamp(text, "text after 'Z'");
  const std::int64_t seconds = DaysFromCivil(year, month, day) * kSecondsPerDay + hour * 3600 +
                               minute * 60 + (leap_second ? 59 : second);
  // A leap second sorts after every other instant of its minute and before the next day.
  if (leap_second) micros = kMicrosPerSecond - 1;
  return seconds * kMicrosPerSecond + micros;
}

std::string FormatTimestamp(Timestamp micros) {
  std::int64_t seconds = micros / kMicrosPerSecond;
  std::int64_t fraction = micros % kMicrosPerSecond;
  if (fraction < 0) {
    fraction += kMicrosPerSecond;
    --seconds;
  }
  std::int64_t days = seconds / kSecondsPerDay;
  std::int64_t second_of_day = seconds % kSecondsPerDay;
  if (second_of_day < 0) {
    second_of_day += kSecondsPerDay;
    --days;
  }
  const CivilDate date = CivilFromDays(days);
  if (date.year < 0 || date.year > 9999) {  // outside RFC 3339: as wide as the year needs
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", date.year, date.month,
                       date.day, second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60,
                       fraction);
  }
  // Digit by digit into a fixed form: the hub formats one or more per stored version, and
  // a formatting library's parse of the format string cost more than the digits.
  std::string text = "0000-00-00T00:00:00.000000Z";
  const auto put = [&text](std::size_t end, std::int64_t value) {  // right-aligned at end
    for (std::size_t i = end; value != 0; --i, value /= 10) {
      text[i - 1] = static_cast<char>('0' + value % 10);
    }
  };
  put(4, date.year);
  put(7, date.month);
  put(10, date.day);
  put(13, second_of_day / 3600);
  put(16, second_of_day / 60 % 60);
  put(19, second_of_day % 60);
  put(26, fraction);
  return text;
}

}  // namespace fincyber::stix
