#include "audit/internal/chain.h"

#include "base/crypto.h"

namespace fincyber::audit::internal {
namespace {

// Bumped if the field list or encoding ever changes, so old and new links can
// never be confused.
constexpr std::string_view kFormatTag = "fincyber-audit-v1;";

void AppendField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}

}  // namespace

std::string CanonicalBytes(const Record& record) {
  std::string out(kFormatTag);
  AppendField(out, record.prev_hash);
  AppendField(out, std::to_string(record.seq));
  AppendField(out, record.at);
  AppendField(out, record.actor_user_id);
  AppendField(out, record.actor_org_id);
  AppendField(out, record.action);
  AppendField(out, record.target_type);
  AppendField(out, record.target_id);
  AppendField(out, record.details);
  AppendField(out, record.remote_address);
  AppendField(out, record.request_id);
  return out;
}

std::string ComputeHash(const Record& record) { return Sha256Hex(CanonicalBytes(record)); }

}  // namespace fincyber::audit::internal
