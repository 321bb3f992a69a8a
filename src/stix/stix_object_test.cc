#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "stix/object.h"
#include "stix/uuid.h"

namespace fincyber::stix {
namespace {

Json Parse(std::string_view text) {
  auto parsed = ParseJson(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : Json();
}

Json ValidIndicator() {
  return Parse(R"({
    "type": "indicator", "spec_version": "2.1",
    "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
    "indicator_types": ["malicious-activity"], "name": "Poison Ivy Malware",
    "pattern": "[file:hashes.'SHA-256' = '4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877']",
    "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z",
    "object_marking_refs": ["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"],
    "labels": ["apt"]
  })");
}

std::vector<Violation> ErrorsOf(const Json& object, const ValidationOptions& options = {}) {
  auto result = Validate(object, options);
  if (auto* invalid = std::get_if<Invalid>(&result)) return invalid->violations;
  return {};
}

std::vector<Violation> WarningsOf(const Json& object, const ValidationOptions& options = {}) {
  auto result = Validate(object, options);
  if (auto* valid = std::get_if<Validated>(&result)) return valid->warnings;
  return {};
}

bool HasViolation(const std::vector<Violation>& violations, std::string_view property,
                  std::string_view rule) {
  return std::any_of(violations.begin(), violations.end(),
                     [&](const Violation& v) { return v.property == property && v.rule == rule; });
}

std::string FakeIndicatorId(int i) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "indicator--%08x-0000-4000-8000-000000000000", i);
  return buffer;
}

std::string Describe(const std::vector<Violation>& violations) {
  std::string text;
  for (const auto& v : violations) text += "\n  " + v.ToString();
  return text.empty() ? "\n  (none)" : text;
}

// ---- timestamps

TEST(StixTimestampTest, ParsesAnyFractionalPrecisionToMicroseconds) {
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:01.5Z"), 1'500'000);
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:00.123456789Z"), 123'456);
  EXPECT_EQ(*ParseTimestamp("2016-04-06T20:03:48.000Z"), 1459973028'000'000);
  EXPECT_EQ(*ParseTimestamp("2024-02-29T23:59:59.999999Z"), 1709251199'999'999);
  EXPECT_EQ(*ParseTimestamp("1969-12-31T23:59:59Z"), -1'000'000);
}

TEST(StixTimestampTest, RejectsWhatRfc3339AndStixDoNotAllow) {
  for (const char* bad : {"2024-13-01T00:00:00Z",
                          "2023-02-29T00:00:00Z",
                          "2024-02-30T00:00:00Z",
                          "2024-04-31T00:00:00Z",
                          "2024-01-01T24:00:00Z",
                          "2024-01-01T12:60:00Z",
                          "2024-01-01T12:00:61Z",
                          "2024-01-01T12:00:60Z",
                          "2024-01-01T00:00:00",
                          "2024-01-01T00:00:00+00:00",
                          "2024-01-01T00:00:00z",
                          "2024-01-01 00:00:00Z",
                          "2024-01-01T00:00:00.Z",
                          "2024-01-01T00:00:00ZZ",
                          "2024-1-01T00:00:00Z",
                          "2024-01-01",
                          "",
                          "2024-01-01T00:00:00.1234567890123456789012345x",
                          "२०२४-01-01T00:00:00Z",
                          "2024-01-01T00:00:00Z\n"}) {
    EXPECT_FALSE(ParseTimestamp(bad).ok()) << bad;
  }
  const std::string with_nul("2024-01-01T00:00:00\0Z", 21);
  EXPECT_FALSE(ParseTimestamp(with_nul).ok());
}

TEST(StixTimestampTest, LeapSecondSortsAtTheEndOfItsDay) {
  const auto leap = ParseTimestamp("2016-12-31T23:59:60Z");
  ASSERT_TRUE(leap.ok());
  EXPECT_GT(*leap, *ParseTimestamp("2016-12-31T23:59:59.999998Z"));
  EXPECT_LT(*leap, *ParseTimestamp("2017-01-01T00:00:00Z"));
}

