#include "sharing/add_queue.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "base/crypto.h"
#include "base/json.h"
#include "base/log.h"
#include "sharing/import_pipeline.h"
#include "sharing/internal/common.h"

namespace fincyber::sharing {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSpoolSuffix = ".envelope";
constexpr std::string_view kSpoolPartSuffix = ".part";
constexpr std::chrono::milliseconds kMaxRetryPause{30000};

Status SpoolError(std::string_view what, const fs::path& path, int error_number) {
  return Internal(
      fmt::format("TAXII spool: {} {}: {}", what, path.string(), std::strerror(error_number)));
}

// Writes `parts` to `path` and syncs it.
Status WriteSynced(const fs::path& path, std::initializer_list<std::string_view> parts) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return SpoolError("open", path, errno);
  for (std::string_view part : parts) {
    while (!part.empty()) {
      const ssize_t written = ::write(fd, part.data(), part.size());
      if (written < 0 && errno == EINTR) continue;
      if (written < 0) {
        const int error_number = errno;
        ::close(fd);
        return SpoolError("write", path, error_number);
      }
      part.remove_prefix(static_cast<std::size_t>(written));
    }
  }
  const int synced = ::fdatasync(fd);
  const int error_number = errno;
  ::close(fd);
  return synced == 0 ? OkStatus() : SpoolError("sync", path, error_number);
}

Status SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return SpoolError("open", dir, errno);
  const int synced = ::fsync(fd);
  const int error_number = errno;
  ::close(fd);
  return synced == 0 ? OkStatus() : SpoolError("sync", dir, error_number);
}

// The first line of a spool file: who added what, when, under which report id.
Json SpoolHeader(const AcceptedAdd& add) {
  const identity::Principal& p = add.principal;
  return {{"report_id", add.report_id},
          {"requested_at", add.requested_at},
          {"collection_id", add.collection_id},
          {"user_id", p.user_id},
          {"username", p.username},
          {"org_id", p.org_id},
          {"org_kind", identity::OrgKindName(p.org_kind)},
          {"role", identity::RoleName(p.role)},
          {"token_id", p.token_id},
          {"remote_address", add.info.remote_address},
          {"request_id", add.info.request_id}};
}

// Errors that storing again cannot mend: the add is refused as a whole.
bool IsFinal(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kFailedPrecondition:
      return true;
    default:
      return false;
  }
}

}  // namespace

struct AddQueue::Entry {
  AcceptedAdd add;
  std::size_t objects = 0;
  fs::path spool_file;  // "" when not spooled
  // Guarded by mutex_.
  bool finished = false;
  std::optional<AddReport> report;
  std::optional<Error> error;
};

AddQueue::AddQueue(SharingService& hub, const Clock& clock, AddQueueOptions options)
    : hub_(hub),
      clock_(clock),
      options_(std::move(options)),
      objects_per_transaction_(options_.max_objects_per_transaction.value_or(
          DefaultObjectsPerTransaction(hub.dialect()))) {}

Result<std::unique_ptr<AddQueue>> AddQueue::Start(SharingService& hub, const Clock& clock,
                                                  AddQueueOptions options) {
  std::unique_ptr<AddQueue> queue(new AddQueue(hub, clock, std::move(options)));
  if (!queue->options_.spool_dir.empty()) {
    FC_RETURN_IF_ERROR(queue->OpenSpool());
    FC_RETURN_IF_ERROR(queue->Replay());
  }
  queue->writer_ = std::thread([q = queue.get()] { q->Write(); });
  return queue;
}

AddQueue::~AddQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (spool_lock_fd_ >= 0) ::close(spool_lock_fd_);
}

Status AddQueue::OpenSpool() {
  const fs::path& dir = options_.spool_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return Internal(fmt::format("TAXII spool: create {}: {}", dir.string(), ec.message()));
  }
  const fs::path lock_file = dir / "lock";
  spool_lock_fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (spool_lock_fd_ < 0) return SpoolError("open", lock_file, errno);
  if (::flock(spool_lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return FailedPrecondition(
        fmt::format("the TAXII spool {} is in use by another server", dir.string()));
  }
  return OkStatus();
}

