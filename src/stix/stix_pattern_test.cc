#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "stix/pattern.h"

namespace fincyber::stix {
namespace {

std::vector<std::string> ReadLines(const std::string& name) {
  std::ifstream file(std::string(STIX_PATTERN_TESTDATA) + "/" + name);
  EXPECT_TRUE(file.good()) << "cannot read " << name;
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    lines.push_back(line);
  }
  return lines;
}

struct ValidCase {
  std::string pattern;
  std::string canonical;
};

// valid.txt: a pattern a line, optionally followed by "-> canonical form".
std::vector<ValidCase> ValidCases() {
  std::vector<ValidCase> cases;
  for (const std::string& line : ReadLines("valid.txt")) {
    if (line.rfind("-> ", 0) == 0) {
      if (!cases.empty()) cases.back().canonical = line.substr(3);
    } else {
      cases.push_back({line, line});
    }
  }
  return cases;
}

struct InvalidCase {
  std::string error;
  std::string pattern;
};

// invalid.txt: "! error" then the pattern.
std::vector<InvalidCase> InvalidCases() {
  std::vector<InvalidCase> cases;
  const std::vector<std::string> lines = ReadLines("invalid.txt");
  for (std::size_t i = 0; i + 1 < lines.size(); i += 2) {
    EXPECT_EQ(lines[i].rfind("! ", 0), 0u) << "expected an error line: " << lines[i];
    cases.push_back({lines[i].substr(2), lines[i + 1]});
  }
  EXPECT_EQ(lines.size() % 2, 0u) << "invalid.txt: a case without its pattern";
  return cases;
}

Pattern MustParse(std::string_view text) {
  auto pattern = ParsePattern(text);
  EXPECT_TRUE(pattern.ok()) << text << ": " << pattern.error().safe_message();
  return pattern.ok() ? std::move(pattern).value() : Pattern{};
}

std::string ErrorOf(std::string_view text) {
  auto pattern = ParsePattern(text);
  if (pattern.ok()) return "parsed: " + ToString(*pattern);
  EXPECT_EQ(pattern.error().code(), ErrorCode::kInvalidArgument);
  return pattern.error().safe_message();
}

TEST(StixPatternTest, ValidPatternsParseAndPrintCanonically) {
  const std::vector<ValidCase> cases = ValidCases();
  EXPECT_GE(cases.size(), 80u);
  for (const ValidCase& c : cases) {
    auto pattern = ParsePattern(c.pattern);
    ASSERT_TRUE(pattern.ok()) << c.pattern << "\n" << pattern.error().safe_message();
    EXPECT_EQ(ToString(*pattern), c.canonical) << c.pattern;
  }
}

TEST(StixPatternTest, CanonicalFormParsesBackToTheSameTree) {
  for (const ValidCase& c : ValidCases()) {
    const Pattern pattern = MustParse(c.pattern);
    const std::string canonical = ToString(pattern);
    auto again = ParsePattern(canonical);
    ASSERT_TRUE(again.ok()) << canonical << "\n" << again.error().safe_message();
    EXPECT_EQ(*again, pattern) << c.pattern << "\n" << canonical;
    EXPECT_EQ(ToString(*again), canonical);
  }
}

TEST(StixPatternTest, InvalidPatternsFailAtTheStatedPosition) {
  const std::vector<InvalidCase> cases = InvalidCases();
  EXPECT_GE(cases.size(), 60u);
  for (const InvalidCase& c : cases) {
    const std::string error = ErrorOf(c.pattern);
    EXPECT_EQ(error.rfind(c.error, 0), 0u)
        << c.pattern << "\n  expected: " << c.error << "\n  actual:   " << error;
  }
}

TEST(StixPatternTest, ComparisonTree) {
  const Pattern pattern = MustParse(
      "[file:hashes.'SHA-256' = 'ab' OR file:name NOT IN ('a', 'b') AND EXISTS file:size]");
  ASSERT_EQ(pattern.root.kind, ObservationExpr::Kind::kObservation);
  const ComparisonExpr& root = pattern.root.comparison;
  ASSERT_EQ(root.kind, ComparisonExpr::Kind::kOr);
  ASSERT_EQ(root.operands.size(), 2u);

  const Comparison& hash = root.operands[0].comparison;
  EXPECT_EQ(hash.path.object_type, "file");
  ASSERT_EQ(hash.path.steps.size(), 2u);
  EXPECT_EQ(hash.path.steps[0].key, "hashes");
  EXPECT_EQ(hash.path.steps[1].key, "SHA-256");
  EXPECT_EQ(hash.op, ComparisonOp::kEqual);
  EXPECT_FALSE(hash.negated);
  ASSERT_EQ(hash.values.size(), 1u);
  EXPECT_EQ(hash.values[0].kind, ConstantKind::kString);
  EXPECT_EQ(hash.values[0].text, "ab");

  const ComparisonExpr& conjunction = root.operands[1];
  ASSERT_EQ(conjunction.kind, ComparisonExpr::Kind::kAnd);
  ASSERT_EQ(conjunction.operands.size(), 2u);
  const Comparison& in = conjunction.operands[0].comparison;
  EXPECT_EQ(in.op, ComparisonOp::kIn);
  EXPECT_TRUE(in.negated);
  ASSERT_EQ(in.values.size(), 2u);
  EXPECT_EQ(in.values[1].text, "b");
  const Comparison& exists = conjunction.operands[1].comparison;
  EXPECT_EQ(exists.op, ComparisonOp::kExists);
  EXPECT_TRUE(exists.values.empty());
  EXPECT_EQ(ToString(exists.path), "file:size");
}

TEST(StixPatternTest, ObservationPrecedence) {
  // FOLLOWEDBY binds loosest, then OR, then AND.
  const Pattern pattern =
      MustParse("[a-a:x = 1] OR [b-b:x = 1] FOLLOWEDBY [c-c:x = 1] AND [d-d:x = 1] OR [e-e:x = 1]");
  const ObservationExpr& root = pattern.root;
  ASSERT_EQ(root.kind, ObservationExpr::Kind::kFollowedBy);
  ASSERT_EQ(root.operands.size(), 2u);
  EXPECT_EQ(root.operands[0].kind, ObservationExpr::Kind::kOr);
  const ObservationExpr& right = root.operands[1];
  ASSERT_EQ(right.kind, ObservationExpr::Kind::kOr);
  ASSERT_EQ(right.operands.size(), 2u);
  EXPECT_EQ(right.operands[0].kind, ObservationExpr::Kind::kAnd);
  EXPECT_EQ(right.operands[1].comparison.comparison.path.object_type, "e-e");
}

TEST(StixPatternTest, QualifiersWrapTheExpressionBeforeThem) {
  const Pattern pattern = MustParse(
      "[a-a:x = 1] AND [b-b:x = 1] REPEATS 2 TIMES WITHIN 1.5 SECONDS START "
      "t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:00:01.5Z'");
  ASSERT_EQ(pattern.root.kind, ObservationExpr::Kind::kAnd);
  const ObservationExpr& start_stop = pattern.root.operands[1];
  ASSERT_EQ(start_stop.kind, ObservationExpr::Kind::kQualified);
  EXPECT_EQ(start_stop.qualifier.kind, Qualifier::Kind::kStartStop);
  EXPECT_EQ(start_stop.qualifier.start.integer, 1577836800000000);
  EXPECT_EQ(start_stop.qualifier.stop.integer, 1577836801500000);
  EXPECT_EQ(start_stop.qualifier.stop.text, "2020-01-01T00:00:01.5Z");
  const ObservationExpr& within = start_stop.operands.at(0);
  ASSERT_EQ(within.kind, ObservationExpr::Kind::kQualified);
  EXPECT_EQ(within.qualifier.kind, Qualifier::Kind::kWithin);
  EXPECT_EQ(within.qualifier.within_seconds, 1.5);
  const ObservationExpr& repeats = within.operands.at(0);
  ASSERT_EQ(repeats.kind, ObservationExpr::Kind::kQualified);
  EXPECT_EQ(repeats.qualifier.repeats, 2);
  EXPECT_EQ(repeats.operands.at(0).kind, ObservationExpr::Kind::kObservation);
}

TEST(StixPatternTest, Constants) {
  const Pattern pattern = MustParse(
      "[x-x:a IN ('it\\'s \\\\', -42, 2.5, true, false, t'1969-12-31T23:59:59.999999Z', "
      "b'AAE=', h'00FF')]");
  const std::vector<Constant>& values = pattern.root.comparison.comparison.values;
  ASSERT_EQ(values.size(), 8u);
  EXPECT_EQ(values[0].kind, ConstantKind::kString);
  EXPECT_EQ(values[0].text, "it's \\");
  EXPECT_EQ(values[1].kind, ConstantKind::kInteger);
  EXPECT_EQ(values[1].integer, -42);
  EXPECT_EQ(values[2].kind, ConstantKind::kFloat);
  EXPECT_EQ(values[2].real, 2.5);
  EXPECT_EQ(values[3].kind, ConstantKind::kBoolean);
  EXPECT_TRUE(values[3].boolean);
  EXPECT_FALSE(values[4].boolean);
  EXPECT_EQ(values[5].kind, ConstantKind::kTimestamp);
  EXPECT_EQ(values[5].integer, -1);
  EXPECT_EQ(values[6].kind, ConstantKind::kBinary);
  EXPECT_EQ(values[6].text, std::string("\x00\x01", 2));
  EXPECT_EQ(values[7].kind, ConstantKind::kHex);
  EXPECT_EQ(values[7].text, std::string("\x00\xFF", 2));
  EXPECT_EQ(ToString(values[0]), "'it\\'s \\\\'");
  EXPECT_EQ(ToString(values[7]), "h'00ff'");
}

TEST(StixPatternTest, ObjectPaths) {
  auto path = ParseObjectPath("file:extensions.'windows-pebinary-ext'.sections[*].entropy");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->object_type, "file");
  ASSERT_EQ(path->steps.size(), 5u);
  EXPECT_EQ(path->steps[1].key, "windows-pebinary-ext");
  EXPECT_EQ(path->steps[3].kind, PathStep::Kind::kAnyIndex);
  EXPECT_EQ(PropertyPathToString(*path), "extensions.'windows-pebinary-ext'.sections[*].entropy");
  auto indexed = ParseObjectPath("network-traffic:protocols[-1]");
  ASSERT_TRUE(indexed.ok());
  EXPECT_EQ(indexed->steps[1].kind, PathStep::Kind::kIndex);
  EXPECT_EQ(indexed->steps[1].index, -1);
  EXPECT_FALSE(ParseObjectPath("file:name = 'x'").ok());
  EXPECT_FALSE(ParseObjectPath("file").ok());
  EXPECT_FALSE(ParseObjectPath("").ok());
}

