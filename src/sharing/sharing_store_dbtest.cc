// The object store: versions kept and the latest maintained, duplicates, the
// per-collection date_added clock, bytes kept as received, mixed envelopes, reports,
// paging, deletion, audit entries and events.
#include <gtest/gtest.h>

#include <set>

#include "sharing/sync_state.h"
#include "sharing/test_hub.h"

namespace fincyber::sharing {
namespace {

class SharingStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  SharingStoreTest() : hub_(GetParam()) {}

  ObjectPage List(const identity::User& user, ObjectQuery q) {
    auto page = hub_.service.ListObjects(hub_.P(user), hub_.indicators.id, q);
    EXPECT_TRUE(page.ok()) << page.error().internal_message();
    return page.ok() ? *page : ObjectPage{};
  }

  // Adds one indicator; the id of its report.
  std::string AddOneReport() {
    auto report = hub_.Add(hub_.s.a_member,
                           {TestHub::Indicator(TestHub::NewIndicatorId(), "report.example")});
    EXPECT_TRUE(report.ok()) << report.error().internal_message();
    return report.ok() ? report->id : std::string();
  }
  bool ReportKept(const std::string& id) {
    return hub_.service.GetAddReport(hub_.P(hub_.s.a_admin), id).ok();
  }

  TestHub hub_;
};

TEST_P(SharingStoreTest, KeepsEveryVersionAndTheNewestIsLatest) {
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "v1.example", "2024-05-02T00:00:00Z")});
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "v3.example", "2024-05-04T00:00:00Z")});
  // An older version arriving later is kept, but the newest stays the latest.
  auto older =
      hub_.Add(hub_.s.a_member, {TestHub::Indicator(id, "v2.example", "2024-05-03T00:00:00Z")});
  ASSERT_TRUE(older.ok());
  ASSERT_EQ(older->successes.size(), 1u);
  EXPECT_EQ(older->successes[0].message, "stored as a new version");
  EXPECT_EQ(older->successes[0].version, "2024-05-03T00:00:00.000000Z");

  ObjectQuery latest;
  const ObjectPage last = List(hub_.s.b_admin, latest);
  ASSERT_EQ(last.objects.size(), 1u);
  EXPECT_EQ(last.objects[0].version, stix::ParseTimestamp("2024-05-04T00:00:00Z").value());
  EXPECT_NE(last.objects[0].body.find("v3.example"), std::string::npos);

  ObjectQuery first;
  first.versions.first = true;
  ASSERT_EQ(List(hub_.s.b_admin, first).objects.size(), 1u);
  EXPECT_NE(List(hub_.s.b_admin, first).objects[0].body.find("v1.example"), std::string::npos);

  ObjectQuery all;
  all.versions.all = true;
  EXPECT_EQ(List(hub_.s.b_admin, all).objects.size(), 3u);

  ObjectQuery at;
  at.versions.at = {stix::ParseTimestamp("2024-05-03T00:00:00Z").value()};
  ASSERT_EQ(List(hub_.s.b_admin, at).objects.size(), 1u);
  EXPECT_NE(List(hub_.s.b_admin, at).objects[0].body.find("v2.example"), std::string::npos);
}

TEST_P(SharingStoreTest, SameIdAndVersionIsASuccessThatChangesNothing) {
  const Json indicator = TestHub::Indicator(TestHub::NewIndicatorId(), "dup.example");
  hub_.AddOk(hub_.s.a_member, {indicator});
  auto again = hub_.Add(hub_.s.a_member, {indicator, indicator});
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->successes.size(), 2u);
  EXPECT_EQ(again->successes[0].message, "already present; unchanged");
  ObjectQuery all;
  all.versions.all = true;
  EXPECT_EQ(List(hub_.s.a_member, all).objects.size(), 1u);
  // The second envelope stored nothing, so it published nothing.
  EXPECT_EQ(hub_.Events("sharing.objects_added").size(), 1u);
}

