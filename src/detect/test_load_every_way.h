// Loads one indicator file in every way the loader may split its work, for tests that
// check the split changes nothing: on one thread in one batch, on two threads in batches
// of several sizes, and on one thread in small batches.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include "base/result.h"
#include "detect/indicator_files.h"
#include "detect/matcher.h"
#include "detect/test_builder_summary.h"

namespace fincyber::detect {

// The load's status and the summary of what it built.
inline std::string LoadSummary(const std::string& path, IndicatorFileOptions options, int threads,
                               std::size_t batch_entries) {
  MatcherBuilder builder;
  options.threads = threads;
  options.batch_entries = batch_entries;
  const Status loaded = LoadIndicatorFile(path, options, builder);
  return (loaded.ok() ? std::string("ok") : loaded.error().safe_message()) + "\n" +
         BuilderSummary(builder, SummaryOrder::kAsBuilt);
}

// Each load must give what the first (one thread, one batch) gave, which it returns.
inline std::string ExpectSameEveryWay(const std::string& path,
                                      const IndicatorFileOptions& options = {}) {
  const std::string expected = LoadSummary(path, options, 1, std::size_t{1} << 30);
  for (const std::size_t batch_entries : {1, 2, 3, 7, 64, 1000, 4096}) {
    EXPECT_EQ(LoadSummary(path, options, 2, batch_entries), expected)
        << "two threads, batches of " << batch_entries;
  }
  EXPECT_EQ(LoadSummary(path, options, 1, 3), expected) << "one thread, batches of 3";
  return expected;
}

}  // namespace fincyber::detect
