// The LISTEN side of the PostgreSQL backend: one dedicated connection per Database
// and a thread that waits on its socket and calls the listeners.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "base/result.h"
#include "store/database.h"
#include "store/internal/listeners.h"

struct pg_conn;

namespace fincyber::store::postgres {

// Thread-safe. Listeners run on the internal thread. If the connection drops, the
// thread reconnects with back-off and LISTENs again; notifications sent while it
// was down are lost, so listeners treat a notification as a hint to re-read the
// database, never as the data itself. The destructor wakes and joins the thread.
class PgListener {
 public:
  // Error when the wake-up descriptor cannot be created.
  static Result<std::unique_ptr<PgListener>> Start(std::string conninfo,
                                                   std::chrono::milliseconds confirm_timeout);
  ~PgListener();
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

  // Registers `listener` and waits until the connection LISTENs on `channel`
  // (`channel` must be valid). Unavailable when that is not confirmed within the
  // confirm timeout; the listener then stays registered and is subscribed as soon
  // as the server is reachable.
  Status Add(std::string_view channel, Listener listener);

 private:
  PgListener(std::string conninfo, std::chrono::milliseconds confirm_timeout, int wake_fd);

  void Run();
  // Connects if needed and LISTENs on every wanted channel; false on failure.
  bool Subscribe();
  void Drain();
  void Disconnect();
  // Blocks until the socket (if >= 0) is readable or Wake() is called, or `timeout`
  // passes (negative: no timeout). Returns whether the socket is readable.
  bool WaitReadable(int socket, int timeout_ms);
  void Wake();

  const std::string conninfo_;
  const std::chrono::milliseconds confirm_timeout_;
  const int wake_fd_;
  internal::ListenerSet listeners_;
  pg_conn* conn_ = nullptr;  // used only by the thread
  std::string prefix_;       // used only by the thread: PayloadPrefix of conn_'s schema

  std::mutex mutex_;
  std::condition_variable subscribed_;
  std::set<std::string> wanted_;  // guarded by mutex_
  std::set<std::string> active_;  // guarded by mutex_: LISTENed on the current connection
  bool stopping_ = false;         // guarded by mutex_
  std::thread thread_;
};

}  // namespace fincyber::store::postgres
