// The TAXII 2.1 server end to end: the real server on 127.0.0.1, a real database
// (SQLite and PostgreSQL), every endpoint, paging while objects arrive, media types,
// sizes, malformed and mixed envelopes, versions, deletion and authentication.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "sharing_env.h"
#include "testing/held_transaction.h"
#include "testing/scratch_dir.h"

namespace fincyber {
namespace {

using testing::HttpResult;
using testing::HubEnv;
using testing::Indicator;
using testing::kTaxiiAccept;
using testing::kTaxiiRoot;
using testing::NewId;
using testing::PostEnvelope;
using testing::TestClient;

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, in.size() - i);
    std::uint32_t bits = 0;
    for (std::size_t j = 0; j < n; ++j)
      bits |= static_cast<unsigned char>(in[i + j]) << (16 - 8 * j);
    for (std::size_t j = 0; j < 4; ++j) {
      out.push_back(j <= n ? kAlphabet[(bits >> (18 - 6 * j)) & 0x3F] : '=');
    }
  }
  return out;
}

class TaxiiTest : public ::testing::TestWithParam<std::string> {
 protected:
  TaxiiTest() : env_(HubEnv::For(GetParam())) {}

  std::string NewCollection() { return env_.NewMembersCollection("collection"); }
  static std::string Objects(const std::string& collection) {
    return std::string(kTaxiiRoot) + "collections/" + collection + "/objects/";
  }

  HubEnv& env_;
};

void ExpectTaxiiError(const HttpResult& r, int status) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type"), kTaxiiAccept);
  const Json body = r.json();
  EXPECT_TRUE(body.contains("title")) << r.body;
  EXPECT_EQ(body.value("http_status", ""), std::to_string(status)) << r.body;
}

TEST_P(TaxiiTest, DiscoveryAndApiRoot) {
  TestClient a = env_.As("a");
  HttpResult discovery = a.Get("/taxii2/");
  ASSERT_EQ(discovery.status, 200) << discovery.body;
  EXPECT_EQ(discovery.header("content-type"), kTaxiiAccept);
  EXPECT_EQ(discovery.json()["default"], kTaxiiRoot);
  EXPECT_EQ(discovery.json()["api_roots"], Json::array({kTaxiiRoot}));
  EXPECT_FALSE(discovery.json().value("title", "").empty());
  HttpResult root = a.Get(kTaxiiRoot);
  ASSERT_EQ(root.status, 200);
  EXPECT_EQ(root.json()["versions"], Json::array({kTaxiiAccept}));
  EXPECT_EQ(root.json()["max_content_length"], 1 << 20);
  ExpectTaxiiError(a.Get("/taxii2/api2/"), 404);
}

TEST_P(TaxiiTest, AuthenticationErrorsAndBasic) {
  TestClient anonymous(env_.running->port());
  HttpResult none = anonymous.Get(kTaxiiRoot);
  ExpectTaxiiError(none, 401);
  EXPECT_NE(none.header("www-authenticate").find("Basic"), std::string::npos);
  TestClient forged(env_.running->port());
  forged.UseBearer("fct_forged");
  ExpectTaxiiError(forged.Get(kTaxiiRoot), 401);

  auto basic = [&](const std::string& user, const std::string& secret) {
    TestClient client(env_.running->port());
    client.extra_headers["Authorization"] = "Basic " + Base64(user + ":" + secret);
    return client.Get(std::string(kTaxiiRoot) + "collections/");
  };
  HttpResult ok = basic(env_.username.at("a"), env_.token.at("a"));
  EXPECT_EQ(ok.status, 200) << ok.body;
  ExpectTaxiiError(basic(env_.username.at("b"), env_.token.at("a")), 401);
  ExpectTaxiiError(basic(env_.username.at("a"), "not-a-token"), 401);
}

