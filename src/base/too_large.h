// Input refused for its size: a request body, an uploaded file or an archive that
// unpacks past its caps, or what such input would add to a stored quota. Still the
// canonical ResourceExhausted, but marked so that http/ answers 413 Content Too Large
// rather than the 429 Too Many Requests of rate limits. The mark is a field problem
// "too_large" naming what was too large, so API clients can read it too.
#pragma once

#include <algorithm>
#include <string>
#include <utility>

#include "base/error.h"

namespace fincyber {

inline constexpr const char* kTooLargeProblem = "too_large";

// ResourceExhausted with the detail {field, "too_large"}; `field` names the input
// ("file", "workbook", "source").
inline Error TooLarge(std::string message, std::string field) {
  return Error(ErrorCode::kResourceExhausted, std::move(message), {},
               {{std::move(field), kTooLargeProblem}});
}

// True for an error made by TooLarge (or carrying its mark).
inline bool IsTooLarge(const Error& error) {
  return error.code() == ErrorCode::kResourceExhausted &&
         std::any_of(error.details().begin(), error.details().end(),
                     [](const FieldProblem& p) { return p.problem == kTooLargeProblem; });
}

// `error` as TooLarge when it is ResourceExhausted (the input passed a size cap of the
// parser that read it), else unchanged.
inline Error AsTooLarge(const Error& error, std::string field) {
  if (error.code() != ErrorCode::kResourceExhausted || IsTooLarge(error)) return error;
  return Error(ErrorCode::kResourceExhausted, error.safe_message(), error.internal_message(),
               {{std::move(field), kTooLargeProblem}});
}

}  // namespace fincyber
