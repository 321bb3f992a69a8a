#include "sharing/service.h"

namespace fincyber::sharing {

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
  };
}

}  // namespace fincyber::sharing
