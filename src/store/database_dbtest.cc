#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>

#include "base/crypto.h"
#include "store/database.h"
#include "store/migrations.h"
#include "testing/db_targets.h"

namespace fincyber::store {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

const std::vector<Migration> kItems = {
    {"test", 1, "items",
     "CREATE TABLE items (id AUTO_ID, i BIGINT, d DOUBLE PRECISION, t TEXT, n TEXT);"
     "CREATE UNIQUE INDEX items_t ON items (t)"},
};

// Collects notification payloads delivered on a listener thread.
class Inbox {
 public:
  Listener AsListener() {
    return [this](std::string_view payload) {
      {
        std::lock_guard lock(mutex_);
        payloads_.emplace_back(payload);
      }
      arrived_.notify_all();
    };
  }
  // Waits until `payload` has arrived; false after 10 s.
  bool WaitFor(const std::string& payload) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, 10s, [&] {
      return std::find(payloads_.begin(), payloads_.end(), payload) != payloads_.end();
    });
  }
  std::vector<std::string> Received() {
    std::lock_guard lock(mutex_);
    return payloads_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> payloads_;
};

class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    test_db_ = testing::TestDatabase::Create(GetParam());
    auto report = Migrate(db(), kItems);
    ASSERT_TRUE(report.ok()) << report.error().internal_message();
  }
  Database& db() { return test_db_->db(); }
  bool postgres() const { return GetParam() == "postgres"; }

  Status Insert(Database& target, const std::string& t) {
    return target.Transact([&](Connection& c) -> Status {
      FC_RETURN_IF_ERROR(c.Execute("INSERT INTO items (t) VALUES (?)", {t}));
      return OkStatus();
    });
  }
  std::int64_t CountItems(Database& target) {
    auto n = target.ReadValue<std::int64_t>([](Connection& c) -> Result<std::int64_t> {
      FC_ASSIGN_OR_RETURN(Row row, c.QueryOne("SELECT COUNT(*) FROM items", {}, "count"));
      return row.GetInt(0);
    });
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  std::unique_ptr<testing::TestDatabase> test_db_;
};

TEST_P(DatabaseTest, RoundTripsEveryValueType) {
  const std::string japanese = "金融庁 サイバー演習 🛡️ テスト";
  ASSERT_TRUE(
      db().Transact([&](Connection& c) -> Status {
            FC_RETURN_IF_ERROR(
                c.Execute("INSERT INTO items (i, d, t, n) VALUES (?, ?, ?, ?)",
                          {std::numeric_limits<std::int64_t>::max(), 0.1, japanese, nullptr}));
            FC_RETURN_IF_ERROR(c.Execute("INSERT INTO items (i, d, t, n) VALUES (?, ?, ?, ?)",
                                         {std::numeric_limits<std::int64_t>::min(), -2.5e300,
                                          std::string(), std::string("x")}));
            return OkStatus();
          })
          .ok());
  auto rows = db().ReadValue<std::vector<Row>>(
      [](Connection& c) { return c.Query("SELECT id, i, d, t, n FROM items ORDER BY id"); });
  ASSERT_TRUE(rows.ok()) << rows.error().internal_message();
  ASSERT_EQ(rows->size(), 2u);
  const Row& first = (*rows)[0];
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(first.at(0)));
  EXPECT_EQ(first.at(1), Value(std::numeric_limits<std::int64_t>::max()));
  EXPECT_EQ(first.at(2), Value(0.1));
  EXPECT_EQ(first.at(3), Value(japanese));
  EXPECT_TRUE(first.IsNull(4));
  EXPECT_EQ(first.GetOptionalString(4), std::nullopt);
  const Row& second = (*rows)[1];
  EXPECT_GT(second.GetInt(0), first.GetInt(0));
  EXPECT_EQ(second.at(1), Value(std::numeric_limits<std::int64_t>::min()));
  EXPECT_EQ(second.at(2), Value(-2.5e300));
  EXPECT_EQ(second.at(3), Value(std::string()));
  EXPECT_EQ(second.GetOptionalString(4), "x");
}

