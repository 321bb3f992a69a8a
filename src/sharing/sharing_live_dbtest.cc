// The live feed (ReadLive): each viewer gets exactly what the visibility rule lets it
// see, deletions and sightings included, and a position resumes without loss or
// duplicates, also inside one envelope.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "identity/groups.h"
#include "sharing/test_hub.h"

namespace fincyber::sharing {
namespace {

class SharingLiveTest : public ::testing::TestWithParam<std::string> {
 protected:
  SharingLiveTest() : hub_(GetParam()) {}

  // Everything `user` sees from the start of the outbox, as "kind id" strings.
  std::vector<std::string> Seen(const identity::User& user, const LiveFilter& filter = {},
                                LivePosition from = {0, LivePosition::kWholeEvent}) {
    std::vector<std::string> seen;
    all_data_.clear();
    auto start = hub_.service.StartLive(hub_.P(user), filter, from);
    if (!start.ok()) return {"error: " + start.error().safe_message()};
    LivePosition position = *start;
    for (int reads = 0; reads < 100; ++reads) {
      auto batch = hub_.service.ReadLive(hub_.P(user), filter, position, 3);
      if (!batch.ok()) return {"error: " + batch.error().safe_message()};
      for (const auto& e : batch->events) {
        const Json data = Json::parse(*e.data);
        seen.push_back(e.kind + " " + data.value("id", ""));
        last_data_ = data;
        all_data_.push_back(data);
      }
      position = batch->next;
      if (batch->caught_up && batch->events.empty()) break;
    }
    return seen;
  }

  // A collection only bank A reads and writes.
  Collection AOnlyCollection() {
    identity::TrustGroup a_only;
    Status made = hub_.s.db().Transact([&](store::Connection& c) -> Status {
      FC_ASSIGN_OR_RETURN(a_only, identity::CreateGroup(c, hub_.s.clock, hub_.s.P(hub_.s.coord),
                                                        {"A", "a only", "", {hub_.s.bank_a.id}}));
      return OkStatus();
    });
    EXPECT_TRUE(made.ok()) << made.error().internal_message();
    auto created = hub_.service.CreateCollection(
        hub_.P(hub_.s.isac_analyst),
        {"A only", "", "a-only", a_only.id, a_only.id, stix::Tlp::kGreen}, hub_.info);
    EXPECT_TRUE(created.ok()) << created.error().internal_message();
    return created.ok() ? *created : Collection{};
  }

  static std::vector<std::string> Kinds(const std::string& kind, std::vector<std::string> ids) {
    for (auto& id : ids) id = kind + " " + id;
    return ids;
  }

  TestHub hub_;
  Json last_data_;              // of the last event Seen() returned
  std::vector<Json> all_data_;  // of every event it returned
};

TEST_P(SharingLiveTest, EachViewerSeesExactlyWhatItMayRead) {
  const Collection a_only = AOnlyCollection();
  const std::string green = TestHub::NewIndicatorId();
  const std::string red_for_c = TestHub::NewIndicatorId();
  const std::string strict_a_only = TestHub::NewIndicatorId();
  const std::string red_for_nobody = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member,
             {TestHub::Indicator(green, "green.example"),
              TestHub::Indicator(red_for_c, "red.example", "2024-05-01T00:00:00.000Z",
                                 {TestHub::Marking(stix::Tlp::kRed)}, {hub_.bank_c.id}),
              TestHub::Indicator(red_for_nobody, "nobody.example", "2024-05-01T00:00:00.000Z",
                                 {TestHub::Marking(stix::Tlp::kRed)})});
  hub_.AddOk(hub_.s.a_member,
             {TestHub::Indicator(strict_a_only, "strict.example", "2024-05-01T00:00:00.000Z",
                                 {TestHub::Marking(stix::Tlp::kAmberStrict)})},
             a_only.id);

