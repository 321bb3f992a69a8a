// A running server with a small sharing community, for the TAXII and isolation tests:
//   Regulator (users coord: coordination office, auditor), ISAC (isac: analyst),
//   Banks A, B, C and D (users a, b, c, d: institution members).
//   Trust group "members" = {A, B, C, ISAC}; group "regulator" = {Regulator}.
//   Collection "indicators": read and write by members, default TLP:GREEN.
//   Collection "to the regulator": read by the regulator, written by members.
// Every user has an API token; clients speak TAXII with it.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "app/platform.h"
#include "base/crypto.h"
#include "identity/directory.h"
#include "identity/groups.h"
#include "stix/tlp.h"
#include "test_client.h"
#include "testing/db_targets.h"

namespace fincyber::testing {

inline constexpr const char* kTaxiiAccept = "application/taxii+json;version=2.1";
inline constexpr const char* kTaxiiRoot = "/taxii2/api1/";

struct HubEnv {
  std::unique_ptr<TestDatabase> database;
  std::unique_ptr<app::Platform> platform;
  std::unique_ptr<app::Platform::Running> running;
  std::map<std::string, std::string> org;       // "A", "B", "C", "D", "ISAC", "REG" -> id
  std::map<std::string, std::string> token;     // user -> API token
  std::map<std::string, std::string> username;  // user -> user name
  std::string members_group;
  std::string indicators;  // collection ids
  std::string to_regulator;

  static std::map<std::string, std::unique_ptr<HubEnv>>& All() {
    static std::map<std::string, std::unique_ptr<HubEnv>> envs;
    return envs;
  }
  static HubEnv& For(const std::string& backend) {
    auto& env = All()[backend];
    if (!env) env = Make(backend);
    return *env;
  }

  // A fresh collection of the members group, default TLP:GREEN, so that a test sees only
  // its own objects; its id ("" after a failure, which is reported).
  std::string NewMembersCollection(const std::string& title) const {
    auto created = platform->sharing().CreateCollection(
        identity::OperatorPrincipal(),
        {title + " " + NewUuid(), "", "", members_group, members_group, stix::Tlp::kGreen},
        {"127.0.0.1", "test"});
    EXPECT_TRUE(created.ok()) << created.error().internal_message();
    return created.ok() ? created->id : "";
  }

  // A client for `user` sending its token as a bearer token and accepting TAXII.
  TestClient As(const std::string& user) const {
    TestClient client(running->port());
    client.UseBearer(token.at(user));
    client.extra_headers["Accept"] = kTaxiiAccept;
    return client;
  }

