#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detect/matcher.h"

namespace fincyber::detect {
namespace {

// Compiles {id, pattern} pairs and reports the ids each line matches.
class MatcherTest : public ::testing::Test {
 protected:
  void Compile(const std::vector<std::pair<std::string, std::string>>& patterns) {
    MatcherBuilder builder;
    for (const auto& [id, pattern] : patterns) builder.AddPattern(id, pattern);
    auto built = builder.Build();
    report_ = builder.report();
    ASSERT_TRUE(built.ok()) << built.error().safe_message();
    matcher_ = std::move(built).value();
    scanner_ = std::make_unique<RecordMatcher>(*matcher_);
  }

  std::vector<std::string> Ids(std::string_view line) {
    scanner_->Reset();
    scanner_->AddText(line);
    std::vector<std::string> ids;
    for (const IndicatorHit& hit : scanner_->Resolve()) {
      ids.emplace_back(matcher_->IndicatorId(hit.indicator));
    }
    return ids;
  }

  std::vector<std::string> Matched(std::string_view line) {
    scanner_->Reset();
    scanner_->AddText(line);
    std::vector<std::string> texts;
    for (const IndicatorHit& hit : scanner_->Resolve()) {
      texts.emplace_back(line.substr(hit.offset, hit.length));
    }
    return texts;
  }

