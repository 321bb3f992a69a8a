#include "detect/matcher_slot.h"

#include <pthread.h>
#include <signal.h>

#include <utility>

namespace fincyber::detect {

MatcherSlot::MatcherSlot(std::shared_ptr<const Matcher> initial)
    : current_(Share(std::move(initial))), freeing_([this] { FreeReleased(); }) {}

MatcherSlot::~MatcherSlot() {
  std::vector<std::shared_ptr<const Matcher>> left;
  {
    std::lock_guard lock(releases_->mutex);
    releases_->closed = true;
    left.swap(releases_->pending);
  }
  releases_->ready.notify_all();
  freeing_.join();
}

std::shared_ptr<const Matcher> MatcherSlot::Share(std::shared_ptr<const Matcher> matcher) const {
  const Matcher* raw = matcher.get();
  return std::shared_ptr<const Matcher>(
      raw, [releases = releases_, owner = std::move(matcher)](const Matcher*) mutable {
        std::unique_lock lock(releases->mutex);
        if (releases->closed) {
          lock.unlock();
          owner.reset();
          return;
        }
        releases->pending.push_back(std::move(owner));
        lock.unlock();
        releases->ready.notify_one();
      });
}

std::shared_ptr<const Matcher> MatcherSlot::Current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void MatcherSlot::Swap(std::shared_ptr<const Matcher> next) {
  std::shared_ptr<const Matcher> shared = Share(std::move(next));
  std::shared_ptr<const Matcher> old;
  {
    std::lock_guard lock(mutex_);
    old = std::exchange(current_, std::move(shared));
    generation_.fetch_add(1, std::memory_order_release);
  }
  // `old` goes out of scope here, outside the lock: if nothing else holds it, it is
  // handed over to be freed now.
}

void MatcherSlot::FreeReleased() {
  // The process's signals go to its own threads (e.g. one waiting for SIGTERM), never to
  // this one, which may start before they are blocked.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  Releases& releases = *releases_;
  std::unique_lock lock(releases.mutex);
  while (true) {
    releases.ready.wait(lock, [&] { return releases.closed || !releases.pending.empty(); });
    std::vector<std::shared_ptr<const Matcher>> batch;
    batch.swap(releases.pending);
    const bool closed = releases.closed;
    lock.unlock();
    batch.clear();  // frees the matchers, without the lock
    if (closed) return;
    lock.lock();
  }
}

}  // namespace fincyber::detect