  static std::unique_ptr<HubEnv> Make(const std::string& backend) {
    auto env = std::make_unique<HubEnv>();
    env->database = TestDatabase::Create(backend);
    app::Config config;
    config.database = env->database->target();
    config.listen = "127.0.0.1:0";
    // POSTs answer once stored, as the tests read what they posted at once; the
    // "pending" answer has its own test.
    config.taxii_post_wait_ms = 60'000;
    auto platform = app::Platform::Open(config);
    EXPECT_TRUE(platform.ok()) << platform.error().internal_message();
    env->platform = std::move(*platform);
    auto& accounts = env->platform->accounts();
    accounts.UseFastPasswordHashing();
    const identity::Principal op = identity::OperatorPrincipal();
    const accounts::RequestInfo info{"127.0.0.1", "seed"};
    Status seeded = [&]() -> Status {
      struct OrgSpec {
        const char* key;
        identity::OrgKind kind;
        std::optional<std::string> sector;
        const char* name;
      };
      for (const OrgSpec& spec : {OrgSpec{"REG", identity::OrgKind::kRegulator, {}, "Regulator"},
                                  {"ISAC", identity::OrgKind::kIsac, {}, "ISAC"},
                                  {"A", identity::OrgKind::kInstitution, "major_bank", "Bank A"},
                                  {"B", identity::OrgKind::kInstitution, "regional_bank", "Bank B"},
                                  {"C", identity::OrgKind::kInstitution, "shinkin_bank", "Bank C"},
                                  {"D", identity::OrgKind::kInstitution, "securities", "Bank D"}}) {
        FC_ASSIGN_OR_RETURN(
            auto created,
            accounts.CreateOrg(
                op, {spec.kind, spec.sector, std::string(spec.name) + " (ja)", spec.name, {}},
                info));
        env->org[spec.key] = created.id;
      }
      struct UserSpec {
        const char* key;
        const char* org;
        identity::Role role;
      };
      for (const UserSpec& spec : {UserSpec{"coord", "REG", identity::Role::kCoordinationOffice},
                                   {"auditor", "REG", identity::Role::kAuditor},
                                   {"isac", "ISAC", identity::Role::kIsacAnalyst},
                                   {"a", "A", identity::Role::kInstitutionMember},
                                   {"b", "B", identity::Role::kInstitutionMember},
                                   {"c", "C", identity::Role::kInstitutionMember},
                                   {"d", "D", identity::Role::kInstitutionMember}}) {
        const std::string name = std::string(spec.key) + ".user";
        FC_ASSIGN_OR_RETURN(
            auto user,
            accounts.CreateUser(
                op, {env->org[spec.org], name, name, spec.role, RandomToken(16), "en"}, info));
        FC_ASSIGN_OR_RETURN(auto token, accounts.CreateToken(op, user.id, "taxii", {}, info));
        env->token[spec.key] = token.second;
        env->username[spec.key] = name;
      }
      FC_ASSIGN_OR_RETURN(
          auto members,
          accounts.CreateGroup(op,
                               {"会員",
                                "members",
                                "",
                                {env->org["A"], env->org["B"], env->org["C"], env->org["ISAC"]}},
                               info));
      env->members_group = members.id;
      FC_ASSIGN_OR_RETURN(
          auto regulator,
          accounts.CreateGroup(op, {"当局", "regulator", "", {env->org["REG"]}}, info));
      auto& sharing = env->platform->sharing();
      const sharing::RequestInfo sharing_info{"127.0.0.1", "seed"};
      FC_ASSIGN_OR_RETURN(auto indicators, sharing.CreateCollection(
                                               op,
                                               {"indicators", "members' indicators", "indicators",
                                                members.id, members.id, stix::Tlp::kGreen},
                                               sharing_info));
      env->indicators = indicators.id;
      FC_ASSIGN_OR_RETURN(auto to_regulator, sharing.CreateCollection(
                                                 op,
                                                 {"to the regulator", "reports to the regulator",
                                                  "", regulator.id, members.id, stix::Tlp::kAmber},
                                                 sharing_info));
      env->to_regulator = to_regulator.id;
      return OkStatus();
    }();
    EXPECT_TRUE(seeded.ok()) << seeded.error().internal_message();
    auto running = env->platform->Start(config);
    EXPECT_TRUE(running.ok()) << running.error().internal_message();
    env->running = std::move(*running);
    return env;
  }
};

// Servers stop while the test program is still whole, not in static destruction.
class StopHubServers : public ::testing::Environment {
 public:
  void TearDown() override { HubEnv::All().clear(); }
};
inline const auto* const kStopHubServers = ::testing::AddGlobalTestEnvironment(new StopHubServers);

// The official TLP 2.0 marking-definition id of `level`.
inline std::string Marking(stix::Tlp level) { return std::string(stix::Tlp2MarkingId(level)); }

// A STIX indicator for `domain` with optional markings and named recipients.
inline Json Indicator(const std::string& id, const std::string& domain,
                      const std::string& modified = "2024-05-01T00:00:00.000Z",
                      std::vector<std::string> markings = {},
                      std::vector<std::string> recipients = {}) {
  Json o = {{"type", "indicator"},
            {"spec_version", "2.1"},
            {"id", id},
            {"created", "2024-05-01T00:00:00.000Z"},
            {"modified", modified},
            {"name", "C2 " + domain},
            {"pattern", "[domain-name:value = '" + domain + "']"},
            {"pattern_type", "stix"},
            {"valid_from", "2024-05-01T00:00:00Z"}};
  if (!markings.empty()) o["object_marking_refs"] = markings;
  if (!recipients.empty()) o["x_fincyber_recipients"] = recipients;
  return o;
}

inline std::string NewId(const std::string& type) { return type + "--" + NewUuid(); }

// POSTs an envelope of `objects` to a collection as `client`.
inline HttpResult PostEnvelope(TestClient& client, const std::string& collection,
                               const std::vector<Json>& objects) {
  Json envelope = {{"objects", objects}};
  return client.Send("POST", std::string(kTaxiiRoot) + "collections/" + collection + "/objects/",
                     envelope.dump(), kTaxiiAccept);
}

}  // namespace fincyber::testing
