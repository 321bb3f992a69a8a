#include "detect/matcher_slot.h"

#include <utility>

namespace fincyber::detect {

MatcherSlot::MatcherSlot(std::shared_ptr<const Matcher> initial) : current_(std::move(initial)) {}

std::shared_ptr<const Matcher> MatcherSlot::Current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::shared_ptr<const Matcher> MatcherSlot::Swap(std::shared_ptr<const Matcher> next) {
  std::lock_guard lock(mutex_);
  std::shared_ptr<const Matcher> old = std::exchange(current_, std::move(next));
  generation_.fetch_add(1, std::memory_order_release);
  return old;
}

}  // namespace fincyber::detect
