// The SQLite backend (private to store/). Database::Open calls it for any target
// that is not a PostgreSQL URL.
#pragma once

#include <memory>
#include <string_view>

#include "base/result.h"
#include "store/database.h"

namespace fincyber::store::sqlite {

// Opens (creating if missing) the database file at `path` in WAL mode with
// options.pool_size connections for reading, one for writing and one on a thread that
// copies the log back into the file (checkpointer.h). InvalidArgument when the file
// cannot be opened or put in WAL mode (e.g. a read-only directory, ":memory:").
Result<std::unique_ptr<Database>> OpenSqlite(std::string_view path, const OpenOptions& options);

}  // namespace fincyber::store::sqlite
