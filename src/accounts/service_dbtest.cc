#include "accounts/service.h"

#include <gtest/gtest.h>

#include "audit/audit.h"
#include "events/events.h"
#include "identity/test_sector.h"

namespace fincyber::accounts {
namespace {

using identity::Principal;

class AccountsServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  AccountsServiceTest()
      : s_(GetParam()),
        throttle_(s_.clock, 1000, std::chrono::seconds(60)),
        service_(s_.db(), s_.clock, identity::AuthPolicy{}, throttle_) {
    service_.UseFastPasswordHashing();
    std::vector<store::Migration> more = audit::Migrations();
    auto ev = events::Migrations();
    more.insert(more.end(), ev.begin(), ev.end());
    auto migrated = store::Migrate(s_.db(), more);
    EXPECT_TRUE(migrated.ok()) << migrated.error().internal_message();
  }

  std::vector<std::string> AuditActions() {
    std::vector<std::string> actions;
    auto entries = audit::List(s_.db(), s_.P(s_.coord), {});
    EXPECT_TRUE(entries.ok());
    for (const auto& e : *entries) actions.push_back(e.entry.action);
    return actions;
  }

  identity::TestSector s_;
  identity::LoginThrottle throttle_;
  AccountsService service_;
  RequestInfo info_{"127.0.0.1", "req-1"};
};

TEST_P(AccountsServiceTest, LoginSuccessAndFailureAreAudited) {
  EXPECT_TRUE(service_.Login("a.admin", identity::kTestPassword, info_).ok());
  auto bad = service_.Login("a.admin", "wrong password!", info_);
  EXPECT_EQ(bad.error().code(), ErrorCode::kUnauthenticated);
  auto unknown = service_.Login("ghost", "wrong password!", info_);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(AuditActions(),
            (std::vector<std::string>{"auth.login_failed", "auth.login_failed", "auth.login"}));
}

TEST_P(AccountsServiceTest, ThrottleRefusesBeforeCheckingPasswords) {
  identity::LoginThrottle tight(s_.clock, 2, std::chrono::seconds(60));
  AccountsService service(s_.db(), s_.clock, identity::AuthPolicy{}, tight);
  EXPECT_FALSE(service.Login("a.admin", "wrong password!", info_).ok());
  EXPECT_FALSE(service.Login("a.admin", "wrong password!", info_).ok());
  auto third = service.Login("a.admin", identity::kTestPassword, info_);
  EXPECT_EQ(third.error().code(), ErrorCode::kResourceExhausted);
}

TEST_P(AccountsServiceTest, ChangesCommitWithTheirAuditEntryAndEvent) {
  auto user = service_.CreateUser(s_.P(s_.a_admin),
                                  {s_.bank_a.id, "analyst.one", "Analyst", 
                                   identity::Role::kInstitutionMember,
                                   std::string(identity::kTestPassword), "ja"},
                                  info_);
  ASSERT_TRUE(user.ok()) << user.error().internal_message();
  EXPECT_EQ(AuditActions().front(), "user.created");
  auto entries = audit::List(s_.db(), s_.P(s_.a_admin), {});
  ASSERT_TRUE(entries.ok());
  ASSERT_FALSE(entries->empty()) << "the institution admin sees its own organisation's entries";
  EXPECT_EQ(entries->front().entry.target_id, user->id);
  EXPECT_EQ(entries->front().entry.request_id, "req-1");

  auto failed = service_.CreateUser(s_.P(s_.a_admin),
                                    {s_.bank_a.id, "analyst.one", "Again",
                                     identity::Role::kInstitutionMember,
                                     std::string(identity::kTestPassword), "ja"},
                                    info_);
  EXPECT_EQ(failed.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(AuditActions().size(), 1u) << "a failed change leaves no audit entry";
}

TEST_P(AccountsServiceTest, OtherInstitutionsAuditEntriesStayHidden) {
  ASSERT_TRUE(service_.Login("b.admin", identity::kTestPassword, info_).ok());
  auto a_view = audit::List(s_.db(), s_.P(s_.a_admin), {});
  ASSERT_TRUE(a_view.ok());
  EXPECT_TRUE(a_view->empty());
  auto member_view = audit::List(s_.db(), s_.P(s_.a_member), {});
  ASSERT_TRUE(member_view.ok());
  EXPECT_TRUE(member_view->empty());
}

TEST_P(AccountsServiceTest, TokensAuthenticateUntilRevoked) {
  auto created = service_.CreateToken(s_.P(s_.a_member), s_.a_member.id, "matcher", {}, info_);
  ASSERT_TRUE(created.ok()) << created.error().internal_message();
  auto p = service_.AuthenticateToken(created->second);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->org_id, s_.bank_a.id);
  ASSERT_TRUE(service_.RevokeToken(s_.P(s_.a_member), created->first.id, info_).ok());
  EXPECT_FALSE(service_.AuthenticateToken(created->second).ok());
}

TEST_P(AccountsServiceTest, SizeTierChangesAreAuditedAndRefusalsLeaveNone) {
  auto org = service_.SetOrgSizeTier(s_.P(s_.coord), s_.bank_b.id, "small", info_);
  ASSERT_TRUE(org.ok()) << org.error().internal_message();
  auto cleared = service_.SetOrgSizeTier(s_.P(s_.coord), s_.bank_b.id, std::nullopt, info_);
  ASSERT_TRUE(cleared.ok()) << cleared.error().internal_message();
  EXPECT_EQ(service_.SetOrgSizeTier(s_.P(s_.b_admin), s_.bank_b.id, "large", info_).error().code(),
            ErrorCode::kPermissionDenied);

  auto entries = audit::List(s_.db(), s_.P(s_.coord), {});
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  const auto& last = entries->at(0).entry;
  EXPECT_EQ(last.action, "org.updated");
  EXPECT_EQ(last.target_id, s_.bank_b.id);
  EXPECT_EQ(last.details["size_tier"]["before"], "small");
  EXPECT_TRUE(last.details["size_tier"]["after"].is_null());
  EXPECT_EQ(entries->at(1).entry.details["size_tier"]["after"], "small");
  EXPECT_TRUE(entries->at(1).entry.details["size_tier"]["before"].is_null());
  auto own = audit::List(s_.db(), s_.P(s_.b_admin), {});
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->size(), 2u) << "the institution's admin sees changes to its organisation";
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsServiceTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::accounts
