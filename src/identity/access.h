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
#include <vector>

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

// Sharing hub. An object shared into a collection is visible to an organisation when
//   the organisation authored it, or
//   the organisation is in the collection's read group (trust group, groups.h) and the
//   object is not restricted to named recipients (TLP:RED) or names it as a recipient.
// TLP CLEAR, GREEN, AMBER and AMBER+STRICT read the same inside the hub; they differ in
// where a recipient may take the object next (relay, federation, export), which the
// sharing module decides. No role sees more than its organisation: the coordination
// office and auditors included.
//
// `columns` names, in the caller's query, the object's author organisation, its
// collection's read group, whether it is restricted to named recipients (an integer
// 0/1 column or expression), and a boolean SQL fragment with exactly one `?` (bound to
// the organisation) that is true when the organisation is a named recipient.
struct SharedObjectColumns {
  std::string_view author_org;
  std::string_view read_group;
  std::string_view named_recipients_only;
  std::string_view is_named_recipient;
};
OrgFilter SharedObjectFilter(const Principal& principal, const SharedObjectColumns& columns);

// The same rule for one object in memory (event streams, notifications), given the
// trust groups of the principal's organisation (GroupIdsOfOrg).
struct SharedObjectAccess {
  std::string author_org;
  std::string read_group;
  bool named_recipients_only = false;
  std::vector<std::string> named_recipients;  // organisation ids
};
bool MaySeeSharedObject(const Principal& principal, const std::vector<std::string>& org_group_ids,
                        const SharedObjectAccess& object);

// PermissionDenied unless the principal may create, change or disable users of
// `org_id` (coordination office: any; institution admin: own organisation).
Status CheckCanManageUsers(const Principal& principal, std::string_view org_id);
// PermissionDenied unless the principal may create or change organisations.
Status CheckCanManageOrgs(const Principal& principal);
// PermissionDenied for read-only roles (auditor) on any change.
Status CheckCanWrite(const Principal& principal);

}  // namespace fincyber::identity
