// Request-target parsing: the one place where the raw bytes of a URL become the
// decoded path and query every handler and the static file server see.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace fincyber::http::internal {

struct Target {
  std::string path;  // percent-decoded, starts with '/'
  std::multimap<std::string, std::string> query;
};

// Parses an origin-form target ("/a/b?x=1&y=two+words"). InvalidArgument for other
// forms, bad percent-encoding, NUL, invalid UTF-8, and '.' or '..' path segments
// (also when percent-encoded), so no later stage has to think about traversal.
Result<Target> ParseTarget(std::string_view target);

// Percent-decodes `text`; with `plus_is_space` ('+' as space, as in query strings).
// InvalidArgument for a '%' not followed by two hex digits.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace fincyber::http::internal
