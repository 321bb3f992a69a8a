// Who sees what in the sharing hub, through every endpoint and side channel: a matrix
// of organisations (the author A, group members B and the ISAC, C a member named as a
// TLP:RED recipient, D outside the group, the regulator's coordination office and
// auditor outside the group) against the collection list, objects, one object,
// versions, manifest, status, date-added headers, pagination, correlation and the
// sightings aggregate. Each must show exactly what the rule allows.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sharing_env.h"

namespace fincyber {
namespace {

using testing::HttpResult;
using testing::HubEnv;
using testing::Indicator;
using testing::kTaxiiRoot;
using testing::NewId;
using testing::PostEnvelope;
using testing::TestClient;

const auto* const kStopServers = ::testing::AddGlobalTestEnvironment(new testing::StopHubServers);

std::string Marking(stix::Tlp level) { return std::string(stix::Tlp2MarkingId(level)); }

Json Sighting(const std::string& of, int count, const std::string& first_seen,
              std::vector<std::string> markings) {
  Json o = {{"type", "sighting"},
            {"spec_version", "2.1"},
            {"id", NewId("sighting")},
            {"created", "2024-05-02T00:00:00.000Z"},
            {"modified", "2024-05-02T00:00:00.000Z"},
            {"sighting_of_ref", of},
            {"count", count},
            {"first_seen", first_seen},
            {"last_seen", "2024-05-02T00:00:00Z"}};
  if (!markings.empty()) o["object_marking_refs"] = markings;
  return o;
}

// The shared objects of one backend's community, posted once.
struct Scenario {
  std::string collection;
  std::map<std::string, std::string> id;          // name -> STIX id
  std::string status_id;                          // of A's post
  std::map<std::string, std::string> date_added;  // name -> as A's manifest shows it
};

class SharingIsolationTest : public ::testing::TestWithParam<std::string> {
 protected:
  SharingIsolationTest() : env_(HubEnv::For(GetParam())), s_(ScenarioFor(env_, GetParam())) {}

  static Scenario& ScenarioFor(HubEnv& env, const std::string& backend) {
    static std::map<std::string, Scenario> scenarios;
    auto [it, inserted] = scenarios.try_emplace(backend);
    if (inserted) Build(env, it->second);
    return it->second;
  }

  static void Build(HubEnv& env, Scenario& s) {
    auto created = env.platform->sharing().CreateCollection(
        identity::OperatorPrincipal(),
        {"isolation " + NewUuid(), "", "", env.members_group, env.members_group, stix::Tlp::kGreen},
        {"127.0.0.1", "test"});
    ASSERT_TRUE(created.ok());
    s.collection = created->id;
    for (const char* name : {"green", "amber_strict", "red_c", "red_none", "unmarked", "b_amber"}) {
      s.id[name] = NewId("indicator");
    }
    s.id["sighting_b"] = "";
    s.id["sighting_c"] = "";
    TestClient a = env.As("a");
    TestClient b = env.As("b");
    TestClient c = env.As("c");
    HttpResult posted =
        PostEnvelope(a, s.collection,
                     {Indicator(s.id["green"], "shared.example", "2024-05-01T00:00:00Z",
                                {Marking(stix::Tlp::kGreen)}),
                      Indicator(s.id["amber_strict"], "shared.example", "2024-05-01T00:00:00Z",
                                {Marking(stix::Tlp::kAmberStrict)}),
                      Indicator(s.id["red_c"], "shared.example", "2024-05-01T00:00:00Z",
                                {Marking(stix::Tlp::kRed)}, {env.org.at("C")}),
                      Indicator(s.id["unmarked"], "shared.example")});
    ASSERT_EQ(posted.status, 202) << posted.body;
    ASSERT_EQ(posted.json()["success_count"], 4) << posted.body;
    s.status_id = posted.json()["id"];
    ASSERT_EQ(PostEnvelope(b, s.collection,
                           {Indicator(s.id["b_amber"], "shared.example", "2024-05-01T00:00:00Z",
                                      {Marking(stix::Tlp::kAmber)})})
                  .status,
              202);
    const Json sighting_b =
        Sighting(s.id["green"], 3, "2024-05-01T10:00:00Z", {Marking(stix::Tlp::kGreen)});
    const Json sighting_c =
        Sighting(s.id["green"], 5, "2024-04-30T00:00:00Z", {Marking(stix::Tlp::kRed)});
    s.id["sighting_b"] = sighting_b["id"];
    s.id["sighting_c"] = sighting_c["id"];
    ASSERT_EQ(PostEnvelope(b, s.collection, {sighting_b}).json()["success_count"], 1);
    ASSERT_EQ(PostEnvelope(c, s.collection, {sighting_c}).json()["success_count"], 1);
    // The newest object of all is one only its author sees.
    ASSERT_EQ(PostEnvelope(a, s.collection,
                           {Indicator(s.id["red_none"], "shared.example", "2024-05-01T00:00:00Z",
                                      {Marking(stix::Tlp::kRed)})})
                  .json()["success_count"],
              1);
    // Between them, A and C see every object.
    for (TestClient* viewer : {&a, &c}) {
      const Json manifest =
          viewer->Get(std::string(kTaxiiRoot) + "collections/" + s.collection + "/manifest/")
              .json();
      for (const auto& record : manifest["objects"]) {
        for (const auto& [name, id] : s.id) {
          if (record["id"] == id) s.date_added[name] = record["date_added"];
        }
      }
    }
    ASSERT_EQ(s.date_added.size(), s.id.size());
  }

