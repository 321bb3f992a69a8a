// A small sector for identity's database tests: the regulator with one bureau that
// supervises bank A, the ISAC, and banks A and B, each with an admin and a member.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "identity/directory.h"
#include "store/migrations.h"
#include "testing/db_targets.h"

namespace fincyber::identity {

inline constexpr std::string_view kTestPassword = "correct horse battery";

struct TestSector {
  std::unique_ptr<fincyber::testing::TestDatabase> database;
  FakeClock clock{FromUnixMillis(1'790'000'000'000)};
  Org regulator, bureau, isac, bank_a, bank_b;
  User coord, bureau_staff, isac_analyst, a_admin, a_member, b_admin, auditor;

  store::Database& db() { return database->db(); }

  static Principal PrincipalOf(const User& user, const Org& org) {
    Principal p;
    p.user_id = user.id;
    p.username = user.username;
    p.org_id = org.id;
    p.org_kind = org.kind;
    p.role = user.role;
    return p;
  }

  explicit TestSector(const std::string& backend)
      : database(fincyber::testing::TestDatabase::Create(backend)) {
    auto migrated = store::Migrate(db(), Migrations());
    EXPECT_TRUE(migrated.ok()) << migrated.error().internal_message();
    const Principal op = OperatorPrincipal();
    Status seeded = db().Transact([&](store::Connection& c) -> Status {
      auto org = [&](OrgKind kind, std::optional<std::string> sector, std::string ja,
                     std::string en, std::optional<std::string> parent) {
        return CreateOrg(c, clock, op, {kind, sector, ja, en, parent});
      };
      FC_ASSIGN_OR_RETURN(regulator, org(OrgKind::kRegulator, {}, "金融庁", "Regulator", {}));
      FC_ASSIGN_OR_RETURN(bureau, org(OrgKind::kBureau, {}, "監督局", "Supervision Bureau",
                                      regulator.id));
      FC_ASSIGN_OR_RETURN(isac, org(OrgKind::kIsac, {}, "金融ISAC", "Financials ISAC", {}));
      FC_ASSIGN_OR_RETURN(bank_a, org(OrgKind::kInstitution, "major_bank", "A銀行", "Bank A", {}));
      FC_ASSIGN_OR_RETURN(bank_b,
                          org(OrgKind::kInstitution, "regional_bank", "B銀行", "Bank B", {}));
      FC_RETURN_IF_ERROR(AddSupervision(c, op, bureau.id, bank_a.id));
      auto user = [&](const Org& o, std::string name, Role role) {
        return CreateUser(c, clock, op,
                          {o.id, name, name, role, std::string(kTestPassword), "ja"},
                          /*password_hash_fast=*/true);
      };
      FC_ASSIGN_OR_RETURN(coord, user(regulator, "coord", Role::kCoordinationOffice));
      FC_ASSIGN_OR_RETURN(auditor, user(regulator, "auditor", Role::kAuditor));
      FC_ASSIGN_OR_RETURN(bureau_staff, user(bureau, "supervisor", Role::kBureauStaff));
      FC_ASSIGN_OR_RETURN(isac_analyst, user(isac, "isac", Role::kIsacAnalyst));
      FC_ASSIGN_OR_RETURN(a_admin, user(bank_a, "a.admin", Role::kInstitutionAdmin));
      FC_ASSIGN_OR_RETURN(a_member, user(bank_a, "a.member", Role::kInstitutionMember));
      FC_ASSIGN_OR_RETURN(b_admin, user(bank_b, "b.admin", Role::kInstitutionAdmin));
      return OkStatus();
    });
    EXPECT_TRUE(seeded.ok()) << seeded.error().internal_message();
  }

  Principal P(const User& user) {
    for (const Org* org : {&regulator, &bureau, &isac, &bank_a, &bank_b}) {
      if (org->id == user.org_id) return PrincipalOf(user, *org);
    }
    return {};
  }
};

}  // namespace fincyber::identity
