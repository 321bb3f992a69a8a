// Database fixtures for `_dbtest` tests, which run once per backend:
//
//   class OrgStoreTest : public testing::TestWithParam<std::string> {};
//   TEST_P(OrgStoreTest, ...) { auto db = fincyber::testing::TestDatabase::Create(GetParam()); }
//   INSTANTIATE_TEST_SUITE_P(Backends, OrgStoreTest,
//                            testing::ValuesIn(fincyber::testing::DbBackends()));
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/database.h"

namespace fincyber::testing {

// "sqlite" always; "postgres" too when the environment variable FINCYBER_TEST_PG
// holds a PostgreSQL URL (make test sets it after starting the server).
std::vector<std::string> DbBackends();

// A fresh empty database: a temporary SQLite file, or a new schema on the
// PostgreSQL server from FINCYBER_TEST_PG. Dropped/removed on destruction.
class TestDatabase {
 public:
  static std::unique_ptr<TestDatabase> Create(const std::string& backend);
  ~TestDatabase();

  store::Database& db() { return *db_; }
  // Opens another handle on the same database (e.g. a second server replica).
  std::unique_ptr<store::Database> OpenAnother() const;
  // The target string (file path or URL) for this database, for child processes.
  const std::string& target() const { return target_; }

 private:
  TestDatabase() = default;
  std::string backend_;
  std::string target_;
  std::string schema_;
  std::unique_ptr<store::Database> db_;
};

}  // namespace fincyber::testing
