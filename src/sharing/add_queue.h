// Additions accepted now and stored by a writer thread, so that a client sending envelope
// after envelope overlaps its next envelope with the storing of the last one, and
// consecutive envelopes share one transaction (SharingService::AddAccepted). This is
// TAXII's "pending" status resource: an envelope is answered as soon as it is durable and
// reported "complete" once stored.
//
// Durable means written to the spool directory and synced before Submit returns; the
// writer removes an envelope's file once it is committed, and a queue started on a spool
// stores what a previous run left there before anything new, in the order it was
// accepted. Without a spool nothing is acknowledged before it is stored: Submit waits.
// One spool belongs to one running server at a time (a lock file enforces it).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "identity/principal.h"
#include "sharing/envelope.h"
#include "sharing/service.h"

namespace fincyber::sharing {

struct AddQueueOptions {
  // "" : no spool, and Submit answers only once the envelope is stored.
  std::filesystem::path spool_dir{};
  // How long Submit waits for a spooled envelope to be stored before answering "pending".
  std::chrono::milliseconds wait{0};
  // Queued envelopes stored in one transaction, up to this many objects (at least one
  // envelope). Unset: 50,000 on SQLite and one envelope on PostgreSQL, as for imports
  // (ImportBatching::max_objects_per_transaction).
  std::optional<std::size_t> max_objects_per_transaction{};
  // A transaction takes no further envelope once it has been open this long, so that
  // other writes, which wait for the writer at most store::OpenOptions::busy_timeout_ms
  // (5 s), are not held longer by a full one on a slow machine.
  std::chrono::milliseconds max_transaction_time{3000};
  // Submit waits while this many objects are accepted and not stored yet (backpressure),
  // at most `max_backpressure_wait`, then answers Unavailable. Twice SQLite's transaction:
  // the next group fills while one is stored, and memory stays bounded (a validated
  // object keeps its text and what validation extracted, not its parsed tree).
  std::size_t max_pending_objects = 100000;
  std::chrono::milliseconds max_backpressure_wait{60000};
  // First pause before storing again after a storage error; doubles up to 30 s.
  std::chrono::milliseconds retry_pause{500};
};

class AddQueue {
 public:
  // Opens (creating it) and locks the spool, queues what a previous run left in it, and
  // starts the writer. FailedPrecondition when another process holds the spool; Internal
  // for a spool that cannot be read or written. `hub` must outlive the queue.
  static Result<std::unique_ptr<AddQueue>> Start(SharingService& hub, const Clock& clock,
                                                 AddQueueOptions options);
  AddQueue(const AddQueue&) = delete;
  AddQueue& operator=(const AddQueue&) = delete;
  // Stores everything queued, then stops. Should storing fail meanwhile, spooled
  // envelopes stay in the spool for the next start.
  ~AddQueue();

  struct Accepted {
    AddReport report;  // when pending, only id, collection_id, requested_at, total_count
    bool pending = false;
  };
  // Validates `objects` (split from `envelope`), spools the envelope and queues it, then
  // waits up to the configured wait for it to be stored. The checks of AddObjects apply
  // when it is stored; an envelope refused then as a whole (collection gone or no longer
  // writable) is reported with every object failed. Errors: Unavailable when the queue
  // stays full or the queue is stopping; Internal when the spool cannot be written; the
  // storage error when there is no spool.
  Result<Accepted> Submit(const identity::Principal& principal, std::string_view collection_id,
                          std::string_view envelope, std::vector<IncomingObject> objects,
                          const RequestInfo& info);

  // The pending report `report_id`, when the principal's organisation made it and it is
  // not stored yet.
  std::optional<AddReport> Pending(const identity::Principal& principal,
                                   std::string_view report_id) const;

 private:
  struct Entry;
  AddQueue(SharingService& hub, const Clock& clock, AddQueueOptions options);
  Status OpenSpool();
  Status Replay();
  Result<std::filesystem::path> Spool(const Entry& entry, std::string_view envelope);
  void Enqueue(std::shared_ptr<Entry> entry, std::unique_lock<std::mutex>& lock);
  void Write();
  // Stores `group` in one transaction, else each alone; false when storing must be
  // tried again later (the entries not finished are back at the queue's front).
  bool Store(std::vector<std::shared_ptr<Entry>>& group);
  void Finish(Entry& entry, Result<AddReport> outcome);

  SharingService& hub_;
  const Clock& clock_;
  const AddQueueOptions options_;
  const std::size_t objects_per_transaction_;
  int spool_lock_fd_ = -1;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<Entry>> queue_;  // guarded by mutex_
  // Every entry not finished, queued or being stored, by report id; guarded by mutex_.
  std::unordered_map<std::string, std::shared_ptr<Entry>> unfinished_;
  std::size_t unfinished_objects_ = 0;  // guarded by mutex_
  std::uint64_t next_sequence_ = 1;     // guarded by mutex_: orders spool files
  bool stopping_ = false;               // guarded by mutex_
  std::thread writer_;
};

}  // namespace fincyber::sharing
