#include "store/postgres/pg_sql.h"

#include <fmt/format.h>

#include "store/internal/sql_scan.h"

namespace fincyber::store::postgres {

RewrittenSql RewritePlaceholders(std::string_view sql) {
  RewrittenSql out;
  out.text.reserve(sql.size() + 16);
  std::size_t copied = 0;
  internal::ForEachCodeChar(sql, [&](std::size_t i) {
    if (sql[i] != '?') return;
    out.text.append(sql.substr(copied, i - copied));
    out.text += '$';
    out.text += std::to_string(++out.parameters);
    copied = i + 1;
  });
  out.text.append(sql.substr(copied));
  return out;
}

std::int64_t AdvisoryLockKey(std::string_view name) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : name) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return static_cast<std::int64_t>(hash);
}

std::string PayloadPrefix(std::string_view schema) {
  return fmt::format("{:016x}:", static_cast<std::uint64_t>(AdvisoryLockKey(schema)));
}

std::int64_t ScopedLockKey(std::string_view schema, std::string_view name) {
  std::string scoped(schema);
  scoped += '\0';  // not valid in either part, so distinct pairs never collide
  scoped.append(name);
  return AdvisoryLockKey(scoped);
}

ErrorCode CodeForSqlState(std::string_view sqlstate) {
  if (sqlstate == "23505") return ErrorCode::kAlreadyExists;
  if (sqlstate.starts_with("23")) return ErrorCode::kFailedPrecondition;
  if (sqlstate == "40001" || sqlstate == "40P01") return ErrorCode::kAborted;
  if (sqlstate.starts_with("08") || sqlstate.starts_with("57P") || sqlstate == "55P03") {
    return ErrorCode::kUnavailable;
  }
  return ErrorCode::kInternal;
}

}  // namespace fincyber::store::postgres
