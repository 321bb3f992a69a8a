// Follow mode (rotation, truncation, a truncated gzip file, a file that appears late),
// stopping, and a matcher swapped in while a scan runs.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "detect/report.h"
#include "detect/scan.h"
#include "testing/scratch_dir.h"

namespace fincyber::detect {
namespace {

using namespace std::chrono_literals;

constexpr char kEvil[] = "indicator--00000000-0000-4000-8000-00000000000a";
constexpr char kBad[] = "indicator--00000000-0000-4000-8000-00000000000b";

std::shared_ptr<const Matcher> Compile(const std::vector<std::pair<std::string, std::string>>& domains) {
  MatcherBuilder builder;
  for (const auto& [id, domain] : domains) {
    builder.AddPattern(id, "[domain-name:value = '" + domain + "']");
  }
  return std::move(builder.Build()).value();
}

// Collects matches; tests wait for a number of them.
class WaitingSink final : public MatchSink {
 public:
  void Write(const std::vector<Match>& matches) override {
    std::lock_guard lock(mutex_);
    all_.insert(all_.end(), matches.begin(), matches.end());
    changed_.notify_all();
  }
  bool WaitFor(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return all_.size() >= count; });
  }
  bool WaitForRecord(const std::string& record) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] {
      return std::any_of(all_.begin(), all_.end(), [&](const Match& m) { return m.record == record; });
    });
  }
  std::vector<Match> all() {
    std::lock_guard lock(mutex_);
    return all_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Match> all_;
};

class FollowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.follow = true;
    options_.follow_poll = 20ms;
  }
  void TearDown() override { Stop(); }
  std::string Path(const std::string& name) { return dir_ + "/" + name; }
  void Append(const std::string& name, const std::string& text) {
    std::ofstream(Path(name), std::ios::binary | std::ios::app) << text;
  }
  void Start(std::vector<std::string> inputs) {
    scan_ = std::thread([this, inputs] {
      summary_ = Scan(slot_, inputs, options_, sink_, clock_, &control_);
    });
  }
  void Stop() {
    control_.stop = true;
    if (scan_.joinable()) scan_.join();
  }

  fincyber::testing::ScratchDir scratch_{"detect_follow_test"};
  const std::string dir_ = scratch_.path();
  ScanOptions options_;
  MatcherSlot slot_{Compile({{kEvil, "evil.example"}})};
  WaitingSink sink_;
  FakeClock clock_{FromUnixMillis(1700000000000)};
  ScanControl control_;
  ScanSummary summary_;
  std::thread scan_;
};

TEST_F(FollowTest, ReadsGrowthRotationAndTruncation) {
  Append("app.log", "start evil.example\npartial line with evil.");
  Start({Path("app.log")});
  ASSERT_TRUE(sink_.WaitFor(1));
  // The partial line waits for its end.
  Append("app.log", "example done\n");
  ASSERT_TRUE(sink_.WaitFor(2));
  EXPECT_EQ(sink_.all()[1].line, 2u);
  EXPECT_EQ(sink_.all()[1].record, "partial line with evil.example done");
  // Rotation: renamed, recreated. A line written to the old file before the new one
  // appears is still read.
  std::filesystem::rename(Path("app.log"), Path("app.log.1"));
  Append("app.log.1", "late in old www.evil.example\n");
  ASSERT_TRUE(sink_.WaitFor(3));
  Append("app.log", "new file evil.example\n");
  ASSERT_TRUE(sink_.WaitFor(4));
  EXPECT_EQ(sink_.all()[3].line, 1u) << "line numbers restart with the new file";
  EXPECT_EQ(sink_.all()[3].offset, 0u);
  // Truncation in place (copytruncate): read again from the start.
  std::filesystem::resize_file(Path("app.log"), 0);
  std::this_thread::sleep_for(100ms);
  Append("app.log", "after truncation evil.example\n");
  ASSERT_TRUE(sink_.WaitFor(5));
  EXPECT_EQ(sink_.all()[4].record, "after truncation evil.example");
  // Sightings are counted while following, before the scan ends.
  const auto so_far = control_.sightings.Snapshot();
  ASSERT_EQ(so_far.size(), 1u);
  EXPECT_EQ(so_far[0].indicator_id, kEvil);
  EXPECT_EQ(so_far[0].count, 5u);
  Stop();
  EXPECT_TRUE(summary_.complete());
  EXPECT_EQ(summary_.matches, 5u);
  ASSERT_EQ(summary_.sightings.size(), 1u);
  EXPECT_EQ(summary_.sightings[0].count, 5u);
}

// Looks at the tally as each batch of matches arrives: it must already count them.
class TallyCheckingSink final : public MatchSink {
 public:
  explicit TallyCheckingSink(const SightingTally& tally) : tally_(tally) {}
  void Write(const std::vector<Match>& matches) override {
    written_ += matches.size();
    std::uint64_t counted = 0;
    for (const IndicatorSighting& sighting : tally_.Snapshot()) counted += sighting.count;
    if (counted < written_) ++batches_counted_late_;
    ++batches_;
  }
  std::uint64_t written_ = 0;
  int batches_ = 0;
  int batches_counted_late_ = 0;

