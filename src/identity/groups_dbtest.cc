#include "identity/groups.h"

#include <gtest/gtest.h>

#include <set>

#include "identity/access.h"
#include "identity/test_sector.h"

namespace fincyber::identity {
namespace {

class GroupsTest : public ::testing::TestWithParam<std::string> {
 protected:
  GroupsTest() : s_(GetParam()) {}

  // A group with banks A and the ISAC, made by the coordination office.
  TrustGroup MakeGroup(std::string name = "ISAC members") {
    TrustGroup group;
    Status st = s_.db().Transact([&](store::Connection& c) -> Status {
      FC_ASSIGN_OR_RETURN(group, CreateGroup(c, s_.clock, s_.P(s_.coord),
                                             {name + " ja", name, "", {s_.bank_a.id, s_.isac.id}}));
      return OkStatus();
    });
    EXPECT_TRUE(st.ok()) << st.error().internal_message();
    return group;
  }

  std::set<std::string> VisibleGroupNames(const User& user) {
    std::set<std::string> names;
    Status st = s_.db().Read([&](store::Connection& c) -> Status {
      FC_ASSIGN_OR_RETURN(auto groups, ListGroups(c, s_.P(user)));
      for (const auto& g : groups) names.insert(g.name_en);
      return OkStatus();
    });
    EXPECT_TRUE(st.ok()) << st.error().internal_message();
    return names;
  }

