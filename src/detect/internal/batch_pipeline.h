// Batches of rows or objects prepared on two threads while the loading thread fills the
// next batch and adds the one before to a target, in file order. Each entry's outcome
// depends on the entry alone, so the target receives the same calls in the same order
// whichever thread prepared it. The entries of a batch are prepared in chunks claimed by
// whichever thread is free: the second thread from when the batch is handed over, the
// loading thread once it has filled the next batch, so neither waits while the other
// works. A Batch has size(), ReadyToPrepare() (called on the loading thread before any
// entry is prepared), Clear() and AddTo(Target&); the two batches are reused, keeping their
// storage, and small enough to stay in the cache between the two threads. Private to
// detect/.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
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
  // Prepares entries [begin, end) of a batch; `thread` is 0 on the loading thread and 1
  // on the second, for state kept per thread.
  using Prepare = std::function<void(Batch&, std::size_t begin, std::size_t end, int thread)>;

  BatchPipeline(int threads, Prepare prepare, Target& target)
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

  // Hands the batch filled over to be prepared, and adds the one before it once it is
  // prepared (helping with it first). What preparing throws, on either thread (e.g.
  // std::bad_alloc), is thrown here, on the loading thread, by this or the next call.
  void Next() {
    FinishPreparing();
    Batch* filled = filling_;
    filled->ReadyToPrepare();
    next_entry_.store(0, std::memory_order_relaxed);
    if (threads_ > 1 && StartWorker()) {
      {
        std::lock_guard lock(mutex_);
        job_ = filled;
      }
      changed_.notify_all();
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
    Next();
    FinishPreparing();
    before_->AddTo(target_);
    before_->Clear();
    before_ = nullptr;
  }

 private:
  static constexpr std::size_t kChunkEntries = 32;

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

  // Prepares chunks of `batch` until none is left to claim.
  void PrepareChunks(Batch& batch, int thread) {
    const std::size_t size = batch.size();
    while (true) {
      const std::size_t begin = next_entry_.fetch_add(kChunkEntries, std::memory_order_relaxed);
      if (begin >= size) return;
      prepare_(batch, begin, std::min(size, begin + kChunkEntries), thread);
    }
  }

  // Leaves no chunk of `batch` to claim, after a failure.
  void StopClaims(const Batch& batch) {
    next_entry_.store(batch.size(), std::memory_order_relaxed);
  }

  void Work() {
    std::unique_lock lock(mutex_);
    while (true) {
      changed_.wait(lock, [&] { return stopping_ || job_ != nullptr; });
      if (job_ == nullptr) return;
      Batch* const job = std::exchange(job_, nullptr);
      worker_busy_ = true;
      lock.unlock();
      std::exception_ptr failure;
      try {
        PrepareChunks(*job, 1);
      } catch (...) {
        failure = std::current_exception();
        StopClaims(*job);
      }
      lock.lock();
      if (failure) failure_ = failure;
      worker_busy_ = false;
      changed_.notify_all();
    }
  }

  // Prepares what is left of the batch before, and waits until the second thread has
  // finished the chunks it claimed.
  void FinishPreparing() {
    if (before_ == nullptr) return;
    std::exception_ptr failure;
    try {
      PrepareChunks(*before_, 0);
    } catch (...) {
      failure = std::current_exception();
      StopClaims(*before_);
    }
    std::unique_lock lock(mutex_);
    job_ = nullptr;  // not taken yet: nothing is left of it
    changed_.wait(lock, [&] { return !worker_busy_; });
    if (!failure) failure = std::exchange(failure_, nullptr);
    if (failure) {
      // The batch is not added; a later call finds nothing to finish.
      before_->Clear();
      before_ = nullptr;
      std::rethrow_exception(failure);
    }
  }

  const int threads_;
  const Prepare prepare_;
  Target& target_;
  std::array<Batch, 2> batches_;
  Batch* filling_ = &batches_[0];
  Batch* before_ = nullptr;                 // handed over to be prepared, not yet added
  std::atomic<std::size_t> next_entry_{0};  // of before_: the first not claimed yet
  std::thread worker_;                      // started with the first batch handed over
  std::mutex mutex_;
  std::condition_variable changed_;
  Batch* job_ = nullptr;        // guarded by mutex_: handed over, not taken by the worker yet
  bool worker_busy_ = false;    // guarded by mutex_: the worker is preparing chunks
  std::exception_ptr failure_;  // guarded by mutex_: what preparing threw on the worker
  bool stopping_ = false;       // guarded by mutex_
};

}  // namespace fincyber::detect::internal
