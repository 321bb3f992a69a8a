// The object browser's queries (search by type, observable, text, label, TLP,
// collection and date, with paging and counts; one object's versions and
// relationships), the pattern check and indicators made from the form.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "sharing/test_hub.h"

namespace fincyber::sharing {
namespace {

class SharingSearchTest : public ::testing::TestWithParam<std::string> {
 protected:
  SharingSearchTest() : hub_(GetParam()) {}

  SearchPage Search(const identity::User& user, ObjectSearch search) {
    if (search.collection_id.empty()) search.collection_id = hub_.indicators.id;
    auto page = hub_.service.SearchObjects(hub_.P(user), search);
    EXPECT_TRUE(page.ok()) << page.error().internal_message();
    return page.ok() ? *page : SearchPage{};
  }
  static ObjectSearch Where(const std::function<void(ObjectSearch&)>& set) {
    ObjectSearch search;
    set(search);
    return search;
  }
  static std::set<std::string> Ids(const SearchPage& page) {
    std::set<std::string> out;
    for (const auto& o : page.objects) out.insert(o.id);
    return out;
  }
  static Json WithPattern(const std::string& id, const std::string& pattern,
                          std::vector<std::string> markings = {}) {
    Json o =
        TestHub::Indicator(id, "unused.example", "2024-05-01T00:00:00.000Z", std::move(markings));
    o["pattern"] = pattern;
    return o;
  }

  TestHub hub_;
};

TEST_P(SharingSearchTest, ObservablesMatchNormalisedAndAddressesMatchTheirRanges) {
  const std::string domain = TestHub::NewIndicatorId();
  const std::string net = TestHub::NewIndicatorId();
  const std::string other = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {WithPattern(domain, "[domain-name:value = 'evil.example']"),
                               WithPattern(net, "[ipv4-addr:value = '198.51.100.0/24']"),
                               WithPattern(other, "[domain-name:value = 'good.example']")});
  EXPECT_EQ(Ids(Search(hub_.s.b_admin, Where([&](ObjectSearch& q) { q.text = "EVIL.Example."; }))),
            std::set<std::string>{domain});
  EXPECT_EQ(Ids(Search(hub_.s.b_admin, Where([&](ObjectSearch& q) { q.text = "198.51.100.7"; }))),
            std::set<std::string>{net});
  EXPECT_TRUE(
      Ids(Search(hub_.s.b_admin, Where([&](ObjectSearch& q) { q.text = "203.0.113.1"; }))).empty());
  // Not an observable: a substring of the JSON, ignoring case.
  EXPECT_EQ(
      Ids(Search(hub_.s.b_admin, Where([&](ObjectSearch& q) { q.text = "C2 UNUSED"; }))).size(),
      3u);
  EXPECT_EQ(Ids(Search(hub_.s.b_admin, Where([&](ObjectSearch& q) { q.text = "100%_"; }))).size(),
            0u);
  EXPECT_EQ(Ids(Search(hub_.s.b_admin, Where([&](ObjectSearch& q) { q.text = net; }))),
            std::set<std::string>{net});
}

TEST_P(SharingSearchTest, FiltersByTypeLabelTlpAndDate) {
  const std::string green = TestHub::NewIndicatorId();
  const std::string amber = TestHub::NewIndicatorId();
  Json labelled = TestHub::Indicator(green, "one.example", "2024-05-01T00:00:00.000Z",
                                     {TestHub::Marking(stix::Tlp::kGreen)});
  labelled["labels"] = {"phishing", "bank"};
  hub_.AddOk(hub_.s.a_member, {labelled});
  const stix::Timestamp between =
      std::chrono::duration_cast<std::chrono::microseconds>(hub_.s.clock.Now().time_since_epoch())
          .count();
  hub_.s.clock.Advance(std::chrono::seconds(10));
  Json other = TestHub::Indicator(amber, "two.example", "2024-05-01T00:00:00.000Z",
                                  {TestHub::Marking(stix::Tlp::kAmber)});
  other["labels"] = {"phish"};
  hub_.AddOk(hub_.s.a_member, {other, TestHub::Relationship(green, amber)});

  EXPECT_EQ(Ids(Search(hub_.s.b_admin, Where([&](ObjectSearch& q) { q.label = "phishing"; }))),
            std::set<std::string>{green});
  EXPECT_EQ(Ids(Search(hub_.s.b_admin, Where([&](ObjectSearch& q) { q.tlp = stix::Tlp::kAmber; }))),
            std::set<std::string>{amber});
  EXPECT_EQ(Search(hub_.s.b_admin, Where([&](ObjectSearch& q) { q.type = "indicator"; })).total, 2);
  EXPECT_EQ(Search(hub_.s.b_admin, Where([&](ObjectSearch& q) { q.type = "relationship"; })).total,
            1);
  EXPECT_EQ(Search(hub_.s.b_admin, Where([&](ObjectSearch& q) { q.added_after = between; })).total,
            2);
}

TEST_P(SharingSearchTest, PagesNewestFirstAndCountsOnlyTheVisible) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(TestHub::NewIndicatorId());
  for (const auto& id : ids) {
    hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "page.example")});
  }
  const std::string red = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(red, "page.example", "2024-05-01T00:00:00.000Z",
                                                  {TestHub::Marking(stix::Tlp::kRed)})});
  std::vector<std::string> seen;
  std::optional<std::int64_t> after;
  for (int guard = 0; guard < 10; ++guard) {
    SearchPage page = Search(hub_.s.b_admin, Where([&](ObjectSearch& q) {
                               q.text = "page.example";
                               q.limit = 2;
                               q.after_row = after;
                             }));
    EXPECT_EQ(page.total, 5);
    for (const auto& o : page.objects) seen.push_back(o.id);
    if (!page.more) break;
    after = page.next_row;
  }
  EXPECT_EQ(seen, std::vector<std::string>(ids.rbegin(), ids.rend()));
  EXPECT_EQ(Search(hub_.s.a_member, Where([&](ObjectSearch& q) { q.text = "page.example"; })).total,
            6);
}

