// The sharing hub of `fincyber demo`, on the sector SeedDemoSector made: trust groups
// (ISAC members, one CEPTOAR group per business category, the regulator, national
// partners), collections (ISAC indicators, the regulator's early warnings, one per
// CEPTOAR) and a few hundred synthetic indicators, malware, threat actors, relationships,
// reports and sightings, posted by different institutions' users so that authorship,
// correlation across institutions and sightings all have something to show.
//
// Everything is invented: domains under .example and .test, addresses from the
// documentation ranges (RFC 5737, RFC 3849), random hashes. The content is the same on
// every run (a fixed random seed); only the dates follow the clock.
#pragma once

#include <cstdint>

#include "accounts/service.h"
#include "base/clock.h"
#include "sharing/service.h"

namespace fincyber::app {

struct DemoSharingSummary {
  std::int64_t groups = 0;
  std::int64_t collections = 0;
  std::int64_t objects = 0;  // stored
};

// Seeds a database that SeedDemoSector has just filled, through the services (so every
// change is validated and audited). Internal if any object is refused: the demo data is
// ours and must be valid.
Result<DemoSharingSummary> SeedDemoSharing(accounts::AccountsService& accounts,
                                           sharing::SharingService& sharing, const Clock& clock);

}  // namespace fincyber::app
