// Where a federation pull from another hub stopped (`fincyber hub sync`): for each
// (remote API root, remote collection, local collection), the remote's latest date added
// already stored here, so that the next pull asks only for what was added after it.
// Kept in the hub's database, table `sharing_sync_positions`. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "store/database.h"

namespace fincyber::sharing {

struct SyncSource {
  std::string api_root;  // the remote API root URL
  std::string remote_collection_id;
  std::string local_collection_id;
};

struct SyncPosition {
  std::string last_date_added;  // the remote's X-TAXII-Date-Added-Last, RFC 3339
  std::string synced_at;        // when this position was saved, RFC 3339
  std::int64_t objects = 0;     // objects received from this source so far
};

// nullopt when this source was never pulled.
Result<std::optional<SyncPosition>> LoadSyncPosition(store::Database& db, const SyncSource& source);
// Creates or replaces the position of `source`.
Status SaveSyncPosition(store::Database& db, const SyncSource& source,
                        const SyncPosition& position);

}  // namespace fincyber::sharing
