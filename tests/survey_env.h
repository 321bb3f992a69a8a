// The survey's API test sector: a running server on one database with
//   the regulator (users coord: coordination office; auditor), a bureau (sup: bureau staff)
//   supervising bank A, the ISAC (isac), regional banks A, B, R3..R7 and securities firm S
//   (each with users `<x>.admin` and `<x>.member`); every user has an API token.
//   `bank`: a published bank (kBankYaml); `closed`: its 2025 campaign for regional banks,
//   answered with a spread by every regional bank and closed, A with a supervisor rating;
//   `campaign`: its open 2026 campaign for regional banks, 30 days to the deadline.
// One sector per backend and SurveyEnvOptions, made on first use; the servers stop before
// the test program ends (kStopSurveyServers).
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <compare>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/platform.h"
#include "base/crypto.h"
#include "test_client.h"
#include "testing/db_targets.h"

namespace fincyber::testing {

inline constexpr const char* kBankYaml = R"(id: api-bank
version: "1"
title: {ja: "API調査", en: "API survey"}
maturity_scale:
  - {ja: "〇", en: "zero"}
  - {ja: "一", en: "one"}
  - {ja: "二", en: "two"}
  - {ja: "三", en: "three"}
  - {ja: "四", en: "four"}
sections:
  - id: gov
    title: {ja: "統治", en: "Governance"}
    items:
      - id: gv.policy
        text: {ja: "方針がありますか。", en: "Is there a policy?"}
        type: yes_no
        function: govern
        threats: [outage]
      - id: gv.maturity
        text: {ja: "成熟度はどうですか。", en: "How mature is it?"}
        type: maturity
        function: identify
        threats: [outage, data_leak]
      - id: op.coverage
        text: {ja: "監視の対象は何割ですか。", en: "What share is monitored?"}
        type: number
        number: {min: 0, max: 100, met_min: 50}
        function: detect
        threats: [data_leak]
        condition: answer(gv.policy) == "yes"
)";

inline const std::vector<std::string> kRegional = {"A", "B", "R3", "R4", "R5", "R6", "R7"};

// The server settings a test program needs other than the defaults.
struct SurveyEnvOptions {
  std::size_t evidence_max_file_bytes = app::Config{}.evidence_max_file_bytes;
  std::size_t evidence_max_total_bytes = app::Config{}.evidence_max_total_bytes;
  auto operator<=>(const SurveyEnvOptions&) const = default;
};

struct SurveyEnv {
  std::unique_ptr<TestDatabase> database;
  std::unique_ptr<app::Platform> platform;
  std::unique_ptr<app::Platform::Running> running;
  std::map<std::string, std::string> org;    // key -> id
  std::map<std::string, std::string> token;  // user -> API token
  std::string bank;                          // published bank's storage id
  std::string campaign;                      // open campaign for regional banks
  std::string closed;                        // closed campaign with results

  using Key = std::pair<std::string, SurveyEnvOptions>;  // backend, options
  static std::map<Key, std::unique_ptr<SurveyEnv>>& All() {
    static std::map<Key, std::unique_ptr<SurveyEnv>> envs;
    return envs;
  }
  static SurveyEnv& For(const std::string& backend, const SurveyEnvOptions& options = {}) {
    auto& env = All()[{backend, options}];
    if (!env) env = Make(backend, options);
    return *env;
  }

  TestClient As(const std::string& user) const {
    TestClient client(running->port());
    client.UseBearer(token.at(user));
    return client;
  }