  EXPECT_EQ(Seen(hub_.s.b_admin), Kinds("added", {green}));
  EXPECT_EQ(last_data_["tlp"], "green");
  EXPECT_EQ(last_data_["collection_id"], hub_.indicators.id);
  EXPECT_EQ(last_data_["object"]["pattern"], "[domain-name:value = 'green.example']");
  EXPECT_FALSE(last_data_.contains("author_org"));
  EXPECT_EQ(Seen(hub_.c_member), Kinds("added", {green, red_for_c}));
  EXPECT_EQ(Seen(hub_.s.a_member),
            Kinds("added", {green, red_for_c, red_for_nobody, strict_a_only}));
  for (const auto* outsider : {&hub_.d_member, &hub_.s.coord, &hub_.s.auditor}) {
    EXPECT_TRUE(Seen(*outsider).empty()) << outsider->username;
  }
}

// The envelope's objects are read once, by whichever viewer comes first (here the author,
// who sees all of them), and every other viewer is served from that read, batch by
// batch in turn: each still gets exactly its own share, and a viewer whose organisation
// has left the collection's group since gets nothing more.
TEST_P(SharingLiveTest, ViewersOfSeveralOrganisationsShareOneReadAndSeeOnlyTheirOwnShare) {
  const std::string green = TestHub::NewIndicatorId();
  const std::string red_for_c = TestHub::NewIndicatorId();
  const std::string red_for_b = TestHub::NewIndicatorId();
  const std::string amber = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member,
             {TestHub::Indicator(green, "green.example"),
              TestHub::Indicator(red_for_c, "c.example", "2024-05-01T00:00:00.000Z",
                                 {TestHub::Marking(stix::Tlp::kRed)}, {hub_.bank_c.id}),
              TestHub::Indicator(red_for_b, "b.example", "2024-05-01T00:00:00.000Z",
                                 {TestHub::Marking(stix::Tlp::kRed)}, {hub_.s.bank_b.id}),
              TestHub::Indicator(amber, "amber.example", "2024-05-01T00:00:00.000Z",
                                 {TestHub::Marking(stix::Tlp::kAmber)})});
  const std::vector<const identity::User*> viewers = {&hub_.s.a_member, &hub_.s.b_admin,
                                                      &hub_.c_member,   &hub_.d_member,
                                                      &hub_.s.coord,    &hub_.s.isac_analyst};
  std::vector<LivePosition> positions(viewers.size(), LivePosition{0});
  std::vector<std::vector<std::string>> seen(viewers.size());
  auto read_in_turn = [&] {
    for (int round = 0; round < 10; ++round) {
      for (std::size_t v = 0; v < viewers.size(); ++v) {
        auto batch = hub_.service.ReadLive(hub_.P(*viewers[v]), {}, positions[v], 1);
        ASSERT_TRUE(batch.ok()) << batch.error().internal_message();
        for (const auto& e : batch->events) seen[v].push_back(Json::parse(*e.data)["id"]);
        positions[v] = batch->next;
      }
    }
  };
  read_in_turn();
  EXPECT_EQ(seen[0], (std::vector<std::string>{green, red_for_c, red_for_b, amber}));
  EXPECT_EQ(seen[1], (std::vector<std::string>{green, red_for_b, amber}));
  EXPECT_EQ(seen[2], (std::vector<std::string>{green, red_for_c, amber}));
  EXPECT_TRUE(seen[3].empty()) << "D is not in the collection's group";
  EXPECT_TRUE(seen[4].empty()) << "the coordination office is not in it either";
  EXPECT_EQ(seen[5], (std::vector<std::string>{green, amber}));

  // C leaves the group; the next envelope is read once again, by A first.
  Status left = hub_.s.db().Transact([&](store::Connection& c) -> Status {
    return identity::RemoveGroupMember(c, hub_.s.P(hub_.s.coord), hub_.members.id, hub_.bank_c.id);
  });
  ASSERT_TRUE(left.ok()) << left.error().internal_message();
  const std::string later = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(later, "later.example")});
  for (auto& ids : seen) ids.clear();
  read_in_turn();
  EXPECT_EQ(seen[0], (std::vector<std::string>{later}));
  EXPECT_EQ(seen[1], (std::vector<std::string>{later}));
  EXPECT_TRUE(seen[2].empty()) << "C has left the group";
  EXPECT_TRUE(seen[3].empty());
  EXPECT_TRUE(seen[4].empty());
  EXPECT_EQ(seen[5], (std::vector<std::string>{later}));
}

