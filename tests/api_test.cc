// The API end to end: the real server on 127.0.0.1, a real database (SQLite and
// PostgreSQL), the demo sector, and a curl client. The isolation tests here are the
// proof that one institution never sees another's data through any endpoint.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "app/demo_seed.h"
#include "app/platform.h"
#include "base/crypto.h"
#include "test_client.h"
#include "testing/db_targets.h"

namespace fincyber {
namespace {

using testing::HttpResult;
using testing::TestClient;

// One server per backend, shared by the tests of that backend: seeding the demo
// sector is the slow part.
struct Env {
  std::unique_ptr<testing::TestDatabase> database;
  std::unique_ptr<app::Platform> platform;
  std::unique_ptr<app::Platform::Running> running;
  std::string password = RandomToken(12);
  std::map<std::string, std::string> org_ids;  // name_en → id

  static std::map<std::string, std::unique_ptr<Env>>& All() {
    static std::map<std::string, std::unique_ptr<Env>> envs;
    return envs;
  }
  static Env& For(const std::string& backend) {
    auto& env = All()[backend];
    if (!env) env = Make(backend);
    return *env;
  }

  static std::unique_ptr<Env> Make(const std::string& backend) {
    auto env = std::make_unique<Env>();
    env->database = testing::TestDatabase::Create(backend);
    app::Config config;
    config.database = env->database->target();
    config.listen = "127.0.0.1:0";
    config.login_attempts_per_minute = 100000;
    auto platform = app::Platform::Open(config);
    EXPECT_TRUE(platform.ok()) << platform.error().internal_message();
    env->platform = std::move(*platform);
    env->platform->accounts().UseFastPasswordHashing();
    auto seeded = app::SeedDemoSector(env->platform->accounts(), env->password);
    EXPECT_TRUE(seeded.ok()) << seeded.error().internal_message();
    auto running = env->platform->Start(config);
    EXPECT_TRUE(running.ok()) << running.error().internal_message();
    env->running = std::move(*running);
    TestClient coord(env->running->port());
    coord.Login("coord", env->password);
    HttpResult orgs = coord.Get("/api/v1/orgs?limit=1000");
    const Json listed = orgs.json();
    for (const auto& org : listed["items"]) {
      env->org_ids[org["name_en"].get<std::string>()] = org["id"].get<std::string>();
    }
    EXPECT_EQ(env->org_ids.size(), 130u) << orgs.body.substr(0, 500);
    return env;
  }
};

// Servers stop while the test program is still whole, not in static destruction.
class StopServers : public ::testing::Environment {
 public:
  void TearDown() override { Env::All().clear(); }
};
const auto* const kStopServers = ::testing::AddGlobalTestEnvironment(new StopServers);

class ApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  ApiTest() : env_(Env::For(GetParam())) {}

  TestClient As(const std::string& username) {
    TestClient client(env_.running->port());
    HttpResult r = client.Login(username, env_.password);
    EXPECT_EQ(r.status, 200) << username << ": " << r.body;
    return client;
  }
  std::string Org(const std::string& name_en) {
    EXPECT_TRUE(env_.org_ids.contains(name_en)) << name_en;
    return env_.org_ids[name_en];
  }
  TestClient Anonymous() { return TestClient(env_.running->port()); }