  static std::unique_ptr<SurveyEnv> Make(const std::string& backend,
                                         const SurveyEnvOptions& options) {
    auto env = std::make_unique<SurveyEnv>();
    env->database = TestDatabase::Create(backend);
    app::Config config;
    config.database = env->database->target();
    config.listen = "127.0.0.1:0";
    config.evidence_max_file_bytes = options.evidence_max_file_bytes;
    config.evidence_max_total_bytes = options.evidence_max_total_bytes;
    auto platform = app::Platform::Open(config);
    EXPECT_TRUE(platform.ok()) << platform.error().internal_message();
    env->platform = std::move(*platform);
    auto& accounts = env->platform->accounts();
    accounts.UseFastPasswordHashing();
    const identity::Principal op = identity::OperatorPrincipal();
    const accounts::RequestInfo info{"127.0.0.1", "seed"};
    Status seeded = [&]() -> Status {
      FC_ASSIGN_OR_RETURN(
          auto reg, accounts.CreateOrg(
                        op, {identity::OrgKind::kRegulator, {}, "当局", "Regulator", {}}, info));
      FC_ASSIGN_OR_RETURN(
          auto bureau, accounts.CreateOrg(
                           op, {identity::OrgKind::kBureau, {}, "監督局", "Bureau", reg.id}, info));
      FC_ASSIGN_OR_RETURN(
          auto isac,
          accounts.CreateOrg(op, {identity::OrgKind::kIsac, {}, "ISAC", "ISAC (en)", {}}, info));
      env->org["REG"] = reg.id;
      env->org["ISAC"] = isac.id;
      auto user = [&](const std::string& org_id, const std::string& name,
                      identity::Role role) -> Status {
        std::string username = name;  // user names are lower-case
        for (char& ch : username)
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        FC_ASSIGN_OR_RETURN(
            auto created,
            accounts.CreateUser(op, {org_id, username, name, role, RandomToken(16), "en"}, info));
        FC_ASSIGN_OR_RETURN(auto token, accounts.CreateToken(op, created.id, "api", {}, info));
        env->token[name] = token.second;
        return OkStatus();
      };
      FC_RETURN_IF_ERROR(user(reg.id, "coord", identity::Role::kCoordinationOffice));
      FC_RETURN_IF_ERROR(user(reg.id, "auditor", identity::Role::kAuditor));
      FC_RETURN_IF_ERROR(user(bureau.id, "sup", identity::Role::kBureauStaff));
      FC_RETURN_IF_ERROR(user(isac.id, "isac", identity::Role::kIsacAnalyst));
      std::vector<std::pair<std::string, std::string>> institutions;
      for (const auto& key : kRegional) institutions.emplace_back(key, "regional_bank");
      institutions.emplace_back("S", "securities");
      for (const auto& [key, sector] : institutions) {
        FC_ASSIGN_OR_RETURN(
            auto created,
            accounts.CreateOrg(
                op, {identity::OrgKind::kInstitution, sector, key + "銀行", "Bank " + key, {}},
                info));
        env->org[key] = created.id;
        FC_RETURN_IF_ERROR(user(created.id, key + ".admin", identity::Role::kInstitutionAdmin));
        FC_RETURN_IF_ERROR(user(created.id, key + ".member", identity::Role::kInstitutionMember));
      }
      FC_RETURN_IF_ERROR(accounts.AddSupervision(op, bureau.id, env->org["A"], info));
      return OkStatus();
    }();
    EXPECT_TRUE(seeded.ok()) << seeded.error().internal_message();
    auto running = env->platform->Start(config);
    EXPECT_TRUE(running.ok()) << running.error().internal_message();
    env->running = std::move(*running);

    TestClient coord = env->As("coord");
    HttpResult imported =
        coord.Post("/api/v1/survey/banks", {{"format", "yaml"}, {"text", kBankYaml}});
    EXPECT_EQ(imported.status, 201) << imported.body;
    env->bank = imported.json().value("id", "");
    EXPECT_EQ(coord.Post("/api/v1/survey/banks/" + env->bank + "/publish", Json::object()).status,
              200);
    env->closed = env->OpenCampaign(2025);
    // The closed campaign: every regional bank answers a spread and submits; A gets a
    // supervisor rating.
    for (std::size_t i = 0; i < kRegional.size(); ++i) {
      TestClient admin = env->As(kRegional[i] + ".admin");
      const std::string base = "/api/v1/survey/campaigns/" + env->closed + "/my/answers/";
      const bool policy = i % 3 != 1;
      EXPECT_EQ(admin.Send("PUT", base + "gv.policy", Json{{"value", policy ? "yes" : "no"}}.dump())
                    .status,
                200);
      EXPECT_EQ(admin.Send("PUT", base + "gv.maturity", Json{{"value", int(i % 5)}}.dump()).status,
                200);
      if (policy) {
        EXPECT_EQ(admin.Send("PUT", base + "op.coverage", Json{{"value", 15.0 * i}}.dump()).status,
                  200);
      }
      HttpResult submitted =
          admin.Post("/api/v1/survey/campaigns/" + env->closed + "/my/submit",
                     {{"executive_name", "山田 太郎"}, {"executive_title", "頭取"}});
      EXPECT_EQ(submitted.status, 200) << submitted.body;
    }
    EXPECT_EQ(env->As("sup")
                  .Send("PUT",
                        "/api/v1/survey/campaigns/" + env->closed + "/assignments/" +
                            env->org["A"] + "/ratings/gv.maturity",
                        Json{{"value", 1}, {"comment", "検査で確認"}}.dump())
                  .status,
              200);
    HttpResult closed =
        coord.Post("/api/v1/survey/campaigns/" + env->closed + "/close", Json::object());
    EXPECT_EQ(closed.status, 200) << closed.body;
    env->campaign = env->OpenCampaign(2026);
    return env;
  }

  std::string OpenCampaign(int year, std::chrono::seconds due_in = std::chrono::hours(24 * 30)) {
    HttpResult opened =
        As("coord").Post("/api/v1/survey/campaigns",
                         {{"bank", bank},
                          {"title", {{"ja", std::to_string(year) + "年度調査"}, {"en", "Survey"}}},
                          {"year", year},
                          {"categories", {"regional_bank"}},
                          {"deadline", FormatRfc3339(platform->clock().Now() + due_in)}});
    EXPECT_EQ(opened.status, 201) << opened.body;
    return opened.json().value("id", "");
  }
};

class StopSurveyServers : public ::testing::Environment {
 public:
  void TearDown() override { SurveyEnv::All().clear(); }
};
inline const auto* const kStopSurveyServers =
    ::testing::AddGlobalTestEnvironment(new StopSurveyServers);

}  // namespace fincyber::testing
