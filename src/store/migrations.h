// Versioned schema migrations. Each module owns an ordered list of migrations;
// app/ collects them and calls Migrate. Applied versions are recorded per module in
// `schema_migrations`, so a module adds a migration by appending to its list.
//
// Migration SQL is written once for both backends in their common subset: TEXT,
// BIGINT, DOUBLE PRECISION, and the token AUTO_ID for an auto-increment BIGINT
// primary key. Several statements may be separated by ';'. A data change the two
// backends cannot say alike in SQL (reading values out of stored JSON) is a backfill
// function, run after the SQL in the same transaction.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.h"

namespace fincyber::store {

struct Migration {
  std::string module;
  int version;  // 1, 2, 3 ... within the module
  std::string description;
  std::string sql;
  // Null: none. Its error fails the migration like a failed statement.
  std::function<Status(Connection&)> backfill = nullptr;
};

struct MigrationReport {
  int applied = 0;
  int already_applied = 0;
};

// Applies the missing migrations in order, each in its own transaction, under a lock
// so that concurrently starting replicas never apply one twice. Errors:
// FailedPrecondition when the database records a version of a module newer than
// this program knows (a downgrade), or the migration's own error.
Result<MigrationReport> Migrate(Database& db, const std::vector<Migration>& migrations);

// AUTO_ID replaced for the dialect. Exposed for tests.
std::string TranslateDdl(std::string_view sql, Dialect dialect);

// Splits a migration's SQL on top-level ';' (not inside quotes or comments) into
// trimmed statements, dropping those that hold only whitespace and comments.
// Exposed for tests.
std::vector<std::string> SplitStatements(std::string_view sql);

}  // namespace fincyber::store
