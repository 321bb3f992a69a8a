#include "audit/audit.h"

#include <fmt/format.h>

#include <limits>
#include <utility>

#include "audit/internal/chain.h"
#include "audit/internal/verifier.h"
#include "identity/access.h"

namespace fincyber::audit {
namespace {

constexpr std::size_t kMaxFieldBytes = 256;
constexpr std::size_t kMaxDetailsBytes = 16 * 1024;
constexpr int kMaxListLimit = 500;
// Rows per page when verifying: bounded memory whatever the size of the log.
constexpr int kVerifyPageSize = 1000;

constexpr std::string_view kColumns =
    "seq, at, actor_user_id, actor_org_id, action, target_type, target_id, details, "
    "remote_address, request_id, prev_hash, hash";

internal::Record ToRecord(const store::Row& row) {
  internal::Record r;
  r.seq = row.GetInt(0);
  r.at = row.GetString(1);
  r.actor_user_id = row.GetString(2);
  r.actor_org_id = row.GetString(3);
  r.action = row.GetString(4);
  r.target_type = row.GetString(5);
  r.target_id = row.GetString(6);
  r.details = row.GetString(7);
  r.remote_address = row.GetString(8);
  r.request_id = row.GetString(9);
  r.prev_hash = row.GetString(10);
  r.hash = row.GetString(11);
  return r;
}

StoredEntry ToStoredEntry(internal::Record r) {
  StoredEntry out;
  out.seq = r.seq;
  out.at = std::move(r.at);
  out.entry.actor_user_id = std::move(r.actor_user_id);
  out.entry.actor_org_id = std::move(r.actor_org_id);
  out.entry.action = std::move(r.action);
  out.entry.target_type = std::move(r.target_type);
  out.entry.target_id = std::move(r.target_id);
  // Stored text is trusted to be JSON only as far as Verify says it is; a tampered
  // value is shown as the string it is rather than failing the whole listing.
  auto details = ParseJson(r.details);
  out.entry.details = details.ok() ? std::move(*details) : Json(r.details);
  out.entry.remote_address = std::move(r.remote_address);
  out.entry.request_id = std::move(r.request_id);
  out.prev_hash = std::move(r.prev_hash);
  out.hash = std::move(r.hash);
  return out;
}

Status ValidateEntry(const Entry& e) {
  std::vector<FieldProblem> problems;
  if (e.action.empty()) problems.push_back({"action", "must not be empty"});
  const std::pair<std::string_view, const std::string*> fields[] = {
      {"actor_user_id", &e.actor_user_id},
      {"actor_org_id", &e.actor_org_id},
      {"action", &e.action},
      {"target_type", &e.target_type},
      {"target_id", &e.target_id},
      {"remote_address", &e.remote_address},
      {"request_id", &e.request_id},
  };
  for (const auto& [name, value] : fields) {
    if (value->size() > kMaxFieldBytes) {
      problems.push_back({std::string(name), fmt::format("longer than {} bytes", kMaxFieldBytes)});
    }
  }
  if (!e.details.is_object() && !e.details.is_null()) {
    problems.push_back({"details", "must be an object"});
  }
  if (!problems.empty()) return InvalidArgument("invalid audit entry", std::move(problems));
  return OkStatus();
}

Result<internal::Head> ReadHead(store::Connection& conn) {
  FC_ASSIGN_OR_RETURN(
      auto row, conn.QueryOptional("SELECT last_seq, last_hash FROM audit_head WHERE id = 1"));
  if (!row) return FailedPrecondition("audit log head missing: run migrations");
  return internal::Head{row->GetInt(0), row->GetString(1)};
}

// Anomaly lookups for the verifier, inside the verifying snapshot.
class SqlChainIndex final : public internal::ChainIndex {
 public:
  explicit SqlChainIndex(store::Connection& conn) : conn_(conn) {}
  Result<std::vector<std::int64_t>> SeqsWithHash(std::string_view hash) override {
    return Seqs("SELECT seq FROM audit_log WHERE hash = ? ORDER BY seq LIMIT 4", hash);
  }
  Result<std::vector<std::int64_t>> SeqsWithPrevHash(std::string_view hash) override {
    return Seqs("SELECT seq FROM audit_log WHERE prev_hash = ? ORDER BY seq LIMIT 4", hash);
  }

 private:
  Result<std::vector<std::int64_t>> Seqs(std::string_view sql, std::string_view hash) {
    FC_ASSIGN_OR_RETURN(auto rows, conn_.Query(sql, {std::string(hash)}));
    std::vector<std::int64_t> out;
    for (const auto& row : rows) out.push_back(row.GetInt(0));
    return out;
  }
  store::Connection& conn_;
};

}  // namespace

std::vector<store::Migration> Migrations() {
  return {
      {"audit", 1, "hash-chained audit log and its head",
       fmt::format(R"sql(
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor_user_id TEXT NOT NULL,
  actor_org_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  details TEXT NOT NULL,
  remote_address TEXT NOT NULL,
  request_id TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_org_seq ON audit_log (actor_org_id, seq);
CREATE INDEX audit_log_hash ON audit_log (hash);
CREATE INDEX audit_log_prev_hash ON audit_log (prev_hash);
CREATE TABLE audit_head (
  id BIGINT PRIMARY KEY,
  last_seq BIGINT NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '{}')
)sql",
                   internal::kGenesisHash)},
  };
}

