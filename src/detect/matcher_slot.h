// The Matcher a running scan uses, replaceable while it runs: a refreshed indicator set
// is compiled aside and swapped in; scanning threads notice the new generation between
// two records and finish the record at hand with the old matcher, which lives on until
// the last thread (and the last match found with it) lets go of it.
//
// Thread-safe. Readers look at generation() per record (one atomic load, no lock) and
// take Current() (a short lock) only when it changed.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "detect/matcher.h"

namespace fincyber::detect {

class MatcherSlot {
 public:
  explicit MatcherSlot(std::shared_ptr<const Matcher> initial);

  // Increases with every Swap.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  std::shared_ptr<const Matcher> Current() const;
  // Makes `next` (not null) the matcher of records read from now on. Returns the one it
  // replaces, which threads may still be using: freeing a large matcher takes a while, so
  // the caller can keep it until it is the last holder (use_count() == 1) rather than
  // have a scanning thread free it.
  std::shared_ptr<const Matcher> Swap(std::shared_ptr<const Matcher> next);

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Matcher> current_;  // guarded by mutex_
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace fincyber::detect
