// JSON parsing with the limits every untrusted input needs. nlohmann::json is the
// model type across the code base; ParseJson is the only way untrusted bytes become
// one, so size, depth and UTF-8 limits are enforced in one place.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace fincyber {

using Json = nlohmann::json;

struct JsonLimits {
  std::size_t max_bytes = 1 << 20;
  int max_depth = 32;
};

// Errors: InvalidArgument naming the problem ("malformed JSON at byte 12: ...",
// "JSON nested deeper than 32 levels", "invalid UTF-8 at byte 7"),
// ResourceExhausted when the text exceeds max_bytes.
Result<Json> ParseJson(std::string_view text, const JsonLimits& limits = {});

// Serialises with invalid UTF-8 replaced, never throws.
std::string DumpJson(const Json& value);

// Appends `text` as a JSON string, as DumpJson writes one: quoted, '"', '\\' and the
// control characters escaped (\b \f \n \r \t by name, the others as \u00xx), invalid
// UTF-8 replaced. For output written as text, without building a Json value first.
void AppendJsonString(std::string& out, std::string_view text);

// Typed field readers for request objects. Each returns InvalidArgument naming the
// field when it is missing (required) or of the wrong type.
Result<std::string> RequireString(const Json& object, std::string_view field,
                                  std::size_t max_length = 1024);
Result<std::optional<std::string>> OptionalString(const Json& object, std::string_view field,
                                                  std::size_t max_length = 1024);
Result<bool> OptionalBool(const Json& object, std::string_view field, bool fallback);

// Lenient readers for objects already validated or of optional shape (STIX, MISP).
// The member's string; nullptr when it is missing or not a string.
const std::string* FindString(const Json& object, std::string_view name);
// The member's string; "" when it is missing or not a string.
std::string StringMember(const Json& object, std::string_view name);

// InvalidArgument listing every field of `object` not in `allowed`.
Status RejectUnknownFields(const Json& object, std::initializer_list<std::string_view> allowed);

}  // namespace fincyber