TEST(StixPatternTest, WhatAMatcherNeeds) {
  EXPECT_TRUE(NeedsOf(MustParse("[a-a:x = 1 AND b-b:y = 2]")).SingleRecord());
  EXPECT_TRUE(NeedsOf(MustParse("[a-a:x = 1] OR ([b-b:y = 2] OR [c-c:z = 3])")).SingleRecord());
  const PatternNeeds and_needs = NeedsOf(MustParse("[a-a:x = 1] OR [a-a:x = 2] AND [b-b:y = 2]"));
  EXPECT_TRUE(and_needs.observation_and);
  EXPECT_FALSE(and_needs.SingleRecord());
  EXPECT_TRUE(NeedsOf(MustParse("[a-a:x = 1] FOLLOWEDBY [b-b:y = 2]")).followed_by);
  EXPECT_TRUE(NeedsOf(MustParse("[a-a:x = 1] OR [b-b:y = 2] WITHIN 5 SECONDS")).within);
  EXPECT_TRUE(NeedsOf(MustParse("[a-a:x = 1] REPEATS 5 TIMES")).repeats);
  const PatternNeeds start_stop =
      NeedsOf(MustParse("[a-a:x = 1] START t'2020-01-01T00:00:00Z' STOP t'2020-01-02T00:00:00Z'"));
  EXPECT_TRUE(start_stop.start_stop);
  EXPECT_FALSE(start_stop.within || start_stop.repeats || start_stop.followed_by);
}

