#include "identity/access.h"

#include <algorithm>

#include <fmt/format.h>

namespace fincyber::identity {
namespace {

OrgFilter Nothing() { return {"1=0", {}}; }
OrgFilter Everything() { return {"1=1", {}}; }
OrgFilter OwnOrg(const Principal& p, std::string_view column) {
  return {fmt::format("{} = ?", column), {p.org_id}};
}

bool SeesEverything(const Principal& p) {
  return p.role == Role::kCoordinationOffice || p.role == Role::kAuditor;
}

}  // namespace

OrgFilter ReadableOrgs(const Principal& p, Resource resource, std::string_view column) {
  if (SeesEverything(p)) return Everything();
  if (p.org_id.empty()) return Nothing();
  switch (resource) {
    case Resource::kOrgDirectory:
      if (p.role == Role::kBureauStaff) {
        return {fmt::format("({0} = ? OR {0} IN (SELECT id FROM orgs WHERE kind = 'regulator') OR "
                            "{0} IN (SELECT institution_id FROM supervision WHERE bureau_id = ?))",
                            column),
                {p.org_id, p.org_id}};
      }
      if (p.role == Role::kIsacAnalyst) {
        return {fmt::format("({0} = ? OR {0} IN (SELECT id FROM orgs WHERE kind IN "
                            "('regulator', 'institution')))",
                            column),
                {p.org_id}};
      }
      return OwnOrg(p, column);
    case Resource::kUserDirectory:
      return OwnOrg(p, column);
    case Resource::kAuditLog:
      return p.role == Role::kInstitutionAdmin ? OwnOrg(p, column) : Nothing();
    case Resource::kInstitutionRecords:
      if (p.role == Role::kBureauStaff) {
        return {fmt::format("{} IN (SELECT institution_id FROM supervision WHERE bureau_id = ?)",
                            column),
                {p.org_id}};
      }
      return OwnOrg(p, column);
  }
  return Nothing();
}

OrgFilter SharedObjectFilter(const Principal& p, const SharedObjectColumns& c) {
  if (p.org_id.empty()) return Nothing();
  return {fmt::format("({0} = ? OR ({1} IN (SELECT group_id FROM trust_group_members WHERE "
                      "org_id = ?) AND ({2} = 0 OR {3})))",
                      c.author_org, c.read_group, c.named_recipients_only, c.is_named_recipient),
          {p.org_id, p.org_id, p.org_id}};
}

bool MaySeeSharedObject(const Principal& p, const std::vector<std::string>& org_group_ids,
                        const SharedObjectAccess& object) {
  if (p.org_id.empty()) return false;
  if (object.author_org == p.org_id) return true;
  if (std::find(org_group_ids.begin(), org_group_ids.end(), object.read_group) ==
      org_group_ids.end()) {
    return false;
  }
  return !object.named_recipients_only ||
         std::find(object.named_recipients.begin(), object.named_recipients.end(), p.org_id) !=
             object.named_recipients.end();
}

Status CheckCanRead(store::Connection& conn, const Principal& principal, Resource resource,
                    std::string_view org_id) {
  OrgFilter filter = ReadableOrgs(principal, resource, "id");
  store::Params params{std::string(org_id)};
  params.insert(params.end(), filter.params.begin(), filter.params.end());
  FC_ASSIGN_OR_RETURN(auto row,
                      conn.QueryOptional(fmt::format("SELECT 1 FROM orgs WHERE id = ? AND {}",
                                                     filter.sql),
                                         params));
  if (!row) return NotFound("organisation not found");
  return OkStatus();
}

Status CheckCanWrite(const Principal& principal) {
  if (principal.role == Role::kAuditor) return PermissionDenied("the auditor role is read-only");
  return OkStatus();
}

Status CheckCanManageUsers(const Principal& principal, std::string_view org_id) {
  FC_RETURN_IF_ERROR(CheckCanWrite(principal));
  if (principal.role == Role::kCoordinationOffice) return OkStatus();
  if (principal.role == Role::kInstitutionAdmin && principal.org_id == org_id) return OkStatus();
  return PermissionDenied("you may not manage users of this organisation");
}

Status CheckCanManageOrgs(const Principal& principal) {
  if (principal.role == Role::kCoordinationOffice) return OkStatus();
  return PermissionDenied("only the coordination office may manage organisations");
}

}  // namespace fincyber::identity
