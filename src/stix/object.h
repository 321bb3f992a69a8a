// STIX 2.1 objects: validation of one object or a bundle against the specification,
// and the facts about an object that storage, access control and correlation need.
// Pure: no I/O. Every error names the object, the property and the rule broken.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "stix/pattern.h"

namespace fincyber::stix {

// One rule broken by one object, e.g. {"indicator--1b…", "valid_from",
// "timestamp", "'2024-13-01T00:00:00Z' is not an RFC 3339 timestamp"}.
struct Violation {
  std::string object_id;  // as given, or "" when the object has no usable id
  std::string property;   // dotted path, e.g. "external_references[2].url"
  std::string rule;       // short stable rule name: "required", "id-form", "timestamp", ...
  std::string message;    // one sentence for a human
  std::string ToString() const;
};

enum class Category { kSdo, kSro, kSco, kMeta, kCustom };  // meta: marking-definition,
                                                           // language-content, extension-definition

// Microseconds since the Unix epoch (UTC). STIX allows any sub-second precision;
// microseconds are kept, which is what the hub stores and TAXII reports.
using Timestamp = std::int64_t;
Result<Timestamp> ParseTimestamp(std::string_view rfc3339);  // InvalidArgument when malformed
std::string FormatTimestamp(Timestamp micros);  // "2024-05-01T12:00:00.123456Z" (always 6 digits)

// What the hub indexes about a valid object.
struct ObjectFacts {
  std::string id;
  std::string type;
  std::string spec_version;     // "2.1"
  Category category = Category::kCustom;
  std::optional<Timestamp> created;   // absent for SCOs
  std::optional<Timestamp> modified;  // absent for SCOs and marking-definitions
  bool revoked = false;
  std::string created_by_ref;                 // "" when absent
  std::vector<std::string> object_marking_refs;
  std::vector<std::string> granular_marking_refs;
  std::vector<std::string> labels;
  // Every identifier the object points to (any *_ref / *_refs property, at any depth,
  // incl. source_ref/target_ref of relationships and sighting_of_ref), deduplicated.
  std::vector<std::string> references;
  std::string name;  // name or value or pattern, for display and search; may be ""
};

struct ValidationOptions {
  // Custom object types and x_ properties are accepted (the specification allows them);
  // set false to reject them.
  bool allow_custom = true;
  // Open-vocabulary values outside the suggested list are warnings, not errors; so are
  // hash names outside hashing-algorithm-ov and dictionary keys with characters the
  // specification does not list. true makes them errors.
  bool strict_vocabularies = false;
};

struct Validated {
  ObjectFacts facts;
  std::vector<Violation> warnings;  // e.g. an unknown open-vocabulary value
  // An indicator's STIX pattern, as parsed to validate it: its observables need no
  // second parse (ObservablesOf).
  std::optional<Pattern> pattern;
};

// Validates one object (common properties, per-type required properties and types,
// id form and, for SCOs, that a deterministic UUIDv5 id agrees with its
// contributing properties when those are present, timestamps with modified >= created,
// closed vocabularies, patterns of indicators, references' types).
// On failure returns every violation found (not only the first).
struct Invalid {
  std::vector<Violation> violations;
};
std::variant<Validated, Invalid> Validate(const Json& object, const ValidationOptions& options = {});

// Convenience: InvalidArgument with the first violations joined, or the facts.
Result<ObjectFacts> ValidateToFacts(const Json& object, const ValidationOptions& options = {});

// A bundle (STIX 2.1 section 8): the envelope's id and one result per element of its
// "objects" list, in order, so that the good objects can be stored and each bad one
// reported. An object whose id and modified repeat an earlier one in the same bundle is
// Invalid (rule "duplicate"). InvalidArgument when the envelope itself is not a bundle
// (not an object, type not "bundle", id not "bundle--<UUID>", objects not a list).
struct BundleValidation {
  std::string bundle_id;
  std::vector<std::variant<Validated, Invalid>> objects;
};
Result<BundleValidation> ValidateBundle(const Json& bundle,
                                        const ValidationOptions& options = {});

// Deterministic id for a SCO from its id-contributing properties (UUIDv5 in the STIX
// namespace 00abedb4-aa42-466c-9c01-fed23315a9b7 over the canonical JSON of those
// properties), e.g. "domain-name--…". InvalidArgument when the type is not a SCO.
Result<std::string> DeterministicScoId(const Json& sco);

// Canonical JSON (RFC 8785, the JSON Canonicalization Scheme): the bytes a deterministic
// id hashes. Objects are stored as received; this is not a storage format.
std::string Serialise(const Json& value);

// True when `candidate` is a newer version of `current` (same id, later modified).
bool IsNewerVersion(const ObjectFacts& candidate, const ObjectFacts& current);

// A new random STIX id for `type` ("indicator--<UUIDv4>").
std::string NewId(std::string_view type);

}  // namespace fincyber::stix
