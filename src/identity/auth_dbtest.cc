#include "identity/auth.h"

#include <gtest/gtest.h>

#include "identity/test_sector.h"

namespace fincyber::identity {
namespace {

class AuthTest : public ::testing::TestWithParam<std::string> {
 protected:
  AuthTest() : s_(GetParam()) {}

  LoginAttempt LoginAs(std::string_view username, std::string_view password) {
    auto attempt = s_.db().TransactValue<LoginAttempt>([&](store::Connection& c) {
      return Login(c, s_.clock, policy_, username, password);
    });
    EXPECT_TRUE(attempt.ok()) << attempt.error().internal_message();
    return attempt.ok() ? *attempt : LoginAttempt{};
  }

  Result<Principal> FromSession(const std::string& id) {
    return s_.db().ReadValue<Principal>([&](store::Connection& c) -> Result<Principal> {
      FC_ASSIGN_OR_RETURN(auto lookup, PrincipalFromSession(c, s_.clock, policy_, id));
      return lookup.principal;
    });
  }

  TestSector s_;
  AuthPolicy policy_;
};

TEST_P(AuthTest, LoginOpensASessionThatIdentifiesTheUser) {
  LoginAttempt ok = LoginAs("a.admin", kTestPassword);
  ASSERT_TRUE(ok.principal.has_value());
  EXPECT_EQ(ok.principal->org_id, s_.bank_a.id);
  EXPECT_EQ(ok.principal->role, Role::kInstitutionAdmin);
  EXPECT_GE(ok.principal->session_id.size(), 40u);
  auto p = FromSession(ok.principal->session_id);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->user_id, s_.a_admin.id);
  EXPECT_EQ(p->csrf_token, ok.principal->csrf_token);

  auto stored = s_.db().ReadValue<std::string>([&](store::Connection& c) -> Result<std::string> {
    FC_ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT id_hash FROM sessions", {}, "session"));
    return row.GetString(0);
  });
  ASSERT_TRUE(stored.ok());
  EXPECT_NE(*stored, ok.principal->session_id) << "session ids are stored hashed";
}

TEST_P(AuthTest, WrongPasswordAndUnknownUserLookTheSame) {
  EXPECT_EQ(LoginAs("a.admin", "wrong password!").failure, LoginFailure::kBadCredentials);
  EXPECT_EQ(LoginAs("nobody", "wrong password!").failure, LoginFailure::kBadCredentials);
  EXPECT_EQ(LoginError(LoginFailure::kBadCredentials).safe_message(),
            "invalid username or password");
}

TEST_P(AuthTest, RepeatedFailuresLockTheAccountForAWhile) {
  for (int i = 0; i < policy_.max_failed_logins - 1; ++i) {
    EXPECT_EQ(LoginAs("a.member", "wrong password!").failure, LoginFailure::kBadCredentials);
  }
  EXPECT_EQ(LoginAs("a.member", "wrong password!").failure, LoginFailure::kLockedOut);
  EXPECT_EQ(LoginAs("a.member", kTestPassword).failure, LoginFailure::kLockedOut)
      << "even the right password is refused while locked";
  s_.clock.Advance(policy_.lockout + std::chrono::minutes(1));
  EXPECT_TRUE(LoginAs("a.member", kTestPassword).principal.has_value());
}

TEST_P(AuthTest, SessionsExpireAndEndOnLogoutOrDisable) {
  const std::string session = LoginAs("a.member", kTestPassword).principal->session_id;
  s_.clock.Advance(policy_.session_idle + std::chrono::minutes(1));
  EXPECT_EQ(FromSession(session).error().code(), ErrorCode::kUnauthenticated);

  const std::string second = LoginAs("a.member", kTestPassword).principal->session_id;
  ASSERT_TRUE(FromSession(second).ok());
  ASSERT_TRUE(s_.db().Transact([&](store::Connection& c) { return Logout(c, second); }).ok());
  EXPECT_FALSE(FromSession(second).ok());

  const std::string third = LoginAs("a.member", kTestPassword).principal->session_id;
  ASSERT_TRUE(s_.db()
                  .Transact([&](store::Connection& c) -> Status {
                    FC_RETURN_IF_ERROR(DisableUser(c, s_.clock, s_.P(s_.a_admin), s_.a_member.id));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_FALSE(FromSession(third).ok());
  EXPECT_EQ(LoginAs("a.member", kTestPassword).failure, LoginFailure::kBadCredentials);
  EXPECT_FALSE(FromSession("").ok());
  EXPECT_FALSE(FromSession(std::string(10000, 'x')).ok());
}

TEST_P(AuthTest, ApiTokensAreHashedScopedAndRevocable) {
  auto created = s_.db().TransactValue<std::pair<ApiToken, std::string>>(
      [&](store::Connection& c) {
        return CreateToken(c, s_.clock, s_.P(s_.a_admin), s_.a_member.id, "matcher", {});
      });
  ASSERT_TRUE(created.ok()) << created.error().internal_message();
  const std::string token = created->second;
  auto from_token = [&](const std::string& t) {
    return s_.db().ReadValue<Principal>(
        [&](store::Connection& c) { return PrincipalFromToken(c, s_.clock, t); });
  };
  auto p = from_token(token);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->user_id, s_.a_member.id);
  EXPECT_EQ(p->token_id, created->first.id);
  EXPECT_FALSE(from_token(token + "x").ok());
  EXPECT_FALSE(from_token("garbage").ok());

  Status cross = s_.db().Transact([&](store::Connection& c) -> Status {
    FC_RETURN_IF_ERROR(CreateToken(c, s_.clock, s_.P(s_.b_admin), s_.a_member.id, "x", {}));
    return OkStatus();
  });
  EXPECT_EQ(cross.error().code(), ErrorCode::kNotFound);
  Status cross_revoke = s_.db().Transact([&](store::Connection& c) {
    return RevokeToken(c, s_.clock, s_.P(s_.b_admin), created->first.id);
  });
  EXPECT_EQ(cross_revoke.error().code(), ErrorCode::kNotFound);

  ASSERT_TRUE(s_.db()
                  .Transact([&](store::Connection& c) {
                    return RevokeToken(c, s_.clock, s_.P(s_.a_admin), created->first.id);
                  })
                  .ok());
  EXPECT_EQ(from_token(token).error().code(), ErrorCode::kUnauthenticated);
}

TEST_P(AuthTest, ExpiredTokensAreRefused) {
  auto created = s_.db().TransactValue<std::pair<ApiToken, std::string>>(
      [&](store::Connection& c) {
        return CreateToken(c, s_.clock, s_.P(s_.a_member), s_.a_member.id, "short-lived",
                           s_.clock.Now() + std::chrono::hours(1));
      });
  ASSERT_TRUE(created.ok());
  s_.clock.Advance(std::chrono::hours(2));
  auto p = s_.db().ReadValue<Principal>(
      [&](store::Connection& c) { return PrincipalFromToken(c, s_.clock, created->second); });
  EXPECT_EQ(p.error().code(), ErrorCode::kUnauthenticated);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthTest, ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::identity