TEST_P(TaxiiTest, MediaTypesSizesAndMalformedJson) {
  const std::string collection = NewCollection();
  TestClient a = env_.As("a");
  a.extra_headers["Accept"] = "application/json";
  ExpectTaxiiError(a.Get(kTaxiiRoot), 406);
  a.extra_headers["Accept"] = "application/taxii+json;version=2.0";
  ExpectTaxiiError(a.Get(kTaxiiRoot), 406);
  a.extra_headers["Accept"] = "application/taxii+json";
  EXPECT_EQ(a.Get(kTaxiiRoot).status, 200);
  a.extra_headers["Accept"] = kTaxiiAccept;

  const std::string envelope =
      Json{{"objects", {Indicator(NewId("indicator"), "mt.example")}}}.dump();
  ExpectTaxiiError(a.Send("POST", Objects(collection), envelope, "application/json"), 415);
  ExpectTaxiiError(a.Send("POST", Objects(collection), "{\"objects\": [", kTaxiiAccept), 400);
  ExpectTaxiiError(a.Send("POST", Objects(collection), "{\"objects\": {}}", kTaxiiAccept), 400);
  const std::string oversized =
      "{\"objects\":[{\"type\":\"note\",\"x\":\"" + std::string(1 << 20, 'a') + "\"}]}";
  ExpectTaxiiError(a.Send("POST", Objects(collection), oversized, kTaxiiAccept), 413);
  // Nothing was stored by any of them.
  HttpResult objects = a.Get(Objects(collection));
  EXPECT_EQ(objects.status, 200);
  EXPECT_FALSE(objects.json().contains("objects"));
}

TEST_P(TaxiiTest, CollectionsShowTheCallersRights) {
  auto titles = [&](const std::string& user) {
    std::map<std::string, std::pair<bool, bool>> rights;
    HttpResult r = env_.As(user).Get(std::string(kTaxiiRoot) + "collections/");
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& c : r.json().value("collections", Json::array())) {
      rights[c["title"]] = {c["can_read"], c["can_write"]};
      EXPECT_EQ(c["media_types"], Json::array({"application/stix+json;version=2.1"}));
    }
    return rights;
  };
  auto a = titles("a");
  EXPECT_EQ(a["indicators"], std::make_pair(true, true));
  EXPECT_EQ(a["to the regulator"], std::make_pair(false, true));
  auto coord = titles("coord");
  EXPECT_EQ(coord.size(), 1u);
  EXPECT_EQ(coord["to the regulator"], std::make_pair(true, false));
  EXPECT_TRUE(titles("d").empty());
  HttpResult empty = env_.As("d").Get(std::string(kTaxiiRoot) + "collections/");
  EXPECT_EQ(empty.json(), Json::object());

  const std::string one = std::string(kTaxiiRoot) + "collections/" + env_.indicators + "/";
  EXPECT_EQ(env_.As("b").Get(one).json()["id"], env_.indicators);
  ExpectTaxiiError(env_.As("d").Get(one), 404);
  ExpectTaxiiError(env_.As("coord").Get(one), 404);
  // Write-only: listed, but its objects are forbidden; posting works.
  ExpectTaxiiError(env_.As("a").Get(Objects(env_.to_regulator)), 403);
  TestClient a_client = env_.As("a");
  HttpResult posted =
      PostEnvelope(a_client, env_.to_regulator, {Indicator(NewId("indicator"), "report.example")});
  EXPECT_EQ(posted.status, 202) << posted.body;
  TestClient auditor = env_.As("auditor");
  ExpectTaxiiError(PostEnvelope(auditor, env_.to_regulator, {}), 403);
  TestClient d = env_.As("d");
  ExpectTaxiiError(PostEnvelope(d, env_.indicators, {}), 404);
  ExpectTaxiiError(env_.As("a").Get(Objects("no-such-collection")), 404);
}

// An object nested deeper than ParseJson's default (32 levels) but within what an
// envelope may hold (64) is accepted, so every way out shows it whole.
TEST_P(TaxiiTest, ADeepObjectIsShownWholeWhereverItIsRead) {
  const std::string collection = NewCollection();
  const std::string id = NewId("indicator");
  Json deep = "bottom";
  for (int level = 0; level < 40; ++level) deep = Json{{"inner", deep}};
  Json indicator = Indicator(id, "deep.example");
  indicator["x_nested"] = deep;
  TestClient a = env_.As("a");
  const HttpResult posted = PostEnvelope(a, collection, {indicator});
  ASSERT_EQ(posted.status, 202) << posted.body;
  ASSERT_EQ(posted.json()["success_count"], 1) << posted.body;

  const HttpResult taxii =
      a.Get(std::string(kTaxiiRoot) + "collections/" + collection + "/objects/" + id + "/");
  ASSERT_EQ(taxii.status, 200) << taxii.body;
  EXPECT_NE(taxii.body.find("bottom"), std::string::npos);
  const HttpResult detail = a.Get("/api/v1/sharing/objects/" + id);
  ASSERT_EQ(detail.status, 200) << detail.body;
  const Json version = detail.json()["versions"][0];
  ASSERT_TRUE(version["object"].is_object()) << "not a string of the JSON: " << detail.body;
  EXPECT_EQ(version["object"]["id"], id);
  EXPECT_EQ(version["name"], "C2 deep.example");
  const HttpResult search = a.Get("/api/v1/sharing/objects?q=deep.example");
  ASSERT_EQ(search.status, 200) << search.body;
  ASSERT_EQ(search.json()["items"].size(), 1u) << search.body;
  EXPECT_EQ(search.json()["items"][0]["name"], "C2 deep.example");
}

