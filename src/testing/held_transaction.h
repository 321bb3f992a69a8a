// A statement run in a transaction of its own, on a thread of its own, and held open
// until released: whatever it locked (a row, or the whole SQLite database) stays locked
// meanwhile, so that a test can keep a writer waiting.
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "store/database.h"

namespace fincyber::testing {

class HeldTransaction {
 public:
  HeldTransaction(store::Database& db, std::string sql, store::Params params) {
    std::promise<void> held;
    auto is_held = held.get_future();
    holder_ = std::thread([this, &db, &held, sql = std::move(sql), params = std::move(params)] {
      bool holding = false;
      Status done = db.Transact([&](store::Connection& conn) -> Status {
        FC_RETURN_IF_ERROR(conn.Execute(sql, params));
        holding = true;
        held.set_value();
        std::unique_lock lock(mutex_);
        released_cv_.wait(lock, [this] { return released_; });
        return OkStatus();
      });
      EXPECT_TRUE(done.ok()) << done.error().internal_message();
      if (!holding) held.set_value();  // failed: the test goes on and fails
    });
    is_held.wait();
  }
  HeldTransaction(const HeldTransaction&) = delete;
  HeldTransaction& operator=(const HeldTransaction&) = delete;
  ~HeldTransaction() { Release(); }

  void Release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    released_cv_.notify_all();
    if (holder_.joinable()) holder_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable released_cv_;
  bool released_ = false;
  std::thread holder_;
};

}  // namespace fincyber::testing