TEST_P(SharingStoreTest, AnIdRepeatedInOneEnvelopeIsDecidedInEnvelopeOrder) {
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "v2.example", "2024-05-02T00:00:00Z")});
  auto report =
      hub_.Add(hub_.s.a_member, {TestHub::Indicator(id, "v4.example", "2024-05-04T00:00:00Z"),
                                 TestHub::Indicator(id, "v3.example", "2024-05-03T00:00:00Z"),
                                 TestHub::Indicator(id, "v4-again.example", "2024-05-04T00:00:00Z"),
                                 TestHub::Indicator(id, "v5.example", "2024-05-05T00:00:00Z"),
                                 TestHub::Indicator(id, "v1.example", "2024-05-01T00:00:00Z")});
  ASSERT_TRUE(report.ok()) << report.error().internal_message();
  ASSERT_EQ(report->successes.size(), 5u);
  EXPECT_EQ(report->successes[0].message, "stored as a new version");
  EXPECT_EQ(report->successes[1].message, "stored as a new version");
  EXPECT_EQ(report->successes[2].message, "already present; unchanged");
  EXPECT_EQ(report->successes[3].version, "2024-05-05T00:00:00.000000Z");

  ObjectQuery all;
  all.versions.all = true;
  EXPECT_EQ(List(hub_.s.b_admin, all).objects.size(), 5u);
  // Exactly one latest: the newest, although an older version came after it.
  const ObjectPage latest = List(hub_.s.b_admin, ObjectQuery{});
  ASSERT_EQ(latest.objects.size(), 1u);
  EXPECT_NE(latest.objects[0].body.find("v5.example"), std::string::npos);
  ObjectQuery first;
  first.versions.first = true;
  ASSERT_EQ(List(hub_.s.b_admin, first).objects.size(), 1u);
  EXPECT_NE(List(hub_.s.b_admin, first).objects[0].body.find("v1.example"), std::string::npos);

  // Another organisation's object under the same id, twice in one envelope, is refused
  // both times.
  auto other =
      hub_.Add(hub_.s.b_admin, {TestHub::Indicator(id, "b.example", "2024-05-06T00:00:00Z"),
                                TestHub::Indicator(id, "b.example", "2024-05-07T00:00:00Z")});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->failures.size(), 2u);
}

TEST_P(SharingStoreTest, AnEnvelopeOfManyObjectsKeepsEachObservableLinkedOnce) {
  // More objects than one statement writes, with observables shared across them.
  std::vector<Json> envelope;
  std::vector<std::string> ids;
  for (int i = 0; i < 700; ++i) {
    ids.push_back(TestHub::NewIndicatorId());
    envelope.push_back(TestHub::Indicator(ids.back(), fmt::format("host{}.example", i % 300)));
  }
  auto report = hub_.Add(hub_.s.a_member, envelope);
  ASSERT_TRUE(report.ok()) << report.error().internal_message();
  EXPECT_EQ(report->successes.size(), 700u);
  EXPECT_TRUE(report->failures.empty());
  for (std::size_t i = 0; i < report->successes.size(); ++i) {
    ASSERT_EQ(report->successes[i].id, ids[i]) << "reported in envelope order";
  }
  Status counted = hub_.s.db().Read([&](store::Connection& c) -> Status {
    FC_ASSIGN_OR_RETURN(auto observables,
                        c.QueryOne("SELECT COUNT(*) FROM observables WHERE key LIKE ?",
                                   {"domain:host%.example"}, "count"));
    EXPECT_EQ(observables.GetInt(0), 300);
    FC_ASSIGN_OR_RETURN(auto links, c.QueryOne("SELECT COUNT(*), COUNT(DISTINCT object_row) FROM "
                                               "object_observables",
                                               {}, "count"));
    EXPECT_EQ(links.GetInt(0), 700);
    EXPECT_EQ(links.GetInt(1), 700);
    return OkStatus();
  });
  ASSERT_TRUE(counted.ok()) << counted.error().internal_message();
  // Objects sharing an observable correlate.
  auto correlation = hub_.service.Correlate(hub_.P(hub_.s.a_member), ids[0]);
  ASSERT_TRUE(correlation.ok()) << correlation.error().internal_message();
  EXPECT_EQ(correlation->related.size(), 2u);  // host0 is also objects 300 and 600
}

