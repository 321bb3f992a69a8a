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

using testing::Marking;

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
    s.collection = env.NewMembersCollection("isolation");
    ASSERT_FALSE(s.collection.empty());
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

// An object's page names the author of a version by the rule of correlations: the
// viewer's own organisation, or a TLP:CLEAR or GREEN version.
TEST_P(SharingIsolationTest, ObjectDetailNamesAuthorsOnlyWhereTheMarkingAllows) {
  const auto author_of = [](const std::string& name) -> std::string {
    if (name == "b_amber" || name == "sighting_b") return "B";
    return name == "sighting_c" ? "C" : "A";
  };
  int named = 0, hidden = 0;
  for (const std::string& user : kUsers) {
    TestClient client = env_.As(user);
    for (const std::string& name : Expected(user)) {
      const HttpResult r = client.Get("/api/v1/sharing/objects/" + s_.id[name]);
      ASSERT_EQ(r.status, 200) << user << " " << name << r.body;
      const Json versions = r.json()["versions"];
      ASSERT_EQ(versions.size(), 1u) << r.body;
      const Json& version = versions[0];
      EXPECT_TRUE(version["latest"].get<bool>());
      const std::string author = author_of(name);
      const bool own = user == std::string(1, static_cast<char>(author[0] - 'A' + 'a'));
      const bool community_marking = version["tlp"] == "green" || version["tlp"] == "clear";
      const bool may_know = own || community_marking;
      EXPECT_EQ(version["author"]["hidden"], !may_know) << user << " " << name;
      if (may_know) {
        ++named;
        EXPECT_EQ(version["author"]["org_id"], env_.org.at(author)) << user << " " << name;
      } else {
        ++hidden;
        EXPECT_FALSE(version["author"].contains("org_id")) << r.body;
        EXPECT_EQ(version["author"]["name"], "another organisation");
        EXPECT_EQ(r.body.find(env_.org.at(author)), std::string::npos) << r.body;
      }
    }
  }
  EXPECT_GT(named, 0);
  EXPECT_GT(hidden, 0);
}

// One id whose newer version is TLP:RED (no recipients) over an older TLP:GREEN one: B
// sees the green version wherever versions show, and nothing of the red one, not even
// its version or date added; A, the author, sees both.
TEST_P(SharingIsolationTest, AVersionHiddenByItsMarkingShowsNowhere) {
  TestClient a = env_.As("a");
  TestClient b = env_.As("b");
  const std::string collection_id = env_.NewMembersCollection("versions");
  ASSERT_FALSE(collection_id.empty());
  const std::string collection = std::string(kTaxiiRoot) + "collections/" + collection_id + "/";
  const std::string id = NewId("indicator");
  ASSERT_EQ(PostEnvelope(a, collection_id,
                         {Indicator(id, "green-version.example", "2024-05-01T00:00:00.000Z",
                                    {Marking(stix::Tlp::kGreen)})})
                .json()["success_count"],
            1);
  ASSERT_EQ(PostEnvelope(a, collection_id,
                         {Indicator(id, "red-version.example", "2024-06-01T00:00:00.000Z",
                                    {Marking(stix::Tlp::kRed)})})
                .json()["success_count"],
            1);
  const std::string every_version = "?match[id]=" + id + "&match[version]=all";
  const Json a_manifest = a.Get(collection + "manifest/" + every_version).json();
  ASSERT_EQ(a_manifest["objects"].size(), 2u) << a_manifest.dump();
  const std::string green_added = a_manifest["objects"][0]["date_added"];
  ASSERT_EQ(a_manifest["objects"][0]["version"], "2024-05-01T00:00:00.000000Z");

  const std::set<std::string> bodies_b = {
      b.Get(collection + "objects/" + id + "/").body,
      b.Get(collection + "objects/" + id + "/?match[version]=all").body,
      b.Get(collection + "objects/" + every_version).body,
      b.Get(collection + "objects/?match[version]=all").body,
      b.Get(collection + "manifest/" + every_version).body,
      b.Get(collection + "objects/" + id + "/versions/").body,
      b.Get("/api/v1/sharing/objects/" + id).body,
      b.Get("/api/v1/sharing/objects?q=version.example").body};
  for (const std::string& body : bodies_b) {
    EXPECT_EQ(body.find("red-version"), std::string::npos) << body;
    EXPECT_EQ(body.find("2024-06-01"), std::string::npos) << "the red version's time: " << body;
  }
  const Json versions = b.Get(collection + "objects/" + id + "/versions/").json();
  EXPECT_EQ(versions["versions"], Json::array({"2024-05-01T00:00:00.000000Z"})) << versions.dump();
  const HttpResult all = b.Get(collection + "objects/" + every_version);
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_EQ(all.json()["objects"].size(), 1u) << all.body;
  EXPECT_NE(all.body.find("green-version"), std::string::npos);
  EXPECT_EQ(all.header("x-taxii-date-added-first"), green_added);
  EXPECT_EQ(all.header("x-taxii-date-added-last"), green_added)
      << "the last date added is the green version's";
  const Json detail = b.Get("/api/v1/sharing/objects/" + id).json();
  ASSERT_EQ(detail["versions"].size(), 1u) << detail.dump();
  EXPECT_FALSE(detail["versions"][0]["latest"].get<bool>()) << "as TAXII: no latest for B";

  EXPECT_EQ(a.Get(collection + "objects/" + id + "/versions/").json()["versions"].size(), 2u);
  EXPECT_NE(a.Get(collection + "objects/" + id + "/").body.find("red-version"), std::string::npos);
}

