// Checking a log sample against a collection on the hub: what matches and where, only the
// indicators the caller's organisation may see, the compiled set following the
// collection, and hostile samples.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "sharing/log_check.h"
#include "sharing/test_hub.h"

namespace fincyber::sharing {
namespace {

using namespace std::chrono_literals;

std::string SquidLine(const std::string& url) {
  return "1790000000.123    245 192.0.2.10 TCP_MISS/200 1234 GET " + url +
         " - HIER_DIRECT/198.51.100.7 text/html\n";
}

class SharingLogCheckTest : public ::testing::TestWithParam<std::string> {
 protected:
  SharingLogCheckTest() : hub_(GetParam()) {}

  Result<LogCheckResult> Check(const identity::User& user, std::string_view sample,
                               const std::string& collection_id = "") {
    return checker_.Check(hub_.P(user), collection_id.empty() ? hub_.indicators.id : collection_id,
                          sample, detect::LogFormat::kAuto);
  }
  // The ids of the indicators matched in `sample` by `user`, in order of first line.
  std::vector<std::string> Matched(const identity::User& user, std::string_view sample) {
    auto result = Check(user, sample);
    EXPECT_TRUE(result.ok()) << result.error().internal_message();
    std::vector<std::string> ids;
    if (result.ok()) {
      for (const auto& i : result->by_indicator) ids.push_back(i.indicator_id);
    }
    return ids;
  }

  // An indicator for red.example, TLP:RED with bank C its one named recipient.
  Json RedForC(const std::string& id) const {
    return TestHub::Indicator(id, "red.example", "2024-05-01T00:00:00.000Z",
                              {TestHub::Marking(stix::Tlp::kRed)}, {hub_.bank_c.id});
  }

  TestHub hub_;
  LogChecker checker_{hub_.service, hub_.s.clock};
};

TEST_P(SharingLogCheckTest, ReportsEachMatchWithItsLineAndPlace) {
  const std::string evil = TestHub::NewIndicatorId();
  const std::string other = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member,
             {TestHub::Indicator(evil, "evil.example"), TestHub::Indicator(other, "c2.example")});
  const std::string sample = SquidLine("http://www.evil.example/a.js") +  // subdomain
                             SquidLine("http://notevil.example/b.js") +   // near miss
                             SquidLine("http://evil.example.org/c.js") +  // another suffix
                             SquidLine("http://EVIL.EXAMPLE/d.js") +      // case
                             SquidLine("http://benign.example/?next=c2.example");
  auto result = Check(hub_.s.b_admin, sample);
  ASSERT_TRUE(result.ok()) << result.error().internal_message();
  EXPECT_EQ(result->format, detect::LogFormat::kSquid);
  EXPECT_EQ(result->indicators, 2u);
  EXPECT_EQ(result->lines, 5u);
  EXPECT_EQ(result->bytes, sample.size());
  EXPECT_EQ(result->matches, 3u);
  ASSERT_EQ(result->listed.size(), 3u);
  const LogCheckMatch& first = result->listed[0];
  EXPECT_EQ(first.line, 1u);
  EXPECT_EQ(first.matched, "www.evil.example");
  EXPECT_EQ(sample.substr(first.offset, first.matched.size()), "www.evil.example");
  EXPECT_EQ(first.indicator_id, evil);
  EXPECT_EQ(first.kind, "domain");
  EXPECT_EQ(first.observable, "evil.example");
  EXPECT_EQ(first.record + "\n", SquidLine("http://www.evil.example/a.js"));
  EXPECT_EQ(result->listed[1].line, 4u);
  EXPECT_EQ(result->listed[1].matched, "EVIL.EXAMPLE");
  EXPECT_EQ(result->listed[2].line, 5u);
  EXPECT_EQ(result->listed[2].indicator_id, other);
  ASSERT_EQ(result->by_indicator.size(), 2u);
  EXPECT_EQ(result->by_indicator[0].indicator_id, evil);
  EXPECT_EQ(result->by_indicator[0].count, 2u);
  EXPECT_EQ(result->by_indicator[0].first_line, 1u);
  EXPECT_EQ(result->by_indicator[1].count, 1u);
  EXPECT_EQ(result->by_indicator[1].first_line, 5u);
  EXPECT_EQ(result->by_indicator[0].name, "C2 evil.example");
  EXPECT_EQ(result->by_indicator[1].name, "C2 c2.example");

  const Json json = ToJson(*result);
  EXPECT_EQ(json["by_indicator"][0]["name"], "C2 evil.example");
  EXPECT_EQ(json["format"], "squid");
  EXPECT_EQ(json["matches"], 3);
  EXPECT_EQ(json["listed_all"], true);
  EXPECT_EQ(json["listed"][0]["matched"], "www.evil.example");
}

// Names come from each indicator's latest version; an indicator without one is listed
// by its id alone.
TEST_P(SharingLogCheckTest, NamesTheMatchedIndicators) {
  const std::string renamed = TestHub::NewIndicatorId();
  const std::string nameless = TestHub::NewIndicatorId();
  Json without_name = TestHub::Indicator(nameless, "plain.example");
  without_name.erase("name");
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(renamed, "renamed.example"), without_name});
  Json newer = TestHub::Indicator(renamed, "renamed.example", "2024-06-01T00:00:00.000Z");
  newer["name"] = "Phishing kit host";
  hub_.AddOk(hub_.s.a_member, {newer});
  auto result = Check(hub_.s.b_admin,
                      SquidLine("http://plain.example/") + SquidLine("http://renamed.example/"));
  ASSERT_TRUE(result.ok()) << result.error().internal_message();
  ASSERT_EQ(result->by_indicator.size(), 2u);
  EXPECT_EQ(result->by_indicator[0].indicator_id, nameless);
  EXPECT_EQ(result->by_indicator[0].name, "");
  EXPECT_EQ(result->by_indicator[1].name, "Phishing kit host");
  const Json json = ToJson(*result);
  EXPECT_FALSE(json["by_indicator"][0].contains("name"));
  EXPECT_EQ(json["by_indicator"][1]["name"], "Phishing kit host");
}

TEST_P(SharingLogCheckTest, MatchesOnlyWhatTheOrganisationMaySee) {
  const std::string green = TestHub::NewIndicatorId();
  const std::string red_for_c = TestHub::NewIndicatorId();
  const std::string strict = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member,
             {TestHub::Indicator(green, "green.example"), RedForC(red_for_c),
              TestHub::Indicator(strict, "strict.example", "2024-05-01T00:00:00.000Z",
                                 {TestHub::Marking(stix::Tlp::kAmberStrict)})});
  const std::string sample = SquidLine("http://green.example/") + SquidLine("http://red.example/") +
                             SquidLine("http://strict.example/");
  // TLP:RED reaches its named recipient and its author only.
  EXPECT_EQ(Matched(hub_.c_member, sample), (std::vector<std::string>{green, red_for_c, strict}));
  EXPECT_EQ(Matched(hub_.s.a_member, sample), (std::vector<std::string>{green, red_for_c, strict}));
  EXPECT_EQ(Matched(hub_.s.b_admin, sample), (std::vector<std::string>{green, strict}));
  // Asked again, from the kept set: still B's own view, not C's.
  EXPECT_EQ(Matched(hub_.s.b_admin, sample), (std::vector<std::string>{green, strict}));
  // Outside the read group the collection does not exist.
  EXPECT_EQ(Check(hub_.d_member, sample).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(Check(hub_.s.coord, sample).error().code(), ErrorCode::kNotFound);
  // Counts say nothing either: B's result holds no trace of the RED indicator.
  auto for_b = Check(hub_.s.b_admin, sample);
  ASSERT_TRUE(for_b.ok());
  EXPECT_EQ(for_b->indicators, 2u);
  EXPECT_EQ(for_b->matches, 2u);
}

TEST_P(SharingLogCheckTest, ChecksAtOnceEachGetTheirOrganisationsView) {
  const std::string green = TestHub::NewIndicatorId();
  const std::string red_for_c = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(green, "green.example"), RedForC(red_for_c)});
  const std::string sample = SquidLine("http://green.example/") + SquidLine("http://red.example/");
  const identity::Principal b = hub_.P(hub_.s.b_admin);
  const identity::Principal c = hub_.P(hub_.c_member);
  std::atomic<int> wrong = 0;
  std::vector<std::thread> checks;
  for (int i = 0; i < 8; ++i) {
    checks.emplace_back([&, i] {
      const bool as_c = i % 2 == 1;
      auto result =
          checker_.Check(as_c ? c : b, hub_.indicators.id, sample, detect::LogFormat::kAuto);
      if (!result.ok() || result->matches != (as_c ? 2u : 1u)) ++wrong;
    });
  }
  for (std::thread& check : checks) check.join();
  EXPECT_EQ(wrong, 0);
}