TEST(StixTimestampTest, FormatsWithSixDigitsAndRoundTrips) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(1459973028'000'000), "2016-04-06T20:03:48.000000Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999Z");
  for (const char* text : {"2024-05-01T12:00:00.123456Z", "0001-01-01T00:00:00.000000Z",
                           "9999-12-31T23:59:59.999999Z", "2000-02-29T06:07:08.000009Z"}) {
    const auto parsed = ParseTimestamp(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(FormatTimestamp(*parsed), text);
  }
  // Every field at its widest and narrowest, and years outside RFC 3339's four digits.
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("0000-01-01T00:00:00Z")),
            "0000-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("1999-10-10T10:10:10.1Z")),
            "1999-10-10T10:10:10.100000Z");
  EXPECT_EQ(FormatTimestamp(253402300800'000'000), "10000-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(-62198755200'000'000), "-001-01-01T00:00:00.000000Z");
}

TEST(StixTimestampTest, ErrorNamesTheValue) {
  const auto parsed = ParseTimestamp("2024-13-01T00:00:00Z");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().safe_message(),
            "'2024-13-01T00:00:00Z' is not an RFC 3339 timestamp (month out of range)");
}

// ---- ids

// Every byte value at every position of a UUID's text: refused unless it is a dash where
// the form has one or a hex digit (either case) elsewhere; the bytes read are the digits'.
TEST(StixIdTest, ParseUuidTakesHexDigitsAndDashesAtTheirPlacesOnly) {
  const std::string valid = "0123abcd-4567-89ef-ABCD-0123456789aF";
  const auto parsed = ParseUuid(valid);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(FormatUuid(*parsed), "0123abcd-4567-89ef-abcd-0123456789af");
  const auto is_hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  for (std::size_t at = 0; at < valid.size(); ++at) {
    const bool dash_place = at == 8 || at == 13 || at == 18 || at == 23;
    for (int byte = 0; byte < 256; ++byte) {
      std::string text = valid;
      text[at] = static_cast<char>(byte);
      const bool expected = dash_place ? text[at] == '-' : is_hex(text[at]);
      const auto result = ParseUuid(text);
      ASSERT_EQ(result.has_value(), expected) << "byte " << byte << " at " << at;
      if (result && !dash_place) {
        EXPECT_EQ(FormatUuid(*result).substr(at, 1),
                  std::string(1, static_cast<char>(std::tolower(byte))));
      }
    }
  }
  for (const std::string_view wrong :
       {std::string_view(""), std::string_view("0123abcd-4567-89ef-abcd-0123456789a"),
        std::string_view("0123abcd-4567-89ef-abcd-0123456789abc"),
        std::string_view("0123abcd4567-89ef-abcd-0123456789abc-")}) {
    EXPECT_FALSE(ParseUuid(wrong).has_value()) << wrong;
  }
}

TEST(StixIdTest, NewIdsAreRandomVersion4OfTheType) {
  const std::regex form(
      "indicator--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string id = NewId("indicator");
    EXPECT_TRUE(std::regex_match(id, form)) << id;
    EXPECT_TRUE(seen.insert(id).second);
  }
}

// Expected values computed independently with Python's uuid.uuid5 over
// json.dumps(..., sort_keys=True, separators=(',', ':'), ensure_ascii=False); the first is
// also the value the OASIS stix2 library produces for domain-name "example.com".
TEST(StixIdTest, DeterministicScoIdsMatchIndependentComputation) {
  struct Case {
    const char* sco;
    const char* id;
  };
  const Case cases[] = {
      {R"({"type":"domain-name","value":"example.com"})",
       "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"},
      {R"({"type":"email-addr","value":"john@example.com","display_name":"John"})",
       "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934"},
      {R"({"type":"ipv4-addr","value":"198.51.100.3","spec_version":"2.1"})",
       "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"},
      // MD5 is chosen among the hashes; size does not contribute.
      {R"({"type":"file","name":"a.exe","size":10,"hashes":{"SHA-256":
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
          "MD5":"d41d8cd98f00b204e9800998ecf8427e"}})",
       "file--7e567502-8994-53ff-9c69-79240cae362d"},
      {R"({"type":"autonomous-system","number":15139,"name":"Slime Industries"})",
       "autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff"},
      {R"({"type":"url","value":"https://example.com/a?b=c"})",
       "url--3bd48f67-7da9-5d3a-9512-26490dda399b"},
      {R"({"type":"domain-name","value":"bücher.example"})",
       "domain-name--dbf3aff2-b3cd-57d2-9616-0ddfde9d01ad"},
      {R"({"type":"network-traffic","protocols":["tcp"],"dst_port":443,
          "dst_ref":"ipv4-addr--8b0fbc4f-4c9e-5c6c-a5a0-38a8b1e0a0b7","dst_packets":3})",
       "network-traffic--c822abaf-abfc-5e59-a5f6-f446d4629590"},
      {R"({"type":"x509-certificate","issuer":"CN=x",
          "serial_number":"36:f7:d4:32:f4:ab:70:ea:d3:ce:98:6e:ea:99:93:49:32:0a:b7:06"})",
       "x509-certificate--bf86f034-2390-54d7-8426-d08433db3fbe"},
      {R"({"type":"mutex","name":"mu\ttex\u0001"})", "mutex--b863b390-4a8c-5dd5-82b2-0af2d8c2fcbf"},
  };
  for (const auto& c : cases) {
    const auto id = DeterministicScoId(Parse(c.sco));
    ASSERT_TRUE(id.ok()) << c.sco << ": " << id.error().safe_message();
    EXPECT_EQ(*id, c.id) << c.sco;
  }
}

