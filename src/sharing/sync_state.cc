#include "sharing/sync_state.h"

#include <fmt/format.h>

#include "sharing/internal/common.h"

namespace fincyber::sharing {

namespace {

// A position row of `table` (sharing_sync_positions or sharing_push_positions), keyed by
// the (API root, remote collection, local collection) triple: its `columns`, or nullopt.
Result<std::optional<store::Row>> LoadPositionRow(store::Database& db, std::string_view table,
                                                  std::string_view columns,
                                                  const SyncSource& source) {
  return db.ReadValue<std::optional<store::Row>>(
      [&](store::Connection& conn) -> Result<std::optional<store::Row>> {
        return conn.QueryOptional(
            fmt::format("SELECT {} FROM {} WHERE api_root = ? AND remote_collection_id = ? AND "
                        "local_collection_id = ?",
                        columns, table),
            {source.api_root, source.remote_collection_id, source.local_collection_id});
      });
}

// Creates or replaces the position row of `source` in `table`: `columns` (after the
// triple's), given `values`.
Status SavePositionRow(store::Database& db, std::string_view table,
                       const std::vector<std::string_view>& columns, const SyncSource& source,
                       store::Params values) {
  std::string names;
  std::string updates;
  for (const std::string_view column : columns) {
    names += fmt::format(", {}", column);
    updates += fmt::format("{}{} = excluded.{}", updates.empty() ? "" : ", ", column, column);
  }
  store::Params params{source.api_root, source.remote_collection_id, source.local_collection_id};
  internal::Append(params, values);
  return db.Transact([&](store::Connection& conn) -> Status {
    FC_RETURN_IF_ERROR(conn.Execute(
        fmt::format("INSERT INTO {} (api_root, remote_collection_id, local_collection_id{}) "
                    "VALUES ({}) ON CONFLICT (api_root, remote_collection_id, "
                    "local_collection_id) DO UPDATE SET {}",
                    table, names, internal::Placeholders(params.size()), updates),
        params));
    return OkStatus();
  });
}

}  // namespace

Result<std::optional<SyncPosition>> LoadSyncPosition(store::Database& db,
                                                     const SyncSource& source) {
  FC_ASSIGN_OR_RETURN(auto row, LoadPositionRow(db, "sharing_sync_positions",
                                                "last_date_added, synced_at, objects, "
                                                "deletions_checked_at",
                                                source));
  if (!row) return std::optional<SyncPosition>();
  return std::optional<SyncPosition>(
      SyncPosition{row->GetString(0), row->GetString(1), row->GetInt(2), row->GetString(3)});
}

Status SaveSyncPosition(store::Database& db, const SyncSource& source,
                        const SyncPosition& position) {
  return SavePositionRow(db, "sharing_sync_positions",
                         {"last_date_added", "synced_at", "objects", "deletions_checked_at"},
                         source,
                         {position.last_date_added, position.synced_at, position.objects,
                          position.deletions_checked_at});
}

Result<std::optional<PushPosition>> LoadPushPosition(store::Database& db,
                                                     const SyncSource& target) {
  FC_ASSIGN_OR_RETURN(auto row, LoadPositionRow(db, "sharing_push_positions",
                                                "last_date_added, pushed_at, objects", target));
  if (!row) return std::optional<PushPosition>();
  return std::optional<PushPosition>(
      PushPosition{row->GetString(0), row->GetString(1), row->GetInt(2)});
}

Status SavePushPosition(store::Database& db, const SyncSource& target,
                        const PushPosition& position) {
  return SavePositionRow(db, "sharing_push_positions", {"last_date_added", "pushed_at", "objects"},
                         target, {position.last_date_added, position.pushed_at, position.objects});
}

Result<std::unordered_set<std::string>> IdsReceivedByPulls(store::Database& db,
                                                           std::string_view local_collection_id,
                                                           const std::vector<std::string>& ids) {
  std::unordered_set<std::string> received;
  if (ids.empty()) return received;
  const store::Params ids_params(ids.begin(), ids.end());
  FC_RETURN_IF_ERROR(db.Read([&](store::Connection& conn) -> Status {
    FC_ASSIGN_OR_RETURN(
        auto rows, internal::RunInChunks(
                       conn, {std::string(local_collection_id)}, 1, ids_params, [](std::size_t n) {
                         return fmt::format(
                             "SELECT DISTINCT stix_id FROM sharing_sync_objects WHERE "
                             "local_collection_id = ? AND stix_id IN ({})",
                             internal::Placeholders(n));
                       }));
    for (const auto& row : rows) received.insert(row.GetString(0));
    return OkStatus();
  }));
  return received;
}

Status RememberSyncedIds(store::Database& db, const SyncSource& source,
                         const std::vector<std::string>& ids) {
  if (ids.empty()) return OkStatus();
  store::Params values;
  values.reserve(ids.size() * 4);
  for (const std::string& id : ids) {
    values.insert(values.end(),
                  {source.api_root, source.remote_collection_id, source.local_collection_id, id});
  }
  return db.Transact([&](store::Connection& conn) -> Status {
    FC_RETURN_IF_ERROR(internal::RunInChunks(conn, {}, 4, values, [](std::size_t n) {
      return fmt::format(
          "INSERT INTO sharing_sync_objects (api_root, remote_collection_id, "
          "local_collection_id, stix_id) VALUES {} ON CONFLICT DO NOTHING",
          internal::ValuesRows(n, 4));
    }));
    return OkStatus();
  });
}

Result<SyncDeletions> DeleteWhatTheRemoteDropped(SharingService& hub, store::Database& db,
                                                 const identity::Principal& principal,
                                                 const SyncSource& source,
                                                 const std::unordered_set<std::string>& remote_ids,
                                                 const RequestInfo& info) {
  const store::Params source_params{source.api_root, source.remote_collection_id,
                                    source.local_collection_id};
  std::vector<std::string> dropped;
  FC_RETURN_IF_ERROR(db.Read([&](store::Connection& conn) -> Status {
    FC_ASSIGN_OR_RETURN(auto rows,
                        conn.Query("SELECT stix_id FROM sharing_sync_objects WHERE api_root = ? "
                                   "AND remote_collection_id = ? AND local_collection_id = ? "
                                   "ORDER BY stix_id",
                                   source_params));
    for (const auto& row : rows) {
      std::string id = row.GetString(0);
      if (!remote_ids.contains(id)) dropped.push_back(std::move(id));
    }
    return OkStatus();
  }));
  // Forgotten together at the end: an id deleted here but still remembered after an
  // interruption is found gone next time, and then only forgotten.
  SyncDeletions deletions;
  store::Params forgotten;
  for (const std::string& id : dropped) {
    auto deleted = hub.DeleteObject(principal, source.local_collection_id, id, {}, info);
    if (!deleted.ok() && deleted.error().code() != ErrorCode::kNotFound) {
      deletions.failed.push_back(id + ": " + deleted.error().safe_message());
      continue;
    }
    if (deleted.ok()) ++deletions.deleted;
    forgotten.push_back(id);
  }
  FC_RETURN_IF_ERROR(db.Transact([&](store::Connection& conn) -> Status {
    FC_RETURN_IF_ERROR(internal::RunInChunks(conn, source_params, 1, forgotten, [](std::size_t n) {
      return fmt::format(
          "DELETE FROM sharing_sync_objects WHERE api_root = ? AND remote_collection_id = ? "
          "AND local_collection_id = ? AND stix_id IN ({})",
          internal::Placeholders(n));
    }));
    return OkStatus();
  }));
  return deletions;
}

}  // namespace fincyber::sharing