// The outbox is read a few events at first, then more: one read still passes many events
// the viewer may not see, and stops where the batch is full.
TEST_P(SharingLiveTest, OneReadPassesManyInvisibleEventsAndStopsWhenFull) {
  const Collection a_only = AOnlyCollection();
  for (int i = 0; i < 40; ++i) {
    hub_.AddOk(hub_.s.a_member,
               {TestHub::Indicator(TestHub::NewIndicatorId(), fmt::format("a{}.example", i))},
               a_only.id);
  }
  std::vector<std::string> visible;
  for (int i = 0; i < 3; ++i) {
    visible.push_back(TestHub::NewIndicatorId());
    hub_.AddOk(hub_.s.a_member,
               {TestHub::Indicator(visible.back(), fmt::format("v{}.example", i))});
  }
  auto first = hub_.service.ReadLive(hub_.P(hub_.s.b_admin), {}, LivePosition{0}, 2);
  ASSERT_TRUE(first.ok()) << first.error().internal_message();
  ASSERT_EQ(first->events.size(), 2u);
  EXPECT_EQ(Json::parse(*first->events[0].data)["id"], visible[0]);
  EXPECT_EQ(Json::parse(*first->events[1].data)["id"], visible[1]);
  EXPECT_FALSE(first->caught_up);
  auto rest = hub_.service.ReadLive(hub_.P(hub_.s.b_admin), {}, first->next, 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->events.size(), 1u);
  EXPECT_EQ(Json::parse(*rest->events[0].data)["id"], visible[2]);
  EXPECT_TRUE(rest->caught_up);
  // A's own view: all 43, in order, over several reads.
  EXPECT_EQ(Seen(hub_.s.a_member).size(), 43u);
}

TEST_P(SharingLiveTest, DeletionsReachOnlyThoseWhoCouldSeeTheObject) {
  const std::string green = TestHub::NewIndicatorId();
  const std::string red_for_c = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member,
             {TestHub::Indicator(green, "green.example"),
              TestHub::Indicator(red_for_c, "red.example", "2024-05-01T00:00:00.000Z",
                                 {TestHub::Marking(stix::Tlp::kRed)}, {hub_.bank_c.id})});
  for (const auto& id : {green, red_for_c}) {
    auto deleted =
        hub_.service.DeleteObject(hub_.P(hub_.s.a_member), hub_.indicators.id, id, {}, hub_.info);
    ASSERT_TRUE(deleted.ok()) << deleted.error().internal_message();
  }
  // The additions are gone with the rows; the deletions remain.
  EXPECT_EQ(Seen(hub_.s.b_admin), Kinds("deleted", {green}));
  EXPECT_EQ(last_data_["type"], "indicator");
  EXPECT_FALSE(last_data_.contains("object"));
  EXPECT_EQ(Seen(hub_.c_member), Kinds("deleted", {green, red_for_c}));
  EXPECT_EQ(Seen(hub_.s.a_member), Kinds("deleted", {green, red_for_c}));
  EXPECT_TRUE(Seen(hub_.d_member).empty());
  EXPECT_TRUE(Seen(hub_.s.coord).empty());
}

