#include "app/match_hub.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "base/crypto.h"
#include "base/json.h"
#include "detect/report.h"

namespace fincyber::app {
namespace {

// Envelopes stay well below a hub's request size limit.
constexpr std::size_t kSightingsPerEnvelope = 500;
constexpr int kPageSize = 1000;
// A hub answering "pending" is polled for up to a minute before the report is retried.
constexpr std::chrono::milliseconds kStatusPollInterval{200};
constexpr int kStatusPolls = 300;

taxii::ClientOptions ClientOptionsOf(const HubEndpoint& hub) {
  taxii::ClientOptions options;
  options.bearer_token = hub.token;
  options.max_attempts = hub.max_attempts;
  options.max_retry_wait = std::chrono::seconds(30);
  return options;
}

}  // namespace

Result<std::string> ResolveApiRoot(taxii::TaxiiClient& client, const std::string& discovery_url) {
  FC_ASSIGN_OR_RETURN(taxii::DiscoveryInfo discovery, client.Discover(discovery_url));
  if (!discovery.default_api_root.empty()) return discovery.default_api_root;
  if (discovery.api_roots.size() == 1) return discovery.api_roots[0];
  return InvalidArgument(discovery_url + " names no default API root and " +
                         std::to_string(discovery.api_roots.size()) + " API roots");
}

Result<std::string> IdentityFromHub(OutboundHttp& http, const HubEndpoint& hub) {
  const std::size_t scheme_end = hub.discovery_url.find("://");
  if (scheme_end == std::string::npos) return InvalidArgument("not a URL: " + hub.discovery_url);
  const std::size_t path = hub.discovery_url.find('/', scheme_end + 3);
  OutboundRequest request;
  request.method = "GET";
  request.url = hub.discovery_url.substr(0, path) + "/api/v1/me";
  request.headers["Authorization"] = "Bearer " + hub.token;
  request.headers["Accept"] = "application/json";
  FC_ASSIGN_OR_RETURN(OutboundResponse response, http.Send(request));
  if (response.status == 401) return Unauthenticated("the hub refused the token");
  if (response.status != 200) {
    return InvalidArgument(request.url + " answered " + std::to_string(response.status) +
                           ": not a fincyber hub? give --identity");
  }
  auto me = ParseJson(response.body, JsonLimits{1 << 20, 16});
  if (!me.ok() || !me->is_object() || !me->contains("org") || !(*me)["org"].is_object()) {
    return InvalidArgument(request.url + " did not describe an organisation; give --identity");
  }
  const Json& org = (*me)["org"];
  const auto id = org.find("id");
  const std::string identity =
      "identity--" + (id != org.end() && id->is_string() ? id->get<std::string>() : "");
  if (!detect::IsStixIdentifier(identity, "identity")) {
    return InvalidArgument("the hub's organisation id is not a UUID; give --identity");
  }
  return identity;
}

TaxiiIndicatorFeed::TaxiiIndicatorFeed(OutboundHttp& http, HubEndpoint hub, std::string state_path)
    : hub_(std::move(hub)), state_path_(std::move(state_path)), client_(http, ClientOptionsOf(hub_)) {}

std::string TaxiiIndicatorFeed::SourceName() const {
  return hub_.discovery_url + " collection " + hub_.collection_id;
}

std::string TaxiiIndicatorFeed::LoadState() {
  auto loaded = detect::IndicatorSet::Load(state_path_);
  if (!loaded.ok()) {
    if (loaded.error().code() == ErrorCode::kNotFound) return "";
    return "state file not used (" + loaded.error().safe_message() + "); pulling everything";
  }
  if (loaded->source() != SourceName()) {
    return "state file " + state_path_ + " is of another source (" + loaded->source() +
           "); pulling everything";
  }
  set_ = std::move(loaded).value();
  has_state_ = true;
  return "state file " + state_path_ + ": " + std::to_string(set_.size()) +
         " indicators, next pull after " + (set_.position().empty() ? "the start" : set_.position());
}

Result<TaxiiIndicatorFeed::Pulled> TaxiiIndicatorFeed::Pull() {
  if (api_root_.empty()) {
    FC_ASSIGN_OR_RETURN(api_root_, ResolveApiRoot(client_, hub_.discovery_url));
  }
  taxii::ObjectFilter filter;
  filter.added_after = set_.position();
  // Every version, so that updates and revocations arrive as the versions they are.
  filter.versions = {"all"};
  filter.limit = kPageSize;
  Pulled pulled;
  auto result = client_.PullObjects(api_root_, hub_.collection_id, filter,
                                    [&](taxii::ObjectsPage& page) -> Status {
                                      for (const Json& object : page.objects) {
                                        switch (set_.Add(object)) {
                                          case detect::IndicatorSet::Change::kAdded: ++pulled.added; break;
                                          case detect::IndicatorSet::Change::kUpdated: ++pulled.updated; break;
                                          case detect::IndicatorSet::Change::kRemoved: ++pulled.removed; break;
                                          case detect::IndicatorSet::Change::kNone: break;
                                        }
                                      }
                                      pulled.objects += page.objects.size();
                                      if (pulled.changed()) changed_ = true;
                                      if (!page.date_added_last.empty()) {
                                        set_.set_position(page.date_added_last);
                                      }
                                      return OkStatus();
                                    });
  if (!result.ok() && pulled.objects == 0) return std::move(result).error();
  set_.set_source(SourceName());
  has_state_ = true;
  Status saved = set_.Save(state_path_);
  if (!result.ok()) return std::move(result).error();
  if (!saved.ok()) return std::move(saved).error();
  return pulled;
}

SightingReporter::SightingReporter(OutboundHttp& http, HubEndpoint hub, std::string identity,
                                   std::int64_t started_millis)
    : http_(http), hub_(std::move(hub)), identity_(std::move(identity)),
      started_millis_(started_millis),
      client_(http, ClientOptionsOf(hub_)) {}

std::string SightingReporter::SightingId(std::string_view indicator_id) {
  auto it = sighting_ids_.find(indicator_id);
  if (it == sighting_ids_.end()) {
    it = sighting_ids_.emplace(std::string(indicator_id), "sighting--" + NewUuid()).first;
  }
  return it->second;
}

Json SightingReporter::Bundle(const std::vector<detect::IndicatorSighting>& sightings,
                              std::int64_t now_millis) {
  detect::SightingOptions options;
  options.identity = identity_;
  // Each version is later than the one before, even within one millisecond.
  options.now_millis = std::max(now_millis, last_modified_millis_ + 1);
  options.created_millis = started_millis_;
  options.new_uuid = [] { return NewUuid(); };
  options.sighting_id = [this](std::string_view indicator_id) { return SightingId(indicator_id); };
  last_modified_millis_ = options.now_millis;
  return detect::SightingsBundle(sightings, options).bundle;
}

Result<std::size_t> SightingReporter::Report(
    const std::vector<detect::IndicatorSighting>& sightings, std::int64_t now_millis) {
  std::vector<detect::IndicatorSighting> changed;
  for (const detect::IndicatorSighting& sighting : sightings) {
    const auto it = reported_counts_.find(sighting.indicator_id);
    if (it == reported_counts_.end() || it->second != sighting.count) changed.push_back(sighting);
  }
  if (changed.empty()) return std::size_t{0};
  if (identity_.empty()) {
    FC_ASSIGN_OR_RETURN(identity_, IdentityFromHub(http_, hub_));
  }
  Json bundle = Bundle(changed, now_millis);
  std::vector<Json>& objects = bundle["objects"].get_ref<Json::array_t&>();
  if (objects.empty()) return std::size_t{0};  // none has a STIX id
  if (api_root_.empty()) {
    FC_ASSIGN_OR_RETURN(api_root_, ResolveApiRoot(client_, hub_.discovery_url));
  }
  for (std::size_t begin = 0; begin < objects.size(); begin += kSightingsPerEnvelope) {
    const std::size_t end = std::min(objects.size(), begin + kSightingsPerEnvelope);
    const std::vector<Json> envelope(objects.begin() + static_cast<std::ptrdiff_t>(begin),
                                     objects.begin() + static_cast<std::ptrdiff_t>(end));
    FC_ASSIGN_OR_RETURN(taxii::AddStatus status,
                        client_.AddObjects(api_root_, hub_.collection_id, envelope));
    if (!status.complete()) {  // accepted, to be stored: counted as reported once it is
      FC_ASSIGN_OR_RETURN(
          status, client_.WaitForStatus(api_root_, status.id, kStatusPollInterval, kStatusPolls));
      if (!status.complete()) {
        return Unavailable("the hub has not stored the sightings after " +
                           std::to_string(kStatusPolls) + " polls of status " + status.id);
      }
    }
    if (status.failure_count > 0) {
      const std::string why = status.failures.empty() ? "" : ": " + status.failures[0].message;
      return Aborted("the hub refused " + std::to_string(status.failure_count) + " of " +
                     std::to_string(status.total_count) + " sightings" + why);
    }
  }
  for (const detect::IndicatorSighting& sighting : changed) {
    reported_counts_[sighting.indicator_id] = sighting.count;
  }
  return objects.size();
}

}  // namespace fincyber::app
