#include "store/sqlite/sqlite_database.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/log.h"
#include "store/internal/basic_connection.h"
#include "store/internal/listeners.h"
#include "store/internal/sql_scan.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/file_hub.h"

namespace fincyber::store::sqlite {

namespace {

using Deadline = std::chrono::steady_clock::time_point;

// Modules use a fixed set of statements; the bound only guards against a caller
// that builds SQL text dynamically.
constexpr std::size_t kMaxCachedStatements = 512;
constexpr std::size_t kSqlInMessages = 300;

std::string_view Shorten(std::string_view sql) { return sql.substr(0, kSqlInMessages); }

Error MapError(int code, std::string_view message, std::string_view sql) {
  std::string internal = fmt::format("sqlite error {} ({}): {}; sql: {}", code,
                                     sqlite3_errstr(code), message, Shorten(sql));
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Error(ErrorCode::kAlreadyExists, "already exists", std::move(internal));
    case SQLITE_BUSY_SNAPSHOT:
      return Error(ErrorCode::kAborted, "transaction conflict", std::move(internal));
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      return Error(ErrorCode::kFailedPrecondition, "conflicts with existing data",
                   std::move(internal));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error(ErrorCode::kUnavailable, "database busy", std::move(internal));
    default:
      return Internal(std::move(internal));
  }
}

class SqliteConnection final : public internal::BasicConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  sqlite3* handle() const { return db_; }

  // BEGIN / COMMIT / ROLLBACK, outside the per-transaction failure tracking.
  Status Control(std::string_view sql) { return Run(sql, {}, nullptr, /*check_read_only=*/false); }
  Status Begin(std::string_view sql) { return Control(sql); }

  // Rolls back if a transaction is open; a failure is only logged because the
  // caller is already returning the error that caused the rollback.
  void RollbackIfOpen() {
    pending_.clear();
    if (sqlite3_get_autocommit(db_)) return;
    if (auto status = Control("ROLLBACK"); !status.ok()) {
      log::warn("sqlite rollback failed: {}", status.error().internal_message());
    }
  }

  std::vector<Notification> TakeNotifications() { return std::exchange(pending_, {}); }

 protected:
  Result<std::vector<Row>> DoQuery(std::string_view sql, const Params& params) override {
    std::vector<Row> rows;
    FC_RETURN_IF_ERROR(Run(sql, params, &rows, /*check_read_only=*/true));
    return rows;
  }

  Result<std::int64_t> DoExecute(std::string_view sql, const Params& params) override {
    // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so a
    // statement that changed nothing (DDL, SELECT) must not report it again.
    const sqlite3_int64 total_before = sqlite3_total_changes64(db_);
    FC_RETURN_IF_ERROR(Run(sql, params, nullptr, /*check_read_only=*/true));
    if (sqlite3_total_changes64(db_) == total_before) return std::int64_t{0};
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
  }

  // Write transactions are already serialised by BEGIN IMMEDIATE.
  Status DoLockExclusive(std::string_view) override { return OkStatus(); }

  // Delivered by the Database after COMMIT succeeds. Like PostgreSQL, identical
  // notifications within one transaction are delivered once.
  Status DoNotify(std::string_view channel, std::string_view payload) override {
    Notification note{std::string(channel), std::string(payload)};
    if (std::find(pending_.begin(), pending_.end(), note) == pending_.end()) {
      pending_.push_back(std::move(note));
    }
    return OkStatus();
  }