// A check that would have to wait for its set is answered Unavailable and the set is
// compiled meanwhile; asked again, the check is served from it. Access is answered first:
// an outsider gets NotFound, as from any check.
TEST_P(SharingLogCheckTest, ACheckWhoseSetIsStillCompilingIsAskedToComeBack) {
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "later.example")});
  LogChecker impatient(hub_.service, hub_.s.clock, std::chrono::milliseconds(0));
  const std::string sample = SquidLine("http://later.example/");
  const auto check = [&](const identity::User& user) {
    return impatient.Check(hub_.P(user), hub_.indicators.id, sample, detect::LogFormat::kAuto);
  };
  EXPECT_EQ(check(hub_.d_member).error().code(), ErrorCode::kNotFound);
  auto result = check(hub_.s.b_admin);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  for (int attempt = 0; attempt < 400 && !result.ok(); ++attempt) {
    std::this_thread::sleep_for(25ms);
    result = check(hub_.s.b_admin);
  }
  ASSERT_TRUE(result.ok()) << result.error().internal_message();
  EXPECT_EQ(result->matches, 1u);
  ASSERT_EQ(result->by_indicator.size(), 1u);
  EXPECT_EQ(result->by_indicator[0].indicator_id, id);
}

TEST_P(SharingLogCheckTest, AWriteOnlyCollectionIsNotReadThroughAChecks) {
  auto inbox = hub_.RegulatorInbox();
  ASSERT_TRUE(inbox.ok()) << inbox.error().internal_message();
  hub_.AddOk(hub_.s.b_admin, {TestHub::Indicator(TestHub::NewIndicatorId(), "inbox.example")},
             inbox->id);
  const std::string sample = SquidLine("http://inbox.example/");
  EXPECT_EQ(Check(hub_.s.a_member, sample, inbox->id).error().code(), ErrorCode::kPermissionDenied);
  auto for_regulator = Check(hub_.s.coord, sample, inbox->id);
  ASSERT_TRUE(for_regulator.ok()) << for_regulator.error().internal_message();
  EXPECT_EQ(for_regulator->matches, 1u);
}

TEST_P(SharingLogCheckTest, TheCompiledSetFollowsTheCollection) {
  const std::string first = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(first, "first.example")});
  const std::string sample = SquidLine("http://first.example/") +
                             SquidLine("http://second.example/") +
                             SquidLine("http://gone.example/");
  EXPECT_EQ(Matched(hub_.s.b_admin, sample), std::vector<std::string>{first});

  // A new indicator is matched at the next check.
  const std::string second = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(second, "second.example")});
  EXPECT_EQ(Matched(hub_.s.b_admin, sample), (std::vector<std::string>{first, second}));

  // A revoked version ends the first one.
  Json revoked = TestHub::Indicator(first, "first.example", "2024-06-01T00:00:00.000Z");
  revoked["revoked"] = true;
  hub_.AddOk(hub_.s.a_member, {revoked});
  EXPECT_EQ(Matched(hub_.s.b_admin, sample), std::vector<std::string>{second});

  // A deleted one stops at the next check: a deletion adds nothing newer to see, but the
  // collection counts it.
  const std::string gone = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(gone, "gone.example")});
  EXPECT_EQ(Matched(hub_.s.b_admin, sample), (std::vector<std::string>{second, gone}));
  auto deleted =
      hub_.service.DeleteObject(hub_.P(hub_.s.a_admin), hub_.indicators.id, gone, {}, hub_.info);
  ASSERT_TRUE(deleted.ok()) << deleted.error().internal_message();
  EXPECT_EQ(Matched(hub_.s.b_admin, sample), std::vector<std::string>{second});
  // A deletion refused changes nothing.
  EXPECT_FALSE(
      hub_.service.DeleteObject(hub_.P(hub_.s.a_admin), hub_.indicators.id, gone, {}, hub_.info)
          .ok());
  auto deletions = hub_.service.CollectionDeletions(hub_.indicators.id);
  ASSERT_TRUE(deletions.ok());
  EXPECT_EQ(*deletions, 1);

  // One whose valid_until passes is left out when the set is rebuilt, after kMaxMatcherAge.
  const std::string expiring = TestHub::NewIndicatorId();
  Json soon = TestHub::Indicator(expiring, "gone.example");
  soon["valid_until"] = FormatRfc3339(hub_.s.clock.Now() + 1min);
  hub_.AddOk(hub_.s.a_member, {soon});
  EXPECT_EQ(Matched(hub_.s.b_admin, sample), (std::vector<std::string>{second, expiring}));
  hub_.s.clock.Advance(LogChecker::kMaxMatcherAge + 1s);
  EXPECT_EQ(Matched(hub_.s.b_admin, sample), std::vector<std::string>{second});
}