TEST_P(SharingLiveTest, SightingsReachTheSightedObjectsAuthorOnly) {
  const std::string indicator = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(indicator, "s.example")});
  auto sighting = [&](std::vector<std::string> markings) {
    Json o = {{"type", "sighting"},
              {"spec_version", "2.1"},
              {"id", "sighting--" + NewUuid()},
              {"created", "2024-05-02T00:00:00Z"},
              {"modified", "2024-05-02T00:00:00Z"},
              {"sighting_of_ref", indicator}};
    if (!markings.empty()) o["object_marking_refs"] = markings;
    return o;
  };
  const Json seen_by_b = sighting({});
  const Json red_of_c = sighting({TestHub::Marking(stix::Tlp::kRed)});
  hub_.AddOk(hub_.s.b_admin, {seen_by_b});
  hub_.AddOk(hub_.c_member, {red_of_c});
  const std::string b_sighting = seen_by_b["id"];
  const std::string c_sighting = red_of_c["id"];

  LiveFilter sightings_only;
  sightings_only.types = {"sighting"};
  // A, the author, is told of B's sighting (published in the same transaction, before
  // the addition); C's RED one names nobody, so not even that.
  EXPECT_EQ(Seen(hub_.s.a_member, sightings_only),
            (std::vector<std::string>{"sighted " + b_sighting, "added " + b_sighting}));
  ASSERT_EQ(all_data_.size(), 2u);
  EXPECT_EQ(all_data_[0]["sighting_of_ref"], indicator);
  EXPECT_EQ(all_data_[0]["object"]["sighting_of_ref"], indicator);
  // B sees its sighting as an object shared to the group, never as a sighting of its own.
  EXPECT_EQ(Seen(hub_.s.b_admin, sightings_only), Kinds("added", {b_sighting}));
  EXPECT_EQ(Seen(hub_.c_member, sightings_only), Kinds("added", {b_sighting, c_sighting}));
  EXPECT_TRUE(Seen(hub_.d_member).empty());
}

TEST_P(SharingLiveTest, UpdatesAndRevocationsAreNamed) {
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "v.example")});
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "v.example", "2024-05-02T00:00:00.000Z")});
  Json revoked = TestHub::Indicator(id, "v.example", "2024-05-03T00:00:00.000Z");
  revoked["revoked"] = true;
  hub_.AddOk(hub_.s.a_member, {revoked});
  EXPECT_EQ(Seen(hub_.s.b_admin),
            (std::vector<std::string>{"added " + id, "updated " + id, "revoked " + id}));
}

TEST_P(SharingLiveTest, APositionResumesInsideAnEnvelopeWithoutLossOrDuplicates) {
  std::vector<Json> envelope;
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    ids.push_back(TestHub::NewIndicatorId());
    envelope.push_back(TestHub::Indicator(ids.back(), "e" + std::to_string(i) + ".example"));
  }
  // One invisible object in the middle: C's RED one among A's.
  envelope[3] = TestHub::Indicator(ids[3], "red.example", "2024-05-01T00:00:00.000Z",
                                   {TestHub::Marking(stix::Tlp::kRed)}, {hub_.bank_c.id});
  hub_.AddOk(hub_.s.a_member, envelope);

  auto start = hub_.service.StartLive(hub_.P(hub_.s.b_admin), {}, LivePosition{0});
  ASSERT_TRUE(start.ok());
  auto first = hub_.service.ReadLive(hub_.P(hub_.s.b_admin), {}, *start, 2);
  ASSERT_TRUE(first.ok()) << first.error().internal_message();
  ASSERT_EQ(first->events.size(), 2u);
  EXPECT_EQ(first->events[1].position.index, 1);
  // Reconnect with the last id received, as text.
  const std::string last_id = FormatLivePosition(first->events[1].position);
  auto resumed = ParseLivePosition(last_id);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(*resumed, first->events[1].position);
  std::vector<std::string> rest;
  LivePosition position = *resumed;
  for (int reads = 0; reads < 10; ++reads) {
    auto batch = hub_.service.ReadLive(hub_.P(hub_.s.b_admin), {}, position, 2);
    ASSERT_TRUE(batch.ok());
    for (const auto& e : batch->events) rest.push_back(Json::parse(*e.data)["id"]);
    position = batch->next;
    if (batch->caught_up) break;
  }
  EXPECT_EQ(rest, (std::vector<std::string>{ids[2], ids[4], ids[5], ids[6]}));

  // Events committed while disconnected are read from the last position.
  const std::string later = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.c_member, {TestHub::Indicator(later, "later.example")});
  auto after = hub_.service.ReadLive(hub_.P(hub_.s.b_admin), {}, position, 10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->events.size(), 1u);
  EXPECT_EQ(Json::parse(*after->events[0].data)["id"], later);
}

