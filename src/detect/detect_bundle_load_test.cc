// STIX bundles load into the same matcher and the same report whether their objects are
// read on the loading thread or on a second one, whatever the size of the batches handed
// over: generated bundles of indicators and other objects, versions of the same ids in any
// order, simple, compound, unusable and invalid patterns, revoked and expired indicators,
// objects that simdjson refuses or leaves to ParseJson, objects over the size limit,
// objects on either side of every batch edge, and bundles that end badly after good
// objects.
#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "detect/test_load_every_way.h"
#include "testing/scratch_dir.h"

namespace fincyber::detect {
namespace {

constexpr std::size_t kMaxObjectBytes = 3000;

class BundleLoadTest : public ::testing::Test {
 protected:
  std::string ExpectSameEveryWay(const std::string& content) {
    IndicatorFileOptions options;
    options.now_millis = 1'764'000'000'000;  // 2025-11-24
    options.max_object_bytes = kMaxObjectBytes;
    return detect::ExpectSameEveryWay(scratch_.WriteFile(content), options);
  }

  // Loads `objects` one at a time (as the hub reads them from its store) and `bundle`,
  // which holds them, and expects the same; only the positions in warnings differ (object
  // numbers there), and the matcher's size (a bundle's indicators are counted ahead to
  // size the tables). Returns what the objects given one at a time built.
  std::string ExpectBundleBuildsAsItsObjects(const std::vector<std::string>& objects,
                                             const std::string& bundle) {
    IndicatorFileOptions options;
    options.now_millis = 1'764'000'000'000;
    options.max_object_bytes = kMaxObjectBytes;
    const auto without_positions = [](const std::string& summary) {
      return std::regex_replace(summary, std::regex("(byte|object) [0-9]+: |memory [0-9]+"), "");
    };
    const std::string from_bundle =
        LoadSummary(scratch_.WriteFile(bundle), options, 1, std::size_t{1} << 30);
    MatcherBuilder builder;
    {
      StixObjectLoader loader(options, builder);
      for (const std::string& object : objects) loader.Add(object);
    }
    const std::string one_by_one = "ok\n" + BuilderSummary(builder, SummaryOrder::kAsBuilt);
    EXPECT_EQ(without_positions(one_by_one), without_positions(from_bundle));
    return one_by_one;
  }

