#include <gtest/gtest.h>

#include <string>

#include "detect/indicator_files.h"
#include "testing/scratch_dir.h"

namespace fincyber::detect {
namespace {

class IndicatorFilesTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& content) { return scratch_.WriteFile(content); }
  static std::string Indicator(const std::string& id, const std::string& pattern) {
    return R"({"type":"indicator","id":")" + id + R"(","pattern_type":"stix","pattern":")" +
           pattern + "\"}";
  }
  fincyber::testing::ScratchDir scratch_{"detect_indicator_files_test"};
};

TEST_F(IndicatorFilesTest, BundlesAreStreamedObjectByObject) {
  // Brackets and quotes inside strings, a key named "objects" deeper down, other keys.
  const std::string bundle =
      "\xEF\xBB\xBF{\"type\":\"bundle\",\"x\":{\"objects\":[1]},\"id\":\"bundle--1\",\"objects\":[" +
      Indicator("a", "[domain-name:value = 'a.example']") + ",\n" +
      R"({"type":"note","content":"} ] { [ \" \\"},)" +
      Indicator("b", "[domain-name:value = 'b.example']") + "]}";
  MatcherBuilder builder;
  ASSERT_TRUE(LoadIndicatorFile(Write(bundle), {}, builder).ok());
  auto matcher = builder.Build();
  ASSERT_TRUE(matcher.ok());
  EXPECT_EQ((*matcher)->indicator_count(), 2u);
}

TEST_F(IndicatorFilesTest, TruncatedBundleIsAnErrorButKeepsEarlierObjects) {
  const std::string bundle = R"({"type":"bundle","objects":[)" +
                             Indicator("a", "[domain-name:value = 'a.example']") + "," +
                             Indicator("b", "[domain-name:value = 'b.exam");
  MatcherBuilder builder;
  const Status loaded = LoadIndicatorFile(Write(bundle), {}, builder);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().safe_message().find("truncated"), std::string::npos);
  auto matcher = builder.Build();
  ASSERT_TRUE(matcher.ok());
  EXPECT_EQ((*matcher)->indicator_count(), 1u);
}

TEST_F(IndicatorFilesTest, NotABundle) {
  MatcherBuilder builder;
  Status loaded = LoadIndicatorFile(Write(R"({"type":"bundle","id":"x"})"), {}, builder);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().safe_message().find("no \"objects\""), std::string::npos);
  loaded = LoadIndicatorFile(Write("{} {}"), {}, builder);
  EXPECT_FALSE(loaded.ok());
  loaded = LoadIndicatorFile(scratch_.path() + "/missing", {}, builder);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code(), ErrorCode::kNotFound);
}

TEST_F(IndicatorFilesTest, NestingPastTheLimitEndsTheLoadAfterEarlierObjects) {
  const std::string head =
      R"({"type":"bundle","objects":[)" + Indicator("a", "[domain-name:value = 'a.example']") + ",";
  MatcherBuilder builder;
  Status loaded = LoadIndicatorFile(
      Write(head + R"({"x":)" + std::string(20000, '[') + std::string(20000, ']') + "}]}"), {},
      builder);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().safe_message().find("deeper than 10000"), std::string::npos);
  auto matcher = builder.Build();
  ASSERT_TRUE(matcher.ok());
  EXPECT_EQ((*matcher)->indicator_count(), 1u);
  // 9,998 levels inside an object is within the limit (the bundle and its array are two).
  MatcherBuilder deep;
  loaded =
      LoadIndicatorFile(Write(head + R"({"x":)" + std::string(9997, '[') + std::string(9997, ']') +
                              "}," + Indicator("b", "[domain-name:value = 'b.example']") + "]}"),
                        {}, deep);
  ASSERT_TRUE(loaded.ok()) << loaded.error().safe_message();
  EXPECT_EQ(deep.report().warnings.size(), 1u);  // the deep object, refused by the reader
  matcher = deep.Build();
  ASSERT_TRUE(matcher.ok());
  EXPECT_EQ((*matcher)->indicator_count(), 2u);
}

