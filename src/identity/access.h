// The one access policy. Every query that returns data for a user asks it which
// organisations' rows the principal may see, and every change asks whether the
// principal may make it. Deny by default: a role not named for a resource sees
// nothing of it. There is no bypass; operator CLI commands act as a principal too.
//
//   role                 org directory                 users       audit log   institution records
//   coordination_office  all                           all         all         all
//   auditor              all                           all         all         all (read-only)
//   bureau_staff         own, regulator, supervised    own org     -           supervised institutions
//   isac_analyst         own, regulator, institutions  own org     -           own org
//   institution_admin    own                           own org     own org     own org
//   others               own                           own org     -           own org
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "identity/principal.h"
#include "store/database.h"

namespace fincyber::identity {

enum class Resource { kOrgDirectory, kUserDirectory, kAuditLog, kInstitutionRecords };

// A SQL boolean expression over `org_column` with its parameters, to AND into a
// WHERE clause. Never empty: "1=0" when the principal may see nothing.
struct OrgFilter {
  std::string sql;
  store::Params params;
};

OrgFilter ReadableOrgs(const Principal& principal, Resource resource,
                       std::string_view org_column);

// NotFound (never PermissionDenied, so existence is not revealed) when the
// principal may not read `resource` rows of `org_id`.
Status CheckCanRead(store::Connection& conn, const Principal& principal, Resource resource,
                    std::string_view org_id);

// PermissionDenied unless the principal may create, change or disable users of
// `org_id` (coordination office: any; institution admin: own organisation).
Status CheckCanManageUsers(const Principal& principal, std::string_view org_id);
// PermissionDenied unless the principal may create or change organisations.
Status CheckCanManageOrgs(const Principal& principal);
// PermissionDenied for read-only roles (auditor) on any change.
Status CheckCanWrite(const Principal& principal);

}  // namespace fincyber::identity
