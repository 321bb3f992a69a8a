// MISP feeds → STIX 2.1.
//
// A MISP feed is a folder (or the same files under a URL): `manifest.json`, an object of
// event UUID → {"info", "date", "timestamp", "threat_level_id", "Orgc", "Tag", ...}, and
// one `<uuid>.json` per event, `{"Event": {"uuid", "info", "timestamp",
// "publish_timestamp", "Orgc", "Tag": [...], "Attribute": [...], "Object": [...]}}`.
// (`hashes.csv`, MD5s of attribute values for MISP's own lookups, is not needed.)
//
// Each event becomes:
// - an `identity` for its creating organisation (`identity--<Orgc uuid>`), unless the
//   options name the creator;
// - for each attribute with to_ids set, an `indicator--<attribute uuid>` whose pattern
//   states the attribute (table below), valid from its first_seen or its timestamp;
// - for each other attribute, `observed-data--<attribute uuid>` referring to SCOs with
//   deterministic ids (STIX 2.1 UUIDv5), as MISP records sightings of data, not
//   detections; turned off by `include_observed_data = false`;
// - a `report--<event uuid>` named after the event's info, published at its
//   publish_timestamp, referring to all of the above.
// Attributes inside MISP objects are converted one by one, like top-level ones (with
// x_misp_object_name set), so that every hash, address or name can be matched alone.
// Tags "tlp:*" become TLP 2.0 markings (the attribute's own, else the event's, else the
// options' default); other tags become labels. Attributes of types without a mapping,
// deleted ones and ones with bad values are reported through the note handler, not lost
// silently. The MISP type and category are kept as x_misp_type and x_misp_category.
//
//   domain, hostname          [domain-name:value = '…']
//   url                       [url:value = '…']
//   ip-src, ip-dst            [ipv4-addr:value = '…'] or ipv6-addr (CIDR allowed)
//   ip-src|port, ip-dst|port  [network-traffic:src_ref.value = '…' AND
//                              network-traffic:src_port = n] (dst_* for ip-dst)
//   hostname|port             [network-traffic:dst_ref.value = '…' AND …dst_port = n]
//   domain|ip                 [domain-name:value = '…' AND
//                              domain-name:resolves_to_refs[*].value = '…']
//   email, email-src, email-dst, target-email
//                             [email-addr:value = '…'] (the address, whichever side: a
//                              matcher looks for it in any header)
//   email-subject             [email-message:subject = '…']
//   md5, sha1, sha224, sha256, sha384, sha512, ssdeep, tlsh
//                             [file:hashes.'SHA-256' = '…'] etc.
//   filename                  [file:name = '…']
//   filename|<hash>           [file:name = '…' AND file:hashes.<hash> = '…']
//   mutex                     [mutex:name = '…']
//   AS                        [autonomous-system:number = n]
//   regkey                    [windows-registry-key:key = '…']
//   mac-address               [mac-addr:value = '…']
//   link                      an external reference of the report
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/outbound_http.h"
#include "base/result.h"
#include "stix/tlp.h"

namespace fincyber::sharing {

struct MispImportOptions {
  std::optional<stix::Tlp> default_tlp;  // for events and attributes without a tlp tag
  // Set on every object instead of the event's organisation (which is then not emitted).
  std::string created_by_ref;
  bool include_observed_data = true;
  std::size_t max_event_bytes = 64 << 20;
  std::size_t max_manifest_bytes = 64 << 20;
  // Feed import: only events whose manifest timestamp (Unix seconds) is later.
  std::optional<std::int64_t> since;
};

// Something not converted: an attribute (event and attribute uuid set), a whole event
// (attribute_uuid empty) or a manifest entry.
struct MispNote {
  std::string event_uuid;
  std::string attribute_uuid;
  std::string message;
  std::string ToString() const;
};

struct MispEventSummary {
  std::string report_id;  // "" when the event produced nothing
  std::uint64_t objects = 0;
  std::uint64_t indicators = 0;
  std::uint64_t observed_data = 0;
  std::uint64_t skipped_attributes = 0;
};

// Receives each STIX object; referenced objects come before the objects referring to
// them (identity, SCOs, indicators and observed-data, the report last). An error stops
// the conversion and is returned.
using StixObjectHandler = std::function<Status(Json object)>;
using MispNoteHandler = std::function<void(const MispNote&)>;

// Converts one event document ({"Event": {...}}). InvalidArgument naming the problem
// when the document is not a MISP event (no Event object, no valid uuid, a timestamp
// that is not Unix seconds). An event from which nothing could be converted is reported
// as a note and yields an empty summary.
Result<MispEventSummary> ConvertMispEvent(const Json& document, const MispImportOptions& options,
                                          const StixObjectHandler& on_object,
                                          const MispNoteHandler& on_note);

// The bytes of one file of a feed by name ("manifest.json", "<uuid>.json"). NotFound
// when the feed has no such file; ResourceExhausted when it is larger than `max_bytes`.
using MispFeedFetcher =
    std::function<Result<std::string>(std::string_view file_name, std::size_t max_bytes)>;

// A feed in a local folder.
MispFeedFetcher MispFeedFromDirectory(std::filesystem::path directory);
// A feed under a URL ("https://feeds.example/misp/"), fetched with `http`, which must
// outlive the fetcher. HTTP 404 is NotFound, other non-2xx statuses Unavailable.
MispFeedFetcher MispFeedFromUrl(OutboundHttp& http, std::string base_url,
                                std::chrono::milliseconds timeout = std::chrono::seconds(60));

struct MispFeedProgress {
  std::uint64_t events_done = 0;
  std::uint64_t events_total = 0;
};

struct MispFeedSummary {
  std::uint64_t events = 0;         // converted
  std::uint64_t failed_events = 0;  // reported as notes
  std::uint64_t objects = 0;
  // The newest manifest timestamp among the events converted: pass it as `since` next
  // time to fetch only what is new. Events are converted oldest first, so after an
  // interruption it is still a safe place to resume.
  std::optional<std::int64_t> newest_timestamp;
};

// Reads the manifest and converts its events oldest first, one at a time. A missing or
// broken event file is a note and the import goes on; a broken manifest is
// InvalidArgument; a fetch error other than NotFound, InvalidArgument or
// ResourceExhausted (the feed is unreachable) stops the import and is returned, as does
// an error from `on_object`.
Result<MispFeedSummary> ImportMispFeed(
    const MispFeedFetcher& fetch, const MispImportOptions& options,
    const StixObjectHandler& on_object, const MispNoteHandler& on_note,
    const std::function<void(const MispFeedProgress&)>& on_progress = {});

}  // namespace fincyber::sharing
