#include "identity/access.h"

#include <gtest/gtest.h>

namespace fincyber::identity {
namespace {

Principal As(Role role, std::string org = "org-1") {
  Principal p;
  p.user_id = "u";
  p.org_id = std::move(org);
  p.role = role;
  return p;
}

TEST(AccessTest, InstitutionRolesSeeOnlyTheirOwnOrganisation) {
  for (Role role : {Role::kInstitutionAdmin, Role::kInstitutionMember, Role::kEvaluator,
                    Role::kExerciseController}) {
    for (Resource r : {Resource::kOrgDirectory, Resource::kUserDirectory,
                       Resource::kInstitutionRecords}) {
      OrgFilter f = ReadableOrgs(As(role), r, "x.org_id");
      EXPECT_EQ(f.sql, "x.org_id = ?");
      ASSERT_EQ(f.params.size(), 1u);
      EXPECT_EQ(std::get<std::string>(f.params[0]), "org-1");
    }
  }
}

TEST(AccessTest, AuditLogIsDeniedByDefault) {
  for (Role role : {Role::kInstitutionMember, Role::kBureauStaff, Role::kIsacAnalyst,
                    Role::kEvaluator, Role::kExerciseController}) {
    EXPECT_EQ(ReadableOrgs(As(role), Resource::kAuditLog, "org_id").sql, "1=0");
  }
  EXPECT_EQ(ReadableOrgs(As(Role::kInstitutionAdmin), Resource::kAuditLog, "org_id").sql,
            "org_id = ?");
  EXPECT_EQ(ReadableOrgs(As(Role::kAuditor), Resource::kAuditLog, "org_id").sql, "1=1");
}

TEST(AccessTest, PrincipalWithoutOrganisationSeesNothing) {
  EXPECT_EQ(ReadableOrgs(As(Role::kInstitutionAdmin, ""), Resource::kOrgDirectory, "id").sql,
            "1=0");
}

TEST(AccessTest, BureauStaffSeeSupervisedInstitutionsRecords) {
  OrgFilter f = ReadableOrgs(As(Role::kBureauStaff, "bureau-1"), Resource::kInstitutionRecords,
                             "org_id");
  EXPECT_NE(f.sql.find("supervision"), std::string::npos);
  EXPECT_EQ(std::get<std::string>(f.params.at(0)), "bureau-1");
}

TEST(AccessTest, ChangesNeedTheRightRole) {
  EXPECT_TRUE(CheckCanManageUsers(As(Role::kCoordinationOffice), "any").ok());
  EXPECT_TRUE(CheckCanManageUsers(As(Role::kInstitutionAdmin), "org-1").ok());
  EXPECT_FALSE(CheckCanManageUsers(As(Role::kInstitutionAdmin), "org-2").ok());
  EXPECT_FALSE(CheckCanManageUsers(As(Role::kInstitutionMember), "org-1").ok());
  EXPECT_FALSE(CheckCanManageUsers(As(Role::kAuditor), "org-1").ok());
  EXPECT_FALSE(CheckCanManageOrgs(As(Role::kIsacAnalyst)).ok());
  EXPECT_FALSE(CheckCanWrite(As(Role::kAuditor)).ok());
}

}  // namespace
}  // namespace fincyber::identity
