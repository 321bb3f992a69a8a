// The institution's remediation items of earlier campaigns against one campaign's frozen
// results, read inside a caller's transaction, so that the results the service returns
// carry what was closed. Private to survey/.
#pragma once

#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "store/database.h"
#include "survey/remediation.h"
#include "survey/service.h"

namespace fincyber::survey::internal {

// `results` is the institution's frozen results of `campaign` (routes.h), or null when
// there are none yet. The caller has checked that the principal may see `org_id`.
Result<RemediationProgress> ComputeRemediationProgress(store::Connection& conn, const Clock& clock,
                                                       const Campaign& campaign,
                                                       std::string_view org_id,
                                                       const Json& results);

}  // namespace fincyber::survey::internal
