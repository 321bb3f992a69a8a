#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stix/tlp.h"

namespace fincyber::stix {
namespace {

struct KnownId {
  const char* id;
  Tlp level;
};

// Every id tlp.cc knows, each with its source (see README.md).
const KnownId kKnownIds[] = {
    // STIX 2.1 section 7.2.1.4 (TLP 1.0).
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp::kClear},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp::kGreen},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp::kAmber},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp::kRed},
    // OASIS TLP 2.0 extension.
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Tlp::kClear},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", Tlp::kGreen},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", Tlp::kAmber},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", Tlp::kAmberStrict},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Tlp::kRed},
    // OpenCTI's AMBER+STRICT.
    {"marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", Tlp::kAmberStrict},
};

TEST(StixTlpTest, EveryKnownIdMapsToItsLevel) {
  for (const auto& known : kKnownIds) {
    EXPECT_EQ(TlpOfMarking(known.id), known.level) << known.id;
  }
}

TEST(StixTlpTest, UnknownIdsAndNearMissesAreNotTlp) {
  EXPECT_EQ(TlpOfMarking("marking-definition--00000000-0000-4000-8000-000000000000"), std::nullopt);
  // Upper case, a missing prefix and a trailing space are different ids.
  EXPECT_EQ(TlpOfMarking("marking-definition--613F2E26-407D-48C7-9ECA-B8E91DF99DC9"), std::nullopt);
  EXPECT_EQ(TlpOfMarking("613f2e26-407d-48c7-9eca-b8e91df99dc9"), std::nullopt);
  EXPECT_EQ(TlpOfMarking("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9 "),
            std::nullopt);
  EXPECT_EQ(TlpOfMarking(""), std::nullopt);
}

TEST(StixTlpTest, Tlp2IdsAreTheOasisOnesAndMapBack) {
  for (const Tlp level : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    EXPECT_EQ(TlpOfMarking(Tlp2MarkingId(level)), level) << TlpName(level);
  }
  EXPECT_EQ(Tlp2MarkingId(Tlp::kAmberStrict),
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
  EXPECT_EQ(Tlp2MarkingId(Tlp::kClear), "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487");
}

TEST(StixTlpTest, NamesRoundTripAndAcceptCommonSpellings) {
  for (const Tlp level : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    EXPECT_EQ(ParseTlpName(TlpName(level)), level);
  }
  EXPECT_EQ(ParseTlpName("WHITE"), Tlp::kClear);
  EXPECT_EQ(ParseTlpName("TLP:AMBER+STRICT"), Tlp::kAmberStrict);
  EXPECT_EQ(ParseTlpName("tlp:green"), Tlp::kGreen);
  EXPECT_EQ(ParseTlpName("amber strict"), std::nullopt);
  EXPECT_EQ(ParseTlpName("tlp:"), std::nullopt);
  EXPECT_EQ(ParseTlpName(""), std::nullopt);
}

TEST(StixTlpTest, MostRestrictiveIgnoresNonTlpMarkings) {
  const std::vector<std::string> refs = {
      "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",  // green (1.0)
      "marking-definition--00000000-0000-4000-8000-000000000000",  // a statement
      "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",  // amber+strict (OpenCTI)
      "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",  // amber (2.0)
  };
  EXPECT_EQ(MostRestrictiveTlp(refs), Tlp::kAmberStrict);
  EXPECT_EQ(MostRestrictiveTlp({"marking-definition--00000000-0000-4000-8000-000000000000"}),
            std::nullopt);
  EXPECT_EQ(MostRestrictiveTlp({}), std::nullopt);
  EXPECT_LT(Tlp::kClear, Tlp::kGreen);
  EXPECT_LT(Tlp::kAmber, Tlp::kAmberStrict);
  EXPECT_LT(Tlp::kAmberStrict, Tlp::kRed);
}

TEST(StixTlpTest, AnObjectsLevelIsTheMostRestrictiveOfItsStringMarkingRefs) {
  const Json object = {{"type", "indicator"},
                       {"object_marking_refs",
                        {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", 42,
                         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"}}};
  EXPECT_EQ(TlpOfObject(object), Tlp::kRed) << "a non-string entry is skipped";
  EXPECT_EQ(TlpOfObject({{"type", "indicator"}}), std::nullopt);
  EXPECT_EQ(TlpOfObject({{"object_marking_refs",
                          "marking-definition--e828b379-4e03-4974-9ac4-"
                          "e53a884c97c1"}}),
            std::nullopt)
      << "not a list";
  EXPECT_EQ(TlpOfObject({{"object_marking_refs",
                          {"marking-definition--00000000-0000-4000-8000-000000000000"}}}),
            std::nullopt)
      << "a statement marking only";
  EXPECT_EQ(TlpOfObject(Json::array()), std::nullopt);
}

TEST(StixTlpTest, MarkingDefinitionContentDeclaresItsLevel) {
  // TLP 1.0 form.
  EXPECT_EQ(TlpOfMarkingDefinition(Json::parse(R"({"type":"marking-definition",
      "definition_type":"tlp","definition":{"tlp":"amber"}})")),
            Tlp::kAmber);
  // The TLP 2.0 extension form, as OASIS publishes it.
  EXPECT_EQ(TlpOfMarkingDefinition(Json::parse(R"({"type":"marking-definition",
      "id":"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003","name":"TLP:AMBER+STRICT",
      "extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
        {"extension_type":"property-extension","tlp_2_0":"amber+strict"}}})")),
            Tlp::kAmberStrict);
  // OpenCTI's statement-shaped AMBER+STRICT under any id.
  EXPECT_EQ(TlpOfMarkingDefinition(Json::parse(R"({"type":"marking-definition",
      "definition_type":"statement","definition":{"statement":"custom"},
      "x_opencti_definition_type":"TLP","x_opencti_definition":"TLP:AMBER+STRICT"})")),
            Tlp::kAmberStrict);
  // A plain statement, and wrong shapes, declare nothing.
  EXPECT_EQ(TlpOfMarkingDefinition(Json::parse(R"({"type":"marking-definition",
      "definition_type":"statement","definition":{"statement":"Copyright 2024"}})")),
            std::nullopt);
  EXPECT_EQ(TlpOfMarkingDefinition(Json::parse(R"({"definition_type":"tlp","definition":"red"})")),
            std::nullopt);
  EXPECT_EQ(TlpOfMarkingDefinition(Json::parse(R"({"definition_type":"tlp",
      "definition":{"tlp":"purple"}})")),
            std::nullopt);
  EXPECT_EQ(TlpOfMarkingDefinition(Json::array()), std::nullopt);
}

}  // namespace
}  // namespace fincyber::stix