TEST_P(TaxiiTest, APostAnsweredPendingCompletesAndStaysWithItsOrganisation) {
  // A server that answers as soon as an envelope is spooled.
  testing::ScratchDir spool("fincyber-taxii-spool");
  app::Config config;
  config.database = env_.database->target();
  config.listen = "127.0.0.1:0";
  config.taxii_spool_dir = spool.path();
  config.taxii_post_wait_ms = 0;
  auto running = env_.platform->Start(config);
  ASSERT_TRUE(running.ok()) << running.error().internal_message();
  auto as = [&](const std::string& user) {
    TestClient client((*running)->port());
    client.UseBearer(env_.token.at(user));
    client.extra_headers["Accept"] = kTaxiiAccept;
    return client;
  };
  const std::string collection = NewCollection();
  const std::string id = NewId("indicator");
  TestClient a = as("a");
  // The collection's row held, so that the writer, which locks it first, stores nothing
  // before the answer.
  testing::HeldTransaction held(
      env_.platform->db(),
      "UPDATE sharing_collections SET last_date_added = last_date_added WHERE id = ?",
      {collection});
  HttpResult posted = PostEnvelope(a, collection, {Indicator(id, "pending.example")});
  ASSERT_EQ(posted.status, 202) << posted.body;
  const Json status = posted.json();
  EXPECT_EQ(status["status"], "pending");
  EXPECT_EQ(status["total_count"], 1);
  EXPECT_EQ(status["success_count"], 0);
  EXPECT_EQ(status["pending_count"], 1);
  const std::string status_path =
      std::string(kTaxiiRoot) + "status/" + status["id"].get<std::string>() + "/";
  ExpectTaxiiError(as("b").Get(status_path), 404);
  HttpResult still_pending = a.Get(status_path);
  ASSERT_EQ(still_pending.status, 200) << still_pending.body;
  EXPECT_EQ(still_pending.json()["status"], "pending");
  held.Release();

  Json polled;
  for (int poll = 0; poll < 500; ++poll) {
    HttpResult again = a.Get(status_path);
    ASSERT_EQ(again.status, 200) << again.body;
    polled = again.json();
    if (polled["status"] == "complete") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(polled["status"], "complete");
  EXPECT_EQ(polled["request_timestamp"], status["request_timestamp"]);
  EXPECT_EQ(polled["success_count"], 1);
  EXPECT_EQ(polled["pending_count"], 0);
  EXPECT_EQ(polled["successes"][0]["id"], id);
  ExpectTaxiiError(as("b").Get(status_path), 404);
  ExpectTaxiiError(as("coord").Get(status_path), 404);
  HttpResult stored = a.Get(Objects(collection));
  ASSERT_EQ(stored.json()["objects"].size(), 1u);
  EXPECT_EQ(stored.json()["objects"][0]["id"], id);
}

TEST_P(TaxiiTest, MixedEnvelopeStoresTheGoodAndReportsEachBad) {
  const std::string collection = NewCollection();
  const std::string good = NewId("indicator");
  Json bad = Indicator(NewId("indicator"), "bad.example");
  bad["pattern"] = "[domain-name:value = ";
  TestClient a = env_.As("a");
  HttpResult posted = PostEnvelope(
      a, collection, {Indicator(good, "good.example"), bad, Json{{"type", "indicator"}}});
  ASSERT_EQ(posted.status, 202) << posted.body;
  EXPECT_EQ(posted.header("content-type"), kTaxiiAccept);
  const Json status = posted.json();
  EXPECT_EQ(status["status"], "complete");
  EXPECT_EQ(status["total_count"], 3);
  EXPECT_EQ(status["success_count"], 1);
  EXPECT_EQ(status["failure_count"], 2);
  EXPECT_EQ(status["pending_count"], 0);
  EXPECT_EQ(status["successes"][0]["id"], good);
  EXPECT_EQ(status["successes"][0]["version"], "2024-05-01T00:00:00.000000Z");
  EXPECT_EQ(status["failures"][0]["id"], bad["id"]);
  EXPECT_NE(status["failures"][0]["message"].get<std::string>().find("pattern"), std::string::npos);

  const std::string status_path =
      std::string(kTaxiiRoot) + "status/" + status["id"].get<std::string>() + "/";
  HttpResult again = env_.As("a").Get(status_path);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["failure_count"], 2);
  ExpectTaxiiError(env_.As("b").Get(status_path), 404);
  ExpectTaxiiError(env_.As("coord").Get(status_path), 404);

  HttpResult stored = a.Get(Objects(collection));
  ASSERT_EQ(stored.json()["objects"].size(), 1u);
  EXPECT_EQ(stored.json()["objects"][0]["id"], good);
}

