// The hash chain itself: what one audit_log row covers and how its hash is formed.
// Private to audit/; exposed here so the canonical form has its own unit tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fincyber::audit::internal {

// prev_hash of the first entry: there is nothing before it.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// One audit_log row exactly as stored. `details` is the stored JSON text, not a
// parsed value, so verification hashes the very bytes that were written.
struct Record {
  std::int64_t seq = 0;
  std::string at;
  std::string actor_user_id;
  std::string actor_org_id;
  std::string action;
  std::string target_type;
  std::string target_id;
  std::string details;
  std::string remote_address;
  std::string request_id;
  std::string prev_hash;
  std::string hash;
};

// The bytes the hash covers: a version tag, then prev_hash, seq and every other
// field except `hash`, each written as <decimal byte length>:<bytes>; — so no two
// different records give the same bytes, whatever the fields contain.
std::string CanonicalBytes(const Record& record);

// Lower-case hex SHA-256 of CanonicalBytes(record); `record.hash` is ignored.
std::string ComputeHash(const Record& record);

}  // namespace fincyber::audit::internal