TEST_P(SharingStoreTest, KeepsTheBytesAsReceived) {
  const std::string raw =
      "{ \"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--"
      "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",\n \"created\":\"2024-05-01T00:00:00.000Z\","
      "\"modified\":\"2024-05-01T00:00:00.000Z\",\"pattern\":\"[domain-name:value = "
      "'raw.example']\",\"pattern_type\":\"stix\",\"valid_from\":\"2024-05-01T00:00:00Z\","
      "\"x_note\":1.50}";
  auto report = hub_.service.AddObjects(hub_.P(hub_.s.a_member), hub_.indicators.id,
                                        {{Json::parse(raw), raw}}, hub_.info);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->successes.size(), 1u);
  const ObjectPage page = List(hub_.s.b_admin, {});
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].body, raw);
}

TEST_P(SharingStoreTest, DateAddedIsUniqueAndIncreasingWhenTheClockStandsStill) {
  std::vector<Json> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(TestHub::Indicator(TestHub::NewIndicatorId(), fmt::format("d{}.example", i)));
  }
  hub_.AddOk(hub_.s.a_member, batch);
  hub_.AddOk(hub_.s.b_admin, {TestHub::Indicator(TestHub::NewIndicatorId(), "late.example")});
  const ObjectPage page = List(hub_.s.a_member, {});
  ASSERT_EQ(page.objects.size(), 6u);
  for (std::size_t i = 1; i < page.objects.size(); ++i) {
    EXPECT_GT(page.objects[i].date_added, page.objects[i - 1].date_added);
  }
}

TEST_P(SharingStoreTest, MixedEnvelopeStoresTheGoodAndReportsEachBad) {
  const std::string good = TestHub::NewIndicatorId();
  Json bad_timestamp = TestHub::Indicator(TestHub::NewIndicatorId(), "bad.example");
  bad_timestamp["valid_from"] = "2024-13-01";
  Json bad_recipient =
      TestHub::Indicator(TestHub::NewIndicatorId(), "red.example", "2024-05-01T00:00:00Z",
                         {TestHub::Marking(stix::Tlp::kRed)}, {"no-such-org"});
  auto report = hub_.Add(hub_.s.a_member, {bad_timestamp, TestHub::Indicator(good, "good.example"),
                                           Json{{"type", "indicator"}}, bad_recipient});
  ASSERT_TRUE(report.ok()) << report.error().internal_message();
  EXPECT_EQ(report->total_count, 4);
  ASSERT_EQ(report->successes.size(), 1u);
  EXPECT_EQ(report->successes[0].id, good);
  ASSERT_EQ(report->failures.size(), 3u);
  EXPECT_NE(report->failures[0].message.find("valid_from"), std::string::npos);
  EXPECT_EQ(report->failures[1].id, "");
  EXPECT_NE(report->failures[2].message.find("unknown-recipient"), std::string::npos);

  // The report is the adding organisation's only.
  auto own = hub_.service.GetAddReport(hub_.P(hub_.s.a_admin), report->id);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->failures.size(), 3u);
  EXPECT_EQ(own->successes[0].id, good);
  // Read back as the add reported it, outcome by outcome.
  const auto same_outcomes = [](const std::vector<AddOutcome>& read,
                                const std::vector<AddOutcome>& reported) {
    ASSERT_EQ(read.size(), reported.size());
    for (std::size_t i = 0; i < read.size(); ++i) {
      EXPECT_EQ(read[i].id, reported[i].id) << i;
      EXPECT_EQ(read[i].version, reported[i].version) << i;
      EXPECT_EQ(read[i].message, reported[i].message) << i;
    }
  };
  same_outcomes(own->successes, report->successes);
  same_outcomes(own->failures, report->failures);
  EXPECT_FALSE(report->successes[0].version.empty());
  for (const auto* other : {&hub_.s.b_admin, &hub_.s.coord, &hub_.s.auditor}) {
    auto hidden = hub_.service.GetAddReport(hub_.P(*other), report->id);
    ASSERT_FALSE(hidden.ok());
    EXPECT_EQ(hidden.error().code(), ErrorCode::kNotFound);
  }
}

