#include "accounts/service.h"

#include "audit/audit.h"
#include "events/events.h"

namespace fincyber::accounts {
namespace {

using identity::Principal;

// Records a change made by `principal` in the audit log and, when `event_type` is
// given, announces it; both inside the caller's transaction.
Status Record(store::Connection& conn, const Clock& clock, const Principal& principal,
              std::string_view action, std::string_view target_type, std::string_view target_id,
              std::string_view target_org_id, Json details, const RequestInfo& info,
              bool announce) {
  audit::Entry entry;
  entry.actor_user_id = principal.user_id;
  entry.actor_org_id = std::string(target_org_id.empty() ? principal.org_id : target_org_id);
  entry.action = std::string(action);
  entry.target_type = std::string(target_type);
  entry.target_id = std::string(target_id);
  entry.details = std::move(details);
  entry.remote_address = info.remote_address;
  entry.request_id = info.request_id;
  if (entry.details.is_null()) entry.details = Json::object();
  entry.details["actor"] = principal.username;
  FC_RETURN_IF_ERROR(audit::Append(conn, clock, entry));
  if (announce) {
    FC_RETURN_IF_ERROR(events::Publish(conn, clock, action, entry.actor_org_id,
                                       {{"target_type", target_type},
                                        {"target_id", target_id},
                                        {"actor_user_id", principal.user_id}}));
  }
  return OkStatus();
}

}  // namespace

AccountsService::AccountsService(store::Database& db, const Clock& clock,
                                 identity::AuthPolicy policy, identity::LoginThrottle& throttle)
    : db_(db), clock_(clock), policy_(policy), throttle_(throttle) {}

Result<Principal> AccountsService::Login(std::string_view username, std::string_view password,
                                         const RequestInfo& info) {
  if (!throttle_.Allow(info.remote_address)) {
    return ResourceExhausted("too many log-in attempts from this address; try again later");
  }
  if (username.size() > 64 || password.size() > 1024) {
    return identity::LoginError(identity::LoginFailure::kBadCredentials);
  }
  FC_ASSIGN_OR_RETURN(
      auto attempt,
      db_.TransactValue<identity::LoginAttempt>(
          [&](store::Connection& conn) -> Result<identity::LoginAttempt> {
            FC_ASSIGN_OR_RETURN(auto a, identity::Login(conn, clock_, policy_, username,
                                                        password));
            Principal actor;
            actor.user_id = a.user_id;
            actor.username = std::string(username);
            actor.org_id = a.org_id;
            const char* action = a.principal ? "auth.login"
                                 : a.failure == identity::LoginFailure::kLockedOut
                                     ? "auth.login_locked"
                                     : "auth.login_failed";
            FC_RETURN_IF_ERROR(Record(conn, clock_, actor, action, "user", a.user_id, a.org_id,
                                      Json::object(), info, /*announce=*/false));
            return a;
          }));
  if (attempt.failure) return identity::LoginError(*attempt.failure);
  return std::move(*attempt.principal);
}

Status AccountsService::Logout(const Principal& principal, const RequestInfo& info) {
  return db_.Transact([&](store::Connection& conn) -> Status {
    if (!principal.session_id.empty()) {
      FC_RETURN_IF_ERROR(identity::Logout(conn, principal.session_id));
    }
    return Record(conn, clock_, principal, "auth.logout", "user", principal.user_id, "",
                  Json::object(), info, false);
  });
}

Result<Principal> AccountsService::Authenticate(std::string_view session_id) {
  FC_ASSIGN_OR_RETURN(auto lookup,
                      db_.ReadValue<identity::SessionLookup>([&](store::Connection& conn) {
                        return identity::PrincipalFromSession(conn, clock_, policy_, session_id);
                      }));
  if (lookup.stale) {
    FC_RETURN_IF_ERROR(db_.Transact([&](store::Connection& conn) {
      return identity::TouchSession(conn, clock_, session_id);
    }));
  }
  return std::move(lookup.principal);
}

Result<Principal> AccountsService::AuthenticateToken(std::string_view token) {
  return db_.ReadValue<Principal>([&](store::Connection& conn) {
    return identity::PrincipalFromToken(conn, clock_, token);
  });
}

Result<Json> AccountsService::Me(const Principal& principal) {
  return db_.ReadValue<Json>([&](store::Connection& conn) -> Result<Json> {
    FC_ASSIGN_OR_RETURN(auto user, identity::GetUser(conn, principal, principal.user_id));
    FC_ASSIGN_OR_RETURN(auto org, identity::GetOrg(conn, principal, principal.org_id));
    return Json{{"user", identity::ToJson(user)},
                {"org", identity::ToJson(org)},
                {"csrf_token", principal.csrf_token}};
  });
}

Result<identity::User> AccountsService::SetLocale(const Principal& principal,
                                                  std::string_view locale,
                                                  const RequestInfo& info) {
  return db_.TransactValue<identity::User>(
      [&](store::Connection& conn) -> Result<identity::User> {
        FC_ASSIGN_OR_RETURN(auto user, identity::SetLocale(conn, principal, locale));
        FC_RETURN_IF_ERROR(Record(conn, clock_, principal, "user.set_locale", "user", user.id,
                                  "", {{"locale", locale}}, info, false));
        return user;
      });
}

Result<identity::Page<identity::Org>> AccountsService::ListOrgs(
    const Principal& principal, const identity::OrgQuery& query) {
  return db_.ReadValue<identity::Page<identity::Org>>(
      [&](store::Connection& conn) { return identity::ListOrgs(conn, principal, query); });
}

Result<identity::Org> AccountsService::GetOrg(const Principal& principal, std::string_view id) {
  return db_.ReadValue<identity::Org>(
      [&](store::Connection& conn) { return identity::GetOrg(conn, principal, id); });
}

Result<identity::Page<identity::Org>> AccountsService::ListSupervised(
    const Principal& principal, std::string_view bureau_id) {
  return db_.ReadValue<identity::Page<identity::Org>>([&](store::Connection& conn) {
    return identity::ListSupervised(conn, principal, bureau_id);
  });
}

Result<identity::Org> AccountsService::CreateOrg(const Principal& principal,
                                                 const identity::NewOrg& input,
                                                 const RequestInfo& info) {
  return db_.TransactValue<identity::Org>([&](store::Connection& conn) -> Result<identity::Org> {
    FC_ASSIGN_OR_RETURN(auto org, identity::CreateOrg(conn, clock_, principal, input));
    FC_RETURN_IF_ERROR(Record(conn, clock_, principal, "org.created", "org", org.id, org.id,
                              identity::ToJson(org), info, true));
    return org;
  });
}

Result<identity::Org> AccountsService::SetOrgSizeTier(const Principal& principal,
                                                      std::string_view org_id,
                                                      const std::optional<std::string>& size_tier,
                                                      const RequestInfo& info) {
  return db_.TransactValue<identity::Org>([&](store::Connection& conn) -> Result<identity::Org> {
    FC_ASSIGN_OR_RETURN(auto before, identity::GetOrg(conn, principal, org_id));
    FC_ASSIGN_OR_RETURN(auto org, identity::SetOrgSizeTier(conn, principal, org_id, size_tier));
    const auto tier_json = [](const std::optional<std::string>& tier) {
      return tier ? Json(*tier) : Json(nullptr);
    };
    FC_RETURN_IF_ERROR(Record(conn, clock_, principal, "org.updated", "org", org.id, org.id,
                              {{"size_tier", {{"before", tier_json(before.size_tier)},
                                              {"after", tier_json(org.size_tier)}}}},
                              info, true));
    return org;
  });
}

Status AccountsService::AddSupervision(const Principal& principal, std::string_view bureau_id,
                                       std::string_view institution_id,
                                       const RequestInfo& info) {
  return db_.Transact([&](store::Connection& conn) -> Status {
    FC_RETURN_IF_ERROR(identity::AddSupervision(conn, principal, bureau_id, institution_id));
    return Record(conn, clock_, principal, "org.supervision_added", "org",
                  std::string(institution_id), std::string(institution_id),
                  {{"bureau_id", bureau_id}}, info, true);
  });
}

Result<std::vector<identity::TrustGroup>> AccountsService::ListGroups(const Principal& principal) {
  return db_.ReadValue<std::vector<identity::TrustGroup>>(
      [&](store::Connection& conn) { return identity::ListGroups(conn, principal); });
}

Result<identity::TrustGroup> AccountsService::GetGroup(const Principal& principal,
                                                       std::string_view id) {
  return db_.ReadValue<identity::TrustGroup>(
      [&](store::Connection& conn) { return identity::GetGroup(conn, principal, id); });
}

Result<identity::TrustGroup> AccountsService::CreateGroup(const Principal& principal,
                                                          const identity::NewTrustGroup& input,
                                                          const RequestInfo& info) {
  return db_.TransactValue<identity::TrustGroup>(
      [&](store::Connection& conn) -> Result<identity::TrustGroup> {
        FC_ASSIGN_OR_RETURN(auto group, identity::CreateGroup(conn, clock_, principal, input));
        FC_RETURN_IF_ERROR(Record(conn, clock_, principal, "group.created", "group", group.id,
                                  principal.org_id, identity::ToJson(group), info, true));
        return group;
      });
}

Status AccountsService::AddGroupMember(const Principal& principal, std::string_view group_id,
                                       std::string_view org_id, const RequestInfo& info) {
  return db_.Transact([&](store::Connection& conn) -> Status {
    FC_RETURN_IF_ERROR(identity::AddGroupMember(conn, principal, group_id, org_id));
    return Record(conn, clock_, principal, "group.member_added", "group", std::string(group_id),
                  principal.org_id, {{"org_id", org_id}}, info, true);
  });
}

Status AccountsService::RemoveGroupMember(const Principal& principal, std::string_view group_id,
                                          std::string_view org_id, const RequestInfo& info) {
  return db_.Transact([&](store::Connection& conn) -> Status {
    FC_RETURN_IF_ERROR(identity::RemoveGroupMember(conn, principal, group_id, org_id));
    return Record(conn, clock_, principal, "group.member_removed", "group",
                  std::string(group_id), principal.org_id, {{"org_id", org_id}}, info, true);
  });
}

Result<identity::Page<identity::User>> AccountsService::ListUsers(const Principal& principal,
                                                                  std::string_view org_id) {
  return db_.ReadValue<identity::Page<identity::User>>(
      [&](store::Connection& conn) { return identity::ListUsers(conn, principal, org_id); });
}

Result<identity::User> AccountsService::CreateUser(const Principal& principal,
                                                   const identity::NewUser& input,
                                                   const RequestInfo& info) {
  return db_.TransactValue<identity::User>(
      [&](store::Connection& conn) -> Result<identity::User> {
        FC_ASSIGN_OR_RETURN(auto user, identity::CreateUser(conn, clock_, principal, input,
                                                            fast_password_hashing_));
        FC_RETURN_IF_ERROR(Record(conn, clock_, principal, "user.created", "user", user.id,
                                  user.org_id, identity::ToJson(user), info, true));
        return user;
      });
}

Result<identity::User> AccountsService::DisableUser(const Principal& principal,
                                                    std::string_view user_id,
                                                    const RequestInfo& info) {
  return db_.TransactValue<identity::User>(
      [&](store::Connection& conn) -> Result<identity::User> {
        FC_ASSIGN_OR_RETURN(auto user, identity::DisableUser(conn, clock_, principal, user_id));
        FC_RETURN_IF_ERROR(Record(conn, clock_, principal, "user.disabled", "user", user.id,
                                  user.org_id, {{"username", user.username}}, info, true));
        return user;
      });
}

Result<std::pair<identity::ApiToken, std::string>> AccountsService::CreateToken(
    const Principal& principal, std::string_view user_id, std::string_view name,
    std::optional<TimePoint> expires_at, const RequestInfo& info) {
  using Created = std::pair<identity::ApiToken, std::string>;
  return db_.TransactValue<Created>([&](store::Connection& conn) -> Result<Created> {
    FC_ASSIGN_OR_RETURN(auto created, identity::CreateToken(conn, clock_, principal, user_id,
                                                            name, expires_at));
    FC_ASSIGN_OR_RETURN(auto owner, identity::GetUser(conn, principal, created.first.user_id));
    FC_RETURN_IF_ERROR(Record(conn, clock_, principal, "token.created", "token",
                              created.first.id, owner.org_id,
                              identity::ToJson(created.first), info, true));
    return created;
  });
}

Status AccountsService::RevokeToken(const Principal& principal, std::string_view token_id,
                                    const RequestInfo& info) {
  return db_.Transact([&](store::Connection& conn) -> Status {
    FC_RETURN_IF_ERROR(identity::RevokeToken(conn, clock_, principal, token_id));
    return Record(conn, clock_, principal, "token.revoked", "token", std::string(token_id), "",
                  Json::object(), info, true);
  });
}

Result<std::pair<events::Webhook, std::string>> AccountsService::RegisterWebhook(
    const Principal& principal, const events::NewWebhook& hook, const RequestInfo& info) {
  using Created = std::pair<events::Webhook, std::string>;
  return db_.TransactValue<Created>([&](store::Connection& conn) -> Result<Created> {
    FC_ASSIGN_OR_RETURN(auto created, events::RegisterWebhook(conn, clock_, principal, hook));
    // The URL is left out: receivers often put their own token in it.
    FC_RETURN_IF_ERROR(Record(conn, clock_, principal, "webhook.created", "webhook",
                              created.first.id, created.first.org_id,
                              {{"event_types", created.first.event_types}}, info, false));
    return created;
  });
}

Status AccountsService::DeleteWebhook(const Principal& principal, std::string_view webhook_id,
                                      const RequestInfo& info) {
  return db_.Transact([&](store::Connection& conn) -> Status {
    FC_RETURN_IF_ERROR(events::DeleteWebhook(conn, principal, webhook_id));
    return Record(conn, clock_, principal, "webhook.deleted", "webhook", std::string(webhook_id),
                  "", Json::object(), info, false);
  });
}

}  // namespace fincyber::accounts
