// Account administration as the platform offers it to people and machines: log-in
// and sessions, the organisation directory, trust groups, users and API tokens. Each change is
// made, audited (audit/) and announced (events/) in one transaction, so a crash can
// never leave a change without its audit entry or its event.
//
// No HTTP types here: routes.cc adapts HTTP to these calls, and the CLI calls them
// directly as identity::OperatorPrincipal(). Thread-safe.
#pragma once

#include <optional>
#include <string>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "events/events.h"
#include "identity/auth.h"
#include "identity/directory.h"
#include "identity/groups.h"
#include "identity/login_throttle.h"
#include "store/database.h"

namespace fincyber::accounts {

// Where a request came from, recorded in the audit log.
struct RequestInfo {
  std::string remote_address;
  std::string request_id;
};

class AccountsService {
 public:
  AccountsService(store::Database& db, const Clock& clock, identity::AuthPolicy policy,
                  identity::LoginThrottle& throttle);

  // Unauthenticated for bad credentials, ResourceExhausted when the account is locked
  // or the client address is over its attempt limit. Every attempt is audited.
  Result<identity::Principal> Login(std::string_view username, std::string_view password,
                                    const RequestInfo& info);
  Status Logout(const identity::Principal& principal, const RequestInfo& info);
  // Resolves a session; keeps its idle clock coarse (see identity::SessionLookup).
  Result<identity::Principal> Authenticate(std::string_view session_id);
  Result<identity::Principal> AuthenticateToken(std::string_view token);

  // {"user": User, "org": Org, "csrf_token": "..."} for the principal.
  Result<Json> Me(const identity::Principal& principal);
  Result<identity::User> SetLocale(const identity::Principal& principal, std::string_view locale,
                                   const RequestInfo& info);

  Result<identity::Page<identity::Org>> ListOrgs(const identity::Principal& principal,
                                                 const identity::OrgQuery& query);
  Result<identity::Org> GetOrg(const identity::Principal& principal, std::string_view id);
  Result<identity::Page<identity::Org>> ListSupervised(const identity::Principal& principal,
                                                       std::string_view bureau_id);
  Result<identity::Org> CreateOrg(const identity::Principal& principal,
                                  const identity::NewOrg& org, const RequestInfo& info);
  // Audited as org.updated with the tier before and after.
  Result<identity::Org> SetOrgSizeTier(const identity::Principal& principal,
                                       std::string_view org_id,
                                       const std::optional<std::string>& size_tier,
                                       const RequestInfo& info);
  Status AddSupervision(const identity::Principal& principal, std::string_view bureau_id,
                        std::string_view institution_id, const RequestInfo& info);

  Result<std::vector<identity::TrustGroup>> ListGroups(const identity::Principal& principal);
  Result<identity::TrustGroup> GetGroup(const identity::Principal& principal, std::string_view id);
  Result<identity::TrustGroup> CreateGroup(const identity::Principal& principal,
                                           const identity::NewTrustGroup& group,
                                           const RequestInfo& info);
  Status AddGroupMember(const identity::Principal& principal, std::string_view group_id,
                        std::string_view org_id, const RequestInfo& info);
  Status RemoveGroupMember(const identity::Principal& principal, std::string_view group_id,
                           std::string_view org_id, const RequestInfo& info);

  Result<identity::Page<identity::User>> ListUsers(const identity::Principal& principal,
                                                   std::string_view org_id);
  Result<identity::User> CreateUser(const identity::Principal& principal,
                                    const identity::NewUser& user, const RequestInfo& info);
  Result<identity::User> DisableUser(const identity::Principal& principal,
                                     std::string_view user_id, const RequestInfo& info);

  Result<std::pair<identity::ApiToken, std::string>> CreateToken(
      const identity::Principal& principal, std::string_view user_id, std::string_view name,
      std::optional<TimePoint> expires_at, const RequestInfo& info);
  Status RevokeToken(const identity::Principal& principal, std::string_view token_id,
                     const RequestInfo& info);

  // Returns the webhook and its signing secret (shown once).
  Result<std::pair<events::Webhook, std::string>> RegisterWebhook(
      const identity::Principal& principal, const events::NewWebhook& hook,
      const RequestInfo& info);
  Status DeleteWebhook(const identity::Principal& principal, std::string_view webhook_id,
                       const RequestInfo& info);

  // Lets tests and demo seeding create users with a cheap password hash.
  void UseFastPasswordHashing() { fast_password_hashing_ = true; }

 private:
  store::Database& db_;
  const Clock& clock_;
  const identity::AuthPolicy policy_;
  identity::LoginThrottle& throttle_;
  bool fast_password_hashing_ = false;
};

}  // namespace fincyber::accounts
