#include "stix/tlp.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "base/ascii.h"

namespace fincyber::stix {
namespace {

struct KnownMarking {
  std::string_view id;
  Tlp level;
};

// Every marking-definition id known to stand for a TLP level. See README.md for the
// table with sources.
constexpr std::array kKnownMarkings = {
    // STIX 2.1 section 7.2.1.4: the TLP 1.0 marking definitions. WHITE is CLEAR in TLP 2.0.
    KnownMarking{"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp::kClear},
    KnownMarking{"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp::kGreen},
    KnownMarking{"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp::kAmber},
    KnownMarking{"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp::kRed},
    // OASIS cti-stix-common-objects, extension-definition-specifications/tlp-2.0: the
    // TLP 2.0 marking definitions (extension-definition--60a3c5c5-...). MISP's misp-stix
    // maps exactly these on import and writes no other TLP 2.0 ids.
    KnownMarking{"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Tlp::kClear},
    KnownMarking{"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", Tlp::kGreen},
    KnownMarking{"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", Tlp::kAmber},
    KnownMarking{"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", Tlp::kAmberStrict},
    KnownMarking{"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Tlp::kRed},
    // OpenCTI (opencti-graphql src/schema/identifier.js, MARKING_TLP_AMBER_STRICT): its own
    // fixed id for TLP:AMBER+STRICT. OpenCTI writes TLP:CLEAR under the TLP 1.0 WHITE id.
    KnownMarking{"marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", Tlp::kAmberStrict},
};

constexpr std::string_view kTlp2ExtensionId =
    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

}  // namespace

std::string_view TlpName(Tlp level) {
  switch (level) {
    case Tlp::kClear:
      return "clear";
    case Tlp::kGreen:
      return "green";
    case Tlp::kAmber:
      return "amber";
    case Tlp::kAmberStrict:
      return "amber+strict";
    case Tlp::kRed:
      return "red";
  }
  return "red";  // unreachable for a valid enum value; the most restrictive is the safe answer
}

std::optional<Tlp> ParseTlpName(std::string_view name) {
  std::string lower = AsciiLower(name);
  // "TLP:AMBER+STRICT" and "tlp:green" are common spellings of the bare level.
  if (lower.starts_with("tlp:")) lower.erase(0, 4);
  if (lower == "clear" || lower == "white") return Tlp::kClear;
  if (lower == "green") return Tlp::kGreen;
  if (lower == "amber") return Tlp::kAmber;
  if (lower == "amber+strict") return Tlp::kAmberStrict;
  if (lower == "red") return Tlp::kRed;
  return std::nullopt;
}

std::optional<Tlp> TlpOfMarking(std::string_view marking_definition_id) {
  for (const auto& known : kKnownMarkings) {
    if (known.id == marking_definition_id) return known.level;
  }
  return std::nullopt;
}

std::optional<Tlp> TlpOfMarkingDefinition(const Json& marking_definition) {
  if (!marking_definition.is_object()) return std::nullopt;
  const std::string* definition_type = FindString(marking_definition, "definition_type");
  if (definition_type != nullptr && *definition_type == "tlp") {
    const auto definition = marking_definition.find("definition");
    if (definition != marking_definition.end() && definition->is_object()) {
      if (const std::string* tlp = FindString(*definition, "tlp")) return ParseTlpName(*tlp);
    }
  }
  const auto extensions = marking_definition.find("extensions");
  if (extensions != marking_definition.end() && extensions->is_object()) {
    const auto tlp2 = extensions->find(kTlp2ExtensionId);
    if (tlp2 != extensions->end() && tlp2->is_object()) {
      if (const std::string* level = FindString(*tlp2, "tlp_2_0")) return ParseTlpName(*level);
    }
  }
  const std::string* opencti_type = FindString(marking_definition, "x_opencti_definition_type");
  const std::string* opencti_definition = FindString(marking_definition, "x_opencti_definition");
  if (opencti_type != nullptr && opencti_definition != nullptr &&
      AsciiLower(*opencti_type) == "tlp") {
    return ParseTlpName(*opencti_definition);
  }
  return std::nullopt;
}

std::optional<Tlp> MostRestrictiveTlp(const std::vector<std::string>& marking_refs) {
  std::optional<Tlp> most;
  for (const auto& ref : marking_refs) {
    const auto level = TlpOfMarking(ref);
    if (level && (!most || *level > *most)) most = level;
  }
  return most;
}

std::optional<Tlp> TlpOfObject(const Json& object) {
  if (!object.is_object()) return std::nullopt;
  const auto refs = object.find("object_marking_refs");
  if (refs == object.end() || !refs->is_array()) return std::nullopt;
  std::vector<std::string> marking_refs;
  for (const Json& ref : *refs) {
    if (ref.is_string()) marking_refs.push_back(ref.get<std::string>());
  }
  return MostRestrictiveTlp(marking_refs);
}

std::string_view Tlp2MarkingId(Tlp level) {
  switch (level) {
    case Tlp::kClear:
      return "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
    case Tlp::kGreen:
      return "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
    case Tlp::kAmber:
      return "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
    case Tlp::kAmberStrict:
      return "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
    case Tlp::kRed:
      return "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
  }
  return "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
}

}  // namespace fincyber::stix
