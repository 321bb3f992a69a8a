// Error values shared by every layer. An Error carries a canonical code, an internal
// message for the log (may name tables, paths, peers) and a safe message for the
// client, plus optional per-field problems. http/ maps codes to status in one table.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fincyber {

enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kFailedPrecondition,
  kAborted,
  kResourceExhausted,
  kUnavailable,
  kInternal,
};

// snake_case name used in API error bodies and logs, e.g. "invalid_argument".
std::string_view ErrorCodeName(ErrorCode code);

// What is wrong with one field. `problem` is English, shown as is by the command line
// and API clients; `code`, when set, is a stable name for it (e.g. "workbook.formula")
// with the values its text names in `params`, so a client can say it in its own language.
struct FieldProblem {
  std::string field;
  std::string problem;
  std::string code = {};
  std::vector<std::pair<std::string, std::string>> params = {};
  bool operator==(const FieldProblem&) const = default;
};

class Error {
 public:
  // `safe_message` is shown to clients; `internal_message` only to the log.
  // When internal_message is empty the safe message is logged.
  Error(ErrorCode code, std::string safe_message, std::string internal_message = {},
        std::vector<FieldProblem> details = {});

  ErrorCode code() const { return code_; }
  const std::string& safe_message() const { return safe_message_; }
  const std::string& internal_message() const {
    return internal_message_.empty() ? safe_message_ : internal_message_;
  }
  const std::vector<FieldProblem>& details() const { return details_; }

  // Returns a copy whose internal message is prefixed with `context: `.
  Error WithContext(std::string_view context) const;

 private:
  ErrorCode code_;
  std::string safe_message_;
  std::string internal_message_;
  std::vector<FieldProblem> details_;
};

// Constructors for the common codes. Internal errors never leak their message:
// the client sees a generic text and the log sees `internal_message`.
Error InvalidArgument(std::string message, std::vector<FieldProblem> details = {});
Error NotFound(std::string message);
Error AlreadyExists(std::string message);
Error PermissionDenied(std::string message = "permission denied");
Error Unauthenticated(std::string message = "authentication required");
Error FailedPrecondition(std::string message);
Error Aborted(std::string message);
Error ResourceExhausted(std::string message);
Error Unavailable(std::string message, std::string internal_message = {});
Error Internal(std::string internal_message);

}  // namespace fincyber
