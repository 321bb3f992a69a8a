#include "identity/login_throttle.h"

namespace fincyber::identity {

bool LoginThrottle::Allow(const std::string& address) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  // Forget addresses whose window has passed, so the map stays bounded by the
  // number of addresses seen within one window.
  for (auto it = attempts_.begin(); it != attempts_.end();) {
    while (!it->second.empty() && now - it->second.front() >= window_) it->second.pop_front();
    it = it->second.empty() ? attempts_.erase(it) : std::next(it);
  }
  auto& times = attempts_[address];
  if (static_cast<int>(times.size()) >= max_attempts_) return false;
  times.push_back(now);
  return true;
}

}  // namespace fincyber::identity
