// The loading pipeline hands batches to its target in order with one or two threads, and
// what preparing a batch throws on the second thread (running out of memory) reaches the
// loading thread instead of ending the process; a load that runs out of memory is an
// error, not a crash.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
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
  std::vector<std::thread::id> prepared_on;
};

struct NumberBatch {
  std::vector<int> values;
  std::thread::id prepared_on;
  void Clear() { values.clear(); }
  void AddTo(Received& target) {
    target.values.insert(target.values.end(), values.begin(), values.end());
    target.prepared_on.push_back(prepared_on);
  }
};

// Fills `batches` batches of three numbers each through a pipeline preparing on `threads`
// threads with `prepare`.
void RunPipeline(int threads, int batches, const std::function<void(NumberBatch&)>& prepare,
                 Received& received) {
  BatchPipeline<NumberBatch, Received> pipeline(threads, prepare, received);
  for (int b = 0; b < batches; ++b) {
    for (int i = 0; i < 3; ++i) pipeline.filling().values.push_back(b * 3 + i);
    if (b + 1 < batches) pipeline.Next(false);
  }
  pipeline.Finish();
}

TEST(BatchPipelineTest, BatchesReachTheTargetInOrderPreparedOnTheSecondThread) {
  const auto doubled = [](NumberBatch& batch) {
    for (int& v : batch.values) v *= 2;
    batch.prepared_on = std::this_thread::get_id();
  };
  for (const int threads : {1, 2}) {
    Received received;
    RunPipeline(threads, 50, doubled, received);
    ASSERT_EQ(received.values.size(), 150u) << threads;
    for (int i = 0; i < 150; ++i) EXPECT_EQ(received.values[i], 2 * i) << threads;
    int elsewhere = 0;
    for (const auto& id : received.prepared_on) elsewhere += id != std::this_thread::get_id();
    // With two threads every batch but the last is prepared on the second one.
    EXPECT_EQ(elsewhere, threads == 2 ? 49 : 0) << threads;
  }
}

TEST(BatchPipelineTest, WhatTheSecondThreadThrowsIsThrownToTheLoadingThread) {
  const auto failing_at = [](int failing_batch) {
    return [failing_batch](NumberBatch& batch) {
      if (batch.values.front() / 3 == failing_batch) throw std::bad_alloc();
      batch.prepared_on = std::this_thread::get_id();
    };
  };
  for (const int failing_batch : {0, 1, 7, 19}) {
    Received received;
    EXPECT_THROW(RunPipeline(2, 20, failing_at(failing_batch), received), std::bad_alloc)
        << failing_batch;
    // Batches before the failing one may be added; none from it on.
    for (const int v : received.values) EXPECT_LT(v / 3, failing_batch) << failing_batch;
  }
  Received received;
  EXPECT_THROW(RunPipeline(
                   2, 5, [](NumberBatch&) { throw std::runtime_error("bad row"); }, received),
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

// Under an address-space limit a large list cannot be loaded: the load says so.
// (AddressSanitizer reserves terabytes of address space, so the limit cannot be set there.)
TEST(IndicatorMemoryTest, RunningOutOfMemoryWhileLoadingIsAnError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  fincyber::testing::ScratchDir scratch("detect_batch_pipeline_test");
  const std::string path = WriteLargeDomainList(scratch);
  // Runs in the death test's child: exits 0 when the load reports running out of memory.
  const auto load_under_limit = [&path](int threads) {
    std::ifstream statm("/proc/self/statm");
    long pages = 0;
    statm >> pages;
    // Room for a thread and a little more, not for 400,000 indicators.
    const rlim_t limit = static_cast<rlim_t>(pages) * 4096 + (rlim_t{24} << 20);
    const rlimit address_space{limit, limit};
    if (setrlimit(RLIMIT_AS, &address_space) != 0) std::_Exit(3);
    MatcherBuilder builder;
    IndicatorFileOptions options;
    options.threads = threads;
    const Status loaded = LoadIndicatorFile(path, options, builder);
    std::_Exit(!loaded.ok() && loaded.error().code() == ErrorCode::kResourceExhausted ? 0 : 4);
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
  const auto build_under_limit = [&path] {
    MatcherBuilder builder;
    if (!LoadIndicatorFile(path, IndicatorFileOptions{}, builder).ok()) std::_Exit(5);
    std::ifstream statm("/proc/self/statm");
    long pages = 0;
    statm >> pages;
    const rlim_t limit = static_cast<rlim_t>(pages) * 4096;  // no new mapping
    const rlimit address_space{limit, limit};
    if (setrlimit(RLIMIT_AS, &address_space) != 0) std::_Exit(3);
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
    std::_Exit(!built.ok() && built.error().code() == ErrorCode::kResourceExhausted ? 0 : 4);
  };
  EXPECT_EXIT(build_under_limit(), ::testing::ExitedWithCode(0), "");
}
#endif

}  // namespace
}  // namespace fincyber::detect