  Env& env_;
};

constexpr const char* kBankA = "Shinonome Financial Bank";   // mb01
constexpr const char* kRegionalA = "Suzaku Bank";            // rb01
constexpr const char* kSecuritiesA = "Moegi Securities";     // sec01

TEST_P(ApiTest, HealthAndOpenApiArePublic) {
  HttpResult health = Anonymous().Get("/api/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "ok");
  EXPECT_FALSE(health.header("x-request-id").empty());
  HttpResult doc = Anonymous().Get("/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.json()["openapi"], "3.1.0");
  EXPECT_TRUE(doc.json()["paths"].contains("/api/v1/orgs/{id}/users"));
}

TEST_P(ApiTest, EveryProtectedRouteRequiresCredentials) {
  const Json doc = Anonymous().Get("/api/v1/openapi.json").json();
  int checked = 0;
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [method, op] : methods.items()) {
      if (!op.contains("security")) continue;
      std::string concrete = path;
      for (auto open = concrete.find('{'); open != std::string::npos;
           open = concrete.find('{')) {
        concrete.replace(open, concrete.find('}', open) - open + 1, "x");
      }
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(toupper(c));
      HttpResult r = Anonymous().Send(upper, concrete, upper == "GET" ? "" : "{}");
      EXPECT_EQ(r.status, 401) << upper << " " << concrete;
      EXPECT_EQ(r.json()["error"]["code"], "unauthenticated") << upper << " " << concrete;
      TestClient forged = Anonymous();
      forged.UseBearer("fct_forged");
      EXPECT_EQ(forged.Send(upper, concrete, upper == "GET" ? "" : "{}").status, 401);
      ++checked;
    }
  }
  EXPECT_GE(checked, 15);
}

TEST_P(ApiTest, LoginFailuresAreClearAndDoNotRevealUsers) {
  TestClient c = Anonymous();
  HttpResult wrong = c.Login("mb02.member", "not the password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.json()["error"]["message"], "invalid username or password");
  HttpResult unknown = c.Login("nobody.here", "not the password");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.json()["error"]["message"], wrong.json()["error"]["message"]);
  EXPECT_TRUE(c.Login("mb02.member", env_.password).header("set-cookie").find("HttpOnly") !=
              std::string::npos);
}

TEST_P(ApiTest, RepeatedFailuresLockTheAccount) {
  TestClient c = Anonymous();
  for (int i = 0; i < 5; ++i) c.Login("sk20.member", "not the password");
  HttpResult locked = c.Login("sk20.member", env_.password);
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.json()["error"]["code"], "resource_exhausted");
}

TEST_P(ApiTest, OrganisationDirectoryFollowsTheRole) {
  auto total = [&](const std::string& user) {
    return As(user).Get("/api/v1/orgs").json()["total"].get<int>();
  };
  EXPECT_EQ(total("coord"), 130);
  EXPECT_EQ(total("auditor"), 130);
  EXPECT_EQ(total("mb01.member"), 1);
  EXPECT_EQ(total("mb01.admin"), 1);
  EXPECT_EQ(total("isac"), 122);
  EXPECT_EQ(total("supervisor"), 1 + 1 + 99);  // own bureau, regulator, supervised
  EXPECT_EQ(total("markets"), 1 + 1 + 21);
  HttpResult mine = As("mb01.member").Get("/api/v1/orgs");
  EXPECT_EQ(mine.json()["items"][0]["name_en"], kBankA);

  TestClient coord = As("coord");
  EXPECT_EQ(coord.Get("/api/v1/orgs?sector=securities").json()["total"], 15);
  EXPECT_EQ(coord.Get("/api/v1/orgs?kind=bureau").json()["total"], 8);
  EXPECT_EQ(coord.Get("/api/v1/orgs?q=Suzaku%20Bank").json()["total"], 1);
  EXPECT_EQ(coord.Get("/api/v1/orgs?sector=casino").status, 400);
  EXPECT_EQ(coord.Get("/api/v1/orgs?limit=abc").status, 400);
  EXPECT_EQ(coord.Get("/api/v1/orgs?limit=2&offset=2").json()["items"].size(), 2u);
}

TEST_P(ApiTest, AnotherInstitutionIsInvisibleThroughEveryEndpoint) {
  TestClient a = As("mb01.admin");
  const std::string other = Org(kRegionalA);
  EXPECT_EQ(a.Get("/api/v1/orgs/" + other).status, 404);
  EXPECT_EQ(a.Get("/api/v1/orgs/" + other + "/users").status, 404);
  EXPECT_EQ(a.Get("/api/v1/orgs/" + other + "/supervised").status, 404);
  EXPECT_EQ(a.Post("/api/v1/orgs/" + other + "/users",
                   {{"username", "intruder"}, {"display_name", "x"},
                    {"role", "institution_member"}, {"password", "long enough password"}})
                .status,
            403);
  const std::string other_user =
      As("coord").Get("/api/v1/orgs/" + other + "/users").json()["items"][0]["id"];
  EXPECT_EQ(a.Post("/api/v1/users/" + other_user + "/disable", Json::object()).status, 404);
  EXPECT_EQ(a.Post("/api/v1/tokens", {{"name", "x"}, {"user_id", other_user}}).status, 404);

  // Audit: the admin sees only its own organisation's entries; a member none.
  HttpResult audit = a.Get("/api/v1/audit?limit=500");
  ASSERT_EQ(audit.status, 200);
  const Json entries = audit.json()["items"];
  ASSERT_FALSE(entries.empty());
  for (const auto& e : entries) EXPECT_EQ(e["actor_org_id"], Org(kBankA));
  EXPECT_TRUE(As("mb01.member").Get("/api/v1/audit").json()["items"].empty());
  EXPECT_GT(As("auditor").Get("/api/v1/audit?limit=500").json()["items"].size(),
            audit.json()["items"].size());

  // A token of another institution's user cannot be revoked from here.
  HttpResult token = As("rb01.admin").Post("/api/v1/tokens", {{"name", "matcher"}});
  ASSERT_EQ(token.status, 201);
  EXPECT_EQ(a.Send("DELETE", "/api/v1/tokens/" + token.json()["token"]["id"].get<std::string>())
                .status,
            404);
}

