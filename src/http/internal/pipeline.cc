#include "http/internal/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <exception>

#include "base/crypto.h"
#include "base/log.h"
#include "http/internal/errors.h"
#include "http/internal/target.h"

namespace fincyber::http::internal {
namespace {

constexpr std::size_t kMaxRequestIdLength = 64;
// Seconds a 503 asks the client to wait: about the longest a lock is waited for.
constexpr int kRetryAfterSeconds = 5;

// The UI is served from this origin only; charts draw on canvas or inline SVG.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

constexpr std::array<std::pair<std::string_view, Method>, 7> kMethods{{
    {"GET", Method::kGet},
    {"HEAD", Method::kHead},
    {"POST", Method::kPost},
    {"PUT", Method::kPut},
    {"PATCH", Method::kPatch},
    {"DELETE", Method::kDelete},
    {"OPTIONS", Method::kOptions},
}};

std::optional<Method> ParseMethod(std::string_view name) {
  for (const auto& [text, method] : kMethods) {
    if (text == name) return method;
  }
  return std::nullopt;
}

bool IsUnsafe(Method method) {
  return method == Method::kPost || method == Method::kPut || method == Method::kPatch ||
         method == Method::kDelete;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view RawPath(std::string_view target) { return target.substr(0, target.find('?')); }

bool IsApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

// A browser names the page's origin on every cross-site write; a request from our own
// UI names the host it was sent to. Compared without the scheme so that a proxy in
// front that terminates TLS does not break it.
Status CheckOrigin(const Request& request) {
  const std::string_view origin = request.Header("origin");
  if (origin.empty()) return OkStatus();
  const std::size_t scheme_end = origin.find("://");
  const std::string_view authority =
      scheme_end == std::string_view::npos ? std::string_view() : origin.substr(scheme_end + 3);
  const std::string_view host = request.Header("host");
  if (authority.empty() || !EqualsIgnoreCase(authority, host)) {
    return PermissionDenied("cross-origin request refused");
  }
  return OkStatus();
}

// RFC 4648 base64 with padding, as HTTP Basic credentials are sent; nullopt when
// malformed.
std::optional<std::string> DecodeBase64(std::string_view text) {
  auto value_of = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const int padding = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
    if (padding == 1 && text[i + 2] == '=') return std::nullopt;
    std::uint32_t bits = 0;
    for (int j = 0; j < 4 - padding; ++j) {
      const int v = value_of(text[i + static_cast<std::size_t>(j)]);
      if (v < 0) return std::nullopt;
      bits |= static_cast<std::uint32_t>(v) << (18 - 6 * j);
    }
    out.push_back(static_cast<char>(bits >> 16));
    if (padding < 2) out.push_back(static_cast<char>((bits >> 8) & 0xFF));
    if (padding < 1) out.push_back(static_cast<char>(bits & 0xFF));
  }
  return out;
}

Status CheckCsrf(const Request& request, const identity::Principal& principal) {
  const std::string_view token = request.Header(kCsrfHeader);
  if (token.empty() || principal.csrf_token.empty() ||
      !ConstantTimeEquals(token, principal.csrf_token)) {
    return PermissionDenied("missing or invalid CSRF token");
  }
  return OkStatus();
}

// Holds its slot for as long as the server keeps the stream.
class SlottedStream final : public BodyStream {
 public:
  SlottedStream(std::shared_ptr<BodyStream> inner, std::shared_ptr<void> slot)
      : inner_(std::move(inner)), slot_(std::move(slot)) {}
  void Attach(std::function<void()> wake) override { inner_->Attach(std::move(wake)); }
  Result<std::string> Next(Reason reason) override { return inner_->Next(reason); }

 private:
  std::shared_ptr<BodyStream> inner_;
  std::shared_ptr<void> slot_;
};

}  // namespace

Result<std::shared_ptr<void>> StreamSlots::Acquire(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (total_ >= max_total_) return Unavailable("too many open streams; try again later");
  int& mine = open_[key];
  if (mine >= max_per_key_) {
    return ResourceExhausted(fmt::format("at most {} open streams per user", max_per_key_));
  }
  ++mine;
  ++total_;
  // The handle only runs Release; it owns nothing.
  return std::shared_ptr<void>(static_cast<void*>(this), [this, key](void*) { Release(key); });
}

void StreamSlots::Release(const std::string& key) {
  std::lock_guard lock(mutex_);
  --total_;
  auto it = open_.find(key);
  if (it != open_.end() && --it->second <= 0) open_.erase(it);
}

int StreamSlots::open() const {
  std::lock_guard lock(mutex_);
  return total_;
}

std::string RequestIdFor(std::string_view incoming) {
  const bool valid =
      !incoming.empty() && incoming.size() <= kMaxRequestIdLength &&
      std::all_of(incoming.begin(), incoming.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
      });
  return valid ? std::string(incoming) : RandomToken(12);
}

