// The correctness corpus (testdata/corpus): every case line must match exactly the
// indicators it lists, no more and no fewer.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "detect/indicator_files.h"
#include "detect/log_format.h"
#include "detect/matcher.h"

namespace fincyber::detect {
namespace {

const std::string kCorpus = std::string(DETECT_TESTDATA) + "/corpus";

struct Case {
  int line = 0;
  std::vector<std::string> expected;  // sorted
  std::string record;
};

std::vector<Case> ReadCases(const std::string& name) {
  std::ifstream file(kCorpus + "/" + name);
  EXPECT_TRUE(file.good()) << "cannot read " << name;
  std::vector<Case> cases;
  std::string text;
  int line = 0;
  while (std::getline(file, text)) {
    ++line;
    if (text.empty() || text[0] == '#') continue;
    const std::size_t tab = text.find('\t');
    EXPECT_NE(tab, std::string::npos) << name << ":" << line << ": no tab";
    if (tab == std::string::npos) continue;
    Case c;
    c.line = line;
    c.record = text.substr(tab + 1);
    std::stringstream ids(text.substr(0, tab));
    for (std::string id; std::getline(ids, id, ',');) {
      if (id != "-") c.expected.push_back(id);
    }
    std::sort(c.expected.begin(), c.expected.end());
    cases.push_back(std::move(c));
  }
  return cases;
}

class CorpusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    MatcherBuilder builder;
    IndicatorFileOptions options;
    options.now_millis = 1735689600000;  // 2025-01-01: indicator 6 has expired
    ASSERT_TRUE(LoadIndicatorFile(kCorpus + "/indicators.csv", options, builder).ok());
    ASSERT_TRUE(LoadIndicatorFile(kCorpus + "/indicators.json", options, builder).ok());
    auto built = builder.Build();
    ASSERT_TRUE(built.ok());
    report_ = new LoadReport(builder.report());
    matcher_ = std::move(built).value().release();
  }
  static void TearDownTestSuite() {
    delete matcher_;
    delete report_;
  }

  static std::vector<std::string> Ids(RecordMatcher& scanner) {
    std::vector<std::string> ids;
    for (const IndicatorHit& hit : scanner.Resolve()) {
      ids.emplace_back(matcher_->IndicatorId(hit.indicator));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static const Matcher* matcher_;
  static LoadReport* report_;
};
const Matcher* CorpusTest::matcher_ = nullptr;
LoadReport* CorpusTest::report_ = nullptr;

TEST_F(CorpusTest, TheLoadReportNamesWhatIsNotUsed) {
  EXPECT_EQ(report_->indicators, 18u);  // 15 CSV rows, AND, OR, the part-used one
  EXPECT_EQ(report_->needs_state, 1u);
  EXPECT_EQ(report_->invalid, 1u);
  EXPECT_EQ(report_->partly_used, 1u);
  EXPECT_EQ(report_->revoked_or_expired, 2u);
  std::vector<std::string> named;
  for (const LoadWarning& w : report_->warnings) named.push_back(w.indicator_id);
  EXPECT_EQ(named, (std::vector<std::string>{"indicator--00000000-0000-4000-8000-000000000003",
                                             "indicator--00000000-0000-4000-8000-000000000004",
                                             "indicator--00000000-0000-4000-8000-000000000005"}));
}

TEST_F(CorpusTest, FreeTextCases) {
  const std::vector<Case> cases = ReadCases("cases.txt");
  ASSERT_GT(cases.size(), 80u);
  RecordMatcher scanner(*matcher_);
  std::size_t expected_hits = 0;
  std::size_t hits = 0;
  for (const Case& c : cases) {
    scanner.Reset();
    scanner.AddText(c.record);
    const std::vector<std::string> ids = Ids(scanner);
    EXPECT_EQ(ids, c.expected) << "cases.txt:" << c.line << ": " << c.record;
    expected_hits += c.expected.size();
    hits += ids.size();
  }
  EXPECT_EQ(hits, expected_hits);
}

TEST_F(CorpusTest, JsonLinesCases) {
  std::vector<JsonField> fields;
  for (const char* mapping : {"url=url", "url=req.url", "time=ts"}) {
    fields.push_back(*ParseJsonField(mapping));
  }
  RecordReader reader(LogFormat::kJson, fields, 1 << 20);
  RecordMatcher scanner(*matcher_);
  for (const Case& c : ReadCases("cases_json.txt")) {
    ASSERT_TRUE(reader.Read(c.record, scanner));
    EXPECT_EQ(Ids(scanner), c.expected) << "cases_json.txt:" << c.line << ": " << c.record;
  }
}

}  // namespace
}  // namespace fincyber::detect
