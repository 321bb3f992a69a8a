// Warning lists in the hub: indicators whose observables hit a list are stored anyway,
// flagged with the hit, and named in the addition report and its success message; the
// flag goes with the object when it is deleted.
#include <gtest/gtest.h>

#include <algorithm>

#include "sharing/test_hub.h"
#include "sharing/warninglist.h"

namespace fincyber::sharing {
namespace {

class SharingWarningsTest : public ::testing::TestWithParam<std::string> {
 protected:
  SharingWarningsTest() : hub_(GetParam()), lists_(WarningLists::Defaults()) {
    auto added = lists_.Add(
        {"sector test hosts", "", WarningListType::kHostname, {"intranet.bank.example"}});
    EXPECT_TRUE(added.ok());
    hub_.service.UseWarningLists(&lists_);
  }

  std::int64_t FlaggedRows() {
    auto count =
        hub_.s.db().ReadValue<std::int64_t>([](store::Connection& c) -> Result<std::int64_t> {
          FC_ASSIGN_OR_RETURN(
              auto row, c.QueryOne("SELECT COUNT(*) FROM shared_object_warnings", {}, "warnings"));
          return row.GetInt(0);
        });
    EXPECT_TRUE(count.ok());
    return count.ok() ? *count : -1;
  }

  TestHub hub_;
  WarningLists lists_;
};

TEST_P(SharingWarningsTest, FlagsHitsAndStoresTheIndicatorAnyway) {
  const std::string popular = TestHub::NewIndicatorId();
  const std::string local = TestHub::NewIndicatorId();
  const std::string clean = TestHub::NewIndicatorId();
  auto report = hub_.Add(hub_.s.a_member, {TestHub::Indicator(popular, "mail.google.com"),
                                           TestHub::Indicator(local, "www.intranet.bank.example"),
                                           TestHub::Indicator(clean, "evil.example")});
  ASSERT_TRUE(report.ok()) << report.error().internal_message();
  ASSERT_EQ(report->successes.size(), 3u);
  EXPECT_TRUE(report->failures.empty());
  EXPECT_EQ(report->successes[0].message,
            "stored; on warning list 'fincyber: well-known sites' (google.com)");
  EXPECT_EQ(report->successes[1].message,
            "stored; on warning list 'sector test hosts' (intranet.bank.example)");
  EXPECT_EQ(report->successes[2].message, "stored");
  ASSERT_EQ(report->warnings.size(), 2u);
  EXPECT_EQ(report->warnings[0].id, popular);
  EXPECT_EQ(report->warnings[0].list, "fincyber: well-known sites");
  EXPECT_EQ(report->warnings[0].entry, "google.com");
  EXPECT_EQ(report->warnings[0].version, "2024-05-01T00:00:00.000000Z");
  EXPECT_EQ(report->warnings[1].id, local);
  EXPECT_EQ(hub_.VisibleIds(hub_.s.b_admin).size(), 3u);
  EXPECT_EQ(FlaggedRows(), 2);

  // The report read back later carries the warnings too.
  auto again = hub_.service.GetAddReport(hub_.P(hub_.s.a_member), report->id);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->warnings.size(), 2u);
  EXPECT_EQ(again->warnings[1].entry, "intranet.bank.example");

  // A duplicate is not flagged twice; deleting the object removes its flag.
  auto duplicate = hub_.Add(hub_.s.a_member, {TestHub::Indicator(popular, "mail.google.com")});
  ASSERT_TRUE(duplicate.ok());
  EXPECT_TRUE(duplicate->warnings.empty());
  EXPECT_EQ(FlaggedRows(), 2);
  ASSERT_TRUE(
      hub_.service.DeleteObject(hub_.P(hub_.s.a_member), hub_.indicators.id, popular, {}, hub_.info)
          .ok());
  EXPECT_EQ(FlaggedRows(), 1);
}

TEST_P(SharingWarningsTest, ObjectDetailShowsEachVersionsHitsToThoseWhoSeeIt) {
  const std::string id = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(id, "mail.google.com", "2024-05-01T00:00:00Z"),
                               TestHub::Indicator(id, "evil.example", "2024-05-02T00:00:00Z")});
  auto detail = hub_.service.GetObjectDetail(hub_.P(hub_.s.b_admin), id);
  ASSERT_TRUE(detail.ok()) << detail.error().internal_message();
  ASSERT_EQ(detail->versions.size(), 2u);
  ASSERT_EQ(detail->warnings.size(), 1u);
  const auto flagged = std::find_if(
      detail->versions.begin(), detail->versions.end(),
      [](const StoredObject& v) { return v.body.find("mail.google.com") != std::string::npos; });
  ASSERT_NE(flagged, detail->versions.end());
  EXPECT_EQ(detail->warnings[0].row, flagged->row);
  EXPECT_EQ(detail->warnings[0].list, "fincyber: well-known sites");
  EXPECT_EQ(detail->warnings[0].entry, "google.com");

  // A TLP:RED flagged indicator: its hits reach no one who may not see it.
  const std::string red = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {TestHub::Indicator(red, "www.google.com", "2024-05-01T00:00:00Z",
                                                  {TestHub::Marking(stix::Tlp::kRed)})});
  auto own = hub_.service.GetObjectDetail(hub_.P(hub_.s.a_member), red);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->warnings.size(), 1u);
  auto other = hub_.service.GetObjectDetail(hub_.P(hub_.s.b_admin), red);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code(), ErrorCode::kNotFound);
}

TEST_P(SharingWarningsTest, AddressesAndDocumentationRanges) {
  Json resolver = TestHub::Indicator(TestHub::NewIndicatorId(), "unused.example");
  resolver["pattern"] = "[ipv4-addr:value = '8.8.8.8'] OR [ipv4-addr:value = '10.1.2.3']";
  Json documentation = TestHub::Indicator(TestHub::NewIndicatorId(), "unused.example");
  documentation["pattern"] = "[ipv4-addr:value = '192.0.2.10']";
  auto report = hub_.Add(hub_.s.a_member, {resolver, documentation});
  ASSERT_TRUE(report.ok());
  // One hit per list: a public resolver, and a private address.
  ASSERT_EQ(report->warnings.size(), 2u);
  EXPECT_EQ(report->warnings[0].list, "fincyber: public DNS resolvers");
  EXPECT_EQ(report->warnings[1].list, "fincyber: private and special-use addresses");
  EXPECT_EQ(report->successes[1].message, "stored");
}

TEST_P(SharingWarningsTest, NothingIsFlaggedWithoutLists) {
  hub_.service.UseWarningLists(nullptr);
  auto report =
      hub_.Add(hub_.s.a_member, {TestHub::Indicator(TestHub::NewIndicatorId(), "google.com")});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->warnings.empty());
  EXPECT_EQ(report->successes[0].message, "stored");
  EXPECT_EQ(FlaggedRows(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SharingWarningsTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::sharing