TEST_P(SharingStoreTest, OldReportsArePrunedAfterAnAddAtMostHourly) {
  using namespace std::chrono_literals;
  hub_.service.KeepAddReportsFor(24h * 30);
  const std::string first = AddOneReport();  // the first add prunes, and finds nothing due
  hub_.s.clock.Advance(10min);
  const std::string second = AddOneReport();
  hub_.s.clock.Advance(24h * 30 - 5min);  // `first` is 30 days and 5 minutes old
  const std::string third = AddOneReport();
  EXPECT_FALSE(ReportKept(first));
  EXPECT_TRUE(ReportKept(second));
  hub_.s.clock.Advance(10min);  // `second` is due, but the last round was 10 minutes ago
  AddOneReport();
  EXPECT_TRUE(ReportKept(second));
  hub_.s.clock.Advance(1h);
  AddOneReport();
  EXPECT_FALSE(ReportKept(second));
  EXPECT_TRUE(ReportKept(third));
}

TEST_P(SharingStoreTest, PruningTakesTheOldestFirstAndNoMoreThanAsked) {
  using namespace std::chrono_literals;
  std::vector<std::string> ids;  // no retention set: adds never prune
  for (int i = 0; i < 3; ++i) {
    ids.push_back(AddOneReport());
    hub_.s.clock.Advance(1min);
  }
  hub_.s.clock.Advance(24h * 3650);
  EXPECT_TRUE(ReportKept(ids[0]));
  const stix::Timestamp now =
      std::chrono::duration_cast<std::chrono::microseconds>(hub_.s.clock.Now().time_since_epoch())
          .count();
  auto pruned = hub_.service.PruneAddReports(now, 2);
  ASSERT_TRUE(pruned.ok()) << pruned.error().internal_message();
  EXPECT_EQ(*pruned, 2);
  EXPECT_FALSE(ReportKept(ids[0]));
  EXPECT_FALSE(ReportKept(ids[1]));
  EXPECT_TRUE(ReportKept(ids[2]));
  pruned = hub_.service.PruneAddReports(now, 10);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_FALSE(ReportKept(ids[2]));
}

TEST_P(SharingStoreTest, OnlyTheFirstAuthorAddsVersions) {
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "mine.example")});
  auto hijack =
      hub_.Add(hub_.s.b_admin, {TestHub::Indicator(id, "theirs.example", "2024-06-01T00:00:00Z",
                                                   {TestHub::Marking(stix::Tlp::kRed)})});
  ASSERT_TRUE(hijack.ok());
  ASSERT_EQ(hijack->failures.size(), 1u);
  EXPECT_NE(hijack->failures[0].message.find("version-author"), std::string::npos);
  EXPECT_EQ(hub_.VisibleIds(hub_.c_member), std::vector<std::string>{id});
}