TEST_F(IndicatorFilesTest, OversizedAndMalformedObjectsAreSkippedWithAWarning) {
  const std::string bundle = R"({"type":"bundle","objects":[{"type":"indicator","pattern":")" +
                             std::string(5000, 'x') + R"("},{"type": bad},)" +
                             Indicator("ok", "[domain-name:value = 'ok.example']") + "]}";
  MatcherBuilder builder;
  IndicatorFileOptions options;
  options.max_object_bytes = 1000;
  ASSERT_TRUE(LoadIndicatorFile(Write(bundle), options, builder).ok());
  ASSERT_EQ(builder.report().warnings.size(), 2u);
  EXPECT_NE(builder.report().warnings[0].message.find("larger than 1000"), std::string::npos);
  EXPECT_NE(builder.report().warnings[1].message.find("skipped"), std::string::npos);
  EXPECT_TRUE(builder.Build().ok());
}

TEST_F(IndicatorFilesTest, ObjectsAcrossReadBoundariesAreKeptWhole) {
  // The file is read 1 MiB at a time: place escapes, brackets inside strings and the end
  // of an object at every byte around that boundary, and one oversized object across it.
  constexpr std::size_t kRead = std::size_t{1} << 20;
  for (std::size_t shift = 0; shift < 8; ++shift) {
    std::string bundle = R"({"type":"bundle","objects":[)";
    const std::string note_head = R"({"type":"note","content":")";
    const std::size_t filler = kRead - bundle.size() - note_head.size() - 4 + shift;
    bundle += note_head + std::string(filler, 'x') + R"(\" ] } { [ \\"},)";
    bundle += Indicator("a", "[domain-name:value = 'a.example']") + ",";
    bundle += R"({"type":"note","content":")" + std::string(kRead, 'y') + R"("},)";
    bundle += Indicator("b", "[domain-name:value = 'b.example']") + "]}";
    MatcherBuilder builder;
    IndicatorFileOptions options;
    options.max_object_bytes = 2 * kRead;
    ASSERT_TRUE(LoadIndicatorFile(Write(bundle), options, builder).ok()) << shift;
    EXPECT_TRUE(builder.report().warnings.empty()) << shift;
    auto matcher = builder.Build();
    ASSERT_TRUE(matcher.ok());
    EXPECT_EQ((*matcher)->indicator_count(), 2u) << shift;

    MatcherBuilder small;
    options.max_object_bytes = kRead / 2;
    ASSERT_TRUE(LoadIndicatorFile(Write(bundle), options, small).ok()) << shift;
    ASSERT_EQ(small.report().warnings.size(), 2u) << shift;  // both notes, nothing else
    EXPECT_NE(small.report().warnings[1].message.find("larger than"), std::string::npos);
    auto kept = small.Build();
    ASSERT_TRUE(kept.ok());
    EXPECT_EQ((*kept)->indicator_count(), 2u) << shift;
  }
}

TEST_F(IndicatorFilesTest, CsvWithHeaderQuotesAndComments) {
  const std::string csv =
      "# exported list\r\n"
      "Name,TYPE,Value,Id\r\n"
      "\"evil, inc\",domain,evil.example,indicator--1\r\n"
      "x,url,\"http://bad.example/a \"\"quoted\"\"\",indicator--2\r\n"
      "x,cidr,2001:db8::/32,\r\n"
      "x,sha256,E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855,\r\n"
      "x,ipv4,999.1.1.1,indicator--3\r\n"
      "x,phone,12345,\r\n"
      "\r\n";
  MatcherBuilder builder;
  ASSERT_TRUE(LoadIndicatorFile(Write(csv), {}, builder).ok());
  ASSERT_EQ(builder.report().warnings.size(), 2u);
  EXPECT_EQ(builder.report().warnings[0].indicator_id, "indicator--3");
  EXPECT_NE(builder.report().warnings[0].message.find("line 7"), std::string::npos);
  EXPECT_NE(builder.report().warnings[1].message.find("unknown type"), std::string::npos);
  auto matcher = builder.Build();
  ASSERT_TRUE(matcher.ok());
  ASSERT_EQ((*matcher)->indicator_count(), 4u);
  EXPECT_EQ((*matcher)->IndicatorId(2), "cidr:2001:db8::/32");
  RecordMatcher scanner(**matcher);
  scanner.AddText("GET http://bad.example/a%20%22quoted%22 from 2001:db8:1::5");
  EXPECT_EQ(scanner.Resolve().size(), 2u);
}