 private:
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    if (auto it = cache_.find(std::string(sql)); it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxCachedStatements) {
      for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
      cache_.clear();
    }
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return MapError(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_), sql);
    if (stmt == nullptr) return Internal(fmt::format("empty statement: {}", Shorten(sql)));
    // One statement per call, as with PostgreSQL's prepared statements; anything
    // after it but whitespace and ';' would otherwise be silently ignored.
    std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
    bool extra = false;
    internal::ForEachCodeChar(rest, [&](std::size_t i) {
      char c = rest[i];
      extra = extra || !(c == ';' || c == ' ' || c == '\n' || c == '\t' || c == '\r');
    });
    if (extra) {
      sqlite3_finalize(stmt);
      return Internal(fmt::format("more than one statement: {}", Shorten(sql)));
    }
    cache_.emplace(std::string(sql), stmt);
    return stmt;
  }

  Status Bind(sqlite3_stmt* stmt, const Params& params, std::string_view sql) {
    int expected = sqlite3_bind_parameter_count(stmt);
    if (static_cast<std::size_t>(expected) != params.size()) {
      return Internal(fmt::format("statement takes {} parameters, {} given: {}", expected,
                                  params.size(), Shorten(sql)));
    }
    for (int i = 0; i < expected; ++i) {
      const Value& v = params[static_cast<std::size_t>(i)];
      int rc = SQLITE_OK;
      // SQLITE_STATIC: `params` outlives the statement's use, and bindings are
      // cleared before Run returns.
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, i + 1, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, i + 1, *d);
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        rc = sqlite3_bind_text64(stmt, i + 1, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(stmt, i + 1);
      }
      if (rc != SQLITE_OK) return MapError(rc, sqlite3_errmsg(db_), sql);
    }
    return OkStatus();
  }

  static Value ColumnValue(sqlite3_stmt* stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER:
        return static_cast<std::int64_t>(sqlite3_column_int64(stmt, i));
      case SQLITE_FLOAT:
        return sqlite3_column_double(stmt, i);
      case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
      }
      case SQLITE_BLOB: {
        const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt, i));
        auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt, i));
        return size == 0 ? std::string() : std::string(blob, size);
      }
      default:
        return nullptr;
    }
  }

  Status Run(std::string_view sql, const Params& params, std::vector<Row>* rows,
             bool check_read_only) {
    FC_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    struct ResetOnExit {
      sqlite3_stmt* stmt;
      ~ResetOnExit() {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
      }
    } reset{stmt};
    if (check_read_only && read_only() && !sqlite3_stmt_readonly(stmt)) {
      return Internal(fmt::format("write statement in a read-only transaction: {}", Shorten(sql)));
    }
    FC_RETURN_IF_ERROR(Bind(stmt, params, sql));
    const int columns = sqlite3_column_count(stmt);
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return OkStatus();
      if (rc != SQLITE_ROW)
        return MapError(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_), sql);
      if (rows == nullptr) continue;
      std::vector<Value> values;
      values.reserve(static_cast<std::size_t>(columns));
      for (int i = 0; i < columns; ++i) values.push_back(ColumnValue(stmt, i));
      rows->emplace_back(std::move(values));
    }
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  std::vector<Notification> pending_;
};

// Connections lent one at a time. Thread-safe.
class Pool {
 public:
  void Add(std::unique_ptr<SqliteConnection> connection) {
    std::lock_guard lock(mutex_);
    idle_.push_back(connection.get());
    all_.push_back(std::move(connection));
  }

  // Returns a connection to the pool when destroyed.
  class Lease {
   public:
    Lease(Pool* pool, SqliteConnection* connection) : pool_(pool), connection_(connection) {}
    Lease(Lease&& other) noexcept
        : pool_(other.pool_), connection_(std::exchange(other.connection_, nullptr)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() { Release(); }
    SqliteConnection& operator*() const { return *connection_; }
    void Release() {
      if (connection_ != nullptr) pool_->Return(std::exchange(connection_, nullptr));
    }

   private:
    Pool* pool_;
    SqliteConnection* connection_;
  };

  Result<Lease> Acquire(Deadline deadline) {
    std::unique_lock lock(mutex_);
    if (!available_.wait_until(lock, deadline, [this] { return !idle_.empty(); })) {
      return Unavailable("database busy", "timed out waiting for a free sqlite connection");
    }
    SqliteConnection* connection = idle_.back();
    idle_.pop_back();
    return Lease(this, connection);
  }

