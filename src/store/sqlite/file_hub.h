// What every Database handle on the same SQLite file in this process shares: the
// writer lock and the notification fan-out. SQLite has no cross-process
// notification, and only one server process uses a database file, so in-process
// delivery reaches every listener there is.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "store/internal/listeners.h"

namespace fincyber::store::sqlite {

using Notification = std::pair<std::string, std::string>;  // channel, payload

// The listeners of one Database handle and the background thread that calls them,
// so a committing thread never runs listener code. Thread-safe. The destructor
// joins the thread; notifications still queued then are dropped.
class Dispatcher {
 public:
  Dispatcher();
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void Add(std::string_view channel, Listener listener);
  void Enqueue(const std::vector<Notification>& notifications);

 private:
  void Run();

  internal::ListenerSet listeners_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Notification> queue_;  // guarded by mutex_
  bool stopping_ = false;           // guarded by mutex_
  std::thread thread_;
};

// One per canonical file path while any handle on it is open. Thread-safe.
class FileHub {
 public:
  static std::shared_ptr<FileHub> ForFile(const std::string& canonical_path);

  // Serialises this process's write transactions on the file, so writers queue on
  // a mutex instead of polling SQLite's busy handler; busy_timeout still covers
  // other processes (e.g. a migration run) holding the file's write lock.
  std::timed_mutex& writer() { return writer_; }

  // A subscribed dispatcher receives every published notification until it
  // unsubscribes; Unsubscribe returns only when no Publish is using it.
  void Subscribe(Dispatcher* dispatcher);
  void Unsubscribe(Dispatcher* dispatcher);
  void Publish(const std::vector<Notification>& notifications);

 private:
  std::timed_mutex writer_;
  std::mutex mutex_;
  std::vector<Dispatcher*> subscribers_;  // guarded by mutex_
};

}  // namespace fincyber::store::sqlite
