// A small hub for the sharing module's database tests, on identity's test sector:
// banks A (author), B (group member), C (group member, named TLP:RED recipient) and D
// (no group), the ISAC, and the regulator (coordination office and auditor, not in the
// group). One trust group "members" = {A, B, C, ISAC} reads and writes the collection
// "indicators" (default TLP:GREEN).
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "audit/audit.h"
#include "base/crypto.h"
#include "events/events.h"
#include "identity/groups.h"
#include "identity/test_sector.h"
#include "sharing/service.h"
#include "stix/tlp.h"

namespace fincyber::sharing {

struct TestHub {
  identity::TestSector s;
  identity::Org bank_c, bank_d;
  identity::User c_member, d_member;
  identity::TrustGroup members;
  SharingService service{s.db(), s.clock};
  Collection indicators;
  RequestInfo info{"127.0.0.1", "req-test"};

  explicit TestHub(const std::string& backend) : s(backend) {
    std::vector<store::Migration> more = audit::Migrations();
    for (auto list : {events::Migrations(), Migrations()}) {
      more.insert(more.end(), list.begin(), list.end());
    }
    auto migrated = store::Migrate(s.db(), more);
    EXPECT_TRUE(migrated.ok()) << migrated.error().internal_message();
    const identity::Principal op = identity::OperatorPrincipal();
    Status seeded = s.db().Transact([&](store::Connection& c) -> Status {
      FC_ASSIGN_OR_RETURN(
          bank_c, identity::CreateOrg(
                      c, s.clock, op,
                      {identity::OrgKind::kInstitution, "shinkin_bank", "C信金", "Bank C", {}}));
      FC_ASSIGN_OR_RETURN(
          bank_d, identity::CreateOrg(
                      c, s.clock, op,
                      {identity::OrgKind::kInstitution, "securities", "D証券", "Bank D", {}}));
      auto user = [&](const identity::Org& o, std::string name) {
        return identity::CreateUser(c, s.clock, op,
                                    {o.id, name, name, identity::Role::kInstitutionMember,
                                     std::string(identity::kTestPassword), "en"},
                                    /*password_hash_fast=*/true);
      };
      FC_ASSIGN_OR_RETURN(c_member, user(bank_c, "c.member"));
      FC_ASSIGN_OR_RETURN(d_member, user(bank_d, "d.member"));
      FC_ASSIGN_OR_RETURN(
          members, identity::CreateGroup(
                       c, s.clock, s.P(s.coord),
                       {"会員", "members", "", {s.bank_a.id, s.bank_b.id, bank_c.id, s.isac.id}}));
      return OkStatus();
    });
    EXPECT_TRUE(seeded.ok()) << seeded.error().internal_message();
    auto created = service.CreateCollection(P(s.isac_analyst),
                                            {"Indicators", "shared by members", "indicators",
                                             members.id, members.id, stix::Tlp::kGreen},
                                            info);
    EXPECT_TRUE(created.ok()) << created.error().internal_message();
    if (created.ok()) indicators = *created;
  }

  // A collection the members write to and only the regulator reads ("To the regulator",
  // default TLP:AMBER), with a trust group of the regulator alone.
  Result<Collection> RegulatorInbox() {
    identity::TrustGroup regulator;
    FC_RETURN_IF_ERROR(s.db().Transact([&](store::Connection& c) -> Status {
      FC_ASSIGN_OR_RETURN(regulator,
                          identity::CreateGroup(c, s.clock, P(s.coord),
                                                {"当局", "regulator", "", {s.regulator.id}}));
      return OkStatus();
    }));
    return service.CreateCollection(
        P(s.coord), {"To the regulator", "", "", regulator.id, members.id, stix::Tlp::kAmber},
        info);
  }

  identity::Principal P(const identity::User& user) {
    for (const identity::Org* org : {&bank_c, &bank_d}) {
      if (org->id == user.org_id) return identity::TestSector::PrincipalOf(user, *org);
    }
    return s.P(user);
  }

