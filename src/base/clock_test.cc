#include "base/clock.h"

#include <gtest/gtest.h>

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

TEST(ClockTest, FakeClockAdvances) {
  FakeClock clock(FromUnixMillis(0));
  clock.Advance(std::chrono::milliseconds(1500));
  EXPECT_EQ(ToUnixMillis(clock.Now()), 1500);
}

}  // namespace
}  // namespace fincyber