Status AddQueue::Replay() {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(options_.spool_dir, ec)) {
    const fs::path& path = item.path();
    if (path.extension() == kSpoolPartSuffix) {
      fs::remove(path, ec);  // never acknowledged: its POST was not answered
    } else if (path.extension() == kSpoolSuffix) {
      files.push_back(path);
    }
  }
  if (ec) {
    return Internal(
        fmt::format("TAXII spool: list {}: {}", options_.spool_dir.string(), ec.message()));
  }
  std::sort(files.begin(), files.end());  // names are zero-padded sequence numbers
  std::unique_lock lock(mutex_);
  std::size_t replayed = 0;
  for (const fs::path& file : files) {
    const std::uint64_t sequence = std::strtoull(file.stem().c_str(), nullptr, 10);
    next_sequence_ = std::max(next_sequence_, sequence + 1);
    std::ifstream in(file, std::ios::binary);
    std::string header_line;
    const bool read = static_cast<bool>(std::getline(in, header_line));
    const std::string envelope(std::istreambuf_iterator<char>(in), {});
    const Json header = Json::parse(header_line, nullptr, false);
    const std::string* report_id = header.is_object() ? FindString(header, "report_id") : nullptr;
    auto objects = SplitObjects(envelope, {.max_bytes = envelope.size() + 1, .max_depth = 64});
    if (!read || in.bad() || report_id == nullptr || !objects.ok()) {
      // Written by this program and synced before it was acknowledged, so a file that
      // does not read back was damaged outside it; kept aside for an operator.
      log::error("TAXII spool file {} cannot be read back; renamed to .damaged", file.string());
      fs::rename(file, fs::path(file).replace_extension(".damaged"), ec);
      continue;
    }
    FC_ASSIGN_OR_RETURN(const bool stored, hub_.AddReportExists(*report_id));
    if (stored) {  // committed, but its file outlived the commit
      fs::remove(file, ec);
      continue;
    }
    identity::Principal principal;
    principal.user_id = StringMember(header, "user_id");
    principal.username = StringMember(header, "username");
    principal.org_id = StringMember(header, "org_id");
    principal.org_kind =
        identity::ParseOrgKind(StringMember(header, "org_kind")).value_or(principal.org_kind);
    principal.role = identity::ParseRole(StringMember(header, "role")).value_or(principal.role);
    principal.token_id = StringMember(header, "token_id");
    auto entry = std::make_shared<Entry>(
        Entry{.add = {.principal = std::move(principal),
                      .collection_id = StringMember(header, "collection_id"),
                      .info = {StringMember(header, "remote_address"),
                               StringMember(header, "request_id")},
                      .report_id = *report_id,
                      .requested_at = header.value("requested_at", stix::Timestamp{0}),
                      .objects = hub_.ValidateObjects(std::move(*objects))},
              .objects = 0,
              .spool_file = file,
              .report = std::nullopt,
              .error = std::nullopt});
    entry->objects = entry->add.objects.size();
    Enqueue(std::move(entry), lock);
    ++replayed;
  }
  if (replayed > 0) log::info("TAXII spool: {} envelopes to store from the last run", replayed);
  return OkStatus();
}

Result<fs::path> AddQueue::Spool(const Entry& entry, std::string_view envelope) {
  std::uint64_t sequence = 0;
  {
    std::lock_guard lock(mutex_);
    sequence = next_sequence_++;
  }
  const fs::path& dir = options_.spool_dir;
  const std::string name = fmt::format("{:020}", sequence);
  const fs::path part = dir / (name + std::string(kSpoolPartSuffix));
  const fs::path file = dir / (name + std::string(kSpoolSuffix));
  const std::string header = DumpJson(SpoolHeader(entry.add)) + "\n";
  Status written = WriteSynced(part, {header, envelope});
  if (written.ok() && ::rename(part.c_str(), file.c_str()) != 0) {
    written = SpoolError("rename", part, errno);
  }
  if (written.ok()) written = SyncDirectory(dir);
  if (!written.ok()) {
    std::error_code ec;
    fs::remove(part, ec);
    fs::remove(file, ec);
    return written.error();
  }
  return file;
}

void AddQueue::Enqueue(std::shared_ptr<Entry> entry, std::unique_lock<std::mutex>&) {
  unfinished_objects_ += entry->objects;
  unfinished_.emplace(entry->add.report_id, entry);
  queue_.push_back(std::move(entry));
  changed_.notify_all();
}

Result<AddQueue::Accepted> AddQueue::Submit(const identity::Principal& principal,
                                            std::string_view collection_id,
                                            std::string_view envelope,
                                            std::vector<IncomingObject> objects,
                                            const RequestInfo& info) {
  const std::size_t count = objects.size();
  auto entry = std::make_shared<Entry>(
      Entry{.add = {.principal = principal,
                    .collection_id = std::string(collection_id),
                    .info = info,
                    .report_id = NewUuid(),
                    .requested_at = internal::NowMicros(clock_),
                    // Validated on the caller's thread, while the writer stores earlier envelopes.
                    .objects = hub_.ValidateObjects(std::move(objects))},
            .objects = count,
            .spool_file = {},
            .report = std::nullopt,
            .error = std::nullopt});
  {
    std::unique_lock lock(mutex_);
    const bool room = changed_.wait_for(lock, options_.max_backpressure_wait, [&] {
      return stopping_ || unfinished_objects_ == 0 ||
             unfinished_objects_ + count <= options_.max_pending_objects;
    });
    if (stopping_) return Unavailable("the server is stopping");
    if (!room) return Unavailable("too many envelopes are waiting to be stored; try again later");
  }
  const bool spooled = !options_.spool_dir.empty();
  if (spooled) {
    FC_ASSIGN_OR_RETURN(entry->spool_file, Spool(*entry, envelope));
  }

  std::unique_lock lock(mutex_);
  Enqueue(entry, lock);
  auto finished = [&] { return entry->finished; };
  if (spooled) {
    changed_.wait_for(lock, options_.wait, finished);
  } else {
    changed_.wait(lock, finished);
  }
  if (entry->error) return *entry->error;
  if (entry->finished) return Accepted{*entry->report, false};
  AddReport pending;
  pending.id = entry->add.report_id;
  pending.collection_id = entry->add.collection_id;
  pending.requested_at = entry->add.requested_at;
  pending.total_count = static_cast<std::int64_t>(count);
  return Accepted{std::move(pending), true};
}