TEST_P(DatabaseTest, ConvertingReaders) {
  auto row = db().ReadValue<Row>(
      [](Connection& c) { return c.QueryOne("SELECT 42, '17', 'abc', 2.5, NULL", {}, "row"); });
  ASSERT_TRUE(row.ok()) << row.error().internal_message();
  EXPECT_EQ(row->GetString(0), "42");
  EXPECT_EQ(row->GetInt(1), 17);
  EXPECT_EQ(row->GetInt(2), 0);
  EXPECT_EQ(row->GetDouble(3), 2.5);
  EXPECT_EQ(row->GetString(4), "");
  EXPECT_EQ(row->GetInt(4), 0);
}

TEST_P(DatabaseTest, RoundTripsOneMegabyteText) {
  std::string large(1 << 20, 'a');
  for (std::size_t i = 0; i < large.size(); i += 1000) large[i] = static_cast<char>('a' + i % 26);
  // Column n: t has a unique index, and PostgreSQL caps the size of an index entry.
  Status inserted = db().Transact([&](Connection& c) -> Status {
    FC_RETURN_IF_ERROR(c.Execute("INSERT INTO items (n) VALUES (?)", {large}));
    return OkStatus();
  });
  ASSERT_TRUE(inserted.ok()) << inserted.error().internal_message();
  auto text = db().ReadValue<std::string>([](Connection& c) -> Result<std::string> {
    FC_ASSIGN_OR_RETURN(Row row, c.QueryOne("SELECT n FROM items", {}, "item"));
    return row.GetString(0);
  });
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, large);
}

