#include "store/postgres/pg_listener.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "base/log.h"
#include "store/postgres/pg_session.h"
#include "store/postgres/pg_sql.h"

namespace fincyber::store::postgres {

namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};

}  // namespace

Result<std::unique_ptr<PgListener>> PgListener::Start(std::string conninfo,
                                                      std::chrono::milliseconds confirm_timeout) {
  int wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd < 0) return Internal(std::string("eventfd: ") + std::strerror(errno));
  return std::unique_ptr<PgListener>(new PgListener(std::move(conninfo), confirm_timeout, wake_fd));
}

PgListener::PgListener(std::string conninfo, std::chrono::milliseconds confirm_timeout, int wake_fd)
    : conninfo_(std::move(conninfo)),
      confirm_timeout_(confirm_timeout),
      wake_fd_(wake_fd),
      thread_([this] { Run(); }) {}

PgListener::~PgListener() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  Wake();
  thread_.join();
  Disconnect();
  close(wake_fd_);
}

Status PgListener::Add(std::string_view channel, Listener listener) {
  listeners_.Add(channel, std::move(listener));
  std::unique_lock lock(mutex_);
  wanted_.emplace(channel);
  Wake();
  bool active = subscribed_.wait_for(lock, confirm_timeout_,
                                     [&] { return active_.count(std::string(channel)) > 0; });
  if (!active) {
    return Unavailable("notifications unavailable",
                       "LISTEN " + std::string(channel) + " not confirmed in time");
  }
  return OkStatus();
}

void PgListener::Wake() {
  std::uint64_t one = 1;
  // A full counter already means a pending wake-up, so a failed write loses nothing.
  [[maybe_unused]] ssize_t written = write(wake_fd_, &one, sizeof one);
}

bool PgListener::WaitReadable(int socket, int timeout_ms) {
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {socket, POLLIN, 0}};
  int count = poll(fds, socket >= 0 ? 2 : 1, timeout_ms);
  if (count <= 0) return false;
  if (fds[0].revents != 0) {
    std::uint64_t value = 0;
    [[maybe_unused]] ssize_t got = read(wake_fd_, &value, sizeof value);
  }
  return socket >= 0 && fds[1].revents != 0;
}

void PgListener::Disconnect() {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
  std::lock_guard lock(mutex_);
  active_.clear();
}

bool PgListener::Subscribe() {
  if (conn_ == nullptr) {
    conn_ = PQconnectdb(conninfo_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      log::warn("notification listener cannot connect: {}", PQerrorMessage(conn_));
      Disconnect();
      return false;
    }
    std::optional<std::string> schema = ConfigureSession(conn_, confirm_timeout_);
    if (!schema) {
      log::warn("notification listener cannot set up its session: {}", PQerrorMessage(conn_));
      Disconnect();
      return false;
    }
    prefix_ = PayloadPrefix(*schema);
  }
  std::vector<std::string> missing;
  {
    std::lock_guard lock(mutex_);
    std::set_difference(wanted_.begin(), wanted_.end(), active_.begin(), active_.end(),
                        std::back_inserter(missing));
  }
  for (const std::string& channel : missing) {
    // Channel names are validated identifiers; quoting keeps them case-exact.
    PGresult* result = PQexec(conn_, ("LISTEN \"" + channel + "\"").c_str());
    bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    if (!ok) log::warn("LISTEN {} failed: {}", channel, PQerrorMessage(conn_));
    PQclear(result);
    if (!ok) {
      Disconnect();
      return false;
    }
    std::lock_guard lock(mutex_);
    active_.insert(channel);
  }
  if (!missing.empty()) subscribed_.notify_all();
  return true;
}

void PgListener::Drain() {
  while (PGnotify* note = PQnotifies(conn_)) {
    std::string_view payload = note->extra;
    if (payload.starts_with(prefix_)) {
      listeners_.Dispatch(note->relname, payload.substr(prefix_.size()));
    }
    PQfreemem(note);
  }
}

void PgListener::Run() {
  std::chrono::milliseconds backoff = kFirstBackoff;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (!Subscribe()) {
      WaitReadable(-1, static_cast<int>(backoff.count()));
      backoff = std::min(backoff * 2, kMaxBackoff);
      continue;
    }
    backoff = kFirstBackoff;
    Drain();  // notifications that arrived with a LISTEN's reply
    if (!WaitReadable(PQsocket(conn_), -1)) continue;
    if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) {
      log::warn("notification listener lost its connection: {}", PQerrorMessage(conn_));
      Disconnect();
      continue;
    }
    Drain();
  }
}

}  // namespace fincyber::store::postgres
