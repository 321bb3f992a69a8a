// Pure helpers of the PostgreSQL backend, kept apart from libpq so they can be
// unit-tested without a server.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace fincyber::store::postgres {

struct RewrittenSql {
  std::string text;    // with $1..$n
  int parameters = 0;  // n
};

// Replaces each `?` placeholder with $1, $2, ... in order. A `?` inside a string
// literal, a quoted identifier or a comment is left alone.
RewrittenSql RewritePlaceholders(std::string_view sql);

// The pg_advisory_xact_lock key for a lock name: FNV-1a 64, stable across
// processes and builds so every replica maps a name to the same key.
std::int64_t AdvisoryLockKey(std::string_view name);

// PostgreSQL's notification channels and advisory locks are database-wide, but
// deployments (and parallel test runs) may share a database in separate schemas.
// So both are scoped to the session's schema: lock keys hash the schema with the
// name, and every payload carries this fixed-size prefix naming the schema, which
// listeners check and strip.
std::string PayloadPrefix(std::string_view schema);
inline constexpr std::size_t kPayloadPrefixSize = 17;
std::int64_t ScopedLockKey(std::string_view schema, std::string_view name);

// The error code for a SQLSTATE: 23505 AlreadyExists, other 23xxx
// FailedPrecondition, 40001/40P01 Aborted, 08xxx/57Pxx/55P03 (lock timeout)
// Unavailable, anything else Internal.
ErrorCode CodeForSqlState(std::string_view sqlstate);

}  // namespace fincyber::store::postgres