// Refusing an id whose versions the poster may not see would tell it that the id is
// there (deterministic ids make that a question anyone can ask): the poster's object is
// stored as its own version of the id, answered as any new object is.
TEST_P(SharingStoreTest, AnIdWhoseVersionsAreHiddenIsSharedAsTheFirst) {
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "hidden.example", "2024-05-01T00:00:00Z",
                                                  {TestHub::Marking(stix::Tlp::kRed)})});
  auto fresh =
      hub_.Add(hub_.s.b_admin, {TestHub::Indicator(TestHub::NewIndicatorId(), "b.example")});
  auto same_id =
      hub_.Add(hub_.s.b_admin, {TestHub::Indicator(id, "b.example", "2024-05-01T00:00:00Z",
                                                   {TestHub::Marking(stix::Tlp::kGreen)})});
  ASSERT_TRUE(fresh.ok() && same_id.ok());
  ASSERT_EQ(same_id->successes.size(), 1u);
  EXPECT_EQ(same_id->successes[0].message, fresh->successes[0].message)
      << "answered as a new object";
  // B's own next version is its to add; C sees B's version only, A both.
  hub_.AddOk(hub_.s.b_admin, {TestHub::Indicator(id, "b2.example", "2024-06-01T00:00:00Z",
                                                 {TestHub::Marking(stix::Tlp::kGreen)})});
  ObjectQuery all;
  all.versions.all = true;
  auto bodies = [&](const identity::User& user) {
    std::vector<std::string> out;
    for (const auto& o : List(user, all).objects) {
      if (o.id == id) out.push_back(o.author_org + " " + o.body.substr(o.body.find("value = '")));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  const std::string a_org = hub_.s.bank_a.id, b_org = hub_.s.bank_b.id;
  EXPECT_EQ(bodies(hub_.c_member).size(), 2u);
  for (const std::string& body : bodies(hub_.c_member))
    EXPECT_EQ(body.substr(0, b_org.size()), b_org);
  EXPECT_EQ(bodies(hub_.s.a_admin).size(), 3u);
  // The latest of each organisation's versions: A's and B's newest.
  std::set<std::string> latest_authors;
  for (const auto& o : List(hub_.s.a_admin, {}).objects) {
    if (o.id == id) latest_authors.insert(o.author_org);
  }
  EXPECT_EQ(latest_authors, (std::set<std::string>{a_org, b_org}));

  // A deletes its versions only.
  auto deleted =
      hub_.service.DeleteObject(hub_.P(hub_.s.a_member), hub_.indicators.id, id, {}, hub_.info);
  ASSERT_TRUE(deleted.ok()) << deleted.error().internal_message();
  EXPECT_EQ(*deleted, 1);
  EXPECT_EQ(bodies(hub_.s.a_admin).size(), 2u);
  EXPECT_EQ(
      hub_.service.DeleteObject(hub_.P(hub_.s.a_member), hub_.indicators.id, id, {}, hub_.info)
          .error()
          .code(),
      ErrorCode::kPermissionDenied)
      << "what is left is B's";

  // In a collection the members may only write to, the same: neither learns of the other.
  auto inbox = hub_.RegulatorInbox();
  ASSERT_TRUE(inbox.ok());
  const std::string reported = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(reported, "seen.example")}, inbox->id);
  auto second = hub_.Add(hub_.s.b_admin, {TestHub::Indicator(reported, "seen.example")}, inbox->id);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->failures.empty());
  EXPECT_EQ(hub_.VisibleIds(hub_.s.coord, inbox->id).size(), 2u) << "the regulator gets both";
}

