// An Authenticator for server tests: the session "good-session" and the token
// "good-token" are valid, anything else is not.
#pragma once

#include <string_view>

#include "http/http.h"

namespace fincyber::http {

class FakeAuthenticator : public Authenticator {
 public:
  Result<identity::Principal> FromSession(std::string_view session_id) override {
    if (session_id != "good-session") return Unauthenticated();
    identity::Principal principal;
    principal.user_id = "u-cookie";
    principal.session_id = "s1";
    principal.csrf_token = "csrf-1";
    return principal;
  }
  Result<identity::Principal> FromToken(std::string_view token) override {
    if (token != "good-token") return Unauthenticated();
    identity::Principal principal;
    principal.user_id = "u-token";
    principal.username = "alice";
    principal.token_id = "t1";
    return principal;
  }
};

}  // namespace fincyber::http
