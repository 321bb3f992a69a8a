// Authentication: password login with lock-out, server-side sessions and API tokens.
// Session ids and tokens are random 256-bit values given to the client once; only
// their SHA-256 is stored, so a copy of the database does not let anyone log in.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "identity/directory.h"
#include "identity/principal.h"
#include "store/database.h"

namespace fincyber::identity {

struct AuthPolicy {
  int max_failed_logins = 5;                       // then the account locks
  std::chrono::minutes lockout{15};
  std::chrono::minutes session_idle{120};
  std::chrono::hours session_absolute{12};
};

enum class LoginFailure { kBadCredentials, kLockedOut };

struct LoginAttempt {
  // Set on success.
  std::optional<Principal> principal;  // carries session_id and csrf_token
  // Set on failure. The attempt must still be committed: it counts towards lock-out.
  std::optional<LoginFailure> failure;
  std::string user_id;  // known user, success or failure; "" for an unknown name
  std::string org_id;
};

// Checks the password (Argon2id) and opens a session. Failures are returned as a
// value so the caller commits the failed-attempt counter and its audit entry; turn
// them into errors with LoginError().
Result<LoginAttempt> Login(store::Connection& conn, const Clock& clock, const AuthPolicy& policy,
                           std::string_view username, std::string_view password);
Error LoginError(LoginFailure failure);

struct SessionLookup {
  Principal principal;
  // The session's last-seen time is over a minute old: call TouchSession in a write
  // transaction. Most requests only read, so the idle clock is kept coarse.
  bool stale = false;
};
// Read-only. Unauthenticated for an unknown, idle-expired or too old session, or a
// disabled user.
Result<SessionLookup> PrincipalFromSession(store::Connection& conn, const Clock& clock,
                                           const AuthPolicy& policy,
                                           std::string_view session_id);
Status TouchSession(store::Connection& conn, const Clock& clock, std::string_view session_id);
Status Logout(store::Connection& conn, std::string_view session_id);

struct ApiToken {
  std::string id;
  std::string user_id;
  std::string name;
  std::string created_at;
  std::optional<std::string> expires_at;
  std::optional<std::string> revoked_at;
};
Json ToJson(const ApiToken& token);

// Creates a token for `user_id` (the principal itself, or a user it may manage).
// Returns the token record and the token text, which is never stored or shown again.
Result<std::pair<ApiToken, std::string>> CreateToken(store::Connection& conn, const Clock& clock,
                                                     const Principal& principal,
                                                     std::string_view user_id,
                                                     std::string_view name,
                                                     std::optional<TimePoint> expires_at);
Status RevokeToken(store::Connection& conn, const Clock& clock, const Principal& principal,
                   std::string_view token_id);
Result<Principal> PrincipalFromToken(store::Connection& conn, const Clock& clock,
                                     std::string_view token);

}  // namespace fincyber::identity