TEST(StixIdTest, DeterministicIdNeedsAnScoWithContributingProperties) {
  EXPECT_FALSE(DeterministicScoId(Parse(R"({"type":"indicator","name":"x"})")).ok());
  EXPECT_FALSE(DeterministicScoId(Parse(R"({"type":"x-custom","value":"x"})")).ok());
  EXPECT_FALSE(DeterministicScoId(Parse(R"({"type":"process","pid":4})")).ok());
  EXPECT_FALSE(DeterministicScoId(Parse(R"({"type":"domain-name"})")).ok());
  EXPECT_FALSE(DeterministicScoId(Parse(R"([1,2])")).ok());
}

// ---- canonical JSON

TEST(StixSerialiseTest, FollowsRfc8785) {
  EXPECT_EQ(Serialise(Parse(R"({"b":[1,"x",true,null],"a":{"d":1.5,"c":-0.0}})")),
            R"({"a":{"c":0,"d":1.5},"b":[1,"x",true,null]})");
  EXPECT_EQ(Serialise(Json("a\"b\\c\n\u0001\u00e9\u20ac")),
            "\"a\\\"b\\\\c\\n\\u0001\u00e9\u20ac\"");
  // RFC 8785 appendix B number forms (ECMAScript).
  EXPECT_EQ(Serialise(Json(1e21)), "1e+21");
  EXPECT_EQ(Serialise(Json(1e20)), "100000000000000000000");
  EXPECT_EQ(Serialise(Json(0.000001)), "0.000001");
  EXPECT_EQ(Serialise(Json(1e-7)), "1e-7");
  EXPECT_EQ(Serialise(Json(-1.5e-7)), "-1.5e-7");
  EXPECT_EQ(Serialise(Json(333333333.33333329)), "333333333.3333333");
  EXPECT_EQ(Serialise(Json(4.50)), "4.5");
  EXPECT_EQ(Serialise(Json(2e-3)), "0.002");
  EXPECT_EQ(Serialise(Json(9007199254740991.0)), "9007199254740991");
  EXPECT_EQ(Serialise(Json(5e-324)), "5e-324");
  EXPECT_EQ(Serialise(Json(1.7976931348623157e308)), "1.7976931348623157e+308");
  // Members sort by UTF-16 code units: U+10000 (a surrogate pair, D800) before U+FB33.
  EXPECT_EQ(Serialise(Parse("{\"\xEF\xAC\xB3\":1,\"\xF0\x90\x80\x80\":2,\"a\":3}")),
            "{\"a\":3,\"\xF0\x90\x80\x80\":2,\"\xEF\xAC\xB3\":1}");
}

TEST(StixSerialiseTest, DeepNestingIsSafe) {
  Json deep = Json::array();
  for (int i = 0; i < 5000; ++i) deep = Json::array({std::move(deep)});
  const std::string text = Serialise(deep);
  EXPECT_EQ(text.size(), 2u * 5001u);
}

// ---- objects

