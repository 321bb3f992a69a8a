#include "sharing/sync_state.h"

namespace fincyber::sharing {

Result<std::optional<SyncPosition>> LoadSyncPosition(store::Database& db,
                                                     const SyncSource& source) {
  return db.ReadValue<std::optional<SyncPosition>>(
      [&](store::Connection& conn) -> Result<std::optional<SyncPosition>> {
        FC_ASSIGN_OR_RETURN(
            auto row,
            conn.QueryOptional(
                "SELECT last_date_added, synced_at, objects FROM sharing_sync_positions "
                "WHERE api_root = ? AND remote_collection_id = ? AND "
                "local_collection_id = ?",
                {source.api_root, source.remote_collection_id, source.local_collection_id}));
        if (!row) return std::optional<SyncPosition>();
        return std::optional<SyncPosition>(
            SyncPosition{row->GetString(0), row->GetString(1), row->GetInt(2)});
      });
}

Status SaveSyncPosition(store::Database& db, const SyncSource& source,
                        const SyncPosition& position) {
  return db.Transact([&](store::Connection& conn) -> Status {
    FC_RETURN_IF_ERROR(conn.Execute(
        "INSERT INTO sharing_sync_positions (api_root, remote_collection_id, "
        "local_collection_id, last_date_added, synced_at, objects) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (api_root, remote_collection_id, local_collection_id) DO UPDATE SET "
        "last_date_added = excluded.last_date_added, synced_at = excluded.synced_at, "
        "objects = excluded.objects",
        {source.api_root, source.remote_collection_id, source.local_collection_id,
         position.last_date_added, position.synced_at, position.objects}));
    return OkStatus();
  });
}

}  // namespace fincyber::sharing
