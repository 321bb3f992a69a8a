#include "http/internal/target.h"

#include <algorithm>

#include "base/ascii.h"
#include "base/utf8.h"

namespace fincyber::http::internal {
namespace {

Result<std::string> DecodeComponent(std::string_view text, bool plus_is_space) {
  FC_ASSIGN_OR_RETURN(std::string decoded, PercentDecode(text, plus_is_space));
  if (decoded.find('\0') != std::string::npos) {
    return InvalidArgument("request target contains NUL");
  }
  if (FindInvalidUtf8(decoded)) return InvalidArgument("request target is not valid UTF-8");
  return decoded;
}

Status CheckSegments(std::string_view path) {
  while (!path.empty()) {
    path.remove_prefix(1);  // the '/'
    const std::size_t end = std::min(path.find('/'), path.size());
    const std::string_view segment = path.substr(0, end);
    if (segment == "." || segment == "..") {
      return InvalidArgument("request path contains a dot segment");
    }
    path.remove_prefix(end);
  }
  return OkStatus();
}

}  // namespace

Result<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const bool complete = i + 2 < text.size();
      const int hi = complete ? HexDigitValue(text[i + 1]) : -1;
      const int lo = complete ? HexDigitValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) return InvalidArgument("invalid percent-encoding in request target");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<Target> ParseTarget(std::string_view target) {
  if (!target.starts_with('/')) return InvalidArgument("request target must be a path");
  // A fragment is never sent by a conforming client; drop it rather than decode it.
  target = target.substr(0, target.find('#'));
  const std::size_t question = target.find('?');
  Target result;
  FC_ASSIGN_OR_RETURN(result.path, DecodeComponent(target.substr(0, question), false));
  FC_RETURN_IF_ERROR(CheckSegments(result.path));
  if (question == std::string_view::npos) return result;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const std::size_t end = std::min(query.find('&'), query.size());
    const std::string_view pair = query.substr(0, end);
    query.remove_prefix(std::min(end + 1, query.size()));
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    FC_ASSIGN_OR_RETURN(std::string name, DecodeComponent(pair.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      FC_ASSIGN_OR_RETURN(value, DecodeComponent(pair.substr(eq + 1), true));
    }
    result.query.emplace(std::move(name), std::move(value));
  }
  return result;
}

}  // namespace fincyber::http::internal