TEST(StixPatternTest, PositionsCountCharactersNotBytes) {
  // 'é' and '日' are two and three bytes; the position is the character index.
  EXPECT_EQ(ErrorOf("[x-x:a = 'é日'"), "position 13: expected ']'");
}

TEST(StixPatternTest, HostileInput) {
  EXPECT_EQ(ErrorOf(""), "position 0: expected '[' or '('");
  EXPECT_EQ(ErrorOf("   "), "position 3: expected '[' or '('");
  EXPECT_EQ(ErrorOf(std::string("[x-x:a = 'a\0b']", 15)), "position 11: NUL character");
  EXPECT_EQ(ErrorOf("[x-x:a = 'a\xFF']"), "position 11: invalid UTF-8");
  EXPECT_EQ(ErrorOf("[x-x:a = '\xC0\xAF']"), "position 10: invalid UTF-8");      // overlong
  EXPECT_EQ(ErrorOf("[x-x:a = '\xED\xA0\x80']"), "position 10: invalid UTF-8");  // surrogate
  EXPECT_EQ(ErrorOf("[x-x:a = 'abc\xE6\x97']"), "position 13: invalid UTF-8");   // truncated

  // Deep nesting is refused before the stack is at risk.
  EXPECT_EQ(ErrorOf(std::string(100000, '(')).rfind("pattern is 100000 bytes", 0), 0u);
  EXPECT_EQ(ErrorOf(std::string(60000, '(')),
            "position 64: brackets and parentheses nested deeper than 64 levels");
  EXPECT_EQ(ErrorOf(std::string(60000, '[')), "position 1: expected an object path");
  EXPECT_EQ(ErrorOf("[" + std::string(60000, '(')),
            "position 64: brackets and parentheses nested deeper than 64 levels");
  const std::string inner = "[x-x:a = 1]";
  EXPECT_TRUE(ParsePattern(std::string(63, '(') + inner + std::string(63, ')')).ok());
  EXPECT_FALSE(ParsePattern(std::string(64, '(') + inner + std::string(64, ')')).ok());
  EXPECT_TRUE(
      ParsePattern("[" + std::string(63, '(') + "x-x:a = 1" + std::string(63, ')') + "]").ok());

  // Long flat chains are fine up to the size limit, and parsed without recursion.
  std::string chain = inner;
  while (chain.size() + 20 < kMaxPatternBytes) chain += " OR " + inner;
  auto parsed = ParsePattern(chain);
  ASSERT_TRUE(parsed.ok()) << parsed.error().safe_message();
  EXPECT_GT(parsed->root.operands.size(), 4000u);
  const std::string too_long = chain + std::string(kMaxPatternBytes, ' ');
  EXPECT_EQ(ErrorOf(too_long).rfind("pattern is ", 0), 0u);
  EXPECT_TRUE(ParsePattern(inner + std::string(kMaxPatternBytes - inner.size(), ' ')).ok());

  // Strings and literals that never end.
  EXPECT_EQ(ErrorOf("[x-x:a = '" + std::string(50000, 'a')), "position 9: unterminated string");
  EXPECT_EQ(ErrorOf("[x-x:a = b'" + std::string(50000, 'A')), "position 9: unterminated literal");
  EXPECT_EQ(ErrorOf("[x-x:a = " + std::string(50000, '9') + "]"),
            "position 9: integer out of the 64-bit range");
  EXPECT_EQ(ErrorOf("[x-x:a = 0." + std::string(50000, '1') + "]").rfind("parsed: ", 0), 0u);
  EXPECT_EQ(ErrorOf("[x-x:a = " + std::string(400, '9') + ".5]"), "position 9: float out of range");
}