 private:
  const SightingTally& tally_;
};

TEST_F(FollowTest, MatchesAreCountedBeforeTheyAreWritten) {
  TallyCheckingSink checking(control_.sightings);
  Append("app.log", "evil.example\n");
  std::thread scan(
      [&] { summary_ = Scan(slot_, {Path("app.log")}, options_, checking, clock_, &control_); });
  // A batch written before waiting for more data, then many batches while reading a
  // large file, then one at the end.
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "evil.example " + std::to_string(i) + "\n";
  std::this_thread::sleep_for(100ms);
  Append("app.log", many);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline &&
         (control_.sightings.Snapshot().empty() || control_.sightings.Snapshot()[0].count < 1001)) {
    std::this_thread::sleep_for(10ms);
  }
  control_.stop = true;
  scan.join();
  EXPECT_EQ(checking.written_, 1001u);
  EXPECT_GE(checking.batches_, 2);
  EXPECT_EQ(checking.batches_counted_late_, 0);
}

TEST_F(FollowTest, WaitsForAFileThatDoesNotExistYet) {
  Start({Path("later.log")});
  std::this_thread::sleep_for(100ms);
  Append("later.log", "evil.example\n");
  ASSERT_TRUE(sink_.WaitFor(1));
  Stop();
  EXPECT_TRUE(summary_.complete());
}

TEST_F(FollowTest, TruncatedGzipRotatedAwayIsReportedAndFollowingGoesOn) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + " evil.example\n";
  {
    gzFile file = gzopen(Path("full.gz").c_str(), "wb");
    gzwrite(file, text.data(), static_cast<unsigned>(text.size()));
    gzclose(file);
  }
  const auto size = std::filesystem::file_size(Path("full.gz"));
  std::filesystem::copy_file(Path("full.gz"), Path("app.log"));
  std::filesystem::resize_file(Path("app.log"), size / 2);
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  control_.on_input_error = [&](const std::string& input, const Error& error) {
    std::lock_guard lock(errors_mutex);
    errors.push_back(input + ": " + error.safe_message());
  };
  Start({Path("app.log")});
  ASSERT_TRUE(sink_.WaitFor(100));  // what the first half decompresses to
  std::filesystem::rename(Path("app.log"), Path("app.log.1"));
  Append("app.log", "plain again evil.example\n");
  ASSERT_TRUE(sink_.WaitForRecord("plain again evil.example"));
  Stop();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("truncated gzip data"), std::string::npos) << errors[0];
  EXPECT_FALSE(summary_.complete());
  EXPECT_LT(summary_.matches, 20000u);
}

TEST_F(FollowTest, SeveralFilesAtOnceWhateverTheThreadCount) {
  options_.threads = 1;
  Append("a.log", "a evil.example\n");
  Append("b.log", "b evil.example\n");
  Start({Path("a.log"), Path("b.log")});
  ASSERT_TRUE(sink_.WaitFor(2));
  Append("b.log", "b again evil.example\n");
  Append("a.log", "a again evil.example\n");
  ASSERT_TRUE(sink_.WaitFor(4));
  Stop();
  EXPECT_EQ(summary_.inputs[0].matches, 2u);
  EXPECT_EQ(summary_.inputs[1].matches, 2u);
}

TEST_F(FollowTest, ANewMatcherIsUsedForRecordsReadAfterTheSwap) {
  Append("app.log", "evil.example and bad.example\n");
  Start({Path("app.log")});
  ASSERT_TRUE(sink_.WaitFor(1));
  const std::uint64_t generation = slot_.generation();
  slot_.Swap(Compile({{kBad, "bad.example"}, {kEvil, "evil.example"}}));
  EXPECT_EQ(slot_.generation(), generation + 1);
  Append("app.log", "evil.example and bad.example\n");
  ASSERT_TRUE(sink_.WaitFor(3));
  Stop();
  const std::vector<Match> all = sink_.all();
  ASSERT_EQ(all.size(), 3u);
  // Each match names its indicator through the matcher that found it.
  EXPECT_NE(MatchToJsonLine("app.log", all[0]).find(kEvil), std::string::npos);
  std::vector<std::string> second{MatchToJsonLine("app.log", all[1]), MatchToJsonLine("app.log", all[2])};
  std::sort(second.begin(), second.end());
  EXPECT_NE(second[0].find(kEvil), std::string::npos) << second[0];
  EXPECT_NE(second[1].find(kBad), std::string::npos) << second[1];
  // Sightings are by id across both matchers.
  ASSERT_EQ(summary_.sightings.size(), 2u);
  EXPECT_EQ(summary_.sightings[0].indicator_id, kEvil);
  EXPECT_EQ(summary_.sightings[0].count, 2u);
  EXPECT_EQ(summary_.sightings[1].indicator_id, kBad);
  EXPECT_EQ(summary_.sightings[1].count, 1u);
}

