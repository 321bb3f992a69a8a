#include "store/postgres/pg_database.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/log.h"
#include "store/internal/basic_connection.h"
#include "store/internal/listeners.h"
#include "store/postgres/pg_listener.h"
#include "store/postgres/pg_session.h"
#include "store/postgres/pg_sql.h"

namespace fincyber::store::postgres {

namespace {

using Deadline = std::chrono::steady_clock::time_point;

// Modules use a fixed set of statements; the bound only guards against a caller
// that builds SQL text dynamically.
constexpr std::size_t kMaxCachedStatements = 512;
constexpr std::size_t kSqlInMessages = 300;

// Type OIDs from pg_type.h (server headers are not installed for clients).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

std::string_view Shorten(std::string_view sql) { return sql.substr(0, kSqlInMessages); }

std::string TrimmedMessage(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

Error MapError(const PGresult* result, PGconn* conn, std::string_view sql) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message =
      TrimmedMessage(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  if (message.empty()) message = TrimmedMessage(PQerrorMessage(conn));
  std::string internal = fmt::format("postgres error {}: {}; sql: {}",
                                     state != nullptr ? state : "(none)", message, Shorten(sql));
  // No SQLSTATE: libpq itself failed, usually because the connection is gone.
  ErrorCode code = state != nullptr                   ? CodeForSqlState(state)
                   : PQstatus(conn) == CONNECTION_BAD ? ErrorCode::kUnavailable
                                                      : ErrorCode::kInternal;
  switch (code) {
    case ErrorCode::kAlreadyExists:
      return Error(code, "already exists", std::move(internal));
    case ErrorCode::kFailedPrecondition:
      return Error(code, "conflicts with existing data", std::move(internal));
    case ErrorCode::kAborted:
      return Error(code, "transaction conflict", std::move(internal));
    case ErrorCode::kUnavailable:
      return Error(code, "database unavailable", std::move(internal));
    default:
      return Internal(std::move(internal));
  }
}

Value ColumnValue(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) return nullptr;
  const char* text = PQgetvalue(result, row, column);
  const std::size_t size = static_cast<std::size_t>(PQgetlength(result, row, column));
  switch (PQftype(result, column)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      std::int64_t n = 0;
      std::from_chars(text, text + size, n);
      return n;
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid: {
      // from_chars does not accept PostgreSQL's spelling of the special values.
      std::string_view view(text, size);
      if (view == "NaN") return std::numeric_limits<double>::quiet_NaN();
      if (view == "Infinity") return std::numeric_limits<double>::infinity();
      if (view == "-Infinity") return -std::numeric_limits<double>::infinity();
      double d = 0;
      std::from_chars(text, text + size, d);
      return d;
    }
    case kBoolOid:
      return std::int64_t{text[0] == 't' ? 1 : 0};
    default:
      return std::string(text, size);
  }
}

std::string FormatDouble(double d) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  return std::string(buffer, end);
}

class PgConnection final : public internal::BasicConnection {
 public:
  PgConnection(PGconn* conn, std::chrono::milliseconds lock_timeout)
      : conn_(conn), lock_timeout_(lock_timeout) {}

  // False when the session cannot be set up.
  bool Configure() {
    std::optional<std::string> schema = ConfigureSession(conn_, lock_timeout_);
    if (!schema) return false;
    schema_ = std::move(*schema);
    return true;
  }
  ~PgConnection() override { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }

  bool Broken() const { return PQstatus(conn_) != CONNECTION_OK; }

  // Reconnects with the same parameters. Prepared statements die with the session.
  bool Reset() {
    cache_.clear();
    PQreset(conn_);
    return !Broken() && Configure();
  }

  Status Control(std::string_view sql) {
    ResultPtr result(PQexec(conn_, std::string(sql).c_str()));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      return MapError(result.get(), conn_, sql);
    }
    return OkStatus();
  }

  // A server restart is only noticed at the next use, so a BEGIN that finds the
  // connection dead reconnects once: nothing of the transaction has run yet.
  Status Begin(std::string_view sql) {
    Status status = Control(sql);
    if (!status.ok() && Broken() && Reset()) status = Control(sql);
    return status;
  }

