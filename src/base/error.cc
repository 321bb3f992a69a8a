#include "base/error.h"

#include <utility>

namespace fincyber {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kAborted: return "aborted";
    case ErrorCode::kResourceExhausted: return "resource_exhausted";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

Error::Error(ErrorCode code, std::string safe_message, std::string internal_message,
             std::vector<FieldProblem> details)
    : code_(code),
      safe_message_(std::move(safe_message)),
      internal_message_(std::move(internal_message)),
      details_(std::move(details)) {}

Error Error::WithContext(std::string_view context) const {
  Error copy = *this;
  copy.internal_message_ = std::string(context) + ": " + internal_message();
  return copy;
}

Error InvalidArgument(std::string message, std::vector<FieldProblem> details) {
  return Error(ErrorCode::kInvalidArgument, std::move(message), {}, std::move(details));
}
Error NotFound(std::string message) { return Error(ErrorCode::kNotFound, std::move(message)); }
Error AlreadyExists(std::string message) {
  return Error(ErrorCode::kAlreadyExists, std::move(message));
}
Error PermissionDenied(std::string message) {
  return Error(ErrorCode::kPermissionDenied, std::move(message));
}
Error Unauthenticated(std::string message) {
  return Error(ErrorCode::kUnauthenticated, std::move(message));
}
Error FailedPrecondition(std::string message) {
  return Error(ErrorCode::kFailedPrecondition, std::move(message));
}
Error Aborted(std::string message) { return Error(ErrorCode::kAborted, std::move(message)); }
Error ResourceExhausted(std::string message) {
  return Error(ErrorCode::kResourceExhausted, std::move(message));
}
Error Unavailable(std::string message, std::string internal_message) {
  return Error(ErrorCode::kUnavailable, std::move(message), std::move(internal_message));
}
Error Internal(std::string internal_message) {
  return Error(ErrorCode::kInternal, "internal error", std::move(internal_message));
}

}  // namespace fincyber