  fincyber::testing::ScratchDir scratch_{"detect_bundle_load_test"};
};

std::string Pattern(std::mt19937& random) {
  const std::string label = "h" + std::to_string(random() % 300);  // values repeat
  switch (random() % 14) {
    case 0:
      return "[domain-name:value = '" + label + ".evil.example']";
    case 1:
      return "[domain-name:value = '" + label + ".EVIL.example.']";
    case 2:
      return "[url:value = 'http://" + label + ".example:80/p?q=a b']";
    case 3:
      return "[ipv4-addr:value = '198.51." + std::to_string(random() % 256) + ".0/24']";
    case 4:
      return "[ipv6-addr:value = '2001:db8::" + std::to_string(random() % 999) + "']";
    case 5:
      return "[email-addr:value = 'Boss@" + label + ".example']";
    case 6:
      return "[file:hashes.MD5 = '" + std::string(31, 'A') + std::to_string(random() % 10) + "']";
    case 7:
      return "[domain-name:value = '" + label + ".a.example' OR url:value = 'http://" + label +
             ".b.example/']";
    case 8:
      return "[url:value = 'http://" + label + ".c2.example/' AND ipv4-addr:value = '192.0.2.9']";
    case 9:
      return "[domain-name:value = 'a.example'] FOLLOWEDBY [domain-name:value = 'b.example']";
    case 10:
      return "[file:name = '" + label + ".exe']";
    case 11:
      return "[domain-name:value = ";  // invalid
    case 12:
      return "[domain-name:value = '" + label + ".example' OR file:name = 'x.exe']";  // partly
    default:
      return "[domain-name:value = 'b\\u00fccher" + label + ".example']";  // \u: ParseJson
  }
}

// One element of the objects array, chosen at random.
std::string RandomObject(std::mt19937& random) {
  const std::string id = "\"id\":\"indicator--" + std::to_string(random() % 300) + "\"";
  const std::string pattern = "\"pattern\":\"" + Pattern(random) + "\"";
  static const std::vector<std::string> modified = {
      "", ",\"modified\":\"2024-01-01T00:00:00Z\"", ",\"modified\":\"2024-02-01T00:00:00.5Z\"",
      ",\"modified\":\"2024-03-01T00:00:00Z\"", ",\"modified\":\"not a time\""};
  const std::string version = modified[random() % modified.size()];
  const std::string head = "{\"type\":\"indicator\"," + id + version;
  switch (random() % 16) {
    case 0:
      return head + ",\"revoked\":true," + pattern + "}";
    case 1:
      return head + ",\"revoked\":\"true\"," + pattern + "}";
    case 2:
      return head + ",\"valid_until\":\"2020-01-01T00:00:00Z\"," + pattern + "}";
    case 3:
      return head + ",\"valid_until\":\"2030-01-01T00:00:00Z\"," + pattern + "}";
    case 4:
      return head + ",\"pattern_type\":\"snort\"," + pattern + "}";
    case 5:
      return head + ",\"pattern_type\":5," + pattern + "}";
    case 6:
      return "{\"type\":\"indicator\"" + version + "," + pattern + "}";  // no id
    case 7:
      return head + "}";  // no pattern
    case 8:
      return "{\"type\":\"malware\"," + id + ",\"name\":\"x\"," + pattern + "}";
    case 9:
      return head + ",\"description\":\"\xFF\xFE\"," + pattern + "}";  // invalid UTF-8
    case 10:
      return head + ",\"x\":" + std::string(40, '[') + std::string(40, ']') + "," + pattern + "}";
    case 11:
      return head + ",\"description\":\"" + std::string(kMaxObjectBytes, 'd') + "\"," + pattern +
             "}";  // over the limit
    case 12:
      return head + "," + pattern + ",}";  // a trailing comma
    default:
      return head + ",\"pattern_type\":\"stix\"," + pattern + "}";
  }
}

std::string RandomBundle(std::mt19937& random, int objects) {
  std::string bundle = "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[";
  for (int n = 0; n < objects; ++n) {
    if (n > 0) bundle += random() % 3 == 0 ? ",\n" : ",";
    bundle += random() % 50 == 0 ? "7" : RandomObject(random);
  }
  return bundle;
}

TEST_F(BundleLoadTest, GeneratedBundlesGiveTheSameMatcherAndReportOnAnyThreadCount) {
  std::mt19937 random(17);
  const std::string expected = ExpectSameEveryWay(RandomBundle(random, 3000) + "]}");
  // What the bundle holds, so that the comparison is not between two empty results.
  EXPECT_EQ(expected.rfind("ok\n", 0), 0u) << expected.substr(0, 200);
  EXPECT_NE(expected.find(".evil.example <-"), std::string::npos);
  EXPECT_NE(expected.find("xn--bcher"), std::string::npos) << "a value read by ParseJson";
  EXPECT_NE(expected.find("(compound)"), std::string::npos);
  EXPECT_NE(expected.find("an indicator without an id"), std::string::npos);
  EXPECT_NE(expected.find("no pattern"), std::string::npos);
  EXPECT_NE(expected.find("an object was skipped"), std::string::npos);
  EXPECT_NE(expected.find("bytes was skipped"), std::string::npos);
  EXPECT_NE(expected.find("cannot be decided on one log record"), std::string::npos);
  for (const char* count :
       {" superseded=0", " revoked_or_expired=0", " not_stix=0", " partly_used=0", " invalid=0"}) {
    EXPECT_EQ(expected.find(count), std::string::npos) << count;
  }
}

// Objects given one at a time build what the same objects build as a bundle.
TEST_F(BundleLoadTest, ObjectsGivenOneAtATimeBuildWhatTheirBundleBuilds) {
  std::mt19937 random(23);
  std::vector<std::string> objects;
  std::string bundle = "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[";
  for (int n = 0; n < 3000; ++n) {
    objects.push_back(RandomObject(random));
    bundle += (n > 0 ? "," : "") + objects.back();
  }
  const std::string one_by_one = ExpectBundleBuildsAsItsObjects(objects, bundle + "]}");
  EXPECT_TRUE(std::regex_search(one_by_one, std::regex("object [0-9]+: an object")));
  EXPECT_NE(one_by_one.find("bytes was skipped"), std::string::npos);
  EXPECT_NE(one_by_one.find("xn--bcher"), std::string::npos) << "a value read by ParseJson";
}

// Strings full of escapes, quotes and brackets, and nested values, put at every offset of
// the splitter's 64-byte blocks and across its 1 MiB reads: the objects cut out of the
// bundle are those given one at a time. Stray backslashes outside strings (invalid JSON)
// spoil only their own objects.
TEST_F(BundleLoadTest, ObjectsAreCutOutWhereverTheirEscapesAndBracketsFall) {
  std::mt19937 random(31);
  const std::vector<std::string> pieces = {"\\\\", "\\\"", "\\\\\\\"", "\\n", "{",   "}", "[",
                                           "]",    "x",    ",",        ":",   "\\/", " "};
  const auto text = [&](std::size_t length) {
    std::string out;
    while (out.size() < length) out += pieces[random() % pieces.size()];
    return out;
  };
  std::vector<std::string> objects;
  std::string bundle = "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[";
  int stray = 0;
  while (bundle.size() < (std::size_t{5} << 19)) {  // 2.5 MiB: three reads
    const std::string n = std::to_string(objects.size());
    std::string object = "{\"type\":\"indicator\",\"id\":\"indicator--" + n +
                         "\",\"description\":\"" + text(random() % 200) + "\"";
    if (random() % 4 == 0) {
      object += ",\"external_references\":[{\"source_name\":\"" + text(random() % 40) +
                "\",\"x\":[[],{}]}]";
    }
    if (random() % 100 == 0) {
      object += ",\\\"x\":1";  // a backslash outside a string
      ++stray;
    }
    object +=
        ",\"pattern_type\":\"stix\",\"pattern\":\"[domain-name:value = 'h" + n + ".example']\"}";
    bundle += (objects.empty() ? "" : ",") + std::string(random() % 3, ' ') + object;
    objects.push_back(std::move(object));
  }
  bundle += "]}";
  ASSERT_GT(stray, 10);
  const std::string one_by_one = ExpectBundleBuildsAsItsObjects(objects, bundle);
  EXPECT_NE(one_by_one.find("indicators=" + std::to_string(objects.size() - stray) + " "),
            std::string::npos)
      << one_by_one.substr(0, 300);
}

TEST_F(BundleLoadTest, ABundleThatEndsBadlyKeepsTheObjectsBeforeTheProblem) {
  std::mt19937 random(5);
  const std::string objects = RandomBundle(random, 500);
  for (const std::string& ending : {std::string(""), std::string("]} x"), std::string("]}]"),
                                    std::string(",{\"type\":\"indicator\",\"id\":\"i")}) {
    const std::string expected = ExpectSameEveryWay(objects + ending);
    EXPECT_EQ(expected.rfind("ok\n", 0), std::string::npos) << "ending " << ending;
    EXPECT_NE(expected.find(".evil.example <-"), std::string::npos) << "ending " << ending;
  }
}

}  // namespace
}  // namespace fincyber::detect
