// The audit log: every change and every login in the platform, recorded append-only
// in a hash chain. Each entry's hash covers its content and the previous entry's
// hash, and a one-row head records the newest entry, so Verify can tell which entry
// was changed, deleted, reordered or inserted, and whether the newest were cut off.
//
// Thread-safety: all functions are thread-safe; appends from any number of threads
// and processes sharing the database are serialised on a database lock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "identity/principal.h"
#include "store/database.h"
#include "store/migrations.h"

namespace fincyber::audit {

// What the caller records.
struct Entry {
  std::string actor_user_id;  // "" for system/CLI actions without a user
  std::string actor_org_id;   // organisation the action belongs to (access filtering)
  std::string action;         // dotted verb: "auth.login", "org.create", "user.disable"
  std::string target_type;    // "org", "user", "token", ...
  std::string target_id;
  Json details;  // a small object (or null); never secrets
  std::string remote_address;
  std::string request_id;
};

struct StoredEntry {
  std::int64_t seq = 0;  // 1, 2, 3 ... without gaps
  std::string at;        // RFC 3339 UTC, from the Clock passed to Append
  Entry entry;           // details as stored; an unparseable value comes back as a string
  std::string prev_hash;
  std::string hash;
};

// Module "audit": tables audit_log and audit_head.
std::vector<store::Migration> Migrations();

// Appends `entry` inside the caller's transaction, so it commits or rolls back with
// the change it records. Takes the "audit_chain" lock for the rest of the
// transaction, so keep the transaction short after appending.
// Errors: InvalidArgument for an empty action, a field longer than 256 bytes, or
// details that are not an object/null or exceed 16 KiB when serialised;
// FailedPrecondition when the head row is missing; the store's errors otherwise.
Status Append(store::Connection& conn, const Clock& clock, const Entry& entry);

struct ListQuery {
  std::string action_prefix{};  // prefix of `action`, e.g. "auth."; "" for all
  std::string org_id{};         // only entries of this organisation; "" for all visible
  std::int64_t before_seq = 0;  // page backwards: only seq < before_seq; 0 from the newest
  int limit = 50;               // 1..500
};

// The entries the principal may see (identity access policy, Resource::kAuditLog),
// newest first. Errors: InvalidArgument for a limit outside 1..500 or a negative
// before_seq; the store's errors otherwise.
Result<std::vector<StoredEntry>> List(store::Database& db, const identity::Principal& principal,
                                      const ListQuery& query);

struct Problem {
  std::int64_t seq = 0;
  std::string kind;     // "changed" | "deleted" | "reordered" | "inserted" | "truncated"
  std::string message;  // e.g. "entry 42 changed", "entries 17-19 deleted"
};

struct VerifyReport {
  std::int64_t checked = 0;           // rows examined
  std::int64_t head_seq = 0;          // the head as recorded: worth keeping outside the
  std::string head_hash;              // database, since a rewrite of every later entry
                                      // and the head together is only caught that way
  std::vector<Problem> problems;      // in seq order of discovery, at most 1000
  std::int64_t problems_omitted = 0;  // problems beyond the first 1000
  bool ok() const { return problems.empty() && problems_omitted == 0; }
};

// Walks the whole log in seq order, in pages, inside one read snapshot, and reports
// every break. After a break it carries on relative to the stored hashes, so one
// edited entry yields one problem, not a cascade. Errors: FailedPrecondition when
// the head row is missing; the store's errors otherwise.
Result<VerifyReport> Verify(store::Database& db);

}  // namespace fincyber::audit
