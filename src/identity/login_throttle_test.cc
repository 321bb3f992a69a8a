#include "identity/login_throttle.h"

#include <gtest/gtest.h>

namespace fincyber::identity {
namespace {

TEST(LoginThrottleTest, AllowsUpToLimitThenRefusesUntilWindowPasses) {
  FakeClock clock(FromUnixMillis(1'700'000'000'000));
  LoginThrottle throttle(clock, 3, std::chrono::seconds(60));
  EXPECT_TRUE(throttle.Allow("10.0.0.1"));
  EXPECT_TRUE(throttle.Allow("10.0.0.1"));
  EXPECT_TRUE(throttle.Allow("10.0.0.1"));
  EXPECT_FALSE(throttle.Allow("10.0.0.1"));
  EXPECT_TRUE(throttle.Allow("10.0.0.2")) << "addresses are limited separately";
  clock.Advance(std::chrono::seconds(61));
  EXPECT_TRUE(throttle.Allow("10.0.0.1"));
}

}  // namespace
}  // namespace fincyber::identity