// An organisation whose only report of an observable the viewer may not see is not
// counted among those that reported it.
TEST_P(SharingIsolationTest, AnAuthorSeenOnlyThroughHiddenObjectsIsNotCounted) {
  TestClient a = env_.As("a");
  TestClient b = env_.As("b");
  TestClient c = env_.As("c");
  const std::string collection_id = env_.NewMembersCollection("counts");
  ASSERT_FALSE(collection_id.empty());
  const std::string domain = "counted-" + NewUuid().substr(0, 8) + ".example";
  const std::string green = NewId("indicator");
  const std::string hidden = NewId("indicator");
  ASSERT_EQ(PostEnvelope(a, collection_id,
                         {Indicator(green, domain, "2024-05-01T00:00:00.000Z",
                                    {Marking(stix::Tlp::kGreen)})})
                .json()["success_count"],
            1);
  ASSERT_EQ(PostEnvelope(
                b, collection_id,
                {Indicator(hidden, domain, "2024-05-01T00:00:00.000Z", {Marking(stix::Tlp::kRed)})})
                .json()["success_count"],
            1);
  const std::string path = "/api/v1/sharing/objects/" + green + "/correlations";
  const Json for_c = c.Get(path).json();
  EXPECT_EQ(for_c["organisations"], 1) << for_c.dump();
  EXPECT_TRUE(for_c["related"].empty()) << for_c.dump();
  EXPECT_EQ(for_c.dump().find(hidden), std::string::npos);
  const Json for_b = b.Get(path).json();
  EXPECT_EQ(for_b["organisations"], 2) << "B sees its own red report: " << for_b.dump();
  ASSERT_EQ(for_b["related"].size(), 1u) << for_b.dump();
  EXPECT_EQ(for_b["related"][0]["id"], hidden);
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

// The hub's search: per collection, by observable, by TLP and page by page, each viewer
// finds and counts exactly the objects it may see.
TEST_P(SharingIsolationTest, SearchFindsAndCountsExactlyTheVisible) {
  const std::string in_collection =
      "/api/v1/sharing/objects?limit=1000&collection=" + s_.collection;
  for (const std::string& user : kUsers) {
    const std::set<std::string> expected = Expected(user);
    TestClient client = env_.As(user);
    HttpResult all = client.Get(in_collection);
    if (expected.empty()) {
      EXPECT_EQ(all.status, 404) << user;
      // Across every collection, the observable finds nothing of this community.
      const Json anywhere = client.Get("/api/v1/sharing/objects?q=shared.example").json();
      for (const auto& o : anywhere["items"]) {
        EXPECT_EQ(NameOf(o["id"]).rfind("unknown", 0), 0u) << user << " " << o["id"];
      }
      continue;
    }
    ASSERT_EQ(all.status, 200) << user << all.body;
    const Json all_body = all.json();
    std::set<std::string> listed;
    for (const auto& o : all_body["items"]) listed.insert(NameOf(o["id"]));
    EXPECT_EQ(listed, expected) << user;
    EXPECT_EQ(all_body["total"], expected.size()) << user;

    // The observable, written differently, through the correlation index.
    std::set<std::string> indicators;
    for (const std::string& name : expected) {
      if (!name.starts_with("sighting")) indicators.insert(name);
    }
    std::set<std::string> found;
    std::string cursor;
    for (int guard = 0; guard < 20; ++guard) {
      HttpResult page = client.Get("/api/v1/sharing/objects?limit=1&q=SHARED.example.&collection=" +
                                   s_.collection + (cursor.empty() ? "" : "&cursor=" + cursor));
      ASSERT_EQ(page.status, 200) << user << page.body;
      const Json body = page.json();
      EXPECT_EQ(body["total"], indicators.size()) << user;
      for (const auto& o : body["items"]) found.insert(NameOf(o["id"]));
      if (!body["more"].get<bool>()) break;
      cursor = body["cursor"];
    }
    EXPECT_EQ(found, indicators) << user;

    // A filter on TLP:RED counts only the RED objects the viewer may see.
    std::size_t red = 0;
    for (const std::string& name : expected) red += name.starts_with("red") || name == "sighting_c";
    EXPECT_EQ(client.Get(in_collection + "&tlp=red").json()["total"], red) << user;
    // Searching for an invisible object's id finds nothing.
    EXPECT_EQ(client.Get(in_collection + "&q=" + s_.id["red_none"]).json()["total"],
              user == "a" ? 1 : 0)
        << user;
  }
}

// One object's page: its versions, the relationships to and from it, and the objects at
// their other ends, each only when visible.
TEST_P(SharingIsolationTest, ObjectDetailShowsOnlyVisibleRelationshipsAndEnds) {
  TestClient a = env_.As("a");
  TestClient b = env_.As("b");
  const std::string collection = env_.NewMembersCollection("relations");
  ASSERT_FALSE(collection.empty());
  std::map<std::string, std::string> id;
  for (const char* name : {"x", "y", "z", "secret"}) id[name] = NewId("indicator");
  for (const char* name : {"r_xy", "r_secret_x", "r_xz_red"}) id[name] = NewId("relationship");
  auto relationship = [&](const std::string& name, const std::string& source,
                          const std::string& target, std::vector<std::string> markings,
                          std::vector<std::string> recipients) {
    Json r = {{"type", "relationship"},
              {"spec_version", "2.1"},
              {"id", id[name]},
              {"created", "2024-05-01T00:00:00.000Z"},
              {"modified", "2024-05-01T00:00:00.000Z"},
              {"relationship_type", "related-to"},
              {"source_ref", id[source]},
              {"target_ref", id[target]},
              {"object_marking_refs", markings}};
    if (!recipients.empty()) r["x_fincyber_recipients"] = recipients;
    return r;
  };
  const std::string green = Marking(stix::Tlp::kGreen);
  const std::string red = Marking(stix::Tlp::kRed);
  ASSERT_EQ(PostEnvelope(a, collection,
                         {Indicator(id["x"], "x.example", "2024-05-01T00:00:00Z", {green}),
                          Indicator(id["x"], "x.example", "2024-05-02T00:00:00Z", {green}),
                          Indicator(id["z"], "z.example", "2024-05-01T00:00:00Z", {green}),
                          Indicator(id["secret"], "s.example", "2024-05-01T00:00:00Z", {red}),
                          relationship("r_xy", "x", "y", {green}, {}),
                          relationship("r_secret_x", "secret", "x", {green}, {}),
                          relationship("r_xz_red", "x", "z", {red}, {env_.org.at("C")})})
                .json()["success_count"],
            7);
  ASSERT_EQ(PostEnvelope(b, collection,
                         {Indicator(id["y"], "y.example", "2024-05-01T00:00:00Z",
                                    {Marking(stix::Tlp::kAmber)})})
                .json()["success_count"],
            1);
  auto name_of = [&](const std::string& stix_id) {
    for (const auto& [name, known] : id) {
      if (known == stix_id) return name;
    }
    return "unknown " + stix_id;
  };
  const std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> expected = {
      {"a", {{"r_xy", "r_secret_x", "r_xz_red"}, {"y", "z", "secret"}}},
      {"b", {{"r_xy", "r_secret_x"}, {"y"}}},
      {"isac", {{"r_xy", "r_secret_x"}, {"y"}}},
      {"c", {{"r_xy", "r_secret_x", "r_xz_red"}, {"y", "z"}}}};
  for (const std::string& user : kUsers) {
    TestClient client = env_.As(user);
    HttpResult r = client.Get("/api/v1/sharing/objects/" + id["x"]);
    const auto want = expected.find(user);
    if (want == expected.end()) {
      EXPECT_EQ(r.status, 404) << user;
      continue;
    }
    ASSERT_EQ(r.status, 200) << user << r.body;
    const Json body = r.json();
    EXPECT_EQ(body["versions"].size(), 2u) << user;
    std::set<std::string> relationships;
    for (const auto& o : body["relationships"]) relationships.insert(name_of(o["id"]));
    std::set<std::string> related;
    for (const auto& o : body["related"]) related.insert(name_of(o["id"]));
    EXPECT_EQ(relationships, want->second.first) << user;
    EXPECT_EQ(related, want->second.second) << user;
    EXPECT_EQ(body["links"]["correlations"],
              "/api/v1/sharing/objects/" + id["x"] + "/correlations");
    EXPECT_EQ(client.Get("/api/v1/sharing/objects/" + id["secret"]).status, user == "a" ? 200 : 404)
        << user;
  }
}

// Warning-list hits show in the object detail, per version, to those who see the object.
TEST_P(SharingIsolationTest, ObjectDetailShowsWarningListHitsOnlyWhenVisible) {
  TestClient a = env_.As("a");
  const std::string id = NewId("indicator");
  const std::string green = Marking(stix::Tlp::kGreen);
  ASSERT_EQ(PostEnvelope(a, s_.collection,
                         {Indicator(id, "mail.google.com", "2024-05-01T00:00:00Z", {green}),
                          Indicator(id, "flag-free.example", "2024-05-02T00:00:00Z", {green})})
                .json()["success_count"],
            2);
  for (const std::string& user : kUsers) {
    HttpResult r = env_.As(user).Get("/api/v1/sharing/objects/" + id);
    const bool sees = user == "a" || user == "b" || user == "c" || user == "isac";
    ASSERT_EQ(r.status, sees ? 200 : 404) << user;
    if (!sees) continue;
    const Json body = r.json();
    std::map<std::string, Json> warnings;  // version -> its warnings
    for (const auto& version : body["versions"]) {
      warnings[version["version"].get<std::string>()] = version["warnings"];
    }
    ASSERT_EQ(warnings.size(), 2u) << user;
    EXPECT_EQ(warnings.begin()->second,
              Json::parse(R"([{"list": "fincyber: well-known sites", "entry": "google.com"}])"))
        << user;
    EXPECT_EQ(warnings.rbegin()->second, Json::array()) << user;
  }
  // Remove it again so that the other tests' view of the collection stays as built.
  EXPECT_EQ(a.Send("DELETE", Collection() + "objects/" + id + "/").status, 200);
}

// An indicator made from the form reaches its TLP:RED recipient and no one else.
TEST_P(SharingIsolationTest, FormIndicatorsReachOnlyTheirRecipients) {
  TestClient a = env_.As("a");
  const Json form = {{"name", "Form phishing"},
                     {"pattern", "[domain-name:value = 'form-red.example']"},
                     {"labels", {"phishing"}},
                     {"tlp", "red"},
                     {"recipients", {env_.org.at("C")}}};
  const std::string path = "/api/v1/sharing/collections/" + s_.collection + "/indicators";
  EXPECT_EQ(env_.As("d").Post(path, form).status, 404);
  EXPECT_EQ(env_.As("auditor").Post(path, form).status, 404);
  HttpResult created = a.Post(path, form);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  for (const std::string& user : kUsers) {
    const bool sees = user == "a" || user == "c";
    const Json found = env_.As(user).Get("/api/v1/sharing/objects?q=form-red.example").json();
    EXPECT_EQ(found["total"], sees ? 1 : 0) << user;
    EXPECT_EQ(env_.As(user).Get("/api/v1/sharing/objects/" + id).status, sees ? 200 : 404) << user;
  }
  // Remove it again so that the other tests' view of the collection stays as built.
  EXPECT_EQ(a.Send("DELETE", Collection() + "objects/" + id + "/").status, 200);
}

// Malformed, oversized, mistyped and hostile input to the hub's browser routes.
TEST_P(SharingIsolationTest, LogCheckMatchesOnlyTheVisibleIndicators) {
  const std::string sample =
      "1790000000.123    245 192.0.2.10 TCP_MISS/200 1234 GET http://www.shared.example/ - "
      "HIER_DIRECT/198.51.100.7 text/html\n";
  const std::string check = "/api/v1/sharing/collections/" + s_.collection + "/log-check";
  for (const std::string& user : kUsers) {
    std::set<std::string> expected;
    for (const std::string& name : Expected(user)) {
      if (!name.starts_with("sighting")) expected.insert(name);
    }
    TestClient client = env_.As(user);
    HttpResult r = client.Send("POST", check, sample, "text/plain");
    if (expected.empty()) {
      EXPECT_EQ(r.status, 404) << user << " " << r.body;
      continue;
    }
    ASSERT_EQ(r.status, 200) << user << " " << r.body;
    const Json body = r.json();
    std::set<std::string> matched;
    for (const auto& i : body["by_indicator"]) matched.insert(NameOf(i["indicator_id"]));
    EXPECT_EQ(matched, expected) << user;
    // Nothing counted betrays an indicator the user may not see.
    EXPECT_EQ(body["indicators"], expected.size()) << user;
    EXPECT_EQ(body["matches"], expected.size()) << user;
    EXPECT_EQ(body["listed"].size(), expected.size()) << user;
  }
}

TEST_P(SharingIsolationTest, LogCheckRefusesBadInput) {
  const std::string check = "/api/v1/sharing/collections/" + s_.collection + "/log-check";
  TestClient b = env_.As("b");
  EXPECT_EQ(b.Send("POST", check + "?format=evtx", "x", "text/plain").status, 400);
  EXPECT_EQ(b.Send("POST", check + "?format=", "x", "text/plain").status, 400);
  EXPECT_EQ(b.Send("POST", check, std::string((16 << 20) + 1, 'a'), "text/plain").status, 413);
  EXPECT_EQ(
      b.Send("POST", "/api/v1/sharing/collections/no-such/log-check", "x", "text/plain").status,
      404);
  TestClient anonymous(env_.running->port());
  EXPECT_EQ(anonymous.Send("POST", check, "x", "text/plain").status, 401);
  // Binary bytes and a JSON line that does not parse are read, not refused.
  HttpResult binary = b.Send(
      "POST", check + "?format=json",
      std::string("{\"url\": \"http://shared.example/\x00\xff", 32) + "\n\x01\x02 shared.example\n",
      "application/octet-stream");
  ASSERT_EQ(binary.status, 200) << binary.body;
  EXPECT_EQ(binary.json()["lines"], 2);
  EXPECT_EQ(binary.json()["format"], "json");
}

TEST_P(SharingIsolationTest, BrowserRoutesRefuseBadInput) {
  TestClient b = env_.As("b");
  for (const char* query : {"limit=abc", "limit=0", "limit=1001", "tlp=purple",
                            "added_after=yesterday", "cursor=-1", "cursor=abc", "cursor=1x"}) {
    EXPECT_EQ(b.Get(std::string("/api/v1/sharing/objects?") + query).status, 400) << query;
  }
  EXPECT_EQ(b.Get("/api/v1/sharing/objects?q=" + std::string(201, 'x')).status, 400);
  EXPECT_EQ(b.Get("/api/v1/sharing/objects?collection=no-such").status, 404);
  EXPECT_EQ(b.Get("/api/v1/sharing/objects?q=%25%27%22%5C").status, 200);
  for (const char* id : {"not-an-id", "indicator--%25", "indicator--'%20OR%201=1--"}) {
    EXPECT_EQ(b.Get(std::string("/api/v1/sharing/objects/") + id).status, 404) << id;
  }

  const std::string validate = "/api/v1/sharing/patterns/validate";
  EXPECT_EQ(b.Send("POST", validate, "{\"pattern\": ").status, 400);
  EXPECT_EQ(b.Send("POST", validate, "[]").status, 400);
  EXPECT_EQ(b.Post(validate, {{"pattern", 5}}).status, 400);
  EXPECT_EQ(b.Post(validate, {{"pattern", "[a:b = 1]"}, {"extra", 1}}).status, 400);
  EXPECT_EQ(b.Post(validate, {{"pattern", std::string(20001, 'a')}}).status, 400);
  EXPECT_EQ(b.Send("POST", validate, "{\"pattern\": \"" + std::string(2 << 20, 'a') + "\"}").status,
            413);
  EXPECT_EQ(b.Send("POST", validate, "{\"pattern\": \"\xff\xfe\"}").status, 400);
  EXPECT_EQ(b.Send("POST", validate, "{\"pattern\": \"[a:b = 1]\"}", "text/plain").status, 415);
  for (const std::string& hostile :
       {std::string(5000, '(') + "[a:b = 1]" + std::string(5000, ')'),
        std::string("[file:name = 'a\0b']", 19), std::string("[file:name MATCHES '(a+)+$']"),
        std::string("[x:y = 1] REPEATS 0 TIMES")}) {
    HttpResult r = b.Post(validate, {{"pattern", hostile}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["ok"], hostile.find("MATCHES") != std::string::npos) << r.body;
  }
  HttpResult bad = b.Post(validate, {{"pattern", "[domain-name:value = 'x.example'"}});
  EXPECT_EQ(bad.json()["position"], 32);
  HttpResult good = b.Post(validate, {{"pattern", "[domain-name:value = 'X.Example']"}});
  EXPECT_EQ(good.json()["observables"][0]["key"], "domain:x.example");

  const std::string create = "/api/v1/sharing/collections/" + s_.collection + "/indicators";
  const Json form = {
      {"name", "n"}, {"pattern", "[domain-name:value = 'x.example']"}, {"tlp", "green"}};
  EXPECT_EQ(b.Send("POST", create, "{").status, 400);
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, Json>>{{"labels", "phishing"},
                                                 {"labels", {1}},
                                                 {"tlp", "purple"},
                                                 {"tlp", 1},
                                                 {"pattern", "[x:y = "},
                                                 {"valid_from", "tomorrow"},
                                                 {"name", ""},
                                                 {"recipients", {env_.org.at("C")}},
                                                 {"unknown", 1}}) {
    Json body = form;
    body[field] = value;
    HttpResult r = b.Post(create, body);
    EXPECT_EQ(r.status, 400) << field << " " << value << " " << r.body;
  }
  HttpResult bad_pattern = b.Post(create, [&] {
    Json body = form;
    body["pattern"] = "[x:y = ";
    return body;
  }());
  EXPECT_EQ(bad_pattern.json()["error"]["details"][0]["field"], "pattern") << bad_pattern.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, SharingIsolationTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber
