// The SQLite files OpenSqlite makes and the ones it finds: their page size.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "store/database.h"
#include "testing/scratch_dir.h"

namespace fincyber::store {
namespace {

// One integer PRAGMA of the file at `path`, read with a connection of its own.
std::int64_t PragmaOf(const std::string& path, const std::string& pragma) {
  sqlite3* handle = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  std::int64_t value = -1;
  if (sqlite3_prepare_v2(handle, ("PRAGMA " + pragma).c_str(), -1, &statement, nullptr) ==
          SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    value = sqlite3_column_int64(statement, 0);
  }
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return value;
}

void WriteAndCount(Database& db, std::int64_t expected_rows) {
  Status written = db.Transact([](Connection& c) -> Status {
    FC_RETURN_IF_ERROR(c.Execute("CREATE TABLE IF NOT EXISTS t (v TEXT)"));
    FC_ASSIGN_OR_RETURN(auto inserted, c.Execute("INSERT INTO t VALUES (?)", {std::string("row")}));
    EXPECT_EQ(inserted, 1);
    return OkStatus();
  });
  ASSERT_TRUE(written.ok()) << written.error().internal_message();
  Status read = db.Read([&](Connection& c) -> Status {
    FC_ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM t", {}, "count"));
    EXPECT_EQ(row.GetInt(0), expected_rows);
    return OkStatus();
  });
  ASSERT_TRUE(read.ok()) << read.error().internal_message();
}

TEST(SqliteFile, ANewDatabaseHasEightKibPages) {
  testing::ScratchDir dir("sqlite-file");
  const std::string path = dir.path() + "/new.db";
  {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.error().internal_message();
    WriteAndCount(**db, 1);
  }
  EXPECT_EQ(PragmaOf(path, "page_size"), 8192);
}

TEST(SqliteFile, AnExistingDatabaseKeepsItsPagesAndData) {
  testing::ScratchDir dir("sqlite-file");
  const std::string path = dir.path() + "/old.db";
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &handle), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(handle,
                         "PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE t (v TEXT); "
                         "INSERT INTO t VALUES ('made before')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(handle);
  {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.error().internal_message();
    WriteAndCount(**db, 2);
  }
  EXPECT_EQ(PragmaOf(path, "page_size"), 4096);
}

}  // namespace
}  // namespace fincyber::store