TEST(StixObjectTest, ValidIndicatorGivesItsFacts) {
  const auto facts = ValidateToFacts(ValidIndicator());
  ASSERT_TRUE(facts.ok()) << facts.error().internal_message();
  EXPECT_EQ(facts->id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_EQ(facts->type, "indicator");
  EXPECT_EQ(facts->spec_version, "2.1");
  EXPECT_EQ(facts->category, Category::kSdo);
  EXPECT_EQ(facts->created, *ParseTimestamp("2016-04-06T20:03:48.000Z"));
  EXPECT_EQ(facts->modified, *ParseTimestamp("2016-04-06T20:03:48.000Z"));
  EXPECT_FALSE(facts->revoked);
  EXPECT_EQ(facts->created_by_ref, "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff");
  EXPECT_EQ(facts->object_marking_refs,
            std::vector<std::string>{"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"});
  EXPECT_EQ(facts->labels, std::vector<std::string>{"apt"});
  EXPECT_EQ(facts->name, "Poison Ivy Malware");
  EXPECT_EQ(facts->references,
            (std::vector<std::string>{"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
                                      "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"}));
}

TEST(StixObjectTest, ViolationReadsAsIdPropertyRuleMessage) {
  Json indicator = ValidIndicator();
  indicator["valid_from"] = "2024-13-01";
  const auto errors = ErrorsOf(indicator);
  ASSERT_EQ(errors.size(), 1u) << Describe(errors);
  EXPECT_EQ(errors[0].ToString(),
            "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f valid_from: timestamp: '2024-13-01' "
            "is not an RFC 3339 timestamp (expected YYYY-MM-DDTHH:MM:SS[.fraction]Z)");
  const auto facts = ValidateToFacts(indicator);
  ASSERT_FALSE(facts.ok());
  EXPECT_EQ(facts.error().code(), ErrorCode::kInvalidArgument);
  ASSERT_EQ(facts.error().details().size(), 1u);
  EXPECT_EQ(facts.error().details()[0].field, "valid_from");
}

TEST(StixObjectTest, ReportsEveryViolationNotOnlyTheFirst) {
  Json indicator = ValidIndicator();
  indicator.erase("pattern");
  indicator["confidence"] = 101;
  indicator["labels"] = Json::array();
  indicator["modified"] = "2015-01-01T00:00:00Z";
  const auto errors = ErrorsOf(indicator);
  EXPECT_TRUE(HasViolation(errors, "pattern", "required")) << Describe(errors);
  EXPECT_TRUE(HasViolation(errors, "confidence", "range")) << Describe(errors);
  EXPECT_TRUE(HasViolation(errors, "labels", "empty-list")) << Describe(errors);
  EXPECT_TRUE(HasViolation(errors, "modified", "time-order")) << Describe(errors);
}

TEST(StixObjectTest, ReferencesAreCollectedAtAnyDepthOnceEach) {
  const Json sco = Parse(R"({
    "type": "file", "id": "file--6e1a44e3-1f5c-5b2c-9b56-5a3f2d9c0a11", "name": "a.zip",
    "parent_directory_ref": "directory--93c0a9b0-520d-545d-9094-1a08ddf46b05",
    "extensions": {"archive-ext": {"contains_refs": [
      "file--019fde1c-94ab-5e27-97ae-6f0f1d26bcc0", "file--019fde1c-94ab-5e27-97ae-6f0f1d26bcc0"]}},
    "granular_markings": [{"marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
                           "selectors": ["name"]}],
    "x_vendor_info": {"deep": [{"x_owner_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"}]}
  })");
  const auto facts = ValidateToFacts(sco);
  ASSERT_TRUE(facts.ok()) << facts.error().internal_message();
  std::vector<std::string> references = facts->references;
  std::sort(references.begin(), references.end());
  EXPECT_EQ(references,
            (std::vector<std::string>{"directory--93c0a9b0-520d-545d-9094-1a08ddf46b05",
                                      "file--019fde1c-94ab-5e27-97ae-6f0f1d26bcc0",
                                      "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
                                      "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}));
  EXPECT_EQ(facts->granular_marking_refs,
            std::vector<std::string>{"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"});
  EXPECT_EQ(facts->category, Category::kSco);
  EXPECT_FALSE(facts->created.has_value());
  EXPECT_FALSE(facts->modified.has_value());
  EXPECT_EQ(facts->name, "a.zip");
}

TEST(StixObjectTest, NewerVersionNeedsSameIdAndLaterModified) {
  auto older = ValidateToFacts(ValidIndicator());
  Json next = ValidIndicator();
  next["modified"] = "2016-04-06T20:03:48.001Z";
  auto newer = ValidateToFacts(next);
  ASSERT_TRUE(older.ok() && newer.ok());
  EXPECT_TRUE(IsNewerVersion(*newer, *older));
  EXPECT_FALSE(IsNewerVersion(*older, *newer));
  EXPECT_FALSE(IsNewerVersion(*older, *older));
  ObjectFacts other = *newer;
  other.id = "indicator--00000000-0000-4000-8000-000000000000";
  EXPECT_FALSE(IsNewerVersion(other, *older));
  ObjectFacts unversioned = *newer;
  unversioned.modified.reset();
  EXPECT_FALSE(IsNewerVersion(unversioned, *older));
}

TEST(StixObjectTest, OpenVocabularyAndCustomPropertiesWarnUnlessStrict) {
  Json indicator = ValidIndicator();
  indicator["indicator_types"] = Json::array({"suspicious-smell"});
  indicator["x_acme_score"] = 7;
  indicator["acme_score"] = 7;
  const auto warnings = WarningsOf(indicator);
  EXPECT_TRUE(HasViolation(warnings, "indicator_types[0]", "open-vocabulary"))
      << Describe(warnings);
  EXPECT_TRUE(HasViolation(warnings, "acme_score", "custom-property")) << Describe(warnings);
  EXPECT_FALSE(HasViolation(warnings, "x_acme_score", "custom-property")) << Describe(warnings);

  const auto strict = ErrorsOf(indicator, {.allow_custom = true, .strict_vocabularies = true});
  EXPECT_TRUE(HasViolation(strict, "indicator_types[0]", "open-vocabulary")) << Describe(strict);
  const auto no_custom = ErrorsOf(indicator, {.allow_custom = false});
  EXPECT_TRUE(HasViolation(no_custom, "x_acme_score", "custom-property")) << Describe(no_custom);
}

TEST(StixObjectTest, HostileInputIsReportedNotFatal) {
  // Not an object at all.
  for (const Json& value : {Json(), Json(1), Json("indicator"), Json::array()}) {
    const auto errors = ErrorsOf(value);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].rule, "object");
  }
  // Wrong JSON types in every common property.
  Json indicator = ValidIndicator();
  for (const char* name : {"type", "id", "created", "modified", "labels", "revoked",
                           "external_references", "object_marking_refs", "granular_markings",
                           "extensions", "confidence", "created_by_ref", "spec_version"}) {
    Json broken = ValidIndicator();
    broken[name] = Json::object({{"nested", Json::array({1, 2})}});
    EXPECT_FALSE(ErrorsOf(broken).empty()) << name;
    broken[name] = 3.5;
    EXPECT_FALSE(ErrorsOf(broken).empty()) << name;
  }
  // A huge string is quoted short in messages.
  Json huge = ValidIndicator();
  huge["valid_from"] = std::string(1 << 20, '9');
  const auto errors = ErrorsOf(huge);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_LT(errors[0].message.size(), 200u);
  // NUL bytes and unicode in ids.
  Json nul = ValidIndicator();
  nul["id"] = std::string("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\0", 48);
  EXPECT_TRUE(HasViolation(ErrorsOf(nul), "id", "id-form"));
  nul["id"] = std::string("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3\0", 47);
  EXPECT_TRUE(HasViolation(ErrorsOf(nul), "id", "id-form"));
  Json unicode = ValidIndicator();
  unicode["id"] = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd\u0663\u0663";
  EXPECT_TRUE(HasViolation(ErrorsOf(unicode), "id", "id-form"));
  Json accented = ValidIndicator();
  accented["type"] = "indicätor";
  EXPECT_TRUE(HasViolation(ErrorsOf(accented), "type", "type-name"));
}

TEST(StixObjectTest, UpperCaseUuidIsAcceptedWithAWarning) {
  Json indicator = ValidIndicator();
  indicator["id"] = "indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F";
  const auto warnings = WarningsOf(indicator);
  EXPECT_TRUE(HasViolation(warnings, "id", "uuid-case")) << Describe(warnings);
}

TEST(StixObjectTest, DeepCustomContentAndManyReferencesAreLinear) {
  Json deep = Json::object();
  for (int i = 0; i < 3000; ++i) deep = Json::object({{"x_next", std::move(deep)}});
  Json indicator = ValidIndicator();
  indicator["x_deep"] = std::move(deep);
  Json refs = Json::array();
  for (int i = 0; i < 100000; ++i) {
    refs.push_back(FakeIndicatorId(i));
  }
  Json report = Parse(R"({"type":"report","spec_version":"2.1",
    "id":"report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3","created":"2015-12-21T19:59:11.000Z",
    "modified":"2015-12-21T19:59:11.000Z","name":"The Black Vine Cyberespionage Group",
    "published":"2016-01-20T17:00:00.000Z","report_types":["campaign"]})");
  report["object_refs"] = std::move(refs);
  const auto facts = ValidateToFacts(report);
  ASSERT_TRUE(facts.ok()) << facts.error().internal_message();
  EXPECT_EQ(facts->references.size(), 100000u);
  EXPECT_TRUE(ValidateToFacts(indicator).ok());
}

