// Request, response, router and server: the HTTP face of the platform. Modules add
// routes to a Router; the Server (Boost.Beast, private to this folder) runs them.
//
// Handlers return Result<Response>; an Error is turned into the one error body
//   {"error":{"code":"invalid_argument","message":"...","request_id":"...",
//             "details":[{"field":"...","problem":"..."}]}}
// with the status from one table (error_mapping.cc).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "identity/principal.h"

namespace fincyber::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };
std::string_view MethodName(Method method);

class Request {
 public:
  Method method = Method::kGet;
  std::string path;                               // decoded path without the query string
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  std::string request_id;
  std::map<std::string, std::string> path_params;  // {name} segments of the route
  // Set by the authentication middleware for routes that require it.
  std::optional<identity::Principal> principal;

  // First header with this (case-insensitive) name, or "".
  std::string_view Header(std::string_view name) const;
  std::optional<std::string> Cookie(std::string_view name) const;
  std::optional<std::string> QueryParam(std::string_view name) const;
  const std::string& PathParam(const std::string& name) const;  // "" if absent

  // The principal; Unauthenticated if none. Handlers of authenticated routes use it.
  Result<const identity::Principal*> RequirePrincipal() const;
  // Parses the body as a JSON object within the server's limits: InvalidArgument for
  // malformed JSON, bad UTF-8, nesting or a non-object, or a wrong Content-Type.
  Result<Json> JsonBody() const;
};

// A response body produced over time (Server-Sent Events). After a route answers with
// one, the server writes the headers (HTTP/1.1: chunked; 1.0: until close), then what
// Next() returns, until the client goes away or is too slow to read, Next() fails, the
// stream's lifetime (ServerOptions::stream_max_duration) is over or the server stops.
// No thread waits for a stream: between calls it is an Asio timer, so idle streams cost a
// socket and this object. The stream is destroyed on the server's thread that ends it.
class BodyStream {
 public:
  enum class Reason {
    kStart,      // the headers are written
    kWritten,    // the previous bytes are written
    kWake,       // the wake function given to Attach() was called
    kHeartbeat,  // nothing was written for ServerOptions::stream_heartbeat
  };
  virtual ~BodyStream() = default;
  // Called once, before the first Next(), with a function that makes the server call
  // Next() soon. `wake` may be called from any thread, any number of times, until the
  // stream is destroyed (so it must stop calling it in its destructor).
  virtual void Attach(std::function<void()> wake) = 0;
  // The bytes to send now, "" when there is nothing new. Never called concurrently for
  // one stream. For kHeartbeat it should return something (an SSE comment), so that
  // proxies keep the connection and a client that went away is found. An error ends
  // the stream by closing the connection (the status line is already sent). Should
  // return a bounded amount: the server asks again once it is written.
  virtual Result<std::string> Next(Reason reason) = 0;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set for a streamed response; `body` is then unused.
  std::shared_ptr<BodyStream> stream;

  static Response MakeJson(const Json& value, int status = 200);
  static Response NoContent();
  // A 200 whose body is `stream`, e.g. content type "text/event-stream".
  static Response MakeStream(std::string content_type, std::shared_ptr<BodyStream> stream);
  void SetHeader(std::string name, std::string value);
};

// Runs on one of the server's threads, concurrently with other handlers; a thrown
// exception becomes a 500 for that request only.
using Handler = std::function<Result<Response>(Request&)>;

// Writes the error response for protocols that define their own error format (TAXII):
// given the error, its HTTP status and the request id, returns status, body and
// headers. A 401 it answers should carry its own WWW-Authenticate challenge.
using ErrorRenderer =
    std::function<Response(const Error& error, int status, std::string_view request_id)>;

enum class Auth {
  kNone,  // public (health, login, openapi, static files)
  // A valid session cookie or API token; CSRF checked on cookie writes. A token comes
  // as "Authorization: Bearer <token>" or, for clients that only speak HTTP Basic
  // (TAXII), as "Authorization: Basic" with the token's user name and the token as
  // the password.
  kRequired,
};

struct Route {
  Method method;
  std::string pattern;  // "/api/v1/orgs/{id}/users"; {name} matches one segment
  Auth auth = Auth::kRequired;
  Handler handler;
  std::string summary;  // one line for the OpenAPI document
  // Largest request body this route accepts; 0 takes the server's max_body_bytes. A
  // larger body is refused with 413 while it is read, before the handler runs.
  std::size_t max_body_bytes = 0;
};

