// Names and encodings shared by the events module's sources. Private to events/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "events/events.h"
#include "store/database.h"

namespace fincyber::events::internal {

// The notification channel on which Publish wakes every replica's Dispatcher.
inline constexpr std::string_view kChannel = "fincyber_events";

// Webhook event-type filters are stored as a JSON array of strings.
std::string EncodeEventTypes(const std::vector<std::string>& types);
// Internal for text EncodeEventTypes did not write.
Result<std::vector<std::string>> DecodeEventTypes(std::string_view text);

// True when `type` is selected by `filters`: empty filters select every type; a
// filter ending in ".*" selects types starting with what precedes the '*'.
bool MatchesEventTypes(const std::vector<std::string>& filters, std::string_view type);

// An event from `SELECT id, type, org_id, payload, created_at FROM events_outbox`.
Event EventFromRow(const store::Row& row);

}  // namespace fincyber::events::internal
