// The dispatcher: one thread per process runs rounds of (1) in-process subscribers,
// (2) webhook fan-out, creating a durable delivery row per matching webhook, and
// (3) due webhook deliveries.
//
// Subscribers follow an in-memory cursor: they are for this process's reactions to
// events (e.g. pushing to SSE clients), which every replica performs for itself.
// Webhook deliveries must happen once for the whole deployment, so fan-out follows a
// cursor in the database (events_fanout) and deliveries are claimed by a conditional
// UPDATE that only one replica can win. Both cursors rely on ids becoming visible in
// increasing order, which Publish guarantees (see outbox.cc).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "base/crypto.h"
#include "base/log.h"
#include "events/events.h"
#include "events/internal/schema.h"
#include "events/signature.h"

namespace fincyber::events {
namespace {

constexpr int kEventBatch = 256;
constexpr std::size_t kMaxErrorLength = 500;
// How long a claimed delivery stays reserved beyond its request timeout: a replica
// that dies mid-attempt holds it no longer than this.
constexpr std::chrono::milliseconds kLeaseMargin{60000};

// Shared with the database listener, which lives as long as the Database and so may
// outlive the Dispatcher.
struct WakeState {
  std::mutex mutex;
  std::condition_variable cv;
  bool woken = false;     // guarded by mutex
  bool stopping = false;  // guarded by mutex
};

struct SubscriberEntry {
  std::string prefix;
  Dispatcher::Subscriber subscriber;
  std::atomic<bool> active{true};
};

std::string Truncated(std::string text) {
  if (text.size() > kMaxErrorLength) text.resize(kMaxErrorLength);
  return text;
}

struct ClaimedDelivery {
  std::string id;
  std::int64_t event_id = 0;
  std::string webhook_id;
  std::int64_t attempt = 0;  // this attempt's number, 1-based; fences the result update
};

}  // namespace

class Dispatcher::Impl {
 public:
  Impl(store::Database& db, const Clock& clock, OutboundHttp& http, DispatcherOptions options)
      : db_(db), clock_(clock), http_(http), options_(options) {}

  std::int64_t Subscribe(std::string prefix, Subscriber subscriber) {
    auto entry = std::make_shared<SubscriberEntry>();
    entry->prefix = std::move(prefix);
    entry->subscriber = std::move(subscriber);
    std::lock_guard lock(subscribers_mutex_);
    const std::int64_t id = next_subscriber_id_++;
    subscribers_.emplace(id, std::move(entry));
    return id;
  }

  void Unsubscribe(std::int64_t id) {
    std::lock_guard lock(subscribers_mutex_);
    auto it = subscribers_.find(id);
    if (it == subscribers_.end()) return;
    it->second->active = false;
    subscribers_.erase(it);
  }

  Status Start() {
    std::lock_guard lock(thread_mutex_);
    if (thread_.joinable()) return OkStatus();
    if (!listening_) {
      // Listen before the first round fixes the starting point, so no event committed
      // in between goes unnoticed.
      Status listened = db_.Listen(internal::kChannel, [wake = wake_](std::string_view) {
        std::lock_guard wake_lock(wake->mutex);
        wake->woken = true;
        wake->cv.notify_one();
      });
      // Even when the server has not confirmed the subscription yet, the listener is
      // registered and must not be added twice by a later Start.
      listening_ = true;
      FC_RETURN_IF_ERROR(listened);
    }
    FC_RETURN_IF_ERROR(RunOnce());
    thread_ = std::thread([this] { Loop(); });
    return OkStatus();
  }

  void Stop() {
    std::lock_guard lock(thread_mutex_);
    if (!thread_.joinable()) return;
    {
      std::lock_guard wake_lock(wake_->mutex);
      wake_->stopping = true;
      wake_->cv.notify_one();
    }
    thread_.join();
    std::lock_guard wake_lock(wake_->mutex);
    wake_->stopping = false;
  }

  Status RunOnce() {
    std::lock_guard lock(round_mutex_);
    Status subscribers = RunSubscribers();
    Status fan_out = FanOut();
    Status deliveries = DeliverDue();
    Status pruned = PruneWhenDue();
    for (Status* status : {&subscribers, &fan_out, &deliveries, &pruned}) {
      if (!status->ok()) return std::move(*status).error();
    }
    return OkStatus();
  }

