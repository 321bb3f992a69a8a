#include "store/postgres/pg_session.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>

namespace fincyber::store::postgres {

std::optional<std::string> ConfigureSession(PGconn* conn, std::chrono::milliseconds lock_timeout) {
  // Server notices (e.g. "relation already exists, skipping") are not errors and
  // would otherwise go to stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  if (PQsetClientEncoding(conn, "UTF8") != 0) return std::nullopt;
  // A lock wait gives up like a pool wait does (lock_timeout 0 would mean forever).
  std::string sql = fmt::format("SET lock_timeout = {}; SELECT current_schema()",
                                std::max<std::int64_t>(1, lock_timeout.count()));
  if (PQsendQuery(conn, sql.c_str()) == 0) return std::nullopt;
  std::optional<std::string> schema;
  bool failed = false;
  while (PGresult* result = PQgetResult(conn)) {
    ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_TUPLES_OK && PQntuples(result) == 1) {
      schema = PQgetisnull(result, 0, 0) ? "" : PQgetvalue(result, 0, 0);
    } else if (status != PGRES_COMMAND_OK) {
      failed = true;
    }
    PQclear(result);
  }
  if (failed) return std::nullopt;
  return schema;
}

}  // namespace fincyber::store::postgres
