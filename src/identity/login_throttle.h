// Limits log-in attempts per client address, before any password is checked, so one
// address cannot guess passwords across many accounts. Per-account lock-out is in
// auth.h; this is its complement. In memory, per process: each replica limits on
// its own, which bounds a client at replicas × limit.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "base/clock.h"

namespace fincyber::identity {

class LoginThrottle {
 public:
  LoginThrottle(const Clock& clock, int max_attempts, std::chrono::seconds window)
      : clock_(clock), max_attempts_(max_attempts), window_(window) {}

  // Records an attempt from `address`; false when the address is over its limit.
  // Thread-safe.
  bool Allow(const std::string& address);

 private:
  const Clock& clock_;
  const int max_attempts_;
  const std::chrono::seconds window_;
  std::mutex mutex_;
  std::map<std::string, std::deque<TimePoint>> attempts_;  // guarded by mutex_
};

}  // namespace fincyber::identity
