#include "events/internal/schema.h"

#include "base/json.h"

namespace fincyber::events::internal {

std::string EncodeEventTypes(const std::vector<std::string>& types) {
  return DumpJson(Json(types));
}

Result<std::vector<std::string>> DecodeEventTypes(std::string_view text) {
  const Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return Internal("webhook event_types is not a JSON array");
  std::vector<std::string> types;
  for (const Json& item : parsed) {
    if (!item.is_string()) return Internal("webhook event_types holds a non-string");
    types.push_back(item.get<std::string>());
  }
  return types;
}

bool MatchesEventTypes(const std::vector<std::string>& filters, std::string_view type) {
  if (filters.empty()) return true;
  for (const std::string& filter : filters) {
    if (filter.ends_with(".*")) {
      const std::string_view prefix = std::string_view(filter).substr(0, filter.size() - 1);
      if (type.starts_with(prefix)) return true;
    } else if (type == filter) {
      return true;
    }
  }
  return false;
}

Event EventFromRow(const store::Row& row) {
  Event event;
  event.id = row.GetInt(0);
  event.type = row.GetString(1);
  event.org_id = row.GetString(2);
  // Written by Publish with DumpJson, so it parses; a damaged row yields null.
  event.payload = Json::parse(row.GetString(3), nullptr, /*allow_exceptions=*/false);
  if (event.payload.is_discarded()) event.payload = nullptr;
  event.created_at = row.GetString(4);
  return event;
}

}  // namespace fincyber::events::internal
