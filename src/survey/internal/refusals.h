// Refused survey writes in the audit log. A refused change rolls back with its
// transaction, audit entry included, so the refusal is recorded afterwards in a write
// of its own: who tried what on which assignment and item, the error code and a short
// reason, never the refused payload beyond a bounded summary. One entry per refused
// request. Private to survey/.
#pragma once

#include <string_view>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "identity/principal.h"
#include "store/database.h"
#include "survey/service.h"

namespace fincyber::survey::internal {

// Longest text kept of any requested id, file name or reason in a refusal entry.
inline constexpr std::size_t kMaxRefusalTextBytes = 200;

struct RefusedWrite {
  std::string_view action;  // the write's own audit action, e.g. "survey.answer_save"
  std::string_view campaign_id;
  std::string_view org_id;        // as requested
  std::string_view item_id;       // "" when the write is not about one item
  Json summary = Json::object();  // bounded facts about the payload (file size, row count)
};

// `text` as valid UTF-8 of at most `max_bytes`, cut on a character boundary; text that
// is not UTF-8 becomes "(not UTF-8)".
std::string BoundedText(std::string_view text, std::size_t max_bytes = kMaxRefusalTextBytes);

// Appends "<action>_refused" for an error the caller caused (not for the store's own
// Internal/Unavailable failures). The entry belongs to the requested institution when
// the refusal came after its assignment was found, else to the caller's own
// organisation, so a probe of another institution is kept without naming it to anyone
// who could not see it. A failure to record is not the caller's error: the original
// refusal is what they get.
void AuditRefusal(store::Database& db, const Clock& clock, const identity::Principal& principal,
                  const RefusedWrite& write, const Error& error, const RequestInfo& info);

}  // namespace fincyber::survey::internal
