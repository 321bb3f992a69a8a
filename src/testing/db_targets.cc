#include "testing/db_targets.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "base/crypto.h"

namespace fincyber::testing {

namespace {

// A fixture that cannot be built is a broken test environment: stop loudly rather
// than let the test pass or skip.
[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "TestDatabase: %s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

std::string PgUrl() {
  const char* url = std::getenv("FINCYBER_TEST_PG");
  return url != nullptr ? url : "";
}

// Runs one statement on a short-lived connection of its own.
void PgAdmin(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    Die("cannot connect to FINCYBER_TEST_PG: " + message);
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PGresult* result = PQexec(conn, sql.c_str());
  bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  std::string message = ok ? "" : PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(conn);
  if (!ok) Die(sql + ": " + message);
}

std::string TempDbPath() {
  const char* dir = std::getenv("TMPDIR");
  std::string pattern =
      std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/fincyber-test-XXXXXX.db";
  int fd = mkstemps(pattern.data(), 3);
  if (fd < 0) Die("cannot create a temporary file from " + pattern);
  close(fd);
  return pattern;
}

}  // namespace

std::vector<std::string> DbBackends() {
  std::vector<std::string> backends = {"sqlite"};
  if (!PgUrl().empty()) backends.push_back("postgres");
  return backends;
}

std::unique_ptr<TestDatabase> TestDatabase::Create(const std::string& backend) {
  std::unique_ptr<TestDatabase> test(new TestDatabase());
  test->backend_ = backend;
  if (backend == "sqlite") {
    test->target_ = TempDbPath();
  } else if (backend == "postgres") {
    std::string url = PgUrl();
    if (url.empty()) Die("backend postgres needs FINCYBER_TEST_PG");
    test->schema_ = "t_" + Sha256Hex(RandomToken(16)).substr(0, 16);
    PgAdmin(url, "CREATE SCHEMA " + test->schema_);
    test->target_ = url + (url.find('?') == std::string::npos ? '?' : '&') +
                    "options=-csearch_path%3D" + test->schema_;
  } else {
    Die("unknown backend " + backend);
  }
  auto db = store::Database::Open(test->target_);
  if (!db.ok()) Die("cannot open " + test->target_ + ": " + db.error().internal_message());
  test->db_ = std::move(db).value();
  return test;
}

TestDatabase::~TestDatabase() {
  db_.reset();
  if (backend_ == "sqlite") {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(target_ + suffix, ignored);
    }
    std::filesystem::remove_all(target_ + ".taxii-spool", ignored);  // a server's default
  } else if (backend_ == "postgres") {
    PgAdmin(PgUrl(), "DROP SCHEMA " + schema_ + " CASCADE");
  }
}

std::unique_ptr<store::Database> TestDatabase::OpenAnother() const {
  auto db = store::Database::Open(target_);
  if (!db.ok())
    Die("cannot open another handle on " + target_ + ": " + db.error().internal_message());
  return std::move(db).value();
}

}  // namespace fincyber::testing
