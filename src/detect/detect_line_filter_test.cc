// RecordMatcher::FindCandidates and the scan that uses it: every line in which AddText
// finds something must hold a candidate, whatever the text (lines across the pieces the
// filter cuts, very long lines and tokens, binary bytes), and a scan of a free-text log
// must report exactly what matching it line by line reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "detect/matcher.h"
#include "detect/scan.h"
#include "detect/test_match_sink.h"
#include "testing/scratch_dir.h"

namespace fincyber::detect {
namespace {

// One indicator of every kind the free-text scan finds, including those found by other
// passes than the one over dots (colons, hex blocks, "://" before a dotless host).
const std::vector<std::pair<std::string, std::string>> kPatterns = {
    {"domain", "[domain-name:value = 'evil.example']"},
    {"single-label", "[domain-name:value = 'zzbad']"},
    {"url", "[url:value = 'http://bad.example/login.php?user=a b']"},
    {"dotless-url", "[url:value = 'http://intranet/admin']"},
    {"ipv4", "[ipv4-addr:value = '192.0.2.1']"},
    {"cidr", "[ipv4-addr:value = '198.51.100.0/24']"},
    {"ipv6", "[ipv6-addr:value = '2001:db8::1']"},
    {"email", "[email-addr:value = 'Boss@mail.example']"},
    {"md5", "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"},
    {"compound", "[url:value = 'http://c2.example/beacon' AND ipv4-addr:value = '192.0.2.99']"},
    {"international", "[domain-name:value = 'bücher.example']"},
};

// Pieces of log text: hits, near misses, separators and hostile bytes.
const std::vector<std::string> kFragments = {
    "evil.example",
    "a.b.EVIL.Example.",
    "notevil.example",
    "evil.examples",
    "zzbad",
    "zzbad.",
    "HTTP://BAD.EXAMPLE:80/login.php?user=a%20b",
    "http://intranet/admin",
    "http://intranet/other",
    "192.0.2.1",
    "192.0.2.10",
    "1192.0.2.1",
    "198.51.100.255",
    "198.51.101.1",
    "2001:db8::1",
    "2001:0DB8:0000:0000:0000:0000:0000:0001",
    "2001:db8::10",
    "[2001:db8:0:0::1]:443",
    "Boss@MAIL.example",
    "xBoss@mail.example",
    "D41D8CD98F00B204E9800998ECF8427E",
    "0d41d8cd98f00b204e9800998ecf8427e",
    "http://c2.example/beacon",
    "192.0.2.99",
    "www.xn--bcher-kva.example",
    "BÜCHER.EXAMPLE",
    "img.koniko.org",
    "10.238.80.43",
    "1732600000.006",
    "nanimita.woff2",
    " ",
    " ",
    " ",
    "\t",
    "\"",
    "/",
    ":",
    ".",
    "..",
    "-",
    "@",
    "=",
    "?",
    "\r",
    "\x80\xff",
    "\xc3\x28",
    std::string(1, '\0'),
};

class LineFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MatcherBuilder builder;
    for (const auto& [id, pattern] : kPatterns) builder.AddPattern(id, pattern);
    auto built = builder.Build();
    ASSERT_TRUE(built.ok()) << built.error().safe_message();
    matcher_ = std::move(built).value();
  }

  // The lines of `text` (each ended by '\n', the last one perhaps not) in which AddText finds
  // something, as [begin, end) offsets.
  std::vector<std::pair<std::size_t, std::size_t>> LinesWithFinds(std::string_view text) {
    RecordMatcher scanner(*matcher_);
    std::vector<std::pair<std::size_t, std::size_t>> lines;
    for (std::size_t begin = 0; begin < text.size();) {
      const std::size_t end = std::min(text.find('\n', begin), text.size());
      std::string_view line = text.substr(begin, end - begin);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      scanner.Reset();
      scanner.AddText(line);
      if (!scanner.empty()) lines.emplace_back(begin, end);
      begin = end + 1;
    }
    return lines;
  }

  // Checks that every line with a find holds a candidate; returns how many lines had one.
  std::size_t ExpectCandidatesCover(std::string_view text) {
    RecordMatcher scanner(*matcher_);
    std::vector<std::uint32_t> candidates;
    scanner.FindCandidates(text, &candidates);
    EXPECT_TRUE(std::is_sorted(candidates.begin(), candidates.end()));
    for (const std::uint32_t candidate : candidates) EXPECT_LT(candidate, text.size());
    const auto lines = LinesWithFinds(text);
    for (const auto& [begin, end] : lines) {
      const auto at = std::lower_bound(candidates.begin(), candidates.end(), begin);
      EXPECT_TRUE(at != candidates.end() && *at < end)
          << "no candidate in line at " << begin << ": "
          << text.substr(begin, std::min<std::size_t>(end - begin, 200));
    }
    return lines.size();
  }

  std::string RandomLines(std::mt19937& random, std::size_t bytes) {
    std::string text;
    while (text.size() < bytes) {
      const std::size_t fragments = random() % 200 == 0 ? 3000 : random() % 12;
      for (std::size_t f = 0; f < fragments; ++f) text += kFragments[random() % kFragments.size()];
      text += '\n';
    }
    return text;
  }

  std::unique_ptr<const Matcher> matcher_;
};

TEST_F(LineFilterTest, EveryLineWithAFindHoldsACandidate) {
  std::mt19937 random(4);
  std::size_t lines_with_finds = 0;
  for (int round = 0; round < 20; ++round) {
    lines_with_finds += ExpectCandidatesCover(RandomLines(random, 64 * 1024));
  }
  EXPECT_GT(lines_with_finds, 1000u);
}