TEST_P(SharingStoreTest, PagesNeverSkipOrRepeatAndAddedAfterIsExclusive) {
  std::vector<Json> batch;
  for (int i = 0; i < 7; ++i) {
    batch.push_back(TestHub::Indicator(TestHub::NewIndicatorId(), fmt::format("p{}.example", i)));
  }
  hub_.AddOk(hub_.s.a_member, batch);
  ObjectQuery q;
  q.limit = 3;
  std::vector<std::string> seen;
  bool more = true;
  int rounds = 0;
  while (more && rounds++ < 10) {
    const ObjectPage page = List(hub_.s.b_admin, q);
    for (const auto& o : page.objects) seen.push_back(o.id);
    more = page.more;
    q.after = page.next;
    // An object arriving mid-way shows on a later page.
    if (rounds == 1) {
      hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(TestHub::NewIndicatorId(), "mid.example")});
    }
  }
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 8u);

  const ObjectPage all = List(hub_.s.b_admin, {});
  ObjectQuery after;
  after.added_after = all.objects[2].date_added;
  const ObjectPage rest = List(hub_.s.b_admin, after);
  ASSERT_EQ(rest.objects.size(), 5u);
  EXPECT_EQ(rest.objects[0].id, all.objects[3].id);

  ObjectQuery too_many;
  too_many.limit = kMaxPageSize + 1;
  EXPECT_EQ(
      hub_.service.ListObjects(hub_.P(hub_.s.b_admin), hub_.indicators.id, too_many).error().code(),
      ErrorCode::kInvalidArgument);
}

TEST_P(SharingStoreTest, FiltersByIdTypeAndSpecVersion) {
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "f1.example"),
                               TestHub::Indicator(TestHub::NewIndicatorId(), "f2.example"),
                               {{"type", "domain-name"},
                                {"spec_version", "2.1"},
                                {"id", "domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5"},
                                {"value", "example.com"}}});
  ObjectQuery by_id;
  by_id.ids = {id};
  EXPECT_EQ(List(hub_.s.b_admin, by_id).objects.size(), 1u);
  ObjectQuery by_type;
  by_type.types = {"domain-name"};
  EXPECT_EQ(List(hub_.s.b_admin, by_type).objects.size(), 1u);
  ObjectQuery by_spec;
  by_spec.spec_versions = {"2.0"};
  EXPECT_TRUE(List(hub_.s.b_admin, by_spec).objects.empty());
}

TEST_P(SharingStoreTest, DeleteNeedsTheAuthorAndRemovesEveryVersion) {
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "x.example", "2024-05-02T00:00:00Z"),
                               TestHub::Indicator(id, "x.example", "2024-05-03T00:00:00Z")});
  auto by_other =
      hub_.service.DeleteObject(hub_.P(hub_.s.b_admin), hub_.indicators.id, id, {}, hub_.info);
  EXPECT_EQ(by_other.error().code(), ErrorCode::kPermissionDenied);
  auto by_outsider =
      hub_.service.DeleteObject(hub_.P(hub_.d_member), hub_.indicators.id, id, {}, hub_.info);
  EXPECT_EQ(by_outsider.error().code(), ErrorCode::kNotFound);

  // Deleting the newest version makes the older one the latest.
  ObjectQuery newest;
  newest.versions.at = {stix::ParseTimestamp("2024-05-03T00:00:00Z").value()};
  auto one =
      hub_.service.DeleteObject(hub_.P(hub_.s.a_admin), hub_.indicators.id, id, newest, hub_.info);
  ASSERT_TRUE(one.ok()) << one.error().internal_message();
  EXPECT_EQ(*one, 1);
  const ObjectPage latest = List(hub_.s.b_admin, {});
  ASSERT_EQ(latest.objects.size(), 1u);
  EXPECT_EQ(latest.objects[0].version, stix::ParseTimestamp("2024-05-02T00:00:00Z").value());

  auto rest =
      hub_.service.DeleteObject(hub_.P(hub_.s.a_admin), hub_.indicators.id, id, {}, hub_.info);
  ASSERT_TRUE(rest.ok());
  EXPECT_TRUE(hub_.VisibleIds(hub_.s.a_admin).empty());
  EXPECT_EQ(hub_.service.DeleteObject(hub_.P(hub_.s.a_admin), hub_.indicators.id, id, {}, hub_.info)
                .error()
                .code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(hub_.Events("sharing.object_deleted").size(), 2u);
}

