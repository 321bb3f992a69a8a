#include "sharing/convert_indicator.h"

#include "stix/observable.h"

namespace fincyber::sharing {

std::string PatternStringLiteral(std::string_view value) {
  std::string out = "'";
  for (const char c : value) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

Result<std::string> EqualityComparison(std::string_view type, std::string_view path,
                                       std::string_view value) {
  FC_ASSIGN_OR_RETURN(stix::Observable observable, stix::NormaliseObservable(type, path, value));
  std::string out(type);
  out.push_back(':');
  out.append(path);
  out.append(" = ");
  out.append(PatternStringLiteral(observable.value));
  return out;
}

Json IndicatorDraft::ToJson() const {
  Json out = {
      {"type", "indicator"},
      {"spec_version", "2.1"},
      {"id", id},
      {"created", stix::FormatTimestamp(created)},
      {"modified", stix::FormatTimestamp(modified)},
      {"pattern", pattern},
      {"pattern_type", "stix"},
      {"pattern_version", "2.1"},
      {"valid_from", stix::FormatTimestamp(valid_from)},
  };
  if (valid_until) out["valid_until"] = stix::FormatTimestamp(*valid_until);
  if (!name.empty()) out["name"] = name;
  if (!description.empty()) out["description"] = description;
  if (!labels.empty()) out["labels"] = labels;
  if (confidence) out["confidence"] = *confidence;
  if (!object_marking_refs.empty()) out["object_marking_refs"] = object_marking_refs;
  if (!created_by_ref.empty()) out["created_by_ref"] = created_by_ref;
  return out;
}

bool IsStixIdOfType(std::string_view id, std::string_view type) {
  if (id.size() != type.size() + 2 + 36 || !id.starts_with(type) ||
      id.substr(type.size(), 2) != "--") {
    return false;
  }
  const std::string_view uuid = id.substr(type.size() + 2);
  for (std::size_t i = 0; i < uuid.size(); ++i) {
    const char c = uuid[i];
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position != (c == '-')) return false;
    if (!dash_position && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace fincyber::sharing
