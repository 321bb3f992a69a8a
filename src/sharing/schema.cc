#include <fmt/format.h>

#include "sharing/internal/common.h"
#include "sharing/service.h"

namespace fincyber::sharing {
namespace {

// Fills the relationship ends of rows stored before they had columns, a page of rows at
// a time, parsing each body as ingest does.
Status BackfillRelationshipEnds(store::Connection& conn) {
  constexpr std::int64_t kPage = 1000;
  std::int64_t after_row = 0;
  while (true) {
    FC_ASSIGN_OR_RETURN(auto rows,
                        conn.Query("SELECT row_id, body FROM shared_objects WHERE type = "
                                   "'relationship' AND row_id > ? ORDER BY row_id LIMIT ?",
                                   {after_row, kPage}));
    if (rows.empty()) return OkStatus();
    store::Params values;
    for (const auto& row : rows) {
      after_row = row.GetInt(0);
      // Stored bodies were parsed and validated at ingest; one that no longer parses
      // keeps null ends and is simply not listed as anyone's relationship.
      const internal::RelationshipEnds ends =
          internal::EndsOfRelationship(Json::parse(row.GetString(1), nullptr, false));
      values.insert(values.end(), {after_row, ends.source, ends.target});
    }
    // UPDATE ... FROM (VALUES ...) is understood by both backends; VALUES names its
    // columns column1, column2, ... in both.
    FC_RETURN_IF_ERROR(internal::RunInChunks(conn, {}, 3, values, [](std::size_t n) {
      std::string values_sql;
      for (std::size_t i = 0; i < n; ++i) {
        values_sql += fmt::format("{}(CAST(? AS BIGINT), ?, ?)", i == 0 ? "" : ", ");
      }
      return fmt::format(
          "UPDATE shared_objects SET source_ref = v.column2, target_ref = v.column3 FROM "
          "(VALUES {}) AS v WHERE shared_objects.row_id = v.column1",
          values_sql);
    }));
  }
}

// Makes the reference of a stored object to its collection checked at COMMIT on SQLite.
// There a multi-row INSERT into a table with an immediate foreign key keeps a statement
// journal (a copy of every page the statement touches, to undo the statement alone),
// which took about a sixth of the writer's time in a large import; a failed statement
// ends the whole transaction anyway (store::Connection). SQLite cannot alter a
// constraint, and rebuilding the table held a copy of it in memory while the old one was
// dropped; the way SQLite documents for constraint changes that leave the stored rows as
// they are is to edit the table's definition in its schema and bump the schema version.
// PostgreSQL keeps no such journal, and its key stays as it is.
Status CheckCollectionReferencesAtCommit(store::Connection& conn) {
  if (conn.dialect() != store::Dialect::kSqlite) return OkStatus();
  constexpr std::string_view kKey = "REFERENCES sharing_collections(id)";
  constexpr std::string_view kDeferred = " DEFERRABLE INITIALLY DEFERRED";
  FC_ASSIGN_OR_RETURN(auto table, conn.QueryOne("SELECT sql FROM sqlite_master WHERE type = "
                                                "'table' AND name = 'shared_objects'",
                                                {}, "table shared_objects"));
  std::string definition = table.GetString(0);
  const std::size_t key = definition.find(kKey);
  if (key == std::string::npos || definition.find(kKey, key + 1) != std::string::npos) {
    return Internal("shared_objects: the collection key is not as migration 1 made it");
  }
  const std::size_t after_key = key + kKey.size();
  if (definition.compare(after_key, kDeferred.size(), kDeferred) == 0) return OkStatus();
  definition.insert(after_key, kDeferred);
  FC_ASSIGN_OR_RETURN(auto version, conn.QueryOne("PRAGMA schema_version", {}, "schema version"));
  FC_RETURN_IF_ERROR(conn.Execute("PRAGMA writable_schema = ON"));
  FC_RETURN_IF_ERROR(conn.Execute(
      "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'shared_objects'",
      {definition}));
  // Every connection reads the schema again, its statements compiled anew.
  FC_RETURN_IF_ERROR(
      conn.Execute(fmt::format("PRAGMA schema_version = {}", version.GetInt(0) + 1)));
  FC_RETURN_IF_ERROR(conn.Execute("PRAGMA writable_schema = OFF"));
  return OkStatus();
}

}  // namespace

// Timestamps of STIX objects (created, modified, version, date_added) are stored as
// microseconds since the epoch, so that versions compare exactly and date_added can be
// unique per collection. Observable ranges are 16-byte addresses in lower-case hex,
// which sort like the addresses.
std::vector<store::Migration> Migrations() {
  return {
      {"sharing", 1, "collections, shared objects and their versions, correlation, sightings",
       R"sql(
CREATE TABLE sharing_collections (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  alias TEXT,
  read_group_id TEXT NOT NULL,
  write_group_id TEXT NOT NULL,
  default_tlp BIGINT NOT NULL,
  created_by_org TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_date_added BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX sharing_collections_title ON sharing_collections(title);
CREATE UNIQUE INDEX sharing_collections_alias ON sharing_collections(alias);
CREATE TABLE shared_objects (
  row_id AUTO_ID,
  collection_id TEXT NOT NULL REFERENCES sharing_collections(id),
  stix_id TEXT NOT NULL,
  type TEXT NOT NULL,
  spec_version TEXT NOT NULL,
  created BIGINT,
  modified BIGINT,
  version BIGINT NOT NULL,
  date_added BIGINT NOT NULL,
  tlp BIGINT NOT NULL,
  named_recipients_only BIGINT NOT NULL,
  revoked BIGINT NOT NULL,
  author_org TEXT NOT NULL,
  author_user TEXT NOT NULL,
  is_latest BIGINT NOT NULL,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX shared_objects_version ON shared_objects(collection_id, stix_id, version);
CREATE UNIQUE INDEX shared_objects_added ON shared_objects(collection_id, date_added);
CREATE INDEX shared_objects_latest ON shared_objects(collection_id, is_latest, date_added);
CREATE INDEX shared_objects_type ON shared_objects(collection_id, type, date_added);
CREATE INDEX shared_objects_stix_id ON shared_objects(stix_id, is_latest);
CREATE TABLE shared_object_recipients (
  object_row BIGINT NOT NULL,
  org_id TEXT NOT NULL,
  PRIMARY KEY (object_row, org_id)
);
CREATE TABLE observables (
  id AUTO_ID,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  range_first TEXT NOT NULL,
  range_last TEXT NOT NULL
);
CREATE UNIQUE INDEX observables_key ON observables(key);
CREATE INDEX observables_range ON observables(kind, range_first, range_last);
CREATE TABLE object_observables (
  observable_id BIGINT NOT NULL,
  object_row BIGINT NOT NULL,
  PRIMARY KEY (observable_id, object_row)
);
CREATE INDEX object_observables_row ON object_observables(object_row);
CREATE TABLE sightings (
  object_row BIGINT PRIMARY KEY,
  sighting_of_ref TEXT NOT NULL,
  count BIGINT NOT NULL,
  first_seen BIGINT,
  last_seen BIGINT
);
CREATE INDEX sightings_of ON sightings(sighting_of_ref);
CREATE TABLE sharing_add_reports (
  id TEXT PRIMARY KEY,
  collection_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  requested_at BIGINT NOT NULL,
  total_count BIGINT NOT NULL,
  success_count BIGINT NOT NULL,
  failure_count BIGINT NOT NULL,
  details TEXT NOT NULL
)
)sql"},
      {"sharing", 2, "warning-list hits of stored indicators",
       R"sql(
CREATE TABLE shared_object_warnings (
  object_row BIGINT NOT NULL,
  list_name TEXT NOT NULL,
  entry TEXT NOT NULL,
  PRIMARY KEY (object_row, list_name)
)
)sql"},
      {"sharing", 3, "federation pull positions",
       R"sql(
CREATE TABLE sharing_sync_positions (
  api_root TEXT NOT NULL,
  remote_collection_id TEXT NOT NULL,
  local_collection_id TEXT NOT NULL,
  last_date_added TEXT NOT NULL,
  synced_at TEXT NOT NULL,
  objects BIGINT NOT NULL,
  PRIMARY KEY (api_root, remote_collection_id, local_collection_id)
)
)sql"},
      {"sharing", 4, "relationship ends in indexed columns",
       R"sql(
ALTER TABLE shared_objects ADD COLUMN source_ref TEXT;
ALTER TABLE shared_objects ADD COLUMN target_ref TEXT;
CREATE INDEX shared_objects_source_ref ON shared_objects(source_ref)
  WHERE source_ref IS NOT NULL;
CREATE INDEX shared_objects_target_ref ON shared_objects(target_ref)
  WHERE target_ref IS NOT NULL
)sql",
       BackfillRelationshipEnds},
      {"sharing", 5, "one index by STIX id instead of two",
       R"sql(
DROP INDEX shared_objects_version;
DROP INDEX shared_objects_stix_id;
CREATE UNIQUE INDEX shared_objects_id_version ON shared_objects(stix_id, collection_id, version)
)sql"},
      {"sharing", 6, "status resources pruned by age",
       R"sql(
CREATE INDEX sharing_add_reports_requested ON sharing_add_reports(requested_at)
)sql"},
      {"sharing", 7, "deletions counted per collection, for what is kept beside it",
       R"sql(
ALTER TABLE sharing_collections ADD COLUMN deletions BIGINT NOT NULL DEFAULT 0
)sql"},
      {"sharing", 8, "an object's collection checked at commit on SQLite", "",
       CheckCollectionReferencesAtCommit},
      {"sharing", 9, "ids received by federation pulls, for deletions at the remote",
       R"sql(
CREATE TABLE sharing_sync_objects (
  api_root TEXT NOT NULL,
  remote_collection_id TEXT NOT NULL,
  local_collection_id TEXT NOT NULL,
  stix_id TEXT NOT NULL,
  PRIMARY KEY (api_root, remote_collection_id, local_collection_id, stix_id)
)
)sql"},
      {"sharing", 10, "each organisation its own versions of an id",
       R"sql(
DROP INDEX shared_objects_id_version;
CREATE UNIQUE INDEX shared_objects_id_version ON shared_objects(stix_id, collection_id,
  author_org, version)
)sql"},
      {"sharing", 11, "when a federation pull last compared the remote's manifest",
       R"sql(
ALTER TABLE sharing_sync_positions ADD COLUMN deletions_checked_at TEXT NOT NULL DEFAULT ''
)sql"},
      {"sharing", 12, "federation push positions",
       R"sql(
CREATE TABLE sharing_push_positions (
  api_root TEXT NOT NULL,
  remote_collection_id TEXT NOT NULL,
  local_collection_id TEXT NOT NULL,
  last_date_added TEXT NOT NULL,
  pushed_at TEXT NOT NULL,
  objects BIGINT NOT NULL,
  PRIMARY KEY (api_root, remote_collection_id, local_collection_id)
);
CREATE INDEX sharing_sync_objects_local ON sharing_sync_objects(local_collection_id, stix_id)
)sql"},
  };
}

}  // namespace fincyber::sharing
