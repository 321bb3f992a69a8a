// A small survey sector for the survey module's database tests, on identity's test
// sector (bank A major_bank supervised by the bureau, bank B regional_bank), plus
// regional banks R1..R6 so a category has enough peers for figures to show. A small
// published bank "test-bank" with a yes/no, a maturity, a conditional number and a text
// item covers the rules.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "events/events.h"
#include "identity/test_sector.h"
#include "survey/service.h"

namespace fincyber::survey {

// The smallest file that passes as a PDF, for evidence uploads.
inline const std::string kMinimalPdf = "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

inline constexpr std::string_view kTestBankYaml = R"(id: test-bank
version: "1"
title: {ja: テスト調査, en: Test survey}
maturity_scale:
  - {ja: 〇, en: zero}
  - {ja: 一, en: one}
  - {ja: 二, en: two}
  - {ja: 三, en: three}
  - {ja: 四, en: four}
sections:
  - id: gov
    title: {ja: 統治, en: Governance}
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
  - id: ops
    title: {ja: 運用, en: Operations}
    items:
      - id: op.coverage
        text: {ja: "監視の対象は何割ですか。", en: "What share is monitored?"}
        type: number
        number: {min: 0, max: 100, met_min: 50}
        function: detect
        threats: [data_leak]
        condition: answer(gv.policy) == "yes"
      - id: op.note
        text: {ja: "補足があればご記入ください。", en: "Anything to add?"}
        type: text
        function: detect
)";

struct TestSurvey {
  identity::TestSector s;
  std::vector<identity::Org> regional;  // R1..R6, regional banks
  std::vector<identity::User> regional_admins;
  SurveyService service{s.db(), s.clock};
  RequestInfo info{"127.0.0.1", "req-test"};
  std::string bank_id;  // storage id of the published test bank

  explicit TestSurvey(const std::string& backend) : s(backend) {
    std::vector<store::Migration> more = audit::Migrations();
    for (auto list : {events::Migrations(), Migrations()}) {
      more.insert(more.end(), list.begin(), list.end());
    }
    auto migrated = store::Migrate(s.db(), more);
    EXPECT_TRUE(migrated.ok()) << migrated.error().internal_message();
    const identity::Principal op = identity::OperatorPrincipal();
    Status seeded = s.db().Transact([&](store::Connection& c) -> Status {
      for (int i = 1; i <= 6; ++i) {
        FC_ASSIGN_OR_RETURN(auto org, identity::CreateOrg(c, s.clock, op,
                                                          {identity::OrgKind::kInstitution,
                                                           "regional_bank",
                                                           fmt::format("R{}銀行", i),
                                                           fmt::format("Bank R{}", i),
                                                           {}}));
        FC_ASSIGN_OR_RETURN(
            auto admin,
            identity::CreateUser(
                c, s.clock, op,
                {org.id, fmt::format("r{}.admin", i), fmt::format("R{} admin", i),
                 identity::Role::kInstitutionAdmin, std::string(identity::kTestPassword), "ja"},
                /*password_hash_fast=*/true));
        regional.push_back(org);
        regional_admins.push_back(admin);
      }
      return OkStatus();
    });
    EXPECT_TRUE(seeded.ok()) << seeded.error().internal_message();
    auto imported =
        service.ImportBank(P(s.coord), {BankSourceFormat::kYaml, std::string(kTestBankYaml)}, info);
    EXPECT_TRUE(imported.ok()) << imported.error().internal_message();
    if (!imported.ok()) return;
    auto published = service.PublishBank(P(s.coord), imported->id, info);
    EXPECT_TRUE(published.ok()) << published.error().internal_message();
    bank_id = imported->id;
  }

  identity::Principal P(const identity::User& user) {
    for (std::size_t i = 0; i < regional_admins.size(); ++i) {
      if (regional_admins[i].id == user.id) {
        return identity::TestSector::PrincipalOf(user, regional[i]);
      }
    }
    return s.P(user);
  }

  // A campaign for major and regional banks, due in 30 days.
  Campaign Open(int year = 2026,
                std::vector<std::string> categories = {"major_bank", "regional_bank"}) {
    NewCampaign nc;
    nc.bank_storage_id = bank_id;
    nc.title = {fmt::format("{}年度 調査", year), fmt::format("Survey {}", year)};
    nc.year = year;
    nc.categories = std::move(categories);
    nc.deadline = s.clock.Now() + std::chrono::hours(24 * 30);
    auto opened = service.OpenCampaign(P(s.coord), nc, info);
    EXPECT_TRUE(opened.ok()) << opened.error().internal_message();
    return opened.ok() ? *opened : Campaign{};
  }

  Result<std::optional<StoredAnswer>> Put(const identity::User& user, const Campaign& campaign,
                                          const std::string& org_id, const std::string& item,
                                          Json value) {
    return service.PutAnswer(P(user), campaign.id, org_id, item, {std::move(value), "", "", {}},
                             info);
  }

  // Answers every item and submits, as the institution's admin.
  void AnswerAndSubmit(const identity::User& admin, const std::string& org_id,
                       const Campaign& campaign, const std::string& policy, int maturity,
                       double coverage) {
    for (auto [item, value] :
         {std::pair<std::string, Json>{"gv.policy", policy}, {"gv.maturity", maturity}}) {
      auto put = Put(admin, campaign, org_id, item, value);
      ASSERT_TRUE(put.ok()) << put.error().internal_message();
    }
    if (policy == "yes") {
      auto put = Put(admin, campaign, org_id, "op.coverage", coverage);
      ASSERT_TRUE(put.ok()) << put.error().internal_message();
    }
    auto submitted =
        service.Submit(P(admin), campaign.id, org_id, {"山田 太郎", "代表取締役"}, info);
    ASSERT_TRUE(submitted.ok()) << submitted.error().internal_message();
  }

  std::vector<std::string> AuditActions(std::string_view prefix) {
    std::vector<std::string> out;
    Status st = s.db().Read([&](store::Connection& c) -> Status {
      FC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT action FROM audit_log WHERE action LIKE ? "
                                             "ORDER BY seq",
                                             {std::string(prefix) + "%"}));
      for (const auto& row : rows) out.push_back(row.GetString(0));
      return OkStatus();
    });
    EXPECT_TRUE(st.ok());
    return out;
  }

  std::vector<std::string> EventTypes(std::string_view prefix) {
    std::vector<std::string> out;
    Status st = s.db().Read([&](store::Connection& c) -> Status {
      FC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT type FROM events_outbox WHERE type LIKE ? "
                                             "ORDER BY id",
                                             {std::string(prefix) + "%"}));
      for (const auto& row : rows) out.push_back(row.GetString(0));
      return OkStatus();
    });
    EXPECT_TRUE(st.ok());
    return out;
  }
};

}  // namespace fincyber::survey
