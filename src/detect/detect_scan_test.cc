#include <gtest/gtest.h>
#include <stdlib.h>
#include <zlib.h>

#include <fstream>
#include <string>
#include <vector>

#include "detect/report.h"
#include "detect/scan.h"
#include "detect/test_match_sink.h"
#include "testing/scratch_dir.h"

namespace fincyber::detect {
namespace {

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MatcherBuilder builder;
    builder.AddPattern("indicator--00000000-0000-4000-8000-00000000000a",
                       "[domain-name:value = 'evil.example']");
    builder.AddPattern("ip", "[ipv4-addr:value = '192.0.2.0/24']");
    matcher_ = std::move(builder.Build()).value();
  }
  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string WriteGzip(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    gzFile file = gzopen(path.c_str(), "wb");
    gzwrite(file, content.data(), static_cast<unsigned>(content.size()));
    gzclose(file);
    return path;
  }
  ScanSummary Run(const std::vector<std::string>& inputs, ScanOptions options = {}) {
    sink_.all.clear();
    return Scan(*matcher_, inputs, options, sink_, clock_);
  }

  fincyber::testing::ScratchDir scratch_{"detect_scan_test"};
  const std::string dir_ = scratch_.path();
  std::unique_ptr<const Matcher> matcher_;
  CollectingSink sink_;
  FakeClock clock_{FromUnixMillis(1700000000000)};
};

TEST_F(ScanTest, TextLinesReportLineOffsetAndRecord) {
  const std::string path = Write("a.log", "nothing here\r\nGET http://www.evil.example/\nlast 192.0.2.7");
  const ScanSummary summary = Run({path});
  ASSERT_TRUE(summary.complete());
  EXPECT_EQ(summary.lines, 3u);
  EXPECT_EQ(summary.matches, 2u);
  ASSERT_EQ(sink_.all.size(), 2u);
  EXPECT_EQ(sink_.all[0].line, 2u);
  EXPECT_EQ(sink_.all[0].offset, 14u);
  EXPECT_EQ(sink_.all[0].record, "GET http://www.evil.example/");
  EXPECT_EQ(sink_.all[1].line, 3u);
  const std::string json = MatchToJsonLine("a.log", sink_.all[0]);
  EXPECT_NE(json.find("\"matched\":\"www.evil.example\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"offset\":25"), std::string::npos) << json;
  ASSERT_EQ(summary.sightings.size(), 2u);
  EXPECT_EQ(summary.sightings[0].first_millis, 1700000000000);  // no log time: when found
}

// A log in memory is scanned as a file holding it: the same lines, offsets, records and
// counts, a format detected from its first line, gzip recognised, a text longer than one
// read, a last line without its newline, CRLF and a line over max_line_bytes.
TEST_F(ScanTest, TextInMemoryScansAsTheSameFile) {
  std::string content = "start a.evil.example\n";
  for (int i = 0; i < 300000; ++i) {
    content += i % 1000 == 7 ? "to 192.0.2.9 and evil.example\r\n"
                             : "quiet line " + std::to_string(i) + "\n";
  }
  content += std::string(300, 'x') + " evil.example\nlast 192.0.2.1";
  ScanOptions options;
  options.max_line_bytes = 200;
  const ScanSummary from_file = Run({Write("same.log", content)}, options);
  const std::vector<Match> file_matches = std::move(sink_.all);
  sink_.all.clear();
  const ScanSummary from_text = ScanText(*matcher_, content, "sample", options, sink_, clock_);
  ASSERT_TRUE(from_text.complete());
  EXPECT_EQ(from_text.inputs[0].name, "sample");
  EXPECT_EQ(from_text.inputs[0].format, from_file.inputs[0].format);
  EXPECT_EQ(from_text.inputs[0].format, LogFormat::kText);
  EXPECT_GT(content.size(), std::size_t{5} << 20);  // more than one read
  EXPECT_EQ(from_text.matches, 1u + 2u * 300u + 1u);
  EXPECT_EQ(from_text.lines, from_file.lines);
  EXPECT_EQ(from_text.bytes, content.size());
  EXPECT_EQ(from_text.over_long_lines, 1u);
  EXPECT_EQ(from_text.matches, from_file.matches);
  ASSERT_EQ(sink_.all.size(), file_matches.size());
  for (std::size_t i = 0; i < file_matches.size(); ++i) {
    EXPECT_EQ(sink_.all[i].line, file_matches[i].line);
    EXPECT_EQ(sink_.all[i].offset, file_matches[i].offset);
    EXPECT_EQ(sink_.all[i].record, file_matches[i].record);
    EXPECT_EQ(sink_.all[i].hit.indicator, file_matches[i].hit.indicator);
  }

  sink_.all.clear();
  std::string text_log = "x evil.example\n";
  const ScanSummary plain = ScanText(*matcher_, text_log, "t", {}, sink_, clock_);
  EXPECT_EQ(plain.matches, 1u);
  std::ifstream gzip_file(WriteGzip("t.gz", text_log), std::ios::binary);
  const std::string gzip_bytes(std::istreambuf_iterator<char>(gzip_file), {});
  const ScanSummary gzip = ScanText(*matcher_, gzip_bytes, "t.gz", {}, sink_, clock_);
  EXPECT_TRUE(gzip.inputs[0].gzip);
  EXPECT_EQ(gzip.matches, 1u);
  const ScanSummary empty = ScanText(*matcher_, "", "empty", {}, sink_, clock_);
  EXPECT_TRUE(empty.complete());
  EXPECT_EQ(empty.lines, 0u);
}

TEST_F(ScanTest, GzipAndTruncatedGzip) {
  std::string content;
  for (int i = 0; i < 20000; ++i) content += "line " + std::to_string(i) + " evil.example\n";
  const std::string whole = WriteGzip("whole.gz", content);
  ScanSummary summary = Run({whole});
  EXPECT_TRUE(summary.complete());
  EXPECT_TRUE(summary.inputs[0].gzip);
  EXPECT_EQ(summary.matches, 20000u);

  std::string bytes;
  {
    std::ifstream in(whole, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string cut = Write("cut.gz", bytes.substr(0, bytes.size() / 2));
  summary = Run({cut, whole});
  EXPECT_FALSE(summary.complete());
  ASSERT_TRUE(summary.inputs[0].error.has_value());
  EXPECT_NE(summary.inputs[0].error->safe_message().find("truncated gzip"), std::string::npos);
  EXPECT_GT(summary.inputs[0].matches, 0u);  // what was read before the cut is kept
  EXPECT_LT(summary.inputs[0].matches, 20000u);
  EXPECT_FALSE(summary.inputs[1].error.has_value());

  const std::string corrupt = Write("corrupt.gz", bytes.substr(0, 20) + std::string(500, 'x'));
  summary = Run({corrupt});
  ASSERT_TRUE(summary.inputs[0].error.has_value());
  EXPECT_NE(summary.inputs[0].error->safe_message().find("gzip"), std::string::npos);
}

TEST_F(ScanTest, OverLongLinesAreSkippedAndCounted) {
  std::string content = "evil.example first\n";
  content += std::string(3 << 20, 'a') + " evil.example\n";  // 3 MiB, longer than the limit
  content += std::string(5000, 'b') + " evil.example\n";    // longer than the limit too
  content += "evil.example last";
  ScanOptions options;
  options.max_line_bytes = 4096;
  const ScanSummary summary = Run({Write("long.log", content)}, options);
  EXPECT_TRUE(summary.complete());
  EXPECT_EQ(summary.lines, 4u);
  EXPECT_EQ(summary.over_long_lines, 2u);
  ASSERT_EQ(sink_.all.size(), 2u);
  EXPECT_EQ(sink_.all[1].line, 4u);
}

// Quiet lines are counted many at once, in steps no longer than the line limit: the lines
// of a quiet stretch far longer than the limit, before, between and after matches, must
// all be counted, and each match must keep its line number.
TEST_F(ScanTest, LongQuietStretchesKeepLineNumbers) {
  std::string content;
  std::vector<std::uint64_t> expected_lines;
  std::uint64_t line = 0;
  for (int stretch = 0; stretch < 3; ++stretch) {
    for (int i = 0; i < 2000; ++i, ++line) content += "quiet line " + std::to_string(i) + "\n";
    content += "GET http://www.evil.example/ " + std::to_string(stretch) + "\n";
    expected_lines.push_back(++line);
  }
  for (int i = 0; i < 2000; ++i, ++line) content += "quiet tail\n";
  ScanOptions options;
  options.max_line_bytes = 256;  // each quiet stretch is about 30 KB
  const ScanSummary summary = Run({Write("quiet.log", content)}, options);
  EXPECT_TRUE(summary.complete());
  EXPECT_EQ(summary.lines, line);
  EXPECT_EQ(summary.over_long_lines, 0u);
  ASSERT_EQ(sink_.all.size(), expected_lines.size());
  for (std::size_t i = 0; i < expected_lines.size(); ++i) {
    EXPECT_EQ(sink_.all[i].line, expected_lines[i]) << i;
  }
}

// A line of 100 MiB is far longer than the read buffer (the limit plus 4 MiB), so it is
// thrown away over many reads: it must count as one line, and what follows must keep its
// line number and byte offset, here and in a gzip file.
TEST_F(ScanTest, HundredMebibyteLineIsSkippedAcrossManyReads) {
  const std::string head = "evil.example first\n";
  const std::string long_line = std::string(100 << 20, 'a') + " evil.example\n";
  const std::string tail = "x\nlast evil.example";
  const std::string content = head + long_line + tail;
  for (const bool compressed : {false, true}) {
    sink_.all.clear();
    const std::string path =
        compressed ? WriteGzip("huge.log.gz", content) : Write("huge.log", content);
    const ScanSummary summary = Run({path});
    EXPECT_TRUE(summary.complete()) << compressed;
    EXPECT_EQ(summary.lines, 4u) << compressed;
    EXPECT_EQ(summary.over_long_lines, 1u) << compressed;
    EXPECT_EQ(summary.bytes, content.size()) << compressed;
    ASSERT_EQ(sink_.all.size(), 2u) << compressed;
    EXPECT_EQ(sink_.all[0].line, 1u);
    EXPECT_EQ(sink_.all[1].line, 4u) << compressed;
    EXPECT_EQ(sink_.all[1].offset, head.size() + long_line.size() + 2) << compressed;
    EXPECT_EQ(sink_.all[1].record, "last evil.example") << compressed;
  }
}

TEST_F(ScanTest, BinaryGarbageAndInvalidUtf8) {
  std::string garbage;
  std::uint32_t state = 7;
  for (int i = 0; i < 1 << 20; ++i) {
    state = state * 1664525 + 1013904223;
    garbage.push_back(static_cast<char>(state >> 24));
  }
  garbage += "\n\xff\xfe evil.example \xc3\x28\n";
  const ScanSummary summary = Run({Write("garbage.bin", garbage)});
  EXPECT_TRUE(summary.complete());
  ASSERT_GE(sink_.all.size(), 1u);
  const std::string json = MatchToJsonLine("garbage.bin", sink_.all.back());
  EXPECT_NE(json.find("evil.example"), std::string::npos);
}

TEST_F(ScanTest, SplittingAFileAcrossThreadsKeepsLineNumbers) {
  std::string content;
  for (int i = 1; i <= 30000; ++i) {
    content += (i % 7 == 0 ? "hit evil.example " : "miss example.org ") + std::to_string(i) + "\n";
  }
  const std::string path = Write("big.log", content);
  ScanOptions options;
  options.threads = 3;
  options.chunk_bytes = 4096;  // many chunks, boundaries inside lines
  const ScanSummary summary = Run({path}, options);
  EXPECT_TRUE(summary.complete());
  EXPECT_EQ(summary.lines, 30000u);
  ASSERT_EQ(sink_.all.size(), 30000u / 7);
  for (std::size_t i = 0; i < sink_.all.size(); ++i) {
    const std::uint64_t line = 7 * (i + 1);
    ASSERT_EQ(sink_.all[i].line, line);
    ASSERT_EQ(sink_.all[i].record, "hit evil.example " + std::to_string(line));
  }
}

TEST_F(ScanTest, LogTimesByFormat) {
  setenv("TZ", "UTC", 1);
  tzset();
  const std::string squid = Write("squid.log",
      "1700000100.250    12 10.0.0.1 TCP_MISS/200 10 GET http://evil.example/ - DIRECT/1.2.3.4 -\n");
  const std::string clf = Write("clf.log",
      "10.0.0.1 - - [14/Nov/2023:22:15:00 +0900] \"GET http://evil.example/ HTTP/1.1\" 200 1\n");
  const std::string bind = Write("bind.log",
      "14-Nov-2023 22:15:00.500 client @0x1 10.0.0.1#5353 (evil.example): query: evil.example IN A +\n");
  const std::string zeek = Write("http.log",
      "#separator \\x09\n#fields\tts\tuid\thost\turi\n1700000200.5\tC1\twww.evil.example\t/x\n");
  ScanSummary summary = Run({squid, clf, bind, zeek});
  ASSERT_TRUE(summary.complete());
  EXPECT_EQ(summary.inputs[0].format, LogFormat::kSquid);
  EXPECT_EQ(summary.inputs[1].format, LogFormat::kClf);
  EXPECT_EQ(summary.inputs[2].format, LogFormat::kBind);
  EXPECT_EQ(summary.inputs[3].format, LogFormat::kZeek);
  ASSERT_EQ(sink_.all.size(), 4u);
  std::vector<std::int64_t> times;
  for (const Match& m : sink_.all) times.push_back(m.log_time_millis.value_or(-1));
  std::sort(times.begin(), times.end());
  // clf 22:15 +0900, squid, bind 22:15:00.500 (TZ=UTC), zeek
  EXPECT_EQ(times, (std::vector<std::int64_t>{1699967700000, 1700000100250, 1700000100500,
                                               1700000200500}));
  ASSERT_EQ(summary.sightings.size(), 1u);
  EXPECT_EQ(summary.sightings[0].count, 4u);
  EXPECT_EQ(summary.sightings[0].first_millis, 1699967700000);
  EXPECT_EQ(summary.sightings[0].last_millis, 1700000200500);
}

TEST_F(ScanTest, ZeekHttpLogUrlsAreMatchedAsUrls) {
  MatcherBuilder builder;
  builder.AddPattern("u", "[url:value = 'http://www.evil.example:8080/x?y=1']");
  auto matcher = std::move(builder.Build()).value();
  const std::string zeek = Write("http.log",
      "#separator \\x09\n#fields\tts\tid.resp_p\thost\turi\n1.0\t8080\tWWW.evil.example\t/x?y=1\n"
      "2.0\t80\twww.evil.example\t/x?y=1\n");
  sink_.all.clear();
  const ScanSummary summary = Scan(*matcher, {zeek}, {}, sink_, clock_);
  ASSERT_EQ(sink_.all.size(), 1u);
  EXPECT_EQ(sink_.all[0].line, 3u);
  EXPECT_EQ(summary.lines, 4u);
}

// A proxy's W3C extended log (Blue Coat ProxySG's default ELFF fields) splits each URL
// over scheme, host, port, path and query fields, with quoted values holding spaces
// before them; an IIS log writes its query without '?'.
TEST_F(ScanTest, W3cProxyLogUrlsAreMatchedAsUrls) {
  MatcherBuilder builder;
  builder.AddPattern("gate", "[url:value = 'http://www.evil.example/gate.php?id=7']");
  builder.AddPattern("tunnel", "[domain-name:value = 'secure.evil.example']");
  builder.AddPattern("shop", "[url:value = 'https://shop.example:8443/pay?a=1']");
  builder.AddPattern("iis", "[url:value = 'http://intranet.example/login.aspx?user=x']");
  auto matcher = std::move(builder.Build()).value();
  const std::string fields =
      "#Fields: date time time-taken c-ip cs-username cs-auth-group x-exception-id "
      "sc-filter-result cs-categories cs(Referer) sc-status s-action cs-method "
      "rs(Content-Type) cs-uri-scheme cs-host cs-uri-port cs-uri-path cs-uri-query "
      "cs-uri-extension cs(User-Agent) s-ip sc-bytes cs-bytes x-virus-id\n";
  const std::string proxysg =
      "#Software: SGOS 6.7.5.3\n#Version: 1.0\n#Date: 2024-01-12 10:00:00\n" + fields +
      "2024-01-12 10:00:01 15 10.1.2.3 - - - OBSERVED \"Technology/Internet\" - 200 "
      "TCP_NC_MISS GET text/html http WWW.evil.example 80 /gate.php ?id=7 php "
      "\"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\" 192.0.2.1 1234 321 -\n"
      "2024-01-12 10:00:02 15 10.1.2.3 - - - OBSERVED \"Technology/Internet\" - 200 "
      "TCP_NC_MISS GET text/html http www.evil.example 80 /gate.php ?id=8 php "
      "\"Mozilla/5.0 \"\"quoted\"\" (X11)\" 192.0.2.1 1234 321 -\n"
      "2024-01-12 10:00:03 15 10.1.2.3 - - - OBSERVED \"Technology/Internet\" - 200 "
      "TCP_TUNNELED CONNECT - tcp secure.evil.example 443 / - - \"Mozilla/5.0\" 192.0.2.1 1 1 -\n"
      "2024-01-12 10:00:04 15 10.1.2.3 - - - OBSERVED \"Shopping\" - 200 TCP_NC_MISS GET "
      "text/html https shop.example 8443 /pay ?a=1 - \"UA\" 192.0.2.1 1 1 -\n"
      "2024-01-12 10:00:05 15 10.1.2.3 - - - OBSERVED \"Shopping\" - 200 TCP_NC_MISS GET "
      "text/html https shop.example 443 /pay ?a=1 - \"UA\" 192.0.2.1 1 1 -\n";
  const std::string iis =
      "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n"
      "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
      "cs(User-Agent) cs-host sc-status\n"
      "2024-01-12 11:00:00 192.0.2.9 GET /login.aspx user=x 80 - 10.0.0.7 Mozilla/5.0 "
      "intranet.example 200\n"
      "2024-01-12 11:00:01 192.0.2.9 GET /login.aspx user=y 80 - 10.0.0.7 Mozilla/5.0 "
      "intranet.example 200\n";
  // Split files would lose their #Fields line: threads and small chunks must not matter.
  for (const int threads : {1, 3}) {
    ScanOptions options;
    options.threads = threads;
    options.chunk_bytes = 256;
    sink_.all.clear();
    const ScanSummary summary =
        Scan(*matcher, {Write("proxysg.log", proxysg), Write("u_ex240112.log", iis)}, options,
             sink_, clock_);
    ASSERT_TRUE(summary.complete());
    EXPECT_EQ(summary.inputs[0].format, LogFormat::kW3c);
    EXPECT_EQ(summary.inputs[1].format, LogFormat::kW3c);
    // In line order within an input; the inputs' turns depend on the threads.
    std::vector<std::pair<std::size_t, std::uint64_t>> found;  // input, line
    std::optional<std::int64_t> gate_time;
    for (const Match& m : sink_.all) {
      found.emplace_back(m.input, m.line);
      if (m.input == 0 && m.line == 5) gate_time = m.log_time_millis;
    }
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found,
              (std::vector<std::pair<std::size_t, std::uint64_t>>{{0, 5}, {0, 7}, {0, 8}, {1, 4}}))
        << "threads " << threads << ": the gate URL, the tunnel's host, the shop URL on its "
        << "port; not id=8, not the shop on 443, not user=y";
    EXPECT_EQ(gate_time, 1705053601000) << "2024-01-12T10:00:01Z";
  }
}

TEST_F(ScanTest, UnreadableInputsAreReportedAndTheRestScanned) {
  const std::string good = Write("good.log", "evil.example\n");
  const ScanSummary summary = Run({dir_ + "/missing.log", dir_, good});
  EXPECT_FALSE(summary.complete());
  ASSERT_TRUE(summary.inputs[0].error.has_value());
  EXPECT_EQ(summary.inputs[0].error->code(), ErrorCode::kNotFound);
  ASSERT_TRUE(summary.inputs[1].error.has_value());
  EXPECT_EQ(summary.matches, 1u);
}

TEST_F(ScanTest, SightingsBundle) {
  Run({Write("a.log", "1700000000.000 1 10.0.0.1 TCP_MISS/200 1 GET http://evil.example/ - - -\n"
                      "1700000060.000 1 10.0.0.1 TCP_MISS/200 1 GET http://evil.example/ - - 192.0.2.1 -\n")});
  int next = 0;
  SightingOptions options;
  options.identity = "identity--00000000-0000-4000-8000-0000000000aa";
  options.now_millis = 1700001000000;
  options.new_uuid = [&] { return "00000000-0000-4000-8000-00000000010" + std::to_string(next++); };
  const ScanSummary summary = Run({dir_ + "/a.log"});
  const SightingsResult result = SightingsBundle(summary.sightings, options);
  EXPECT_EQ(result.sightings, 1u);
  EXPECT_EQ(result.without_stix_id, 1u);  // "ip" is not a STIX id
  const Json& sighting = result.bundle["objects"][0];
  EXPECT_EQ(sighting["type"], "sighting");
  EXPECT_EQ(sighting["sighting_of_ref"], "indicator--00000000-0000-4000-8000-00000000000a");
  EXPECT_EQ(sighting["count"], 2);
  EXPECT_EQ(sighting["first_seen"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(sighting["last_seen"], "2023-11-14T22:14:20.000Z");
  EXPECT_EQ(sighting["where_sighted_refs"][0], options.identity);
  EXPECT_EQ(result.bundle["type"], "bundle");
}

}  // namespace
}  // namespace fincyber::detect
