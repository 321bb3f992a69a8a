#include <gtest/gtest.h>

#include <set>

#include "identity/test_sector.h"

namespace fincyber::identity {
namespace {

class DirectoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  DirectoryTest() : s_(GetParam()) {}

  std::set<std::string> VisibleOrgNames(const User& user) {
    std::set<std::string> names;
    Status st = s_.db().Read([&](store::Connection& c) -> Status {
      FC_ASSIGN_OR_RETURN(auto page, ListOrgs(c, s_.P(user), {}));
      for (const auto& org : page.items) names.insert(org.name_en);
      EXPECT_EQ(page.total, static_cast<std::int64_t>(page.items.size()));
      return OkStatus();
    });
    EXPECT_TRUE(st.ok()) << st.error().internal_message();
    return names;
  }

  TestSector s_;
};

TEST_P(DirectoryTest, EachRoleSeesExactlyItsOrganisations) {
  using Names = std::set<std::string>;
  const Names all{"Regulator", "Supervision Bureau", "Financials ISAC", "Bank A", "Bank B"};
  EXPECT_EQ(VisibleOrgNames(s_.coord), all);
  EXPECT_EQ(VisibleOrgNames(s_.auditor), all);
  EXPECT_EQ(VisibleOrgNames(s_.a_member), Names{"Bank A"});
  EXPECT_EQ(VisibleOrgNames(s_.a_admin), Names{"Bank A"});
  EXPECT_EQ(VisibleOrgNames(s_.b_admin), Names{"Bank B"});
  EXPECT_EQ(VisibleOrgNames(s_.bureau_staff), (Names{"Regulator", "Supervision Bureau", "Bank A"}));
  EXPECT_EQ(VisibleOrgNames(s_.isac_analyst),
            (Names{"Regulator", "Financials ISAC", "Bank A", "Bank B"}));
}

TEST_P(DirectoryTest, AnotherInstitutionIsNotFoundRatherThanForbidden) {
  Status st = s_.db().Read([&](store::Connection& c) -> Status {
    auto org = GetOrg(c, s_.P(s_.a_member), s_.bank_b.id);
    EXPECT_FALSE(org.ok());
    EXPECT_EQ(org.error().code(), ErrorCode::kNotFound);
    auto users = ListUsers(c, s_.P(s_.a_admin), s_.bank_b.id);
    EXPECT_EQ(users.error().code(), ErrorCode::kNotFound);
    auto user = GetUser(c, s_.P(s_.a_admin), s_.b_admin.id);
    EXPECT_EQ(user.error().code(), ErrorCode::kNotFound);
    return OkStatus();
  });
  EXPECT_TRUE(st.ok());
}

TEST_P(DirectoryTest, FiltersByKindSectorAndText) {
  Status st = s_.db().Read([&](store::Connection& c) -> Status {
    OrgQuery q;
    q.kind = OrgKind::kInstitution;
    FC_ASSIGN_OR_RETURN(auto institutions, ListOrgs(c, s_.P(s_.coord), q));
    EXPECT_EQ(institutions.total, 2);
    q.sector = "regional_bank";
    FC_ASSIGN_OR_RETURN(auto regional, ListOrgs(c, s_.P(s_.coord), q));
    EXPECT_EQ(regional.total, 1);
    OrgQuery text;
    text.text = "bank a";
    FC_ASSIGN_OR_RETURN(auto by_text, ListOrgs(c, s_.P(s_.coord), text));
    EXPECT_EQ(by_text.total, 1);
    text.text = "%";
    FC_ASSIGN_OR_RETURN(auto wildcard, ListOrgs(c, s_.P(s_.coord), text));
    EXPECT_EQ(wildcard.total, 0) << "LIKE wildcards in search text are literal";
    text.text = "監督";
    FC_ASSIGN_OR_RETURN(auto japanese, ListOrgs(c, s_.P(s_.coord), text));
    EXPECT_EQ(japanese.total, 1);
    OrgQuery bad;
    bad.limit = 0;
    EXPECT_EQ(ListOrgs(c, s_.P(s_.coord), bad).error().code(), ErrorCode::kInvalidArgument);
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
}

TEST_P(DirectoryTest, SupervisedListRespectsViewer) {
  Status st = s_.db().Read([&](store::Connection& c) -> Status {
    FC_ASSIGN_OR_RETURN(auto mine, ListSupervised(c, s_.P(s_.bureau_staff), s_.bureau.id));
    EXPECT_EQ(mine.total, 1);
    EXPECT_EQ(ListSupervised(c, s_.P(s_.a_member), s_.bureau.id).error().code(),
              ErrorCode::kNotFound);
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
}

TEST_P(DirectoryTest, UserCreationIsValidatedAndScoped) {
  Status st = s_.db().Transact([&](store::Connection& c) -> Status {
    NewUser bad{s_.bank_a.id, "X", "", Role::kInstitutionMember, "short", "fr"};
    auto invalid = CreateUser(c, s_.clock, s_.P(s_.a_admin), bad, true);
    EXPECT_EQ(invalid.error().code(), ErrorCode::kInvalidArgument);
    std::set<std::string> fields;
    for (const auto& d : invalid.error().details()) fields.insert(d.field);
    EXPECT_EQ(fields, (std::set<std::string>{"username", "display_name", "password", "locale"}));

    NewUser other_bank{s_.bank_b.id, "intruder", "I", Role::kInstitutionMember,
                       std::string(kTestPassword), "ja"};
    EXPECT_EQ(CreateUser(c, s_.clock, s_.P(s_.a_admin), other_bank, true).error().code(),
              ErrorCode::kPermissionDenied);
    NewUser escalate{s_.bank_a.id, "boss", "B", Role::kCoordinationOffice,
                     std::string(kTestPassword), "ja"};
    EXPECT_EQ(CreateUser(c, s_.clock, s_.P(s_.a_admin), escalate, true).error().code(),
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(CreateUser(c, s_.clock, s_.P(s_.a_member),
                         {s_.bank_a.id, "new.one", "N", Role::kInstitutionMember,
                          std::string(kTestPassword), "ja"},
                         true)
                  .error()
                  .code(),
              ErrorCode::kPermissionDenied);
    FC_ASSIGN_OR_RETURN(auto created,
                        CreateUser(c, s_.clock, s_.P(s_.a_admin),
                                   {s_.bank_a.id, "new.one", "新人", Role::kInstitutionMember,
                                    std::string(kTestPassword), "en"},
                                   true));
    EXPECT_EQ(created.display_name, "新人");
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
  // A failed statement ends its transaction, so the duplicate gets its own.
  Status dup = s_.db().Transact([&](store::Connection& c) -> Status {
    NewUser user{s_.bank_a.id, "a.member", "dup", Role::kInstitutionMember,
                 std::string(kTestPassword), "ja"};
    FC_RETURN_IF_ERROR(CreateUser(c, s_.clock, s_.P(s_.a_admin), user, true));
    return OkStatus();
  });
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  ASSERT_EQ(dup.error().details().size(), 1u);
  EXPECT_EQ(dup.error().details()[0].field, "username");
}

TEST_P(DirectoryTest, DisablingEndsAccessAndIsScoped) {
  Status st = s_.db().Transact([&](store::Connection& c) -> Status {
    EXPECT_EQ(DisableUser(c, s_.clock, s_.P(s_.a_admin), s_.b_admin.id).error().code(),
              ErrorCode::kNotFound);
    EXPECT_EQ(DisableUser(c, s_.clock, s_.P(s_.a_member), s_.a_admin.id).error().code(),
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(DisableUser(c, s_.clock, s_.P(s_.a_admin), s_.a_admin.id).error().code(),
              ErrorCode::kFailedPrecondition);
    FC_ASSIGN_OR_RETURN(auto disabled, DisableUser(c, s_.clock, s_.P(s_.a_admin), s_.a_member.id));
    EXPECT_TRUE(disabled.disabled);
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
}

TEST_P(DirectoryTest, OrganisationCreationIsValidated) {
  Status st = s_.db().Transact([&](store::Connection& c) -> Status {
    const Principal op = OperatorPrincipal();
    EXPECT_EQ(CreateOrg(c, s_.clock, s_.P(s_.a_admin),
                        {OrgKind::kInstitution, "major_bank", "X", "X", {}})
                  .error()
                  .code(),
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(CreateOrg(c, s_.clock, op, {OrgKind::kInstitution, "casino", "X", "X", {}})
                  .error()
                  .code(),
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(CreateOrg(c, s_.clock, op, {OrgKind::kBureau, {}, "局", "Bureau", {}}).error().code(),
              ErrorCode::kInvalidArgument);
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
  // A failed statement ends its transaction, so the duplicate gets its own.
  Status dup = s_.db().Transact([&](store::Connection& c) -> Status {
    FC_RETURN_IF_ERROR(CreateOrg(c, s_.clock, OperatorPrincipal(),
                                 {OrgKind::kInstitution, "major_bank", "A銀行", "Z", {}}));
    return OkStatus();
  });
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
}

INSTANTIATE_TEST_SUITE_P(Backends, DirectoryTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::identity
