// Batches of rows or objects prepared on a second thread while the loading thread fills
// the next batch and adds the one before to a target, in file order. Each entry's
// outcome depends on the entry alone, so the target receives the same calls in the same
// order whichever thread prepared it. A Batch has Clear() and AddTo(Target&); the two
// batches are reused, keeping their storage, and small enough to stay in the cache
// between the two threads. Private to detect/.
#pragma once

#include <array>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

namespace fincyber::detect::internal {

template <typename Batch, typename Target>
class BatchPipeline {
 public:
  BatchPipeline(int threads, std::function<void(Batch&)> prepare, Target& target)
      : threads_(threads), prepare_(std::move(prepare)), target_(target) {}
  BatchPipeline(const BatchPipeline&) = delete;
  BatchPipeline& operator=(const BatchPipeline&) = delete;
  ~BatchPipeline() {
    if (!worker_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }

  Batch& filling() { return *filling_; }

  // Prepares the batch filled (on the second thread, unless it is the last or there is
  // one thread) and adds the one before it. What preparing a batch throws on the second
  // thread (std::bad_alloc) is thrown here, on the loading thread, by the next call.
  void Next(bool last) {
    WaitForWorker();
    Batch* filled = filling_;
    if (threads_ > 1 && !last && StartWorker()) {
      {
        std::lock_guard lock(mutex_);
        job_ = filled;
      }
      changed_.notify_all();
    } else {
      prepare_(*filled);
    }
    if (before_ != nullptr) {
      before_->AddTo(target_);
      before_->Clear();
      filling_ = before_;
    } else {
      filling_ = filled == &batches_[0] ? &batches_[1] : &batches_[0];
    }
    before_ = filled;
  }

  // Prepares and adds the batch being filled, after the one before it.
  void Finish() {
    Next(true);
    before_->AddTo(target_);
    before_->Clear();
    before_ = nullptr;
  }

 private:
  // False when no thread is to be had: batches are then prepared on the loading thread.
  bool StartWorker() {
    if (worker_.joinable()) return true;
    try {
      worker_ = std::thread([this] { Work(); });
    } catch (const std::system_error&) {
      return false;
    }
    return true;
  }

  void Work() {
    std::unique_lock lock(mutex_);
    while (true) {
      changed_.wait(lock, [&] { return stopping_ || job_ != nullptr; });
      Batch* const job = job_;
      if (job == nullptr) return;
      lock.unlock();
      std::exception_ptr failure;
      try {
        prepare_(*job);
      } catch (...) {
        failure = std::current_exception();
      }
      lock.lock();
      failure_ = failure;
      job_ = nullptr;
      changed_.notify_all();
    }
  }

  void WaitForWorker() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return job_ == nullptr; });
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  }

  const int threads_;
  const std::function<void(Batch&)> prepare_;
  Target& target_;
  std::array<Batch, 2> batches_;
  Batch* filling_ = &batches_[0];
  Batch* before_ = nullptr;  // prepared or being prepared, not yet added
  std::thread worker_;       // started with the first batch handed over
  std::mutex mutex_;
  std::condition_variable changed_;
  Batch* job_ = nullptr;        // guarded by mutex_: the batch the worker is preparing
  std::exception_ptr failure_;  // guarded by mutex_: what preparing job_ threw
  bool stopping_ = false;       // guarded by mutex_
};

}  // namespace fincyber::detect::internal