TEST_F(LineFilterTest, LinesWithoutFindsGiveNoCandidates) {
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text +=
        "1732600000.006 106 10.238.80.43 TCP_MISS/200 GET http://img.koniko.org/a/nanimita.woff2"
        " - HIER_DIRECT/193.232.133.35 font/woff2\n";
  }
  RecordMatcher scanner(*matcher_);
  std::vector<std::uint32_t> candidates{7};
  scanner.FindCandidates(text, &candidates);
  EXPECT_TRUE(candidates.empty());
}

// The filter cuts its text into pieces of 8 KiB at line ends; indicators on either side of
// such a cut, and inside lines longer than a piece, are found.
TEST_F(LineFilterTest, IndicatorsAroundPieceEdgesAndInLongLines) {
  for (std::size_t filler = 8100; filler < 8300; filler += 7) {
    for (const std::string& hit :
         {std::string("evil.example"), std::string("192.0.2.1"), std::string("2001:db8::1"),
          std::string("d41d8cd98f00b204e9800998ecf8427e"), std::string("http://intranet/admin")}) {
      // A short line ending near the cut, then the hit at the start of the next line.
      const std::string before_cut = std::string(filler, 'x') + "\n" + hit + " tail\n";
      EXPECT_EQ(ExpectCandidatesCover(before_cut), 1u) << filler << " " << hit;
      // The hit straddling the piece size inside one long line.
      const std::string straddling = std::string(filler - hit.size() / 2, ' ') + hit + "\n";
      EXPECT_EQ(ExpectCandidatesCover(straddling), 1u) << filler << " " << hit;
    }
  }
  // A host name of 300 bytes ending in the indicator (longer than a 64-bit window), and a
  // line of 1 MiB of garbage around one hit.
  std::string long_host;
  while (long_host.size() < 300) long_host += "abcdefghij.";
  EXPECT_EQ(ExpectCandidatesCover(long_host + "evil.example\n"), 1u);
  std::mt19937 random(9);
  std::string garbage(1 << 20, '\0');
  for (char& c : garbage) c = static_cast<char>(random() % 256);
  std::replace(garbage.begin(), garbage.end(), '\n', ' ');
  garbage.replace(garbage.size() / 2, 14, " evil.example ");
  EXPECT_GE(ExpectCandidatesCover(garbage + "\n"), 1u);
}

TEST_F(LineFilterTest, TextWithoutAFinalNewlineAndEmptyText) {
  EXPECT_EQ(ExpectCandidatesCover("x\ny evil.example"), 1u);
  RecordMatcher scanner(*matcher_);
  std::vector<std::uint32_t> candidates{1, 2};
  scanner.FindCandidates("", &candidates);
  EXPECT_TRUE(candidates.empty());
}

// A scan of a free-text log reports what matching each line alone reports: the same
// lines, offsets and indicators, the same line and byte counts, with long lines skipped.
TEST_F(LineFilterTest, ScanMatchesLineByLine) {
  std::mt19937 random(11);
  std::string log = RandomLines(random, 5 << 20);  // more than one read of 4 MiB
  log += "last line without a newline evil.example";
  fincyber::testing::ScratchDir scratch("detect_line_filter_test");
  const std::string path = scratch.WriteFile(log);
  for (const std::size_t max_line : {std::size_t{1} << 20, std::size_t{200}}) {
    for (const int threads : {1, 2}) {
      ScanOptions options;
      options.format = LogFormat::kText;
      options.max_line_bytes = max_line;
      options.threads = threads;
      options.chunk_bytes = 256 * 1024;  // a split file: ranges end inside the buffer read
      CollectingSink sink;
      const FakeClock clock{FromUnixMillis(1700000000000)};
      const ScanSummary summary = Scan(*matcher_, {path}, options, sink, clock);
      ASSERT_TRUE(summary.complete());

      RecordMatcher scanner(*matcher_);
      std::vector<std::tuple<std::uint64_t, std::uint64_t, std::string>> expected;
      std::uint64_t line_number = 0;
      std::uint64_t over_long = 0;
      for (std::size_t begin = 0; begin < log.size();) {
        std::size_t end = log.find('\n', begin);
        if (end == std::string::npos) end = log.size();
        ++line_number;
        std::string_view line(log.data() + begin, end - begin);
        if (line.size() > max_line) {
          ++over_long;
        } else {
          if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
          scanner.Reset();
          scanner.AddText(line);
          if (!scanner.empty()) {
            for (const IndicatorHit& hit : scanner.Resolve()) {
              expected.emplace_back(line_number, begin,
                                    std::string(matcher_->IndicatorId(hit.indicator)));
            }
          }
        }
        begin = end + 1;
      }
      std::vector<std::tuple<std::uint64_t, std::uint64_t, std::string>> got;
      for (const Match& match : sink.all) {
        got.emplace_back(match.line, match.offset,
                         std::string(matcher_->IndicatorId(match.hit.indicator)));
      }
      EXPECT_GT(expected.size(), 100u);
      EXPECT_EQ(got, expected) << "max_line " << max_line << ", threads " << threads;
      EXPECT_EQ(summary.lines, line_number);
      EXPECT_EQ(summary.bytes, log.size());  // the last line has no newline
      EXPECT_EQ(summary.over_long_lines, over_long);
    }
  }
}

}  // namespace
}  // namespace fincyber::detect
