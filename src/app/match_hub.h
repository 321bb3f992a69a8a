// `fincyber match` and a hub over TAXII 2.1: indicators pulled from a collection
// (incrementally, with a state file between runs) and sightings posted back.
//
// Not thread-safe: each object is used by one thread at a time. `http` must outlive them.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/outbound_http.h"
#include "base/result.h"
#include "detect/indicator_set.h"
#include "detect/scan.h"
#include "taxii/client.h"

namespace fincyber::app {

struct HubEndpoint {
  std::string discovery_url;  // https://host/taxii2/
  std::string collection_id;
  std::string token;          // sent as Authorization: Bearer
  int max_attempts = 2;       // per request; callers retry further on their own schedule
};

// The API root to use: the discovery resource's default, else its only root.
Result<std::string> ResolveApiRoot(taxii::TaxiiClient& client, const std::string& discovery_url);

// The institution's STIX identity as its hub knows it: "identity--<organisation id>" of
// the token's organisation (GET /api/v1/me beside the TAXII discovery URL). Unavailable
// when the hub cannot be reached; InvalidArgument when it is not a fincyber hub.
Result<std::string> IdentityFromHub(OutboundHttp& http, const HubEndpoint& hub);

// The indicators of one TAXII collection, kept in `state_path` between pulls and runs.
class TaxiiIndicatorFeed {
 public:
  TaxiiIndicatorFeed(OutboundHttp& http, HubEndpoint hub, std::string state_path);

  // Takes the saved state when it exists and belongs to this collection. The message
  // says what was found ("" when there was no state file); an unreadable or foreign state
  // file is set aside with a message, not an error.
  std::string LoadState();

  struct Pulled {
    std::uint64_t objects = 0;
    std::uint64_t added = 0;
    std::uint64_t updated = 0;
    std::uint64_t removed = 0;
    bool changed() const { return added + updated + removed > 0; }
  };
  // Everything added to the collection since the last pull (every version, so updates
  // and revocations arrive), then saves the state. The pages received before an error
  // are kept and saved, so the next pull continues after them. Errors: those of the
  // TAXII client (Unavailable when unreachable, PermissionDenied/NotFound when the token
  // may not read the collection, InvalidArgument for a malformed answer).
  Result<Pulled> Pull();

  // True when the set changed since the last call (also by the pages of a pull that
  // failed later), so that it is compiled again.
  bool TakeChanges() { return std::exchange(changed_, false); }

  const detect::IndicatorSet& set() const { return set_; }
  bool has_state() const { return has_state_; }
  const std::string& state_path() const { return state_path_; }

 private:
  std::string SourceName() const;

  HubEndpoint hub_;
  std::string state_path_;
  taxii::TaxiiClient client_;
  std::string api_root_;  // resolved on the first successful pull
  detect::IndicatorSet set_;
  bool has_state_ = false;  // a set was loaded or pulled at least once
  bool changed_ = false;
};

// Posts sightings to a collection: each indicator's sighting keeps one id for the run and
// is posted again, as a newer version with the counts so far, whenever they changed.
class SightingReporter {
 public:
  // An empty `identity` is learnt from the hub (IdentityFromHub) at the first report.
  SightingReporter(OutboundHttp& http, HubEndpoint hub, std::string identity,
                   std::int64_t started_millis);

  // Posts the sightings that changed since the last successful report. Returns how many
  // were posted; on an error nothing is marked as reported, so the next call sends them
  // again. Errors: the TAXII client's, IdentityFromHub's, and Aborted naming the objects
  // the hub refused.
  Result<std::size_t> Report(const std::vector<detect::IndicatorSighting>& sightings,
                             std::int64_t now_millis);
  // The sightings as a bundle, for a file when they could not be posted.
  Json Bundle(const std::vector<detect::IndicatorSighting>& sightings, std::int64_t now_millis);
  const std::string& identity() const { return identity_; }

 private:
  std::string SightingId(std::string_view indicator_id);

  OutboundHttp& http_;
  HubEndpoint hub_;
  std::string identity_;
  std::int64_t started_millis_;
  taxii::TaxiiClient client_;
  std::string api_root_;
  std::map<std::string, std::string, std::less<>> sighting_ids_;  // by indicator id
  std::map<std::string, std::uint64_t, std::less<>> reported_counts_;  // by indicator id
  std::int64_t last_modified_millis_ = 0;
};

}  // namespace fincyber::app
