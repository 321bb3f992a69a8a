#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sstream>

#include "sharing/export_rules.h"

namespace fincyber::sharing {
namespace {

constexpr std::string_view kId = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";

Json Indicator(std::string pattern, Json extra = Json::object()) {
  Json indicator = {{"type", "indicator"},
                    {"spec_version", "2.1"},
                    {"id", kId},
                    {"created", "2026-01-01T00:00:00.000Z"},
                    {"modified", "2026-01-01T00:00:00.000Z"},
                    {"name", "Banking trojan C2"},
                    {"pattern", std::move(pattern)},
                    {"pattern_type", "stix"},
                    {"valid_from", "2026-01-01T00:00:00Z"}};
  indicator.update(extra);
  return indicator;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(RuleObservablesTest, OnlyRecordByRecordPatternsQualify) {
  auto ok = RuleObservables(Indicator(
      "[domain-name:value = 'A.example'] OR ([ipv4-addr:value IN ('198.51.100.1', '198.51.100.2') "
      "OR url:value = 'http://b.example/x'])"));
  ASSERT_TRUE(ok.ok()) << ok.error().safe_message();
  EXPECT_EQ(ok->size(), 4u);
  EXPECT_EQ((*ok)[0].value, "a.example");

  const std::vector<std::pair<std::string, std::string>> refused = {
      {"[domain-name:value = 'a.example' AND domain-name:value = 'b.example']", "AND"},
      {"[domain-name:value = 'a.example'] AND [domain-name:value = 'b.example']", "(AND)"},
      {"[domain-name:value = 'a.example'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.1']",
       "FOLLOWEDBY"},
      {"[domain-name:value = 'a.example'] REPEATS 3 TIMES", "qualifier"},
      {"[domain-name:value NOT = 'a.example']", "NOT"},
      {"[domain-name:value MATCHES '^a']", "other than = and IN"},
      {"[ipv4-addr:value ISSUBSET '198.51.100.0/24']", "other than = and IN"},
      {"[ipv4-addr:value = '999.1.1.1']", "not a valid IPv4"},
      {"[domain-name:value = ", "does not parse"},
  };
  for (const auto& [pattern, reason] : refused) {
    auto result = RuleObservables(Indicator(pattern));
    ASSERT_FALSE(result.ok()) << pattern;
    EXPECT_EQ(result.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(result.error().safe_message().find(reason), std::string::npos)
        << pattern << ": " << result.error().safe_message();
  }
  EXPECT_FALSE(
      RuleObservables(Indicator("[domain-name:value = 'a.example']", {{"pattern_type", "sigma"}}))
          .ok());
  EXPECT_FALSE(
      RuleObservables(Indicator("[domain-name:value = 'a.example']", {{"revoked", true}})).ok());
  EXPECT_FALSE(RuleObservables(Json{{"type", "malware"}}).ok());
  EXPECT_FALSE(RuleObservables(Json::array()).ok());
  EXPECT_FALSE(RuleObservables(Indicator("x", {{"pattern", 5}})).ok());
}

TEST(SuricataTest, DomainBecomesDnsTlsAndHttpRules) {
  std::ostringstream out;
  SuricataRuleWriter writer(out, {.first_sid = 5000000});
  auto written = writer.Add(Indicator("[domain-name:value = 'Evil.Example']"));
  ASSERT_TRUE(written.ok()) << written.error().safe_message();
  EXPECT_EQ(*written, 3u);
  const std::string msg = fmt::format("fincyber Banking trojan C2 ({})", kId);
  EXPECT_EQ(Lines(out.str()),
            (std::vector<std::string>{
                fmt::format("alert dns any any -> any any (msg:\"{}\"; dns.query; dotprefix; "
                            "content:\".evil.example\"; nocase; endswith; sid:5000000; rev:1;)",
                            msg),
                fmt::format("alert tls any any -> any any (msg:\"{}\"; tls.sni; dotprefix; "
                            "content:\".evil.example\"; nocase; endswith; sid:5000001; rev:1;)",
                            msg),
                fmt::format("alert http any any -> any any (msg:\"{}\"; http.host; dotprefix; "
                            "content:\".evil.example\"; endswith; sid:5000002; rev:1;)",
                            msg),
            }));
  EXPECT_EQ(writer.next_sid(), 5000003u);
}

TEST(SuricataTest, AddressesRangesAndUrls) {
  std::ostringstream out;
  SuricataRuleWriter writer(out, {.action = "drop"});
  ASSERT_TRUE(writer
                  .Add(Indicator("[ipv4-addr:value = '198.51.100.7'] OR [ipv6-addr:value = "
                                 "'2001:db8::/32'] OR [url:value = 'http://evil.example:8080/a/"
                                 "b.php?x=1#frag'] OR [url:value = 'https://evil.example/%7Euser/"
                                 "a%20b'] OR [url:value = 'http://evil.example']",
                                 {{"name", ""}}))
                  .ok());
  const std::string msg = fmt::format("fincyber {}", kId);
  EXPECT_EQ(
      Lines(out.str()),
      (std::vector<std::string>{
          fmt::format("drop ip any any <> 198.51.100.7 any (msg:\"{}\"; sid:1000000; rev:1;)", msg),
          fmt::format("drop ip any any <> 2001:db8::/32 any (msg:\"{}\"; sid:1000001; rev:1;)",
                      msg),
          fmt::format("drop http any any -> any any (msg:\"{}\"; http.host; "
                      "content:\"evil.example\"; startswith; endswith; http.uri; "
                      "content:\"/a/b.php?x=1\"; startswith; sid:1000002; rev:1;)",
                      msg),
          fmt::format("drop http any any -> any any (msg:\"{}\"; http.host; "
                      "content:\"evil.example\"; startswith; endswith; http.uri.raw; "
                      "content:\"/~user/a%20b\"; startswith; sid:1000003; rev:1;)",
                      msg),
          fmt::format("drop http any any -> any any (msg:\"{}\"; http.host; "
                      "content:\"evil.example\"; startswith; endswith; sid:1000004; rev:1;)",
                      msg),
      }));
}

TEST(SuricataTest, IndicatorTextCannotBreakOutOfTheRule) {
  std::ostringstream out;
  SuricataRuleWriter writer(out, {});
  const std::string hostile_name =
      "x\"; sid:1; rev:1;)\nalert ip any any -> any any (msg:\"pwned\\";
  ASSERT_TRUE(writer
                  .Add(Indicator("[url:value = 'http://evil.example/a;b\"c|d\\\\e']",
                                 {{"name", hostile_name}}))
                  .ok());
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 1u) << out.str();
  EXPECT_EQ(lines[0],
            fmt::format("alert http any any -> any any (msg:\"fincyber x\\\"\\; sid:1\\; rev:1\\;) "
                        "alert ip any any -> any any (msg:\\\"pwned\\\\ ({})\"; http.host; "
                        "content:\"evil.example\"; startswith; endswith; http.uri.raw; "
                        "content:\"/a|3B|b%22c%7Cd%5Ce\"; startswith; sid:1000000; rev:1;)",
                        kId));
}

TEST(SuricataTest, ContentBytesOutsidePrintableAsciiAreHex) {
  std::ostringstream out;
  SuricataRuleWriter writer(out, {});
  ASSERT_TRUE(writer.Add(Indicator("[domain-name:value = 'bücher.example']")).ok());
  EXPECT_NE(out.str().find("content:\".xn--bcher-kva.example\""), std::string::npos) << out.str();
  std::ostringstream long_out;
  SuricataRuleWriter long_writer(long_out, {});
  ASSERT_TRUE(long_writer
                  .Add(Indicator("[domain-name:value = 'a.example']",
                                 {{"name", std::string(500, 'n') + "金融"}}))
                  .ok());
  const std::string first = Lines(long_out.str())[0];
  EXPECT_LT(first.size(), 400u) << "msg is bounded";
  EXPECT_NE(first.find("...\"; dns.query"), std::string::npos) << first;
}

TEST(SuricataTest, HashesGoToListFilesOrAreRefused) {
  const std::string md5 = "[file:hashes.MD5 = '098f6bcd4621d373cade4e832627b4f6']";
  const std::string sha256 =
      "[file:hashes.'SHA-256' = "
      "'9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08']";
  {
    std::ostringstream rules;
    SuricataRuleWriter writer(rules, {});
    auto refused = writer.Add(Indicator(md5));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().safe_message(),
              fmt::format("{}: Suricata matches MD5 file hashes only from a list file, and none "
                          "was given",
                          kId));
    ASSERT_TRUE(writer.Finish().ok());
    EXPECT_EQ(rules.str(), "");
  }
  std::ostringstream rules;
  std::ostringstream md5_list;
  std::ostringstream sha256_list;
  SuricataOptions options;
  options.md5_list = &md5_list;
  options.sha256_list = &sha256_list;
  SuricataRuleWriter writer(rules, options);
  ASSERT_EQ(writer.Add(Indicator(md5)).value(), 1u);
  ASSERT_EQ(writer.Add(Indicator(sha256)).value(), 1u);
  EXPECT_FALSE(
      writer.Add(Indicator("[file:hashes.'SHA-512' = '" + std::string(128, 'a') + "']")).ok());
  EXPECT_FALSE(
      writer.Add(Indicator("[file:hashes.'SHA-1' = '" + std::string(40, 'a') + "']")).ok());
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(writer.Finish().error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(md5_list.str(), "098f6bcd4621d373cade4e832627b4f6\n");
  EXPECT_EQ(sha256_list.str(),
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n");
  EXPECT_EQ(Lines(rules.str()),
            (std::vector<std::string>{
                "alert http any any -> any any (msg:\"fincyber file MD5 on list "
                "fincyber-md5.list\"; filemd5:fincyber-md5.list; sid:1000000; rev:1;)",
                "alert smtp any any -> any any (msg:\"fincyber file MD5 on list "
                "fincyber-md5.list\"; filemd5:fincyber-md5.list; sid:1000001; rev:1;)",
                "alert http any any -> any any (msg:\"fincyber file SHA-256 on list "
                "fincyber-sha256.list\"; filesha256:fincyber-sha256.list; sid:1000002; rev:1;)",
                "alert smtp any any -> any any (msg:\"fincyber file SHA-256 on list "
                "fincyber-sha256.list\"; filesha256:fincyber-sha256.list; sid:1000003; rev:1;)",
            }));
}

TEST(SuricataTest, RefusedIndicatorsWriteNothingAndKeepSids) {
  std::ostringstream out;
  SuricataRuleWriter writer(out, {});
  auto refused = writer.Add(
      Indicator("[domain-name:value = 'a.example'] OR [email-addr:value = 'phish@a.example']"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().safe_message().find("e-mail"), std::string::npos);
  EXPECT_FALSE(writer.Add(Indicator("[file:name = 'invoice.exe']")).ok());
  EXPECT_FALSE(writer.Add(Indicator("[url:value = 'ftp://a.example/x']")).ok());
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(writer.next_sid(), 1000000u);
  SuricataRuleWriter bad_action(out, {.action = "alert ip any any"});
  EXPECT_EQ(bad_action.Add(Indicator("[domain-name:value = 'a.example']")).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST(SuricataTest, SidsNeverPassTheirRange) {
  std::ostringstream out;
  SuricataRuleWriter writer(out, {.first_sid = 4294967294u});
  EXPECT_EQ(writer.Add(Indicator("[domain-name:value = 'a.example']")).error().code(),
            ErrorCode::kResourceExhausted);
  EXPECT_EQ(writer.Add(Indicator("[ipv4-addr:value = '198.51.100.1']")).value(), 1u);
  EXPECT_NE(out.str().find("sid:4294967294;"), std::string::npos);
}

TEST(ZeekTest, IntelFileHasEveryType) {
  std::ostringstream out;
  ZeekIntelWriter writer(
      out, {.source = "Example ISAC", .url_template = "https://hub.example/objects/{id}"});
  auto written = writer.Add(Indicator(
      "[domain-name:value = 'Evil.Example'] OR [url:value = 'https://evil.example:8443/a?b=1#c'] "
      "OR "
      "[ipv4-addr:value = '198.51.100.7'] OR [ipv4-addr:value = '198.51.100.0/24'] OR "
      "[ipv6-addr:value = '2001:db8::1'] OR [email-addr:value = 'phish@evil.example'] OR "
      "[file:hashes.MD5 = '098F6BCD4621D373CADE4E832627B4F6'] OR [file:hashes.'SHA-1' = '" +
      std::string(40, 'a') + "']"));
  ASSERT_TRUE(written.ok()) << written.error().safe_message();
  EXPECT_EQ(*written, 8u);
  const std::string meta =
      fmt::format("Example ISAC\tBanking trojan C2 ({})\thttps://hub.example/objects/{}", kId, kId);
  EXPECT_EQ(Lines(out.str()),
            (std::vector<std::string>{
                "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url",
                "evil.example\tIntel::DOMAIN\t" + meta,
                "evil.example:8443/a?b=1\tIntel::URL\t" + meta,
                "198.51.100.7\tIntel::ADDR\t" + meta,
                "198.51.100.0/24\tIntel::SUBNET\t" + meta,
                "2001:db8::1\tIntel::ADDR\t" + meta,
                "phish@evil.example\tIntel::EMAIL\t" + meta,
                "098f6bcd4621d373cade4e832627b4f6\tIntel::FILE_HASH\t" + meta,
                std::string(40, 'a') + "\tIntel::FILE_HASH\t" + meta,
            }));
}

TEST(ZeekTest, TextCannotAddFieldsOrLines) {
  std::ostringstream out;
  ZeekIntelWriter writer(out, {.source = "a\tb", .url_template = ""});
  ASSERT_TRUE(writer
                  .Add(Indicator("[domain-name:value = 'a.example']",
                                 {{"name", "x\tIntel::ADDR\n1.2.3.4\tIntel::ADDR"}}))
                  .ok());
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 2u) << out.str();
  EXPECT_EQ(lines[1], fmt::format("a.example\tIntel::DOMAIN\ta b\tx Intel::ADDR 1.2.3.4 "
                                  "Intel::ADDR ({})\t-",
                                  kId));
}

TEST(ZeekTest, RefusedIndicatorsAreReported) {
  std::ostringstream out;
  ZeekIntelWriter writer(out, {});
  const std::string header = out.str();
  EXPECT_FALSE(
      writer.Add(Indicator("[file:hashes.'SHA-512' = '" + std::string(128, 'a') + "']")).ok());
  EXPECT_FALSE(writer.Add(Indicator("[file:name = 'a.exe']")).ok());
  EXPECT_FALSE(writer
                   .Add(Indicator("[domain-name:value = 'a.example'] FOLLOWEDBY "
                                  "[domain-name:value = 'b.example']"))
                   .ok());
  EXPECT_EQ(out.str(), header);
}

}  // namespace
}  // namespace fincyber::sharing
