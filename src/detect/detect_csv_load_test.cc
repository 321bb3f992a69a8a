// CSV lists load into the same matcher and the same report whether rows are normalised on
// the loading thread or on a second one, whatever the size of the batches handed over:
// generated lists with malformed rows, quoted fields (commas, quotes and line breaks
// inside), comments, blank lines and CRLF, rows on either side of every batch edge, a
// read error after good rows, and batches cut by their bytes.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "detect/test_load_every_way.h"
#include "testing/scratch_dir.h"

namespace fincyber::detect {
namespace {

class CsvLoadTest : public ::testing::Test {
 protected:
  std::string ExpectSameEveryWay(const std::string& content) {
    return detect::ExpectSameEveryWay(scratch_.WriteFile(content));
  }

  fincyber::testing::ScratchDir scratch_{"detect_csv_load_test"};
};

// A row of the list: a valid, malformed or hostile one, chosen at random.
std::string RandomRow(std::mt19937& random, int n) {
  const std::string id = "indicator--" + std::to_string(random() % 400);  // ids repeat
  const std::string label = "h" + std::to_string(random() % 300);         // values repeat
  switch (random() % 22) {
    case 0:
      return "domain," + label + ".evil.example," + id;
    case 1:
      return " Domain , " + label + ".EVIL.example. ," + id;  // spaces, case
    case 2:
      return "domain-name,b\xC3\xBC"
             "cher" +
             label + ".example," + id;
    case 3:
      return "url,http://" + label + ".example:80/p?q=a%20b," + id;
    case 4:
      return "url,\"http://" + label + ".example/a,b\"," + id;  // a comma in quotes
    case 5:
      return "url,\"http://" + label + ".example/\"\"q\"\"\"," + id;  // quotes in quotes
    case 6:
      return "url,\"http://" + label + ".example/\nnext\"," + id;  // a line break
    case 7:
      return "ipv4,198.51." + std::to_string(random() % 256) + ".7," + id;
    case 8:
      return "cidr,203.0." + std::to_string(random() % 256) + ".0/24";  // no id
    case 9:
      return "ip,2001:db8::" + std::to_string(random() % 999) + "," + id;
    case 10:
      return "email,Boss" + std::to_string(n) + "@MAIL.example," + id;
    case 11:
      return "md5," + std::string(31, 'a') + std::to_string(random() % 10) + "," + id;
    case 12:
      return "sha256," + std::string(64, 'F');  // no id, upper case
    case 13:
      return "domain";  // too few fields
    case 14:
      return "foo,bar," + id;  // unknown type
    case 15:
      return "ipv4,999.1.1." + std::to_string(n) + "," + id;  // invalid address
    case 16:
      return "url,mailto:a" + std::to_string(n) + "@b.example";  // no host
    case 17:
      return "sha1,abc," + id;  // not a hash
    case 18:
      return "# a comment, \"with a quote";
    case 19:
      return "";
    case 20:
      return "domain,\xFF\xFE" + label + ".example," + id;  // invalid UTF-8
    default:
      return "\"domain\",\"" + label + ".quoted.example\",\"" + id + "\"";
  }
}

std::string RandomList(std::mt19937& random, int rows, const std::string& header) {
  std::string content = header;
  for (int n = 0; n < rows; ++n) {
    content += RandomRow(random, n);
    content += (random() % 5 == 0) ? "\r\n" : "\n";
  }
  return content;
}

TEST_F(CsvLoadTest, GeneratedListsGiveTheSameMatcherAndReportOnAnyThreadCount) {
  std::mt19937 random(11);
  const std::string headerless = ExpectSameEveryWay(RandomList(random, 3000, ""));
  // What the list holds, so that the comparison is not between two empty results.
  EXPECT_NE(headerless.find("\nobservable 0 h"), std::string::npos);
  EXPECT_NE(headerless.find("/%22q%22 <-"), std::string::npos) << "a URL with quotes in it";
  EXPECT_NE(headerless.find(".example/a,b <-"), std::string::npos) << "a URL with a comma in it";
  EXPECT_NE(headerless.find("unknown type 'foo'"), std::string::npos);
  EXPECT_NE(headerless.find("expected type,value[,id]"), std::string::npos);
  EXPECT_NE(headerless.find("\nindicator cidr:203.0."), std::string::npos);
  EXPECT_NE(headerless.find("\nindicator sha256:" + std::string(64, 'f')), std::string::npos);
  EXPECT_NE(headerless.find("dropped=0"), std::string::npos);

  // A header naming the columns in another order, after a byte order mark, and many
  // malformed rows: more warnings than the report keeps.
  const std::string header =
      "\xEF\xBB\xBF"
      "Id,extra,VALUE,type\r\n";
  std::string reordered = header;
  for (int n = 0; n < 1500; ++n) {
    reordered += "indicator--r" + std::to_string(n % 700) + ",x," + "r" + std::to_string(n % 900) +
                 (n % 3 == 0 ? ".bad..example" : ".example") + ",domain\n";
    if (n % 2 == 0) reordered += "indicator--s" + std::to_string(n) + ",x\n";
  }
  const std::string from_header = ExpectSameEveryWay(reordered);
  EXPECT_NE(from_header.find("\nindicator indicator--r0\n"), std::string::npos);
  EXPECT_EQ(from_header.find("dropped=0"), std::string::npos) << "warnings beyond the kept ones";
}

TEST_F(CsvLoadTest, ARowsErrorEndsTheLoadAfterTheRowsBeforeIt) {
  std::mt19937 random(5);
  const std::string rows = RandomList(random, 500, "");
  const std::string unterminated = ExpectSameEveryWay(rows + "domain,\"never.closed\n");
  EXPECT_NE(unterminated.find("unterminated quote"), std::string::npos);
  EXPECT_NE(unterminated.find("\nobservable 0 h"), std::string::npos);

  const std::string too_long =
      ExpectSameEveryWay(rows + "url,http://a.example/" + std::string(70 * 1024, 'x') + "\n" +
                         "domain,after.example\n");
  EXPECT_NE(too_long.find("a field is longer than"), std::string::npos);
  EXPECT_EQ(too_long.find("after.example"), std::string::npos);

  const std::string header_only_type = ExpectSameEveryWay("type,id\ndomain,a.example\n");
  EXPECT_NE(header_only_type.find("must name both"), std::string::npos);
  EXPECT_NE(ExpectSameEveryWay("").find("no usable indicator"), std::string::npos);
}

// Rows of nearly the longest field allowed: batches end at their bytes, not their rows.
TEST_F(CsvLoadTest, BatchesOfLongRowsGiveTheSameMatcher) {
  std::string content;
  for (int n = 0; n < 150; ++n) {
    content += "url,http://long" + std::to_string(n % 120) + ".example/" +
               std::string(60 * 1024, static_cast<char>('a' + n % 26)) + ",indicator--" +
               std::to_string(n) + "\n";
  }
  const std::string expected = ExpectSameEveryWay(content);
  EXPECT_NE(expected.find("indicators=150"), std::string::npos) << expected.substr(0, 200);
}

}  // namespace
}  // namespace fincyber::detect
