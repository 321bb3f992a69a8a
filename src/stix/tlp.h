// Traffic Light Protocol: the level a marking-definition id stands for. Markings
// arrive under several ids in the wild (the STIX 2.1 TLP 1.0 objects, the OASIS TLP
// 2.0 extension's objects, and other tools' own ids for AMBER+STRICT and CLEAR); every
// known one maps to its level here, and anything else is not a TLP marking.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "base/json.h"

namespace fincyber::stix {

// Ordered from least to most restrictive.
enum class Tlp { kClear = 0, kGreen = 1, kAmber = 2, kAmberStrict = 3, kRed = 4 };

std::string_view TlpName(Tlp level);  // "clear", "green", "amber", "amber+strict", "red"
// Case-insensitive; "white" = clear; a "TLP:" prefix is allowed ("TLP:AMBER+STRICT").
std::optional<Tlp> ParseTlpName(std::string_view name);

// The level a marking-definition id stands for, or nullopt when it is not a known TLP
// marking.
std::optional<Tlp> TlpOfMarking(std::string_view marking_definition_id);

// The level a marking-definition object declares by its content, whatever its id: the
// STIX 2.1 "tlp" definition_type, the OASIS TLP 2.0 extension's tlp_2_0 property, or
// OpenCTI's x_opencti_definition_type "TLP" with x_opencti_definition "TLP:...".
// nullopt when the object declares no TLP level (e.g. a statement marking).
std::optional<Tlp> TlpOfMarkingDefinition(const Json& marking_definition);

// The most restrictive TLP level among `marking_refs`, nullopt when none is TLP.
std::optional<Tlp> MostRestrictiveTlp(const std::vector<std::string>& marking_refs);

// The most restrictive TLP level among an object's `object_marking_refs` (strings only),
// nullopt when it has none or the property is not a list.
std::optional<Tlp> TlpOfObject(const Json& object);

// The official TLP 2.0 marking-definition id for a level, to write on objects.
std::string_view Tlp2MarkingId(Tlp level);

}  // namespace fincyber::stix
