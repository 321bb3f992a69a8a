// The shortcuts bulk loaders take (MatchSimpleEquality, ObservablePath) against the full
// parser and NormaliseObservable, over the pattern lists, generated patterns and
// mutations of them.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "stix/observable.h"
#include "stix/pattern.h"

namespace fincyber::stix {
namespace {

std::vector<std::string> PatternLines(const std::string& name) {
  std::ifstream file(std::string(STIX_PATTERN_TESTDATA) + "/" + name);
  EXPECT_TRUE(file.good()) << "cannot read " << name;
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("-> ", 0) == 0) continue;
    lines.push_back(line);
  }
  return lines;
}

// True when the shortcut took `text`; fails the test when it took it and the full parser
// disagrees.
bool ShortcutAgrees(const std::string& text) {
  SimpleEquality simple;
  if (!MatchSimpleEquality(text, &simple)) return false;
  const auto path = ParseObjectPath(simple.path);
  if (!path.ok()) return false;
  const auto full = ParsePattern(text);
  EXPECT_TRUE(full.ok()) << "shortcut took a pattern the parser refuses: " << text;
  if (!full.ok()) return false;
  Pattern expected;
  expected.root.kind = ObservationExpr::Kind::kObservation;
  expected.root.comparison.kind = ComparisonExpr::Kind::kComparison;
  expected.root.comparison.comparison.path = *path;
  expected.root.comparison.comparison.op = ComparisonOp::kEqual;
  Constant value;
  value.kind = ConstantKind::kString;
  value.text = simple.value;
  expected.root.comparison.comparison.values.push_back(value);
  EXPECT_EQ(*full, expected) << text;
  return true;
}

std::vector<std::string> SimplePatterns() {
  return {
      "[domain-name:value = 'evil.example']",
      "[url:value = 'http://bad.example/login.php?user=a b']",
      "[ipv4-addr:value = '198.51.100.0/24']",
      "[ipv6-addr:value = '2001:db8::1']",
      "[email-addr:value = 'Boss@mail.example']",
      "[file:hashes.'SHA-256' = '" + std::string(64, 'a') + "']",
      "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
      "[file:hashes.SHA-1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
      "[domain-name:value = 'bücher.example']",
      "[url:value = 'http://x.example/it\\'s\\\\here']",
      "  [ domain-name:value='a.example' ]  ",
      "[domain-name:value\t=\n'a.example']",
      "[x-custom-type:x_field = '']",
  };
}

TEST(StixFastPathTest, SimplePatternsTakeTheShortcutAndAgree) {
  for (const std::string& text : SimplePatterns()) {
    EXPECT_TRUE(ShortcutAgrees(text)) << "not taken: " << text;
  }
  SimpleEquality escaped;
  escaped.value = "left from an earlier pattern";
  ASSERT_TRUE(MatchSimpleEquality("[url:value = 'http://x.example/it\\'s\\\\here']", &escaped));
  EXPECT_EQ(escaped.value, "http://x.example/it's\\here");
  EXPECT_EQ(escaped.path, "url:value");
}

TEST(StixFastPathTest, OtherFormsAreLeftToTheParser) {
  const std::vector<std::string> others = {
      "[domain-name:value = 'a.example'] OR [domain-name:value = 'b.example']",
      "[domain-name:value = 'a.example' OR domain-name:value = 'b.example']",
      "[domain-name:value == 'a.example']",
      "[domain-name:value != 'a.example']",
      "[domain-name:value NOT = 'a.example']",
      "[domain-name:value = 'a.example'] WITHIN 5 SECONDS",
      "[domain-name:value /* c */ = 'a.example']",
      "[domain-name:value = 'a.example'",
      "[domain-name:value = 'a.example]",
      "[domain-name:value = 'a\\nb']",
      "[network-traffic:dst_ref.value = '198.51.100.1']x",
      "[file:hashes.'SHA 256' = 'ab']",
      "[email-message:to_refs[*].value = 'a@b.example']",
      "[domain-name:value IN ('a.example')]",
      "[domain-name:value = t'2024-01-01T00:00:00Z']",
      "[domain-name:value = 12]",
      "[domain-name:value = 'a\xC3']",
      std::string("[domain-name:value = 'a\0b']", 28),
      "[domain-name:value\xC2\xA0= 'a.example']",
      "[domain-name:value = '" + std::string(kMaxPatternBytes, 'a') + "']",
      "",
      "[]",
  };
  for (const std::string& text : others) {
    SimpleEquality simple;
    EXPECT_FALSE(MatchSimpleEquality(text, &simple)) << text;
  }
}

TEST(StixFastPathTest, PatternListsAgree) {
  int taken = 0;
  for (const char* name : {"valid.txt", "invalid.txt"}) {
    for (const std::string& text : PatternLines(name)) taken += ShortcutAgrees(text) ? 1 : 0;
  }
  EXPECT_GT(taken, 0);
}