TEST_P(TaxiiTest, PagingNeverLoopsOrSkipsWhileObjectsArrive) {
  const std::string collection = NewCollection();
  TestClient a = env_.As("a");
  std::vector<Json> first;
  for (int i = 0; i < 7; ++i) first.push_back(Indicator(NewId("indicator"), "p.example"));
  ASSERT_EQ(PostEnvelope(a, collection, first).status, 202);
  std::set<std::string> seen;
  std::vector<std::string> order;
  std::string next;
  int pages = 0;
  int added = 0;
  while (pages++ < 20) {
    HttpResult page =
        a.Get(Objects(collection) + "?limit=3" + (next.empty() ? "" : "&next=" + next));
    ASSERT_EQ(page.status, 200) << page.body;
    const Json body = page.json();
    const Json objects = body.value("objects", Json::array());
    for (const auto& o : objects) {
      EXPECT_TRUE(seen.insert(o["id"].get<std::string>()).second) << "repeated " << o["id"];
      order.push_back(o["id"]);
    }
    if (!objects.empty()) {
      EXPECT_FALSE(page.header("x-taxii-date-added-first").empty());
      EXPECT_LE(page.header("x-taxii-date-added-first"), page.header("x-taxii-date-added-last"));
    }
    // New objects arrive while the client pages.
    if (added < 2) {
      ASSERT_EQ(PostEnvelope(a, collection, {Indicator(NewId("indicator"), "n.example")}).status,
                202);
      ++added;
    }
    if (!body["more"].get<bool>()) break;
    next = body["next"];
  }
  EXPECT_EQ(seen.size(), 9u);
  ExpectTaxiiError(a.Get(Objects(collection) + "?next=forged"), 400);
  ExpectTaxiiError(a.Get(Objects(collection) + "?limit=0"), 400);
}

TEST_P(TaxiiTest, AddedAfterIsExclusiveAndHeadersArePrecise) {
  const std::string collection = NewCollection();
  TestClient a = env_.As("a");
  std::vector<Json> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(Indicator(NewId("indicator"), "aa.example"));
  ASSERT_EQ(PostEnvelope(a, collection, batch).status, 202);
  HttpResult manifest = a.Get(std::string(kTaxiiRoot) + "collections/" + collection + "/manifest/");
  ASSERT_EQ(manifest.status, 200) << manifest.body;
  const Json records = manifest.json()["objects"];
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0]["media_type"], "application/stix+json;version=2.1");
  EXPECT_EQ(records[0]["version"], "2024-05-01T00:00:00.000000Z");
  const std::string third = records[2]["date_added"];
  EXPECT_EQ(third.size(), std::string("2024-05-01T00:00:00.000000Z").size());
  EXPECT_EQ(manifest.header("x-taxii-date-added-first"), records[0]["date_added"]);
  EXPECT_EQ(manifest.header("x-taxii-date-added-last"), records[4]["date_added"]);

  HttpResult after = a.Get(Objects(collection) + "?added_after=" + third);
  ASSERT_EQ(after.status, 200);
  ASSERT_EQ(after.json()["objects"].size(), 2u);
  EXPECT_EQ(after.json()["objects"][0]["id"], records[3]["id"]);
  EXPECT_EQ(after.header("x-taxii-date-added-first"), records[3]["date_added"]);
  HttpResult nothing =
      a.Get(Objects(collection) + "?added_after=" + records[4]["date_added"].get<std::string>());
  EXPECT_EQ(nothing.json(), (Json{{"more", false}}));
  EXPECT_TRUE(nothing.header("x-taxii-date-added-first").empty());
}