Pipeline::Pipeline(Router router, Authenticator& authenticator,
                   std::optional<StaticFiles> static_files, bool tls,
                   std::shared_ptr<StreamSlots> stream_slots)
    : router_(std::move(router)),
      authenticator_(authenticator),
      static_files_(std::move(static_files)),
      tls_(tls),
      stream_slots_(std::move(stream_slots)) {}

Response Pipeline::Handle(Incoming incoming) const {
  Request request;
  request.headers = std::move(incoming.headers);
  request.body = std::move(incoming.body);
  request.remote_address = incoming.remote_address;
  request.request_id = RequestIdFor(request.Header("x-request-id"));
  request.path = RawPath(incoming.target);  // until decoded: chooses the error format
  Result<Response> result = Internal("request not dispatched");
  // Handlers and the authenticator are other modules' code: an exception from them
  // fails this request only.
  try {
    result = Dispatch(incoming.method, incoming.target, request);
  } catch (const std::exception& e) {
    result = Internal(fmt::format("handler threw: {}", e.what()));
  } catch (...) {
    result = Internal("handler threw a non-standard exception");
  }
  if (result.ok() && result->stream && stream_slots_ && incoming.method != "HEAD") {
    auto slot = stream_slots_->Acquire(request.principal ? "user:" + request.principal->user_id
                                                         : "address:" + request.remote_address);
    if (slot.ok()) {
      result->stream = std::make_shared<SlottedStream>(std::move(result->stream), *slot);
    } else {
      result = std::move(slot).error();
    }
  }
  Response response =
      result.ok() ? std::move(result).value() : ErrorResponse(result.error(), request);
  Finish(response, incoming, request);
  return response;
}

Response Pipeline::Reject(const Error& error, const Incoming& incoming) const {
  Request request;
  request.headers = incoming.headers;
  request.path = RawPath(incoming.target);
  request.request_id = RequestIdFor(request.Header("x-request-id"));
  Response response = ErrorResponse(error, request);
  Finish(response, incoming, request);
  return response;
}

std::size_t Pipeline::BodyLimit(std::string_view method_name, std::string_view target,
                                std::size_t default_limit) const {
  auto parsed = ParseTarget(target);
  const std::optional<Method> method = ParseMethod(method_name);
  if (!parsed.ok() || !method) return default_limit;
  std::map<std::string, std::string> path_params;
  auto route = router_.Match(*method, parsed->path, path_params);
  if (!route.ok() || (*route)->max_body_bytes == 0) return default_limit;
  return (*route)->max_body_bytes;
}

std::size_t Pipeline::LargestBodyLimit(std::size_t default_limit) const {
  std::size_t largest = default_limit;
  for (const Route& route : router_.routes()) largest = std::max(largest, route.max_body_bytes);
  return largest;
}

Result<Response> Pipeline::Dispatch(std::string_view method_name, std::string_view target,
                                    Request& request) const {
  FC_ASSIGN_OR_RETURN(Target parsed, ParseTarget(target));
  request.path = std::move(parsed.path);
  request.query = std::move(parsed.query);
  const std::optional<Method> method = ParseMethod(method_name);
  if (!method) return MethodNotAllowed();
  request.method = *method;

  Result<const Route*> route = router_.Match(*method, request.path, request.path_params);
  if (!route.ok()) {
    const bool read = *method == Method::kGet || *method == Method::kHead;
    if (route.error().code() == ErrorCode::kNotFound && static_files_ && read &&
        !IsApiPath(request.path) && router_.ErrorRendererFor(request.path) == nullptr) {
      return static_files_->Serve(request.path);
    }
    return std::move(route).error();
  }
  if ((*route)->auth == Auth::kRequired) {
    FC_RETURN_IF_ERROR(Authenticate(request));
  } else if (IsUnsafe(*method)) {
    // Public writes (sign-in) get the Origin check too: no login CSRF.
    FC_RETURN_IF_ERROR(CheckOrigin(request));
  }
  return (*route)->handler(request);
}

