// Where a federation pull from another hub stopped (`fincyber hub sync`): for each
// (remote API root, remote collection, local collection), the remote's latest date added
// already stored here, so that the next pull asks only for what was added after it; and
// the ids received from it, so that what the remote deletes is deleted here too.
// The same triple names where a push to another hub stopped (`fincyber hub push`).
// Kept in the hub's database, tables `sharing_sync_positions`, `sharing_sync_objects` and
// `sharing_push_positions`.
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/result.h"
#include "identity/principal.h"
#include "sharing/service.h"
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
  // When the remote's manifest was last compared for deletions, RFC 3339; "" never.
  std::string deletions_checked_at;
};

// nullopt when this source was never pulled.
Result<std::optional<SyncPosition>> LoadSyncPosition(store::Database& db, const SyncSource& source);
// Creates or replaces the position of `source`.
Status SaveSyncPosition(store::Database& db, const SyncSource& source,
                        const SyncPosition& position);

// Remembers ids received from `source` (already remembered ones are ignored).
Status RememberSyncedIds(store::Database& db, const SyncSource& source,
                         const std::vector<std::string>& ids);

// Where a push to another hub stopped (`fincyber hub push`), kept per (remote API root,
// remote collection, local collection) in `sharing_push_positions`: the local date added
// of the last object looked at, so that the next push looks only at what was added since.
struct PushPosition {
  std::string last_date_added;  // this hub's, RFC 3339 with microseconds; "" from the start
  std::string pushed_at;        // when this position was saved, RFC 3339
  std::int64_t objects = 0;     // objects the remote accepted so far
};

// nullopt when nothing was pushed to `target` yet.
Result<std::optional<PushPosition>> LoadPushPosition(store::Database& db, const SyncSource& target);
// Creates or replaces the position of `target`.
Status SavePushPosition(store::Database& db, const SyncSource& target,
                        const PushPosition& position);

// Which of `ids` a pull from any hub brought into `local_collection_id`: a push does not
// send on what another hub shared.
Result<std::unordered_set<std::string>> IdsReceivedByPulls(store::Database& db,
                                                           std::string_view local_collection_id,
                                                           const std::vector<std::string>& ids);

struct SyncDeletions {
  std::uint64_t deleted = 0;        // ids deleted here, every version
  std::vector<std::string> failed;  // "id: why", for ids that could not be deleted
};

// TAXII has no deletion feed, so a pull compares: every id received from `source` that
// `remote_ids` (the ids of the remote collection's whole manifest) no longer lists is
// deleted from the local collection as `principal` (every version, as a TAXII DELETE
// would) and forgotten. An id already gone here is only forgotten; one that may not be
// deleted (shared here by another organisation first) is reported in `failed` and kept.
Result<SyncDeletions> DeleteWhatTheRemoteDropped(SharingService& hub, store::Database& db,
                                                 const identity::Principal& principal,
                                                 const SyncSource& source,
                                                 const std::unordered_set<std::string>& remote_ids,
                                                 const RequestInfo& info);

}  // namespace fincyber::sharing
