#include "sharing/convert_misp.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "base/ascii.h"
#include "base/clock.h"
#include "base/json.h"
#include "sharing/convert_indicator.h"
#include "stix/object.h"
#include "stix/observable.h"

namespace fincyber::sharing {
namespace {

constexpr std::size_t kMaxValueBytes = 64 * 1024;
constexpr int kMaxEventDepth = 32;
// 9999-12-31T23:59:59Z: the last second an RFC 3339 timestamp can show.
constexpr std::int64_t kMaxUnixSeconds = 253402300799;

// A MISP UUID in canonical lower-case form, or nullopt.
std::optional<std::string> CanonicalUuid(const Json& value) {
  if (!value.is_string()) return std::nullopt;
  std::string uuid = AsciiLower(value.get<std::string>());
  if (!IsStixIdOfType("x--" + uuid, "x")) return std::nullopt;
  return uuid;
}

// MISP writes Unix seconds as strings ("1603642920"), older exports as numbers.
std::optional<std::int64_t> UnixSeconds(const Json& value) {
  std::int64_t seconds = -1;
  if (value.is_number_unsigned() || value.is_number_integer()) {
    seconds = value.get<std::int64_t>();
  } else if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (seconds < 0 || seconds > kMaxUnixSeconds) return std::nullopt;
  return seconds;
}

stix::Timestamp FromSeconds(std::int64_t seconds) { return seconds * 1'000'000; }

// first_seen / last_seen: ISO 8601 with an offset, "2020-10-25T16:22:00.000000+00:00".
std::optional<stix::Timestamp> SeenTime(const Json& attribute, std::string_view field) {
  const auto it = attribute.find(field);
  if (it == attribute.end() || !it->is_string()) return std::nullopt;
  std::string text = it->get<std::string>();
  if (text.ends_with("+00:00")) text.replace(text.size() - 6, 6, "Z");
  if (auto exact = stix::ParseTimestamp(text); exact.ok()) return *exact;
  if (auto time = ParseRfc3339(text)) return ToUnixMillis(*time) * 1000;
  return std::nullopt;
}

bool ToIds(const Json& attribute) {
  const auto it = attribute.find("to_ids");
  if (it == attribute.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_number()) return it->get<double>() != 0;
  if (it->is_string()) return *it == "1" || AsciiLower(it->get<std::string>()) == "true";
  return false;
}

bool IsTrue(const Json& object, std::string_view field) {
  const auto it = object.find(field);
  if (it == object.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  return it->is_string() && *it == "1";
}

struct Tags {
  std::optional<stix::Tlp> tlp;
  std::vector<std::string> labels;
};

Tags ReadTags(const Json& holder) {
  Tags tags;
  const auto it = holder.find("Tag");
  if (it == holder.end() || !it->is_array()) return tags;
  for (const Json& tag : *it) {
    if (!tag.is_object()) continue;
    const std::string name = StringMember(tag, "name");
    if (name.empty()) continue;
    if (AsciiLower(name).starts_with("tlp:")) {
      if (const auto level = stix::ParseTlpName(name)) {
        if (!tags.tlp || *level > *tags.tlp) tags.tlp = level;
        continue;
      }
    }
    tags.labels.push_back(name);
  }
  return tags;
}

// What one attribute says in STIX: the comparisons of its pattern (ANDed in one
// observation) and the SCOs that record it, referenced ones first.
struct Mapped {
  std::vector<std::string> comparisons;
  std::vector<Json> scos;
};

Result<Json> WithScoId(Json sco) {
  sco["spec_version"] = "2.1";
  FC_ASSIGN_OR_RETURN(std::string id, stix::DeterministicScoId(sco));
  sco["id"] = std::move(id);
  return sco;
}

// A normalised value and its comparison.
struct Fact {
  std::string value;
  std::string comparison;
};

Result<Fact> MakeFact(std::string_view type, std::string_view path, std::string_view value) {
  FC_ASSIGN_OR_RETURN(stix::Observable observable, stix::NormaliseObservable(type, path, value));
  std::string comparison =
      fmt::format("{}:{} = {}", type, path, PatternStringLiteral(observable.value));
  return Fact{std::move(observable.value), std::move(comparison)};
}

std::string_view AddressType(std::string_view value) {
  return value.find(':') == std::string_view::npos ? "ipv4-addr" : "ipv6-addr";
}

struct HashType {
  std::string_view misp;
  std::string_view algorithm;  // hash-algorithm-ov
  std::string_view path;
};
constexpr std::array<HashType, 8> kHashTypes = {{
    {"md5", "MD5", "hashes.MD5"},
    {"sha1", "SHA-1", "hashes.'SHA-1'"},
    {"sha224", "SHA-224", "hashes.'SHA-224'"},
    {"sha256", "SHA-256", "hashes.'SHA-256'"},
    {"sha384", "SHA-384", "hashes.'SHA-384'"},
    {"sha512", "SHA-512", "hashes.'SHA-512'"},
    {"ssdeep", "SSDEEP", "hashes.SSDEEP"},
    {"tlsh", "TLSH", "hashes.TLSH"},
}};

const HashType* FindHashType(std::string_view misp_type) {
  for (const HashType& hash : kHashTypes) {
    if (hash.misp == misp_type) return &hash;
  }
  return nullptr;
}

Result<std::pair<std::string_view, std::string_view>> SplitComposite(std::string_view value,
                                                                     bool at_last) {
  const std::size_t bar = at_last ? value.rfind('|') : value.find('|');
  if (bar == std::string_view::npos) {
    return InvalidArgument("a composite value needs two parts separated by '|'");
  }
  return std::make_pair(value.substr(0, bar), value.substr(bar + 1));
}

Result<int> Port(std::string_view text) {
  int port = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port < 0 || port > 65535) {
    return InvalidArgument(fmt::format("'{}' is not a port number", text.substr(0, 20)));
  }
  return port;
}

// A single-valued SCO type: the comparison on `property` and the SCO {type, property}.
Result<Mapped> Simple(std::string_view sco_type, std::string_view property,
                      std::string_view value) {
  FC_ASSIGN_OR_RETURN(Fact fact, MakeFact(sco_type, property, value));
  FC_ASSIGN_OR_RETURN(Json sco,
                      WithScoId({{"type", sco_type}, {std::string(property), fact.value}}));
  return Mapped{{std::move(fact.comparison)}, {std::move(sco)}};
}

Result<Mapped> MapAttribute(std::string_view type, std::string_view value) {
  if (type == "domain" || type == "hostname") return Simple("domain-name", "value", value);
  if (type == "url") return Simple("url", "value", value);
  if (type == "ip-src" || type == "ip-dst") return Simple(AddressType(value), "value", value);
  if (type == "email" || type == "email-src" || type == "email-dst" || type == "target-email") {
    return Simple("email-addr", "value", value);
  }
  if (type == "mac-address") return Simple("mac-addr", "value", value);
  if (type == "mutex") return Simple("mutex", "name", value);
  if (type == "regkey") return Simple("windows-registry-key", "key", value);
  if (type == "filename") return Simple("file", "name", value);
  if (type == "email-subject") {
    FC_ASSIGN_OR_RETURN(Fact fact, MakeFact("email-message", "subject", value));
    FC_ASSIGN_OR_RETURN(
        Json sco,
        WithScoId({{"type", "email-message"}, {"is_multipart", false}, {"subject", fact.value}}));
    return Mapped{{std::move(fact.comparison)}, {std::move(sco)}};
  }
  if (const HashType* hash = FindHashType(type)) {
    FC_ASSIGN_OR_RETURN(Fact fact, MakeFact("file", hash->path, value));
    FC_ASSIGN_OR_RETURN(Json sco,
                        WithScoId({{"type", "file"}, {"hashes", {{hash->algorithm, fact.value}}}}));
    return Mapped{{std::move(fact.comparison)}, {std::move(sco)}};
  }
  if (type.starts_with("filename|")) {
    const HashType* hash = FindHashType(type.substr(9));
    if (hash == nullptr) return InvalidArgument(fmt::format("no mapping for MISP type '{}'", type));
    FC_ASSIGN_OR_RETURN(auto parts, SplitComposite(value, false));
    FC_ASSIGN_OR_RETURN(Fact name, MakeFact("file", "name", parts.first));
    FC_ASSIGN_OR_RETURN(Fact digest, MakeFact("file", hash->path, parts.second));
    FC_ASSIGN_OR_RETURN(Json sco, WithScoId({{"type", "file"},
                                             {"name", name.value},
                                             {"hashes", {{hash->algorithm, digest.value}}}}));
    return Mapped{{std::move(name.comparison), std::move(digest.comparison)}, {std::move(sco)}};
  }
  if (type == "AS") {
    std::string_view digits = value;
    if (digits.size() > 2 && AsciiLower(digits.substr(0, 2)) == "as") digits.remove_prefix(2);
    std::uint32_t number = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      return InvalidArgument(fmt::format("'{}' is not an AS number", value.substr(0, 40)));
    }
    FC_ASSIGN_OR_RETURN(Json sco, WithScoId({{"type", "autonomous-system"}, {"number", number}}));
    return Mapped{{fmt::format("autonomous-system:number = {}", number)}, {std::move(sco)}};
  }
  if (type == "ip-src|port" || type == "ip-dst|port" || type == "hostname|port") {
    const std::string_view side = type == "ip-src|port" ? "src" : "dst";
    FC_ASSIGN_OR_RETURN(auto parts, SplitComposite(value, true));
    FC_ASSIGN_OR_RETURN(const int port, Port(parts.second));
    const bool hostname = type == "hostname|port";
    const std::string_view address_type = hostname ? "domain-name" : AddressType(parts.first);
    FC_ASSIGN_OR_RETURN(stix::Observable address,
                        stix::NormaliseObservable(address_type, "value", parts.first));
    FC_ASSIGN_OR_RETURN(Json address_sco,
                        WithScoId({{"type", address_type}, {"value", address.value}}));
    // protocols is required; the IP version is what the value shows, and a host name
    // with a port names a TCP service in MISP's usage.
    const std::string protocol = hostname ? "tcp" : (address_type == "ipv4-addr" ? "ipv4" : "ipv6");
    FC_ASSIGN_OR_RETURN(Json traffic, WithScoId({{"type", "network-traffic"},
                                                 {fmt::format("{}_ref", side), address_sco["id"]},
                                                 {fmt::format("{}_port", side), port},
                                                 {"protocols", {protocol}}}));
    return Mapped{{fmt::format("network-traffic:{}_ref.value = {}", side,
                               PatternStringLiteral(address.value)),
                   fmt::format("network-traffic:{}_port = {}", side, port)},
                  {std::move(address_sco), std::move(traffic)}};
  }
  if (type == "domain|ip") {
    FC_ASSIGN_OR_RETURN(auto parts, SplitComposite(value, false));
    FC_ASSIGN_OR_RETURN(Fact domain, MakeFact("domain-name", "value", parts.first));
    const std::string_view address_type = AddressType(parts.second);
    FC_ASSIGN_OR_RETURN(stix::Observable address,
                        stix::NormaliseObservable(address_type, "value", parts.second));
    FC_ASSIGN_OR_RETURN(Json address_sco,
                        WithScoId({{"type", address_type}, {"value", address.value}}));
    FC_ASSIGN_OR_RETURN(Json domain_sco, WithScoId({{"type", "domain-name"},
                                                    {"value", domain.value},
                                                    {"resolves_to_refs", {address_sco["id"]}}}));
    return Mapped{{std::move(domain.comparison), "domain-name:resolves_to_refs[*].value = " +
                                                     PatternStringLiteral(address.value)},
                  {std::move(address_sco), std::move(domain_sco)}};
  }
  return InvalidArgument(fmt::format("no mapping for MISP type '{}'", type.substr(0, 60)));
}

class EventConverter {
 public:
  EventConverter(const MispImportOptions& options, const StixObjectHandler& on_object,
                 const MispNoteHandler& on_note)
      : options_(options), on_object_(on_object), on_note_(on_note) {}