// Counts matches and keeps none, so that they hold no matcher.
class CountingSink final : public MatchSink {
 public:
  void Write(const std::vector<Match>& matches) override {
    std::lock_guard lock(mutex_);
    count_ += matches.size();
    changed_.notify_all();
  }
  bool WaitFor(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return count_ >= count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t count_ = 0;
};

bool FreedWithin(const std::weak_ptr<const Matcher>& matcher, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!matcher.expired()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(MatcherSlotTest, AReplacedMatcherIsFreedWhenItsLastReaderLetsGo) {
  std::shared_ptr<const Matcher> first = Compile({{kEvil, "evil.example"}});
  const std::weak_ptr<const Matcher> first_alive = first;
  MatcherSlot slot(std::move(first));
  std::shared_ptr<const Matcher> reader = slot.Current();
  std::shared_ptr<const Matcher> second = Compile({{kBad, "bad.example"}});
  const std::weak_ptr<const Matcher> second_alive = second;
  slot.Swap(std::move(second));
  EXPECT_EQ(slot.Current()->IndicatorId(0), kBad);
  EXPECT_FALSE(first_alive.expired()) << "a reader still holds it";
  reader.reset();
  EXPECT_TRUE(FreedWithin(first_alive, 10s));
  // A matcher replaced while nobody reads it is freed at once too.
  slot.Swap(Compile({{kEvil, "evil.example"}}));
  EXPECT_TRUE(FreedWithin(second_alive, 10s));
}

TEST(MatcherSlotTest, AMatcherHeldPastTheSlotIsFreedByItsLastHolder) {
  std::shared_ptr<const Matcher> matcher = Compile({{kEvil, "evil.example"}});
  const std::weak_ptr<const Matcher> alive = matcher;
  std::shared_ptr<const Matcher> held;
  {
    MatcherSlot slot(std::move(matcher));
    slot.Swap(Compile({{kBad, "bad.example"}}));
    held = slot.Current();
  }
  EXPECT_TRUE(FreedWithin(alive, 10s)) << "replaced and not held";
  EXPECT_EQ(held->IndicatorId(0), kBad);
  const std::weak_ptr<const Matcher> held_alive = held;
  held.reset();
  EXPECT_TRUE(held_alive.expired());
}

TEST_F(FollowTest, TheOldMatcherIsFreedAtTheScanningThreadsNextRecord) {
  std::shared_ptr<const Matcher> before = Compile({{kEvil, "evil.example"}});
  const std::weak_ptr<const Matcher> before_alive = before;
  slot_.Swap(std::move(before));
  CountingSink counting;
  Append("app.log", "evil.example\n");
  std::thread scan(
      [&] { summary_ = Scan(slot_, {Path("app.log")}, options_, counting, clock_, &control_); });
  ASSERT_TRUE(counting.WaitFor(1));
  slot_.Swap(Compile({{kEvil, "evil.example"}}));
  // The scanning thread, waiting for more of the file, still holds the old matcher.
  EXPECT_FALSE(before_alive.expired());
  Append("app.log", "evil.example again\n");
  ASSERT_TRUE(counting.WaitFor(2));
  EXPECT_TRUE(FreedWithin(before_alive, 10s));
  control_.stop = true;
  scan.join();
  EXPECT_EQ(summary_.matches, 2u);
}

TEST_F(FollowTest, StoppingAScanThatDoesNotFollowLeavesItIncomplete) {
  options_.follow = false;
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "evil.example\n";
  Append("a.log", text);
  control_.stop = true;
  Start({Path("a.log")});
  scan_.join();
  EXPECT_FALSE(summary_.complete());
  ASSERT_TRUE(summary_.inputs[0].error.has_value());
  EXPECT_NE(summary_.inputs[0].error->safe_message().find("stopped"), std::string::npos);
}

TEST(SightingsBundleVersions, AStableIdAndCreatedWithALaterModified) {
  SightingOptions options;
  options.now_millis = 1700000100000;
  options.created_millis = 1700000000000;
  options.new_uuid = [] { return std::string("00000000-0000-4000-8000-000000000001"); };
  options.sighting_id = [](std::string_view indicator) {
    return "sighting--" + std::string(indicator.substr(indicator.size() - 36));
  };
  const SightingsResult result =
      SightingsBundle({IndicatorSighting{kEvil, 3, 1700000000000, 1700000050000}}, options);
  const Json& sighting = result.bundle["objects"][0];
  EXPECT_EQ(sighting["id"], "sighting--00000000-0000-4000-8000-00000000000a");
  EXPECT_EQ(sighting["created"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(sighting["modified"], "2023-11-14T22:15:00.000Z");
}

}  // namespace
}  // namespace fincyber::detect
