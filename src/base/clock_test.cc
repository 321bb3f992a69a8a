#include "base/clock.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

namespace fincyber {
namespace {

TEST(ClockTest, FormatsAndParsesRfc3339) {
  const TimePoint t = FromUnixMillis(1'795'721'503'123);
  const std::string text = FormatRfc3339(t);
  EXPECT_EQ(text, "2026-11-26T19:31:43.123Z");
  EXPECT_EQ(ParseRfc3339(text), t);
  EXPECT_EQ(ParseRfc3339("2026-11-26T20:31:43.123+01:00"), t);
  EXPECT_EQ(ParseRfc3339("2026-11-26T19:31:43.123456789Z").value(),
            t + std::chrono::nanoseconds(456789));
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(-1)), "1969-12-31T23:59:59.999Z");
}

TEST(ClockTest, RejectsMalformedTimestamps) {
  for (const char* bad : {"", "2026-11-26", "2026-11-26T19:31:43", "2026-13-01T00:00:00Z",
                          "2026-02-30T00:00:00Z", "2026-11-26T19:31:43.Z",
                          "2026-11-26T19:31:43Zjunk", "2026-11-26T25:00:00Z",
                          "2026-11-26T19:31:43+0100"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(ClockTest, MillisCoverTheWholeRfc3339Range) {
  const std::pair<const char*, std::int64_t> cases[] = {
      {"0000-01-01T00:00:00Z", -62'167'219'200'000},
      {"0001-01-01T00:00:00Z", -62'135'596'800'000},
      {"1969-12-31T23:59:59.999Z", -1},
      {"1970-01-01T00:00:00Z", 0},
      {"2038-01-19T03:14:08Z", 2'147'483'648'000},
      {"2262-04-11T23:47:16.854Z", 9'223'372'036'854},
      {"2262-04-12T00:00:00Z", 9'223'372'800'000},
      {"2999-12-31T23:59:59.999Z", 32'503'679'999'999},
      {"9999-12-31T23:59:59.999Z", 253'402'300'799'999},
      {"9999-12-31T23:59:59.999999999-23:59", 253'402'387'139'999},
  };
  for (const auto& [text, millis] : cases) EXPECT_EQ(ParseRfc3339Millis(text), millis) << text;
  // A fraction finer than a millisecond is rounded towards the past, before 1970 too.
  EXPECT_EQ(ParseRfc3339Millis("1969-12-31T23:59:59.9999Z"), -1);
  for (const char* bad :
       {"10000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
        "2999-02-29T00:00:00Z", "9999-12-31T24:00:00Z", ""}) {
    EXPECT_FALSE(ParseRfc3339Millis(bad).has_value()) << bad;
  }
}

// TimePoint counts nanoseconds: past its range a timestamp is refused, never wrapped.
TEST(ClockTest, TimePointsRefuseWhatTheyCannotHold) {
  for (const char* text : {"1678-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z",
                           "2038-01-19T03:14:08.000Z", "2262-04-11T23:47:15.999Z"}) {
    const auto parsed = ParseRfc3339(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(ToUnixMillis(*parsed), ParseRfc3339Millis(text)) << text;
    EXPECT_EQ(FormatRfc3339(*parsed), text);
  }
  for (const char* text : {"0001-01-01T00:00:00Z", "1677-01-01T00:00:00Z", "2262-04-12T00:00:00Z",
                           "2999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"}) {
    EXPECT_FALSE(ParseRfc3339(text).has_value()) << text;
  }
}

TEST(ClockTest, FakeClockAdvances) {
  FakeClock clock(FromUnixMillis(0));
  clock.Advance(std::chrono::milliseconds(1500));
  EXPECT_EQ(ToUnixMillis(clock.Now()), 1500);
}

}  // namespace
}  // namespace fincyber