TEST_P(SharingStoreTest, ChangesAreAuditedAndEventsCarryOnlyIds) {
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "audit.example")});
  auto entries = audit::List(hub_.s.db(), hub_.P(hub_.s.coord), {.action_prefix = "sharing."});
  ASSERT_TRUE(entries.ok());
  std::vector<std::string> actions;
  for (const auto& e : *entries) actions.push_back(e.entry.action);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"sharing.objects_add", "sharing.collection_create"}));
  const std::string amber_id = TestHub::NewIndicatorId();
  auto report = hub_.Add(hub_.s.a_member,
                         {TestHub::Indicator(amber_id, "amber.example", "2024-06-01T00:00:00.000Z",
                                             {TestHub::Marking(stix::Tlp::kAmber)}),
                          Json{{"type", "indicator"}}});
  ASSERT_TRUE(report.ok());
  const auto added = hub_.Events("sharing.objects_added");
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(std::get<1>(added[0]), hub_.s.bank_a.id);
  EXPECT_EQ(std::get<2>(added[0])["objects"],
            (Json{{{"id", id}, {"version", "2024-05-01T00:00:00.000000Z"}, {"tlp", "green"}}}));
  // One event per envelope, naming only the objects it stored.
  EXPECT_EQ(
      std::get<2>(added[1]),
      (Json{{"collection_id", hub_.indicators.id},
            {"report_id", report->id},
            {"objects",
             {{{"id", amber_id}, {"version", "2024-06-01T00:00:00.000000Z"}, {"tlp", "amber"}}}}}));
}

// A federation pull deletes here what the remote no longer lists, and only what came
// from that remote into that collection.
TEST_P(SharingStoreTest, WhatTheRemoteDroppedIsDeletedHereAndForgotten) {
  const std::string kept = TestHub::NewIndicatorId();
  const std::string dropped = TestHub::NewIndicatorId();
  const std::string local = TestHub::NewIndicatorId();
  const std::string someone_elses = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member,
             {TestHub::Indicator(kept, "kept.example"),
              TestHub::Indicator(dropped, "dropped.example", "2024-05-02T00:00:00Z"),
              TestHub::Indicator(local, "local.example")});
  hub_.AddOk(hub_.s.a_member,
             {TestHub::Indicator(dropped, "dropped.example", "2024-05-03T00:00:00Z")});
  hub_.AddOk(hub_.s.b_admin, {TestHub::Indicator(someone_elses, "other.example")});
  const SyncSource source{"https://remote.example/api1/", "remote-collection", hub_.indicators.id};
  const SyncSource elsewhere{"https://other.example/api1/", "remote-collection",
                             hub_.indicators.id};
  ASSERT_TRUE(RememberSyncedIds(hub_.s.db(), source, {kept, dropped, someone_elses}).ok());
  ASSERT_TRUE(RememberSyncedIds(hub_.s.db(), source, {kept}).ok()) << "remembered twice";
  ASSERT_TRUE(RememberSyncedIds(hub_.s.db(), elsewhere, {local}).ok());

  auto deletions = DeleteWhatTheRemoteDropped(hub_.service, hub_.s.db(), hub_.P(hub_.s.a_member),
                                              source, {kept}, hub_.info);
  ASSERT_TRUE(deletions.ok()) << deletions.error().internal_message();
  EXPECT_EQ(deletions->deleted, 1u);
  ASSERT_EQ(deletions->failed.size(), 1u) << "b's object is not a's to delete";
  EXPECT_EQ(deletions->failed[0].substr(0, someone_elses.size()), someone_elses);

  std::set<std::string> left;
  ObjectQuery all;
  all.versions.all = true;
  for (const auto& o : List(hub_.s.a_admin, all).objects) left.insert(o.id);
  EXPECT_EQ(left, (std::set<std::string>{kept, local, someone_elses}))
      << "both versions of the dropped id are gone; what another remote or a member shared stays";

  // Forgotten once deleted: a second comparison deletes nothing and still reports b's.
  auto again = DeleteWhatTheRemoteDropped(hub_.service, hub_.s.db(), hub_.P(hub_.s.a_member),
                                          source, {kept}, hub_.info);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->deleted, 0u);
  EXPECT_EQ(again->failed.size(), 1u);
  // An id deleted here already is only forgotten.
  auto gone = DeleteWhatTheRemoteDropped(hub_.service, hub_.s.db(), hub_.P(hub_.s.a_member),
                                         elsewhere, {}, hub_.info);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->deleted, 1u) << "local was remembered from the other remote";
  auto nothing_left = DeleteWhatTheRemoteDropped(hub_.service, hub_.s.db(), hub_.P(hub_.s.a_member),
                                                 elsewhere, {}, hub_.info);
  ASSERT_TRUE(nothing_left.ok());
  EXPECT_EQ(nothing_left->deleted, 0u);
  EXPECT_TRUE(nothing_left->failed.empty());
}