TEST(StixObjectTest, VeryDeepContentHandedInDirectlyIsSafe) {
  // ParseJson caps depth, but Validate may be handed a Json built in code.
  Json file = Parse(R"({"type":"file","id":"file--6e1a44e3-1f5c-5b2c-9b56-5a3f2d9c0a11",
                        "name":"deep.bin"})");
  Json* cursor = &file["extensions"]["extension-definition--a932fcc6-e032-476c-826f-cb970a5a1ade"];
  (*cursor)["extension_type"] = "property-extension";
  for (int i = 0; i < 200000; ++i) cursor = &((*cursor)["x_next"] = Json::object());
  (*cursor)["x_last_ref"] = "not an id";
  const auto errors = ErrorsOf(file);
  ASSERT_EQ(errors.size(), 1u) << Describe(errors);
  EXPECT_EQ(errors[0].rule, "identifier");
  // The path shows both ends of the chain, not 200000 steps.
  EXPECT_LT(errors[0].property.size(), 300u) << errors[0].property;
  EXPECT_TRUE(errors[0].property.ends_with("x_next.x_last_ref")) << errors[0].property;
  const auto id = DeterministicScoId(file);
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(id->starts_with("file--"));
}

TEST(StixObjectTest, TooManyProblemsAreCapped) {
  Json report = Parse(R"({"type":"report","spec_version":"2.1",
    "id":"report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3","created":"2015-12-21T19:59:11.000Z",
    "modified":"2015-12-21T19:59:11.000Z","name":"x","published":"2016-01-20T17:00:00.000Z"})");
  report["object_refs"] = Json::array();
  for (int i = 0; i < 10000; ++i) report["object_refs"].push_back("not an id");
  const auto errors = ErrorsOf(report);
  EXPECT_LE(errors.size(), 101u);
  EXPECT_TRUE(HasViolation(errors, "", "too-many-violations"));
}

