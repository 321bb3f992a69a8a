// The shortcuts of loading (simple patterns without a parse tree, bundle objects read by
// simdjson) give the same matcher and report as the full paths: the pattern parser and
// ParseJson with AddStixObject(const Json&).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "detect/indicator_files.h"
#include "detect/matcher.h"
#include "detect/test_builder_summary.h"
#include "testing/scratch_dir.h"

namespace fincyber::detect {
namespace {

std::vector<std::string> GeneratedPatterns() {
  const std::vector<std::string> values = {
      "[domain-name:value = 'evil.example']",
      "[domain-name:value = 'A.Evil.Example.']",
      "[domain-name:value = 'bücher.example']",
      "[domain-name:value = 'xn--bcher-kva.example']",
      "[domain-name:value = '-bad.example']",
      "[domain-name:value = '999.1.1.1']",
      "[domain-name:value = 'zip']",
      "[url:value = 'HTTP://Bad.Example:80/login.php?user=a b']",
      "[url:value = 'https://shop.example/pay/%7Ex']",
      "[url:value = 'mailto:a@b.example']",
      "[url:value = 'no scheme']",
      "[url:value = 'http://x.example/it\\'s\\\\here']",
      "[ipv4-addr:value = '198.51.100.7']",
      "[ipv4-addr:value = '198.51.100.0/24']",
      "[ipv4-addr:value = '010.0.0.1']",
      "[ipv4-addr:value = '0.0.0.0/0']",
      "[ipv6-addr:value = '2001:0DB8::0001']",
      "[ipv6-addr:value = '2001:db8:aa::/48']",
      "[ipv6-addr:value = '::ffff:192.0.2.1']",
      "[email-addr:value = 'Boss@MAIL.example']",
      "[email-addr:value = 'nobody']",
      "[file:hashes.MD5 = 'D41D8CD98F00B204E9800998ECF8427E']",
      "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
      "[file:hashes.'SHA-256' = '" + std::string(64, 'a') + "']",
      "[file:hashes.sha512 = '" + std::string(128, 'F') + "']",
      "[file:hashes.'SHA-256' = 'abc']",
      "[file:hashes.SSDEEP = '3:abc:def']",
      "[file:name = 'a.exe']",
      "[mac-addr:value = 'AA-BB-CC-DD-EE-FF']",
      "[network-traffic:dst_ref.value = '198.51.100.1']",
      "[network-traffic:dst_ref.value = 'evil.example']",
      "[email-message:from_ref.value = 'a@b.example']",
      "[x-custom:value = 'a']",
      "[domain-name:value = 'a.example' OR url:value = 'http://a.example/']",
      "[url:value = 'http://c2.example/beacon' AND ipv4-addr:value = '192.0.2.99']",
  };
  return values;
}

void Mutate(std::string* text, std::mt19937& random) {
  const std::string alphabet = std::string("[]():=!'\\ ./-_aZ09") + "\xC3\xA9";
  const std::size_t at = random() % (text->size() + 1);
  const char c = alphabet[random() % alphabet.size()];
  switch (random() % 3) {
    case 0:
      text->insert(text->begin() + static_cast<std::ptrdiff_t>(at), c);
      break;
    case 1:
      if (at < text->size()) text->erase(at, 1);
      break;
    default:
      if (at < text->size()) (*text)[at] = c;
      break;
  }
}

// Each pattern is added as is, and with a comment after it: the comment changes nothing
// the parser builds but keeps the pattern off the shortcut.
TEST(FastLoadTest, SimplePatternsCompileAsTheParserDoes) {
  std::vector<std::pair<std::string, std::string>> indicators;  // id, pattern
  const std::vector<std::string> patterns = GeneratedPatterns();
  std::mt19937 random(7);
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    indicators.emplace_back("indicator--" + std::to_string(i), patterns[i]);
    // The same value under another id, and a new version of the same id.
    indicators.emplace_back("indicator--again-" + std::to_string(i), patterns[i]);
    indicators.emplace_back("indicator--" + std::to_string(i), patterns[(i + 1) % patterns.size()]);
  }
  for (int i = 0; i < 3000; ++i) {
    std::string text = patterns[random() % patterns.size()];
    for (int e = 0; e < 1 + static_cast<int>(random() % 2); ++e) Mutate(&text, random);
    indicators.emplace_back("indicator--mutated-" + std::to_string(i % 1000), text);
  }
  MatcherBuilder shortcut;
  MatcherBuilder full;
  for (const auto& [id, pattern] : indicators) {
    shortcut.AddPattern(id, pattern);
    full.AddPattern(id, pattern + " /* off the shortcut */");
  }
  const std::string expected = BuilderSummary(full, SummaryOrder::kSorted);
  EXPECT_EQ(BuilderSummary(shortcut, SummaryOrder::kSorted), expected);
  EXPECT_NE(expected.find("\nobservable 0 a.evil.example <- indicator--0 indicator--again-1"),
            std::string::npos)
      << expected;
}

class FastLoadFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& content) { return scratch_.WriteFile(content); }
  fincyber::testing::ScratchDir scratch_{"detect_fast_load_test"};
};

std::string Nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