  Result<MispEventSummary> Run(const Json& document) {
    const auto event_it = document.is_object() ? document.find("Event") : document.end();
    if (!document.is_object() || event_it == document.end() || !event_it->is_object()) {
      return InvalidArgument("MISP event: expected {\"Event\": {...}}");
    }
    const Json& event = *event_it;
    const auto uuid = CanonicalUuid(event.value("uuid", Json()));
    if (!uuid) return InvalidArgument("MISP event: 'uuid' is missing or not a UUID");
    uuid_ = *uuid;
    const auto timestamp = UnixSeconds(event.value("timestamp", Json()));
    if (!timestamp) {
      return InvalidArgument(
          fmt::format("MISP event {}: 'timestamp' is missing or not Unix seconds", uuid_));
    }
    event_time_ = FromSeconds(*timestamp);
    stix::Timestamp published = event_time_;
    if (const auto publish = UnixSeconds(event.value("publish_timestamp", Json()));
        publish && *publish > 0) {
      published = FromSeconds(*publish);
    }
    info_ = StringMember(event, "info");
    const Tags tags = ReadTags(event);
    event_tlp_ = tags.tlp ? tags.tlp : options_.default_tlp;
    created_by_ref_ = options_.created_by_ref;
    if (created_by_ref_.empty()) PrepareOrganisation(event);

    FC_RETURN_IF_ERROR(ConvertAttributes(event, ""));
    if (const auto objects = event.find("Object"); objects != event.end()) {
      if (!objects->is_array())
        return InvalidArgument(fmt::format("MISP event {}: 'Object' is not a list", uuid_));
      for (const Json& object : *objects) {
        if (!object.is_object()) {
          Note("", "an entry of 'Object' is not an object");
          continue;
        }
        if (IsTrue(object, "deleted")) continue;
        FC_RETURN_IF_ERROR(ConvertAttributes(object, StringMember(object, "name")));
      }
    }
    if (object_refs_.empty()) {
      Note("", "nothing in the event could be converted");
      return summary_;
    }
    Json report = {{"type", "report"},
                   {"spec_version", "2.1"},
                   {"id", "report--" + uuid_},
                   {"created", stix::FormatTimestamp(event_time_)},
                   {"modified", stix::FormatTimestamp(event_time_)},
                   {"name", info_.empty() ? "MISP event " + uuid_ : info_},
                   {"published", stix::FormatTimestamp(published)},
                   {"report_types", {"threat-report"}},
                   {"object_refs", object_refs_}};
    if (!tags.labels.empty()) report["labels"] = tags.labels;
    if (!external_references_.empty()) report["external_references"] = external_references_;
    Decorate(report, event_tlp_);
    summary_.report_id = report["id"];
    FC_RETURN_IF_ERROR(Emit(std::move(report)));
    return summary_;
  }

