// The Matcher a running scan uses, replaceable while it runs: a refreshed indicator set
// is compiled aside and swapped in; scanning threads notice the new generation between
// two records and finish the record at hand with the old matcher.
//
// A replaced matcher is freed as soon as the last holder (a scanning thread, a match
// found with it) lets go of it, so two sets are in memory only while a thread is still
// on its record. Freeing a large matcher takes a while, so it is done on a thread of the
// slot's own rather than in the scanning thread that let go last; once the slot is
// destroyed, a matcher still held is freed by its last holder.
//
// Thread-safe. Readers look at generation() per record (one atomic load, no lock) and
// take Current() (a short lock) only when it changed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "detect/matcher.h"

namespace fincyber::detect {

class MatcherSlot {
 public:
  explicit MatcherSlot(std::shared_ptr<const Matcher> initial);
  ~MatcherSlot();
  MatcherSlot(const MatcherSlot&) = delete;
  MatcherSlot& operator=(const MatcherSlot&) = delete;

  // Increases with every Swap.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // The matcher of the moment; not the pointer given to the constructor or Swap but one
  // sharing its object, whose last copy hands the matcher over to be freed.
  std::shared_ptr<const Matcher> Current() const;
  // Makes `next` (not null) the matcher of records read from now on. The slot keeps no
  // reference to the one it replaces.
  void Swap(std::shared_ptr<const Matcher> next);

 private:
  // Matchers whose last holder let go, waiting to be freed. Shared with the holders,
  // which may outlive the slot.
  struct Releases {
    std::mutex mutex;
    std::condition_variable ready;
    std::vector<std::shared_ptr<const Matcher>> pending;  // guarded by mutex
    bool closed = false;                                  // guarded by mutex
  };
  std::shared_ptr<const Matcher> Share(std::shared_ptr<const Matcher> matcher) const;
  void FreeReleased();

  std::shared_ptr<Releases> releases_ = std::make_shared<Releases>();
  mutable std::mutex mutex_;
  std::shared_ptr<const Matcher> current_;  // guarded by mutex_
  std::atomic<std::uint64_t> generation_{0};
  // Started with the slot, not by the first Swap: starting it made that swap take 60-180
  // us instead of about 1.5 (bench/match/README.md).
  std::thread freeing_;
};

}  // namespace fincyber::detect
