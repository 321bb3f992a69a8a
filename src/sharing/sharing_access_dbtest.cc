// Collection rights and TLP: who may create, list, read and write collections, and
// which objects each organisation sees at every TLP level, RED recipients included.
#include <gtest/gtest.h>

#include "sharing/test_hub.h"

namespace fincyber::sharing {
namespace {

class SharingAccessTest : public ::testing::TestWithParam<std::string> {
 protected:
  SharingAccessTest() : hub_(GetParam()) {}
  TestHub hub_;
};

TEST_P(SharingAccessTest, OnlyCuratorsCreateCollectionsOnExistingGroups) {
  const NewCollection input{"Early warnings", "", "early", hub_.members.id, hub_.members.id,
                            stix::Tlp::kAmber};
  for (const auto* user : {&hub_.s.a_admin, &hub_.s.auditor}) {
    auto refused = hub_.service.CreateCollection(hub_.P(*user), input, hub_.info);
    EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  }
  NewCollection bad_group = input;
  bad_group.read_group_id = "no-such-group";
  EXPECT_EQ(
      hub_.service.CreateCollection(hub_.P(hub_.s.coord), bad_group, hub_.info).error().code(),
      ErrorCode::kInvalidArgument);
  NewCollection bad_alias = input;
  bad_alias.alias = "Has Spaces";
  EXPECT_EQ(
      hub_.service.CreateCollection(hub_.P(hub_.s.coord), bad_alias, hub_.info).error().code(),
      ErrorCode::kInvalidArgument);
  auto created = hub_.service.CreateCollection(hub_.P(hub_.s.coord), input, hub_.info);
  ASSERT_TRUE(created.ok()) << created.error().internal_message();
  EXPECT_EQ(created->default_tlp, stix::Tlp::kAmber);
  // The creator's organisation is not in the group: it has no rights on it.
  EXPECT_FALSE(created->can_read);
  EXPECT_EQ(hub_.service.CreateCollection(hub_.P(hub_.s.coord), input, hub_.info).error().code(),
            ErrorCode::kAlreadyExists);
}

TEST_P(SharingAccessTest, RightsFollowTheGroupsAndTheRole) {
  auto listed = [&](const identity::User& user) {
    auto collections = hub_.service.ListCollections(hub_.P(user));
    EXPECT_TRUE(collections.ok());
    return collections.ok() ? collections->size() : 0u;
  };
  EXPECT_EQ(listed(hub_.s.a_member), 1u);
  EXPECT_EQ(listed(hub_.s.isac_analyst), 1u);
  for (const auto* outsider : {&hub_.d_member, &hub_.s.coord, &hub_.s.auditor}) {
    EXPECT_EQ(listed(*outsider), 0u);
    EXPECT_EQ(hub_.service.GetCollection(hub_.P(*outsider), hub_.indicators.id).error().code(),
              ErrorCode::kNotFound);
    EXPECT_EQ(hub_.Add(*outsider, {}).error().code(), ErrorCode::kNotFound);
  }
  auto mine = hub_.service.GetCollection(hub_.P(hub_.s.b_admin), hub_.indicators.id);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->can_read);
  EXPECT_TRUE(mine->can_write);
}

TEST_P(SharingAccessTest, EveryTlpLevelAndTheDefault) {
  std::map<std::string, std::string> ids;
  std::vector<Json> objects;
  auto add = [&](const std::string& name, std::vector<std::string> markings,
                 std::vector<std::string> recipients = {}) {
    ids[name] = TestHub::NewIndicatorId();
    objects.push_back(TestHub::Indicator(ids[name], name + ".example", "2024-05-01T00:00:00Z",
                                         std::move(markings), std::move(recipients)));
  };
  add("clear", {TestHub::Marking(stix::Tlp::kClear)});
  add("green", {TestHub::Marking(stix::Tlp::kGreen)});
  add("amber", {TestHub::Marking(stix::Tlp::kAmber)});
  add("amber-strict", {TestHub::Marking(stix::Tlp::kAmberStrict)});
  add("red-c", {TestHub::Marking(stix::Tlp::kRed)}, {hub_.bank_c.id});
  add("red-alone", {TestHub::Marking(stix::Tlp::kRed)});
  add("unmarked", {});
  // A statement marking is not TLP: the default applies.
  add("statement", {"marking-definition--" + NewUuid()});
  // The most restrictive of several markings wins.
  add("green-and-red", {TestHub::Marking(stix::Tlp::kGreen), TestHub::Marking(stix::Tlp::kRed)});
  // The ids TLP arrives under in the wild: TLP 1.0 (STIX 2.1's own), and another tool's
  // AMBER+STRICT.
  add("tlp1-white", {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"});
  add("tlp1-amber", {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"});
  add("tlp1-red", {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"});
  add("other-tool-amber-strict", {"marking-definition--826578e1-40ad-459f-bc73-ede076f81f37"});
  hub_.AddOk(hub_.s.a_member, objects);

  auto names_seen = [&](const identity::User& user) {
    std::set<std::string> names;
    for (const auto& id : hub_.VisibleIds(user)) {
      for (const auto& [name, known] : ids) {
        if (known == id) names.insert(name);
      }
    }
    return names;
  };
  const std::set<std::string> community = {"clear",        "green",      "amber",
                                           "amber-strict", "unmarked",   "statement",
                                           "tlp1-white",   "tlp1-amber", "other-tool-amber-strict"};
  std::set<std::string> author = community;
  author.insert({"red-c", "red-alone", "green-and-red", "tlp1-red"});
  std::set<std::string> recipient = community;
  recipient.insert("red-c");
  EXPECT_EQ(names_seen(hub_.s.a_admin), author);
  EXPECT_EQ(names_seen(hub_.s.b_admin), community);
  EXPECT_EQ(names_seen(hub_.s.isac_analyst), community);
  EXPECT_EQ(names_seen(hub_.c_member), recipient);

  ObjectQuery q;
  q.limit = kMaxPageSize;
  auto page = hub_.service.ListObjects(hub_.P(hub_.s.a_admin), hub_.indicators.id, q);
  ASSERT_TRUE(page.ok());
  std::map<std::string, stix::Tlp> levels;
  for (const auto& o : page->objects) {
    for (const auto& [name, id] : ids) {
      if (id == o.id) levels[name] = o.tlp;
    }
  }
  EXPECT_EQ(levels["unmarked"], stix::Tlp::kGreen);
  EXPECT_EQ(levels["statement"], stix::Tlp::kGreen);
  EXPECT_EQ(levels["amber-strict"], stix::Tlp::kAmberStrict);
  EXPECT_EQ(levels["green-and-red"], stix::Tlp::kRed);
  EXPECT_EQ(levels["tlp1-white"], stix::Tlp::kClear);
  EXPECT_EQ(levels["tlp1-amber"], stix::Tlp::kAmber);
  EXPECT_EQ(levels["tlp1-red"], stix::Tlp::kRed);
  EXPECT_EQ(levels["other-tool-amber-strict"], stix::Tlp::kAmberStrict);
}

TEST_P(SharingAccessTest, AnAuthorOutsideTheReadGroupStillSeesItsOwn) {
  auto inbox = hub_.RegulatorInbox();
  ASSERT_TRUE(inbox.ok()) << inbox.error().internal_message();
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "report.example")}, inbox->id);
  // Bank A may write but not read the collection; the regulator reads; B sees nothing.
  EXPECT_EQ(hub_.service.ListObjects(hub_.P(hub_.s.a_member), inbox->id, {}).error().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(hub_.VisibleIds(hub_.s.coord, inbox->id), std::vector<std::string>{id});
  EXPECT_EQ(hub_.VisibleIds(hub_.s.auditor, inbox->id), std::vector<std::string>{id});
  EXPECT_EQ(hub_.service.ListObjects(hub_.P(hub_.s.b_admin), inbox->id, {}).error().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(hub_.service.ListObjects(hub_.P(hub_.d_member), inbox->id, {}).error().code(),
            ErrorCode::kNotFound);
  // The auditor reads but never writes.
  EXPECT_EQ(hub_.Add(hub_.s.auditor, {}, inbox->id).error().code(), ErrorCode::kPermissionDenied);
}

INSTANTIATE_TEST_SUITE_P(Backends, SharingAccessTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::sharing