 private:
  void PrepareOrganisation(const Json& event) {
    const auto orgc = event.find("Orgc");
    if (orgc == event.end() || !orgc->is_object()) return;
    const auto uuid = CanonicalUuid(orgc->value("uuid", Json()));
    const std::string name = StringMember(*orgc, "name");
    if (!uuid || name.empty()) return;
    created_by_ref_ = "identity--" + *uuid;
    pending_identity_ = Json{{"type", "identity"},
                             {"spec_version", "2.1"},
                             {"id", created_by_ref_},
                             {"created", stix::FormatTimestamp(event_time_)},
                             {"modified", stix::FormatTimestamp(event_time_)},
                             {"name", name},
                             {"identity_class", "organization"}};
  }

  void Note(std::string attribute_uuid, std::string message) {
    if (on_note_) on_note_({uuid_, std::move(attribute_uuid), std::move(message)});
  }

  void Decorate(Json& object, const std::optional<stix::Tlp>& tlp) const {
    // SCOs carry no created_by_ref in STIX 2.1; they are the ones without `created`.
    if (!created_by_ref_.empty() && object.contains("created")) {
      object["created_by_ref"] = created_by_ref_;
    }
    if (tlp) object["object_marking_refs"] = {stix::Tlp2MarkingId(*tlp)};
  }

  Status Emit(Json object) {
    if (pending_identity_) {
      Json identity = std::move(*pending_identity_);
      pending_identity_.reset();
      ++summary_.objects;
      FC_RETURN_IF_ERROR(on_object_(std::move(identity)));
    }
    ++summary_.objects;
    return on_object_(std::move(object));
  }

  Status ConvertAttributes(const Json& holder, const std::string& object_name) {
    const auto attributes = holder.find("Attribute");
    if (attributes == holder.end()) return OkStatus();
    if (!attributes->is_array()) {
      return InvalidArgument(fmt::format("MISP event {}: 'Attribute' is not a list", uuid_));
    }
    for (const Json& attribute : *attributes)
      FC_RETURN_IF_ERROR(ConvertAttribute(attribute, object_name));
    return OkStatus();
  }

  void Skip(const std::string& attribute_uuid, std::string message) {
    ++summary_.skipped_attributes;
    Note(attribute_uuid, std::move(message));
  }

  Status ConvertAttribute(const Json& attribute, const std::string& object_name) {
    if (!attribute.is_object()) {
      Skip("", "an attribute is not an object");
      return OkStatus();
    }
    const auto uuid = CanonicalUuid(attribute.value("uuid", Json()));
    if (!uuid) {
      Skip("", "an attribute has no valid uuid");
      return OkStatus();
    }
    if (IsTrue(attribute, "deleted")) {
      Skip(*uuid, "deleted in MISP");
      return OkStatus();
    }
    const std::string type = StringMember(attribute, "type");
    const auto value_it = attribute.find("value");
    if (type.empty() || value_it == attribute.end() || !value_it->is_string()) {
      Skip(*uuid, "'type' or 'value' is missing or not a string");
      return OkStatus();
    }
    const std::string& value = value_it->get_ref<const std::string&>();
    if (value.size() > kMaxValueBytes) {
      Skip(*uuid, fmt::format("value longer than {} bytes", kMaxValueBytes));
      return OkStatus();
    }
    if (type == "link") {
      if (!value.starts_with("http://") && !value.starts_with("https://")) {
        Skip(*uuid, "link is not an http(s) URL");
      } else {
        external_references_.push_back({{"source_name", "misp-link"}, {"url", value}});
      }
      return OkStatus();
    }
    const bool to_ids = ToIds(attribute);
    if (!to_ids && !options_.include_observed_data) {
      ++summary_.skipped_attributes;
      return OkStatus();
    }
    auto mapped = MapAttribute(type, value);
    if (!mapped.ok()) {
      Skip(*uuid, fmt::format("{}: {}", type, mapped.error().safe_message()));
      return OkStatus();
    }
    const Tags tags = ReadTags(attribute);
    const std::optional<stix::Tlp> tlp = tags.tlp ? tags.tlp : event_tlp_;
    stix::Timestamp time = event_time_;
    if (const auto seconds = UnixSeconds(attribute.value("timestamp", Json()))) {
      time = FromSeconds(*seconds);
    }
    const stix::Timestamp first = SeenTime(attribute, "first_seen").value_or(time);
    const std::optional<stix::Timestamp> last = SeenTime(attribute, "last_seen");
    Json common = {{"spec_version", "2.1"},
                   {"created", stix::FormatTimestamp(time)},
                   {"modified", stix::FormatTimestamp(time)},
                   {"x_misp_type", type}};
    if (const std::string category = StringMember(attribute, "category"); !category.empty()) {
      common["x_misp_category"] = category;
    }
    if (!object_name.empty()) common["x_misp_object_name"] = object_name;
    if (!tags.labels.empty()) common["labels"] = tags.labels;

    if (to_ids) {
      Json indicator = common;
      indicator["type"] = "indicator";
      indicator["id"] = "indicator--" + *uuid;
      std::string pattern = "[";
      for (std::size_t i = 0; i < mapped->comparisons.size(); ++i) {
        pattern += (i ? " AND " : "") + mapped->comparisons[i];
      }
      indicator["pattern"] = pattern + "]";
      indicator["pattern_type"] = "stix";
      indicator["pattern_version"] = "2.1";
      indicator["valid_from"] = stix::FormatTimestamp(first);
      if (last && *last > first) indicator["valid_until"] = stix::FormatTimestamp(*last);
      if (!info_.empty()) indicator["name"] = info_;
      if (const std::string comment = StringMember(attribute, "comment"); !comment.empty()) {
        indicator["description"] = comment;
      }
      Decorate(indicator, tlp);
      object_refs_.push_back(indicator["id"]);
      ++summary_.indicators;
      return Emit(std::move(indicator));
    }
    Json sco_ids = Json::array();
    for (Json& sco : mapped->scos) {
      Decorate(sco, tlp);
      const std::string id = sco["id"];
      sco_ids.push_back(id);
      if (!emitted_scos_.insert(id).second) continue;
      object_refs_.push_back(id);
      FC_RETURN_IF_ERROR(Emit(std::move(sco)));
    }
    Json observed = common;
    observed["type"] = "observed-data";
    observed["id"] = "observed-data--" + *uuid;
    observed["first_observed"] = stix::FormatTimestamp(first);
    observed["last_observed"] = stix::FormatTimestamp(last && *last > first ? *last : first);
    observed["number_observed"] = 1;
    observed["object_refs"] = std::move(sco_ids);
    Decorate(observed, tlp);
    object_refs_.push_back(observed["id"]);
    ++summary_.observed_data;
    return Emit(std::move(observed));
  }

  const MispImportOptions& options_;
  const StixObjectHandler& on_object_;
  const MispNoteHandler& on_note_;
  std::string uuid_;
  std::string info_;
  stix::Timestamp event_time_ = 0;
  std::optional<stix::Tlp> event_tlp_;
  std::string created_by_ref_;
  std::optional<Json> pending_identity_;  // emitted before the first object citing it
  Json object_refs_ = Json::array();
  Json external_references_ = Json::array();
  std::set<std::string> emitted_scos_;
  MispEventSummary summary_;
};

struct ManifestEntry {
  std::string uuid;
  std::int64_t timestamp = 0;
};

Result<std::vector<ManifestEntry>> ReadManifest(std::string_view text,
                                                const MispImportOptions& options,
                                                const MispNoteHandler& on_note) {
  auto manifest = ParseJson(text, {.max_bytes = options.max_manifest_bytes, .max_depth = 8});
  if (!manifest.ok()) {
    return InvalidArgument("MISP manifest.json: " + manifest.error().safe_message());
  }
  if (!manifest->is_object()) {
    return InvalidArgument("MISP manifest.json: expected an object of event UUIDs");
  }
  std::vector<ManifestEntry> entries;
  for (const auto& [key, entry] : manifest->items()) {
    const auto uuid = CanonicalUuid(key);
    const auto timestamp =
        entry.is_object() ? UnixSeconds(entry.value("timestamp", Json())) : std::nullopt;
    if (!uuid || !timestamp) {
      if (on_note) {
        on_note({key.substr(0, 60), "", "manifest entry without a UUID key and a timestamp"});
      }
      continue;
    }
    if (options.since && *timestamp <= *options.since) continue;
    entries.push_back({*uuid, *timestamp});
  }
  std::sort(entries.begin(), entries.end(), [](const ManifestEntry& a, const ManifestEntry& b) {
    return a.timestamp != b.timestamp ? a.timestamp < b.timestamp : a.uuid < b.uuid;
  });
  return entries;
}

bool IsPlainFileName(std::string_view name) {
  if (name.empty() || name.find("..") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

}  // namespace

std::string MispNote::ToString() const {
  if (attribute_uuid.empty()) return fmt::format("event {}: {}", event_uuid, message);
  return fmt::format("event {}, attribute {}: {}", event_uuid, attribute_uuid, message);
}

Result<MispEventSummary> ConvertMispEvent(const Json& document, const MispImportOptions& options,
                                          const StixObjectHandler& on_object,
                                          const MispNoteHandler& on_note) {
  return EventConverter(options, on_object, on_note).Run(document);
}

MispFeedFetcher MispFeedFromDirectory(std::filesystem::path directory) {
  return [directory = std::move(directory)](std::string_view file_name,
                                            std::size_t max_bytes) -> Result<std::string> {
    if (!IsPlainFileName(file_name)) {
      return InvalidArgument(fmt::format("'{}' is not a feed file name", file_name.substr(0, 80)));
    }
    const std::filesystem::path path = directory / std::string(file_name);
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return NotFound(fmt::format("feed file {} not found", file_name));
    if (size > max_bytes) {
      return ResourceExhausted(fmt::format("feed file {} has {} bytes, over the limit of {}",
                                           file_name, size, max_bytes));
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) return Internal(fmt::format("cannot read {}", path.string()));
    return std::move(text).str();
  };
}

MispFeedFetcher MispFeedFromUrl(OutboundHttp& http, std::string base_url,
                                std::chrono::milliseconds timeout) {
  if (!base_url.ends_with('/')) base_url.push_back('/');
  return [&http, base_url = std::move(base_url), timeout](
             std::string_view file_name, std::size_t max_bytes) -> Result<std::string> {
    if (!IsPlainFileName(file_name)) {
      return InvalidArgument(fmt::format("'{}' is not a feed file name", file_name.substr(0, 80)));
    }
    OutboundRequest request;
    request.method = "GET";
    request.url = base_url + std::string(file_name);
    request.headers["Accept"] = "application/json";
    request.timeout = timeout;
    request.max_response_bytes = max_bytes;
    FC_ASSIGN_OR_RETURN(OutboundResponse response, http.Send(request));
    if (response.status == 404) return NotFound(fmt::format("feed file {} not found", file_name));
    if (response.status < 200 || response.status > 299) {
      return Unavailable(
          fmt::format("MISP feed answered HTTP {} for {}", response.status, file_name));
    }
    return std::move(response.body);
  };
}

Result<MispFeedSummary> ImportMispFeed(
    const MispFeedFetcher& fetch, const MispImportOptions& options,
    const StixObjectHandler& on_object, const MispNoteHandler& on_note,
    const std::function<void(const MispFeedProgress&)>& on_progress) {
  FC_ASSIGN_OR_RETURN(const std::string manifest_text,
                      fetch("manifest.json", options.max_manifest_bytes));
  FC_ASSIGN_OR_RETURN(const std::vector<ManifestEntry> entries,
                      ReadManifest(manifest_text, options, on_note));
  MispFeedSummary summary;
  MispFeedProgress progress{0, entries.size()};
  auto fail_event = [&](const std::string& uuid, const Error& error) {
    ++summary.failed_events;
    if (on_note) on_note({uuid, "", error.safe_message()});
  };
  for (const ManifestEntry& entry : entries) {
    auto text = fetch(entry.uuid + ".json", options.max_event_bytes);
    Result<Json> document =
        text.ok()
            ? ParseJson(*text, {.max_bytes = options.max_event_bytes, .max_depth = kMaxEventDepth})
            : Result<Json>(std::move(text).error());
    if (!document.ok()) {
      const ErrorCode code = document.error().code();
      if (code != ErrorCode::kNotFound && code != ErrorCode::kInvalidArgument &&
          code != ErrorCode::kResourceExhausted) {
        return std::move(document).error();
      }
      fail_event(entry.uuid, document.error());
    } else {
      const Json* event =
          document->is_object() && document->contains("Event") ? &(*document)["Event"] : nullptr;
      if (event != nullptr && event->is_object() &&
          CanonicalUuid(event->value("uuid", Json())) != entry.uuid) {
        fail_event(entry.uuid, InvalidArgument("the event file holds another event's uuid"));
      } else {
        // Errors from on_object end the import; errors of the event itself are notes.
        Status handler_status;
        auto converted = ConvertMispEvent(
            *document, options,
            [&](Json object) {
              handler_status = on_object(std::move(object));
              return handler_status;
            },
            on_note);
        if (!handler_status.ok()) return handler_status.error();
        if (!converted.ok()) {
          fail_event(entry.uuid, converted.error());
        } else {
          ++summary.events;
          summary.objects += converted->objects;
          summary.newest_timestamp = entry.timestamp;
        }
      }
    }
    ++progress.events_done;
    if (on_progress) on_progress(progress);
  }
  return summary;
}

}  // namespace fincyber::sharing
