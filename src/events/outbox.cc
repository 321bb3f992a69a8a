// The outbox table, its migrations and Publish.
//
// Why Publish takes a lock: on PostgreSQL an id drawn from a sequence is not a commit
// timestamp. Transaction T1 may draw id 5, T2 id 6, and T2 commit first; a dispatcher
// reading "id > 4" then sees 6, moves its cursor to 6, and never sees 5. Taking
// LockExclusive("events_outbox") before the INSERT makes every publishing transaction
// draw its id and commit while holding the lock (an advisory transaction lock is
// released only after the commit is visible), so ids become visible in increasing
// order and "id > cursor" never skips one. The price is that publishing transactions
// run one at a time from their Publish to their end, which is why callers publish
// late. SQLite serialises writers anyway.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "base/clock.h"
#include "base/json.h"
#include "events/events.h"
#include "events/internal/schema.h"

namespace fincyber::events {
namespace {

constexpr std::size_t kMaxTypeLength = 100;
constexpr std::size_t kMaxOrgIdLength = 100;

}  // namespace

std::vector<store::Migration> Migrations() {
  return {
      {"events", 1, "outbox, webhooks and webhook deliveries",
       // events_fanout holds how far webhook deliveries have been created; one row.
       // events_webhooks.from_event_id: the newest event when the hook was registered,
       // so a hook never receives events older than itself.
       R"sql(
CREATE TABLE events_outbox (
  id AUTO_ID,
  type TEXT NOT NULL,
  org_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE events_webhooks (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  event_types TEXT NOT NULL,
  all_orgs BIGINT NOT NULL,
  from_event_id BIGINT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX events_webhooks_org ON events_webhooks (org_id);
CREATE TABLE events_deliveries (
  id TEXT PRIMARY KEY,
  event_id BIGINT NOT NULL,
  webhook_id TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  next_attempt_at TEXT NOT NULL,
  locked_until TEXT,
  last_error TEXT,
  updated_at TEXT NOT NULL,
  UNIQUE (event_id, webhook_id)
);
CREATE INDEX events_deliveries_due ON events_deliveries (status, next_attempt_at);
CREATE INDEX events_deliveries_webhook ON events_deliveries (webhook_id);
CREATE TABLE events_fanout (
  id BIGINT PRIMARY KEY,
  last_event_id BIGINT NOT NULL
);
INSERT INTO events_fanout (id, last_event_id) VALUES (1, 0)
)sql"},
      {"events", 2, "events only the organisation's own webhooks receive",
       "ALTER TABLE events_outbox ADD COLUMN org_only BIGINT NOT NULL DEFAULT 0"},
  };
}

Result<std::int64_t> Publish(store::Connection& conn, const Clock& clock, std::string_view type,
                             std::string_view org_id, const Json& payload, Audience audience) {
  return PublishText(conn, clock, type, org_id, DumpJson(payload), audience);
}

Result<std::int64_t> PublishText(store::Connection& conn, const Clock& clock, std::string_view type,
                                 std::string_view org_id, std::string payload_json,
                                 Audience audience) {
  if (type.empty() || type.size() > kMaxTypeLength) {
    return InvalidArgument(fmt::format("event type must be 1 to {} characters", kMaxTypeLength));
  }
  if (org_id.size() > kMaxOrgIdLength) {
    return InvalidArgument(fmt::format("org id longer than {} characters", kMaxOrgIdLength));
  }
  FC_RETURN_IF_ERROR(conn.LockExclusive("events_outbox"));
  FC_ASSIGN_OR_RETURN(auto rows,
                      conn.Query("INSERT INTO events_outbox (type, org_id, payload, created_at, "
                                 "org_only) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                 {std::string(type), std::string(org_id), std::move(payload_json),
                                  FormatRfc3339(clock.Now()),
                                  static_cast<std::int64_t>(audience == Audience::kOrgOnly)}));
  if (rows.size() != 1) return Internal("events_outbox insert returned no id");
  const std::int64_t id = rows[0].GetInt(0);
  FC_RETURN_IF_ERROR(conn.Notify(internal::kChannel, std::to_string(id)));
  return id;
}

Result<std::vector<Event>> ReadEvents(store::Connection& conn, std::int64_t after_id,
                                      const std::vector<std::string>& types, int limit) {
  if (limit < 1 || limit > 1000 || types.empty()) {
    return InvalidArgument("read 1 to 1000 events of at least one type");
  }
  store::Params params{after_id};
  std::string placeholders;
  for (const auto& type : types) {
    placeholders += placeholders.empty() ? "?" : ", ?";
    params.push_back(type);
  }
  params.push_back(static_cast<std::int64_t>(limit));
  FC_ASSIGN_OR_RETURN(auto rows,
                      conn.Query(fmt::format("SELECT id, type, org_id, payload, created_at FROM "
                                             "events_outbox WHERE id > ? AND type IN ({}) "
                                             "ORDER BY id LIMIT ?",
                                             placeholders),
                                 params));
  std::vector<Event> events;
  events.reserve(rows.size());
  for (const auto& row : rows) events.push_back(internal::EventFromRow(row));
  return events;
}

Result<std::int64_t> NewestEventId(store::Connection& conn) {
  FC_ASSIGN_OR_RETURN(
      auto row, conn.QueryOne("SELECT COALESCE(MAX(id), 0) FROM events_outbox", {}, "outbox"));
  return row.GetInt(0);
}

Result<std::int64_t> PruneEvents(store::Database& db, TimePoint before, std::int64_t max_events) {
  constexpr std::int64_t kEventsPerTransaction = 1000;
  std::int64_t deleted = 0;
  while (deleted < max_events) {
    const std::int64_t limit = std::min(kEventsPerTransaction, max_events - deleted);
    std::int64_t deleted_now = 0;
    bool more = false;
    FC_RETURN_IF_ERROR(db.Transact([&](store::Connection& conn) -> Status {
      deleted_now = 0;
      more = false;
      FC_ASSIGN_OR_RETURN(auto fanout, conn.QueryOne("SELECT last_event_id FROM events_fanout "
                                                     "WHERE id = 1",
                                                     {}, "fan-out cursor"));
      std::int64_t up_to = fanout.GetInt(0);
      FC_ASSIGN_OR_RETURN(auto pending, conn.Query("SELECT MIN(event_id) FROM events_deliveries "
                                                   "WHERE status = 'pending'"));
      if (!pending.empty() && !pending[0].IsNull(0)) {
        up_to = std::min(up_to, pending[0].GetInt(0) - 1);
      }
      // Ids follow commit order and created_at the clock at commit, so the old events are
      // the first ones: read from the oldest until one is recent enough to keep.
      FC_ASSIGN_OR_RETURN(auto oldest, conn.Query("SELECT id, created_at FROM events_outbox "
                                                  "WHERE id <= ? ORDER BY id LIMIT ?",
                                                  {up_to, limit}));
      std::int64_t last = 0;
      for (const store::Row& row : oldest) {
        const std::optional<TimePoint> created = ParseRfc3339(row.GetString(1));
        if (!created || *created >= before) break;
        last = row.GetInt(0);
      }
      if (last == 0) return OkStatus();
      FC_RETURN_IF_ERROR(conn.Execute("DELETE FROM events_deliveries WHERE event_id <= ?", {last}));
      FC_ASSIGN_OR_RETURN(deleted_now,
                          conn.Execute("DELETE FROM events_outbox WHERE id <= ?", {last}));
      more = static_cast<std::int64_t>(oldest.size()) == limit && last == oldest.back().GetInt(0);
      return OkStatus();
    }));
    deleted += deleted_now;
    if (!more) break;
  }
  return deleted;
}

}  // namespace fincyber::events
