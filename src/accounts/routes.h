// HTTP routes of the account administration: /api/v1/auth, /me, /sectors, /orgs,
// /users, /tokens, /audit and /webhooks. Handlers only translate between HTTP and
// AccountsService (or audit/, events/), which enforce the access policy.
#pragma once

#include "accounts/service.h"
#include "base/outbound_http.h"
#include "http/http.h"

namespace fincyber::accounts {

struct RouteOptions {
  bool secure_cookies = false;  // add `Secure` to the session cookie (TLS)
};

void AddRoutes(http::Router& router, AccountsService& service, store::Database& db,
               RouteOptions options);

// Resolves session cookies and API tokens for the HTTP server.
class ServiceAuthenticator final : public http::Authenticator {
 public:
  explicit ServiceAuthenticator(AccountsService& service) : service_(service) {}
  Result<identity::Principal> FromSession(std::string_view session_id) override {
    return service_.Authenticate(session_id);
  }
  Result<identity::Principal> FromToken(std::string_view token) override {
    return service_.AuthenticateToken(token);
  }

 private:
  AccountsService& service_;
};

}  // namespace fincyber::accounts