  void RollbackIfOpen() {
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE || Broken()) return;
    if (auto status = Control("ROLLBACK"); !status.ok()) {
      log::warn("postgres rollback failed: {}", status.error().internal_message());
    }
  }

 protected:
  Result<std::vector<Row>> DoQuery(std::string_view sql, const Params& params) override {
    FC_ASSIGN_OR_RETURN(ResultPtr result, Run(sql, params));
    const int row_count = PQntuples(result.get());
    const int column_count = PQnfields(result.get());
    std::vector<Row> rows;
    rows.reserve(static_cast<std::size_t>(row_count));
    for (int r = 0; r < row_count; ++r) {
      std::vector<Value> values;
      values.reserve(static_cast<std::size_t>(column_count));
      for (int c = 0; c < column_count; ++c) values.push_back(ColumnValue(result.get(), r, c));
      rows.emplace_back(std::move(values));
    }
    return rows;
  }

  Result<std::int64_t> DoExecute(std::string_view sql, const Params& params) override {
    FC_ASSIGN_OR_RETURN(ResultPtr result, Run(sql, params));
    // PQcmdTuples also counts the rows of a SELECT; only changed rows count here,
    // as with SQLite.
    std::string_view command = PQcmdStatus(result.get());
    if (!command.starts_with("INSERT") && !command.starts_with("UPDATE") &&
        !command.starts_with("DELETE") && !command.starts_with("MERGE")) {
      return std::int64_t{0};
    }
    std::string_view tuples = PQcmdTuples(result.get());
    std::int64_t changed = 0;
    std::from_chars(tuples.data(), tuples.data() + tuples.size(), changed);
    return changed;
  }

  Status DoLockExclusive(std::string_view name) override {
    auto result = Run("SELECT pg_advisory_xact_lock(?)", {ScopedLockKey(schema_, name)});
    if (!result.ok()) return std::move(result).error();
    return OkStatus();
  }

  Status DoNotify(std::string_view channel, std::string_view payload) override {
    auto result = Run("SELECT pg_notify(?, ?)",
                      {std::string(channel), PayloadPrefix(schema_) + std::string(payload)});
    if (!result.ok()) return std::move(result).error();
    return OkStatus();
  }

 private:
  struct Prepared {
    std::string name;
    int parameters;
  };

  Result<const Prepared*> Prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) return &it->second;
    if (cache_.size() >= kMaxCachedStatements) {
      FC_RETURN_IF_ERROR(Control("DEALLOCATE ALL"));
      cache_.clear();
    }
    RewrittenSql rewritten = RewritePlaceholders(sql);
    std::string name = "fc_" + std::to_string(++statements_prepared_);
    ResultPtr result(PQprepare(conn_, name.c_str(), rewritten.text.c_str(), 0, nullptr));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      return MapError(result.get(), conn_, sql);
    }
    auto [it, inserted] = cache_.emplace(std::move(key), Prepared{name, rewritten.parameters});
    return &it->second;
  }

  Result<ResultPtr> Run(std::string_view sql, const Params& params) {
    FC_ASSIGN_OR_RETURN(const Prepared* prepared, Prepare(sql));
    if (static_cast<std::size_t>(prepared->parameters) != params.size()) {
      return Internal(fmt::format("statement takes {} parameters, {} given: {}",
                                  prepared->parameters, params.size(), Shorten(sql)));
    }
    // Parameters go as text; the server infers their types from the statement.
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) continue;
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        texts[i] = std::to_string(*n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        texts[i] = FormatDouble(*d);
      } else {
        texts[i] = std::get<std::string>(v);
      }
      values[i] = texts[i].c_str();
      lengths[i] = static_cast<int>(texts[i].size());
    }
    ResultPtr result(PQexecPrepared(conn_, prepared->name.c_str(), prepared->parameters,
                                    values.data(), lengths.data(), nullptr, 0));
    ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      return MapError(result.get(), conn_, sql);
    }
    return result;
  }

  PGconn* conn_;
  const std::chrono::milliseconds lock_timeout_;
  std::string schema_;  // scopes locks and notifications, see pg_sql.h
  std::unordered_map<std::string, Prepared> cache_;
  std::uint64_t statements_prepared_ = 0;
};

Result<std::unique_ptr<PgConnection>> Connect(const std::string& conninfo,
                                              std::chrono::milliseconds lock_timeout) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  auto connection = std::make_unique<PgConnection>(conn, lock_timeout);
  if (PQstatus(conn) != CONNECTION_OK || !connection->Configure()) {
    return Unavailable("database unavailable",
                       "postgres connect: " + TrimmedMessage(PQerrorMessage(conn)));
  }
  return connection;
}

// Grows on demand up to `max_size`; a connection found broken is reset, or dropped
// if the reset fails. Thread-safe.
class Pool {
 public:
  Pool(std::string conninfo, int max_size, std::chrono::milliseconds lock_timeout)
      : conninfo_(std::move(conninfo)), max_size_(max_size), lock_timeout_(lock_timeout) {}