TEST_P(ApiTest, WebhooksBelongToTheirInstitution) {
  TestClient a = As("mb05.admin");
  HttpResult bad = a.Post("/api/v1/webhooks", {{"url", "javascript:alert(1)"}});
  EXPECT_EQ(bad.status, 400);
  HttpResult created = a.Post("/api/v1/webhooks", {{"url", "https://hooks.example/in"},
                                                   {"event_types", {"user.*"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_FALSE(created.json()["secret"].get<std::string>().empty());
  const std::string id = created.json()["webhook"]["id"];
  EXPECT_EQ(a.Get("/api/v1/webhooks").json()["items"].size(), 1u);

  TestClient b = As("rb05.admin");
  EXPECT_TRUE(b.Get("/api/v1/webhooks").json()["items"].empty());
  EXPECT_EQ(b.Send("DELETE", "/api/v1/webhooks/" + id).status, 404);
  EXPECT_EQ(b.Post("/api/v1/webhooks", {{"url", "https://hooks.example/x"},
                                        {"org_id", Org("Seiran Financial Bank")}})
                .status,
            403);
  EXPECT_EQ(a.Send("DELETE", "/api/v1/webhooks/" + id).status, 204);
  const Json audit = a.Get("/api/v1/audit?action=webhook.").json()["items"];
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0]["action"], "webhook.deleted");
  EXPECT_EQ(audit[1]["action"], "webhook.created");
}

TEST_P(ApiTest, TrustGroupsAreSeenByMembersAndCuratorsAndManagedByCurators) {
  TestClient isac = As("isac");
  const std::string name = "Payments CEPTOAR " + GetParam();
  HttpResult created = isac.Post("/api/v1/groups", {{"name_ja", name + " ja"},
                                                    {"name_en", name},
                                                    {"member_org_ids", {Org(kBankA)}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  auto names = [&](TestClient& c) {
    std::set<std::string> seen;
    const Json listed = c.Get("/api/v1/groups").json();
    for (const auto& g : listed["items"]) seen.insert(g["name_en"].get<std::string>());
    return seen;
  };
  TestClient member = As("mb01.member");
  TestClient outsider = As("rb01.admin");
  EXPECT_TRUE(names(member).contains(name));
  EXPECT_FALSE(names(outsider).contains(name));
  TestClient coord = As("coord");
  EXPECT_TRUE(names(coord).contains(name));
  EXPECT_EQ(member.Get("/api/v1/groups/" + id).status, 200);
  EXPECT_EQ(outsider.Get("/api/v1/groups/" + id).status, 404);
  EXPECT_EQ(As("auditor").Get("/api/v1/groups/" + id).status, 404);

  // Members and institution admins cannot change membership, not even their own.
  EXPECT_EQ(outsider.Post("/api/v1/groups/" + id + "/members", {{"org_id", Org(kRegionalA)}})
                .status,
            403);
  EXPECT_EQ(member.Send("DELETE", "/api/v1/groups/" + id + "/members/" + Org(kBankA)).status,
            403);
  EXPECT_EQ(outsider.Post("/api/v1/groups", {{"name_ja", "x"}, {"name_en", "x"}}).status, 403);

  EXPECT_EQ(isac.Post("/api/v1/groups/" + id + "/members", {{"org_id", Org(kRegionalA)}}).status,
            204);
  EXPECT_TRUE(names(outsider).contains(name));
  EXPECT_EQ(isac.Send("DELETE", "/api/v1/groups/" + id + "/members/" + Org(kBankA)).status, 204);
  EXPECT_FALSE(names(member).contains(name));

  // Bad input.
  EXPECT_EQ(isac.Post("/api/v1/groups", {{"name_ja", "y"}, {"name_en", "y"},
                                         {"member_org_ids", "not a list"}})
                .status,
            400);
  EXPECT_EQ(isac.Post("/api/v1/groups", {{"name_ja", "y"}, {"name_en", "y"},
                                         {"member_org_ids", {"no-such-org"}}})
                .status,
            400);
  EXPECT_EQ(isac.Post("/api/v1/groups", {{"name_ja", "z"}, {"name_en", name}}).status, 409);
  EXPECT_EQ(isac.Post("/api/v1/groups/" + id + "/members", {{"org_id", 7}}).status, 400);
  EXPECT_EQ(isac.Post("/api/v1/groups/no-such-group/members", {{"org_id", Org(kBankA)}}).status,
            404);
  const Json audit = As("coord").Get("/api/v1/audit?action=group.").json()["items"];
  EXPECT_GE(audit.size(), 3u);
}

TEST_P(ApiTest, BureauStaffSeeOnlyWhatTheySupervise) {
  TestClient markets = As("markets");
  EXPECT_EQ(markets.Get("/api/v1/orgs/" + Org(kSecuritiesA)).status, 200);
  EXPECT_EQ(markets.Get("/api/v1/orgs/" + Org(kRegionalA)).status, 404);
  EXPECT_EQ(markets.Get("/api/v1/orgs/" + Org(kSecuritiesA) + "/users").status, 404);
  HttpResult supervised =
      markets.Get("/api/v1/orgs/" + Org("Markets Bureau") + "/supervised");
  ASSERT_EQ(supervised.status, 200);
  EXPECT_EQ(supervised.json()["total"], 21);
}

TEST_P(ApiTest, ReadOnlyAndNonAdminRolesCannotChangeAnything) {
  TestClient auditor = As("auditor");
  EXPECT_EQ(auditor.Post("/api/v1/orgs", {{"kind", "institution"}, {"sector", "major_bank"},
                                          {"name_ja", "監査銀行"}, {"name_en", "Audit Bank"}})
                .status,
            403);
  EXPECT_EQ(auditor.Post("/api/v1/orgs/" + Org(kBankA) + "/users",
                         {{"username", "sneaky"}, {"display_name", "x"},
                          {"role", "institution_member"}, {"password", "long enough password"}})
                .status,
            403);
  TestClient member = As("mb01.member");
  EXPECT_EQ(member.Post("/api/v1/orgs/" + Org(kBankA) + "/users",
                        {{"username", "sneaky"}, {"display_name", "x"},
                         {"role", "institution_member"}, {"password", "long enough password"}})
                .status,
            403);
  EXPECT_EQ(member.Post("/api/v1/webhooks", {{"url", "https://hooks.example/x"}}).status, 403);
}

TEST_P(ApiTest, DemoInstitutionsHaveVariedSizeTiers) {
  std::map<std::string, int> tiers;
  const Json regional = As("coord").Get("/api/v1/orgs?sector=regional_bank").json();
  for (const auto& org : regional["items"]) {
    tiers[org["size_tier"].is_null() ? "default" : org["size_tier"].get<std::string>()]++;
  }
  EXPECT_EQ(tiers, (std::map<std::string, int>{{"large", 4}, {"medium", 15}, {"small", 6}}));
  const Json cooperatives =
      As("coord").Get("/api/v1/orgs?sector=credit_cooperative&limit=1").json();
  EXPECT_TRUE(cooperatives["items"][0]["size_tier"].is_null()) << "some keep the default";
  bool defaults_listed = false;
  const Json sectors = As("mb01.member").Get("/api/v1/sectors").json();
  for (const auto& sector : sectors["items"]) {
    if (sector["code"] == "credit_cooperative") {
      defaults_listed = sector["default_size_tier"] == "small";
    }
  }
  EXPECT_TRUE(defaults_listed);
}

TEST_P(ApiTest, OnlyTheCoordinationOfficeSetsASizeTierAndItIsAudited) {
  const std::string path = "/api/v1/orgs/" + Org(kRegionalA);
  TestClient coord = As("coord");
  ASSERT_EQ(coord.Get(path).json()["size_tier"], "large");

  HttpResult unknown = coord.Send("PATCH", path, R"({"size_tier":"enormous"})");
  ASSERT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(unknown.json()["error"]["details"],
            Json::parse(R"([{"field":"size_tier","problem":"unknown size tier"}])"));
  for (const char* body : {R"({"size_tier":3})", R"({"tier":"small"})", "{}", "[]",
                           R"({"size_tier":"small","name_en":"Renamed"})"}) {
    EXPECT_EQ(coord.Send("PATCH", path, body).status, 400) << body;
  }
  EXPECT_EQ(
      coord.Send("PATCH", "/api/v1/orgs/" + Org("Supervision Bureau"), R"({"size_tier":"small"})")
          .status,
      400);
  EXPECT_EQ(coord.Send("PATCH", "/api/v1/orgs/no-such-org", R"({"size_tier":"small"})").status,
            404);
  HttpResult created = coord.Post("/api/v1/orgs", {{"kind", "institution"},
                                                   {"sector", "regional_bank"},
                                                   {"name_ja", "巨大銀行"},
                                                   {"name_en", "Giant Bank"},
                                                   {"size_tier", "giant"}});
  ASSERT_EQ(created.status, 400);
  EXPECT_EQ(created.json()["error"]["details"][0]["field"], "size_tier");

  // The institution itself may not change its tier; another institution does not exist.
  TestClient own_admin = As("rb01.admin");
  EXPECT_EQ(own_admin.Send("PATCH", path, R"({"size_tier":"small"})").status, 403);
  EXPECT_EQ(As("rb01.member").Send("PATCH", path, R"({"size_tier":"small"})").status, 403);
  EXPECT_EQ(As("mb01.admin").Send("PATCH", path, R"({"size_tier":"small"})").status, 404);
  EXPECT_EQ(As("supervisor").Send("PATCH", path, R"({"size_tier":"small"})").status, 403);
  EXPECT_EQ(As("auditor").Send("PATCH", path, R"({"size_tier":"small"})").status, 403);
  EXPECT_EQ(coord.Get(path).json()["size_tier"], "large") << "refusals change nothing";

  HttpResult small = coord.Send("PATCH", path, R"({"size_tier":"small"})");
  ASSERT_EQ(small.status, 200) << small.body;
  EXPECT_EQ(small.json()["size_tier"], "small");
  EXPECT_EQ(own_admin.Get(path).json()["size_tier"], "small");
  HttpResult cleared = coord.Send("PATCH", path, R"({"size_tier":null})");
  ASSERT_EQ(cleared.status, 200);
  EXPECT_TRUE(cleared.json()["size_tier"].is_null());
  const Json audit = coord.Get("/api/v1/audit?action=org.updated&limit=2").json()["items"];
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0]["target_id"], Org(kRegionalA));
  EXPECT_EQ(audit[0]["details"]["size_tier"], Json::parse(R"({"before":"small","after":null})"));
  EXPECT_EQ(audit[1]["details"]["size_tier"], Json::parse(R"({"before":"large","after":"small"})"));
  ASSERT_EQ(coord.Send("PATCH", path, R"({"size_tier":"large"})").status, 200);
}

TEST_P(ApiTest, AdminManagesUsersOfItsOwnInstitution) {
  TestClient a = As("mb02.admin");
  const std::string org = Org("Akatsuki Financial Bank");
  HttpResult invalid = a.Post("/api/v1/orgs/" + org + "/users",
                              {{"display_name", "新人"}, {"role", "institution_member"},
                               {"password", "short"}});
  ASSERT_EQ(invalid.status, 400);
  std::set<std::string> fields;
  const Json details = invalid.json()["error"]["details"];
  for (const auto& d : details) fields.insert(d["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"username", "password"}));

  HttpResult created = a.Post("/api/v1/orgs/" + org + "/users",
                              {{"username", "mb02.analyst"}, {"display_name", "新人"},
                               {"role", "institution_member"},
                               {"password", "a long enough password"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(a.Post("/api/v1/orgs/" + org + "/users",
                   {{"username", "mb02.analyst"}, {"display_name", "again"},
                    {"role", "institution_member"}, {"password", "a long enough password"}})
                .status,
            409);
  TestClient newcomer = Anonymous();
  EXPECT_EQ(newcomer.Login("mb02.analyst", "a long enough password").status, 200);
  HttpResult disabled =
      a.Post("/api/v1/users/" + created.json()["id"].get<std::string>() + "/disable",
             Json::object());
  ASSERT_EQ(disabled.status, 200);
  EXPECT_EQ(disabled.json()["disabled"], true);
  EXPECT_EQ(newcomer.Get("/api/v1/me").status, 401) << "disabling ends the session";
}

TEST_P(ApiTest, CookieWritesNeedTheCsrfTokenBearerWritesDoNot) {
  TestClient c = As("mb03.member");
  c.DropCsrf();
  HttpResult no_csrf = c.Send("PUT", "/api/v1/me/locale", R"({"locale":"en"})");
  EXPECT_EQ(no_csrf.status, 403);
  TestClient ok = As("mb03.member");
  HttpResult with_csrf = ok.Send("PUT", "/api/v1/me/locale", R"({"locale":"en"})");
  EXPECT_EQ(with_csrf.status, 200);
  EXPECT_EQ(As("mb03.member").Get("/api/v1/me").json()["user"]["locale"], "en")
      << "the language is remembered per user";

  HttpResult token = ok.Post("/api/v1/tokens", {{"name", "script"}});
  ASSERT_EQ(token.status, 201);
  TestClient machine = Anonymous();
  machine.UseBearer(token.json()["secret"]);
  EXPECT_EQ(machine.Send("PUT", "/api/v1/me/locale", R"({"locale":"ja"})").status, 200);
  EXPECT_EQ(machine.Get("/api/v1/me").json()["user"]["username"], "mb03.member");
  EXPECT_EQ(ok.Send("DELETE", "/api/v1/tokens/" +
                                  token.json()["token"]["id"].get<std::string>()).status,
            204);
  EXPECT_EQ(machine.Get("/api/v1/me").status, 401);
}

TEST_P(ApiTest, BadInputGetsAClearErrorAndChangesNothing) {
  TestClient c = As("mb04.admin");
  const std::string path = "/api/v1/orgs/" + Org("Shirasagi Financial Bank") + "/users";
  auto users_before = c.Get(path).json()["total"];
  struct Case {
    std::string body;
    std::string content_type;
    int status;
  };
  const std::vector<Case> cases = {
      {R"({"username": )", "application/json", 400},
      {"[1,2,3]", "application/json", 400},
      {std::string(100, '[') + std::string(100, ']'), "application/json", 400},
      {"{\"username\":\"\xff\xfe\"}", "application/json", 400},
      {R"({"username":42,"display_name":"x","role":"institution_member","password":"long enough pw"})",
       "application/json", 400},
      {R"({"username":"ok.name","display_name":"x","role":"institution_member","password":"long enough pw","admin":true})",
       "application/json", 400},
      {R"({"username":"ok.name","display_name":"x","role":"wizard","password":"long enough pw"})",
       "application/json", 400},
      {"username=x", "application/x-www-form-urlencoded", 415},
      {"{\"username\":\"" + std::string(2 << 20, 'a') + "\"}", "application/json", 413},
  };
  for (const auto& k : cases) {
    HttpResult r = c.Send("POST", path, k.body, k.content_type);
    EXPECT_EQ(r.status, k.status) << k.body.substr(0, 80);
    EXPECT_FALSE(r.json()["error"]["message"].get<std::string>().empty()) << r.body.substr(0, 200);
    EXPECT_FALSE(r.json()["error"]["request_id"].get<std::string>().empty());
  }
  EXPECT_EQ(c.Get(path).json()["total"], users_before) << "nothing half-written";
  EXPECT_EQ(c.Get("/api/v1/health").status, 200) << "the server keeps serving";
}

TEST_P(ApiTest, LogoutEndsTheSession) {
  TestClient c = As("rb02.member");
  EXPECT_EQ(c.Get("/api/v1/me").status, 200);
  EXPECT_EQ(c.Post("/api/v1/auth/logout", Json::object()).status, 204);
  EXPECT_EQ(c.Get("/api/v1/me").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiTest, ::testing::ValuesIn(testing::DbBackends()));

}  // namespace
}  // namespace fincyber