TEST_P(SharingSearchTest, RefusesCollectionsAndInputOutsideTheRules) {
  auto outsider = hub_.service.SearchObjects(
      hub_.P(hub_.d_member), Where([&](ObjectSearch& q) { q.collection_id = hub_.indicators.id; }));
  EXPECT_EQ(outsider.error().code(), ErrorCode::kNotFound);
  auto everywhere = hub_.service.SearchObjects(hub_.P(hub_.d_member), ObjectSearch());
  ASSERT_TRUE(everywhere.ok());
  EXPECT_EQ(everywhere->total, 0);
  EXPECT_EQ(hub_.service
                .SearchObjects(hub_.P(hub_.s.b_admin), Where([&](ObjectSearch& q) { q.limit = 0; }))
                .error()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(hub_.service
                .SearchObjects(hub_.P(hub_.s.b_admin),
                               Where([&](ObjectSearch& q) { q.text = std::string(201, 'x'); }))
                .error()
                .code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(SharingSearchTest, DetailShowsVersionsAndOnlyVisibleRelationshipEnds) {
  const std::string indicator = TestHub::NewIndicatorId();
  const std::string shared = TestHub::NewIndicatorId();
  const std::string secret = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member,
             {TestHub::Indicator(indicator, "x.example"),
              TestHub::Indicator(indicator, "x.example", "2024-06-01T00:00:00.000Z"),
              TestHub::Indicator(shared, "y.example"),
              TestHub::Indicator(secret, "z.example", "2024-05-01T00:00:00.000Z",
                                 {TestHub::Marking(stix::Tlp::kRed)}),
              TestHub::Relationship(indicator, shared), TestHub::Relationship(secret, indicator),
              TestHub::Relationship(shared, secret, {TestHub::Marking(stix::Tlp::kRed)})});
  auto mine = hub_.service.GetObjectDetail(hub_.P(hub_.s.a_member), indicator);
  ASSERT_TRUE(mine.ok()) << mine.error().internal_message();
  EXPECT_EQ(mine->versions.size(), 2u);
  EXPECT_EQ(mine->relationships.size(), 2u);
  EXPECT_EQ(mine->related.size(), 2u);

  auto theirs = hub_.service.GetObjectDetail(hub_.P(hub_.s.b_admin), indicator);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(theirs->versions.size(), 2u);
  EXPECT_EQ(theirs->relationships.size(), 2u);  // both are GREEN
  ASSERT_EQ(theirs->related.size(), 1u);        // the RED end is simply absent
  EXPECT_EQ(theirs->related[0].id, shared);

  EXPECT_EQ(hub_.service.GetObjectDetail(hub_.P(hub_.s.b_admin), secret).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(hub_.service.GetObjectDetail(hub_.P(hub_.d_member), indicator).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(hub_.service.GetObjectDetail(hub_.P(hub_.s.a_member), "indicator--%").error().code(),
            ErrorCode::kNotFound);
}

// Each organisation keeps its own versions of an id that it could not see (see
// AnIdWhoseVersionsAreHiddenIsSharedAsTheFirst); the detail names each version's author
// as correlations do and marks the latest of each organisation's versions.
TEST_P(SharingSearchTest, DetailNamesEachVersionsAuthorAndMarksEachLatest) {
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "a.example", "2024-05-01T00:00:00.000Z",
                                                  {TestHub::Marking(stix::Tlp::kRed)})});
  // C's RED version names A alone as recipient, so B sees neither when it posts.
  hub_.AddOk(hub_.c_member,
             {TestHub::Indicator(id, "c.example", "2024-05-01T00:00:00.000Z",
                                 {TestHub::Marking(stix::Tlp::kRed)}, {hub_.s.bank_a.id})});
  hub_.AddOk(hub_.s.b_admin, {TestHub::Indicator(id, "b.example", "2024-05-01T00:00:00.000Z",
                                                 {TestHub::Marking(stix::Tlp::kGreen)}),
                              TestHub::Indicator(id, "b.example", "2024-06-01T00:00:00.000Z",
                                                 {TestHub::Marking(stix::Tlp::kGreen)})});

  const auto described = [&](const identity::User& user) {
    auto detail = hub_.service.GetObjectDetail(hub_.P(user), id);
    EXPECT_TRUE(detail.ok());
    std::vector<std::string> out;
    for (const auto& v : detail->versions) {
      EXPECT_EQ(v.author.hidden, v.author.org_id.empty());
      out.push_back(fmt::format("{} {} {}{}", v.body.substr(v.body.find("value = '") + 9, 9),
                                stix::FormatTimestamp(v.version).substr(0, 10), v.author.name,
                                v.latest ? " latest" : ""));
    }
    return out;
  };
  // The viewers' locale is Japanese. C's RED version is not C's to be named to A.
  EXPECT_EQ(described(hub_.s.a_member),
            (std::vector<std::string>{
                "b.example 2024-06-01 B銀行 latest", "b.example 2024-05-01 B銀行",
                "c.example 2024-05-01 別の組織 latest", "a.example 2024-05-01 A銀行 latest"}))
      << "by collection, newest first";
  EXPECT_EQ(described(hub_.s.b_admin),
            (std::vector<std::string>{"b.example 2024-06-01 B銀行 latest",
                                      "b.example 2024-05-01 B銀行"}));
  EXPECT_EQ(
      described(hub_.c_member),
      (std::vector<std::string>{"b.example 2024-06-01 B銀行 latest", "b.example 2024-05-01 B銀行",
                                "c.example 2024-05-01 C信金 latest"}));
}
TEST_P(SharingSearchTest, DetailListsNewestRelationshipVersionsOfReadableCollectionsOnly) {
  const std::string x = TestHub::NewIndicatorId();
  const std::string y = TestHub::NewIndicatorId();
  const std::string z = TestHub::NewIndicatorId();
  Json moved = TestHub::Relationship(x, y);
  Json moved_again = moved;
  moved_again["modified"] = "2024-06-01T00:00:00.000Z";
  moved_again["target_ref"] = z;
  hub_.AddOk(hub_.s.a_member,
             {TestHub::Indicator(x, "x.example"), TestHub::Indicator(y, "y.example"),
              TestHub::Indicator(z, "z.example"), moved, moved_again});

  identity::TrustGroup regulator;
  ASSERT_TRUE(hub_.s.db()
                  .Transact([&](store::Connection& c) -> Status {
                    FC_ASSIGN_OR_RETURN(
                        regulator,
                        identity::CreateGroup(c, hub_.s.clock, hub_.P(hub_.s.coord),
                                              {"当局", "regulator", "", {hub_.s.regulator.id}}));
                    return OkStatus();
                  })
                  .ok());
  auto inbox = hub_.service.CreateCollection(
      hub_.P(hub_.s.coord),
      {"To the regulator", "", "", regulator.id, hub_.members.id, stix::Tlp::kGreen}, hub_.info);
  ASSERT_TRUE(inbox.ok());
  const Json reported = TestHub::Relationship(y, x);
  hub_.AddOk(hub_.s.a_member, {reported}, inbox->id);

  // Only the newest version of a relationship counts: it no longer names y.
  auto of_y = hub_.service.GetObjectDetail(hub_.P(hub_.s.b_admin), y);
  ASSERT_TRUE(of_y.ok());
  EXPECT_TRUE(of_y->relationships.empty());
  auto of_x = hub_.service.GetObjectDetail(hub_.P(hub_.s.b_admin), x);
  ASSERT_TRUE(of_x.ok());
  ASSERT_EQ(of_x->relationships.size(), 1u);  // not the regulator's collection
  EXPECT_EQ(of_x->relationships[0].id, moved["id"]);
  ASSERT_EQ(of_x->related.size(), 1u);
  EXPECT_EQ(of_x->related[0].id, z);
  // The author sees its own relationship in the collection it may only write.
  auto mine = hub_.service.GetObjectDetail(hub_.P(hub_.s.a_member), x);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->relationships.size(), 2u);
  EXPECT_EQ(mine->related.size(), 2u);
}