// Pull and push positions: none at first, saved and replaced per (API root, remote
// collection, local collection), the pull's and the push's apart.
TEST_P(SharingStoreTest, FederationPositionsAreKeptPerRemoteCollectionAndDirection) {
  store::Database& db = hub_.s.db();
  const SyncSource remote{"https://remote.example/api1/", "remote-collection", hub_.indicators.id};
  const SyncSource other_remote{"https://remote.example/api1/", "other-collection",
                                hub_.indicators.id};
  auto none = LoadSyncPosition(db, remote);
  ASSERT_TRUE(none.ok()) << none.error().internal_message();
  EXPECT_FALSE(none->has_value());
  auto no_push = LoadPushPosition(db, remote);
  ASSERT_TRUE(no_push.ok()) << no_push.error().internal_message();
  EXPECT_FALSE(no_push->has_value());

  ASSERT_TRUE(
      SaveSyncPosition(db, remote, {"2024-05-01T00:00:00.000Z", "2024-05-01T00:01:00Z", 10, ""})
          .ok());
  ASSERT_TRUE(SaveSyncPosition(
                  db, remote,
                  {"2024-05-02T00:00:00.000Z", "2024-05-02T00:01:00Z", 25, "2024-05-02T00:01:00Z"})
                  .ok());
  ASSERT_TRUE(
      SavePushPosition(db, remote, {"2024-05-03T00:00:00.000000Z", "2024-05-03T00:01:00Z", 7})
          .ok());
  ASSERT_TRUE(SavePushPosition(db, other_remote, {"", "2024-05-04T00:01:00Z", 0}).ok());

  auto pull = LoadSyncPosition(db, remote);
  ASSERT_TRUE(pull.ok() && pull->has_value());
  EXPECT_EQ((*pull)->last_date_added, "2024-05-02T00:00:00.000Z") << "replaced";
  EXPECT_EQ((*pull)->synced_at, "2024-05-02T00:01:00Z");
  EXPECT_EQ((*pull)->objects, 25);
  EXPECT_EQ((*pull)->deletions_checked_at, "2024-05-02T00:01:00Z");
  auto push = LoadPushPosition(db, remote);
  ASSERT_TRUE(push.ok() && push->has_value());
  EXPECT_EQ((*push)->last_date_added, "2024-05-03T00:00:00.000000Z");
  EXPECT_EQ((*push)->pushed_at, "2024-05-03T00:01:00Z");
  EXPECT_EQ((*push)->objects, 7);
  auto other_push = LoadPushPosition(db, other_remote);
  ASSERT_TRUE(other_push.ok() && other_push->has_value());
  EXPECT_EQ((*other_push)->last_date_added, "");
  auto other_pull = LoadSyncPosition(db, other_remote);
  ASSERT_TRUE(other_pull.ok());
  EXPECT_FALSE(other_pull->has_value()) << "a push position is not a pull position";
}

INSTANTIATE_TEST_SUITE_P(Backends, SharingStoreTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::sharing