TEST_P(DatabaseTest, ParameterCountMismatchIsAnError) {
  Status status = db().Transact([](Connection& c) -> Status {
    auto too_few = c.Execute("INSERT INTO items (i, t) VALUES (?, ?)", {std::int64_t{1}});
    EXPECT_FALSE(too_few.ok());
    if (!too_few.ok()) {
      EXPECT_EQ(too_few.error().code(), ErrorCode::kInternal);
    }
    return OkStatus();
  });
  EXPECT_FALSE(status.ok());
  status = db().Read([](Connection& c) -> Status {
    return c.Query("SELECT 1", {std::string("extra")}).ok() ? OkStatus()
                                                            : Status(Internal("mismatch"));
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().internal_message(), "mismatch");
  EXPECT_EQ(CountItems(db()), 0);
}

TEST_P(DatabaseTest, ConstraintViolationsMapToCodes) {
  ASSERT_TRUE(Insert(db(), "dup").ok());
  Status dup = Insert(db(), "dup");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_THAT(dup.error().internal_message(), HasSubstr("items"));
  EXPECT_THAT(dup.error().safe_message(), ::testing::Not(HasSubstr("items")));

  ASSERT_TRUE(
      Migrate(db(), {kItems[0],
                     {"test", 2, "children",
                      "CREATE TABLE parents (id BIGINT PRIMARY KEY);"
                      "CREATE TABLE children (parent BIGINT NOT NULL REFERENCES parents (id),"
                      " qty BIGINT CHECK (qty > 0))"}})
          .ok());
  auto insert_child = [&](Params params) {
    return db().Transact([&](Connection& c) -> Status {
      FC_RETURN_IF_ERROR(c.Execute("INSERT INTO children (parent, qty) VALUES (?, ?)", params));
      return OkStatus();
    });
  };
  Status foreign_key = insert_child({std::int64_t{99}, std::int64_t{1}});
  ASSERT_FALSE(foreign_key.ok());
  EXPECT_EQ(foreign_key.error().code(), ErrorCode::kFailedPrecondition);
  Status not_null = insert_child({nullptr, std::int64_t{1}});
  ASSERT_FALSE(not_null.ok());
  EXPECT_EQ(not_null.error().code(), ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(db().Transact([](Connection& c) -> Status {
                    FC_RETURN_IF_ERROR(c.Execute("INSERT INTO parents (id) VALUES (1)"));
                    return OkStatus();
                  })
                  .ok());
  Status check = insert_child({std::int64_t{1}, std::int64_t{0}});
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(insert_child({std::int64_t{1}, std::int64_t{5}}).ok());
}

TEST_P(DatabaseTest, ErrorFromBodyRollsBackAndIsReturnedUnchanged) {
  Status status = db().Transact([](Connection& c) -> Status {
    FC_RETURN_IF_ERROR(c.Execute("INSERT INTO items (t) VALUES ('a')"));
    return NotFound("organisation not found");
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(status.error().safe_message(), "organisation not found");
  EXPECT_EQ(CountItems(db()), 0);
}

TEST_P(DatabaseTest, SwallowedStatementErrorStillRollsBack) {
  ASSERT_TRUE(Insert(db(), "taken").ok());
  Status status = db().Transact([](Connection& c) -> Status {
    FC_RETURN_IF_ERROR(c.Execute("INSERT INTO items (t) VALUES ('fresh')"));
    EXPECT_FALSE(c.Execute("INSERT INTO items (t) VALUES ('taken')").ok());
    auto later = c.Execute("INSERT INTO items (t) VALUES ('later')");
    EXPECT_FALSE(later.ok());
    return OkStatus();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(CountItems(db()), 1);
}

// SQLite's INSERT OR FAIL (what the hub's multi-row INSERTs use there) keeps the rows
// before the failing one in the statement: the transaction still takes them away.
TEST_P(DatabaseTest, RowsBeforeTheFailingRowOfAStatementGoWithTheTransaction) {
  ASSERT_TRUE(Insert(db(), "taken").ok());
  const std::string insert = std::string(postgres() ? "INSERT INTO" : "INSERT OR FAIL INTO") +
                             " items (t) VALUES ('first'), ('taken'), ('last')";
  Status status = db().Transact([&](Connection& c) -> Status {
    EXPECT_FALSE(c.Execute(insert).ok());
    return OkStatus();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(CountItems(db()), 1);
}

TEST_P(DatabaseTest, ExecuteCountsChangedRowsOnly) {
  auto counts = db().TransactValue<std::vector<std::int64_t>>(
      [](Connection& c) -> Result<std::vector<std::int64_t>> {
        std::vector<std::int64_t> out;
        for (const char* sql :
             {"INSERT INTO items (t) VALUES ('a')", "INSERT INTO items (t) VALUES ('b')",
              "UPDATE items SET i = 1", "CREATE TABLE extra (x TEXT)", "SELECT t FROM items",
              "DELETE FROM items WHERE t = 'nothing'", "DELETE FROM items"}) {
          FC_ASSIGN_OR_RETURN(auto n, c.Execute(sql));
          out.push_back(n);
        }
        return out;
      });
  ASSERT_TRUE(counts.ok()) << counts.error().internal_message();
  EXPECT_EQ(*counts, (std::vector<std::int64_t>{1, 1, 2, 0, 0, 0, 2}));
}

TEST_P(DatabaseTest, CommitIsVisibleToAnotherHandle) {
  auto other = test_db_->OpenAnother();
  ASSERT_TRUE(Insert(db(), "committed").ok());
  EXPECT_EQ(CountItems(*other), 1);
  auto changed = other->TransactValue<std::int64_t>([](Connection& c) {
    return c.Execute("UPDATE items SET i = 7 WHERE t = ?", {std::string("committed")});
  });
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(*changed, 1);
}

TEST_P(DatabaseTest, ReadIsASnapshotAndRejectsWrites) {
  ASSERT_TRUE(Insert(db(), "one").ok());
  auto other = test_db_->OpenAnother();
  Status status = db().Read([&](Connection& c) -> Status {
    FC_ASSIGN_OR_RETURN(Row before, c.QueryOne("SELECT COUNT(*) FROM items", {}, "count"));
    EXPECT_EQ(before.GetInt(0), 1);
    EXPECT_TRUE(Insert(*other, "two").ok());
    FC_ASSIGN_OR_RETURN(Row after, c.QueryOne("SELECT COUNT(*) FROM items", {}, "count"));
    EXPECT_EQ(after.GetInt(0), 1);
    return OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status.error().internal_message();
  EXPECT_EQ(CountItems(db()), 2);

  status = db().Read([](Connection& c) -> Status {
    FC_RETURN_IF_ERROR(c.Execute("DELETE FROM items"));
    return OkStatus();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(CountItems(db()), 2);
}

TEST_P(DatabaseTest, LockExclusiveSerialisesReadModifyWrite) {
  ASSERT_TRUE(db().Transact([](Connection& c) -> Status {
                    FC_RETURN_IF_ERROR(c.Execute("INSERT INTO items (t, i) VALUES ('counter', 0)"));
                    return OkStatus();
                  })
                  .ok());
  constexpr int kThreads = 8;
  constexpr int kIncrements = 25;
  auto other = test_db_->OpenAnother();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Database& target = t % 2 == 0 ? db() : *other;
    threads.emplace_back([&target, &failures] {
      for (int k = 0; k < kIncrements; ++k) {
        Status status = target.Transact([](Connection& c) -> Status {
          FC_RETURN_IF_ERROR(c.LockExclusive("counter"));
          FC_ASSIGN_OR_RETURN(Row row,
                              c.QueryOne("SELECT i FROM items WHERE t = 'counter'", {}, "counter"));
          FC_RETURN_IF_ERROR(
              c.Execute("UPDATE items SET i = ? WHERE t = 'counter'", {row.GetInt(0) + 1}));
          return OkStatus();
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto value = db().ReadValue<std::int64_t>([](Connection& c) -> Result<std::int64_t> {
    FC_ASSIGN_OR_RETURN(Row row, c.QueryOne("SELECT i FROM items WHERE t = 'counter'", {}, "c"));
    return row.GetInt(0);
  });
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, kThreads * kIncrements);
}

TEST_P(DatabaseTest, NotifyReachesListenersOnlyAfterCommit) {
  auto other = test_db_->OpenAnother();
  Inbox remote;
  Inbox local;
  ASSERT_TRUE(other->Listen("orders", remote.AsListener()).ok());
  ASSERT_TRUE(db().Listen("orders", local.AsListener()).ok());

  ASSERT_TRUE(db().Transact([&](Connection& c) -> Status {
                    FC_RETURN_IF_ERROR(c.Notify("orders", "first"));
                    FC_RETURN_IF_ERROR(c.Execute("INSERT INTO items (t) VALUES ('x')"));
                    std::this_thread::sleep_for(300ms);
                    EXPECT_TRUE(remote.Received().empty());
                    EXPECT_TRUE(local.Received().empty());
                    return OkStatus();
                  })
                  .ok());
  EXPECT_TRUE(remote.WaitFor("first"));
  EXPECT_TRUE(local.WaitFor("first"));

  EXPECT_FALSE(db().Transact([](Connection& c) -> Status {
                     FC_RETURN_IF_ERROR(c.Notify("orders", "rolled-back"));
                     return Aborted("changed my mind");
                   })
                   .ok());
  ASSERT_TRUE(db().Transact([](Connection& c) { return c.Notify("orders", "二番目"); }).ok());
  ASSERT_TRUE(remote.WaitFor("二番目"));
  ASSERT_TRUE(local.WaitFor("二番目"));
  EXPECT_EQ(remote.Received(), (std::vector<std::string>{"first", "二番目"}));
  EXPECT_EQ(local.Received(), (std::vector<std::string>{"first", "二番目"}));
}

TEST_P(DatabaseTest, NotifyOnlyReachesItsChannel) {
  Inbox orders;
  Inbox alerts;
  ASSERT_TRUE(db().Listen("orders", orders.AsListener()).ok());
  ASSERT_TRUE(db().Listen("alerts", alerts.AsListener()).ok());
  ASSERT_TRUE(db().Transact([](Connection& c) -> Status {
                    FC_RETURN_IF_ERROR(c.Notify("alerts", "a1"));
                    return c.Notify("orders", "o1");
                  })
                  .ok());
  ASSERT_TRUE(orders.WaitFor("o1"));
  ASSERT_TRUE(alerts.WaitFor("a1"));
  EXPECT_EQ(orders.Received(), std::vector<std::string>{"o1"});
  EXPECT_EQ(alerts.Received(), std::vector<std::string>{"a1"});
}

TEST_P(DatabaseTest, NotificationsStayInTheirDatabase) {
  auto neighbour = testing::TestDatabase::Create(GetParam());
  Inbox inbox;
  ASSERT_TRUE(neighbour->db().Listen("orders", inbox.AsListener()).ok());
  ASSERT_TRUE(db().Transact([](Connection& c) { return c.Notify("orders", "not yours"); }).ok());
  const std::string largest(7900, 'p');
  ASSERT_TRUE(
      neighbour->db().Transact([&](Connection& c) { return c.Notify("orders", largest); }).ok());
  ASSERT_TRUE(inbox.WaitFor(largest));
  EXPECT_EQ(inbox.Received(), std::vector<std::string>{largest});
}

TEST_P(DatabaseTest, RejectsInvalidChannelsAndPayloads) {
  for (const char* channel : {"", "Orders", "1abc", "a-b", "a b", "x\"; DROP TABLE items; --"}) {
    Status listen = db().Listen(channel, [](std::string_view) {});
    ASSERT_FALSE(listen.ok()) << channel;
    EXPECT_EQ(listen.error().code(), ErrorCode::kInvalidArgument);
    Status notify = db().Transact([&](Connection& c) { return c.Notify(channel, "p"); });
    ASSERT_FALSE(notify.ok()) << channel;
    EXPECT_EQ(notify.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(db().Listen(std::string(64, 'a'), [](std::string_view) {}).ok());
  EXPECT_TRUE(db().Listen(std::string(63, 'a'), [](std::string_view) {}).ok());
  Status too_long =
      db().Transact([](Connection& c) { return c.Notify("orders", std::string(7901, 'p')); });
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code(), ErrorCode::kInvalidArgument);
  Status in_read = db().Read([](Connection& c) { return c.Notify("orders", "p"); });
  EXPECT_FALSE(in_read.ok());
}

TEST_P(DatabaseTest, InjectionAttemptThroughParameterStaysData) {
  const std::string hostile = "x'); DROP TABLE items; --";
  ASSERT_TRUE(Insert(db(), hostile).ok());
  auto found = db().ReadValue<std::optional<Row>>(
      [&](Connection& c) { return c.QueryOptional("SELECT t FROM items WHERE t = ?", {hostile}); });
  ASSERT_TRUE(found.ok()) << found.error().internal_message();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->GetString(0), hostile);
  EXPECT_EQ(CountItems(db()), 1);
}

TEST_P(DatabaseTest, QuestionMarkInLiteralIsNotAPlaceholder) {
  auto row = db().ReadValue<Row>([](Connection& c) {
    return c.QueryOne("SELECT '?', 'why?' || ?", {std::string("!")}, "row");
  });
  ASSERT_TRUE(row.ok()) << row.error().internal_message();
  EXPECT_EQ(row->GetString(0), "?");
  EXPECT_EQ(row->GetString(1), "why?!");
}

TEST_P(DatabaseTest, InvalidSqlIsInternalWithGenericSafeMessage) {
  Status status = db().Read([](Connection& c) -> Status {
    FC_RETURN_IF_ERROR(c.Query("SELEC secret_column FROM items"));
    return OkStatus();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(status.error().safe_message(), "internal error");
  EXPECT_THAT(status.error().internal_message(), HasSubstr("secret_column"));
}

TEST_P(DatabaseTest, RejectsTwoStatementsInOneCall) {
  Status status = db().Transact([](Connection& c) -> Status {
    FC_RETURN_IF_ERROR(c.Execute("INSERT INTO items (t) VALUES ('a'); DROP TABLE items"));
    return OkStatus();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(CountItems(db()), 0);
}

TEST_P(DatabaseTest, QueryOneAndOptional) {
  Status status = db().Read([](Connection& c) -> Status {
    auto none = c.QueryOptional("SELECT t FROM items WHERE t = ?", {std::string("nope")});
    EXPECT_TRUE(none.ok());
    if (none.ok()) {
      EXPECT_FALSE(none->has_value());
    }
    return OkStatus();
  });
  ASSERT_TRUE(status.ok());
  status = db().Read([](Connection& c) -> Status {
    FC_RETURN_IF_ERROR(c.QueryOne("SELECT t FROM items", {}, "item"));
    return OkStatus();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(status.error().safe_message(), "item not found");
}

TEST_P(DatabaseTest, ExhaustedPoolIsUnavailable) {
  auto small = Database::Open(test_db_->target(), {.pool_size = 1, .busy_timeout_ms = 200});
  ASSERT_TRUE(small.ok());
  std::mutex mutex;
  std::condition_variable cv;
  bool holding = false;
  bool release = false;
  std::thread holder([&] {
    Status held = (*small)->Read([&](Connection&) -> Status {
      std::unique_lock lock(mutex);
      holding = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
      return OkStatus();
    });
    EXPECT_TRUE(held.ok());
  });
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return holding; });
  }
  auto start = std::chrono::steady_clock::now();
  Status waited = (*small)->Read([](Connection&) { return OkStatus(); });
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  cv.notify_all();
  holder.join();
  ASSERT_FALSE(waited.ok());
  EXPECT_EQ(waited.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE((*small)->Read([](Connection&) { return OkStatus(); }).ok());
}

// Migrations.

const Migration kV1 = {"mod", 1, "create", "CREATE TABLE things (id AUTO_ID, name TEXT)"};
const Migration kV2 = {"mod", 2, "column and seed",
                       "ALTER TABLE things ADD COLUMN note TEXT;"
                       "INSERT INTO things (name, note) VALUES ('a;b', 'it''s; fine')"};
const Migration kV3 = {"mod", 3, "index", "CREATE INDEX things_name ON things (name)"};

std::int64_t CountRows(Database& db, const std::string& sql) {
  auto n = db.ReadValue<std::int64_t>([&](Connection& c) -> Result<std::int64_t> {
    FC_ASSIGN_OR_RETURN(Row row, c.QueryOne(sql, {}, "count"));
    return row.GetInt(0);
  });
  return n.ok() ? *n : -1;
}

TEST_P(DatabaseTest, MigrateAppliesInVersionOrderAndIsIdempotent) {
  auto first = Migrate(db(), {kV3, kV2, kV1});
  ASSERT_TRUE(first.ok()) << first.error().internal_message();
  EXPECT_EQ(first->applied, 3);
  EXPECT_EQ(first->already_applied, 0);
  auto second = Migrate(db(), {kV1, kV2, kV3});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->applied, 0);
  EXPECT_EQ(second->already_applied, 3);
  EXPECT_EQ(CountRows(db(),
                      "SELECT COUNT(*) FROM things WHERE name = 'a;b' AND "
                      "note = 'it''s; fine'"),
            1);
  EXPECT_EQ(CountRows(db(), "SELECT COUNT(*) FROM schema_migrations WHERE module = 'mod'"), 3);
  auto ids = db().TransactValue<std::int64_t>(
      [](Connection& c) { return c.Execute("INSERT INTO things (name) VALUES ('auto')"); });
  ASSERT_TRUE(ids.ok()) << ids.error().internal_message();
}

TEST_P(DatabaseTest, MigrateAppliesOnlyTheMissingOnes) {
  ASSERT_TRUE(Migrate(db(), {kV1}).ok());
  auto report = Migrate(db(), {kV1, kV2});
  ASSERT_TRUE(report.ok()) << report.error().internal_message();
  EXPECT_EQ(report->applied, 1);
  EXPECT_EQ(report->already_applied, 1);
}

TEST_P(DatabaseTest, MigrateDetectsDowngrade) {
  ASSERT_TRUE(Migrate(db(), {kV1, kV2}).ok());
  auto report = Migrate(db(), {kV1});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(report.error().internal_message(), HasSubstr("mod"));
}

TEST_P(DatabaseTest, FailedMigrationLeavesNoTrace) {
  const Migration broken = {"mod", 2, "broken",
                            "CREATE TABLE half (x TEXT); CREATE TABLE oops (x NOSUCHTYPE"};
  ASSERT_TRUE(Migrate(db(), {kV1}).ok());
  auto report = Migrate(db(), {kV1, broken});
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.error().internal_message(), HasSubstr("migration mod 2"));
  EXPECT_EQ(CountRows(db(), "SELECT COUNT(*) FROM schema_migrations WHERE module = 'mod'"), 1);
  Status half = db().Read([](Connection& c) -> Status {
    FC_RETURN_IF_ERROR(c.Query("SELECT x FROM half"));
    return OkStatus();
  });
  EXPECT_FALSE(half.ok());
}

TEST_P(DatabaseTest, BackfillRunsAfterTheSqlInItsTransaction) {
  Migration filled = {"mod", 2, "note column filled", "ALTER TABLE things ADD COLUMN note TEXT"};
  filled.backfill = [](Connection& c) -> Status {
    FC_RETURN_IF_ERROR(c.Execute("UPDATE things SET note = name || '!'"));
    return OkStatus();
  };
  ASSERT_TRUE(Migrate(db(), {kV1}).ok());
  ASSERT_TRUE(db().Transact([](Connection& c) -> Status {
                    FC_RETURN_IF_ERROR(c.Execute("INSERT INTO things (name) VALUES ('old')"));
                    return OkStatus();
                  })
                  .ok());
  auto report = Migrate(db(), {kV1, filled});
  ASSERT_TRUE(report.ok()) << report.error().internal_message();
  EXPECT_EQ(CountRows(db(), "SELECT COUNT(*) FROM things WHERE note = 'old!'"), 1);
}

TEST_P(DatabaseTest, FailedBackfillUndoesItsMigration) {
  Migration broken = {"mod", 2, "backfill fails", "ALTER TABLE things ADD COLUMN note TEXT"};
  broken.backfill = [](Connection&) -> Status { return Internal("cannot read a row"); };
  ASSERT_TRUE(Migrate(db(), {kV1}).ok());
  auto report = Migrate(db(), {kV1, broken});
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.error().internal_message(), HasSubstr("migration mod 2"));
  EXPECT_EQ(CountRows(db(), "SELECT COUNT(*) FROM schema_migrations WHERE module = 'mod'"), 1);
  Status column = db().Read([](Connection& c) -> Status {
    FC_RETURN_IF_ERROR(c.Query("SELECT note FROM things"));
    return OkStatus();
  });
  EXPECT_FALSE(column.ok());
}

TEST_P(DatabaseTest, RejectsDuplicateMigrationVersions) {
  auto report = Migrate(db(), {kV1, kV1});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code(), ErrorCode::kInternal);
}

TEST_P(DatabaseTest, ConcurrentMigrateFromTwoHandlesAppliesOnce) {
  auto other = test_db_->OpenAnother();
  const std::vector<Migration> all = {kV1, kV2, kV3};
  Result<MigrationReport> a = MigrationReport{};
  Result<MigrationReport> b = MigrationReport{};
  std::thread ta([&] { a = Migrate(db(), all); });
  std::thread tb([&] { b = Migrate(*other, all); });
  ta.join();
  tb.join();
  ASSERT_TRUE(a.ok()) << a.error().internal_message();
  ASSERT_TRUE(b.ok()) << b.error().internal_message();
  EXPECT_EQ(a->applied + b->applied, 3);
  EXPECT_EQ(a->already_applied + b->already_applied, 3);
  EXPECT_EQ(CountRows(db(), "SELECT COUNT(*) FROM things"), 1);
  EXPECT_EQ(CountRows(db(), "SELECT COUNT(*) FROM schema_migrations WHERE module = 'mod'"), 3);
}

// PostgreSQL only: a pooled connection the server dropped is replaced transparently
// at the next BEGIN, and the listener reconnects and re-subscribes.
TEST_P(DatabaseTest, RecoversFromTerminatedBackends) {
  if (!postgres()) GTEST_SKIP() << "server connections exist only on PostgreSQL";
  auto single = Database::Open(test_db_->target(), {.pool_size = 1, .busy_timeout_ms = 5000});
  ASSERT_TRUE(single.ok());
  Status killed = (*single)->Transact([](Connection& c) -> Status {
    FC_RETURN_IF_ERROR(c.Query("SELECT pg_terminate_backend(pg_backend_pid())"));
    return OkStatus();
  });
  ASSERT_FALSE(killed.ok());
  EXPECT_EQ(killed.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE((*single)
                  ->Read([](Connection& c) -> Status {
                    FC_RETURN_IF_ERROR(c.Query("SELECT 1"));
                    return OkStatus();
                  })
                  .ok());

  const std::string channel = "reconnect_" + Sha256Hex(RandomToken(8)).substr(0, 12);
  Inbox inbox;
  ASSERT_TRUE((*single)->Listen(channel, inbox.AsListener()).ok());
  ASSERT_TRUE(db().Transact([&](Connection& c) -> Status {
                    FC_RETURN_IF_ERROR(c.Query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = ?",
                        {"LISTEN \"" + channel + "\""}));
                    return OkStatus();
                  })
                  .ok());
  // Notifications sent while the listener is down are lost by design, so keep
  // sending until one arrives after the re-LISTEN.
  bool delivered = false;
  for (int attempt = 0; attempt < 100 && !delivered; ++attempt) {
    ASSERT_TRUE(db().Transact([&](Connection& c) { return c.Notify(channel, "back"); }).ok());
    std::this_thread::sleep_for(100ms);
    auto received = inbox.Received();
    delivered = std::find(received.begin(), received.end(), "back") != received.end();
  }
  EXPECT_TRUE(delivered);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::ValuesIn(testing::DbBackends()),
                         [](const auto& info) { return info.param; });

TEST(DatabaseOpen, RejectsUnusableTargets) {
  for (const char* target : {"", ":memory:", "/nonexistent-dir/sub/x.db"}) {
    auto db = Database::Open(target);
    ASSERT_FALSE(db.ok()) << target;
    EXPECT_EQ(db.error().code(), ErrorCode::kInvalidArgument) << target;
  }
  auto malformed = Database::Open("postgresql:///db?no_such_libpq_option=1");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code(), ErrorCode::kInvalidArgument);
  auto unreachable = Database::Open("postgresql:///db?host=/nonexistent-socket-dir");
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.error().code(), ErrorCode::kUnavailable);
  auto bad_pool = Database::Open("x.db", {.pool_size = 0});
  ASSERT_FALSE(bad_pool.ok());
  EXPECT_EQ(bad_pool.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace fincyber::store
