#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit.h"
#include "audit/internal/chain.h"
#include "store/migrations.h"
#include "testing/db_targets.h"

namespace fincyber::audit {
namespace {

using identity::Principal;
using identity::Role;

Principal MakePrincipal(Role role, std::string org_id) {
  Principal p;
  p.user_id = "user-of-" + org_id;
  p.org_id = std::move(org_id);
  p.role = role;
  return p;
}

Entry MakeEntry(std::string action, std::string org_id, std::string target_id = "t") {
  Entry e;
  e.actor_user_id = "u-" + org_id;
  e.actor_org_id = std::move(org_id);
  e.action = std::move(action);
  e.target_type = "user";
  e.target_id = std::move(target_id);
  e.details = Json{{"reason", "test"}, {"count", 2}};
  e.remote_address = "192.0.2.7";
  e.request_id = "req-" + e.target_id;
  return e;
}

std::vector<std::string> Summary(const VerifyReport& report) {
  std::vector<std::string> out;
  for (const auto& p : report.problems) out.push_back(std::to_string(p.seq) + " " + p.kind);
  return out;
}
using Problems = std::vector<std::string>;

class AuditDbTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    test_db_ = fincyber::testing::TestDatabase::Create(GetParam());
    auto migrated = store::Migrate(db(), Migrations());
    ASSERT_TRUE(migrated.ok()) << migrated.error().internal_message();
  }

  store::Database& db() { return test_db_->db(); }

  Status AppendOne(const Entry& entry) {
    return db().Transact([&](store::Connection& c) { return Append(c, clock_, entry); });
  }

  void AppendMany(int n) {
    Status s = db().Transact([&](store::Connection& c) -> Status {
      for (int i = 1; i <= n; ++i) {
        FC_RETURN_IF_ERROR(
            Append(c, clock_, MakeEntry("user.update", "org-a", "t" + std::to_string(i))));
      }
      return OkStatus();
    });
    ASSERT_TRUE(s.ok()) << s.error().internal_message();
  }

  // Tampering as someone with direct database access would.
  void Sql(const std::string& sql) {
    Status s = db().Transact([&](store::Connection& c) -> Status {
      FC_RETURN_IF_ERROR(c.Execute(sql));
      return OkStatus();
    });
    ASSERT_TRUE(s.ok()) << sql << ": " << s.error().internal_message();
  }

  VerifyReport MustVerify() {
    auto report = Verify(db());
    EXPECT_TRUE(report.ok()) << report.error().internal_message();
    return report.ok() ? *report : VerifyReport{};
  }

  std::vector<StoredEntry> MustList(const Principal& p, const ListQuery& q = {}) {
    auto entries = List(db(), p, q);
    EXPECT_TRUE(entries.ok()) << entries.error().internal_message();
    return entries.ok() ? *entries : std::vector<StoredEntry>{};
  }

  static std::vector<std::int64_t> Seqs(const std::vector<StoredEntry>& entries) {
    std::vector<std::int64_t> out;
    for (const auto& e : entries) out.push_back(e.seq);
    return out;
  }

  std::unique_ptr<fincyber::testing::TestDatabase> test_db_;
  FakeClock clock_{FromUnixMillis(1'800'000'000'000)};
  const Principal office_ = MakePrincipal(Role::kCoordinationOffice, "regulator");
};

TEST_P(AuditDbTest, AppendThenListNewestFirstWithEveryField) {
  ASSERT_TRUE(AppendOne(MakeEntry("auth.login", "org-a", "u1")).ok());
  clock_.Advance(std::chrono::milliseconds(1500));
  Entry system = MakeEntry("org.create", "org-b", "org-b");
  system.actor_user_id = "";
  system.details = nullptr;
  ASSERT_TRUE(AppendOne(system).ok());

  auto entries = MustList(office_);
  ASSERT_EQ(entries.size(), 2u);
  const StoredEntry& newest = entries[0];
  const StoredEntry& oldest = entries[1];
  EXPECT_EQ(newest.seq, 2);
  EXPECT_EQ(oldest.seq, 1);
  EXPECT_EQ(oldest.at, FormatRfc3339(FromUnixMillis(1'800'000'000'000)));
  EXPECT_EQ(newest.at, FormatRfc3339(FromUnixMillis(1'800'000'001'500)));
  EXPECT_EQ(oldest.entry.actor_user_id, "u-org-a");
  EXPECT_EQ(oldest.entry.actor_org_id, "org-a");
  EXPECT_EQ(oldest.entry.action, "auth.login");
  EXPECT_EQ(oldest.entry.target_type, "user");
  EXPECT_EQ(oldest.entry.target_id, "u1");
  EXPECT_EQ(oldest.entry.details, (Json{{"reason", "test"}, {"count", 2}}));
  EXPECT_EQ(oldest.entry.remote_address, "192.0.2.7");
  EXPECT_EQ(oldest.entry.request_id, "req-u1");
  EXPECT_EQ(newest.entry.actor_user_id, "");
  EXPECT_EQ(newest.entry.details, Json::object());
  EXPECT_EQ(newest.prev_hash, oldest.hash);
  EXPECT_EQ(oldest.hash.size(), 64u);
}

TEST_P(AuditDbTest, ListFiltersByActionPrefixOrgAndPages) {
  ASSERT_TRUE(AppendOne(MakeEntry("auth.login", "org-a")).ok());         // 1
  ASSERT_TRUE(AppendOne(MakeEntry("auth.login_failed", "org-b")).ok());  // 2
  ASSERT_TRUE(AppendOne(MakeEntry("user.disable", "org-a")).ok());       // 3
  ASSERT_TRUE(AppendOne(MakeEntry("authx.other", "org-a")).ok());        // 4
  ASSERT_TRUE(AppendOne(MakeEntry("auth.logout", "org-a")).ok());        // 5

  EXPECT_EQ(Seqs(MustList(office_, {.action_prefix = "auth."})),
            (std::vector<std::int64_t>{5, 2, 1}));
  EXPECT_EQ(Seqs(MustList(office_, {.action_prefix = "AUTH."})), std::vector<std::int64_t>{});
  // Wildcard characters are plain characters in a prefix.
  EXPECT_EQ(Seqs(MustList(office_, {.action_prefix = "auth%"})), std::vector<std::int64_t>{});
  EXPECT_EQ(Seqs(MustList(office_, {.action_prefix = "auth.", .org_id = "org-a"})),
            (std::vector<std::int64_t>{5, 1}));
  EXPECT_EQ(Seqs(MustList(office_, {.limit = 2})), (std::vector<std::int64_t>{5, 4}));
  EXPECT_EQ(Seqs(MustList(office_, {.before_seq = 4, .limit = 2})),
            (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(Seqs(MustList(office_, {.before_seq = 2, .limit = 2})), (std::vector<std::int64_t>{1}));
}

TEST_P(AuditDbTest, ListRejectsBadPaging) {
  for (int limit : {0, -1, 501}) {
    auto r = List(db(), office_, {.limit = limit});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
  auto r = List(db(), office_, {.before_seq = -1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(AuditDbTest, ListFollowsTheAccessPolicy) {
  ASSERT_TRUE(AppendOne(MakeEntry("user.create", "org-a")).ok());     // 1
  ASSERT_TRUE(AppendOne(MakeEntry("user.create", "org-b")).ok());     // 2
  ASSERT_TRUE(AppendOne(MakeEntry("org.create", "regulator")).ok());  // 3

  EXPECT_EQ(Seqs(MustList(MakePrincipal(Role::kInstitutionAdmin, "org-a"))),
            std::vector<std::int64_t>{1});
  EXPECT_EQ(Seqs(MustList(MakePrincipal(Role::kInstitutionAdmin, "org-a"), {.org_id = "org-b"})),
            std::vector<std::int64_t>{});
  EXPECT_EQ(Seqs(MustList(MakePrincipal(Role::kInstitutionMember, "org-a"))),
            std::vector<std::int64_t>{});
  EXPECT_EQ(Seqs(MustList(MakePrincipal(Role::kBureauStaff, "bureau-1"))),
            std::vector<std::int64_t>{});
  EXPECT_EQ(Seqs(MustList(office_)), (std::vector<std::int64_t>{3, 2, 1}));
  EXPECT_EQ(Seqs(MustList(MakePrincipal(Role::kAuditor, "regulator"))),
            (std::vector<std::int64_t>{3, 2, 1}));
}

TEST_P(AuditDbTest, AppendRollsBackWithItsTransaction) {
  Status s = db().Transact([&](store::Connection& c) -> Status {
    FC_RETURN_IF_ERROR(Append(c, clock_, MakeEntry("user.disable", "org-a")));
    return Aborted("the change being recorded failed");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kAborted);
  EXPECT_TRUE(MustList(office_).empty());

  ASSERT_TRUE(AppendOne(MakeEntry("user.disable", "org-a")).ok());
  EXPECT_EQ(Seqs(MustList(office_)), std::vector<std::int64_t>{1});
  VerifyReport report = MustVerify();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.head_seq, 1);
}

TEST_P(AuditDbTest, AppendRejectsInvalidEntries) {
  Entry no_action = MakeEntry("", "org-a");
  Entry long_field = MakeEntry("user.update", "org-a", std::string(257, 'x'));
  Entry list_details = MakeEntry("user.update", "org-a");
  list_details.details = Json::array({1, 2});
  Entry huge_details = MakeEntry("user.update", "org-a");
  huge_details.details = Json{{"blob", std::string(17 * 1024, 'x')}};
  for (const Entry& e : {no_action, long_field, list_details, huge_details}) {
    Status s = AppendOne(e);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(MustList(office_).empty());
}

TEST_P(AuditDbTest, ConcurrentAppendsKeepOneValidChain) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  // Half the writers go through a second handle, as a second replica would.
  std::unique_ptr<store::Database> other = test_db_->OpenAnother();
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    store::Database& target = t % 2 == 0 ? db() : *other;
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Entry e = MakeEntry("user.update", "org-a", std::to_string(t) + "-" + std::to_string(i));
        Status s = target.Transact([&](store::Connection& c) { return Append(c, clock_, e); });
        if (!s.ok()) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(kThreads, 0));

  VerifyReport report = MustVerify();
  EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems[0].message);
  EXPECT_EQ(report.checked, kThreads * kPerThread);
  EXPECT_EQ(report.head_seq, kThreads * kPerThread);
}

TEST_P(AuditDbTest, EmptyLogVerifies) {
  VerifyReport report = MustVerify();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.checked, 0);
  EXPECT_EQ(report.head_seq, 0);
}

TEST_P(AuditDbTest, CleanLogVerifiesAcrossPages) {
  AppendMany(2345);
  VerifyReport report = MustVerify();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.checked, 2345);
  EXPECT_EQ(report.head_seq, 2345);
  EXPECT_EQ(report.head_hash, MustList(office_, {.limit = 1})[0].hash);
}

TEST_P(AuditDbTest, ChangedFieldIsReportedAtItsSeq) {
  AppendMany(1500);
  Sql("UPDATE audit_log SET target_id = 'someone-else' WHERE seq = 1203");
  VerifyReport report = MustVerify();
  EXPECT_EQ(Summary(report), Problems{"1203 changed"});
  EXPECT_EQ(report.problems[0].message, "entry 1203 changed");
  EXPECT_EQ(report.checked, 1500);
}

TEST_P(AuditDbTest, DeletedMiddleEntriesAreReported) {
  AppendMany(8);
  Sql("DELETE FROM audit_log WHERE seq = 3");
  Sql("DELETE FROM audit_log WHERE seq IN (5, 6)");
  VerifyReport report = MustVerify();
  EXPECT_EQ(Summary(report), (Problems{"3 deleted", "5 deleted"}));
  EXPECT_EQ(report.problems[0].message, "entry 3 deleted");
  EXPECT_EQ(report.problems[1].message, "entries 5-6 deleted");
}

TEST_P(AuditDbTest, SwappedEntriesAreReordered) {
  AppendMany(6);
  Sql("UPDATE audit_log SET seq = -1 WHERE seq = 3");
  Sql("UPDATE audit_log SET seq = 3 WHERE seq = 4");
  Sql("UPDATE audit_log SET seq = 4 WHERE seq = -1");
  VerifyReport report = MustVerify();
  EXPECT_EQ(Summary(report), (Problems{"3 reordered", "4 reordered"}));
  EXPECT_EQ(report.problems[0].message, "entry 3 holds entry 4 (entries reordered)");
}

TEST_P(AuditDbTest, RewrittenEntryWithRecomputedHashIsCaught) {
  AppendMany(5);
  // Rewrite entry 2 and give it the hash of its new content: only the link from
  // entry 3 can tell.
  auto listed = MustList(office_, {.before_seq = 3, .limit = 1});
  ASSERT_EQ(listed.size(), 1u);
  const StoredEntry& e = listed[0];
  internal::Record forged{e.seq,
                          e.at,
                          e.entry.actor_user_id,
                          e.entry.actor_org_id,
                          e.entry.action,
                          e.entry.target_type,
                          "someone-else",
                          DumpJson(e.entry.details),
                          e.entry.remote_address,
                          e.entry.request_id,
                          e.prev_hash,
                          ""};
  Sql("UPDATE audit_log SET target_id = 'someone-else', hash = '" + internal::ComputeHash(forged) +
      "' WHERE seq = 2");
  VerifyReport report = MustVerify();
  EXPECT_EQ(Summary(report), Problems{"2 changed"});
  EXPECT_EQ(report.problems[0].message,
            "entry 2 changed: entry 3 recorded a different hash for it");
}

TEST_P(AuditDbTest, DeletedNewestEntriesAreTruncation) {
  AppendMany(5);
  Sql("DELETE FROM audit_log WHERE seq > 3");
  VerifyReport report = MustVerify();
  EXPECT_EQ(Summary(report), Problems{"4 truncated"});
}

TEST_P(AuditDbTest, RowBeyondTheHeadIsInserted) {
  AppendMany(3);
  Sql("INSERT INTO audit_log (seq, at, actor_user_id, actor_org_id, action, target_type, "
      "target_id, details, remote_address, request_id, prev_hash, hash) "
      "SELECT 4, at, actor_user_id, actor_org_id, action, target_type, target_id, details, "
      "remote_address, request_id, hash, hash FROM audit_log WHERE seq = 3");
  VerifyReport report = MustVerify();
  EXPECT_EQ(Summary(report), Problems{"4 inserted"});
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditDbTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::audit