Status Append(store::Connection& conn, const Clock& clock, const Entry& entry) {
  FC_RETURN_IF_ERROR(ValidateEntry(entry));
  std::string details = entry.details.is_null() ? "{}" : DumpJson(entry.details);
  if (details.size() > kMaxDetailsBytes) {
    return InvalidArgument("invalid audit entry",
                           {{"details", fmt::format("longer than {} bytes", kMaxDetailsBytes)}});
  }

  // The head is read only after the lock is held, so two appends never claim the
  // same seq or link to the same predecessor.
  FC_RETURN_IF_ERROR(conn.LockExclusive("audit_chain"));
  FC_ASSIGN_OR_RETURN(auto head, ReadHead(conn));

  internal::Record r;
  r.seq = head.seq + 1;
  r.at = FormatRfc3339(clock.Now());
  r.actor_user_id = entry.actor_user_id;
  r.actor_org_id = entry.actor_org_id;
  r.action = entry.action;
  r.target_type = entry.target_type;
  r.target_id = entry.target_id;
  r.details = std::move(details);
  r.remote_address = entry.remote_address;
  r.request_id = entry.request_id;
  r.prev_hash = std::move(head.hash);
  r.hash = internal::ComputeHash(r);

  FC_RETURN_IF_ERROR(conn.Execute(
      fmt::format("INSERT INTO audit_log ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  kColumns),
      {r.seq, r.at, r.actor_user_id, r.actor_org_id, r.action, r.target_type, r.target_id,
       r.details, r.remote_address, r.request_id, r.prev_hash, r.hash}));
  FC_RETURN_IF_ERROR(conn.Execute("UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1",
                                  {r.seq, r.hash}));
  return OkStatus();
}

Result<std::vector<StoredEntry>> List(store::Database& db, const identity::Principal& principal,
                                      const ListQuery& query) {
  if (query.limit < 1 || query.limit > kMaxListLimit) {
    return InvalidArgument("invalid audit query",
                           {{"limit", fmt::format("must be 1 to {}", kMaxListLimit)}});
  }
  if (query.before_seq < 0) {
    return InvalidArgument("invalid audit query", {{"before_seq", "must not be negative"}});
  }
  identity::OrgFilter filter =
      identity::ReadableOrgs(principal, identity::Resource::kAuditLog, "actor_org_id");
  std::string sql = fmt::format("SELECT {} FROM audit_log WHERE {}", kColumns, filter.sql);
  store::Params params = std::move(filter.params);
  if (!query.action_prefix.empty()) {
    // substr rather than LIKE: SQLite's LIKE ignores case and both treat % and _
    // as wildcards. Both count characters in substr and length alike; the cast
    // fixes the parameter type for PostgreSQL.
    sql += " AND substr(action, 1, length(CAST(? AS TEXT))) = ?";
    params.push_back(query.action_prefix);
    params.push_back(query.action_prefix);
  }
  if (!query.org_id.empty()) {
    sql += " AND actor_org_id = ?";
    params.push_back(query.org_id);
  }
  if (query.before_seq > 0) {
    sql += " AND seq < ?";
    params.push_back(query.before_seq);
  }
  sql += " ORDER BY seq DESC LIMIT ?";
  params.push_back(static_cast<std::int64_t>(query.limit));

  return db.ReadValue<std::vector<StoredEntry>>(
      [&](store::Connection& conn) -> Result<std::vector<StoredEntry>> {
        FC_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
        std::vector<StoredEntry> out;
        out.reserve(rows.size());
        for (const auto& row : rows) out.push_back(ToStoredEntry(ToRecord(row)));
        return out;
      });
}

Result<VerifyReport> Verify(store::Database& db) {
  return db.ReadValue<VerifyReport>([](store::Connection& conn) -> Result<VerifyReport> {
    FC_ASSIGN_OR_RETURN(auto head, ReadHead(conn));
    SqlChainIndex index(conn);
    internal::ChainVerifier verifier(std::move(head), index);
    const std::string page_sql = fmt::format(
        "SELECT {} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT {}", kColumns, kVerifyPageSize);
    std::int64_t after = std::numeric_limits<std::int64_t>::min();
    while (true) {
      FC_ASSIGN_OR_RETURN(auto rows, conn.Query(page_sql, {after}));
      for (const auto& row : rows) {
        internal::Record record = ToRecord(row);
        after = record.seq;
        FC_RETURN_IF_ERROR(verifier.Add(record));
      }
      if (rows.size() < static_cast<std::size_t>(kVerifyPageSize)) break;
    }
    return std::move(verifier).Finish();
  });
}

}  // namespace fincyber::audit
