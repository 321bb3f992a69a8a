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

// The columns of shared_objects, in order, after migration 4.
constexpr std::string_view kObjectColumns =
    "row_id, collection_id, stix_id, type, spec_version, created, modified, version, "
    "date_added, tlp, named_recipients_only, revoked, author_org, author_user, is_latest, body, "
    "source_ref, target_ref";

// Makes the reference of a stored object to its collection checked at COMMIT on SQLite.
// There a multi-row INSERT into a table with an immediate foreign key keeps a statement
// journal (a copy of every page the statement touches, to undo the statement alone),
// which took about a sixth of the writer's time in a large import; a failed statement
// ends the whole transaction anyway (store::Connection). SQLite cannot alter a
// constraint, so the table is rebuilt with its rows, row ids, indexes and row-id
// sequence. PostgreSQL keeps no such journal, and its key stays as it is.
Status CheckCollectionReferencesAtCommit(store::Connection& conn) {
  if (conn.dialect() != store::Dialect::kSqlite) return OkStatus();
  FC_ASSIGN_OR_RETURN(auto sequence,
                      conn.Query("SELECT seq FROM sqlite_sequence WHERE name = 'shared_objects'"));
  const std::int64_t last_row_id = sequence.empty() ? 0 : sequence[0].GetInt(0);
  const std::string statements[] = {
      R"sql(CREATE TABLE shared_objects_rebuilt (
  row_id INTEGER PRIMARY KEY AUTOINCREMENT,
  collection_id TEXT NOT NULL REFERENCES sharing_collections(id) DEFERRABLE INITIALLY DEFERRED,
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
  body TEXT NOT NULL,
  source_ref TEXT,
  target_ref TEXT
))sql",
      fmt::format("INSERT INTO shared_objects_rebuilt ({0}) SELECT {0} FROM shared_objects",
                  kObjectColumns),
      "DROP TABLE shared_objects",
      "ALTER TABLE shared_objects_rebuilt RENAME TO shared_objects",
      "CREATE UNIQUE INDEX shared_objects_added ON shared_objects(collection_id, date_added)",
      "CREATE INDEX shared_objects_latest ON shared_objects(collection_id, is_latest, "
      "date_added)",
      "CREATE INDEX shared_objects_type ON shared_objects(collection_id, type, date_added)",
      "CREATE UNIQUE INDEX shared_objects_id_version ON shared_objects(stix_id, collection_id, "
      "version)",
      "CREATE INDEX shared_objects_source_ref ON shared_objects(source_ref) WHERE source_ref IS "
      "NOT NULL",
      "CREATE INDEX shared_objects_target_ref ON shared_objects(target_ref) WHERE target_ref IS "
      "NOT NULL",
  };
  for (const std::string& statement : statements) FC_RETURN_IF_ERROR(conn.Execute(statement));
  // Row ids of deleted objects are not given out again.
  FC_RETURN_IF_ERROR(conn.Execute(
      "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'shared_objects'", {last_row_id}));
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
  };
}

}  // namespace fincyber::sharing
