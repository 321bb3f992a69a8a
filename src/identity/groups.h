// Trust groups: named sets of organisations that information is shared with, e.g.
// "all ISAC members", a business category's CEPTOAR group, "the regulator", national
// and international partners. The sharing hub ties each collection to a group that may
// read it and a group that may write to it; TLP then narrows what each member sees
// (see SharedObjectFilter in access.h).
//
// Who manages groups: the coordination office and ISAC analysts (curators). Who sees a
// group and its members: its members, and curators. Operator commands act as the
// coordination office.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "identity/principal.h"
#include "store/database.h"

namespace fincyber::identity {

struct TrustGroup {
  std::string id;
  std::string name_ja;
  std::string name_en;
  std::string description;
  std::vector<std::string> member_org_ids;  // filled by GetGroup/ListGroups
  std::string created_at;
};

Json ToJson(const TrustGroup& group);

struct NewTrustGroup {
  std::string name_ja;  // 1..200 characters, unique
  std::string name_en;  // 1..200 characters, unique
  std::string description;
  std::vector<std::string> member_org_ids;
};

// Reads, filtered: curators see every group, others the groups their organisation is in.
Result<std::vector<TrustGroup>> ListGroups(store::Connection& conn, const Principal& principal);
// NotFound when the group does not exist or is not visible to the principal.
Result<TrustGroup> GetGroup(store::Connection& conn, const Principal& principal,
                            std::string_view id);

// Changes: PermissionDenied unless the principal is a curator; InvalidArgument for bad
// names or unknown organisations; AlreadyExists for a duplicate name.
Result<TrustGroup> CreateGroup(store::Connection& conn, const Clock& clock,
                               const Principal& principal, const NewTrustGroup& group);
// Adding a member twice or removing a non-member is not an error.
Status AddGroupMember(store::Connection& conn, const Principal& principal,
                      std::string_view group_id, std::string_view org_id);
Status RemoveGroupMember(store::Connection& conn, const Principal& principal,
                         std::string_view group_id, std::string_view org_id);

// The ids of the groups `org_id` belongs to. Not filtered: for the access policy, which
// asks on behalf of the principal's own organisation.
Result<std::vector<std::string>> GroupIdsOfOrg(store::Connection& conn, std::string_view org_id);

// True for the roles that curate sharing: coordination office and ISAC analysts.
bool IsCurator(const Principal& principal);

}  // namespace fincyber::identity
