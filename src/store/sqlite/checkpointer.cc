#include "store/sqlite/checkpointer.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include "base/log.h"

namespace fincyber::store::sqlite {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path, int frames) {
  sqlite3* connection = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &connection,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = connection != nullptr ? sqlite3_errmsg(connection) : sqlite3_errstr(rc);
    sqlite3_close_v2(connection);
    return Error(ErrorCode::kInvalidArgument, "cannot open the database file",
                 fmt::format("sqlite checkpointer open {}: {}", path, detail));
  }
  // Reading the journal mode opens the log; a connection that has not read the database
  // yet does not know it is in WAL mode, and its checkpoints do nothing.
  char* message = nullptr;
  if (sqlite3_exec(connection, "PRAGMA journal_mode=WAL", nullptr, nullptr, &message) !=
      SQLITE_OK) {
    std::string detail = message != nullptr ? message : sqlite3_errmsg(connection);
    sqlite3_free(message);
    sqlite3_close_v2(connection);
    return Error(ErrorCode::kInvalidArgument, "cannot open the database file",
                 fmt::format("sqlite checkpointer open {}: {}", path, detail));
  }
  return std::unique_ptr<Checkpointer>(new Checkpointer(connection, frames));
}

Checkpointer::Checkpointer(sqlite3* connection, int frames)
    : connection_(connection), frames_(frames), thread_([this] { Run(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_close_v2(connection_);
}

void Checkpointer::Attach(sqlite3* writer) { sqlite3_wal_hook(writer, &OnCommit, this); }

int Checkpointer::completed() const {
  std::lock_guard lock(mutex_);
  return completed_;
}

// Called by SQLite on the writer's thread after each commit, with the log's length.
int Checkpointer::OnCommit(void* self, sqlite3* writer, const char* schema, int frames) {
  auto* checkpointer = static_cast<Checkpointer*>(self);
  if (frames >= 4 * checkpointer->frames_) {
    // What SQLite's own automatic checkpoint would do; busy when this thread is at it.
    sqlite3_wal_checkpoint_v2(writer, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (frames >= checkpointer->frames_) {
    {
      std::lock_guard lock(checkpointer->mutex_);
      checkpointer->requested_ = true;
    }
    checkpointer->wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || requested_; });
    if (stopping_) return;
    requested_ = false;
    lock.unlock();
    // Passive: copies what no reader still needs and never blocks the writer or readers.
    const int rc = sqlite3_wal_checkpoint_v2(connection_, nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                             nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
      log::warn("sqlite checkpoint failed: {}", sqlite3_errmsg(connection_));
    }
    lock.lock();
    if (rc == SQLITE_OK) ++completed_;
  }
}

}  // namespace fincyber::store::sqlite
