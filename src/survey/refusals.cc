// Refused survey writes recorded in the audit log after their transaction rolled back.
#include "survey/internal/refusals.h"

#include <fmt/format.h>

#include "audit/audit.h"
#include "base/log.h"
#include "base/utf8.h"
#include "survey/internal/service_common.h"

namespace fincyber::survey::internal {

std::string BoundedText(std::string_view text, std::size_t max_bytes) {
  if (FindInvalidUtf8(text)) return "(not UTF-8)";
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

void AuditRefusal(store::Database& db, const Clock& clock, const identity::Principal& principal,
                  const RefusedWrite& write, const Error& error, const RequestInfo& info) {
  if (error.code() == ErrorCode::kInternal || error.code() == ErrorCode::kUnavailable) return;
  Json details = write.summary.is_object() ? write.summary : Json::object();
  details["campaign_id"] = BoundedText(write.campaign_id, 64);
  details["org_id"] = BoundedText(write.org_id, 64);
  if (!write.item_id.empty()) details["item_id"] = BoundedText(write.item_id, 64);
  details["code"] = std::string(ErrorCodeName(error.code()));
  details["reason"] = BoundedText(error.safe_message());
  const Status recorded = db.Transact([&](store::Connection& conn) -> Status {
    // Only an assignment the caller may see names its institution as the entry's owner.
    auto visible = LoadAssignment(conn, principal, write.campaign_id, write.org_id);
    const std::string owner = visible.ok() ? visible->org_id : principal.org_id;
    return audit::Append(
        conn, clock,
        {principal.user_id, owner, fmt::format("{}_refused", write.action), "survey_assignment",
         BoundedText(write.campaign_id, 64), details, info.remote_address, info.request_id});
  });
  if (!recorded.ok()) {
    log::warn("survey: refused {} not recorded in the audit log: {}", write.action,
              recorded.error().internal_message());
  }
}

}  // namespace fincyber::survey::internal