// Random edits of simple patterns with the characters that matter to the grammar: every
// text the shortcut takes must parse to the same tree.
TEST(StixFastPathTest, MutatedPatternsAgree) {
  const std::string alphabet = std::string("[]():=!'\\ \t\n/*.-_aAZ09,") + '\0' + "\xC3\xA9\xFF";
  std::mt19937 random(20261127);
  int taken = 0;
  for (int round = 0; round < 20000; ++round) {
    const auto base = SimplePatterns();
    std::string text = base[random() % base.size()];
    const int edits = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = random() % (text.size() + 1);
      const char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        case 1:
          if (at < text.size()) text.erase(at, 1);
          break;
        default:
          if (at < text.size()) text[at] = c;
          break;
      }
    }
    taken += ShortcutAgrees(text) ? 1 : 0;
  }
  EXPECT_GT(taken, 1000);  // the edits that keep the form are checked too
}

TEST(StixFastPathTest, ObservablePathNormalisesAsNormaliseObservable) {
  struct Case {
    std::string type, path, value;
  };
  const std::vector<Case> cases = {
      {"domain-name", "value", "A.Evil.Example."},
      {"domain-name", "value", "BÜCHER.example"},
      {"domain-name", "value", "-bad.example"},
      {"url", "value", "HTTP://Bad.Example:80/a%7eb?q=%41"},
      {"url", "value", "no scheme"},
      {"ipv4-addr", "value", "198.51.100.7/24"},
      {"ipv4-addr", "value", "010.0.0.1"},
      {"ipv6-addr", "value", "2001:0DB8::0001"},
      {"email-addr", "value", "Boss@MAIL.example"},
      {"file", "hashes.'SHA-256'", std::string(64, 'A')},
      {"file", "hashes.sha256", std::string(64, 'b')},
      {"file", "hashes.MD5", "xyz"},
      {"file", "name", "a.exe"},
      {"network-traffic", "dst_ref.value", "198.51.100.1"},
      {"network-traffic", "dst_ref.value", "evil.example"},
      {"email-message", "to_refs[*].value", "a@b.example"},
      {"mac-addr", "value", "AA-BB-CC-DD-EE-FF"},
  };
  Observable reused;
  for (const Case& c : cases) {
    const auto parsed = ParseObjectPath(c.type + ":" + c.path);
    ASSERT_TRUE(parsed.ok()) << c.type << ":" << c.path;
    const ObservablePath path(*parsed);
    const auto fast = path.Normalise(c.value);
    const auto full = NormaliseObservable(c.type, c.path, c.value);
    // One Observable reused across the cases: nothing of an earlier value may remain.
    const Status into = path.NormaliseInto(c.value, &reused);
    ASSERT_EQ(fast.ok(), full.ok()) << c.value;
    ASSERT_EQ(into.ok(), full.ok()) << c.value;
    if (!full.ok()) {
      EXPECT_EQ(fast.error().safe_message(), full.error().safe_message());
      EXPECT_EQ(into.error().safe_message(), full.error().safe_message());
      continue;
    }
    EXPECT_EQ(reused.kind, full->kind) << c.value;
    EXPECT_EQ(reused.type, full->type) << c.value;
    EXPECT_EQ(reused.path, full->path) << c.value;
    EXPECT_EQ(reused.value, full->value) << c.value;
    EXPECT_EQ(reused.range_first, full->range_first) << c.value;
    EXPECT_EQ(reused.range_last, full->range_last) << c.value;
    EXPECT_EQ(fast->kind, full->kind) << c.value;
    EXPECT_EQ(fast->type, full->type) << c.value;
    EXPECT_EQ(fast->path, full->path) << c.value;
    EXPECT_EQ(fast->value, full->value) << c.value;
    EXPECT_EQ(fast->range_first, full->range_first) << c.value;
    EXPECT_EQ(fast->range_last, full->range_last) << c.value;
  }
}

// The domain-name rules of observable.h for ASCII names without A-labels, written out
// plainly, against random names: the one-pass lowering must accept exactly these.
std::optional<std::string> PlainDomainByTheRules(std::string name) {
  if (!name.empty() && name.back() == '.') name.pop_back();
  for (char& c : name) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (name.empty() || name.size() > 253) return std::nullopt;
  std::vector<std::string> labels(1);
  for (const char c : name) {
    if (c == '.') {
      labels.emplace_back();
    } else {
      labels.back().push_back(c);
    }
  }
  for (const std::string& label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return std::nullopt;
    }
    for (const char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return std::nullopt;
      }
    }
  }
  if (labels.back().find_first_not_of("0123456789") == std::string::npos) return std::nullopt;
  return name;
}

TEST(StixFastPathTest, AsciiDomainNamesFollowTheRules) {
  const std::string alphabet = "abcXYZ019-_..";
  std::mt19937 random(11);
  int valid = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string name;
    const std::size_t length = random() % 3 == 0 ? random() % 300 : random() % 24;
    for (std::size_t i = 0; i < length; ++i) name.push_back(alphabet[random() % alphabet.size()]);
    if (random() % 50 == 0 && name.size() > 4) name.replace(0, 4, "xN--");
    std::string lowered = name;
    for (char& c : lowered) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lowered.rfind("xn--", 0) == 0 || lowered.find(".xn--") != std::string::npos) continue;
    const auto expected = PlainDomainByTheRules(name);
    const auto got = NormaliseObservable("domain-name", "value", name);
    ASSERT_EQ(got.ok(), expected.has_value()) << "'" << name << "'";
    if (expected) {
      EXPECT_EQ(got->value, *expected);
      ++valid;
    }
  }
  EXPECT_GT(valid, 1000);
}

}  // namespace
}  // namespace fincyber::stix
