#include "identity/auth.h"

#include <fmt/format.h>

#include "base/crypto.h"
#include "identity/access.h"

namespace fincyber::identity {
namespace {

constexpr std::string_view kTokenPrefix = "fct_";

// Principal columns of users joined with orgs, in the order PrincipalFromRow reads.
constexpr std::string_view kPrincipalColumns =
    "u.id, u.username, u.display_name, u.org_id, o.kind, u.role, u.locale, u.disabled";

Principal PrincipalFromRow(const store::Row& r, std::size_t first) {
  Principal p;
  p.user_id = r.GetString(first);
  p.username = r.GetString(first + 1);
  p.display_name = r.GetString(first + 2);
  p.org_id = r.GetString(first + 3);
  p.org_kind = ParseOrgKind(r.GetString(first + 4)).value_or(OrgKind::kInstitution);
  p.role = ParseRole(r.GetString(first + 5)).value_or(Role::kInstitutionMember);
  p.locale = r.GetString(first + 6);
  return p;
}

// Verifying against a fixed hash for unknown users keeps the response time the same
// as for a wrong password, so timing does not reveal which usernames exist.
const std::string& DummyHash() {
  static const std::string kHash = HashPassword("not-a-real-password").value();
  return kHash;
}

std::optional<TimePoint> ParseOptionalTime(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return ParseRfc3339(*text);
}

}  // namespace

Error LoginError(LoginFailure failure) {
  switch (failure) {
    case LoginFailure::kLockedOut:
      return ResourceExhausted("too many failed log-in attempts; try again later");
    case LoginFailure::kBadCredentials:
      break;
  }
  return Unauthenticated("invalid username or password");
}

Result<LoginAttempt> Login(store::Connection& conn, const Clock& clock, const AuthPolicy& policy,
                           std::string_view username, std::string_view password) {
  LoginAttempt attempt;
  FC_ASSIGN_OR_RETURN(
      auto row, conn.QueryOptional(
                    fmt::format("SELECT {}, u.password_hash, u.failed_logins, u.locked_until "
                                "FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = ?",
                                kPrincipalColumns),
                    {std::string(username)}));
  if (!row) {
    (void)VerifyPassword(DummyHash(), password);
    attempt.failure = LoginFailure::kBadCredentials;
    return attempt;
  }
  Principal principal = PrincipalFromRow(*row, 0);
  attempt.user_id = principal.user_id;
  attempt.org_id = principal.org_id;
  const bool disabled = row->GetInt(7) != 0;
  const std::string hash = row->GetString(8);
  const std::int64_t failed = row->GetInt(9);
  const auto locked_until = ParseOptionalTime(row->GetOptionalString(10));
  const TimePoint now = clock.Now();

  if (locked_until && *locked_until > now) {
    attempt.failure = LoginFailure::kLockedOut;
    return attempt;
  }
  const bool password_ok = VerifyPassword(hash, password);
  if (!password_ok || disabled) {
    if (failed + 1 >= policy.max_failed_logins) {
      FC_RETURN_IF_ERROR(conn.Execute(
          "UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?",
          {FormatRfc3339(now + policy.lockout), principal.user_id}));
      attempt.failure = LoginFailure::kLockedOut;
    } else {
      FC_RETURN_IF_ERROR(conn.Execute(
          "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?", {principal.user_id}));
      attempt.failure = LoginFailure::kBadCredentials;
    }
    return attempt;
  }

  const std::string now_text = FormatRfc3339(now);
  FC_RETURN_IF_ERROR(conn.Execute(
      "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?",
      {now_text, principal.user_id}));
  principal.session_id = RandomToken(32);
  principal.csrf_token = RandomToken(32);
  FC_RETURN_IF_ERROR(conn.Execute(
      "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) "
      "VALUES (?, ?, ?, ?, ?)",
      {Sha256Hex(principal.session_id), principal.user_id, principal.csrf_token, now_text,
       now_text}));
  attempt.principal = std::move(principal);
  return attempt;
}

Result<SessionLookup> PrincipalFromSession(store::Connection& conn, const Clock& clock,
                                           const AuthPolicy& policy,
                                           std::string_view session_id) {
  if (session_id.empty() || session_id.size() > 128) return Unauthenticated();
  FC_ASSIGN_OR_RETURN(
      auto row,
      conn.QueryOptional(fmt::format("SELECT {}, s.csrf_token, s.created_at, s.last_seen_at "
                                     "FROM sessions s JOIN users u ON u.id = s.user_id "
                                     "JOIN orgs o ON o.id = u.org_id WHERE s.id_hash = ?",
                                     kPrincipalColumns),
                         {Sha256Hex(session_id)}));
  if (!row || row->GetInt(7) != 0) return Unauthenticated("session expired; please log in");
  const TimePoint now = clock.Now();
  const auto created = ParseRfc3339(row->GetString(9));
  const auto last_seen = ParseRfc3339(row->GetString(10));
  if (!created || !last_seen || now - *created > policy.session_absolute ||
      now - *last_seen > policy.session_idle) {
    return Unauthenticated("session expired; please log in");
  }
  SessionLookup lookup;
  lookup.principal = PrincipalFromRow(*row, 0);
  lookup.principal.session_id = std::string(session_id);
  lookup.principal.csrf_token = row->GetString(8);
  lookup.stale = now - *last_seen > std::chrono::minutes(1);
  return lookup;
}

Status TouchSession(store::Connection& conn, const Clock& clock, std::string_view session_id) {
  FC_RETURN_IF_ERROR(conn.Execute("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?",
                                  {FormatRfc3339(clock.Now()), Sha256Hex(session_id)}));
  return OkStatus();
}

Status Logout(store::Connection& conn, std::string_view session_id) {
  FC_RETURN_IF_ERROR(
      conn.Execute("DELETE FROM sessions WHERE id_hash = ?", {Sha256Hex(session_id)}));
  return OkStatus();
}

Json ToJson(const ApiToken& token) {
  return {{"id", token.id},
          {"user_id", token.user_id},
          {"name", token.name},
          {"created_at", token.created_at},
          {"expires_at", token.expires_at ? Json(*token.expires_at) : Json(nullptr)},
          {"revoked_at", token.revoked_at ? Json(*token.revoked_at) : Json(nullptr)}};
}

Result<std::pair<ApiToken, std::string>> CreateToken(store::Connection& conn, const Clock& clock,
                                                     const Principal& principal,
                                                     std::string_view user_id,
                                                     std::string_view name,
                                                     std::optional<TimePoint> expires_at) {
  FC_RETURN_IF_ERROR(CheckCanWrite(principal));
  if (user_id != principal.user_id) {
    FC_ASSIGN_OR_RETURN(auto user, GetUser(conn, principal, user_id));
    FC_RETURN_IF_ERROR(CheckCanManageUsers(principal, user.org_id));
  }
  if (name.empty() || name.size() > 100) {
    return InvalidArgument("token name must be 1-100 bytes", {{"name", "1-100 bytes"}});
  }
  const TimePoint now = clock.Now();
  if (expires_at && *expires_at <= now) {
    return InvalidArgument("expiry must be in the future", {{"expires_at", "in the past"}});
  }
  ApiToken token;
  token.id = NewUuid();
  token.user_id = std::string(user_id);
  token.name = std::string(name);
  token.created_at = FormatRfc3339(now);
  if (expires_at) token.expires_at = FormatRfc3339(*expires_at);
  const std::string secret = std::string(kTokenPrefix) + RandomToken(32);
  auto inserted = conn.Execute(
      "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) "
      "SELECT ?, id, ?, ?, ?, ? FROM users WHERE id = ? AND disabled = 0",
      {token.id, token.name, Sha256Hex(secret), token.created_at,
       token.expires_at ? store::Value(*token.expires_at) : store::Value(nullptr),
       token.user_id});
  FC_RETURN_IF_ERROR(inserted);
  if (*inserted == 0) return NotFound("user not found or disabled");
  return std::make_pair(std::move(token), secret);
}

Status RevokeToken(store::Connection& conn, const Clock& clock, const Principal& principal,
                   std::string_view token_id) {
  FC_RETURN_IF_ERROR(CheckCanWrite(principal));
  FC_ASSIGN_OR_RETURN(auto row,
                      conn.QueryOptional("SELECT t.user_id, u.org_id FROM api_tokens t JOIN "
                                         "users u ON u.id = t.user_id WHERE t.id = ?",
                                         {std::string(token_id)}));
  if (!row) return NotFound("token not found");
  if (row->GetString(0) != principal.user_id) {
    if (!CheckCanRead(conn, principal, Resource::kUserDirectory, row->GetString(1)).ok()) {
      return NotFound("token not found");
    }
    FC_RETURN_IF_ERROR(CheckCanManageUsers(principal, row->GetString(1)));
  }
  FC_RETURN_IF_ERROR(conn.Execute(
      "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
      {FormatRfc3339(clock.Now()), std::string(token_id)}));
  return OkStatus();
}

Result<Principal> PrincipalFromToken(store::Connection& conn, const Clock& clock,
                                     std::string_view token) {
  if (!token.starts_with(kTokenPrefix) || token.size() > 128) {
    return Unauthenticated("invalid API token");
  }
  FC_ASSIGN_OR_RETURN(
      auto row,
      conn.QueryOptional(fmt::format("SELECT {}, t.id, t.expires_at, t.revoked_at FROM "
                                     "api_tokens t JOIN users u ON u.id = t.user_id "
                                     "JOIN orgs o ON o.id = u.org_id WHERE t.token_hash = ?",
                                     kPrincipalColumns),
                         {Sha256Hex(token)}));
  if (!row || row->GetInt(7) != 0 || !row->IsNull(10)) return Unauthenticated("invalid API token");
  const auto expires = ParseOptionalTime(row->GetOptionalString(9));
  if (expires && *expires <= clock.Now()) return Unauthenticated("API token expired");
  Principal p = PrincipalFromRow(*row, 0);
  p.token_id = row->GetString(8);
  return p;
}

}  // namespace fincyber::identity
