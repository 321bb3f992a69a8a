// Large imports in two stages: the caller's thread reads, parses and validates batch n+1
// while a writer thread stores batch n, consecutive batches in one transaction
// (SharingService::AddValidatedTogether). Batches are stored in the order given, so
// date_added follows the input; at most `queued_batches` validated batches wait for the
// writer and a stored batch is freed before the next is taken, so memory stays bounded
// by the batch size whatever the size of the input, and a slow database slows the
// reader down (backpressure) instead of growing the queue.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "identity/principal.h"
#include "sharing/service.h"
#include "store/database.h"

namespace fincyber::sharing {

// Objects stored in one transaction when batches follow each other: 50,000 on SQLite,
// which writes every index page a commit touched again, so that the pages of the indexes
// keyed by random STIX ids are written once for more objects (bench/hub/README.md), and 1
// (a batch each) on PostgreSQL, whose log holds changes rather than pages and which
// measured slower with more.
std::size_t DefaultObjectsPerTransaction(store::Dialect dialect);

struct ImportBatching {
  // A batch closes at whichever comes first.
  std::size_t max_objects = 500;
  std::size_t max_bytes = 16 << 20;
  std::size_t queued_batches = 1;  // validated, waiting for the writer (at least 1)
  // The writer stores consecutive batches in one transaction (AddValidatedTogether)
  // until it holds this many objects or has been open this long, or no batch is
  // queued when the caller settles. 1 stores each batch in its own transaction.
  // Unset: DefaultObjectsPerTransaction.
  std::optional<std::size_t> max_objects_per_transaction;
  std::chrono::milliseconds max_transaction_time{1000};
};

// Not thread-safe: one thread calls Add and Flush. Reports reach `on_report` on that
// thread, inside Add or Flush, one per batch in input order, exactly as AddObjects
// returned them. The first storage error (of AddValidated) stops the writer; Add and
// Flush return it from then on, and later batches are not stored.
class ImportPipeline {
 public:
  using ReportHandler = std::function<void(const AddReport&)>;

  // `hub` must outlive the pipeline; the writer thread starts here.
  ImportPipeline(SharingService& hub, identity::Principal principal, std::string collection_id,
                 RequestInfo info, ImportBatching batching, ReportHandler on_report);
  ImportPipeline(const ImportPipeline&) = delete;
  ImportPipeline& operator=(const ImportPipeline&) = delete;
  // Settles: every full batch is stored; objects of a batch not yet full are dropped.
  ~ImportPipeline();

  // Queues one object (`tlp_if_unmarked`: see IncomingObject); when its batch is full, validates it
  // and hands it to the writer, waiting while the queue is full.
  Status Add(Json object, std::string raw, std::optional<stix::Tlp> tlp_if_unmarked = std::nullopt);
  // Stores every object given so far (the last batch possibly short), waits until it is
  // stored and returns the first error, if any. Adding may go on afterwards.
  Status Flush();
  // Waits until every full batch given so far is stored, without closing the batch
  // being filled (so that an import that stops half-way stores whole batches only).
  // Returns the first error, if any.
  Status Settle();

 private:
  Status Submit();
  void Write();
  void DeliverReports();

  SharingService& hub_;
  const identity::Principal principal_;
  const std::string collection_id_;
  const RequestInfo info_;
  const ImportBatching batching_;
  const std::size_t objects_per_transaction_;
  const ReportHandler on_report_;

  std::vector<IncomingObject> batch_;  // being filled by the caller
  std::size_t batch_bytes_ = 0;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ValidatedObjects> queue_;   // guarded by mutex_
  std::deque<AddReport> reports_;        // guarded by mutex_: stored, not yet delivered
  std::deque<ValidatedObjects> stored_;  // guarded by mutex_: stored, not yet freed
  std::optional<Error> error_;           // guarded by mutex_
  bool writing_ = false;                 // guarded by mutex_: a batch is being stored
  bool closed_ = false;                  // guarded by mutex_: no more batches will come
  bool settling_ = false;                // guarded by mutex_: a caller waits for the queue
  std::thread writer_;
};

}  // namespace fincyber::sharing
