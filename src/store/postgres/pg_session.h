// Session set-up shared by pooled and listening PostgreSQL connections.
#pragma once

#include <chrono>
#include <optional>
#include <string>

struct pg_conn;

namespace fincyber::store::postgres {

// Applies the session settings after every (re)connect: notices silenced, UTF8
// client encoding, lock_timeout. Returns the session's current_schema() ("" when
// no schema on the search path exists), or nullopt on failure.
std::optional<std::string> ConfigureSession(pg_conn* conn, std::chrono::milliseconds lock_timeout);

}  // namespace fincyber::store::postgres
