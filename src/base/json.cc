#include "base/json.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <set>

#include "base/utf8.h"

namespace fincyber {
namespace {

// simdjson's tree built as `out`; false when containers nest deeper than `depth` levels.
bool Build(simdjson::dom::element element, int depth, Json& out) {
  using Type = simdjson::dom::element_type;
  switch (element.type()) {
    case Type::OBJECT: {
      if (depth == 0) return false;
      // Named, not iterated as temporaries: the iterators point into them.
      const simdjson::dom::object fields = element.get_object().value_unsafe();
      out = Json::object();
      // Assigned, not emplaced: a repeated key keeps its last value, as nlohmann does.
      for (const auto field : fields) {
        if (!Build(field.value, depth - 1, out[std::string(field.key)])) return false;
      }
      return true;
    }
    case Type::ARRAY: {
      if (depth == 0) return false;
      const simdjson::dom::array items = element.get_array().value_unsafe();
      out = Json::array();
      for (const auto item : items) {
        if (!Build(item, depth - 1, out.emplace_back())) return false;
      }
      return true;
    }
    case Type::STRING:
      out = std::string(element.get_string().value_unsafe());
      return true;
    case Type::INT64:
      out = element.get_int64().value_unsafe();
      return true;
    case Type::UINT64:
      out = element.get_uint64().value_unsafe();
      return true;
    case Type::DOUBLE:
      out = element.get_double().value_unsafe();
      return true;
    case Type::BOOL:
      out = element.get_bool().value_unsafe();
      return true;
    case Type::NULL_VALUE:
      out = nullptr;
      return true;
  }
  return false;
}

// Documents up to this size reuse their thread's parser and its buffers, which grow to
// the largest seen; a larger one gets a parser of its own, so that one large body does
// not pin its memory to the thread.
constexpr std::size_t kReusedParserBytes = std::size_t{1} << 20;

// The text read by simdjson, which checks UTF-8 and syntax in one pass several times
// faster than the checks and parser below; nullopt when simdjson refuses it (malformed,
// invalid UTF-8, nested past simdjson's 1024 levels, a number beyond 64 bits) or it
// nests deeper than `max_depth`, for the slower path to accept or name the problem.
std::optional<Json> ParseFast(std::string_view text, int max_depth) {
  thread_local simdjson::dom::parser reused(kReusedParserBytes);
  std::optional<simdjson::dom::parser> own;
  simdjson::dom::parser& parser = text.size() <= kReusedParserBytes ? reused : own.emplace();
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) return std::nullopt;
  Json out;
  if (!Build(root, max_depth, out)) return std::nullopt;
  return out;
}

}  // namespace

Result<Json> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return ResourceExhausted(fmt::format("JSON body of {} bytes exceeds the limit of {} bytes",
                                         text.size(), limits.max_bytes));
  }
  if (auto fast = ParseFast(text, limits.max_depth)) return std::move(*fast);
  // What simdjson refused: named precisely, or accepted by nlohmann (numbers beyond 64
  // bits).
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

void AppendJsonString(std::string& out, std::string_view text) {
  if (FindInvalidUtf8(text)) {
    out += DumpJson(Json(std::string(text)));
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  // Bit 7 of a byte of the result is set where the byte of `word` is zero (for the word
  // as a whole exactly: nonzero when one is).
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const auto zero_bytes = [](std::uint64_t word) { return (word - kOnes) & ~word & kHighs; };
  out += '"';
  std::size_t run = 0;  // where the bytes not yet appended begin
  for (std::size_t i = 0; i < text.size(); ++i) {
    // Eight bytes at a time while none needs an escape: no control character, quote or
    // backslash among them.
    while (i + sizeof(std::uint64_t) <= text.size()) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + i, sizeof word);
      const std::uint64_t control = (word - kOnes * 0x20) & ~word & kHighs;
      if ((control | zero_bytes(word ^ (kOnes * '"')) | zero_bytes(word ^ (kOnes * '\\'))) != 0) {
        break;
      }
      i += sizeof word;
    }
    if (i == text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0x0F];
    }
  }
  out.append(text.substr(run));
  out += '"';
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

const std::string* FindString(const Json& object, std::string_view name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

std::string StringMember(const Json& object, std::string_view name) {
  const std::string* value = FindString(object, name);
  return value != nullptr ? *value : std::string();
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
