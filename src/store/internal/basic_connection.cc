#include "store/internal/basic_connection.h"

#include "store/internal/listeners.h"

namespace fincyber::store::internal {

void BasicConnection::StartTransaction(bool read_only) {
  read_only_ = read_only;
  failure_.reset();
}

Status BasicConnection::CheckUsable() const {
  if (failure_) return failure_->WithContext("transaction already failed");
  return OkStatus();
}

void BasicConnection::Remember(const Error& error) {
  if (!failure_) failure_ = error;
}

Result<std::vector<Row>> BasicConnection::Query(std::string_view sql, const Params& params) {
  FC_RETURN_IF_ERROR(CheckUsable());
  auto rows = DoQuery(sql, params);
  if (!rows.ok()) Remember(rows.error());
  return rows;
}

Result<std::int64_t> BasicConnection::Execute(std::string_view sql, const Params& params) {
  FC_RETURN_IF_ERROR(CheckUsable());
  auto changed = DoExecute(sql, params);
  if (!changed.ok()) Remember(changed.error());
  return changed;
}

Status BasicConnection::LockExclusive(std::string_view name) {
  FC_RETURN_IF_ERROR(CheckUsable());
  auto status = DoLockExclusive(name);
  if (!status.ok()) Remember(status.error());
  return status;
}

Status BasicConnection::Notify(std::string_view channel, std::string_view payload) {
  FC_RETURN_IF_ERROR(ValidateChannel(channel));
  if (payload.size() > kMaxNotifyPayload) {
    return InvalidArgument("notification payload too long");
  }
  if (read_only_) return Internal("Notify inside a read-only transaction");
  FC_RETURN_IF_ERROR(CheckUsable());
  auto status = DoNotify(channel, payload);
  if (!status.ok()) Remember(status.error());
  return status;
}

}  // namespace fincyber::store::internal
