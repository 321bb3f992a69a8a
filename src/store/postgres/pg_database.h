// The PostgreSQL backend (private to store/). Database::Open calls it for
// postgresql:// and postgres:// targets.
#pragma once

#include <memory>
#include <string_view>

#include "base/result.h"
#include "store/database.h"

namespace fincyber::store::postgres {

// `url` goes to libpq unchanged, so it may carry libpq parameters (host=,
// options=-csearch_path%3D...). Opens one connection to check the server; the
// pool grows on demand to options.pool_size. InvalidArgument for a malformed URL,
// Unavailable when the server cannot be reached.
Result<std::unique_ptr<Database>> OpenPostgres(std::string_view url, const OpenOptions& options);

}  // namespace fincyber::store::postgres