  TestSector s_;
};

TEST_P(GroupsTest, MembersAndCuratorsSeeAGroupOthersDoNot) {
  const TrustGroup group = MakeGroup();
  EXPECT_EQ(group.member_org_ids.size(), 2u);
  using Names = std::set<std::string>;
  EXPECT_EQ(VisibleGroupNames(s_.coord), Names{"ISAC members"});
  EXPECT_EQ(VisibleGroupNames(s_.isac_analyst), Names{"ISAC members"});
  EXPECT_EQ(VisibleGroupNames(s_.a_member), Names{"ISAC members"});
  EXPECT_EQ(VisibleGroupNames(s_.b_admin), Names{});
  EXPECT_EQ(VisibleGroupNames(s_.auditor), Names{});
  EXPECT_EQ(VisibleGroupNames(s_.bureau_staff), Names{});
  Status st = s_.db().Read([&](store::Connection& c) -> Status {
    EXPECT_EQ(GetGroup(c, s_.P(s_.b_admin), group.id).error().code(), ErrorCode::kNotFound);
    FC_ASSIGN_OR_RETURN(auto seen, GetGroup(c, s_.P(s_.a_member), group.id));
    EXPECT_EQ(seen.name_en, "ISAC members");
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
}

TEST_P(GroupsTest, OnlyCuratorsManageGroups) {
  const TrustGroup group = MakeGroup();
  Status st = s_.db().Transact([&](store::Connection& c) -> Status {
    for (const User* user : {&s_.a_admin, &s_.a_member, &s_.bureau_staff, &s_.auditor}) {
      EXPECT_EQ(CreateGroup(c, s_.clock, s_.P(*user), {"x", "x", "", {}}).error().code(),
                ErrorCode::kPermissionDenied);
      EXPECT_EQ(AddGroupMember(c, s_.P(*user), group.id, s_.bank_b.id).error().code(),
                ErrorCode::kPermissionDenied);
      EXPECT_EQ(RemoveGroupMember(c, s_.P(*user), group.id, s_.bank_a.id).error().code(),
                ErrorCode::kPermissionDenied);
    }
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
}

TEST_P(GroupsTest, MembershipChangesAreIdempotentAndChecked) {
  const TrustGroup group = MakeGroup();
  Status st = s_.db().Transact([&](store::Connection& c) -> Status {
    const Principal curator = s_.P(s_.isac_analyst);
    FC_RETURN_IF_ERROR(AddGroupMember(c, curator, group.id, s_.bank_b.id));
    FC_RETURN_IF_ERROR(AddGroupMember(c, curator, group.id, s_.bank_b.id));
    FC_RETURN_IF_ERROR(RemoveGroupMember(c, curator, group.id, s_.bank_a.id));
    FC_RETURN_IF_ERROR(RemoveGroupMember(c, curator, group.id, s_.bank_a.id));
    EXPECT_EQ(AddGroupMember(c, curator, group.id, "no-such-org").error().code(),
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(AddGroupMember(c, curator, "no-such-group", s_.bank_b.id).error().code(),
              ErrorCode::kNotFound);
    FC_ASSIGN_OR_RETURN(auto of_b, GroupIdsOfOrg(c, s_.bank_b.id));
    EXPECT_EQ(of_b, std::vector<std::string>{group.id});
    FC_ASSIGN_OR_RETURN(auto of_a, GroupIdsOfOrg(c, s_.bank_a.id));
    EXPECT_TRUE(of_a.empty());
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
}

TEST_P(GroupsTest, BadInputIsRefusedWithTheField) {
  MakeGroup();
  Status st = s_.db().Transact([&](store::Connection& c) -> Status {
    const Principal curator = s_.P(s_.coord);
    auto empty = CreateGroup(c, s_.clock, curator, {"", std::string(201, 'x'), "", {}});
    EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(empty.error().details().size(), 2u);
    auto unknown = CreateGroup(c, s_.clock, curator, {"y", "y", "", {"nope"}});
    EXPECT_EQ(unknown.error().code(), ErrorCode::kInvalidArgument);
    auto long_text = CreateGroup(c, s_.clock, curator, {"z", "z", std::string(2001, 'd'), {}});
    EXPECT_EQ(long_text.error().code(), ErrorCode::kInvalidArgument);
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
  Status duplicate = s_.db().Transact([&](store::Connection& c) -> Status {
    FC_RETURN_IF_ERROR(CreateGroup(c, s_.clock, s_.P(s_.coord), {"other", "ISAC members", "", {}}));
    return OkStatus();
  });
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code(), ErrorCode::kAlreadyExists);
}

// The SQL filter and the in-memory rule agree on every combination of author,
// membership, RED restriction and named recipient.
TEST_P(GroupsTest, SharedObjectFilterAgreesWithTheInMemoryRule) {
  const TrustGroup group = MakeGroup();  // bank A and the ISAC
  struct Case {
    std::string author;
    bool red;
    std::vector<std::string> recipients;
  };
  const std::vector<Case> cases = {
      {s_.isac.id, false, {}},           {s_.isac.id, true, {}},
      {s_.isac.id, true, {s_.bank_a.id}}, {s_.isac.id, true, {s_.bank_b.id}},
      {s_.bank_b.id, false, {}},         {s_.bank_b.id, true, {}},
  };
  Status st = s_.db().Transact([&](store::Connection& c) -> Status {
    // A scratch table standing in for the sharing module's objects.
    FC_RETURN_IF_ERROR(c.Execute("CREATE TEMPORARY TABLE shared_probe (n BIGINT, author TEXT, "
                                 "grp TEXT, red BIGINT, recipients TEXT)"));
    for (std::size_t i = 0; i < cases.size(); ++i) {
      std::string recipients = ",";
      for (const auto& r : cases[i].recipients) recipients += r + ",";
      FC_RETURN_IF_ERROR(c.Execute("INSERT INTO shared_probe VALUES (?, ?, ?, ?, ?)",
                                   {static_cast<std::int64_t>(i), cases[i].author, group.id,
                                    static_cast<std::int64_t>(cases[i].red), recipients}));
    }
    for (const User* user : {&s_.coord, &s_.auditor, &s_.isac_analyst, &s_.a_member,
                             &s_.b_admin, &s_.bureau_staff}) {
      const Principal p = s_.P(*user);
      OrgFilter filter = SharedObjectFilter(
          p, {"author", "grp", "red", "recipients LIKE '%,' || ? || ',%'"});
      FC_ASSIGN_OR_RETURN(auto rows,
                          c.Query("SELECT n FROM shared_probe WHERE " + filter.sql + " ORDER BY n",
                                  filter.params));
      std::set<std::int64_t> by_sql;
      for (const auto& row : rows) by_sql.insert(row.GetInt(0));
      FC_ASSIGN_OR_RETURN(auto groups, GroupIdsOfOrg(c, p.org_id));
      std::set<std::int64_t> by_rule;
      for (std::size_t i = 0; i < cases.size(); ++i) {
        if (MaySeeSharedObject(p, groups,
                               {cases[i].author, group.id, cases[i].red, cases[i].recipients})) {
          by_rule.insert(static_cast<std::int64_t>(i));
        }
      }
      EXPECT_EQ(by_sql, by_rule) << user->username;
    }
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupsTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::identity
