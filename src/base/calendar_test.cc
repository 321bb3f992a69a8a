#include "base/calendar.h"

#include <gtest/gtest.h>

#include <chrono>

namespace fincyber {
namespace {

TEST(CalendarTest, LeapYearsFollowTheGregorianRule) {
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2023));
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2023, 2), 28);
  EXPECT_EQ(DaysInMonth(2100, 2), 28);
  EXPECT_EQ(DaysInMonth(2023, 4), 30);
  EXPECT_EQ(DaysInMonth(2023, 12), 31);
}

// std::chrono's civil calendar is the oracle, over four centuries either side of 1970
// and every day of the years around the epoch and a century leap day.
TEST(CalendarTest, DaysFromCivilAgreesWithStdChrono) {
  using namespace std::chrono;
  static_assert(DaysFromCivil(1970, 1, 1) == 0);
  for (int year :
       {1, 1599, 1600, 1899, 1900, 1969, 1970, 1971, 1999, 2000, 2024, 2100, 2400, 9999}) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 1; day <= DaysInMonth(year, month); ++day) {
        const sys_days expected = year_month_day{std::chrono::year{year},
                                                 std::chrono::month{static_cast<unsigned>(month)},
                                                 std::chrono::day{static_cast<unsigned>(day)}};
        ASSERT_EQ(DaysFromCivil(year, month, day), expected.time_since_epoch().count())
            << year << "-" << month << "-" << day;
      }
    }
  }
}

}  // namespace
}  // namespace fincyber
