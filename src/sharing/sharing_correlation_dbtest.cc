// Correlation (domains, URLs, address ranges; counts and authors that hide what the
// viewer may not see) and sightings (the aggregate and the event to the author).
#include <gtest/gtest.h>

#include <set>

#include "sharing/test_hub.h"

namespace fincyber::sharing {
namespace {

class SharingCorrelationTest : public ::testing::TestWithParam<std::string> {
 protected:
  SharingCorrelationTest() : hub_(GetParam()) {}

  static Json WithPattern(const std::string& id, const std::string& pattern,
                          std::vector<std::string> markings = {}) {
    Json o = TestHub::Indicator(id, "unused.example", "2024-05-01T00:00:00Z", std::move(markings));
    o["pattern"] = pattern;
    return o;
  }

  Correlation Correlate(const identity::User& user, const std::string& id) {
    auto c = hub_.service.Correlate(hub_.P(user), id);
    EXPECT_TRUE(c.ok()) << c.error().internal_message();
    return c.ok() ? *c : Correlation{};
  }
  static std::map<std::string, std::string> Related(const Correlation& c) {
    std::map<std::string, std::string> out;  // id -> relation
    for (const auto& r : c.related) out[r.id] = r.relation;
    return out;
  }

  TestHub hub_;
};

TEST_P(SharingCorrelationTest, DomainsMatchAcrossPatternsAndObservables) {
  const std::string a = TestHub::NewIndicatorId();
  const std::string b = TestHub::NewIndicatorId();
  const std::string other = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member,
             {WithPattern(a, "[domain-name:value = 'Evil.EXAMPLE.'] OR [file:name = 'x.exe']"),
              WithPattern(other, "[domain-name:value = 'good.example']")});
  hub_.AddOk(hub_.s.b_admin, {WithPattern(b, "[domain-name:value = 'evil.example']"),
                              {{"type", "domain-name"},
                               {"spec_version", "2.1"},
                               {"id", "domain-name--" + NewUuid()},
                               {"value", "EVIL.example"}}});
  const Correlation c = Correlate(hub_.c_member, a);
  EXPECT_EQ(c.observables.size(), 2u);
  const auto related = Related(c);
  EXPECT_EQ(related.size(), 2u);
  EXPECT_EQ(related.at(b), "same");
  EXPECT_FALSE(related.contains(other));
  EXPECT_EQ(c.organisations, 2);
}

TEST_P(SharingCorrelationTest, UrlsAreComparedNormalised) {
  const std::string a = TestHub::NewIndicatorId();
  const std::string b = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {WithPattern(a, "[url:value = 'HTTP://Evil.Example:80/login']")});
  hub_.AddOk(hub_.s.b_admin, {WithPattern(b, "[url:value = 'http://evil.example/login']")});
  EXPECT_EQ(Related(Correlate(hub_.s.a_admin, a)),
            (std::map<std::string, std::string>{{b, "same"}}));
}

TEST_P(SharingCorrelationTest, AddressRangesContainAndAreContained) {
  const std::string net = TestHub::NewIndicatorId();
  const std::string host = TestHub::NewIndicatorId();
  const std::string wider = TestHub::NewIndicatorId();
  const std::string elsewhere = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {WithPattern(net, "[ipv4-addr:value = '198.51.100.0/24']"),
                               WithPattern(host, "[ipv4-addr:value = '198.51.100.7']"),
                               WithPattern(wider, "[ipv4-addr:value ISSUBSET '198.51.0.0/16']"),
                               WithPattern(elsewhere, "[ipv4-addr:value = '203.0.113.9']")});
  EXPECT_EQ(Related(Correlate(hub_.s.b_admin, net)),
            (std::map<std::string, std::string>{{host, "within"}, {wider, "contains"}}));
  EXPECT_EQ(Related(Correlate(hub_.s.b_admin, host)),
            (std::map<std::string, std::string>{{net, "contains"}, {wider, "contains"}}));
}

TEST_P(SharingCorrelationTest, PrefixesThatSplitAHexDigitAndIpv6RangesCorrelate) {
  const std::string host = TestHub::NewIndicatorId();
  const std::string wide23 = TestHub::NewIndicatorId();
  const std::string upper25 = TestHub::NewIndicatorId();
  const std::string beside23 = TestHub::NewIndicatorId();
  const std::string everything = TestHub::NewIndicatorId();
  const std::string host6 = TestHub::NewIndicatorId();
  const std::string net6 = TestHub::NewIndicatorId();
  const std::string other6 = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {WithPattern(host, "[ipv4-addr:value = '198.51.101.7']"),
                               WithPattern(wide23, "[ipv4-addr:value = '198.51.100.0/23']"),
                               WithPattern(upper25, "[ipv4-addr:value = '198.51.101.128/25']"),
                               WithPattern(beside23, "[ipv4-addr:value = '198.51.102.0/23']"),
                               WithPattern(everything, "[ipv4-addr:value = '0.0.0.0/0']"),
                               WithPattern(host6, "[ipv6-addr:value = '2001:db8:0:1::5']"),
                               WithPattern(net6, "[ipv6-addr:value = '2001:db8::/47']"),
                               WithPattern(other6, "[ipv6-addr:value = '2001:db8:2::/48']")});
  EXPECT_EQ(Related(Correlate(hub_.s.b_admin, host)),
            (std::map<std::string, std::string>{{wide23, "contains"}, {everything, "contains"}}));
  EXPECT_EQ(Related(Correlate(hub_.s.b_admin, wide23)),
            (std::map<std::string, std::string>{
                {host, "within"}, {upper25, "within"}, {everything, "contains"}}));
  EXPECT_EQ(Related(Correlate(hub_.s.b_admin, host6)),
            (std::map<std::string, std::string>{{net6, "contains"}}));
  EXPECT_EQ(Related(Correlate(hub_.s.b_admin, net6)),
            (std::map<std::string, std::string>{{host6, "within"}}));
}