  // The names each user may see.
  std::set<std::string> Expected(const std::string& user) {
    const std::set<std::string> community = {"green", "amber_strict", "unmarked", "b_amber",
                                             "sighting_b"};
    std::set<std::string> out;
    if (user == "a") {
      out = community;
      out.insert({"red_c", "red_none"});
    } else if (user == "c") {
      out = community;
      out.insert({"red_c", "sighting_c"});
    } else if (user == "b" || user == "isac") {
      out = community;
    }
    return out;
  }

  std::string NameOf(const std::string& id) {
    for (const auto& [name, known] : s_.id) {
      if (known == id) return name;
    }
    return "unknown " + id;
  }
  std::string Collection() {
    return std::string(kTaxiiRoot) + "collections/" + s_.collection + "/";
  }

  HubEnv& env_;
  Scenario& s_;
};

const std::vector<std::string> kUsers = {"a", "b", "c", "isac", "d", "coord", "auditor"};

TEST_P(SharingIsolationTest, CollectionAppearsOnlyToTheGroup) {
  for (const std::string& user : kUsers) {
    const bool member = !Expected(user).empty();
    const Json list = env_.As(user).Get(std::string(kTaxiiRoot) + "collections/").json();
    bool listed = false;
    for (const auto& c : list.value("collections", Json::array())) {
      listed = listed || c["id"] == s_.collection;
    }
    EXPECT_EQ(listed, member) << user;
    EXPECT_EQ(env_.As(user).Get(Collection()).status, member ? 200 : 404) << user;
    for (const char* endpoint : {"objects/", "manifest/"}) {
      EXPECT_EQ(env_.As(user).Get(Collection() + endpoint).status, member ? 200 : 404) << user;
    }
  }
}

TEST_P(SharingIsolationTest, ObjectsManifestAndPagesShowExactlyTheVisible) {
  for (const std::string& user : kUsers) {
    const std::set<std::string> expected = Expected(user);
    if (expected.empty()) continue;
    TestClient client = env_.As(user);
    // One page.
    std::set<std::string> listed;
    HttpResult all = client.Get(Collection() + "objects/?limit=1000");
    const Json all_body = all.json();
    for (const auto& o : all_body["objects"]) listed.insert(NameOf(o["id"]));
    EXPECT_EQ(listed, expected) << user;
    EXPECT_EQ(all_body["more"], false) << user;
    // The same through pages of one: no page, count or `more` betrays another object.
    std::multiset<std::string> paged;
    std::string next;
    for (int guard = 0; guard < 20; ++guard) {
      HttpResult page =
          client.Get(Collection() + "objects/?limit=1" + (next.empty() ? "" : "&next=" + next));
      ASSERT_EQ(page.status, 200);
      const Json body = page.json();
      for (const auto& o : body.value("objects", Json::array())) paged.insert(NameOf(o["id"]));
      if (!body["more"].get<bool>()) break;
      next = body["next"];
    }
    EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()), expected) << user;
    EXPECT_EQ(paged.size(), expected.size()) << user;
    // The manifest.
    std::set<std::string> manifest;
    HttpResult m = client.Get(Collection() + "manifest/");
    const Json manifest_body = m.json();
    for (const auto& o : manifest_body["objects"]) manifest.insert(NameOf(o["id"]));
    EXPECT_EQ(manifest, expected) << user;
    // Date-added headers span the visible objects only.
    std::string first = "9999";
    std::string last;
    for (const std::string& name : expected) {
      first = std::min(first, s_.date_added[name]);
      last = std::max(last, s_.date_added[name]);
    }
    for (const HttpResult* r : {&all, &m}) {
      EXPECT_EQ(r->header("x-taxii-date-added-first"), first) << user;
      EXPECT_EQ(r->header("x-taxii-date-added-last"), last) << user;
    }
    if (user != "a") {
      EXPECT_LT(last, s_.date_added["red_none"]) << user;
    }
  }
}