 private:
  void Return(SqliteConnection* connection) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(connection);
    }
    available_.notify_one();
  }

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<SqliteConnection*> idle_;                 // guarded by mutex_
  std::vector<std::unique_ptr<SqliteConnection>> all_;  // guarded by mutex_
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(const OpenOptions& options, std::shared_ptr<FileHub> hub)
      : busy_timeout_(options.busy_timeout_ms), hub_(std::move(hub)) {}

  ~SqliteDatabase() override {
    std::lock_guard lock(dispatcher_mutex_);
    if (dispatcher_) hub_->Unsubscribe(dispatcher_.get());
  }

  Pool& pool() { return pool_; }
  // Used only under the file's writer lock, so by one transaction at a time.
  void SetWriterConnection(std::unique_ptr<SqliteConnection> connection,
                           std::unique_ptr<Checkpointer> checkpointer) {
    checkpointer_ = std::move(checkpointer);
    checkpointer_->Attach(connection->handle());
    writer_connection_ = std::move(connection);
  }
  Dialect dialect() const override { return Dialect::kSqlite; }

  Status Transact(const std::function<Status(Connection&)>& body) override {
    const Deadline deadline = std::chrono::steady_clock::now() + busy_timeout_;
    std::unique_lock writer(hub_->writer(), std::defer_lock);
    if (!writer.try_lock_until(deadline)) {
      return Unavailable("database busy", "timed out waiting for the sqlite writer lock");
    }
    FC_RETURN_IF_ERROR(
        internal::RunTransaction(*writer_connection_, "BEGIN IMMEDIATE", false, body));
    std::vector<Notification> notifications = writer_connection_->TakeNotifications();
    // Listeners run only after the commit, with neither the connection nor the
    // writer lock held, on each handle's dispatcher thread.
    writer.unlock();
    if (!notifications.empty()) hub_->Publish(notifications);
    return OkStatus();
  }

  Status Read(const std::function<Status(Connection&)>& body) override {
    const Deadline deadline = std::chrono::steady_clock::now() + busy_timeout_;
    FC_ASSIGN_OR_RETURN(Pool::Lease lease, pool_.Acquire(deadline));
    // A deferred transaction takes its WAL snapshot at the first read and keeps it.
    return internal::RunTransaction(*lease, "BEGIN", true, body);
  }

  Status Listen(std::string_view channel, Listener listener) override {
    FC_RETURN_IF_ERROR(internal::ValidateChannel(channel));
    std::lock_guard lock(dispatcher_mutex_);
    if (!dispatcher_) {
      dispatcher_ = std::make_unique<Dispatcher>();
      hub_->Subscribe(dispatcher_.get());
    }
    dispatcher_->Add(channel, std::move(listener));
    return OkStatus();
  }

 private:
  const std::chrono::milliseconds busy_timeout_;
  // Declaration order matters for destruction: the dispatcher is unsubscribed in
  // the destructor body, then joined, then the connections close.
  std::shared_ptr<FileHub> hub_;
  Pool pool_;
  // Outlives the writer connection, whose commits call it.
  std::unique_ptr<Checkpointer> checkpointer_;
  // Every write transaction of this handle runs here, so the pages it caches stay valid
  // from one transaction to the next (SQLite drops a connection's cache when another
  // connection has written since).
  std::unique_ptr<SqliteConnection> writer_connection_;
  std::mutex dispatcher_mutex_;
  std::unique_ptr<Dispatcher> dispatcher_;  // guarded by dispatcher_mutex_
};

Error OpenError(std::string_view path, std::string_view detail) {
  return Error(ErrorCode::kInvalidArgument, "cannot open the database file",
               fmt::format("sqlite open {}: {}", path, detail));
}

// The writer connection's page cache. A large write (an import's transaction) dirties a
// page per object in each index keyed by random STIX ids or observables; with SQLite's
// default 2 MB those pages were spilled to the WAL before the commit wrote them again,
// and read back from the file by every transaction. 256 MiB holds those indexes of a
// store of about 1,000,000 objects (about 200 MiB); with 64 MiB, importing that many ran
// at three quarters of the speed. Bounded whatever the database size.
constexpr int kWriterCacheKib = 256 * 1024;