  using Ids_ = std::vector<std::string>;
  LoadReport report_;
  std::unique_ptr<const Matcher> matcher_;
  std::unique_ptr<RecordMatcher> scanner_;
};

TEST_F(MatcherTest, DomainsMatchOnLabelBoundaries) {
  Compile({{"d", "[domain-name:value = 'evil.example']"}});
  EXPECT_EQ(Ids("GET http://evil.example/x"), Ids_{"d"});
  EXPECT_EQ(Ids("a.b.EVIL.Example."), Ids_{"d"});
  EXPECT_EQ(Ids("evil.example"), Ids_{"d"});
  EXPECT_EQ(Ids("\"evil.example\""), Ids_{"d"});
  EXPECT_EQ(Ids("user@mail.evil.example"), Ids_{"d"});
  EXPECT_EQ(Ids("CONNECT evil.example:443"), Ids_{"d"});
  EXPECT_TRUE(Ids("notevil.example").empty());
  EXPECT_TRUE(Ids("not-evil.example").empty());
  EXPECT_TRUE(Ids("not_evil.example").empty());
  EXPECT_TRUE(Ids("evil.example.com").empty());
  EXPECT_TRUE(Ids("evil.examples").empty());
  EXPECT_TRUE(Ids("evil example").empty());
  EXPECT_EQ(Matched("x sub.evil.example y"), Ids_{"sub.evil.example"});
}

TEST_F(MatcherTest, InternationalDomainsAreNormalised) {
  Compile({{"idn", "[domain-name:value = 'bücher.example']"}});
  EXPECT_EQ(Ids("www.xn--bcher-kva.example"), Ids_{"idn"});
  EXPECT_EQ(Ids("www.BÜCHER.example"), Ids_{"idn"});
  EXPECT_TRUE(Ids("bucher.example").empty());
}

TEST_F(MatcherTest, SingleLabelDomainsMatchTheLastLabel) {
  Compile({{"tld", "[domain-name:value = 'zip']"}});
  EXPECT_EQ(Ids("download invoice.ZIP now"), Ids_{"tld"});
  EXPECT_TRUE(Ids("zip file").empty());
  EXPECT_TRUE(Ids("a.zipper").empty());
}

TEST_F(MatcherTest, UrlsAreNormalised) {
  Compile({{"u", "[url:value = 'http://evil.example/a b/~x?q=1']"}});
  EXPECT_EQ(Ids("GET HTTP://EVIL.example:80/a%20b/%7Ex?q=1 -"), Ids_{"u"});
  EXPECT_EQ(Ids("see http://evil.example/a%20b/~x?q=1."), Ids_{"u"});
  EXPECT_EQ(Ids("\"http://evil.example./a%20b/%7ex?q=1\""), Ids_{"u"});
  EXPECT_TRUE(Ids("http://evil.example/a%20b/~x?q=2").empty());
  EXPECT_TRUE(Ids("http://evil.example/a%20b/~x").empty());
  EXPECT_TRUE(Ids("https://evil.example/a%20b/~x?q=1").empty());
  EXPECT_TRUE(Ids("http://sub.evil.example/a%20b/~x?q=1").empty());
}

// Canonical ids are kept as their UUID's 16 bytes, others as text: both come back as
// written, ids that differ only in case stay two indicators, and a later version of a
// canonical id replaces the earlier one.
TEST_F(MatcherTest, IndicatorIdsComeBackAsWritten) {
  const std::string canonical = "indicator--0f6a3c1e-8d2b-4c57-9a10-b2e4f6a8c0d1";
  const std::string upper_case = "indicator--0F6A3C1E-8D2B-4C57-9A10-B2E4F6A8C0D1";
  const std::string one_short = "indicator--0f6a3c1e-8d2b-4c57-9a10-b2e4f6a8c0d";
  const std::string underscore = "indicator--0f6a3c1e_8d2b-4c57-9a10-b2e4f6a8c0d1";
  const std::string other_type = "malware----0f6a3c1e-8d2b-4c57-9a10-b2e4f6a8c0d1";
  Compile({{canonical, "[domain-name:value = 'old.example']"},
           {upper_case, "[domain-name:value = 'b.example']"},
           {one_short, "[domain-name:value = 'c.example']"},
           {underscore, "[domain-name:value = 'd.example']"},
           {other_type, "[domain-name:value = 'e.example']"},
           {canonical, "[domain-name:value = 'a.example']"}});
  EXPECT_EQ(matcher_->indicator_count(), 5u);
  EXPECT_EQ(report_.superseded, 1u);
  EXPECT_EQ(Ids("a.example"), Ids_{canonical});
  EXPECT_TRUE(Ids("old.example").empty());
  EXPECT_EQ(Ids("b.example"), Ids_{upper_case});
  EXPECT_EQ(Ids("c.example"), Ids_{one_short});
  EXPECT_EQ(Ids("d.example"), Ids_{underscore});
  EXPECT_EQ(Ids("e.example"), Ids_{other_type});
}

TEST_F(MatcherTest, UrlsWithAddressAndUnusualHosts) {
  Compile({{"ip", "[url:value = 'http://192.0.2.7/bin.sh']"},
           {"local", "[url:value = 'http://intranet/admin']"},
           {"v6", "[url:value = 'http://[2001:db8:0::1]:8080/x']"}});
  EXPECT_EQ(Ids("wget http://192.0.2.7/bin.sh;"), Ids_{"ip"});
  EXPECT_EQ(Ids("GET http://INTRANET/admin HTTP/1.1"), Ids_{"local"});
  EXPECT_EQ(Ids("GET http://[2001:db8::1]:8080/x"), Ids_{"v6"});
  EXPECT_TRUE(Ids("http://192.0.2.7/bin.sh2").empty());
  EXPECT_TRUE(Ids("http://intranet2/admin").empty());
}

TEST_F(MatcherTest, AddressesAndRanges) {
  Compile({{"a4", "[ipv4-addr:value = '192.0.2.1']"},
           {"r4", "[ipv4-addr:value ISSUBSET '10.20.0.0/15']"},
           {"a6", "[ipv6-addr:value = '2001:db8::1']"},
           {"r6", "[ipv6-addr:value = '2001:db8:aa::/48']"},
           {"m", "[ipv6-addr:value = '::ffff:198.51.100.0/120']"}});
  EXPECT_EQ(Ids("from 192.0.2.1:443"), Ids_{"a4"});
  EXPECT_TRUE(Ids("from 192.0.2.10").empty());
  EXPECT_TRUE(Ids("from 192.0.2.1.5").empty());
  EXPECT_TRUE(Ids("version 1192.0.2.1").empty());
  EXPECT_TRUE(Ids("octal 192.0.2.01").empty());
  EXPECT_EQ(Ids("10.21.255.255"), Ids_{"r4"});
  EXPECT_EQ(Ids("10.20.0.0"), Ids_{"r4"});
  EXPECT_TRUE(Ids("10.22.0.0").empty());
  EXPECT_TRUE(Ids("10.19.255.255").empty());
  EXPECT_EQ(Ids("src=2001:0db8:0000:0000:0000:0000:0000:0001 dst"), Ids_{"a6"});
  EXPECT_EQ(Ids("[2001:DB8::1]:443"), Ids_{"a6"});
  EXPECT_TRUE(Ids("2001:db8::11").empty());
  EXPECT_EQ(Ids("2001:db8:aa:ffff::9"), Ids_{"r6"});
  EXPECT_TRUE(Ids("2001:db8:ab::9").empty());
  EXPECT_EQ(Ids("198.51.100.77"), Ids_{"m"});
  EXPECT_EQ(Ids("::ffff:198.51.100.77"), Ids_{"m"});
  EXPECT_EQ(Ids("::ffff:192.0.2.1"), Ids_{"a4"});
  EXPECT_TRUE(Ids("at 10:20:00 ok").empty());
}

// A dotted quad is parsed only when its /16 block overlaps a range: ranges wider and
// narrower than a /16, the blocks on both sides of each, and what is not a dotted quad.
TEST_F(MatcherTest, AddressesAreCheckedByTheirBlockFirst) {
  Compile({{"wide", "[ipv4-addr:value = '172.16.0.0/12']"},
           {"narrow", "[ipv4-addr:value = '45.67.89.0/30']"}});
  EXPECT_EQ(Ids("src=172.16.0.0"), Ids_{"wide"});
  EXPECT_EQ(Ids("src=172.31.255.255"), Ids_{"wide"});
  EXPECT_EQ(Ids("src=172.20.1.2 dst=45.67.89.3"), (Ids_{"wide", "narrow"}));
  EXPECT_TRUE(Ids("src=172.15.255.255").empty());
  EXPECT_TRUE(Ids("src=172.32.0.0").empty());
  EXPECT_TRUE(Ids("src=45.67.89.4 dst=45.67.88.1 45.66.89.1 44.67.89.1").empty());
  EXPECT_TRUE(Ids("0172.16.0.1 172.016.0.1 1172.16.0.1 172.1600.0.1 a.16.0.1").empty());
  EXPECT_TRUE(Ids("428.16.0.1 172.272.0.1 172..0.1 .172.16.0").empty());
  EXPECT_EQ(Ids("(172.16.0.1)"), Ids_{"wide"});
}

// Addresses in a block that holds only narrow ranges are checked by their /24 network
// next: the networks on both sides, the same numbers in other places, numbers of every
// length, and addresses ending the text (whose text is read in shorter words).
TEST_F(MatcherTest, AddressesInNarrowRangesAreCheckedByTheirNetwork) {
  Compile({{"one", "[ipv4-addr:value = '203.0.113.7']"},
           {"net", "[ipv4-addr:value = '203.0.114.0/24']"},
           {"short", "[ipv4-addr:value = '1.2.3.4']"},
           {"long", "[ipv4-addr:value = '100.200.250.128/25']"},
           {"wide", "[ipv4-addr:value = '100.200.0.0/20']"}});
  EXPECT_EQ(Ids("203.0.113.7"), Ids_{"one"});
  EXPECT_EQ(Ids("x 203.0.114.255"), Ids_{"net"});
  EXPECT_EQ(Ids("1.2.3.4"), Ids_{"short"});
  EXPECT_EQ(Ids("dst=1.2.3.4 "), Ids_{"short"});
  EXPECT_EQ(Ids("100.200.250.200"), Ids_{"long"});
  EXPECT_EQ(Ids("100.200.15.1, 100.200.250.129"), (Ids_{"wide", "long"}));
  EXPECT_TRUE(Ids("203.0.112.7 203.0.115.0 203.0.11.7 203.0.1137.7").empty());
  EXPECT_TRUE(Ids("203.0.113.8 1.2.3.5 1.2.33.4 1.2.3.40").empty());
  EXPECT_TRUE(Ids("100.200.250.127 100.200.251.128 100.200.16.1").empty());
  EXPECT_TRUE(Ids("203.00.113.7 203.0.0113.7").empty());
}

// A host name whose last label no indicator host has is dropped before the Bloom filter:
// the check folds case like the rest, and covers URL hosts and e-mail domains.
TEST_F(MatcherTest, LastLabelFilterKeepsEveryIndicatorHost) {
  Compile({{"d", "[domain-name:value = 'evil.example']"},
           {"u", "[url:value = 'http://bad.test/x']"},
           {"e", "[email-addr:value = 'a@mail.invalid']"}});
  EXPECT_EQ(Ids("GET http://BAD.TEST/x"), Ids_{"u"});
  EXPECT_EQ(Ids("to: a@Mail.INVALID"), Ids_{"e"});
  EXPECT_EQ(Ids("x.EVIL.EXAMPLE."), Ids_{"d"});
  EXPECT_TRUE(Ids("evil.examples evil.exampl bad.tests mail.invalids").empty());
  EXPECT_TRUE(Ids("evil.example.js index.html").empty());
}

TEST_F(MatcherTest, HashesAreWholeHexRuns) {
  const std::string md5 = "d41d8cd98f00b204e9800998ecf8427e";
  const std::string sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  Compile({{"md5", "[file:hashes.MD5 = '" + md5 + "']"},
           {"sha256", "[file:hashes.'SHA-256' = '" + sha256 + "']"}});
  EXPECT_EQ(Ids("md5=" + md5), Ids_{"md5"});
  EXPECT_EQ(Ids("MD5:D41D8CD98F00B204E9800998ECF8427E."), Ids_{"md5"});
  EXPECT_EQ(Ids(md5 + ".exe"), Ids_{"md5"});
  EXPECT_EQ(Ids("x " + sha256), Ids_{"sha256"});
  EXPECT_TRUE(Ids("0" + md5).empty());
  EXPECT_TRUE(Ids(md5 + "a").empty());
  EXPECT_TRUE(Ids("g" + md5).empty());
  EXPECT_TRUE(Ids(sha256.substr(0, 63)).empty());
  // The MD5 is the first half of a longer hex string, never a match.
  EXPECT_TRUE(Ids(md5 + md5.substr(0, 8)).empty());
}

TEST_F(MatcherTest, EmailAddresses) {
  Compile({{"e", "[email-addr:value = 'Boss@Evil.Example']"}});
  EXPECT_EQ(Ids("from=<Boss@EVIL.example>"), Ids_{"e"});
  EXPECT_EQ(Ids("from=Boss@evil.example"), Ids_{"e"});
  EXPECT_TRUE(Ids("boss@evil.example").empty());  // the local part is case-sensitive
  EXPECT_TRUE(Ids("xBoss@evil.example").empty());
}

TEST_F(MatcherTest, CompoundPatternsNeedOneRecord) {
  Compile({{"and", "[url:value = 'http://a.example/x' AND ipv4-addr:value = '192.0.2.9']"},
           {"or", "[domain-name:value = 'b.example'] OR [ipv4-addr:value = '192.0.2.10']"}});
  EXPECT_EQ(Ids("192.0.2.9 GET http://a.example/x"), Ids_{"and"});
  EXPECT_TRUE(Ids("GET http://a.example/x").empty());
  EXPECT_TRUE(Ids("192.0.2.9").empty());
  EXPECT_EQ(Ids("b.example"), Ids_{"or"});
  EXPECT_EQ(Ids("192.0.2.10"), Ids_{"or"});
  EXPECT_EQ(Ids("b.example 192.0.2.10"), Ids_{"or"});
}

TEST_F(MatcherTest, PatternsThatCannotBeDecidedOnARecordAreReported) {
  Compile({{"ok", "[domain-name:value = 'ok.example']"},
           {"seq", "[domain-name:value = 'a.example'] FOLLOWEDBY [domain-name:value = 'b.example']"},
           {"within", "[domain-name:value = 'a.example'] WITHIN 5 SECONDS"},
           {"bad", "[domain-name:value = 'a.example'"},
           {"name", "[file:name = 'evil.exe']"},
           {"part", "[file:name = 'evil.exe' OR file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"},
           {"and", "[file:name = 'evil.exe' AND domain-name:value = 'c.example']"},
           {"badvalue", "[ipv4-addr:value = '999.1.1.1']"}});
  EXPECT_EQ(report_.indicators, 2u);
  EXPECT_EQ(report_.needs_state, 2u);
  EXPECT_EQ(report_.invalid, 4u);
  EXPECT_EQ(report_.partly_used, 1u);
  std::vector<std::string> named;
  for (const LoadWarning& w : report_.warnings) named.push_back(w.indicator_id);
  EXPECT_EQ(named, (Ids_{"seq", "within", "bad", "name", "part", "and", "badvalue"}));
  EXPECT_NE(report_.warnings[0].message.find("FOLLOWEDBY"), std::string::npos);
  EXPECT_EQ(Ids("d41d8cd98f00b204e9800998ecf8427e"), Ids_{"part"});
  EXPECT_TRUE(Ids("c.example").empty());
}

TEST_F(MatcherTest, SeveralIndicatorsOneObservableAndOneHitPerRecord) {
  Compile({{"x1", "[domain-name:value = 'x.example']"},
           {"x2", "[domain-name:value IN ('x.example', 'y.example')]"}});
  EXPECT_EQ(Ids("x.example x.example y.example"), (Ids_{"x1", "x2"}));
  EXPECT_EQ(Ids("y.example"), Ids_{"x2"});
}

TEST(MatcherBuilderTest, LaterVersionsReplaceEarlierOnes) {
  MatcherBuilder builder;
  const Json v1 = {{"type", "indicator"}, {"id", "indicator--1"}, {"pattern_type", "stix"},
                   {"modified", "2024-01-01T00:00:00Z"},
                   {"pattern", "[domain-name:value = 'old.example']"}};
  Json v2 = v1;
  v2["modified"] = "2024-02-01T00:00:00Z";
  v2["pattern"] = "[domain-name:value = 'new.example']";
  Json revoked = v1;
  revoked["id"] = "indicator--2";
  revoked["revoked"] = true;
  Json expired = v1;
  expired["id"] = "indicator--3";
  expired["valid_until"] = "2024-01-02T00:00:00Z";
  Json sigma = v1;
  sigma["id"] = "indicator--4";
  sigma["pattern_type"] = "sigma";
  const std::int64_t now = 1735689600000;  // 2025-01-01
  builder.AddStixObject(v2, now);
  builder.AddStixObject(v1, now);
  builder.AddStixObject(revoked, now);
  builder.AddStixObject(expired, now);
  builder.AddStixObject(sigma, now);
  builder.AddStixObject(Json{{"type", "malware"}, {"id", "malware--1"}}, now);
  EXPECT_EQ(builder.report().superseded, 1u);
  EXPECT_EQ(builder.report().revoked_or_expired, 2u);
  EXPECT_EQ(builder.report().not_stix_patterns, 1u);
  auto matcher = builder.Build();
  ASSERT_TRUE(matcher.ok());
  RecordMatcher scanner(**matcher);
  scanner.AddText("old.example");
  EXPECT_TRUE(scanner.Resolve().empty());
  scanner.Reset();
  scanner.AddText("new.example");
  ASSERT_EQ(scanner.Resolve().size(), 1u);
}

// Validity far ahead (past what a nanosecond clock holds) keeps an indicator in use; a
// valid_until that is not an RFC 3339 timestamp (year 10000) is ignored, as before.
TEST(MatcherBuilderTest, ValidUntilAcrossTheRfc3339Range) {
  MatcherBuilder builder;
  const std::int64_t now = 1735689600000;  // 2025-01-01
  const std::pair<const char*, const char*> valid_until[] = {
      {"0001-01-01T00:00:00Z", "year1.example"},   {"1969-12-31T23:59:59Z", "y1969.example"},
      {"2038-01-19T03:14:08Z", "y2038.example"},   {"2262-12-31T00:00:00Z", "y2262.example"},
      {"2999-12-31T23:59:59Z", "y2999.example"},   {"9999-12-31T23:59:59Z", "y9999.example"},
      {"10000-01-01T00:00:00Z", "y10000.example"},
  };
  int n = 0;
  for (const auto& [until, domain] : valid_until) {
    builder.AddStixObject(Json{{"type", "indicator"},
                               {"id", "indicator--" + std::to_string(++n)},
                               {"pattern_type", "stix"},
                               {"valid_until", until},
                               {"pattern", std::string("[domain-name:value = '") + domain + "']"}},
                          now);
  }
  EXPECT_EQ(builder.report().revoked_or_expired, 2u) << "years 1 and 1969";
  auto matcher = builder.Build();
  ASSERT_TRUE(matcher.ok());
  RecordMatcher scanner(**matcher);
  for (const char* domain : {"y2038.example", "y2262.example", "y2999.example", "y9999.example",
                             "y10000.example"}) {
    scanner.Reset();
    scanner.AddText(domain);
    EXPECT_EQ(scanner.Resolve().size(), 1u) << domain << " is in use";
  }
  for (const char* domain : {"year1.example", "y1969.example"}) {
    scanner.Reset();
    scanner.AddText(domain);
    EXPECT_TRUE(scanner.Resolve().empty()) << domain << " has expired";
  }
}

TEST(MatcherBuilderTest, CsvRowsOfOneIdAreAlternatives) {
  MatcherBuilder builder;
  builder.AddObservable("indicator--a", *stix::NormaliseObservable("domain-name", "value", "a.example"));
  builder.AddObservable("indicator--a", *stix::NormaliseObservable("ipv4-addr", "value", "192.0.2.0/24"));
  auto matcher = builder.Build();
  ASSERT_TRUE(matcher.ok());
  EXPECT_EQ((*matcher)->indicator_count(), 1u);
  RecordMatcher scanner(**matcher);
  scanner.AddText("192.0.2.200");
  ASSERT_EQ(scanner.Resolve().size(), 1u);
}

TEST(MatcherBuilderTest, NothingUsableIsAnError) {
  MatcherBuilder builder;
  builder.AddPattern("indicator--x", "[file:name = 'a']");
  auto matcher = builder.Build();
  ASSERT_FALSE(matcher.ok());
  EXPECT_EQ(matcher.error().code(), ErrorCode::kInvalidArgument);
}

TEST(RecordMatcherTest, TypedValues) {
  MatcherBuilder builder;
  builder.AddPattern("u", "[url:value = 'http://evil.example/a b']");
  builder.AddPattern("e", "[email-addr:value = '\"john doe\"@evil.example']");
  builder.AddPattern("ip", "[ipv6-addr:value = '2001:db8::/32']");
  auto matcher = builder.Build();
  ASSERT_TRUE(matcher.ok());
  RecordMatcher scanner(**matcher);
  scanner.AddValue(ValueKind::kUrl, "http://evil.example/a b");
  ASSERT_EQ(scanner.Resolve().size(), 1u);
  scanner.Reset();
  scanner.AddValue(ValueKind::kEmail, "\"john doe\"@EVIL.example");
  ASSERT_EQ(scanner.Resolve().size(), 1u);
  scanner.Reset();
  scanner.AddValue(ValueKind::kIp, "[2001:db8::5]");
  ASSERT_EQ(scanner.Resolve().size(), 1u);
}

TEST(RecordMatcherTest, HostileTextDoesNotCrash) {
  MatcherBuilder builder;
  builder.AddPattern("d", "[domain-name:value = 'evil.example']");
  builder.AddPattern("h", "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']");
  builder.AddPattern("v6", "[ipv6-addr:value = '::1']");
  auto matcher = builder.Build();
  ASSERT_TRUE(matcher.ok());
  RecordMatcher scanner(**matcher);
  std::string garbage;
  std::uint32_t state = 12345;
  for (int i = 0; i < 200000; ++i) {
    state = state * 1103515245 + 12345;
    garbage.push_back(static_cast<char>(state >> 24));
  }
  garbage += std::string(1000, '.') + std::string(600, 'a') + "." + std::string(70, 'b') +
             std::string(300, ':') + std::string(500, 'f') + "\xff\xfe.evil.example";
  scanner.AddText(garbage);
  const auto& hits = scanner.Resolve();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(matcher.value()->IndicatorId(hits[0].indicator), "d");
}

// Enough indicators of every kind for the tables to be compiled on two threads; each
// must match the line that holds its value, and the matcher must be the one of one thread.
TEST(MatcherBuildTest, ALargeSetCompiledOnTwoThreadsMatchesAsOnOne) {
  constexpr int kCount = 3000;
  std::vector<std::pair<std::string, std::string>> patterns;  // {id, pattern}
  std::vector<std::pair<std::string, std::string>> lines;     // {line, id it must match}
  std::vector<std::string> misses;                            // lines no indicator matches
  const auto hex = [](std::uint64_t seed, std::size_t length) {
    std::string out;
    while (out.size() < length) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      const char digits[] = "0123456789abcdef";
      out.push_back(digits[(seed >> 59) & 15]);
    }
    return out;
  };
  for (int i = 0; i < kCount; ++i) {
    const std::string n = std::to_string(i);
    const std::string domain = "d" + n + ".zone" + std::to_string(i % 40) + ".test";
    const std::string url =
        "http://u" + std::to_string(i % 700) + ".web" + std::to_string(i % 20) + ".test/p/" + n;
    const std::string email = "x" + n + "@mail" + std::to_string(i % 30) + ".test";
    const std::string md5 = hex(i, 32);
    const std::string sha256 = hex(i + kCount, 64);
    const std::string ipv4 = "10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".9";
    const std::string network =
        "172." + std::to_string(16 + i % 16) + "." + std::to_string(i / 16 % 256) + ".0";
    patterns.push_back({"domain-" + n, "[domain-name:value = '" + domain + "']"});
    patterns.push_back({"url-" + n, "[url:value = '" + url + "']"});
    patterns.push_back({"email-" + n, "[email-addr:value = '" + email + "']"});
    patterns.push_back({"md5-" + n, "[file:hashes.MD5 = '" + md5 + "']"});
    patterns.push_back({"sha256-" + n, "[file:hashes.'SHA-256' = '" + sha256 + "']"});
    patterns.push_back({"ipv4-" + n, "[ipv4-addr:value = '" + ipv4 + "']"});
    patterns.push_back({"net-" + n, "[ipv4-addr:value = '" + network + "/24']"});
    patterns.push_back({"ipv6-" + n, "[ipv6-addr:value = '2001:db8::" + n + "']"});
    if (i % 10 == 0) {  // a URL on a host that is also a domain indicator
      patterns.push_back({"url-on-domain-" + n, "[url:value = 'https://" + domain + "/x']"});
      lines.push_back({"GET https://" + domain + "/x HTTP/1.1", "url-on-domain-" + n});
    }
    lines.push_back({"host a.b." + domain + " ok", "domain-" + n});
    lines.push_back({"GET " + url + " HTTP/1.1", "url-" + n});
    lines.push_back({"from <" + email + ">", "email-" + n});
    lines.push_back({"file=" + md5 + " size=1", "md5-" + n});
    lines.push_back({"sum " + sha256, "sha256-" + n});
    lines.push_back({"src=" + ipv4 + " dst=192.0.2.1", "ipv4-" + n});
    lines.push_back({"src=" + network.substr(0, network.size() - 1) + "77", "net-" + n});
    lines.push_back({"from 2001:db8::" + n + " port 1", "ipv6-" + n});
    misses.push_back("host x" + domain + "s");
    misses.push_back("file=" + md5 + "0");
  }
  // Versions: the first pattern of an id is superseded by the second, so its value must
  // not match.
  for (int i = 0; i < 500; ++i) {
    const std::string n = std::to_string(i);
    patterns.push_back({"versioned-" + n, ""});
    lines.push_back({"host new" + n + ".versions.test", "versioned-" + n});
    misses.push_back("host old" + n + ".versions.test");
  }
  const auto compile = [&](int threads) {
    MatcherBuilder builder;
    for (const auto& [id, pattern] : patterns) {
      if (!pattern.empty()) {
        builder.AddPattern(id, pattern);
        continue;
      }
      const std::string n = id.substr(id.find('-') + 1);
      const std::string old_pattern = "[domain-name:value = 'old" + n + ".versions.test']";
      const std::string new_pattern = "[domain-name:value = 'new" + n + ".versions.test']";
      StixObjectFields fields;
      fields.is_indicator = true;
      fields.id = id;
      fields.has_pattern_type = fields.stix_pattern_type = true;
      fields.pattern = old_pattern;
      fields.modified = "2024-01-01T00:00:00Z";
      builder.AddStixObject(fields, 0);
      fields.pattern = new_pattern;
      fields.modified = "2024-02-01T00:00:00Z";
      builder.AddStixObject(fields, 0);
    }
    auto built = builder.Build(threads);
    EXPECT_TRUE(built.ok()) << built.error().safe_message();
    return std::move(built).value();
  };
  const std::unique_ptr<const Matcher> one = compile(1);
  const std::unique_ptr<const Matcher> two = compile(2);
  ASSERT_GE(two->observable_count(), 4096u * 4);
  EXPECT_EQ(two->indicator_count(), one->indicator_count());
  EXPECT_EQ(two->MemoryBytes(), one->MemoryBytes());
  const auto ids = [](const Matcher& matcher, std::string_view line) {
    RecordMatcher scanner(matcher);
    scanner.AddText(line);
    std::vector<std::string> out;
    for (const IndicatorHit& hit : scanner.Resolve()) {
      out.emplace_back(matcher.IndicatorId(hit.indicator));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  int failures = 0;
  for (const auto& [line, id] : lines) {
    const std::vector<std::string> found = ids(*two, line);
    const bool ok =
        std::find(found.begin(), found.end(), id) != found.end() && found == ids(*one, line);
    EXPECT_TRUE(ok) << line << " should match " << id;
    if (!ok && ++failures > 10) break;
  }
  for (const std::string& line : misses) {
    EXPECT_TRUE(ids(*two, line).empty()) << line;
    EXPECT_TRUE(ids(*one, line).empty()) << line;
  }
}

}  // namespace
}  // namespace fincyber::detect
