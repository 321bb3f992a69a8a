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

TEST_P(DirectoryTest, InstitutionsHaveTheirOwnSizeTierOrTheirCategorysDefault) {
  Status st = s_.db().Transact([&](store::Connection& c) -> Status {
    const Principal op = OperatorPrincipal();
    FC_ASSIGN_OR_RETURN(
        auto small,
        CreateOrg(c, s_.clock, op,
                  {OrgKind::kInstitution, "major_bank", "小銀行", "Small Bank", {}, "small"}));
    EXPECT_EQ(small.size_tier, "small");
    FC_ASSIGN_OR_RETURN(auto read, GetOrg(c, s_.P(s_.coord), small.id));
    EXPECT_EQ(read.size_tier, "small");
    EXPECT_EQ(ToJson(read)["size_tier"], "small");
    EXPECT_EQ(EffectiveSizeTier(read.size_tier, read.sector), "small");

    EXPECT_FALSE(s_.bank_a.size_tier.has_value());
    EXPECT_TRUE(ToJson(s_.bank_a)["size_tier"].is_null());
    EXPECT_EQ(EffectiveSizeTier(s_.bank_a.size_tier, s_.bank_a.sector), "large");
    EXPECT_EQ(EffectiveSizeTier(s_.bank_b.size_tier, s_.bank_b.sector), "medium");
    EXPECT_EQ(EffectiveSizeTier(std::nullopt, "shinkin_bank"), "small");
    for (const auto& sector : Sectors()) EXPECT_TRUE(IsKnownSizeTier(sector.default_size_tier));

    FC_ASSIGN_OR_RETURN(auto raised, SetOrgSizeTier(c, s_.P(s_.coord), s_.bank_b.id, "large"));
    EXPECT_EQ(raised.size_tier, "large");
    FC_ASSIGN_OR_RETURN(auto reread, GetOrg(c, s_.P(s_.b_admin), s_.bank_b.id));
    EXPECT_EQ(reread.size_tier, "large") << "the institution sees the tier it was given";
    FC_ASSIGN_OR_RETURN(auto cleared,
                        SetOrgSizeTier(c, s_.P(s_.coord), s_.bank_b.id, std::nullopt));
    EXPECT_FALSE(cleared.size_tier.has_value());
    FC_ASSIGN_OR_RETURN(auto listed, ListSupervised(c, s_.P(s_.coord), s_.bureau.id));
    EXPECT_EQ(listed.items.at(0).id, s_.bank_a.id);
    EXPECT_FALSE(listed.items.at(0).size_tier.has_value());
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
}

TEST_P(DirectoryTest, SizeTierIsValidatedAndOnlyTheDirectoryManagerSetsIt) {
  Status st = s_.db().Transact([&](store::Connection& c) -> Status {
    const Principal op = OperatorPrincipal();
    auto unknown =
        CreateOrg(c, s_.clock, op, {OrgKind::kInstitution, "major_bank", "X", "X", {}, "huge"});
    EXPECT_EQ(unknown.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(unknown.error().details(),
              (std::vector<FieldProblem>{{"size_tier", "unknown size tier"}}));
    auto isac = CreateOrg(c, s_.clock, op, {OrgKind::kIsac, {}, "Y", "Y", {}, "large"});
    EXPECT_EQ(isac.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(SetOrgSizeTier(c, s_.P(s_.coord), s_.bank_a.id, "").error().code(),
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(SetOrgSizeTier(c, s_.P(s_.coord), s_.bank_a.id, "LARGE").error().code(),
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(SetOrgSizeTier(c, s_.P(s_.coord), s_.isac.id, "large").error().code(),
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(SetOrgSizeTier(c, s_.P(s_.coord), "no-such-org", "large").error().code(),
              ErrorCode::kNotFound);

    // An institution may not size itself, and another institution does not exist for it.
    EXPECT_EQ(SetOrgSizeTier(c, s_.P(s_.a_admin), s_.bank_a.id, "small").error().code(),
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(SetOrgSizeTier(c, s_.P(s_.a_member), s_.bank_a.id, "small").error().code(),
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(SetOrgSizeTier(c, s_.P(s_.a_admin), s_.bank_b.id, "small").error().code(),
              ErrorCode::kNotFound);
    EXPECT_EQ(SetOrgSizeTier(c, s_.P(s_.bureau_staff), s_.bank_a.id, "small").error().code(),
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(SetOrgSizeTier(c, s_.P(s_.isac_analyst), s_.bank_b.id, "small").error().code(),
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(SetOrgSizeTier(c, s_.P(s_.auditor), s_.bank_b.id, "small").error().code(),
              ErrorCode::kPermissionDenied);
    FC_ASSIGN_OR_RETURN(auto unchanged, GetOrg(c, s_.P(s_.coord), s_.bank_a.id));
    EXPECT_FALSE(unchanged.size_tier.has_value());
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
}

INSTANTIATE_TEST_SUITE_P(Backends, DirectoryTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::identity
