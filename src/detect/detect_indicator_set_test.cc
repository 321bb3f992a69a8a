#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "detect/indicator_set.h"
#include "testing/scratch_dir.h"

namespace fincyber::detect {
namespace {

Json Indicator(int n, const std::string& modified, const std::string& domain, bool revoked = false) {
  Json object = {{"type", "indicator"},
                 {"spec_version", "2.1"},
                 {"id", "indicator--00000000-0000-4000-8000-00000000000" + std::to_string(n)},
                 {"created", "2026-01-01T00:00:00.000Z"},
                 {"modified", modified},
                 {"pattern", "[domain-name:value = '" + domain + "']"},
                 {"pattern_type", "stix"},
                 {"valid_from", "2026-01-01T00:00:00Z"}};
  if (revoked) object["revoked"] = true;
  return object;
}

// The normalised domains a set compiles to.
std::vector<std::string> Domains(const IndicatorSet& set) {
  MatcherBuilder builder;
  set.AddTo(builder, 0);
  auto matcher = builder.Build();
  if (!matcher.ok()) return {};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < (*matcher)->observable_count(); ++i) {
    out.emplace_back((*matcher)->ObservableValue(static_cast<std::uint32_t>(i)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

class IndicatorSetTest : public ::testing::Test {
 protected:
  fincyber::testing::ScratchDir scratch_{"detect_indicator_set_test"};
  const std::string dir_ = scratch_.path();
};

TEST_F(IndicatorSetTest, NewestVersionWinsInAnyOrder) {
  IndicatorSet set;
  EXPECT_EQ(set.Add(Indicator(1, "2026-01-01T00:00:00.000Z", "old.example")), IndicatorSet::Change::kAdded);
  EXPECT_EQ(set.Add(Indicator(1, "2026-02-01T00:00:00.000Z", "new.example")), IndicatorSet::Change::kUpdated);
  EXPECT_EQ(set.Add(Indicator(1, "2026-01-15T00:00:00.000Z", "middle.example")), IndicatorSet::Change::kNone);
  EXPECT_EQ(set.Add(Indicator(1, "2026-02-01T00:00:00.000Z", "same-time.example")), IndicatorSet::Change::kNone);
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(Domains(set), std::vector<std::string>{"new.example"});
}

TEST_F(IndicatorSetTest, RevokedIndicatorsLeaveAndStayGone) {
  IndicatorSet set;
  set.Add(Indicator(1, "2026-01-01T00:00:00.000Z", "a.example"));
  set.Add(Indicator(2, "2026-01-01T00:00:00.000Z", "b.example"));
  EXPECT_EQ(set.Add(Indicator(1, "2026-03-01T00:00:00.000Z", "a.example", true)), IndicatorSet::Change::kRemoved);
  // An older version arriving after the revocation does not bring it back.
  EXPECT_EQ(set.Add(Indicator(1, "2026-02-01T00:00:00.000Z", "a.example")), IndicatorSet::Change::kNone);
  // Revoked first seen: never in the set.
  EXPECT_EQ(set.Add(Indicator(3, "2026-01-01T00:00:00.000Z", "c.example", true)), IndicatorSet::Change::kNone);
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(Domains(set), std::vector<std::string>{"b.example"});
}

TEST_F(IndicatorSetTest, IgnoresOtherObjectsAndMalformedOnes) {
  IndicatorSet set;
  EXPECT_EQ(set.Add(Json{{"type", "sighting"}, {"id", "sighting--1"}}), IndicatorSet::Change::kNone);
  EXPECT_EQ(set.Add(Json{{"type", "indicator"}}), IndicatorSet::Change::kNone);
  EXPECT_EQ(set.Add(Json::array({1, 2})), IndicatorSet::Change::kNone);
  EXPECT_EQ(set.Add(Json{{"type", "indicator"}, {"id", 7}}), IndicatorSet::Change::kNone);
  EXPECT_EQ(set.size(), 0u);
}

TEST_F(IndicatorSetTest, InvalidPatternsAreKeptAndReportedByTheBuilder) {
  IndicatorSet set;
  Json bad = Indicator(1, "2026-01-01T00:00:00.000Z", "x.example");
  bad["pattern"] = "[domain-name:value = ";
  set.Add(bad);
  set.Add(Indicator(2, "2026-01-01T00:00:00.000Z", "good.example"));
  MatcherBuilder builder;
  set.AddTo(builder, 0);
  ASSERT_TRUE(builder.Build().ok());
  ASSERT_EQ(builder.report().warnings.size(), 1u);
  EXPECT_EQ(builder.report().warnings[0].indicator_id, "indicator--00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(builder.report().indicators, 1u);
}

// The set gives the builder what the objects themselves would: pattern types, validity.
TEST_F(IndicatorSetTest, AddToCompilesAsTheObjectsDo) {
  std::vector<Json> objects = {Indicator(1, "2026-01-01T00:00:00.000Z", "a.example"),
                               Indicator(2, "2026-01-01T00:00:00.000Z", "b.example"),
                               Indicator(3, "2026-01-01T00:00:00.000Z", "c.example"),
                               Indicator(4, "2026-01-01T00:00:00.000Z", "d.example"),
                               Indicator(5, "2026-01-01T00:00:00.000Z", "e.example")};
  objects[1]["pattern_type"] = "snort";
  objects[2].erase("pattern_type");
  objects[3]["valid_until"] = "2000-01-01T00:00:00Z";
  objects[4]["valid_until"] = "2100-01-01T00:00:00Z";
  const std::int64_t now = 1'764'000'000'000;
  IndicatorSet set;
  MatcherBuilder direct;
  for (const Json& object : objects) {
    set.Add(object);
    direct.AddStixObject(object, now);
  }
  MatcherBuilder from_set;
  set.AddTo(from_set, now);
  auto built = from_set.Build();
  auto expected = direct.Build();
  ASSERT_TRUE(built.ok());
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(from_set.report().indicators, 3u);
  EXPECT_EQ(from_set.report().not_stix_patterns, direct.report().not_stix_patterns);
  EXPECT_EQ(from_set.report().revoked_or_expired, direct.report().revoked_or_expired);
  EXPECT_EQ(from_set.report().not_stix_patterns, 1u);
  EXPECT_EQ(from_set.report().revoked_or_expired, 1u);
  std::vector<std::string> got, want;
  for (std::uint32_t i = 0; i < (*built)->observable_count(); ++i) {
    got.emplace_back((*built)->ObservableValue(i));
  }
  for (std::uint32_t i = 0; i < (*expected)->observable_count(); ++i) {
    want.emplace_back((*expected)->ObservableValue(i));
  }
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
  EXPECT_EQ(got, (std::vector<std::string>{"a.example", "c.example", "e.example"}));
}

TEST_F(IndicatorSetTest, SavesAndLoadsStateIncludingRevocations) {
  IndicatorSet set;
  set.set_source("http://hub/taxii2/api1/ collection c");
  set.set_position("2026-03-01T00:00:00.123456Z");
  set.Add(Indicator(1, "2026-01-01T00:00:00.000Z", "a.example"));
  set.Add(Indicator(2, "2026-01-01T00:00:00.000Z", "b.example"));
  set.Add(Indicator(2, "2026-02-01T00:00:00.000Z", "b.example", true));
  const std::string path = dir_ + "/state.jsonl";
  ASSERT_TRUE(set.Save(path).ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto loaded = IndicatorSet::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().internal_message();
  EXPECT_EQ(loaded->source(), set.source());
  EXPECT_EQ(loaded->position(), set.position());
  EXPECT_EQ(loaded->size(), 1u);
  EXPECT_EQ(Domains(*loaded), std::vector<std::string>{"a.example"});
  // The revocation is remembered across the restart.
  EXPECT_EQ(loaded->Add(Indicator(2, "2026-01-15T00:00:00.000Z", "b.example")), IndicatorSet::Change::kNone);
}

TEST_F(IndicatorSetTest, RefusesFilesThatAreNotStateFiles) {
  EXPECT_EQ(IndicatorSet::Load(dir_ + "/missing").error().code(), ErrorCode::kNotFound);
  const auto write = [&](const std::string& content) {
    std::ofstream(dir_ + "/f", std::ios::binary) << content;
    return IndicatorSet::Load(dir_ + "/f");
  };
  EXPECT_EQ(write("").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(write("{\"type\": \"bundle\", \"objects\": []}\n").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(write("{\"fincyber_indicator_set\": 1}\nnot json\n").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(write("{\"fincyber_indicator_set\": 1}\n{\"type\": \"malware\", \"id\": \"x\"}\n").error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(write("{\"fincyber_indicator_set\": 1}\n" + std::string(20, '[') + "\n").error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(write("{\"fincyber_indicator_set\": 1}\n\"" + std::string(2 << 20, 'a') + "\"\n").error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(write("\xff\xfe{\"fincyber_indicator_set\": 1}\n").error().code(), ErrorCode::kInvalidArgument);
  auto header_only = write("{\"fincyber_indicator_set\": 1, \"position\": \"p\"}\n");
  ASSERT_TRUE(header_only.ok());
  EXPECT_EQ(header_only->size(), 0u);
  EXPECT_EQ(header_only->position(), "p");
}

TEST_F(IndicatorSetTest, SaveFailureLeavesThePreviousFile) {
  IndicatorSet set;
  set.Add(Indicator(1, "2026-01-01T00:00:00.000Z", "a.example"));
  EXPECT_EQ(set.Save(dir_ + "/no-such-dir/state").error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace fincyber::detect