TEST_P(SharingLogCheckTest, HostileSamplesAreReadToTheEndOrRefused) {
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "evil.example")});

  std::string binary;
  for (int i = 0; i < 4096; ++i) binary.push_back(static_cast<char>((i * 131) % 256));
  const std::string sample = binary + "\n" + "\xff\xfe invalid UTF-8 then evil.example\r\n" +
                             std::string(LogChecker::kMaxLineBytes + 1, 'a') + " evil.example\n" +
                             "\n\n" + "evil.example at the end without a newline";
  auto result = Check(hub_.s.b_admin, sample);
  ASSERT_TRUE(result.ok()) << result.error().internal_message();
  EXPECT_EQ(result->format, detect::LogFormat::kText);
  EXPECT_EQ(result->over_long_lines, 1u);
  EXPECT_EQ(result->matches, 2u);
  ASSERT_EQ(result->listed.size(), 2u);
  EXPECT_EQ(result->listed[0].matched, "evil.example");
  EXPECT_EQ(result->listed[1].line, result->lines);
  // Invalid UTF-8 in a record becomes replacement characters in the answer.
  EXPECT_NO_THROW(Json::parse(DumpJson(ToJson(*result))));

  // A line longer than the record limit is matched and shown cut.
  auto long_line = Check(hub_.s.b_admin, "evil.example " + std::string(5000, 'x') + "\n");
  ASSERT_TRUE(long_line.ok()) << long_line.error().internal_message();
  ASSERT_EQ(long_line->listed.size(), 1u);
  EXPECT_TRUE(long_line->listed[0].record_truncated);
  EXPECT_EQ(long_line->listed[0].record.size(), LogChecker::kMaxRecordBytes);

  // Compressed samples could expand without bound: refused, even a valid one ("evil.example\n").
  const std::string gzipped(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x4b\x2d\xcb\xcc\xd1\x4b\xad\x48\xcc\x2d\xc8\x49"
      "\xe5\x02\x00\x1d\xa5\x85\x4a\x0d\x00\x00\x00",
      33);
  EXPECT_EQ(Check(hub_.s.b_admin, gzipped).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Check(hub_.s.b_admin, "")->lines, 0u);
  EXPECT_EQ(Check(hub_.s.b_admin, std::string(LogChecker::kMaxSampleBytes + 1, 'x')).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(SharingLogCheckTest, ListsTheFirstMatchesAndCountsThemAll) {
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "evil.example")});
  std::string sample;
  const std::size_t lines = LogChecker::kMaxListedMatches + 5;
  for (std::size_t i = 0; i < lines; ++i) sample += SquidLine("http://evil.example/");
  auto result = Check(hub_.s.b_admin, sample);
  ASSERT_TRUE(result.ok()) << result.error().internal_message();
  EXPECT_EQ(result->matches, lines);
  EXPECT_EQ(result->listed.size(), LogChecker::kMaxListedMatches);
  EXPECT_EQ(ToJson(*result)["listed_all"], false);
  ASSERT_EQ(result->by_indicator.size(), 1u);
  EXPECT_EQ(result->by_indicator[0].count, lines);
}

INSTANTIATE_TEST_SUITE_P(Backends, SharingLogCheckTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::sharing
