#include "base/json.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <optional>
#include <set>

#include "base/utf8.h"

namespace fincyber {
namespace {

// simdjson's tree as a Json; the depth was bounded before parsing.
Json ToJson(simdjson::dom::element element) {
  using Type = simdjson::dom::element_type;
  switch (element.type()) {
    case Type::OBJECT: {
      // Named, not iterated as temporaries: the iterators point into them.
      const simdjson::dom::object fields = element.get_object().value_unsafe();
      Json object = Json::object();
      // Assigned, not emplaced: a repeated key keeps its last value, as nlohmann does.
      for (const auto field : fields) object[std::string(field.key)] = ToJson(field.value);
      return object;
    }
    case Type::ARRAY: {
      const simdjson::dom::array items = element.get_array().value_unsafe();
      Json array = Json::array();
      for (const auto item : items) array.push_back(ToJson(item));
      return array;
    }
    case Type::STRING:
      return std::string(element.get_string().value_unsafe());
    case Type::INT64:
      return element.get_int64().value_unsafe();
    case Type::UINT64:
      return element.get_uint64().value_unsafe();
    case Type::DOUBLE:
      return element.get_double().value_unsafe();
    case Type::BOOL:
      return element.get_bool().value_unsafe();
    case Type::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

// Documents up to this size reuse their thread's parser and its buffers, which grow to
// the largest seen; a larger one gets a parser of its own, so that one large body does
// not pin its memory to the thread. simdjson's default depth bound (1024) is above every
// caller's limit, which the pre-scan enforces.
constexpr std::size_t kReusedParserBytes = std::size_t{1} << 20;

// The text read by simdjson, several times faster than nlohmann's parser; nullopt when
// simdjson refuses it (malformed, or a number beyond 64 bits), for nlohmann to decide.
std::optional<Json> ParseFast(std::string_view text) {
  thread_local simdjson::dom::parser reused(kReusedParserBytes);
  std::optional<simdjson::dom::parser> own;
  simdjson::dom::parser& parser = text.size() <= kReusedParserBytes ? reused : own.emplace();
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) return std::nullopt;
  return ToJson(root);
}

}  // namespace

Result<Json> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return ResourceExhausted(fmt::format("JSON body of {} bytes exceeds the limit of {} bytes",
                                         text.size(), limits.max_bytes));
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
  if (auto fast = ParseFast(text)) return std::move(*fast);
  // Also names the byte where malformed text goes wrong.
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
    return InvalidArgument(fmt::format("field '{}' is longer than {} bytes", field, max_length),
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
