#include "identity/directory.h"

namespace fincyber::identity {

std::vector<store::Migration> Migrations() {
  return {
      {"identity", 1, "organisations, supervision, users, sessions, API tokens", R"sql(
CREATE TABLE orgs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  sector TEXT,
  name_ja TEXT NOT NULL,
  name_en TEXT NOT NULL,
  parent_id TEXT REFERENCES orgs(id),
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX orgs_name_ja ON orgs(name_ja);
CREATE UNIQUE INDEX orgs_name_en ON orgs(name_en);
CREATE INDEX orgs_kind_sector ON orgs(kind, sector);
CREATE TABLE supervision (
  bureau_id TEXT NOT NULL REFERENCES orgs(id),
  institution_id TEXT NOT NULL REFERENCES orgs(id),
  PRIMARY KEY (bureau_id, institution_id)
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  locale TEXT NOT NULL,
  disabled BIGINT NOT NULL DEFAULT 0,
  failed_logins BIGINT NOT NULL DEFAULT 0,
  locked_until TEXT,
  last_login_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX users_org ON users(org_id);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id)
)sql"},
      {"identity", 2, "trust groups", R"sql(
CREATE TABLE trust_groups (
  id TEXT PRIMARY KEY,
  name_ja TEXT NOT NULL UNIQUE,
  name_en TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE trust_group_members (
  group_id TEXT NOT NULL REFERENCES trust_groups(id),
  org_id TEXT NOT NULL REFERENCES orgs(id),
  PRIMARY KEY (group_id, org_id)
);
CREATE INDEX trust_group_members_org ON trust_group_members(org_id, group_id)
)sql"},
      // NULL: the institution takes its business category's default tier.
      {"identity", 3, "institution size tier", "ALTER TABLE orgs ADD COLUMN size_tier TEXT"},
  };
}

}  // namespace fincyber::identity
