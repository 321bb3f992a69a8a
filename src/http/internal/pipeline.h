// Everything the server does to a request between reading it and writing the
// response, kept apart from Boost.Beast so that it compiles fast and is tested
// without sockets: target parsing, request ids, routing, static files,
// authentication, CSRF and Origin checks, running the handler, error bodies,
// security headers and the access log.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/http.h"
#include "http/internal/static_files.h"

namespace fincyber::http::internal {

// A request as read off the wire, before any interpretation.
struct Incoming {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // raw request-target, e.g. "/api/v1/x?y=1"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// How many streamed responses may be open at once. Thread-safe; shared by the copies
// of a pipeline.
class StreamSlots {
 public:
  StreamSlots(int max_total, int max_per_key) : max_total_(max_total), max_per_key_(max_per_key) {}
  // A slot for `key` (a user, or an address), released when the returned handle is
  // destroyed. Unavailable when `max_total` are open, ResourceExhausted when `key` holds
  // `max_per_key`.
  Result<std::shared_ptr<void>> Acquire(const std::string& key);
  int open() const;

 private:
  void Release(const std::string& key);

  const int max_total_;
  const int max_per_key_;
  mutable std::mutex mutex_;
  int total_ = 0;                    // guarded by mutex_
  std::map<std::string, int> open_;  // by key; guarded by mutex_
};

class Pipeline {
 public:
  // `authenticator` must outlive the pipeline. `tls` adds Strict-Transport-Security.
  Pipeline(Router router, Authenticator& authenticator, std::optional<StaticFiles> static_files,
           bool tls, std::shared_ptr<StreamSlots> stream_slots = nullptr);

  // The response to a complete request, with every header set; for HEAD the body is
  // dropped but Content-Length stays that of the GET. Writes one access-log line.
  // A streamed response takes a stream slot for its user (or address); without one it
  // becomes a 429 or 503. Streams carry no Content-Length, and none for HEAD.
  // Never throws for anything a handler, the authenticator or the client does.
  // Thread-safe (the authenticator and handlers must be too).
  Response Handle(Incoming incoming) const;

  // The response for a request the server could not read (body or headers too
  // large, malformed HTTP): `incoming` holds whatever was read. Logs like Handle.
  Response Reject(const Error& error, const Incoming& incoming) const;

  // The largest body the request's route accepts (Route::max_body_bytes), or
  // `default_limit` when the route declares none or no route matches.
  std::size_t BodyLimit(std::string_view method, std::string_view target,
                        std::size_t default_limit) const;
  // The largest of every route's limit and `default_limit`.
  std::size_t LargestBodyLimit(std::size_t default_limit) const;

 private:
  Result<Response> Dispatch(std::string_view method, std::string_view target,
                            Request& request) const;
  Status Authenticate(Request& request) const;
  Response ErrorResponse(const Error& error, const Request& request) const;
  // Adds the headers every response carries and logs the request.
  void Finish(Response& response, const Incoming& incoming, const Request& request) const;

  Router router_;
  Authenticator& authenticator_;
  std::optional<StaticFiles> static_files_;
  bool tls_;
  std::shared_ptr<StreamSlots> stream_slots_;  // null: no limit
};

// An incoming X-Request-Id if it is 1-64 characters of [A-Za-z0-9._-], else a new
// random one.
std::string RequestIdFor(std::string_view incoming);

}  // namespace fincyber::http::internal