TEST_F(FastLoadFileTest, BundleObjectsReadAsParseJsonReadsThem) {
  const std::string simple = R"("pattern":"[domain-name:value = 'a.example']")";
  const std::vector<std::string> objects = {
      R"({"type":"indicator","id":"indicator--1",)" + simple + "}",
      R"({"type":"indicator","id":"indicator--2","pattern_type":"stix",)" + simple +
          R"(,"pattern":"[domain-name:value = 'last.example']"})",
      R"({"type":"indicator","type":"note","id":"indicator--3",)" + simple + "}",
      R"({"type":"note","type":"indicator","id":"indicator--4",)" + simple + "}",
      R"({"type":"indicator","id":"indicator--5","revoked":"true",)" + simple + "}",
      R"({"type":"indicator","id":"indicator--6","revoked":true,)" + simple + "}",
      R"({"type":"indicator","id":"indicator--7","revoked":false,)" + simple + "}",
      R"({"type":"indicator","id":"indicator--8","pattern_type":5,)" + simple + "}",
      R"({"type":"indicator","id":"indicator--9","pattern_type":"snort",)" + simple + "}",
      R"({"type":"indicator","id":7,)" + simple + "}",
      R"({"type":"indicator","id":"indicator--10","pattern":5})",
      R"({"type":"indicator","id":"indicator--11","pattern":"[domain-name:value = 'b\u00fccher.example']"})",
      R"({"type":"indicator","id":"indicator--12","x":"\ud800",)" + simple + "}",
      R"({"type":"indicator","id":"indicator--13","x":1e999,)" + simple + "}",
      R"({"type":"indicator","id":"indicator--14","x":123456789012345678901234567890,)" + simple +
          "}",
      R"({"type":"indicator","id":"indicator--15","x":)" + Nested(40) + "," + simple + "}",
      R"({"type":"indicator","id":"indicator--16","x":)" + Nested(70) + "," + simple + "}",
      R"({"type":"indicator","id":"indicator--17","valid_until":"2000-01-01T00:00:00Z",)" + simple +
          "}",
      R"({"type":"indicator","id":"indicator--18","modified":"2024-01-02T00:00:00Z",)" + simple +
          "}",
      R"({"type":"indicator","id":"indicator--18","modified":"2024-01-01T00:00:00Z","pattern":"[domain-name:value = 'older.example']"})",
      R"({"type":"indicator","id":"indicator--19","x":{"type":"note","pattern":"[url:value = 'http://x.example/']"},)" +
          simple + "}",
      R"({"type":"indicator","id":"indicator--20",)" + simple + ",}",
      R"({"type":"indicator","id":"indicator--21","pattern":"[domain-name:value = 'ünï.example']","x":[1,2,{"a":null,"b":-0.5e-3}]})",
      R"({"type":"indicator","id":"indicator--22","pattern":"[file:hashes.MD5 = 'D41D8CD98F00B204E9800998ECF8427E']"})",
      R"({"type":"indicator","id":"indicator--23","pattern":"[url:value = 'http://a.example/\\'q']"})",
      // A newer version with an invalid pattern keeps the older one but is the newest seen.
      R"({"type":"indicator","id":"indicator--24","modified":"2024-01-01T00:00:00Z","pattern":"[domain-name:value = 'first24.example']"})",
      R"({"type":"indicator","id":"indicator--24","modified":"2024-02-01T00:00:00Z","pattern":"[domain-name:value = "})",
      R"({"type":"indicator","id":"indicator--24","modified":"2024-01-15T00:00:00Z","pattern":"[domain-name:value = 'third24.example']"})",
  };
  std::string bundle = R"({"type":"bundle","id":"bundle--1","objects":[)";
  for (std::size_t i = 0; i < objects.size(); ++i) bundle += (i == 0 ? "" : ",\n") + objects[i];
  bundle += "]}";
  IndicatorFileOptions options;
  options.now_millis = 1'764'000'000'000;  // 2025-11-24
  MatcherBuilder loaded;
  ASSERT_TRUE(LoadIndicatorFile(Write(bundle), options, loaded).ok());
  MatcherBuilder full;
  for (const std::string& object : objects) {
    auto parsed = ParseJson(object, JsonLimits{std::size_t{4} << 20, 64});
    if (parsed.ok()) {
      full.AddStixObject(*parsed, options.now_millis);
    } else {
      full.Warn("", "skipped");
    }
  }
  // Which objects were skipped is the same; the messages differ (positions in the file).
  auto without_messages = [](std::string summary) {
    std::string out;
    std::size_t at = 0;
    while (at < summary.size()) {
      const std::size_t end = summary.find('\n', at);
      const std::string line = summary.substr(at, end - at);
      out += line.rfind("warning : ", 0) == 0 ? std::string("warning : skipped") : line;
      out += "\n";
      if (end == std::string::npos) break;
      at = end + 1;
    }
    return out;
  };
  const std::string expected = without_messages(BuilderSummary(full, SummaryOrder::kSorted));
  EXPECT_EQ(without_messages(BuilderSummary(loaded, SummaryOrder::kSorted)), expected);
  EXPECT_NE(expected.find("last.example <- indicator--2"), std::string::npos);
  EXPECT_NE(expected.find("xn--bcher-kva.example <- indicator--11"), std::string::npos);
  EXPECT_NE(expected.find("first24.example <- indicator--24"), std::string::npos);
  EXPECT_EQ(expected.find("third24.example"), std::string::npos);
}

}  // namespace
}  // namespace fincyber::detect