// The page size of a database this creates; one made before keeps its own, as WAL mode
// cannot change it. A large write dirties a page per object in each index keyed by
// random STIX ids or observables whatever the size, but with twice the entries per page
// the trees are shallower and a commit writes half as many log frames, each a system
// call: importing 1,000,000 objects ran 1.2 times as fast as with SQLite's default
// 4 KiB (bench/hub/README.md).
constexpr int kPageSizeBytes = 8192;

// The log length, in pages, at which a commit asks the checkpointer for a copy: 128 MiB
// of 8 KiB pages (64 MiB in a file made with 4 KiB), so that index pages rewritten by
// consecutive transactions are copied once.
constexpr int kCheckpointFrames = 16384;

// `cache_kib` 0 keeps SQLite's default page cache.
Result<std::unique_ptr<SqliteConnection>> OpenConnection(const std::string& path,
                                                         int busy_timeout_ms, int cache_kib = 0) {
  sqlite3* handle = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &handle,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close_v2(handle);
    return OpenError(path, detail);
  }
  auto connection = std::make_unique<SqliteConnection>(handle);
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, busy_timeout_ms);
  std::string journal_mode;
  char* message = nullptr;
  const std::string open_pragmas =
      fmt::format("PRAGMA page_size={}; PRAGMA journal_mode=WAL", kPageSizeBytes);
  rc = sqlite3_exec(
      handle, open_pragmas.c_str(),
      [](void* out, int columns, char** values, char**) {
        if (columns > 0 && values[0] != nullptr) *static_cast<std::string*>(out) = values[0];
        return 0;
      },
      &journal_mode, &message);
  if (rc == SQLITE_OK) {
    // Statement journals in memory: a multi-row INSERT inside a large transaction
    // journals every page it touches, and a temporary file turned that into a write
    // system call per page. It does not change what a commit guarantees.
    rc = sqlite3_exec(handle,
                      "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY",
                      nullptr, nullptr, &message);
  }
  if (rc == SQLITE_OK && cache_kib > 0) {
    const std::string cache = fmt::format("PRAGMA cache_size=-{}", cache_kib);
    rc = sqlite3_exec(handle, cache.c_str(), nullptr, nullptr, &message);
  }
  if (rc != SQLITE_OK) {
    std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return OpenError(path, detail);
  }
  if (journal_mode != "wal") return OpenError(path, "WAL mode unavailable: " + journal_mode);
  return connection;
}

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(std::string_view target, const OpenOptions& options) {
  std::string path(target);
  // An in-memory database would be a different, empty database per pooled connection.
  if (path.empty() || path == ":memory:" || path.find('\0') != std::string::npos ||
      path.starts_with("file:")) {
    return InvalidArgument("database target must be a file path or a PostgreSQL URL");
  }
  FC_ASSIGN_OR_RETURN(auto first, OpenConnection(path, options.busy_timeout_ms));
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::canonical(path, ec);
  if (ec) return OpenError(path, ec.message());
  auto db = std::make_unique<SqliteDatabase>(options, FileHub::ForFile(canonical.string()));
  db->pool().Add(std::move(first));
  FC_ASSIGN_OR_RETURN(auto writer, OpenConnection(path, options.busy_timeout_ms, kWriterCacheKib));
  FC_ASSIGN_OR_RETURN(auto checkpointer, Checkpointer::Start(path, kCheckpointFrames));
  db->SetWriterConnection(std::move(writer), std::move(checkpointer));
  for (int i = 1; i < options.pool_size; ++i) {
    FC_ASSIGN_OR_RETURN(auto connection, OpenConnection(path, options.busy_timeout_ms));
    db->pool().Add(std::move(connection));
  }
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace fincyber::store::sqlite
