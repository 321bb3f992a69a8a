// YAML authoring text to the same JSON value the JSON form gives, so one reader checks
// both. Private to survey/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"

namespace fincyber::survey::internal {

struct YamlLimits {
  std::size_t max_bytes = 4 << 20;
  int max_depth = 16;
  std::size_t max_nodes = 200000;
};

// One YAML document, read event by event (yaml-cpp's node graph is never built).
// Aliases, custom tags, complex keys, duplicate keys and further documents are refused,
// so an alias bomb is an error, not an expansion. Plain scalars follow the YAML 1.2 core
// schema (null, true/false, decimal integers and floats); quoted scalars are strings.
// Errors: ResourceExhausted over max_bytes or max_nodes; InvalidArgument with the line
// for malformed YAML, too deep nesting, invalid UTF-8 and the refused features.
Result<Json> YamlToJson(std::string_view text, const YamlLimits& limits = {});

// Block-style YAML of a JSON value; every string double-quoted so that "2026" or "no"
// read back as strings.
std::string JsonToYaml(const Json& value);

}  // namespace fincyber::survey::internal