  void Add(std::unique_ptr<PgConnection> connection) {
    std::lock_guard lock(mutex_);
    ++size_;
    idle_.push_back(std::move(connection));
  }

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<PgConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_) pool_->Return(std::move(connection_));
    }
    PgConnection& operator*() const { return *connection_; }

   private:
    Pool* pool_;
    std::unique_ptr<PgConnection> connection_;
  };

  Result<Lease> Acquire(Deadline deadline) {
    std::unique_lock lock(mutex_);
    if (!available_.wait_until(lock, deadline,
                               [this] { return !idle_.empty() || size_ < max_size_; })) {
      return Unavailable("database busy", "timed out waiting for a free postgres connection");
    }
    std::unique_ptr<PgConnection> connection;
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++size_;
    }
    lock.unlock();
    // Connecting and resetting block, so they happen outside the lock.
    if (!connection) {
      auto fresh = Connect(conninfo_, lock_timeout_);
      if (!fresh.ok()) {
        Shrink();
        return std::move(fresh).error();
      }
      connection = std::move(fresh).value();
    } else if (connection->Broken() && !connection->Reset()) {
      connection.reset();
      Shrink();
      return Unavailable("database unavailable", "postgres connection lost and reset failed");
    }
    return Lease(this, std::move(connection));
  }

 private:
  void Return(std::unique_ptr<PgConnection> connection) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(connection));
    }
    available_.notify_one();
  }

  void Shrink() {
    {
      std::lock_guard lock(mutex_);
      --size_;
    }
    available_.notify_one();
  }

  const std::string conninfo_;
  const int max_size_;
  const std::chrono::milliseconds lock_timeout_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mutex_
  int size_ = 0;  // guarded by mutex_: idle plus lent plus being connected
};

class PgDatabase final : public Database {
 public:
  PgDatabase(std::string conninfo, const OpenOptions& options)
      : conninfo_(conninfo),
        busy_timeout_(options.busy_timeout_ms),
        pool_(std::move(conninfo), options.pool_size, busy_timeout_) {}

  Pool& pool() { return pool_; }
  Dialect dialect() const override { return Dialect::kPostgres; }

  Status Transact(const std::function<Status(Connection&)>& body) override {
    FC_ASSIGN_OR_RETURN(Pool::Lease lease,
                        pool_.Acquire(std::chrono::steady_clock::now() + busy_timeout_));
    return internal::RunTransaction(*lease, "BEGIN ISOLATION LEVEL READ COMMITTED", false, body);
  }

  Status Read(const std::function<Status(Connection&)>& body) override {
    FC_ASSIGN_OR_RETURN(Pool::Lease lease,
                        pool_.Acquire(std::chrono::steady_clock::now() + busy_timeout_));
    // REPEATABLE READ: every statement of the body sees the same snapshot.
    return internal::RunTransaction(*lease, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", true,
                                    body);
  }

  Status Listen(std::string_view channel, Listener listener) override {
    FC_RETURN_IF_ERROR(internal::ValidateChannel(channel));
    PgListener* pg_listener = nullptr;
    {
      std::lock_guard lock(listener_mutex_);
      if (!listener_) {
        FC_ASSIGN_OR_RETURN(listener_, PgListener::Start(conninfo_, busy_timeout_));
      }
      pg_listener = listener_.get();
    }
    return pg_listener->Add(channel, std::move(listener));
  }

 private:
  const std::string conninfo_;
  const std::chrono::milliseconds busy_timeout_;
  Pool pool_;
  std::mutex listener_mutex_;
  // Created on the first Listen; destroyed (and joined) before the pool.
  std::unique_ptr<PgListener> listener_;  // guarded by listener_mutex_ until destruction
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgres(std::string_view url, const OpenOptions& options) {
  std::string conninfo(url);
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string detail = parse_error != nullptr ? parse_error : "out of memory";
    PQfreemem(parse_error);
    return Error(ErrorCode::kInvalidArgument, "malformed database URL",
                 "postgres URL: " + TrimmedMessage(detail.c_str()));
  }
  PQconninfoFree(parsed);
  auto db = std::make_unique<PgDatabase>(conninfo, options);
  FC_ASSIGN_OR_RETURN(auto first,
                      Connect(conninfo, std::chrono::milliseconds(options.busy_timeout_ms)));
  db->pool().Add(std::move(first));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace fincyber::store::postgres