Status Pipeline::Authenticate(Request& request) const {
  const std::string_view authorization = request.Header("authorization");
  if (!authorization.empty()) {
    constexpr std::string_view kBearer = "bearer ";
    constexpr std::string_view kBasic = "basic ";
    auto has_scheme = [&](std::string_view scheme) {
      return authorization.size() > scheme.size() &&
             EqualsIgnoreCase(authorization.substr(0, scheme.size()), scheme);
    };
    if (has_scheme(kBearer)) {
      // Bearer tokens are never sent by a browser on its own, so no CSRF check.
      FC_ASSIGN_OR_RETURN(request.principal,
                          authenticator_.FromToken(authorization.substr(kBearer.size())));
      return OkStatus();
    }
    if (!has_scheme(kBasic)) return Unauthenticated("unsupported authorization scheme");
    // Basic carries "user name:API token". A browser may replay Basic credentials on
    // its own, so cross-origin writes are refused as for cookies.
    const std::optional<std::string> credentials =
        DecodeBase64(authorization.substr(kBasic.size()));
    const std::size_t colon = credentials ? credentials->find(':') : std::string::npos;
    if (colon == std::string::npos) return Unauthenticated("malformed Basic credentials");
    FC_ASSIGN_OR_RETURN(identity::Principal principal,
                        authenticator_.FromToken(std::string_view(*credentials).substr(colon + 1)));
    if (!ConstantTimeEquals(principal.username, std::string_view(*credentials).substr(0, colon))) {
      return Unauthenticated("the user name does not match the token");
    }
    if (IsUnsafe(request.method)) FC_RETURN_IF_ERROR(CheckOrigin(request));
    request.principal = std::move(principal);
    return OkStatus();
  }
  const std::optional<std::string> session = request.Cookie(kSessionCookie);
  if (!session || session->empty()) return Unauthenticated();
  FC_ASSIGN_OR_RETURN(identity::Principal principal, authenticator_.FromSession(*session));
  if (IsUnsafe(request.method)) {
    FC_RETURN_IF_ERROR(CheckOrigin(request));
    FC_RETURN_IF_ERROR(CheckCsrf(request, principal));
  }
  request.principal = std::move(principal);
  return OkStatus();
}

Response Pipeline::ErrorResponse(const Error& error, const Request& request) const {
  const int status = HttpStatusFor(error);
  if (status >= 500) {
    log::error("request {} failed: {}", request.request_id, error.internal_message());
  }
  const ErrorRenderer* renderer = router_.ErrorRendererFor(request.path);
  Response response = renderer != nullptr
                          ? (*renderer)(error, status, request.request_id)
                          : Response::MakeJson(ErrorBody(error, request.request_id), status);
  if (status == 405) response.SetHeader("Allow", router_.AllowedMethods(request.path));
  // Unavailable is a passing state (a lock held by a long write, the stream cap): clients
  // that honour the header, the TAXII client among them, come back instead of giving up.
  if (status == 503) response.SetHeader("Retry-After", std::to_string(kRetryAfterSeconds));
  const bool has_challenge = std::any_of(
      response.headers.begin(), response.headers.end(),
      [](const auto& header) { return EqualsIgnoreCase(header.first, "WWW-Authenticate"); });
  if (status == 401 && !has_challenge) response.SetHeader("WWW-Authenticate", "Bearer");
  return response;
}

void Pipeline::Finish(Response& response, const Incoming& incoming, const Request& request) const {
  const std::string_view path = RawPath(incoming.target);
  response.SetHeader("X-Request-Id", request.request_id);
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("Referrer-Policy", "no-referrer");
  response.SetHeader("X-Frame-Options", "DENY");
  response.SetHeader("Content-Security-Policy", std::string(kContentSecurityPolicy));
  if (tls_) response.SetHeader("Strict-Transport-Security", "max-age=31536000");
  if (IsApiPath(path) || response.status >= 400) response.SetHeader("Cache-Control", "no-store");
  if (response.stream) {
    // Buffering proxies (nginx) would hold events back.
    response.SetHeader("X-Accel-Buffering", "no");
    if (incoming.method == "HEAD") response.stream.reset();
  } else if (response.status != 204 && response.status != 304) {
    // 204 and 304 carry no body and, by RFC 9110, no Content-Length.
    response.SetHeader("Content-Length", std::to_string(response.body.size()));
  } else {
    response.body.clear();
  }
  if (incoming.method == "HEAD") response.body.clear();

  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - incoming.started);
  // The raw path, never the query string (it may carry tokens) nor any header.
  log::info("http {} {} {} {:.1f}ms id={}", incoming.method, path, response.status,
            static_cast<double>(elapsed.count()) / 1000.0, request.request_id);
}

}  // namespace fincyber::http::internal