 private:
  void Loop() {
    while (true) {
      {
        std::unique_lock wake_lock(wake_->mutex);
        wake_->cv.wait_for(wake_lock, options_.poll_interval,
                           [&] { return wake_->woken || wake_->stopping; });
        if (wake_->stopping) return;
        wake_->woken = false;
      }
      Status round = RunOnce();
      if (!round.ok()) {
        log::warn("events: dispatch round failed: {}", round.error().internal_message());
      }
    }
  }

  bool Stopping() {
    std::lock_guard wake_lock(wake_->mutex);
    return wake_->stopping;
  }

  // Requires round_mutex_.
  Status RunSubscribers() {
    if (!cursor_) {
      FC_ASSIGN_OR_RETURN(
          auto newest,
          db_.ReadValue<std::int64_t>([](store::Connection& c) -> Result<std::int64_t> {
            FC_ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COALESCE(MAX(id), 0) "
                                                     "FROM events_outbox",
                                                     {}, "outbox"));
            return row.GetInt(0);
          }));
      cursor_ = newest;
      return OkStatus();
    }
    while (true) {
      FC_ASSIGN_OR_RETURN(
          auto rows, db_.ReadValue<std::vector<store::Row>>([&](store::Connection& c) {
            return c.Query(fmt::format("SELECT id, type, org_id, payload, created_at "
                                       "FROM events_outbox WHERE id > ? ORDER BY id LIMIT {}",
                                       kEventBatch),
                           {*cursor_});
          }));
      std::vector<std::shared_ptr<SubscriberEntry>> entries;
      {
        std::lock_guard lock(subscribers_mutex_);
        for (const auto& [id, entry] : subscribers_) entries.push_back(entry);
      }
      for (const store::Row& row : rows) {
        const Event event = internal::EventFromRow(row);
        for (const auto& entry : entries) {
          if (entry->active && event.type.starts_with(entry->prefix)) entry->subscriber(event);
        }
        cursor_ = event.id;
      }
      if (rows.size() < kEventBatch) return OkStatus();
    }
  }

  // Creates delivery rows for events past the shared fan-out cursor. The lock keeps
  // replicas from doing the same work at once; ON CONFLICT keeps a row unique even so.
  Status FanOut() {
    bool more = true;
    while (more) {
      FC_RETURN_IF_ERROR(db_.Transact([&](store::Connection& c) -> Status {
        FC_RETURN_IF_ERROR(c.LockExclusive("events_fanout"));
        FC_ASSIGN_OR_RETURN(auto cursor, c.QueryOne("SELECT last_event_id FROM events_fanout "
                                                    "WHERE id = 1",
                                                    {}, "fan-out cursor"));
        FC_ASSIGN_OR_RETURN(
            auto events,
            c.Query(fmt::format("SELECT id, type, org_id, org_only FROM events_outbox WHERE id > ? "
                                "ORDER BY id LIMIT {}",
                                kEventBatch),
                    {cursor.GetInt(0)}));
        more = events.size() == kEventBatch;
        if (events.empty()) return OkStatus();
        FC_ASSIGN_OR_RETURN(auto hooks, c.Query("SELECT id, org_id, event_types, all_orgs, "
                                                "from_event_id FROM events_webhooks"));
        const std::string now = FormatRfc3339(clock_.Now());
        for (const store::Row& hook : hooks) {
          FC_ASSIGN_OR_RETURN(auto types, internal::DecodeEventTypes(hook.GetString(2)));
          for (const store::Row& event : events) {
            const bool all_orgs_hook = hook.GetInt(3) != 0 && event.GetInt(3) == 0;
            const bool org_matches = all_orgs_hook || hook.GetString(1) == event.GetString(2);
            if (event.GetInt(0) <= hook.GetInt(4) || !org_matches ||
                !internal::MatchesEventTypes(types, event.GetString(1))) {
              continue;
            }
            FC_RETURN_IF_ERROR(c.Execute(
                "INSERT INTO events_deliveries (id, event_id, webhook_id, status, attempts, "
                "next_attempt_at, updated_at) VALUES (?, ?, ?, 'pending', 0, ?, ?) "
                "ON CONFLICT (event_id, webhook_id) DO NOTHING",
                {NewUuid(), event.GetInt(0), hook.GetString(0), now, now}));
          }
        }
        FC_RETURN_IF_ERROR(c.Execute("UPDATE events_fanout SET last_event_id = ? WHERE id = 1",
                                     {events.back().GetInt(0)}));
        return OkStatus();
      }));
    }
    return OkStatus();
  }

  // Requires round_mutex_. A round prunes at most kPruneEventsPerRound, so that a backlog
  // of old events does not hold up the subscribers and deliveries of the rounds after.
  Status PruneWhenDue() {
    constexpr std::int64_t kPruneEventsPerRound = 1000;
    if (options_.retention.count() == 0) return OkStatus();
    const TimePoint now = clock_.Now();
    if (!next_prune_) {  // the first round: Start() waits for it
      next_prune_ = now;
      return OkStatus();
    }
    if (now < *next_prune_) return OkStatus();
    FC_ASSIGN_OR_RETURN(std::int64_t deleted,
                        PruneEvents(db_, now - options_.retention, kPruneEventsPerRound));
    if (deleted > 0) log::info("events: pruned {} events older than the retention", deleted);
    next_prune_ = deleted == kPruneEventsPerRound ? now : now + std::chrono::hours(1);
    return OkStatus();
  }

  Status DeliverDue() {
    while (!Stopping()) {
      FC_ASSIGN_OR_RETURN(auto claimed, ClaimOne());
      if (!claimed) return OkStatus();
      FC_RETURN_IF_ERROR(Attempt(*claimed));
    }
    return OkStatus();
  }

  // Reserves the oldest due delivery for this replica. A single conditional UPDATE: on
  // PostgreSQL a racing replica waits for the winner's row lock, re-checks the WHERE
  // against the new row and updates nothing; SQLite runs writers one at a time.
  Result<std::optional<ClaimedDelivery>> ClaimOne() {
    const TimePoint now = clock_.Now();
    const std::string now_text = FormatRfc3339(now);
    const std::string lease = FormatRfc3339(now + options_.delivery_timeout + kLeaseMargin);
    FC_ASSIGN_OR_RETURN(
        auto rows, db_.TransactValue<std::vector<store::Row>>([&](store::Connection& c) {
          return c.Query(
              "UPDATE events_deliveries SET attempts = attempts + 1, locked_until = ?, "
              "updated_at = ? "
              "WHERE id = (SELECT id FROM events_deliveries WHERE status = 'pending' "
              "AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?) "
              "ORDER BY next_attempt_at, id LIMIT 1) "
              "AND status = 'pending' AND (locked_until IS NULL OR locked_until <= ?) "
              "RETURNING id, event_id, webhook_id, attempts",
              {lease, now_text, now_text, now_text, now_text});
        }));
    if (rows.empty()) return std::optional<ClaimedDelivery>();
    return std::optional<ClaimedDelivery>(ClaimedDelivery{rows[0].GetString(0), rows[0].GetInt(1),
                                                          rows[0].GetString(2), rows[0].GetInt(3)});
  }

  Status Attempt(const ClaimedDelivery& delivery) {
    FC_ASSIGN_OR_RETURN(
        auto row, db_.ReadValue<std::optional<store::Row>>([&](store::Connection& c) {
          return c.QueryOptional(
              "SELECT e.id, e.type, e.org_id, e.payload, e.created_at, w.url, w.secret "
              "FROM events_outbox e, events_webhooks w WHERE e.id = ? AND w.id = ?",
              {delivery.event_id, delivery.webhook_id});
        }));
    if (!row) {
      // The webhook was deleted after fan-out created this row.
      return db_.Transact([&](store::Connection& c) -> Status {
        FC_RETURN_IF_ERROR(c.Execute("DELETE FROM events_deliveries WHERE id = ?", {delivery.id}));
        return OkStatus();
      });
    }
    const Event event = internal::EventFromRow(*row);
    const std::string secret = row->GetString(6);
    OutboundRequest request;
    request.method = "POST";
    request.url = row->GetString(5);
    request.timeout = options_.delivery_timeout;
    request.body = DumpJson(Json{{"id", event.id},
                                 {"type", event.type},
                                 {"org_id", event.org_id},
                                 {"created_at", event.created_at},
                                 {"payload", event.payload}});
    request.headers["Content-Type"] = "application/json";
    request.headers["X-Fincyber-Event"] = event.type;
    request.headers["X-Fincyber-Delivery"] = delivery.id;
    request.headers[std::string(kSignatureHeader)] =
        SignatureHeaderValue(secret, clock_.Now(), request.body);
    Result<OutboundResponse> response = http_.Send(request);
    std::optional<std::string> failure;
    if (!response.ok()) {
      // Webhook URLs often embed the receiver's own access token, so the URL is kept
      // out of the stored error and the log.
      std::string reason = response.error().internal_message();
      for (std::size_t at = reason.find(request.url);
           at != std::string::npos && !request.url.empty(); at = reason.find(request.url, at)) {
        reason.replace(at, request.url.size(), "<webhook url>");
      }
      failure = Truncated(std::move(reason));
    } else if (response->status < 200 || response->status > 299) {
      failure = fmt::format("HTTP {}", response->status);
    }
    return RecordResult(delivery, failure);
  }

  // Fenced by the attempt number, so a replica whose lease ran out cannot overwrite
  // the outcome of a later attempt.
  Status RecordResult(const ClaimedDelivery& delivery, const std::optional<std::string>& failure) {
    const TimePoint now = clock_.Now();
    const std::string now_text = FormatRfc3339(now);
    if (!failure) {
      return db_.Transact([&](store::Connection& c) -> Status {
        FC_RETURN_IF_ERROR(
            c.Execute("UPDATE events_deliveries SET status = 'delivered', locked_until = NULL, "
                      "last_error = NULL, updated_at = ? "
                      "WHERE id = ? AND attempts = ? AND status = 'pending'",
                      {now_text, delivery.id, delivery.attempt}));
        return OkStatus();
      });
    }
    const bool give_up = delivery.attempt >= options_.max_attempts;
    log::warn("events: webhook {} delivery {} attempt {} failed{}: {}", delivery.webhook_id,
              delivery.id, delivery.attempt, give_up ? ", giving up" : "", *failure);
    const std::string next = FormatRfc3339(now + RetryDelay(delivery));
    return db_.Transact([&](store::Connection& c) -> Status {
      FC_RETURN_IF_ERROR(
          c.Execute("UPDATE events_deliveries SET status = ?, next_attempt_at = ?, "
                    "locked_until = NULL, last_error = ?, updated_at = ? "
                    "WHERE id = ? AND attempts = ? AND status = 'pending'",
                    {std::string(give_up ? "failed" : "pending"), next, *failure, now_text,
                     delivery.id, delivery.attempt}));
      return OkStatus();
    });
  }

  // first_retry doubling per attempt, capped at max_retry, less up to half of it so
  // that deliveries failing together (a receiver outage) do not retry in lockstep.
  // The jitter derives from the delivery, keeping tests deterministic.
  std::chrono::milliseconds RetryDelay(const ClaimedDelivery& delivery) const {
    const std::int64_t cap = options_.max_retry.count();
    std::int64_t delay = options_.first_retry.count();
    for (std::int64_t i = 1; i < delivery.attempt && delay < cap; ++i) delay *= 2;
    delay = std::min(delay, cap);
    const std::size_t hash =
        std::hash<std::string>{}(fmt::format("{}/{}", delivery.id, delivery.attempt));
    const std::int64_t jitter =
        delay / 2 == 0 ? 0 : static_cast<std::int64_t>(hash % static_cast<std::size_t>(delay / 2));
    return std::chrono::milliseconds(delay - jitter);
  }

  store::Database& db_;
  const Clock& clock_;
  OutboundHttp& http_;
  const DispatcherOptions options_;
  const std::shared_ptr<WakeState> wake_ = std::make_shared<WakeState>();

  std::mutex subscribers_mutex_;
  std::map<std::int64_t, std::shared_ptr<SubscriberEntry>>
      subscribers_;                      // guarded by subscribers_mutex_
  std::int64_t next_subscriber_id_ = 1;  // guarded by subscribers_mutex_

  std::mutex round_mutex_;              // one round at a time
  std::optional<std::int64_t> cursor_;  // guarded by round_mutex_; last id given to subscribers
  std::optional<TimePoint> next_prune_;  // guarded by round_mutex_; unset before the first round

  std::mutex thread_mutex_;  // serialises Start and Stop
  std::thread thread_;       // guarded by thread_mutex_
  bool listening_ = false;   // guarded by thread_mutex_
};

Dispatcher::Dispatcher(store::Database& db, const Clock& clock, OutboundHttp& http,
                       DispatcherOptions options)
    : impl_(std::make_unique<Impl>(db, clock, http, options)) {}

Dispatcher::~Dispatcher() { Stop(); }

std::int64_t Dispatcher::Subscribe(std::string type_prefix, Subscriber subscriber) {
  return impl_->Subscribe(std::move(type_prefix), std::move(subscriber));
}
void Dispatcher::Unsubscribe(std::int64_t id) { impl_->Unsubscribe(id); }
Status Dispatcher::Start() { return impl_->Start(); }
void Dispatcher::Stop() { impl_->Stop(); }
Status Dispatcher::RunOnce() { return impl_->RunOnce(); }

}  // namespace fincyber::events
