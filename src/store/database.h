// The storage interface every module uses. Two backends implement it: SQLite (the
// embedded default, WAL mode) and PostgreSQL (libpq). Modules write SQL in the
// common subset of both, with `?` placeholders; dialect differences stay here.
//
// Ownership: a Database owns a pool of connections. A Connection is lent to one
// Transact/Read callback at a time and must not escape it. Database is thread-safe;
// Connection is not.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace fincyber::store {

enum class Dialect { kSqlite, kPostgres };

// A bound parameter or a column value. Booleans are stored as 0/1 integers,
// timestamps as RFC 3339 text (fixed width, so they sort as text).
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using Params = std::vector<Value>;

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  bool IsNull(std::size_t i) const;
  // Converting readers: an integer column read as text gives its decimal form and a
  // text column read as an integer is parsed (0 when not a number). NULL gives ""/0.
  std::string GetString(std::size_t i) const;
  std::int64_t GetInt(std::size_t i) const;
  double GetDouble(std::size_t i) const;
  std::optional<std::string> GetOptionalString(std::size_t i) const;
  const Value& at(std::size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;

  // Runs a statement that returns rows. Statements are prepared once per connection
  // and cached by their text. Errors: AlreadyExists on a unique-constraint violation,
  // FailedPrecondition on other constraint violations, Aborted on a serialisation
  // failure or deadlock (the caller may retry the transaction), Unavailable when the
  // server is gone or a lock wait times out, Internal otherwise (including a wrong
  // parameter count, more than one statement, and a write inside Read).
  //
  // A failed statement ends the transaction on every backend, as PostgreSQL does:
  // later calls on this Connection return the same error and the transaction rolls
  // back even if the body returns ok. Use INSERT ... ON CONFLICT instead of trying an
  // insert and carrying on after AlreadyExists.
  virtual Result<std::vector<Row>> Query(std::string_view sql, const Params& params = {}) = 0;
  // Runs a statement without result rows; returns the number of rows an INSERT,
  // UPDATE or DELETE changed (0 for other statements).
  virtual Result<std::int64_t> Execute(std::string_view sql, const Params& params = {}) = 0;

  // Serialises this transaction against every other transaction that takes the same
  // named lock, until commit or rollback (PostgreSQL advisory transaction lock;
  // SQLite write transactions are already serialised). On PostgreSQL, locks and
  // notifications are scoped to the connection's schema, so deployments sharing a
  // database in separate schemas do not interfere.
  virtual Status LockExclusive(std::string_view name) = 0;

  // Queues a notification on `channel`, delivered to every Listen()er of every
  // process sharing the database once (and only if) this transaction commits.
  // Identical notifications within one transaction may be delivered once.
  // InvalidArgument for a channel not matching [a-z_][a-z0-9_]{0,62} or a payload
  // longer than 7900 bytes; Internal inside Read.
  virtual Status Notify(std::string_view channel, std::string_view payload) = 0;

  // Conveniences over Query.
  Result<std::optional<Row>> QueryOptional(std::string_view sql, const Params& params = {});
  // NotFound(`what` + " not found") when no row matches.
  Result<Row> QueryOne(std::string_view sql, const Params& params, std::string_view what);
};

struct OpenOptions {
  // Connections in the pool. SQLite uses them for concurrent readers and keeps one more
  // for its writers, which are serialised by the database itself.
  int pool_size = 8;
  // How long Transact/Read waits for a free connection or a lock before Unavailable.
  int busy_timeout_ms = 5000;
};

using Listener = std::function<void(std::string_view payload)>;

class Database {
 public:
  virtual ~Database() = default;

  // `target` is a file path for SQLite (created if missing) or a
  // postgresql:// / postgres:// URL. Errors: InvalidArgument for an unusable
  // target, Unavailable when the server cannot be reached.
  static Result<std::unique_ptr<Database>> Open(std::string_view target,
                                                const OpenOptions& options = {});

  virtual Dialect dialect() const = 0;

  // Runs `body` in a read-write transaction: commit when it returns ok, roll back
  // when it returns an error (which is then returned unchanged).
  virtual Status Transact(const std::function<Status(Connection&)>& body) = 0;
  // Runs `body` in a read-only snapshot.
  virtual Status Read(const std::function<Status(Connection&)>& body) = 0;

  // Calls `listener` on a background thread for every notification on `channel`
  // committed by any process using this database. The listener must be quick and
  // must not call back into Database synchronously. Registered for the lifetime
  // of the Database. A notification is a wake-up hint, not data: on PostgreSQL,
  // notifications sent while the listening connection is being re-established are
  // lost, so a listener re-reads the database. (SQLite serves one process, so
  // delivery is to the listeners of every handle on the file in this process.)
  // InvalidArgument for an invalid channel name; Unavailable when the server does
  // not confirm the subscription within busy_timeout_ms (the listener stays
  // registered and is subscribed once the server is reachable).
  virtual Status Listen(std::string_view channel, Listener listener) = 0;

  // Convenience: Transact/Read returning a value.
  template <typename T, typename F>
  Result<T> TransactValue(F&& body) {
    std::optional<T> out;
    FC_RETURN_IF_ERROR(Transact([&](Connection& c) -> Status {
      FC_ASSIGN_OR_RETURN(auto v, body(c));
      out.emplace(std::move(v));
      return OkStatus();
    }));
    return std::move(*out);
  }
  template <typename T, typename F>
  Result<T> ReadValue(F&& body) {
    std::optional<T> out;
    FC_RETURN_IF_ERROR(Read([&](Connection& c) -> Status {
      FC_ASSIGN_OR_RETURN(auto v, body(c));
      out.emplace(std::move(v));
      return OkStatus();
    }));
    return std::move(*out);
  }
};

}  // namespace fincyber::store