  // A valid indicator for `domain`, created and modified at `modified`, with optional
  // markings and recipients.
  static Json Indicator(const std::string& id, const std::string& domain,
                        const std::string& modified = "2024-05-01T00:00:00.000Z",
                        std::vector<std::string> markings = {},
                        std::vector<std::string> recipients = {}) {
    Json o = {{"type", "indicator"},
              {"spec_version", "2.1"},
              {"id", id},
              {"created", "2024-05-01T00:00:00.000Z"},
              {"modified", modified},
              {"name", "C2 " + domain},
              {"pattern", fmt::format("[domain-name:value = '{}']", domain)},
              {"pattern_type", "stix"},
              {"valid_from", "2024-05-01T00:00:00Z"}};
    if (!markings.empty()) o["object_marking_refs"] = markings;
    if (!recipients.empty()) o[std::string(kRecipientsProperty)] = recipients;
    return o;
  }
  // An "indicates" relationship from `source` to `target`, with optional markings.
  static Json Relationship(const std::string& source, const std::string& target,
                           std::vector<std::string> markings = {}) {
    Json o = {{"type", "relationship"},
              {"spec_version", "2.1"},
              {"id", "relationship--" + NewUuid()},
              {"created", "2024-05-01T00:00:00.000Z"},
              {"modified", "2024-05-01T00:00:00.000Z"},
              {"relationship_type", "indicates"},
              {"source_ref", source},
              {"target_ref", target}};
    if (!markings.empty()) o["object_marking_refs"] = markings;
    return o;
  }
  static std::string Marking(stix::Tlp level) { return std::string(stix::Tlp2MarkingId(level)); }
  static std::string NewIndicatorId() { return "indicator--" + NewUuid(); }

  Result<AddReport> Add(const identity::User& user, const std::vector<Json>& objects,
                        const std::string& collection_id = "") {
    std::vector<IncomingObject> incoming;
    for (const auto& o : objects) incoming.push_back({o, o.dump()});
    return service.AddObjects(P(user), collection_id.empty() ? indicators.id : collection_id,
                              incoming, info);
  }

  // Adds and expects every object stored.
  void AddOk(const identity::User& user, const std::vector<Json>& objects,
             const std::string& collection_id = "") {
    auto report = Add(user, objects, collection_id);
    ASSERT_TRUE(report.ok()) << report.error().internal_message();
    EXPECT_TRUE(report->failures.empty()) << report->failures[0].message;
  }

  // The ids `user` sees in the collection (every version: "all").
  std::vector<std::string> VisibleIds(const identity::User& user,
                                      const std::string& collection_id = "") {
    ObjectQuery q;
    q.versions.all = true;
    q.limit = kMaxPageSize;
    auto page =
        service.ListObjects(P(user), collection_id.empty() ? indicators.id : collection_id, q);
    std::vector<std::string> ids;
    if (!page.ok()) return {"error: " + page.error().safe_message()};
    for (const auto& o : page->objects) ids.push_back(o.id);
    return ids;
  }

  // (type, org_id, payload) of every event published, oldest first.
  std::vector<std::tuple<std::string, std::string, Json>> Events(std::string_view type) {
    std::vector<std::tuple<std::string, std::string, Json>> out;
    Status st = s.db().Read([&](store::Connection& c) -> Status {
      FC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT type, org_id, payload, org_only "
                                             "FROM events_outbox WHERE type = ? ORDER BY id",
                                             {std::string(type)}));
      for (const auto& row : rows) {
        // Their ids and TLP must not reach the regulator's all-organisation webhooks.
        EXPECT_EQ(row.GetInt(3), 1) << type << " is published for the organisation only";
        out.emplace_back(row.GetString(0), row.GetString(1), Json::parse(row.GetString(2)));
      }
      return OkStatus();
    });
    EXPECT_TRUE(st.ok());
    return out;
  }
};

}  // namespace fincyber::sharing