// A carriage return inside a line is dropped, as at its end; the last row has no newline.
TEST_F(IndicatorFilesTest, CsvCarriageReturnsInsideLines) {
  MatcherBuilder builder;
  ASSERT_TRUE(LoadIndicatorFile(Write("domain,evil\r.example,indicator--1\r\n"
                                      "domain,\rb.example\r,indicator--2\r\r\n"
                                      "domain,c.example,indicator--3\r"),
                                {}, builder)
                  .ok());
  EXPECT_TRUE(builder.report().warnings.empty());
  auto matcher = builder.Build();
  ASSERT_TRUE(matcher.ok());
  ASSERT_EQ((*matcher)->observable_count(), 3u);
  EXPECT_EQ((*matcher)->ObservableValue(0), "evil.example");
  EXPECT_EQ((*matcher)->ObservableValue(1), "b.example");
  EXPECT_EQ((*matcher)->IndicatorId(1), "indicator--2");
  EXPECT_EQ((*matcher)->ObservableValue(2), "c.example");
}

TEST_F(IndicatorFilesTest, CsvWithoutHeader) {
  MatcherBuilder builder;
  ASSERT_TRUE(LoadIndicatorFile(Write("domain,a.example\nmd5,d41d8cd98f00b204e9800998ecf8427e,h1\n"),
                                {}, builder)
                  .ok());
  auto matcher = builder.Build();
  ASSERT_TRUE(matcher.ok());
  EXPECT_EQ((*matcher)->indicator_count(), 2u);
  EXPECT_EQ((*matcher)->IndicatorId(0), "domain:a.example");
  EXPECT_EQ((*matcher)->IndicatorId(1), "h1");
}

// Rows are read from a 1 MiB buffer: rows cut by its end, quoted or not, load the same.
TEST_F(IndicatorFilesTest, CsvLargerThanTheReadBuffer) {
  std::string csv = "type,value,id\n";
  std::size_t rows = 0;
  while (csv.size() < (std::size_t{5} << 19)) {
    csv += rows % 7 == 0
               ? "domain,\"q" + std::to_string(rows) + ".example\",\"id," + std::to_string(rows) +
                     "\"\r\n"
               : "domain,d" + std::to_string(rows) + ".example,id" + std::to_string(rows) + "\r\n";
    ++rows;
  }
  csv += "domain,last.example";  // no newline at the end
  MatcherBuilder builder;
  ASSERT_TRUE(LoadIndicatorFile(Write(csv), {}, builder).ok());
  EXPECT_TRUE(builder.report().warnings.empty());
  auto matcher = builder.Build();
  ASSERT_TRUE(matcher.ok());
  ASSERT_EQ((*matcher)->indicator_count(), rows + 1);
  EXPECT_EQ((*matcher)->IndicatorId(7), "id,7");
  EXPECT_EQ((*matcher)->IndicatorId(rows - 1), "id" + std::to_string(rows - 1));
  EXPECT_EQ((*matcher)->IndicatorId(rows), "domain:last.example");
  RecordMatcher scanner(**matcher);
  const std::size_t quoted_row = (rows - 1) / 7 * 7;
  scanner.AddText("q" + std::to_string(quoted_row) + ".example d" + std::to_string(quoted_row - 1) +
                  ".example");
  EXPECT_EQ(scanner.Resolve().size(), 2u);
}

TEST_F(IndicatorFilesTest, CsvFieldOverTheLimitIsAnError) {
  MatcherBuilder builder;
  const Status loaded = LoadIndicatorFile(
      Write("domain,a.example\ndomain," + std::string(70000, 'a') + "\n"), {}, builder);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().internal_message().find("line 2: a field is longer"), std::string::npos);
}

TEST_F(IndicatorFilesTest, UnterminatedQuoteIsAnError) {
  MatcherBuilder builder;
  const Status loaded = LoadIndicatorFile(Write("domain,\"a.example\n"), {}, builder);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().internal_message().find("unterminated quote"), std::string::npos);
}

}  // namespace
}  // namespace fincyber::detect
