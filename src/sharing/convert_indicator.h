// Pieces the importers share to turn simple facts (a type and a value) into STIX
// indicators: normalised comparisons for patterns, and the indicator object itself.
// Pure: no I/O.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "stix/object.h"

namespace fincyber::sharing {

// A STIX pattern string literal: quoted, with `\` and `'` escaped.
std::string PatternStringLiteral(std::string_view value);

// `type:path = 'value'` with the value normalised as stix::NormaliseObservable does
// ("Evil.Example." becomes 'evil.example'); InvalidArgument naming the value and why it
// is not one of that kind. `path` is written in pattern form ("hashes.'SHA-256'").
Result<std::string> EqualityComparison(std::string_view type, std::string_view path,
                                       std::string_view value);

// Everything an imported indicator carries; ToJson writes a STIX 2.1 indicator with
// pattern_type "stix" and only the optional properties that are set.
struct IndicatorDraft {
  std::string id;
  std::string pattern;
  stix::Timestamp created = 0;
  stix::Timestamp modified = 0;
  stix::Timestamp valid_from = 0;
  std::optional<stix::Timestamp> valid_until;
  std::string name;
  std::string description;
  std::vector<std::string> labels;
  std::optional<int> confidence;
  std::vector<std::string> object_marking_refs;
  std::string created_by_ref;
  Json ToJson() const;
};

// Makes a new object id for a STIX type; stix::NewId unless a test substitutes one.
using IdGenerator = std::function<std::string(std::string_view type)>;

// True for "<type>--<UUID>" where UUID is in the canonical 8-4-4-4-12 hex form.
bool IsStixIdOfType(std::string_view id, std::string_view type);

}  // namespace fincyber::sharing
