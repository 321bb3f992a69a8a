#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sstream>

#include "sharing/convert_csv.h"
#include "sharing/test_generated_stream.h"
#include "stix/tlp.h"

namespace fincyber::sharing {
namespace {

constexpr stix::Timestamp kNow = 1767225600000000;  // 2026-01-01T00:00:00Z

struct Imported {
  std::vector<Json> indicators;
  std::vector<std::string> errors;  // CsvRowError::ToString()
  Result<CsvImportSummary> summary = CsvImportSummary{};
};

CsvImportOptions Options() {
  CsvImportOptions options;
  options.now = kNow;
  int counter = 0;
  options.new_id = [counter](std::string_view type) mutable {
    return fmt::format("{}--00000000-0000-4000-8000-{:012}", type, ++counter);
  };
  return options;
}

Imported Import(std::istream& in, const CsvImportOptions& options = Options()) {
  Imported out;
  out.summary = ImportIndicatorCsv(
      in, options,
      [&](Json indicator) {
        out.indicators.push_back(std::move(indicator));
        return OkStatus();
      },
      [&](const CsvRowError& error) { out.errors.push_back(error.ToString()); });
  return out;
}

Imported Import(const std::string& text, const CsvImportOptions& options = Options()) {
  std::istringstream in(text);
  return Import(in, options);
}

TEST(ConvertCsvTest, EveryTypeBecomesAnIndicatorWithANormalisedPattern) {
  const Imported out = Import(
      "type,value\n"
      "domain,Evil.Example.\n"
      "url,HTTP://Evil.Example:80/a b\n"
      "ipv4,198.51.100.7\n"
      "ipv6,2001:DB8::0:1\n"
      "cidr,198.51.100.9/24\n"
      "cidr,2001:db8::/32\n"
      "email,Alice@Evil.Example\n"
      "md5,D41D8CD98F00B204E9800998ECF8427E\n"
      "sha1,da39a3ee5e6b4b0d3255bfef95601890afd80709\n"
      "sha256,e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "sha512,"
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877"
      "eec2f63b931bd47417a81a538327af927da3e\n");
  ASSERT_TRUE(out.summary.ok()) << out.summary.error().safe_message();
  EXPECT_TRUE(out.errors.empty()) << out.errors[0];
  std::vector<std::string> patterns;
  for (const Json& indicator : out.indicators) patterns.push_back(indicator["pattern"]);
  EXPECT_EQ(patterns, (std::vector<std::string>{
                          "[domain-name:value = 'evil.example']",
                          "[url:value = 'http://evil.example/a%20b']",
                          "[ipv4-addr:value = '198.51.100.7']",
                          "[ipv6-addr:value = '2001:db8::1']",
                          "[ipv4-addr:value = '198.51.100.0/24']",
                          "[ipv6-addr:value = '2001:db8::/32']",
                          "[email-addr:value = 'Alice@evil.example']",
                          "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
                          "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
                          "[file:hashes.'SHA-256' = "
                          "'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
                          "[file:hashes.'SHA-512' = "
                          "'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13"
                          "c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e']",
                      }));
  EXPECT_EQ(out.summary->rows, 11u);
  EXPECT_EQ(out.summary->indicators, 11u);
}

TEST(ConvertCsvTest, OptionalColumnsBomCrlfAndQuoting) {
  const Imported out = Import(
      "\xEF\xBB\xBFType, VALUE "
      ",name,description,valid_from,valid_until,labels,tlp,confidence,id\r\n"
      "domain,evil.example,\"Phish, \"\"bank\"\" kit\",\"two\r\nlines\",2026-02-01T00:00:00Z,"
      "2026-03-01T00:00:00.5Z,\"phishing; banking\",TLP:AMBER+STRICT,80,"
      "indicator--5a2c1d3e-8b7f-4c6d-9e0a-1b2c3d4e5f60\r\n");
  ASSERT_TRUE(out.summary.ok()) << out.summary.error().safe_message();
  ASSERT_EQ(out.indicators.size(), 1u) << (out.errors.empty() ? "" : out.errors[0]);
  const Json& indicator = out.indicators[0];
  EXPECT_EQ(indicator["type"], "indicator");
  EXPECT_EQ(indicator["spec_version"], "2.1");
  EXPECT_EQ(indicator["id"], "indicator--5a2c1d3e-8b7f-4c6d-9e0a-1b2c3d4e5f60");
  EXPECT_EQ(indicator["name"], "Phish, \"bank\" kit");
  EXPECT_EQ(indicator["description"], "two\r\nlines");
  EXPECT_EQ(indicator["valid_from"], "2026-02-01T00:00:00.000000Z");
  EXPECT_EQ(indicator["valid_until"], "2026-03-01T00:00:00.500000Z");
  EXPECT_EQ(indicator["labels"], Json::array({"phishing", "banking"}));
  EXPECT_EQ(indicator["confidence"], 80);
  EXPECT_EQ(indicator["object_marking_refs"],
            Json::array({stix::Tlp2MarkingId(stix::Tlp::kAmberStrict)}));
  EXPECT_EQ(indicator["created"], "2026-01-01T00:00:00.000000Z");
  EXPECT_EQ(indicator["pattern_type"], "stix");
}

TEST(ConvertCsvTest, DefaultsFromTheOptions) {
  CsvImportOptions options = Options();
  options.default_tlp = stix::Tlp::kGreen;
  options.created_by_ref = "identity--0b7f1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
  const Imported out = Import("type,value,tlp\nipv4,192.0.2.1,\nipv4,192.0.2.2,red\n", options);
  ASSERT_EQ(out.indicators.size(), 2u);
  EXPECT_EQ(out.indicators[0]["valid_from"], "2026-01-01T00:00:00.000000Z");
  EXPECT_EQ(out.indicators[0]["id"], "indicator--00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(out.indicators[0]["object_marking_refs"][0], stix::Tlp2MarkingId(stix::Tlp::kGreen));
  EXPECT_EQ(out.indicators[1]["object_marking_refs"][0], stix::Tlp2MarkingId(stix::Tlp::kRed));
  EXPECT_EQ(out.indicators[0]["created_by_ref"], options.created_by_ref);
  EXPECT_FALSE(out.indicators[0].contains("name"));
}

TEST(ConvertCsvTest, BadRowsAreReportedWithLineAndColumnAndTheRestImported) {
  const Imported out = Import(
      "type,value,valid_from,tlp,confidence,id\n"
      "ipv4,999.1.1.1,,,,\n"                         // line 2
      "hash,abc,,,,\n"                               // 3
      "domain,ok.example,2026-13-01T00:00:00Z,,,\n"  // 4
      "domain,ok.example,,purple,,\n"                // 5
      "domain,ok.example,,,101,\n"                   // 6
      "domain,ok.example,,,,indicator--nope\n"       // 7
      "domain,ok.example\n"                          // 8
      "domain,ok\"example,,,,\n"                     // 9
      "\"domain\"x,ok.example,,,,\n"                 // 10
      "cidr,198.51.100.7,,,,\n"                      // 11
      "md5,123,,,,\n"                                // 12
      ",ok.example,,,,\n"                            // 13
      "url,,,,,\n"                                   // 14
      "domain,good.example,,,,\n"                    // 15
      "\n"                                           // 16 blank
      "domain,\"multi\nline\",,,,\n"                 // 17-18
      "ipv4,198.51.100.1,,,,\n"                      // 19
      "domain,\"unterminated,,,,\n");                // 20
  ASSERT_TRUE(out.summary.ok()) << out.summary.error().safe_message();
  ASSERT_EQ(out.indicators.size(), 2u);
  EXPECT_EQ(out.indicators[0]["pattern"], "[domain-name:value = 'good.example']");
  EXPECT_EQ(out.indicators[1]["pattern"], "[ipv4-addr:value = '198.51.100.1']");
  ASSERT_EQ(out.errors.size(), 15u);
  auto starts = [&](std::size_t i, std::string_view prefix) {
    EXPECT_TRUE(out.errors[i].starts_with(prefix)) << out.errors[i];
  };
  starts(0, "line 2, column 'value': '999.1.1.1' is not a valid IPv4 address");
  starts(1, "line 3, column 'type': unknown type 'hash'");
  starts(2, "line 4, column 'valid_from': ");
  starts(3, "line 5, column 'tlp': 'purple' is not a TLP level");
  starts(4, "line 6, column 'confidence': '101' is not an integer from 0 to 100");
  starts(5, "line 7, column 'id': 'indicator--nope' is not an indicator id");
  starts(6, "line 8: 2 fields, but the header has 6");
  starts(7, "line 9, column 'value': a quote inside an unquoted field");
  starts(8, "line 10, column 'type': text after the closing quote");
  starts(9, "line 11, column 'value': '198.51.100.7' has no prefix length");
  starts(10, "line 12, column 'value': '123' is not a valid MD5");
  starts(11, "line 13, column 'type': empty");
  starts(12, "line 14, column 'value': empty");
  starts(13, "line 17, column 'value': ");
  starts(14, "line 20, column 'value': quoted field is not closed before the end of the file");
  EXPECT_EQ(out.summary->rows, 17u);
  EXPECT_EQ(out.summary->rejected, 15u);
}

TEST(ConvertCsvTest, HeaderProblemsStopTheImport) {
  auto error = [](const std::string& text, const CsvImportOptions& options = Options()) {
    const Imported out = Import(text, options);
    return out.summary.ok() ? std::string() : out.summary.error().safe_message();
  };
  EXPECT_EQ(error(""), "CSV is empty: a header row is required");
  EXPECT_EQ(error("type,name\ndomain,x\n"), "CSV header: the 'value' column is required");
  EXPECT_EQ(error("type,value,Type\n"), "CSV header: column 'type' appears twice");
  EXPECT_NE(error("type,value,severity\n").find("unknown column 'severity'"), std::string::npos);
  CsvImportOptions lenient = Options();
  lenient.ignore_unknown_columns = true;
  const Imported out = Import("severity,type,value\nhigh,domain,evil.example\n", lenient);
  ASSERT_TRUE(out.summary.ok());
  EXPECT_EQ(out.indicators.size(), 1u);
}

TEST(ConvertCsvTest, InvalidUtf8IsARowError) {
  const Imported out = Import("type,value,name\ndomain,evil.example,\xC3\x28\n");
  ASSERT_TRUE(out.summary.ok());
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0], "line 2, column 'name': not valid UTF-8");
}

TEST(ConvertCsvTest, HugeFieldIsRefusedWithoutHoldingIt) {
  GeneratedStream generated("type,value,name\ndomain,evil.example,", 'n', 100ull << 20,
                            "\ndomain,next.example,ok\n");
  std::istream in(&generated);
  const Imported out = Import(in);
  ASSERT_TRUE(out.summary.ok()) << out.summary.error().safe_message();
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0], "line 2, column 'name': longer than 65536 bytes");
  ASSERT_EQ(out.indicators.size(), 1u);
  EXPECT_EQ(out.indicators[0]["pattern"], "[domain-name:value = 'next.example']");
}

TEST(ConvertCsvTest, TooManyFieldsIsARowError) {
  std::string text = "type,value\n" + std::string(1000, ',') + "\ndomain,ok.example\n";
  const Imported out = Import(text);
  ASSERT_TRUE(out.summary.ok());
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0], "line 2: more than 256 fields");
  EXPECT_EQ(out.indicators.size(), 1u);
}

TEST(ConvertCsvTest, HandlerErrorStopsTheImport) {
  std::istringstream in("type,value\ndomain,a.example\ndomain,b.example\n");
  int calls = 0;
  auto summary = ImportIndicatorCsv(in, Options(),
                                    [&](Json) -> Status {
                                      ++calls;
                                      return Aborted("database gone");
                                    },
                                    {});
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().code(), ErrorCode::kAborted);
  EXPECT_EQ(calls, 1);
}

Json UnnamedIndicator(std::string pattern, Json extra = Json::object()) {
  Json indicator = {{"type", "indicator"},
                    {"spec_version", "2.1"},
                    {"id", "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
                    {"created", "2026-01-01T00:00:00.000Z"},
                    {"modified", "2026-01-01T00:00:00.000Z"},
                    {"pattern", std::move(pattern)},
                    {"pattern_type", "stix"},
                    {"valid_from", "2026-01-01T00:00:00Z"}};
  indicator.update(extra);
  return indicator;
}

TEST(ConvertCsvTest, ExportWritesOneRowPerObservable) {
  std::ostringstream out;
  IndicatorCsvWriter writer(out);
  auto rows = writer.Add(UnnamedIndicator(
      "[domain-name:value = 'evil.example'] OR [ipv4-addr:value IN ('198.51.100.1', "
      "'198.51.100.0/24')]",
      {{"name", "C2, \"stage 2\""},
       {"labels", {"c2", "banking"}},
       {"confidence", 70},
       {"object_marking_refs", {stix::Tlp2MarkingId(stix::Tlp::kAmber)}}}));
  ASSERT_TRUE(rows.ok()) << rows.error().safe_message();
  EXPECT_EQ(*rows, 3u);
  EXPECT_EQ(out.str(),
            "type,value,id,name,description,tlp,valid_from,valid_until,labels,confidence\r\n"
            "domain,evil.example,indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f,\"C2, \"\"stage "
            "2\"\"\",,amber,2026-01-01T00:00:00Z,,\"c2,banking\",70\r\n"
            "ipv4,198.51.100.1,indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f,\"C2, \"\"stage "
            "2\"\"\",,amber,2026-01-01T00:00:00Z,,\"c2,banking\",70\r\n"
            "cidr,198.51.100.0/24,indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f,\"C2, \"\"stage "
            "2\"\"\",,amber,2026-01-01T00:00:00Z,,\"c2,banking\",70\r\n");
}

TEST(ConvertCsvTest, ExportedCellsCannotRunAsFormulas) {
  std::ostringstream out;
  IndicatorCsvWriter writer(out);
  ASSERT_TRUE(writer
                  .Add(UnnamedIndicator("[domain-name:value = 'evil.example']",
                                        {{"name", "=HYPERLINK(\"http://x\",\"click\")"},
                                         {"description", "@SUM(1+1)"},
                                         {"labels", {"-2+3", "+cmd"}}}))
                  .ok());
  const std::string text = out.str();
  EXPECT_NE(text.find(",\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\",'@SUM(1+1),"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(",\"'-2+3,+cmd\","), std::string::npos) << text;
}

TEST(ConvertCsvTest, ExportRefusesWhatRowsCannotSay) {
  std::ostringstream out;
  IndicatorCsvWriter writer(out);
  const std::string header = out.str();
  for (const char* pattern : {
           "[domain-name:value = 'a.example' AND domain-name:value = 'b.example']",
           "[domain-name:value = 'a.example'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.1']",
           "[file:name = 'invoice.exe']",
           "[domain-name:value = 'a.example'] WITHIN 10 SECONDS",
           "[domain-name:value != 'a.example']",
           "[domain-name:value LIKE '%.example']",
           "[ipv4-addr:value = '999.1.1.1']",
           "not a pattern",
       }) {
    auto rows = writer.Add(UnnamedIndicator(pattern));
    ASSERT_FALSE(rows.ok()) << pattern;
    EXPECT_EQ(rows.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_TRUE(rows.error().safe_message().starts_with(
        "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f: "))
        << rows.error().safe_message();
  }
  EXPECT_FALSE(writer.Add({{"type", "malware"}}).ok());
  EXPECT_EQ(out.str(), header) << "nothing written for refused indicators";
}

TEST(ConvertCsvTest, ExportImportsAgainUnchanged) {
  const std::string original =
      "type,value,name,description,valid_from,valid_until,labels,tlp,confidence\n"
      "url,http://evil.example/login?a=1,\"Fake "
      "\"\"login\"\"\",\"multi\nline\",2026-02-01T00:00:00Z,"
      "2026-04-01T00:00:00Z,\"a,b\",amber,55\n"
      "sha256,e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,,,,,,clear,\n";
  const Imported first = Import(original);
  ASSERT_EQ(first.indicators.size(), 2u);
  std::ostringstream exported;
  IndicatorCsvWriter writer(exported);
  for (const Json& indicator : first.indicators) ASSERT_TRUE(writer.Add(indicator).ok());
  const Imported second = Import(exported.str());
  ASSERT_TRUE(second.summary.ok()) << second.summary.error().safe_message();
  ASSERT_EQ(second.indicators.size(), 2u) << (second.errors.empty() ? "" : second.errors[0]);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(second.indicators[i], first.indicators[i]) << exported.str();
  }
}

TEST(ConvertCsvTest, ManyRowsStream) {
  std::string text = "type,value\n";
  for (int i = 0; i < 20000; ++i) text += fmt::format("domain,host{}.evil.example\n", i);
  std::istringstream in(text);
  std::uint64_t count = 0;
  auto summary = ImportIndicatorCsv(in, Options(),
                                    [&](Json) {
                                      ++count;
                                      return OkStatus();
                                    },
                                    {});
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(count, 20000u);
}

}  // namespace
}  // namespace fincyber::sharing