TEST_P(SharingIsolationTest, OneObjectAndItsVersionsOnlyWhenVisible) {
  for (const std::string& user : kUsers) {
    const std::set<std::string> expected = Expected(user);
    TestClient client = env_.As(user);
    for (const auto& [name, id] : s_.id) {
      const bool visible = expected.contains(name);
      const std::string object = Collection() + "objects/" + id + "/";
      EXPECT_EQ(client.Get(object).status, visible ? 200 : 404) << user << " " << name;
      EXPECT_EQ(client.Get(object + "versions/").status, visible ? 200 : 404)
          << user << " " << name;
      if (expected.empty()) continue;
      HttpResult matched = client.Get(Collection() + "objects/?match[id]=" + id);
      EXPECT_EQ(matched.json().contains("objects"), visible) << user << " " << name;
      EXPECT_EQ(matched.header("x-taxii-date-added-first").empty(), !visible)
          << user << " " << name;
    }
  }
}

TEST_P(SharingIsolationTest, StatusOnlyToThePostingOrganisation) {
  const std::string status = std::string(kTaxiiRoot) + "status/" + s_.status_id + "/";
  for (const std::string& user : kUsers) {
    EXPECT_EQ(env_.As(user).Get(status).status, user == "a" ? 200 : 404) << user;
  }
}

TEST_P(SharingIsolationTest, CorrelationListsAndCountsOnlyTheVisible) {
  const std::string path = "/api/v1/sharing/objects/" + s_.id["green"] + "/correlations";
  for (const std::string& user : kUsers) {
    std::set<std::string> expected = Expected(user);
    HttpResult r = env_.As(user).Get(path);
    if (expected.empty()) {
      EXPECT_EQ(r.status, 404) << user;
      continue;
    }
    ASSERT_EQ(r.status, 200) << user << r.body;
    const Json body = r.json();
    EXPECT_EQ(body["observables"], Json::array({"domain:shared.example"})) << user;
    std::set<std::string> related;
    for (const auto& o : body["related"]) {
      const std::string name = NameOf(o["id"]);
      related.insert(name);
      // Authors are named only for the viewer's own objects or CLEAR/GREEN ones.
      const bool own = name == "b_amber" ? user == "b" : user == "a";
      const bool community_marking = o["tlp"] == "green" || o["tlp"] == "clear";
      EXPECT_EQ(o["author_hidden"], !(own || community_marking)) << user << " " << name;
      if (o["author_hidden"].get<bool>()) {
        EXPECT_FALSE(o.contains("author_org_id"));
        EXPECT_EQ(o["author_name"], "another organisation");
      }
    }
    std::set<std::string> expected_related;
    for (const std::string& name : expected) {
      if (name != "green" && !name.starts_with("sighting")) expected_related.insert(name);
    }
    EXPECT_EQ(related, expected_related) << user;
    EXPECT_EQ(body["organisations"], 2) << user;  // A and B, whatever else is hidden
  }
  // An object the viewer may not see has no correlations to show.
  const std::string red = "/api/v1/sharing/objects/" + s_.id["red_none"] + "/correlations";
  EXPECT_EQ(env_.As("b").Get(red).status, 404);
  EXPECT_EQ(env_.As("a").Get(red).status, 200);
}

TEST_P(SharingIsolationTest, SightingsAggregateOnlyTheVisible) {
  const std::string path = "/api/v1/sharing/objects/" + s_.id["green"] + "/sightings";
  for (const std::string& user : kUsers) {
    HttpResult r = env_.As(user).Get(path);
    if (Expected(user).empty()) {
      EXPECT_EQ(r.status, 404) << user;
      continue;
    }
    ASSERT_EQ(r.status, 200) << user << r.body;
    const Json body = r.json();
    if (user == "c") {
      EXPECT_EQ(body["sightings"], 2);
      EXPECT_EQ(body["count"], 8);
      EXPECT_EQ(body["organisations"], 2);
      EXPECT_EQ(body["first_seen"], "2024-04-30T00:00:00.000000Z");
    } else {
      EXPECT_EQ(body["sightings"], 1) << user;
      EXPECT_EQ(body["count"], 3) << user;
      EXPECT_EQ(body["organisations"], 1) << user;
      EXPECT_EQ(body["first_seen"], "2024-05-01T10:00:00.000000Z") << user;
    }
    EXPECT_EQ(body["last_seen"], "2024-05-02T00:00:00.000000Z") << user;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SharingIsolationTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber
