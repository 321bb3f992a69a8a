#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "audit/internal/chain.h"
#include "audit/internal/verifier.h"

namespace fincyber::audit::internal {
namespace {

Record Sample() {
  Record r;
  r.seq = 7;
  r.at = "2026-11-26T19:31:43.123Z";
  r.actor_user_id = "u1";
  r.actor_org_id = "o1";
  r.action = "auth.login";
  r.target_type = "user";
  r.target_id = "u1";
  r.details = R"({"method":"password"})";
  r.remote_address = "192.0.2.1";
  r.request_id = "req-1";
  r.prev_hash = std::string(kGenesisHash);
  return r;
}

TEST(CanonicalBytesTest, LengthPrefixesEveryFieldAfterAVersionTag) {
  Record r;
  r.seq = 12;
  r.action = "a;b";
  r.prev_hash = "p";
  EXPECT_EQ(CanonicalBytes(r), "fincyber-audit-v1;1:p;2:12;0:;0:;0:;3:a;b;0:;0:;0:;0:;0:;");
}

TEST(ComputeHashTest, IsDeterministicLowerHexAndIgnoresTheStoredHash) {
  Record a = Sample();
  Record b = Sample();
  b.hash = "anything";
  EXPECT_EQ(ComputeHash(a), ComputeHash(b));
  const std::string h = ComputeHash(a);
  ASSERT_EQ(h.size(), 64u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
}

// Pins the format: changing it would make every existing log fail verification.
TEST(ComputeHashTest, MatchesTheRecordedValueForAKnownRecord) {
  // The expected hash was computed by sha256sum over the bytes below.
  EXPECT_EQ(CanonicalBytes(Sample()),
            "fincyber-audit-v1;64:" + std::string(kGenesisHash) +
                ";1:7;24:2026-11-26T19:31:43.123Z;2:u1;2:o1;10:auth.login;4:user;2:u1;"
                R"(21:{"method":"password"};9:192.0.2.1;5:req-1;)");
  EXPECT_EQ(ComputeHash(Sample()),
            "2df2dfb02083a72bd368cd61b09bb75b8a768f6477fe80ad00dc07883a91f4ad");
}

TEST(ComputeHashTest, FieldBoundariesAreUnambiguous) {
  Record a = Sample();
  Record b = Sample();
  a.actor_user_id = "ab";
  a.actor_org_id = "c";
  b.actor_user_id = "a";
  b.actor_org_id = "bc";
  EXPECT_NE(CanonicalBytes(a), CanonicalBytes(b));
  EXPECT_NE(ComputeHash(a), ComputeHash(b));

  // A separator inside a field cannot imitate a field boundary either.
  Record c = Sample();
  Record d = Sample();
  c.target_type = "x;1:y";
  c.target_id = "";
  d.target_type = "x";
  d.target_id = "y";
  EXPECT_NE(ComputeHash(c), ComputeHash(d));
}

TEST(ComputeHashTest, EveryFieldIsCovered) {
  const std::string base = ComputeHash(Sample());
  std::vector<std::string Record::*> fields{
      &Record::at,          &Record::actor_user_id, &Record::actor_org_id, &Record::action,
      &Record::target_type, &Record::target_id,     &Record::details,      &Record::remote_address,
      &Record::request_id,  &Record::prev_hash};
  for (auto field : fields) {
    Record r = Sample();
    r.*field += "x";
    EXPECT_NE(ComputeHash(r), base);
  }
  Record r = Sample();
  r.seq = 8;
  EXPECT_NE(ComputeHash(r), base);
}

// The verifier over an in-memory table, standing in for audit_log.
class MemoryIndex final : public ChainIndex {
 public:
  explicit MemoryIndex(const std::map<std::int64_t, Record>& rows) : rows_(rows) {}
  Result<std::vector<std::int64_t>> SeqsWithHash(std::string_view hash) override {
    std::vector<std::int64_t> out;
    for (const auto& [seq, r] : rows_) {
      if (r.hash == hash) out.push_back(seq);
    }
    return out;
  }
  Result<std::vector<std::int64_t>> SeqsWithPrevHash(std::string_view hash) override {
    std::vector<std::int64_t> out;
    for (const auto& [seq, r] : rows_) {
      if (r.prev_hash == hash) out.push_back(seq);
    }
    return out;
  }

 private:
  const std::map<std::int64_t, Record>& rows_;
};

class ChainVerifierTest : public ::testing::Test {
 protected:
  void Build(int n) {
    std::string prev(kGenesisHash);
    for (int i = 1; i <= n; ++i) {
      Record r = Sample();
      r.seq = i;
      r.target_id = "t" + std::to_string(i);
      r.prev_hash = prev;
      r.hash = ComputeHash(r);
      prev = r.hash;
      rows_[i] = r;
    }
    head_ = {n, prev};
  }

  // Moves the row at `from` to seq `to` unchanged, as an UPDATE of seq would.
  void Move(std::int64_t from, std::int64_t to) {
    Record r = rows_.at(from);
    rows_.erase(from);
    r.seq = to;
    rows_[to] = r;
  }

  VerifyReport Run() {
    MemoryIndex index(rows_);
    ChainVerifier verifier(head_, index);
    for (const auto& [seq, r] : rows_) EXPECT_TRUE(verifier.Add(r).ok());
    return std::move(verifier).Finish();
  }

  static std::vector<std::string> Summary(const VerifyReport& report) {
    std::vector<std::string> out;
    for (const auto& p : report.problems) out.push_back(std::to_string(p.seq) + " " + p.kind);
    return out;
  }

  std::map<std::int64_t, Record> rows_;
  Head head_;
};

using Problems = std::vector<std::string>;

TEST_F(ChainVerifierTest, CleanChainIsOk) {
  Build(5);
  VerifyReport report = Run();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.checked, 5);
}

TEST_F(ChainVerifierTest, EmptyLogIsOk) {
  head_ = {0, std::string(kGenesisHash)};
  EXPECT_TRUE(Run().ok());
}

TEST_F(ChainVerifierTest, ChangedFieldIsReportedOnceAtItsSeq) {
  Build(6);
  rows_[3].details = R"({"method":"sso"})";
  VerifyReport report = Run();
  EXPECT_EQ(Summary(report), Problems{"3 changed"});
  EXPECT_EQ(report.problems[0].message, "entry 3 changed");
}

TEST_F(ChainVerifierTest, RewrittenHashIsReportedWhereTheLinkBreaks) {
  Build(6);
  rows_[3].action = "auth.logout";
  rows_[3].hash = ComputeHash(rows_[3]);
  EXPECT_EQ(Summary(Run()), Problems{"3 changed"});
}

TEST_F(ChainVerifierTest, RewrittenLastEntryIsCaughtByTheHead) {
  Build(4);
  rows_[4].action = "auth.logout";
  rows_[4].hash = ComputeHash(rows_[4]);
  EXPECT_EQ(Summary(Run()), Problems{"4 changed"});
}

TEST_F(ChainVerifierTest, DeletedRangeIsOneProblem) {
  Build(8);
  rows_.erase(3);
  rows_.erase(4);
  rows_.erase(5);
  VerifyReport report = Run();
  EXPECT_EQ(Summary(report), Problems{"3 deleted"});
  EXPECT_EQ(report.problems[0].message, "entries 3-5 deleted");
}

TEST_F(ChainVerifierTest, DeletedFirstEntry) {
  Build(3);
  rows_.erase(1);
  VerifyReport report = Run();
  EXPECT_EQ(Summary(report), Problems{"1 deleted"});
  EXPECT_EQ(report.problems[0].message, "entry 1 deleted");
}

TEST_F(ChainVerifierTest, SwappedNeighboursAreReordered) {
  Build(6);
  Move(3, 100);
  Move(4, 3);
  Move(100, 4);
  VerifyReport report = Run();
  EXPECT_EQ(Summary(report), (Problems{"3 reordered", "4 reordered"}));
  EXPECT_EQ(report.problems[0].message, "entry 3 holds entry 4 (entries reordered)");
}

TEST_F(ChainVerifierTest, SwappedDistantEntriesAreReordered) {
  Build(9);
  Move(2, 100);
  Move(7, 2);
  Move(100, 7);
  EXPECT_EQ(Summary(Run()), (Problems{"2 reordered", "7 reordered"}));
}

TEST_F(ChainVerifierTest, SwappedLastTwoAreReordered) {
  Build(5);
  Move(4, 100);
  Move(5, 4);
  Move(100, 5);
  EXPECT_EQ(Summary(Run()), (Problems{"4 reordered", "5 reordered"}));
}

TEST_F(ChainVerifierTest, TruncatedTail) {
  Build(5);
  rows_.erase(5);
  rows_.erase(4);
  VerifyReport report = Run();
  EXPECT_EQ(Summary(report), Problems{"4 truncated"});
  EXPECT_EQ(report.problems[0].message, "log ends at entry 3 but the head records entries up to 5");
}

TEST_F(ChainVerifierTest, EverythingDeleted) {
  Build(2);
  rows_.clear();
  EXPECT_EQ(Summary(Run()), Problems{"1 truncated"});
}

TEST_F(ChainVerifierTest, EntryBeyondTheHeadIsInserted) {
  Build(3);
  Record extra = rows_[3];
  extra.seq = 4;
  extra.prev_hash = rows_[3].hash;
  extra.hash = ComputeHash(extra);
  rows_[4] = extra;
  EXPECT_EQ(Summary(Run()), Problems{"4 inserted"});
}

TEST_F(ChainVerifierTest, ReportIsCapped) {
  Build(static_cast<int>(ChainVerifier::kMaxProblems) + 5);
  for (auto& [seq, r] : rows_) r.details = "{}";
  VerifyReport report = Run();
  EXPECT_EQ(report.problems.size(), ChainVerifier::kMaxProblems);
  EXPECT_EQ(report.problems_omitted, 5);
  EXPECT_FALSE(report.ok());
}

}  // namespace
}  // namespace fincyber::audit::internal
