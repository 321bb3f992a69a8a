// The loading pipeline hands batches to its target in order with one or two threads, and
// what preparing a batch throws on the second thread (running out of memory) reaches the
// loading thread instead of ending the process; a load that runs out of memory is an
// error, not a crash.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "detect/indicator_files.h"
#include "detect/internal/batch_pipeline.h"
#include "detect/matcher.h"
#include "testing/scratch_dir.h"

namespace fincyber::detect {
namespace {

using internal::BatchPipeline;

struct Received {
  std::vector<int> values;
  std::vector<int> prepared_on;  // per value: the thread that prepared it
};

struct NumberBatch {
  std::vector<int> values;
  std::vector<int> prepared_on;
  std::size_t size() const { return values.size(); }
  void ReadyToPrepare() { prepared_on.assign(values.size(), -1); }
  void Clear() { values.clear(); }
  void AddTo(Received& target) {
    target.values.insert(target.values.end(), values.begin(), values.end());
    target.prepared_on.insert(target.prepared_on.end(), prepared_on.begin(), prepared_on.end());
  }
};

using Prepare = BatchPipeline<NumberBatch, Received>::Prepare;

// Fills `batches` batches of `per_batch` numbers each through a pipeline preparing on
// `threads` threads with `prepare`.
void RunPipeline(int threads, int batches, int per_batch, const Prepare& prepare,
                 Received& received) {
  BatchPipeline<NumberBatch, Received> pipeline(threads, prepare, received);
  for (int b = 0; b < batches; ++b) {
    for (int i = 0; i < per_batch; ++i) pipeline.filling().values.push_back(b * per_batch + i);
    if (b + 1 < batches) pipeline.Next();
  }
  pipeline.Finish();
}

TEST(BatchPipelineTest, EveryEntryIsPreparedOnceAndReachesTheTargetInOrder) {
  // Slow enough that the second thread takes part in every batch it is handed.
  const Prepare doubled = [](NumberBatch& batch, std::size_t begin, std::size_t end, int thread) {
    for (std::size_t i = begin; i < end; ++i) {
      EXPECT_EQ(batch.prepared_on[i], -1) << "prepared twice";
      batch.values[i] *= 2;
      batch.prepared_on[i] = thread;
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
  };
  for (const int threads : {1, 2}) {
    Received received;
    RunPipeline(threads, 30, 100, doubled, received);
    ASSERT_EQ(received.values.size(), 3000u) << threads;
    for (int i = 0; i < 3000; ++i) EXPECT_EQ(received.values[i], 2 * i) << threads;
    const auto on_second = std::count(received.prepared_on.begin(), received.prepared_on.end(), 1);
    EXPECT_EQ(std::count(received.prepared_on.begin(), received.prepared_on.end(), -1), 0);
    if (threads == 1) {
      EXPECT_EQ(on_second, 0);
    } else {
      // Both threads prepare: the second from the moment a batch is handed over, the
      // loading thread once it has nothing else to do.
      EXPECT_GT(on_second, 0);
      EXPECT_LT(on_second, 3000);
    }
  }
}

TEST(BatchPipelineTest, WhatEitherThreadThrowsIsThrownToTheLoadingThread) {
  // Throws from the value `failing_value` on, on `failing_thread` (either when -1), and
  // keeps the first batch it threw in.
  std::atomic<int> failed_batch{0};
  const auto failing_at = [&](int failing_value, int failing_thread) -> Prepare {
    return [&, failing_value, failing_thread](NumberBatch& batch, std::size_t begin,
                                              std::size_t end, int thread) {
      for (std::size_t i = begin; i < end; ++i) {
        if (batch.values[i] >= failing_value && (failing_thread < 0 || thread == failing_thread)) {
          const int failing_batch = batch.values[i] / 100;
          int before = failed_batch.load();
          while (failing_batch < before &&
                 !failed_batch.compare_exchange_weak(before, failing_batch)) {
          }
          throw std::bad_alloc();
        }
        batch.prepared_on[i] = thread;
        std::this_thread::sleep_for(std::chrono::microseconds(20));
      }
    };
  };
  // A thread fails only where it prepares: the other may have prepared every entry from
  // the failing value on, and the load then ends well.
  int thrown_on_second = 0;
  for (const int failing_thread : {-1, 0, 1}) {
    for (const int failing_value : {0, 100, 735, 1990}) {
      failed_batch = 1000;
      Received received;
      bool thrown = false;
      try {
        RunPipeline(2, 20, 100, failing_at(failing_value, failing_thread), received);
      } catch (const std::bad_alloc&) {
        thrown = true;
      }
      const std::string where =
          std::to_string(failing_value) + " on " + std::to_string(failing_thread);
      EXPECT_EQ(thrown, failed_batch.load() < 1000) << where;
      if (failing_thread < 0) {
        EXPECT_TRUE(thrown) << where;
      }
      thrown_on_second += thrown && failing_thread == 1;
      // Batches before the failing one may be added; none from it on.
      EXPECT_GE(failed_batch.load(), failing_value / 100) << where;
      for (const int v : received.values) EXPECT_LT(v / 100, failed_batch.load()) << where;
      if (!thrown) {
        EXPECT_EQ(received.values.size(), 2000u) << where;
      }
    }
  }
  EXPECT_GT(thrown_on_second, 0);
  Received received;
  EXPECT_THROW(
      RunPipeline(
          2, 5, 3,
          [](NumberBatch&, std::size_t, std::size_t, int) { throw std::runtime_error("bad row"); },
          received),
      std::runtime_error);
  EXPECT_TRUE(received.values.empty());
}

#if !defined(__SANITIZE_ADDRESS__)
// A CSV list of 400,000 domains in `scratch`; returns its path.
std::string WriteLargeDomainList(fincyber::testing::ScratchDir& scratch) {
  std::string csv = "type,value\n";
  for (int i = 0; i < 400000; ++i) {
    csv += "domain,host" + std::to_string(i) + ".memory-" + std::to_string(i % 97) + ".example\n";
  }
  return scratch.WriteFile(csv);
}

// A death test's child ends with _Exit, which runs no destructor: it removes its scratch
// file and directory first, by system calls that allocate nothing (memory is short there).
[[noreturn]] void ExitRemoving(const std::string& file, const std::string& directory, int code) {
  ::unlink(file.c_str());
  ::rmdir(directory.c_str());
  std::_Exit(code);
}

// Under an address-space limit a large list cannot be loaded: the load says so.
// (AddressSanitizer reserves terabytes of address space, so the limit cannot be set there.)
TEST(IndicatorMemoryTest, RunningOutOfMemoryWhileLoadingIsAnError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  fincyber::testing::ScratchDir scratch("detect_batch_pipeline_test");
  const std::string path = WriteLargeDomainList(scratch);
  // Runs in the death test's child: exits 0 when the load reports running out of memory.
  const auto load_under_limit = [&](int threads) {
    std::ifstream statm("/proc/self/statm");
    long pages = 0;
    statm >> pages;
    // Room for a thread and a little more, not for 400,000 indicators.
    const rlim_t limit = static_cast<rlim_t>(pages) * 4096 + (rlim_t{24} << 20);
    const rlimit address_space{limit, limit};
    if (setrlimit(RLIMIT_AS, &address_space) != 0) ExitRemoving(path, scratch.path(), 3);
    MatcherBuilder builder;
    IndicatorFileOptions options;
    options.threads = threads;
    const Status loaded = LoadIndicatorFile(path, options, builder);
    ExitRemoving(path, scratch.path(),
                 !loaded.ok() && loaded.error().code() == ErrorCode::kResourceExhausted ? 0 : 4);
  };
  for (const int threads : {1, 2}) {
    EXPECT_EXIT(load_under_limit(threads), ::testing::ExitedWithCode(0), "") << threads;
  }
}

// Loaded with room to spare, then compiled with none: Build says so instead of throwing.
TEST(IndicatorMemoryTest, RunningOutOfMemoryWhileCompilingIsAnError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  fincyber::testing::ScratchDir scratch("detect_batch_pipeline_test");
  const std::string path = WriteLargeDomainList(scratch);
  const auto build_under_limit = [&] {
    MatcherBuilder builder;
    if (!LoadIndicatorFile(path, IndicatorFileOptions{}, builder).ok())
      ExitRemoving(path, scratch.path(), 5);
    std::ifstream statm("/proc/self/statm");
    long pages = 0;
    statm >> pages;
    const rlim_t limit = static_cast<rlim_t>(pages) * 4096;  // no new mapping
    const rlimit address_space{limit, limit};
    if (setrlimit(RLIMIT_AS, &address_space) != 0) ExitRemoving(path, scratch.path(), 3);
    // The heap's free space, left by loading, taken too: compiling must allocate afresh.
    std::vector<std::unique_ptr<char[]>> taken;
    taken.reserve(1 << 16);
    for (std::size_t block = std::size_t{1} << 20; block >= 256; block /= 4) {
      try {
        while (taken.size() < taken.capacity()) taken.emplace_back(new char[block]);
      } catch (const std::bad_alloc&) {
      }
    }
    taken.resize(taken.size() - std::min<std::size_t>(taken.size(), 16));  // small ones back
    auto built = builder.Build();
    ExitRemoving(path, scratch.path(),
                 !built.ok() && built.error().code() == ErrorCode::kResourceExhausted ? 0 : 4);
  };
  EXPECT_EXIT(build_under_limit(), ::testing::ExitedWithCode(0), "");
}
#endif

}  // namespace
}  // namespace fincyber::detect