TEST_P(TaxiiTest, VersionsDuplicatesAndOlderVersions) {
  const std::string collection = NewCollection();
  const std::string id = NewId("indicator");
  TestClient a = env_.As("a");
  ASSERT_EQ(
      PostEnvelope(a, collection, {Indicator(id, "v2.example", "2024-06-01T00:00:00Z")}).status,
      202);
  // The same version again: success without change; an older one: stored, not latest.
  HttpResult dup = PostEnvelope(a, collection,
                                {Indicator(id, "v2.example", "2024-06-01T00:00:00Z"),
                                 Indicator(id, "v1.example", "2024-05-15T00:00:00Z")});
  ASSERT_EQ(dup.status, 202);
  EXPECT_EQ(dup.json()["success_count"], 2);
  EXPECT_EQ(dup.json()["successes"][0]["message"], "already present; unchanged");

  const std::string object = Objects(collection) + id + "/";
  HttpResult latest = a.Get(object);
  ASSERT_EQ(latest.status, 200) << latest.body;
  ASSERT_EQ(latest.json()["objects"].size(), 1u);
  EXPECT_EQ(latest.json()["objects"][0]["modified"], "2024-06-01T00:00:00Z");
  EXPECT_EQ(a.Get(object + "?match[version]=first").json()["objects"][0]["modified"],
            "2024-05-15T00:00:00Z");
  EXPECT_EQ(a.Get(object + "?match[version]=all").json()["objects"].size(), 2u);
  EXPECT_EQ(a.Get(object + "?match[version]=2024-05-15T00:00:00.000Z").json()["objects"].size(),
            1u);

  HttpResult versions = a.Get(object + "versions/");
  ASSERT_EQ(versions.status, 200);
  const Json list = versions.json()["versions"];
  EXPECT_EQ(std::set<std::string>(list.begin(), list.end()),
            (std::set<std::string>{"2024-05-15T00:00:00.000000Z", "2024-06-01T00:00:00.000000Z"}));
  EXPECT_FALSE(versions.header("x-taxii-date-added-last").empty());

  // Objects of the collection list the latest version only by default.
  EXPECT_EQ(a.Get(Objects(collection)).json()["objects"].size(), 1u);
  EXPECT_EQ(a.Get(Objects(collection) + "?match[type]=malware").json(), (Json{{"more", false}}));
  ExpectTaxiiError(a.Get(Objects(collection) + NewId("indicator") + "/"), 404);
  ExpectTaxiiError(a.Get(Objects(collection) + NewId("indicator") + "/versions/"), 404);
}

TEST_P(TaxiiTest, MatchByTypeAndSpecVersionFindsWhatMatches) {
  const std::string collection = NewCollection();
  const std::string indicator = NewId("indicator");
  const std::string malware = NewId("malware");
  TestClient a = env_.As("a");
  ASSERT_EQ(PostEnvelope(a, collection,
                         {Indicator(indicator, "typed.example"),
                          Json{{"type", "malware"},
                               {"spec_version", "2.1"},
                               {"id", malware},
                               {"created", "2024-05-01T00:00:00.000Z"},
                               {"modified", "2024-05-01T00:00:00.000Z"},
                               {"name", "Typed"},
                               {"is_family", false}}})
                .json()["success_count"],
            2);
  auto ids = [&](const std::string& resource, const std::string& query) {
    std::set<std::string> found;
    const HttpResult r =
        a.Get(std::string(kTaxiiRoot) + "collections/" + collection + "/" + resource + "/" + query);
    EXPECT_EQ(r.status, 200) << query << r.body;
    for (const auto& o : r.json().value("objects", Json::array())) found.insert(o["id"]);
    return found;
  };
  const std::set<std::string> both = {indicator, malware};
  EXPECT_EQ(ids("objects", "?match[type]=malware"), std::set<std::string>{malware});
  EXPECT_EQ(ids("objects", "?match[type]=indicator,malware"), both);
  EXPECT_EQ(ids("manifest", "?match[type]=malware"), std::set<std::string>{malware});
  EXPECT_EQ(ids("objects", "?match[spec_version]=2.1"), both);
  EXPECT_EQ(ids("objects", "?match[spec_version]=2.0,2.1"), both);
  EXPECT_EQ(ids("manifest", "?match[spec_version]=2.1&match[type]=indicator"),
            std::set<std::string>{indicator});
  EXPECT_TRUE(ids("objects", "?match[spec_version]=2.0").empty());
}

TEST_P(TaxiiTest, DeleteNeedsTheAuthor) {
  const std::string collection = NewCollection();
  const std::string id = NewId("indicator");
  TestClient a = env_.As("a");
  ASSERT_EQ(PostEnvelope(a, collection, {Indicator(id, "del.example")}).status, 202);
  const std::string object = Objects(collection) + id + "/";
  ExpectTaxiiError(env_.As("b").Send("DELETE", object), 403);
  ExpectTaxiiError(env_.As("d").Send("DELETE", object), 404);
  HttpResult deleted = a.Send("DELETE", object);
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  ExpectTaxiiError(a.Get(object), 404);
  ExpectTaxiiError(a.Send("DELETE", object), 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, TaxiiTest, ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber
