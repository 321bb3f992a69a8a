#include "detect/report.h"

#include <algorithm>

#include "base/clock.h"

namespace fincyber::detect {
namespace {

constexpr std::uint64_t kMaxSightingCount = 999'999'999;

std::string Timestamp(std::int64_t millis) { return FormatRfc3339(FromUnixMillis(millis)); }

}  // namespace

std::string_view KindName(stix::ObservableKind kind) {
  switch (kind) {
    case stix::ObservableKind::kDomain: return "domain";
    case stix::ObservableKind::kUrl: return "url";
    case stix::ObservableKind::kIpv4: return "ipv4";
    case stix::ObservableKind::kIpv6: return "ipv6";
    case stix::ObservableKind::kEmail: return "email";
    case stix::ObservableKind::kHash: return "hash";
    case stix::ObservableKind::kOther: return "other";
  }
  return "other";
}

std::string MatchToJsonLine(std::string_view file, const Match& match) {
  const Matcher& matcher = *match.matcher;
  Json line = Json::object();
  line["file"] = file;
  line["line"] = match.line;
  const bool located = match.hit.length > 0;
  line["offset"] = match.offset + (located ? match.hit.offset : 0);
  line["indicator"] = matcher.IndicatorId(match.hit.indicator);
  line["kind"] = KindName(matcher.ObservableKind(match.hit.observable));
  line["observable"] = matcher.ObservableValue(match.hit.observable);
  if (located && match.hit.offset < match.record.size()) {
    line["matched"] = match.record.substr(match.hit.offset, match.hit.length);
  }
  if (match.log_time_millis) line["time"] = Timestamp(*match.log_time_millis);
  line["record"] = match.record;
  if (match.record_truncated) line["record_truncated"] = true;
  return DumpJson(line);
}

bool IsStixIdentifier(std::string_view id, std::string_view type) {
  if (id.size() != type.size() + 2 + 36 || !id.starts_with(type) ||
      id.substr(type.size(), 2) != "--") {
    return false;
  }
  const std::string_view uuid = id.substr(type.size() + 2);
  for (std::size_t i = 0; i < uuid.size(); ++i) {
    const char c = uuid[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

SightingsResult SightingsBundle(const std::vector<IndicatorSighting>& sightings,
                                const SightingOptions& options) {
  SightingsResult result;
  Json objects = Json::array();
  const std::string now = Timestamp(options.now_millis);
  const std::string created =
      Timestamp(std::min(options.created_millis.value_or(options.now_millis), options.now_millis));
  for (const IndicatorSighting& sighting : sightings) {
    const std::string& id = sighting.indicator_id;
    if (!IsStixIdentifier(id, "indicator")) {
      ++result.without_stix_id;
      continue;
    }
    Json object = {{"type", "sighting"},
                   {"spec_version", "2.1"},
                   {"id", options.sighting_id ? options.sighting_id(id)
                                              : "sighting--" + options.new_uuid()},
                   {"created", created},
                   {"modified", now},
                   {"sighting_of_ref", id},
                   {"count", std::min(sighting.count, kMaxSightingCount)},
                   {"first_seen", Timestamp(sighting.first_millis)},
                   {"last_seen", Timestamp(sighting.last_millis)}};
    if (!options.identity.empty()) {
      object["created_by_ref"] = options.identity;
      object["where_sighted_refs"] = Json::array({options.identity});
    }
    objects.push_back(std::move(object));
    ++result.sightings;
  }
  result.bundle = {{"type", "bundle"},
                   {"id", "bundle--" + options.new_uuid()},
                   {"objects", std::move(objects)}};
  return result;
}

}  // namespace fincyber::detect
