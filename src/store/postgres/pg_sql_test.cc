#include "store/postgres/pg_sql.h"

#include <gtest/gtest.h>

namespace fincyber::store::postgres {
namespace {

TEST(DatabasePgPlaceholders, NumbersPlaceholdersInOrder) {
  RewrittenSql out = RewritePlaceholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?)");
  EXPECT_EQ(out.text, "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
  EXPECT_EQ(out.parameters, 3);
}

TEST(DatabasePgPlaceholders, SkipsLiteralsIdentifiersAndComments) {
  RewrittenSql out =
      RewritePlaceholders("SELECT '?', 'it''s ?', \"col?\", ? -- why?\n/* ? */ FROM t WHERE x = ?");
  EXPECT_EQ(out.text, "SELECT '?', 'it''s ?', \"col?\", $1 -- why?\n/* ? */ FROM t WHERE x = $2");
  EXPECT_EQ(out.parameters, 2);
}

TEST(DatabasePgPlaceholders, NoPlaceholders) {
  RewrittenSql out = RewritePlaceholders("SELECT 1");
  EXPECT_EQ(out.text, "SELECT 1");
  EXPECT_EQ(out.parameters, 0);
}

TEST(DatabasePgAdvisoryLockKey, IsStableFnv1a) {
  // FNV-1a 64 test vectors: every replica must derive the same key.
  EXPECT_EQ(static_cast<std::uint64_t>(AdvisoryLockKey("")), 0xcbf29ce484222325ull);
  EXPECT_EQ(static_cast<std::uint64_t>(AdvisoryLockKey("a")), 0xaf63dc4c8601ec8cull);
  EXPECT_NE(AdvisoryLockKey("schema_migrations"), AdvisoryLockKey("schema_migration"));
}

TEST(DatabasePgScope, PrefixAndLockKeyDependOnSchema) {
  EXPECT_EQ(PayloadPrefix("t_1").size(), kPayloadPrefixSize);
  EXPECT_EQ(PayloadPrefix("").size(), kPayloadPrefixSize);
  EXPECT_EQ(PayloadPrefix("t_1"), PayloadPrefix("t_1"));
  EXPECT_NE(PayloadPrefix("t_1"), PayloadPrefix("t_2"));
  EXPECT_EQ(ScopedLockKey("public", "counter"), ScopedLockKey("public", "counter"));
  EXPECT_NE(ScopedLockKey("public", "counter"), ScopedLockKey("t_1", "counter"));
  EXPECT_NE(ScopedLockKey("ab", "c"), ScopedLockKey("a", "bc"));
}

TEST(DatabasePgSqlState, MapsToErrorCodes) {
  EXPECT_EQ(CodeForSqlState("23505"), ErrorCode::kAlreadyExists);
  EXPECT_EQ(CodeForSqlState("23503"), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(CodeForSqlState("23502"), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(CodeForSqlState("40001"), ErrorCode::kAborted);
  EXPECT_EQ(CodeForSqlState("40P01"), ErrorCode::kAborted);
  EXPECT_EQ(CodeForSqlState("08006"), ErrorCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("57P01"), ErrorCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("55P03"), ErrorCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("42601"), ErrorCode::kInternal);
  EXPECT_EQ(CodeForSqlState("57014"), ErrorCode::kInternal);
}

}  // namespace
}  // namespace fincyber::store::postgres
