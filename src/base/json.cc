#include "base/json.h"

#include <fmt/format.h>

#include <set>

#include "base/utf8.h"

namespace fincyber {

Result<Json> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return ResourceExhausted(
        fmt::format("JSON body of {} bytes exceeds the limit of {} bytes", text.size(),
                    limits.max_bytes));
  }
  if (auto bad = FindInvalidUtf8(text)) {
    return InvalidArgument(fmt::format("invalid UTF-8 at byte {}", *bad));
  }
  // Depth is checked by a pre-scan before parsing: nlohmann recurses when it
  // destroys a deep tree, so a hostile "[[[[..." must never become one.
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limits.max_depth) {
        return InvalidArgument(fmt::format("JSON nested deeper than {} levels", limits.max_depth));
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    return InvalidArgument(fmt::format("malformed JSON at byte {}", e.byte));
  } catch (const std::exception& e) {
    return InvalidArgument("malformed JSON");
  }
}

std::string DumpJson(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

namespace {

Error WrongType(std::string_view field, std::string_view expected) {
  return InvalidArgument(fmt::format("field '{}' must be {}", field, expected),
                         {{std::string(field), fmt::format("must be {}", expected)}});
}

}  // namespace

Result<std::optional<std::string>> OptionalString(const Json& object, std::string_view field,
                                                  std::size_t max_length) {
  if (!object.is_object()) return InvalidArgument("request body must be a JSON object");
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return WrongType(field, "a string");
  const auto& text = it->get_ref<const std::string&>();
  if (text.size() > max_length) {
    return InvalidArgument(
        fmt::format("field '{}' is longer than {} bytes", field, max_length),
        {{std::string(field), fmt::format("longer than {} bytes", max_length)}});
  }
  return std::optional<std::string>(text);
}

Result<std::string> RequireString(const Json& object, std::string_view field,
                                  std::size_t max_length) {
  FC_ASSIGN_OR_RETURN(auto value, OptionalString(object, field, max_length));
  if (!value || value->empty()) {
    return InvalidArgument(fmt::format("field '{}' is required", field),
                           {{std::string(field), "required"}});
  }
  return std::move(*value);
}

Result<bool> OptionalBool(const Json& object, std::string_view field, bool fallback) {
  if (!object.is_object()) return InvalidArgument("request body must be a JSON object");
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return WrongType(field, "true or false");
  return it->get<bool>();
}

Status RejectUnknownFields(const Json& object, std::initializer_list<std::string_view> allowed) {
  if (!object.is_object()) return InvalidArgument("request body must be a JSON object");
  std::vector<FieldProblem> problems;
  std::set<std::string_view> known(allowed.begin(), allowed.end());
  for (const auto& [key, value] : object.items()) {
    if (!known.contains(key)) problems.push_back({key, "unknown field"});
  }
  if (problems.empty()) return OkStatus();
  std::string names;
  for (const auto& p : problems) names += (names.empty() ? "" : ", ") + p.field;
  return InvalidArgument(fmt::format("unknown field(s): {}", names), std::move(problems));
}

}  // namespace fincyber
