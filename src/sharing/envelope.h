// Splitting a TAXII envelope or STIX bundle into its objects, keeping for each the
// exact bytes it had in the text, so that the hub stores and serves what was sent.
// Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "stix/tlp.h"

namespace fincyber::sharing {

struct IncomingObject {
  Json object;      // parsed
  std::string raw;  // the same object's bytes in the envelope
  // The TLP of the object when it carries no TLP marking, instead of the collection's
  // default: a federation pull knows better than the local default.
  std::optional<stix::Tlp> tlp_if_unmarked = std::nullopt;
};

// The elements of the top-level "objects" array (empty when absent). Errors:
// InvalidArgument for malformed JSON, a top level that is not an object, "objects"
// that is not an array, or an element that is not an object (naming its index);
// ResourceExhausted beyond limits.max_bytes.
Result<std::vector<IncomingObject>> SplitObjects(std::string_view text, const JsonLimits& limits);

}  // namespace fincyber::sharing