// ---- bundles

TEST(StixBundleTest, ReportsEachObjectInOrder) {
  Json bundle = Parse(R"({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
                          "objects": []})");
  bundle["objects"].push_back(ValidIndicator());
  Json broken = ValidIndicator();
  broken["id"] = "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2";
  broken.erase("valid_from");
  bundle["objects"].push_back(broken);
  bundle["objects"].push_back("not an object");
  bundle["objects"].push_back(ValidIndicator());  // the same version again
  Json next = ValidIndicator();
  next["modified"] = "2017-01-01T00:00:00Z";  // a newer version is not a duplicate
  bundle["objects"].push_back(next);

  const auto result = ValidateBundle(bundle);
  ASSERT_TRUE(result.ok()) << result.error().internal_message();
  EXPECT_EQ(result->bundle_id, "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d");
  ASSERT_EQ(result->objects.size(), 5u);
  EXPECT_TRUE(std::holds_alternative<Validated>(result->objects[0]));
  ASSERT_TRUE(std::holds_alternative<Invalid>(result->objects[1]));
  const auto& missing = std::get<Invalid>(result->objects[1]).violations;
  EXPECT_TRUE(HasViolation(missing, "valid_from", "required")) << Describe(missing);
  EXPECT_EQ(missing[0].object_id, "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2");
  ASSERT_TRUE(std::holds_alternative<Invalid>(result->objects[2]));
  EXPECT_EQ(std::get<Invalid>(result->objects[2]).violations[0].rule, "object");
  ASSERT_TRUE(std::holds_alternative<Invalid>(result->objects[3]));
  EXPECT_EQ(std::get<Invalid>(result->objects[3]).violations[0].rule, "duplicate");
  EXPECT_TRUE(std::holds_alternative<Validated>(result->objects[4]));
}