TEST(StixPatternTest, PrintsTreesBuiltByHand) {
  // A matcher or a UI may build trees; the printer keeps their structure.
  Comparison comparison;
  comparison.path.object_type = "x-x";
  comparison.path.steps = {PathStep{PathStep::Kind::kKey, "a b", 0},
                           PathStep{PathStep::Kind::kIndex, "", 3}};
  comparison.op = ComparisonOp::kEqual;
  Constant value;
  value.kind = ConstantKind::kFloat;
  value.real = 1e21;
  comparison.values.push_back(value);
  ObservationExpr leaf;
  leaf.comparison.comparison = comparison;
  ObservationExpr inner_or;
  inner_or.kind = ObservationExpr::Kind::kOr;
  inner_or.operands = {leaf, leaf};
  ObservationExpr root;
  root.kind = ObservationExpr::Kind::kAnd;
  root.operands = {inner_or, leaf};
  Pattern pattern{root};
  const std::string text = ToString(pattern);
  EXPECT_EQ(text,
            "([x-x:'a b'[3] = 1000000000000000000000.0] OR [x-x:'a b'[3] = "
            "1000000000000000000000.0]) AND [x-x:'a b'[3] = 1000000000000000000000.0]");
  auto again = ParsePattern(text);
  ASSERT_TRUE(again.ok()) << again.error().safe_message();
  EXPECT_EQ(*again, pattern);
}

}  // namespace
}  // namespace fincyber::stix
