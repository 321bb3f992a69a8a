// Domain events: a durable outbox written in the caller's transaction, delivered to
// in-process subscribers and to registered webhooks.
//
//   db.Transact([&](store::Connection& c) -> Status {
//     ... change domain rows ...
//     FC_RETURN_IF_ERROR(events::Publish(c, clock, "case.opened", org_id, {{"case_id", id}}));
//     return OkStatus();
//   });
//
// With PostgreSQL several replicas share the outbox: each publishing transaction
// queues a NOTIFY so every replica's Dispatcher wakes at once; polling is the fallback.
// Webhook deliveries are durable rows claimed by one replica at a time, so each
// attempt is made once however many replicas run.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/outbound_http.h"
#include "base/result.h"
#include "identity/principal.h"
#include "store/database.h"
#include "store/migrations.h"

namespace fincyber::events {

struct Event {
  std::int64_t id = 0;  // increases in commit order
  std::string type;     // dotted, e.g. "incident.submitted"
  // The organisation the event concerns; its webhooks receive it. Regulator-wide
  // webhooks receive every event. Empty for events that concern no organisation.
  std::string org_id;
  Json payload;
  std::string created_at;  // RFC 3339
};

// The module's schema migrations (module "events").
std::vector<store::Migration> Migrations();

// Writes the event in the caller's transaction (outbox) and queues a wake-up
// notification for every replica, sent only if the transaction commits. Serialises
// publishing transactions until they end (see outbox.cc for why), so publish late in
// a transaction. Errors: InvalidArgument for an empty or over-long type (max 100) or
// org id (max 100); storage errors as returned by the connection.
// Who beyond subscribers in the process receives the event through webhooks: the
// organisation's own webhooks and the regulator's all-organisation webhooks, or only
// the organisation's own (for events about things others may not know exist, such as
// shared objects whose visibility depends on TLP and trust groups).
enum class Audience { kOrgAndRegulator, kOrgOnly };

Result<std::int64_t> Publish(store::Connection& conn, const Clock& clock, std::string_view type,
                             std::string_view org_id, const Json& payload,
                             Audience audience = Audience::kOrgAndRegulator);
// The same with the payload given as the text of a JSON object, which the caller writes
// (AppendJsonString): a large payload, such as the objects of a TAXII envelope, costs
// less written directly than built as a Json value first.
Result<std::int64_t> PublishText(store::Connection& conn, const Clock& clock, std::string_view type,
                                 std::string_view org_id, std::string payload_json,
                                 Audience audience = Audience::kOrgAndRegulator);

// Committed events with an id above `after_id` whose type is one of `types`, oldest
// first, at most `limit` (1..1000): for readers that keep their own cursor, such as
// live streams, which resume from any id the outbox still holds (see PruneEvents).
// Ids are visible in increasing order (see Publish), so "above the last id read"
// misses none. Errors: InvalidArgument for a limit out of range or no types; storage.
Result<std::vector<Event>> ReadEvents(store::Connection& conn, std::int64_t after_id,
                                      const std::vector<std::string>& types, int limit);
// The newest event's id, 0 when there is none.
Result<std::int64_t> NewestEventId(store::Connection& conn);

// Deletes up to `max_events` of the events created before `before` that webhooks are
// done with (fanned out, with no delivery of them or of an earlier event still pending),
// oldest first, with their deliveries, in transactions of at most a thousand events. A
// reader's cursor older than what is left resumes at the oldest event kept. Returns how
// many events were deleted. Errors: storage errors (the transactions before stay
// committed).
Result<std::int64_t> PruneEvents(store::Database& db, TimePoint before, std::int64_t max_events);

struct DispatcherOptions {
  std::chrono::milliseconds poll_interval{1000};      // fallback when no notification arrives
  int max_attempts = 8;                               // webhook attempts before "failed"
  std::chrono::milliseconds first_retry{1000};        // back-off doubles from here...
  std::chrono::milliseconds max_retry{300000};        // ...up to here, minus up to half jitter
  std::chrono::milliseconds delivery_timeout{10000};  // per webhook request
  // Events older than this are pruned (PruneEvents), a thousand per round from the second
  // round on while there are more, then again an hour later; zero keeps every event.
  std::chrono::hours retention{24 * 90};
};

// Runs subscribers and webhook deliveries. One per process. Thread-safe; the
// Database, Clock and OutboundHttp must outlive it.
class Dispatcher {
 public:
  Dispatcher(store::Database& db, const Clock& clock, OutboundHttp& http,
             DispatcherOptions options = {});
  ~Dispatcher();  // Stop()s
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Must be quick and must not throw; may call Subscribe/Unsubscribe but not RunOnce,
  // Start or Stop.
  using Subscriber = std::function<void(const Event&)>;
  // `subscriber` is called on the dispatching thread for every event whose type
  // starts with `type_prefix` ("" for all), committed by any replica after the
  // dispatcher's starting point (its first Start() or RunOnce()), in id order.
  // Returns an id for Unsubscribe.
  std::int64_t Subscribe(std::string type_prefix, Subscriber subscriber);
  // After it returns the subscriber is not called again, except by a round already
  // running on another thread.
  void Unsubscribe(std::int64_t id);

  // Listens on the database's notification channel and starts the dispatcher thread,
  // which runs a round on every notification and at least every poll_interval.
  // Errors: those of the first round or of Database::Listen. Starting a started
  // dispatcher is a no-op.
  Status Start();
  // Wakes and joins the thread; a webhook request in flight finishes first.
  void Stop();

  // Runs one round synchronously: subscribers up to the newest event, webhook fan-out,
  // due webhook deliveries, then pruning when it is due. The first round (here or in
  // Start) fixes the subscribers' starting point: they receive nothing, and nothing is
  // pruned, so starting is not held up by old events. Errors: storage errors; webhook
  // failures are recorded on the delivery, not returned.
  Status RunOnce();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

struct Webhook {
  std::string id;
  std::string org_id;  // the owning organisation
  std::string url;
  // Types delivered: exact names or prefixes ending in ".*"; empty means every type.
  std::vector<std::string> event_types;
  // Registered by the coordination office for its own organisation: receives the
  // events of every organisation, not only its own.
  bool all_orgs = false;
  std::string created_at;
};

struct NewWebhook {
  std::string org_id;
  std::string url;
  std::vector<std::string> event_types;
};

// Registers a webhook receiving events from now on. Returns the webhook and its
// signing secret, which is shown only here. Errors: PermissionDenied unless the
// principal manages `org_id` (coordination office: any organisation; institution
// admin: its own); InvalidArgument for a URL that is not http(s), longer than 2048
// characters or carries credentials, or for malformed event types (at most 50).
// Runs in the caller's transaction, so the change commits with its audit entry.
Result<std::pair<Webhook, std::string>> RegisterWebhook(store::Connection& conn, const Clock& clock,
                                                        const identity::Principal& principal,
                                                        const NewWebhook& hook);

// The webhooks the principal manages, oldest first. Errors: PermissionDenied for
// roles that manage none.
Result<std::vector<Webhook>> ListWebhooks(store::Database& db,
                                          const identity::Principal& principal);

// Deletes a webhook and its pending deliveries. Errors: PermissionDenied for roles
// that manage none; NotFound when absent or of an organisation the principal does
// not manage.
Status DeleteWebhook(store::Connection& conn, const identity::Principal& principal,
                     std::string_view id);

}  // namespace fincyber::events