class Router {
 public:
  // Precondition: the pattern starts with '/' and no route has the same method and
  // pattern (both are programming errors).
  void Add(Route route);
  // Finds the route for method and path, filling path_params. NotFound when no
  // pattern matches; InvalidArgument-free: a matched path with another method gives
  // FailedPrecondition("method not allowed") mapped to 405.
  // Exact segments win over {name} segments; HEAD matches a GET route.
  Result<const Route*> Match(Method method, std::string_view path,
                             std::map<std::string, std::string>& path_params) const;
  // The methods some route accepts for `path`, for the Allow header: "GET, HEAD, POST".
  // Empty when no pattern matches.
  std::string AllowedMethods(std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

  // Errors of requests whose path starts with `path_prefix` (e.g. "/taxii2/") are
  // written by `renderer`, those raised before a handler runs included (routing,
  // authentication, body size); such paths are never answered with the web UI.
  void SetErrorRenderer(std::string path_prefix, ErrorRenderer renderer);
  // The renderer for `path`, or nullptr for the platform's own error body.
  const ErrorRenderer* ErrorRendererFor(std::string_view path) const;

 private:
  std::vector<Route> routes_;
  std::vector<std::pair<std::string, ErrorRenderer>> error_renderers_;
  std::vector<std::vector<std::string>> segments_;  // routes_[i].pattern split on '/'
};

// Resolves credentials to a principal. Implemented in app/ over identity/, so http/
// knows nothing of sessions or tokens beyond where they are carried. Called
// concurrently from the server's threads.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Unauthenticated for unknown, expired or revoked credentials.
  virtual Result<identity::Principal> FromSession(std::string_view session_id) = 0;
  virtual Result<identity::Principal> FromToken(std::string_view token) = 0;
};

inline constexpr std::string_view kSessionCookie = "fc_session";
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";

struct TlsFiles {
  std::string certificate_chain_file;
  std::string private_key_file;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;             // 0 picks a free port; see Server::port()
  int threads = 2;                       // I/O threads, which also run the handlers
  std::size_t max_body_bytes = 1 << 20;  // for routes that declare no limit of their own
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds read_timeout{15000};   // whole request, slow clients cut off
  std::chrono::milliseconds idle_timeout{60000};   // keep-alive between requests
  std::chrono::milliseconds shutdown_grace{5000};  // in-flight requests on Stop()
  // Streamed responses (BodyStream). Streams end at Stop() without waiting for the grace.
  std::chrono::milliseconds stream_heartbeat{15000};      // Next(kHeartbeat) after this quiet
  std::chrono::milliseconds stream_write_timeout{30000};  // a client reading slower is dropped
  // Then the stream ends and the client reconnects, which authenticates it again: a
  // revoked session or token stops receiving within this time.
  std::chrono::milliseconds stream_max_duration{600000};
  int max_streams = 1000;        // open at once in this server; 503 beyond
  int max_streams_per_user = 8;  // per user (per address for public routes); 429 beyond
  std::optional<TlsFiles> tls;
  std::string static_dir;  // web UI; "" serves none. Unknown paths serve index.html
};

// The HTTP(S) server. Start() binds and returns; requests run on `threads` threads.
// Thread-safe: Stop() may be called from any thread (e.g. a signal handler thread).
class Server {
 public:
  Server(ServerOptions options, Router router, Authenticator& authenticator);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Errors: Unavailable when the address cannot be bound, InvalidArgument for
  // unreadable TLS files or a static_dir that is not a directory,
  // FailedPrecondition once stopped. Called at most once.
  Status Start();
  // The bound port once Start() succeeded, else 0.
  std::uint16_t port() const;
  // Stops accepting, ends streams, lets in-flight requests finish within the grace
  // period, closes idle keep-alive connections, and joins the threads. Idempotent; any thread but a
  // request handler's (it joins the handler threads).
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Status code for an error code (the one table).
int HttpStatusFor(ErrorCode code);
// Status code for an error: the table, refined for the few errors the server itself
// raises with a more precise status (405 method not allowed, 413 body too large,
// 415 unsupported media type, 431 headers too large).
int HttpStatusFor(const Error& error);
// The error body for an error, as sent to the client.
Json ErrorBody(const Error& error, std::string_view request_id);

}  // namespace fincyber::http
