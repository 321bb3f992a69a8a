// A small HTTP client for integration tests: keeps the session cookie and CSRF
// token like a browser, or sends a bearer token like a machine client.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/json.h"

namespace fincyber::testing {

struct HttpResult {
  int status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  Json json() const;
  std::string header(const std::string& name) const;
};

class TestClient {
 public:
  explicit TestClient(std::uint16_t port) : port_(port) {}

  HttpResult Send(const std::string& method, const std::string& path,
                  const std::string& body = "", const std::string& content_type =
                                                    "application/json");
  HttpResult Get(const std::string& path) { return Send("GET", path); }
  HttpResult Post(const std::string& path, const Json& body) {
    return Send("POST", path, body.dump());
  }

  // Logs in and keeps the cookie and CSRF token; returns the response.
  HttpResult Login(const std::string& username, const std::string& password);
  void UseBearer(std::string token) { bearer_ = std::move(token); }
  // Talk to another server (e.g. a second replica) with the same credentials.
  void SetPort(std::uint16_t port) { port_ = port; }
  void DropCsrf() { csrf_.clear(); }
  const std::string& csrf() const { return csrf_; }
  std::map<std::string, std::string> extra_headers;

 private:
  std::uint16_t port_;
  std::string cookie_;
  std::string csrf_;
  std::string bearer_;
};

}  // namespace fincyber::testing