TEST_P(SharingSearchTest, MigrationFillsTheRelationshipEndsOfOlderRows) {
  const std::string x = TestHub::NewIndicatorId();
  std::vector<Json> objects = {TestHub::Indicator(x, "x.example")};
  // More than one page of the backfill.
  for (int i = 0; i < 1005; ++i) {
    objects.push_back(i % 2 == 0 ? TestHub::Relationship(x, "malware--" + NewUuid())
                                 : TestHub::Relationship("threat-actor--" + NewUuid(), x));
  }
  hub_.AddOk(hub_.s.a_member, objects);
  // The schema before the columns, with the rows it held.
  ASSERT_TRUE(hub_.s.db()
                  .Transact([](store::Connection& c) -> Status {
                    for (const char* statement :
                         {"DROP INDEX shared_objects_source_ref",
                          "DROP INDEX shared_objects_target_ref",
                          "ALTER TABLE shared_objects DROP COLUMN source_ref",
                          "ALTER TABLE shared_objects DROP COLUMN target_ref",
                          "DELETE FROM schema_migrations WHERE module = 'sharing' AND "
                          "version = 4"}) {
                      FC_RETURN_IF_ERROR(c.Execute(statement));
                    }
                    return OkStatus();
                  })
                  .ok());
  auto migrated = store::Migrate(hub_.s.db(), Migrations());
  ASSERT_TRUE(migrated.ok()) << migrated.error().internal_message();
  EXPECT_EQ(migrated->applied, 1);

  auto counted =
      hub_.s.db().ReadValue<std::int64_t>([](store::Connection& c) -> Result<std::int64_t> {
        FC_ASSIGN_OR_RETURN(
            auto row, c.QueryOne("SELECT COUNT(*) FROM shared_objects WHERE type = "
                                 "'relationship' AND source_ref IS NOT NULL AND target_ref IS "
                                 "NOT NULL",
                                 {}, "count"));
        return row.GetInt(0);
      });
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(*counted, 1005);
  auto detail = hub_.service.GetObjectDetail(hub_.P(hub_.s.b_admin), x);
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->relationships.size(), 500u);  // the detail's cap
  EXPECT_TRUE(detail->related.empty());           // the other ends are not stored
}