TEST_P(SharingLiveTest, FiltersSelectCollectionTypeAndTlp) {
  const Collection a_only = AOnlyCollection();
  const std::string green = TestHub::NewIndicatorId();
  const std::string amber = TestHub::NewIndicatorId();
  const std::string in_a_only = TestHub::NewIndicatorId();
  const Json malware = {{"type", "malware"},
                        {"spec_version", "2.1"},
                        {"id", "malware--" + NewUuid()},
                        {"created", "2024-05-01T00:00:00.000Z"},
                        {"modified", "2024-05-01T00:00:00.000Z"},
                        {"name", "Bad"},
                        {"is_family", true}};
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(green, "g.example"),
                               TestHub::Indicator(amber, "a.example", "2024-05-01T00:00:00.000Z",
                                                  {TestHub::Marking(stix::Tlp::kAmber)}),
                               malware});
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(in_a_only, "x.example")}, a_only.id);

  LiveFilter amber_only;
  amber_only.tlps = {stix::Tlp::kAmber};
  EXPECT_EQ(Seen(hub_.s.b_admin, amber_only), Kinds("added", {amber}));
  LiveFilter malware_only;
  malware_only.types = {"malware"};
  EXPECT_EQ(Seen(hub_.s.b_admin, malware_only), Kinds("added", {malware["id"]}));
  LiveFilter in_collection;
  in_collection.collection_ids = {a_only.id};
  EXPECT_EQ(Seen(hub_.s.a_member, in_collection), Kinds("added", {in_a_only}));
  // A collection the viewer may not read is "not found", like everywhere else.
  auto refused = hub_.service.StartLive(hub_.P(hub_.s.b_admin), in_collection, std::nullopt);
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
}

TEST_P(SharingLiveTest, StartRefusesOversizedFiltersAndForeignPositions) {
  LiveFilter many;
  many.types.assign(kMaxLiveFilterValues + 1, "indicator");
  EXPECT_EQ(hub_.service.StartLive(hub_.P(hub_.s.b_admin), many, std::nullopt).error().code(),
            ErrorCode::kInvalidArgument);
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(TestHub::NewIndicatorId(), "n.example")});
  auto now = hub_.service.StartLive(hub_.P(hub_.s.b_admin), {}, std::nullopt);
  ASSERT_TRUE(now.ok());
  EXPECT_GT(now->event_id, 0);
  // Without a position the stream starts now: nothing from before.
  auto batch = hub_.service.ReadLive(hub_.P(hub_.s.b_admin), {}, *now, 10);
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->events.empty());
  EXPECT_TRUE(batch->caught_up);
  auto ahead =
      hub_.service.StartLive(hub_.P(hub_.s.b_admin), {}, LivePosition{now->event_id + 1000, 0});
  EXPECT_EQ(ahead.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(hub_.service.ReadLive(hub_.P(hub_.s.b_admin), {}, *now, 0).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST(LivePositionTest, ParsesOnlyWhatStreamsWrite) {
  for (const char* good : {"0", "12", "12.0", "12.345", "999999999999999999.999999999"}) {
    auto parsed = ParseLivePosition(good);
    ASSERT_TRUE(parsed.ok()) << good;
    EXPECT_EQ(FormatLivePosition(*parsed), good);
  }
  for (const char* bad : {"", ".", "1.", ".1", "-1", "1.-1", "1.2.3", "1e3", " 1", "abc", "1 ",
                          "9999999999999999999", "1.9999999999", "0x10", "1,2"}) {
    EXPECT_FALSE(ParseLivePosition(bad).ok()) << bad;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SharingLiveTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::sharing
