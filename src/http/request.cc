#include <algorithm>
#include <cctype>
#include <utility>

#include "base/ascii.h"
#include "http/http.h"
#include "http/internal/errors.h"

namespace fincyber::http {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "application/json", "application/problem+json", with or without parameters.
bool IsJsonMediaType(std::string_view content_type) {
  const std::string type = AsciiLower(Trim(content_type.substr(0, content_type.find(';'))));
  if (type == "application/json") return true;
  return type.starts_with("application/") && type.ends_with("+json");
}

}  // namespace

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
  }
  return "GET";
}

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

// RFC 6265 section 5.4 as browsers send it: "a=1; b=2", values optionally quoted.
std::optional<std::string> Request::Cookie(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (!EqualsIgnoreCase(key, "cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t end = std::min(rest.find(';'), rest.size());
      const std::string_view pair = Trim(rest.substr(0, end));
      rest.remove_prefix(std::min(end + 1, rest.size()));
      const std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos || Trim(pair.substr(0, eq)) != name) continue;
      std::string_view cookie_value = Trim(pair.substr(eq + 1));
      if (cookie_value.size() >= 2 && cookie_value.front() == '"' && cookie_value.back() == '"') {
        cookie_value = cookie_value.substr(1, cookie_value.size() - 2);
      }
      return std::string(cookie_value);
    }
  }
  return std::nullopt;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

const std::string& Request::PathParam(const std::string& name) const {
  static const std::string kEmpty;
  auto it = path_params.find(name);
  return it == path_params.end() ? kEmpty : it->second;
}

Result<const identity::Principal*> Request::RequirePrincipal() const {
  if (!principal) return Unauthenticated();
  return &*principal;
}

Result<Json> Request::JsonBody() const {
  if (!IsJsonMediaType(Header("content-type"))) return internal::UnsupportedMediaType();
  // The server's parser already capped the body at max_body_bytes.
  FC_ASSIGN_OR_RETURN(Json value, ParseJson(body, {.max_bytes = body.size(), .max_depth = 32}));
  if (!value.is_object()) return InvalidArgument("request body must be a JSON object");
  return value;
}

Response Response::MakeJson(const Json& value, int status) {
  Response response;
  response.status = status;
  response.body = DumpJson(value);
  response.SetHeader("Content-Type", "application/json");
  return response;
}

Response Response::NoContent() {
  Response response;
  response.status = 204;
  return response;
}

Response Response::MakeStream(std::string content_type, std::shared_ptr<BodyStream> stream) {
  Response response;
  response.SetHeader("Content-Type", std::move(content_type));
  response.stream = std::move(stream);
  return response;
}

void Response::SetHeader(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (EqualsIgnoreCase(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace fincyber::http