TEST(SharingPatternCheckTest, GivesThePositionAndTheObservables) {
  const PatternCheck bad = CheckPattern("[domain-name:value = 'evil.example'");
  EXPECT_FALSE(bad.ok);
  ASSERT_TRUE(bad.position.has_value()) << bad.error;
  EXPECT_EQ(*bad.position, 35);
  const PatternCheck good =
      CheckPattern("[domain-name:value = 'Evil.Example'] OR [ipv4-addr:value = '999.1.1.1']");
  EXPECT_TRUE(good.ok) << good.error;
  ASSERT_EQ(good.observables.size(), 1u);
  EXPECT_EQ(good.observables[0].Key(), "domain:evil.example");
  EXPECT_EQ(good.rejected.size(), 1u);
  EXPECT_FALSE(CheckPattern(std::string(100000, '[')).ok);
}

TEST_P(SharingSearchTest, IndicatorsFromTheFormAreStoredWithTheirMarkings) {
  NewIndicator form;
  form.name = "Phishing site";
  form.description = "seen in mail to customers";
  form.pattern = "[url:value = 'http://login.bank.example/']";
  form.labels = {"phishing"};
  form.tlp = stix::Tlp::kRed;
  form.recipients = {hub_.bank_c.id};
  auto report =
      hub_.service.CreateIndicator(hub_.P(hub_.s.a_member), hub_.indicators.id, form, hub_.info);
  ASSERT_TRUE(report.ok()) << report.error().internal_message();
  ASSERT_EQ(report->successes.size(), 1u);
  const std::string id = report->successes[0].id;
  EXPECT_TRUE(id.starts_with("indicator--"));
  EXPECT_EQ(Ids(Search(hub_.c_member,
                       Where([&](ObjectSearch& q) { q.text = "http://LOGIN.bank.example"; }))),
            std::set<std::string>{id});
  EXPECT_TRUE(Ids(Search(hub_.s.b_admin,
                         Where([&](ObjectSearch& q) { q.text = "http://login.bank.example/"; })))
                  .empty());
  auto detail = hub_.service.GetObjectDetail(hub_.P(hub_.c_member), id);
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->versions[0].tlp, stix::Tlp::kRed);

  NewIndicator bad_pattern = form;
  bad_pattern.pattern = "[url:value = ";
  auto refused = hub_.service.CreateIndicator(hub_.P(hub_.s.a_member), hub_.indicators.id,
                                              bad_pattern, hub_.info);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().details().at(0).field, "pattern");
  NewIndicator green_with_recipients = form;
  green_with_recipients.tlp = stix::Tlp::kGreen;
  EXPECT_EQ(hub_.service
                .CreateIndicator(hub_.P(hub_.s.a_member), hub_.indicators.id, green_with_recipients,
                                 hub_.info)
                .error()
                .code(),
            ErrorCode::kInvalidArgument);
  NewIndicator unknown_recipient = form;
  unknown_recipient.recipients = {"no-such-org"};
  EXPECT_EQ(hub_.service
                .CreateIndicator(hub_.P(hub_.s.a_member), hub_.indicators.id, unknown_recipient,
                                 hub_.info)
                .error()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(hub_.service.CreateIndicator(hub_.P(hub_.d_member), hub_.indicators.id, form, hub_.info)
                .error()
                .code(),
            ErrorCode::kNotFound);
}