TEST_P(SharingCorrelationTest, InvisibleObjectsAreNeitherListedNorCounted) {
  const std::string mine = TestHub::NewIndicatorId();
  const std::string secret = TestHub::NewIndicatorId();
  const std::string amber = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {WithPattern(mine, "[domain-name:value = 'c2.example']")});
  hub_.AddOk(hub_.s.b_admin, {WithPattern(secret, "[domain-name:value = 'c2.example']",
                                          {TestHub::Marking(stix::Tlp::kRed)}),
                              WithPattern(amber, "[domain-name:value = 'c2.example']",
                                          {TestHub::Marking(stix::Tlp::kAmber)})});
  // Bank C sees A's and B's AMBER object, not B's RED one; B's name stays hidden.
  const Correlation for_c = Correlate(hub_.c_member, mine);
  ASSERT_EQ(for_c.related.size(), 1u);
  EXPECT_EQ(for_c.related[0].id, amber);
  EXPECT_TRUE(for_c.related[0].author.hidden);
  EXPECT_EQ(for_c.related[0].author.org_id, "");
  EXPECT_EQ(for_c.related[0].author.name, "別の組織");  // the viewer's locale: ja
  EXPECT_EQ(for_c.organisations, 2);
  // A GREEN object names its author to anyone who sees it.
  const Correlation for_b = Correlate(hub_.s.b_admin, amber);
  ASSERT_EQ(Related(for_b).size(), 2u);
  for (const auto& r : for_b.related) {
    if (r.id == mine) {
      EXPECT_FALSE(r.author.hidden);
      EXPECT_EQ(r.author.name, "A銀行");
    }
  }
  // Nobody outside learns anything, even that the object exists.
  EXPECT_EQ(hub_.service.Correlate(hub_.P(hub_.d_member), mine).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(hub_.service.Correlate(hub_.P(hub_.c_member), secret).error().code(),
            ErrorCode::kNotFound);
}

TEST_P(SharingCorrelationTest, SightingsAggregateAndNotifyTheAuthor) {
  const std::string indicator = TestHub::NewIndicatorId();
  hub_.AddOk(hub_.s.a_member, {WithPattern(indicator, "[domain-name:value = 's.example']")});
  auto sighting = [&](int count, const std::string& first, const std::string& last,
                      std::vector<std::string> markings) {
    Json o = {{"type", "sighting"},
              {"spec_version", "2.1"},
              {"id", "sighting--" + NewUuid()},
              {"created", "2024-05-02T00:00:00Z"},
              {"modified", "2024-05-02T00:00:00Z"},
              {"sighting_of_ref", indicator},
              {"count", count},
              {"first_seen", first},
              {"last_seen", last}};
    if (!markings.empty()) o["object_marking_refs"] = markings;
    return o;
  };
  hub_.AddOk(hub_.s.b_admin, {sighting(2, "2024-05-01T01:00:00Z", "2024-05-01T02:00:00Z", {})});
  hub_.AddOk(hub_.c_member, {sighting(5, "2024-05-01T00:30:00Z", "2024-05-01T03:00:00Z", {})});
  // A RED sighting naming nobody: C's own, and no event reaches A.
  hub_.AddOk(hub_.c_member, {sighting(100, "2024-04-01T00:00:00Z", "2024-06-01T00:00:00Z",
                                      {TestHub::Marking(stix::Tlp::kRed)})});

  auto summary = hub_.service.SightingsOf(hub_.P(hub_.s.a_admin), indicator);
  ASSERT_TRUE(summary.ok()) << summary.error().internal_message();
  EXPECT_EQ(summary->sightings, 2);
  EXPECT_EQ(summary->count, 7);
  EXPECT_EQ(summary->organisations, 2);
  EXPECT_EQ(*summary->first_seen, stix::ParseTimestamp("2024-05-01T00:30:00Z").value());
  EXPECT_EQ(*summary->last_seen, stix::ParseTimestamp("2024-05-01T03:00:00Z").value());
  auto for_c = hub_.service.SightingsOf(hub_.P(hub_.c_member), indicator);
  ASSERT_TRUE(for_c.ok());
  EXPECT_EQ(for_c->count, 107);
  EXPECT_EQ(hub_.service.SightingsOf(hub_.P(hub_.d_member), indicator).error().code(),
            ErrorCode::kNotFound);

  const auto sighted = hub_.Events("sharing.sighted");
  ASSERT_EQ(sighted.size(), 2u);
  for (const auto& [type, org, payload] : sighted) {
    EXPECT_EQ(org, hub_.s.bank_a.id);
    EXPECT_EQ(payload["sighting_of_ref"], indicator);
    EXPECT_EQ(payload.size(), 4u);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SharingCorrelationTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::sharing
