#include "sharing/import_pipeline.h"

#include <algorithm>
#include <utility>

namespace fincyber::sharing {

std::size_t DefaultObjectsPerTransaction(store::Dialect dialect) {
  return dialect == store::Dialect::kSqlite ? 50000 : 1;
}

ImportPipeline::ImportPipeline(SharingService& hub, identity::Principal principal,
                               std::string collection_id, RequestInfo info, ImportBatching batching,
                               ReportHandler on_report)
    : hub_(hub),
      principal_(std::move(principal)),
      collection_id_(std::move(collection_id)),
      info_(std::move(info)),
      batching_(batching),
      objects_per_transaction_(batching.max_objects_per_transaction.value_or(
          DefaultObjectsPerTransaction(hub.dialect()))),
      on_report_(std::move(on_report)),
      writer_([this] { Write(); }) {}

ImportPipeline::~ImportPipeline() {
  (void)Settle();
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
  if (writer_.joinable()) writer_.join();
}

Status ImportPipeline::Add(Json object, std::string raw, std::optional<stix::Tlp> tlp_if_unmarked) {
  batch_bytes_ += raw.size();
  batch_.push_back({std::move(object), std::move(raw), tlp_if_unmarked});
  if (batch_.size() >= batching_.max_objects || batch_bytes_ >= batching_.max_bytes) {
    return Submit();
  }
  return OkStatus();
}

Status ImportPipeline::Submit() {
  if (batch_.empty()) return OkStatus();
  // Validated here, outside the lock, while the writer stores the batch before.
  ValidatedObjects validated = hub_.ValidateObjects(std::move(batch_));
  batch_.clear();
  batch_bytes_ = 0;
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] {
      return error_ || queue_.size() < std::max<std::size_t>(batching_.queued_batches, 1);
    });
    if (!error_) queue_.push_back(std::move(validated));
  }
  changed_.notify_all();
  DeliverReports();
  std::lock_guard lock(mutex_);
  return error_ ? Status(*error_) : OkStatus();
}

Status ImportPipeline::Flush() {
  FC_RETURN_IF_ERROR(Submit());
  return Settle();
}

Status ImportPipeline::Settle() {
  {
    std::unique_lock lock(mutex_);
    settling_ = true;
    changed_.notify_all();  // a writer waiting for more batches commits what it has
    changed_.wait(lock, [&] { return queue_.empty() && !writing_; });
    settling_ = false;
  }
  DeliverReports();
  std::lock_guard lock(mutex_);
  return error_ ? Status(*error_) : OkStatus();
}

void ImportPipeline::Write() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return;
    writing_ = true;
    lock.unlock();
    const auto deadline = std::chrono::steady_clock::now() + batching_.max_transaction_time;
    std::size_t objects = 0;
    std::optional<ValidatedObjects> current;
    // The transaction's next batch: the queued one, or one the reader is about to
    // queue, until the transaction is full or old, or the caller settles.
    auto next = [&]() -> const ValidatedObjects* {
      std::unique_lock next_lock(mutex_);
      // Freed by the reading thread: the writer is the slower stage, and the objects'
      // memory came from the reader's allocations.
      if (current) stored_.push_back(std::move(*current));
      current.reset();
      if (objects > 0 &&
          (objects >= objects_per_transaction_ || std::chrono::steady_clock::now() >= deadline)) {
        return nullptr;
      }
      changed_.wait_until(next_lock, deadline,
                          [&] { return !queue_.empty() || closed_ || settling_; });
      if (queue_.empty()) return nullptr;
      current.emplace(std::move(queue_.front()));
      queue_.pop_front();
      objects += current->size();
      next_lock.unlock();
      changed_.notify_all();  // a place in the queue is free
      return &*current;
    };
    Result<std::vector<AddReport>> reports =
        hub_.AddValidatedTogether(principal_, collection_id_, next, info_);
    lock.lock();
    writing_ = false;
    if (current) stored_.push_back(std::move(*current));
    if (reports.ok()) {
      for (AddReport& report : *reports) reports_.push_back(std::move(report));
    } else {
      error_ = reports.error();
      queue_.clear();
    }
    changed_.notify_all();
    if (error_) return;
  }
}

void ImportPipeline::DeliverReports() {
  std::deque<AddReport> ready;
  std::deque<ValidatedObjects> stored;
  {
    std::lock_guard lock(mutex_);
    ready.swap(reports_);
    stored.swap(stored_);
  }
  for (const AddReport& report : ready) on_report_(report);
}

}  // namespace fincyber::sharing
