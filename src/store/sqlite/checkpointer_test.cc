#include "store/sqlite/checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "testing/scratch_dir.h"

namespace fincyber::store::sqlite {
namespace {

class CheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(path_.c_str(), &writer_), SQLITE_OK);
    Exec("PRAGMA journal_mode=WAL");
    Exec("CREATE TABLE t (payload BLOB)");
  }
  // The writer's hook points at a checkpointer that is gone by now.
  void TearDown() override {
    sqlite3_wal_hook(writer_, nullptr, nullptr);
    sqlite3_close(writer_);
  }

  void Exec(const std::string& sql) {
    char* message = nullptr;
    ASSERT_EQ(sqlite3_exec(writer_, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << (message != nullptr ? message : "");
  }
  // Each commit adds about two 4 KiB pages to the log.
  void Commit(int times) {
    for (int i = 0; i < times; ++i) Exec("INSERT INTO t VALUES (randomblob(6000))");
  }
  std::uintmax_t FileSize() const { return std::filesystem::file_size(path_); }

  testing::ScratchDir dir_{"checkpointer"};
  std::string path_ = dir_.path() + "/db.sqlite";
  sqlite3* writer_ = nullptr;
};

bool WaitFor(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TEST_F(CheckpointerTest, CopiesTheLogIntoTheFileOnItsOwnThread) {
  auto checkpointer = Checkpointer::Start(path_, 50);
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.error().internal_message();
  (*checkpointer)->Attach(writer_);
  const std::uintmax_t before = FileSize();
  // Under SQLite's own threshold of 1,000 pages, so only the checkpointer copies. Each
  // commit past 50 pages asks again, so the last copy holds every row: at least the 40
  // overflow pages of the 6,000-byte values.
  Commit(40);
  EXPECT_TRUE(WaitFor([&] { return FileSize() >= before + 40 * 4096; }))
      << "file size " << FileSize();
  EXPECT_GE((*checkpointer)->completed(), 1);
}

TEST_F(CheckpointerTest, AWriterFarAheadOfTheThreadCopiesTheLogItself) {
  auto checkpointer = Checkpointer::Start(path_, 10);
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.error().internal_message();
  (*checkpointer)->Attach(writer_);
  const std::uintmax_t before = FileSize();
  // One commit of about 60 pages, over four times the threshold: the writer copies the
  // log within its commit and does not ask the thread.
  Exec("BEGIN");
  Commit(30);
  Exec("COMMIT");
  EXPECT_GE(FileSize(), before + 30 * 4096) << "copied by the time the commit returned";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ((*checkpointer)->completed(), 0);
}

TEST_F(CheckpointerTest, ShortLogIsLeftAlone) {
  auto checkpointer = Checkpointer::Start(path_, 500);
  ASSERT_TRUE(checkpointer.ok());
  (*checkpointer)->Attach(writer_);
  const std::uintmax_t before = FileSize();
  Commit(40);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ((*checkpointer)->completed(), 0);
  EXPECT_EQ(FileSize(), before);
}

}  // namespace
}  // namespace fincyber::store::sqlite
