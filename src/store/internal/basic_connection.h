// The Connection behaviour both backends share: channel validation, the read-only
// guard, and poisoning a transaction after its first failed statement.
//
// PostgreSQL aborts a transaction at its first failed statement; SQLite does not.
// So that module code behaves the same on both, a failed statement poisons the
// transaction on every backend: later calls return the same error and the
// transaction rolls back even if the body returns ok.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/database.h"

namespace fincyber::store::internal {

class BasicConnection : public Connection {
 public:
  Result<std::vector<Row>> Query(std::string_view sql, const Params& params) final;
  Result<std::int64_t> Execute(std::string_view sql, const Params& params) final;
  Status LockExclusive(std::string_view name) final;
  Status Notify(std::string_view channel, std::string_view payload) final;

  // Resets the per-transaction state. Called by the backend before its BEGIN.
  void StartTransaction(bool read_only);
  // The first statement error of the current transaction, if any.
  const std::optional<Error>& failure() const { return failure_; }

 protected:
  bool read_only() const { return read_only_; }

  virtual Result<std::vector<Row>> DoQuery(std::string_view sql, const Params& params) = 0;
  virtual Result<std::int64_t> DoExecute(std::string_view sql, const Params& params) = 0;
  virtual Status DoLockExclusive(std::string_view name) = 0;
  // `channel` is already validated and the transaction is read-write.
  virtual Status DoNotify(std::string_view channel, std::string_view payload) = 0;

 private:
  Status CheckUsable() const;
  void Remember(const Error& error);

  bool read_only_ = false;
  std::optional<Error> failure_;
};

// Notification payloads are limited as PostgreSQL limits them (under 8000 bytes,
// less the backend's own prefix), on every backend.
inline constexpr std::size_t kMaxNotifyPayload = 7900;

// Runs `body` between `begin` and COMMIT on a backend connection `C` (which has
// Begin, Control and RollbackIfOpen), rolling back on any error, including a
// statement error the body swallowed, and if the body throws.
template <typename C>
Status RunTransaction(C& connection, std::string_view begin, bool read_only,
                      const std::function<Status(Connection&)>& body) {
  connection.StartTransaction(read_only);
  struct RollbackOnExit {
    C& connection;
    bool armed = true;
    ~RollbackOnExit() {
      if (armed) connection.RollbackIfOpen();
    }
  } guard{connection};
  FC_RETURN_IF_ERROR(connection.Begin(begin));
  Status status = body(connection);
  if (status.ok() && connection.failure()) status = *connection.failure();
  FC_RETURN_IF_ERROR(status);
  FC_RETURN_IF_ERROR(connection.Control("COMMIT"));
  guard.armed = false;
  return OkStatus();
}

}  // namespace fincyber::store::internal