// Migration 8 makes an object's collection key deferred on SQLite, over stored objects,
// by editing the table's definition: every row stays as it was, and an object whose
// collection does not exist is still refused (at COMMIT on SQLite, at the statement on
// PostgreSQL, whose key the migration leaves alone).
TEST_P(SharingSearchTest, MigrationDefersTheCollectionKeyAndKeepsEveryObject) {
  const std::string x = TestHub::NewIndicatorId();
  std::vector<Json> objects = {TestHub::Indicator(x, "x.example")};
  for (int i = 0; i < 300; ++i) {
    objects.push_back(TestHub::Relationship(x, "malware--" + NewUuid()));
  }
  hub_.AddOk(hub_.s.a_member, objects);
  store::Database& db = hub_.s.db();
  const bool sqlite = db.dialect() == store::Dialect::kSqlite;
  const auto definition = [&db] {
    auto read = db.ReadValue<std::string>([](store::Connection& c) -> Result<std::string> {
      FC_ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT sql FROM sqlite_master WHERE name = "
                                               "'shared_objects'",
                                               {}, "table"));
      return row.GetString(0);
    });
    EXPECT_TRUE(read.ok());
    return read.ok() ? *read : std::string();
  };
  const auto rows = [&db] {
    auto read = db.ReadValue<std::vector<std::string>>(
        [](store::Connection& c) -> Result<std::vector<std::string>> {
          FC_ASSIGN_OR_RETURN(auto found, c.Query("SELECT row_id, stix_id, version, body, "
                                                  "source_ref FROM shared_objects ORDER BY "
                                                  "row_id"));
          std::vector<std::string> out;
          for (const auto& row : found) {
            out.push_back(std::to_string(row.GetInt(0)) + " " + row.GetString(1) + " " +
                          std::to_string(row.GetInt(2)) + " " + row.GetString(3) + " " +
                          row.GetOptionalString(4).value_or("-"));
          }
          return out;
        });
    EXPECT_TRUE(read.ok());
    return read.ok() ? *read : std::vector<std::string>{};
  };
  const std::string deferred = " DEFERRABLE INITIALLY DEFERRED";
  // The store as it was before the migration: the key immediate.
  ASSERT_TRUE(
      db.Transact([&](store::Connection& c) -> Status {
          if (c.dialect() == store::Dialect::kSqlite) {
            std::string before = definition();
            const std::size_t at = before.find(deferred);
            if (at == std::string::npos) return Internal("the key is not deferred");
            before.erase(at, deferred.size());
            FC_ASSIGN_OR_RETURN(auto version, c.QueryOne("PRAGMA schema_version", {}, "version"));
            FC_RETURN_IF_ERROR(c.Execute("PRAGMA writable_schema = ON"));
            FC_RETURN_IF_ERROR(c.Execute(
                "UPDATE sqlite_master SET sql = ? WHERE name = 'shared_objects'", {before}));
            FC_RETURN_IF_ERROR(
                c.Execute("PRAGMA schema_version = " + std::to_string(version.GetInt(0) + 1)));
            FC_RETURN_IF_ERROR(c.Execute("PRAGMA writable_schema = OFF"));
          }
          FC_RETURN_IF_ERROR(
              c.Execute("DELETE FROM schema_migrations WHERE module = 'sharing' AND version = 8"));
          return OkStatus();
        }).ok());
  if (sqlite) {
    ASSERT_EQ(definition().find(deferred), std::string::npos);
  }
  const std::vector<std::string> before = rows();
  ASSERT_EQ(before.size(), 301u);

  auto migrated = store::Migrate(db, Migrations());
  ASSERT_TRUE(migrated.ok()) << migrated.error().internal_message();
  EXPECT_EQ(migrated->applied, 1);
  EXPECT_EQ(rows(), before);
  if (sqlite) {
    EXPECT_NE(definition().find("REFERENCES sharing_collections(id)" + deferred),
              std::string::npos);
    auto check = db.ReadValue<std::string>([](store::Connection& c) -> Result<std::string> {
      FC_ASSIGN_OR_RETURN(auto row, c.QueryOne("PRAGMA integrity_check", {}, "check"));
      return row.GetString(0);
    });
    ASSERT_TRUE(check.ok());
    EXPECT_EQ(*check, "ok");
  }
  auto detail = hub_.service.GetObjectDetail(hub_.P(hub_.s.b_admin), x);
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->relationships.size(), 300u);

  bool statement_refused = false;
  const Status orphan = db.Transact([&](store::Connection& c) -> Status {
    auto inserted = c.Execute(
        "INSERT INTO shared_objects (collection_id, stix_id, type, spec_version, version, "
        "date_added, tlp, named_recipients_only, revoked, author_org, author_user, is_latest, "
        "body) VALUES ('no-such-collection', 'indicator--x', 'indicator', '2.1', 1, 1, 0, 0, 0, "
        "'o', 'u', 1, '{}')");
    statement_refused = !inserted.ok();
    return OkStatus();
  });
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(statement_refused, !sqlite);
  EXPECT_EQ(rows(), before);
  // New objects are stored as before.
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(TestHub::NewIndicatorId(), "new.example")});
  EXPECT_EQ(rows().size(), before.size() + 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, SharingSearchTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::sharing
