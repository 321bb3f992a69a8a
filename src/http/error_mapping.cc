// The one place where error codes become HTTP statuses and error bodies.
#include <array>
#include <string_view>
#include <utility>

#include "base/too_large.h"
#include "http/http.h"
#include "http/internal/errors.h"

namespace fincyber::http {
namespace {

constexpr std::array<std::pair<ErrorCode, int>, 10> kStatusTable{{
    {ErrorCode::kInvalidArgument, 400},
    {ErrorCode::kNotFound, 404},
    {ErrorCode::kAlreadyExists, 409},
    {ErrorCode::kPermissionDenied, 403},
    {ErrorCode::kUnauthenticated, 401},
    {ErrorCode::kFailedPrecondition, 409},
    {ErrorCode::kAborted, 409},
    {ErrorCode::kResourceExhausted, 429},
    {ErrorCode::kUnavailable, 503},
    {ErrorCode::kInternal, 500},
}};

// The server's own errors: a code and fixed safe message with a more precise status.
struct SpecialCase {
  ErrorCode code;
  std::string_view message;
  int status;
};

constexpr std::string_view kMethodNotAllowed = "method not allowed";
constexpr std::string_view kBodyTooLarge = "request body too large";
constexpr std::string_view kUnsupportedMediaType = "Content-Type must be application/json";
constexpr std::string_view kHeadersTooLarge = "request headers too large";

constexpr std::array<SpecialCase, 4> kSpecialCases{{
    {ErrorCode::kFailedPrecondition, kMethodNotAllowed, 405},
    {ErrorCode::kResourceExhausted, kBodyTooLarge, 413},
    {ErrorCode::kInvalidArgument, kUnsupportedMediaType, 415},
    {ErrorCode::kResourceExhausted, kHeadersTooLarge, 431},
}};

constexpr std::string_view kInternalMessage = "internal error";

}  // namespace

namespace internal {

Error MethodNotAllowed() { return FailedPrecondition(std::string(kMethodNotAllowed)); }
Error BodyTooLarge() { return ResourceExhausted(std::string(kBodyTooLarge)); }
Error UnsupportedMediaType() { return InvalidArgument(std::string(kUnsupportedMediaType)); }
Error HeadersTooLarge() { return ResourceExhausted(std::string(kHeadersTooLarge)); }

}  // namespace internal

int HttpStatusFor(ErrorCode code) {
  for (const auto& [c, status] : kStatusTable) {
    if (c == code) return status;
  }
  return 500;
}

int HttpStatusFor(const Error& error) {
  for (const auto& special : kSpecialCases) {
    if (special.code == error.code() && special.message == error.safe_message()) {
      return special.status;
    }
  }
  // Input refused for its size is not a rate limit (base/too_large.h).
  if (IsTooLarge(error)) return 413;
  return HttpStatusFor(error.code());
}

Json ErrorBody(const Error& error, std::string_view request_id) {
  // An internal error's text may name tables or peers: the client never sees it.
  const bool internal = error.code() == ErrorCode::kInternal;
  Json body = {
      {"code", ErrorCodeName(error.code())},
      {"message", internal ? std::string(kInternalMessage) : error.safe_message()},
      {"request_id", request_id},
  };
  if (!internal && !error.details().empty()) {
    Json details = Json::array();
    for (const auto& problem : error.details()) {
      Json detail = {{"field", problem.field}, {"problem", problem.problem}};
      if (!problem.code.empty()) {
        detail["code"] = problem.code;
        Json params = Json::object();
        for (const auto& [name, value] : problem.params) params[name] = value;
        detail["params"] = std::move(params);
      }
      details.push_back(std::move(detail));
    }
    body["details"] = std::move(details);
  }
  return {{"error", std::move(body)}};
}

}  // namespace fincyber::http