TEST(StixBundleTest, EnvelopeMustBeABundle) {
  EXPECT_FALSE(ValidateBundle(Json::array()).ok());
  EXPECT_FALSE(ValidateBundle(ValidIndicator()).ok());
  EXPECT_FALSE(ValidateBundle(Parse(R"({"type":"bundle"})")).ok());
  EXPECT_FALSE(ValidateBundle(Parse(R"({"type":"bundle","id":"bundle--1"})")).ok());
  EXPECT_FALSE(
      ValidateBundle(
          Parse(
              R"({"type":"bundle","id":"report--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[]})"))
          .ok());
  EXPECT_FALSE(
      ValidateBundle(
          Parse(
              R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":{}})"))
          .ok());
  // STIX 2.1 makes "objects" optional.
  const auto empty = ValidateBundle(
      Parse(R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"})"));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->objects.empty());
}

TEST(StixBundleTest, ObjectsOfTheValidFolderValidateTogether) {
  Json bundle = Parse(R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
                          "objects":[]})");
  const auto folder = std::filesystem::path(STIX_OBJECT_TESTDATA) / "valid";
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    Json object = Parse(text.str());
    if (object.contains("x_options") || object.contains("x_expect_warning")) continue;
    bundle["objects"].push_back(std::move(object));
  }
  const auto result = ValidateBundle(bundle);
  ASSERT_TRUE(result.ok());
  for (const auto& object : result->objects) {
    if (const auto* invalid = std::get_if<Invalid>(&object)) {
      // Two files may hold the same SCO version; nothing else may fail.
      for (const auto& violation : invalid->violations) {
        EXPECT_EQ(violation.rule, "duplicate") << violation.ToString();
      }
    }
  }
}

// ---- the data-driven folders: valid/*.json must validate, each invalid/*.json must fail
// with the violation its "x_expect" names. "x_expect", "x_expect_warning" and
// "x_options" are removed before validating.

ValidationOptions OptionsOf(const Json& test) {
  ValidationOptions options;
  if (const auto it = test.find("x_options"); it != test.end()) {
    options.allow_custom = it->value("allow_custom", true);
    options.strict_vocabularies = it->value("strict_vocabularies", false);
  }
  return options;
}

std::vector<std::filesystem::path> JsonFiles(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Json ReadTest(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = ParseJson(text.str(), {.max_bytes = 8 << 20, .max_depth = 64});
  EXPECT_TRUE(parsed.ok()) << file << ": " << parsed.error().internal_message();
  return parsed.ok() ? *parsed : Json::object();
}

TEST(StixObjectDataTest, ValidObjectsValidate) {
  const auto files = JsonFiles(std::filesystem::path(STIX_OBJECT_TESTDATA) / "valid");
  ASSERT_GE(files.size(), 40u);
  for (const auto& file : files) {
    Json object = ReadTest(file);
    const ValidationOptions options = OptionsOf(object);
    const Json expected_warning = object.value("x_expect_warning", Json());
    object.erase("x_options");
    object.erase("x_expect_warning");
    auto result = Validate(object, options);
    if (auto* invalid = std::get_if<Invalid>(&result)) {
      ADD_FAILURE() << file.filename() << " is invalid:" << Describe(invalid->violations);
      continue;
    }
    const auto& warnings = std::get<Validated>(result).warnings;
    if (expected_warning.is_object()) {
      EXPECT_TRUE(HasViolation(warnings, expected_warning.value("property", ""),
                               expected_warning.value("rule", "")))
          << file.filename() << " lacks warning " << expected_warning.dump() << Describe(warnings);
    } else {
      EXPECT_TRUE(warnings.empty()) << file.filename() << " warns:" << Describe(warnings);
    }
  }
}

TEST(StixObjectDataTest, InvalidObjectsFailWithTheExpectedViolation) {
  const auto files = JsonFiles(std::filesystem::path(STIX_OBJECT_TESTDATA) / "invalid");
  ASSERT_GE(files.size(), 60u);
  for (const auto& file : files) {
    Json object = ReadTest(file);
    const ValidationOptions options = OptionsOf(object);
    const Json expected = object.value("x_expect", Json());
    ASSERT_TRUE(expected.is_object()) << file.filename() << " has no x_expect";
    object.erase("x_expect");
    object.erase("x_options");
    const auto errors = ErrorsOf(object, options);
    EXPECT_TRUE(HasViolation(errors, expected.value("property", ""), expected.value("rule", "")))
        << file.filename() << " expected " << expected.dump() << ", got:" << Describe(errors);
  }
}

}  // namespace
}  // namespace fincyber::stix