std::optional<AddReport> AddQueue::Pending(const identity::Principal& principal,
                                           std::string_view report_id) const {
  std::lock_guard lock(mutex_);
  const auto found = unfinished_.find(std::string(report_id));
  if (found == unfinished_.end() || principal.org_id.empty() ||
      found->second->add.principal.org_id != principal.org_id) {
    return std::nullopt;
  }
  const Entry& entry = *found->second;
  AddReport pending;
  pending.id = entry.add.report_id;
  pending.collection_id = entry.add.collection_id;
  pending.requested_at = entry.add.requested_at;
  pending.total_count = static_cast<std::int64_t>(entry.objects);
  return pending;
}

void AddQueue::Write() {
  std::chrono::milliseconds pause = options_.retry_pause;
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;
    // Consecutive envelopes, whoever sent them, up to the transaction's size.
    std::vector<std::shared_ptr<Entry>> group;
    std::size_t objects = 0;
    while (!queue_.empty() &&
           (group.empty() || objects + queue_.front()->objects <= objects_per_transaction_)) {
      objects += queue_.front()->objects;
      group.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    const bool stored = Store(group);
    lock.lock();
    if (stored) {
      pause = options_.retry_pause;
      continue;
    }
    if (stopping_) {
      // Spooled envelopes wait in the spool for the next start; the others' senders
      // are told.
      for (auto& [id, entry] : unfinished_) {
        entry->finished = true;
        entry->error = Unavailable("the server stopped before the envelope was stored");
      }
      unfinished_.clear();
      unfinished_objects_ = 0;
      queue_.clear();
      changed_.notify_all();
      return;
    }
    changed_.wait_for(lock, pause, [&] { return stopping_; });
    pause = std::min(pause * 2, kMaxRetryPause);
  }
}

bool AddQueue::Store(std::vector<std::shared_ptr<Entry>>& group) {
  std::vector<const AcceptedAdd*> adds;
  for (const auto& entry : group) adds.push_back(&entry->add);
  auto reports = hub_.AddAccepted(adds, options_.max_transaction_time);
  if (reports.ok()) {
    const std::size_t stored = reports->size();
    for (std::size_t i = 0; i < stored; ++i) Finish(*group[i], std::move((*reports)[i]));
    // Those left out by the time bound are next, before anything queued since.
    std::lock_guard lock(mutex_);
    for (std::size_t j = group.size(); j-- > stored;) queue_.push_front(std::move(group[j]));
    return true;
  }
  // One envelope's refusal, or a storage error: each alone tells which.
  for (std::size_t i = 0; i < group.size(); ++i) {
    Entry& entry = *group[i];
    auto alone = group.size() == 1 ? std::move(reports) : hub_.AddAccepted({&entry.add});
    if (alone.ok()) {
      Finish(entry, std::move(alone->front()));
      continue;
    }
    if (IsFinal(alone.error())) {
      auto refused = hub_.RecordRefusedAdd(entry.add, alone.error().safe_message());
      if (refused.ok()) {
        Finish(entry, std::move(*refused));
        continue;
      }
      alone = refused.error();
    }
    if (entry.spool_file.empty()) {  // its sender waits for this answer
      Finish(entry, alone.error());
      continue;
    }
    log::warn("storing TAXII envelope {} failed; it stays queued: {}", entry.add.report_id,
              alone.error().internal_message());
    std::lock_guard lock(mutex_);
    for (std::size_t j = group.size(); j-- > i;) queue_.push_front(std::move(group[j]));
    return false;
  }
  return true;
}

void AddQueue::Finish(Entry& entry, Result<AddReport> outcome) {
  if (!entry.spool_file.empty() && outcome.ok()) {
    std::error_code ec;
    // Should this fail, the next start finds the report stored and drops the file.
    fs::remove(entry.spool_file, ec);
  }
  std::lock_guard lock(mutex_);
  entry.finished = true;
  if (outcome.ok()) {
    entry.report = std::move(*outcome);
  } else {
    entry.error = outcome.error();
  }
  unfinished_.erase(entry.add.report_id);
  unfinished_objects_ -= entry.objects;
  changed_.notify_all();
}

}  // namespace fincyber::sharing
