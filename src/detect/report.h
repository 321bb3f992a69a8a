// What a scan reports: a JSON line per match, and a STIX 2.1 bundle of sightings.
//
// Match line: {"file", "line" (1-based), "offset" (byte offset in the decompressed input
// of the matched text, or of the record when the match is in a decoded value), "indicator"
// (its id), "kind" (domain, url, ipv4, ipv6, email, hash), "observable" (the indicator's
// normalised value), "matched" (the text in the record; absent when not located),
// "time" (the record's time, RFC 3339, when the log has one), "record" (the line, cut at
// the record limit, invalid UTF-8 replaced), "record_truncated" (when cut)}.
//
// Sightings: one `sighting` per indicator seen whose id is a STIX identifier
// ("indicator--<UUID>"; CSV rows without an id have none and are left out), with
// sighting_of_ref, count (the matching records, at most 999,999,999 as STIX allows),
// first_seen and last_seen (the records' own times when the log has them, otherwise when
// the scan found them), and where_sighted_refs and created_by_ref set to the identity.
// Reported again as the counts grow (follow mode), a sighting keeps its id and created
// time and gets a later `modified`: a new version of the same sighting, so that a hub
// counting the newest versions counts each record once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "detect/matcher.h"
#include "detect/scan.h"

namespace fincyber::detect {

std::string_view KindName(stix::ObservableKind kind);

// `match.matcher` must be set (Scan sets it).
std::string MatchToJsonLine(std::string_view file, const Match& match);

// True for "<type>--<UUID>" (lower-case hex, 8-4-4-4-12).
bool IsStixIdentifier(std::string_view id, std::string_view type);

struct SightingOptions {
  std::string identity;  // "identity--<UUID>" of the institution; empty: not stated
  std::int64_t now_millis = 0;               // modified (and created, unless created_millis)
  std::optional<std::int64_t> created_millis;  // created, when earlier than now
  std::function<std::string()> new_uuid;     // random UUIDs for the new objects
  // The id of the sighting of an indicator; empty: a new "sighting--<UUID>" each time.
  std::function<std::string(std::string_view indicator_id)> sighting_id;
};

struct SightingsResult {
  Json bundle;
  std::uint64_t sightings = 0;
  std::uint64_t without_stix_id = 0;  // seen indicators left out
};

SightingsResult SightingsBundle(const std::vector<IndicatorSighting>& sightings,
                                const SightingOptions& options);

}  // namespace fincyber::detect
