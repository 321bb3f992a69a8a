#include "identity/groups.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/crypto.h"
#include "identity/access.h"
#include "identity/internal/fields.h"

namespace fincyber::identity {
namespace {

constexpr std::size_t kMaxDescriptionBytes = 2000;

TrustGroup GroupFromRow(const store::Row& r) {
  TrustGroup group;
  group.id = r.GetString(0);
  group.name_ja = r.GetString(1);
  group.name_en = r.GetString(2);
  group.description = r.GetString(3);
  group.created_at = r.GetString(4);
  return group;
}

Status LoadMembers(store::Connection& conn, TrustGroup& group) {
  FC_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT org_id FROM trust_group_members "
                                            "WHERE group_id = ? ORDER BY org_id",
                                            {group.id}));
  group.member_org_ids.clear();
  for (const auto& row : rows) group.member_org_ids.push_back(row.GetString(0));
  return OkStatus();
}

// Curators see every group; others the groups their organisation is in.
OrgFilter VisibleGroups(const Principal& principal) {
  if (IsCurator(principal)) return {"1=1", {}};
  if (principal.org_id.empty()) return {"1=0", {}};
  return {"id IN (SELECT group_id FROM trust_group_members WHERE org_id = ?)",
          {principal.org_id}};
}

Status CheckCanManageGroups(const Principal& principal) {
  if (!IsCurator(principal)) {
    return PermissionDenied("only the coordination office and ISAC analysts manage trust groups");
  }
  return OkStatus();
}

Status CheckOrgExists(store::Connection& conn, std::string_view org_id) {
  FC_ASSIGN_OR_RETURN(auto row,
                      conn.QueryOptional("SELECT 1 FROM orgs WHERE id = ?", {std::string(org_id)}));
  if (!row) {
    return InvalidArgument(fmt::format("unknown organisation {}", org_id),
                           {{"member_org_ids", "unknown organisation"}});
  }
  return OkStatus();
}

Result<TrustGroup> LoadGroupForChange(store::Connection& conn, std::string_view id) {
  FC_ASSIGN_OR_RETURN(auto row,
                      conn.QueryOne("SELECT id, name_ja, name_en, description, created_at "
                                    "FROM trust_groups WHERE id = ?",
                                    {std::string(id)}, "trust group"));
  return GroupFromRow(row);
}

}  // namespace

bool IsCurator(const Principal& principal) {
  return principal.role == Role::kCoordinationOffice || principal.role == Role::kIsacAnalyst;
}

Json ToJson(const TrustGroup& group) {
  return {{"id", group.id},
          {"name_ja", group.name_ja},
          {"name_en", group.name_en},
          {"description", group.description},
          {"member_org_ids", group.member_org_ids},
          {"created_at", group.created_at}};
}

Result<std::vector<TrustGroup>> ListGroups(store::Connection& conn, const Principal& principal) {
  OrgFilter filter = VisibleGroups(principal);
  FC_ASSIGN_OR_RETURN(auto rows,
                      conn.Query(fmt::format("SELECT id, name_ja, name_en, description, created_at "
                                             "FROM trust_groups WHERE {} ORDER BY name_en",
                                             filter.sql),
                                 filter.params));
  std::vector<TrustGroup> groups;
  for (const auto& row : rows) {
    groups.push_back(GroupFromRow(row));
    FC_RETURN_IF_ERROR(LoadMembers(conn, groups.back()));
  }
  return groups;
}

Result<TrustGroup> GetGroup(store::Connection& conn, const Principal& principal,
                            std::string_view id) {
  OrgFilter filter = VisibleGroups(principal);
  store::Params params{std::string(id)};
  params.insert(params.end(), filter.params.begin(), filter.params.end());
  FC_ASSIGN_OR_RETURN(auto row,
                      conn.QueryOne(fmt::format("SELECT id, name_ja, name_en, description, "
                                                "created_at FROM trust_groups WHERE id = ? AND {}",
                                                filter.sql),
                                    params, "trust group"));
  TrustGroup group = GroupFromRow(row);
  FC_RETURN_IF_ERROR(LoadMembers(conn, group));
  return group;
}

Result<TrustGroup> CreateGroup(store::Connection& conn, const Clock& clock,
                               const Principal& principal, const NewTrustGroup& input) {
  FC_RETURN_IF_ERROR(CheckCanManageGroups(principal));
  FC_RETURN_IF_ERROR(CheckCanWrite(principal));
  std::vector<FieldProblem> problems;
  internal::ValidateName("name_ja", input.name_ja, problems);
  internal::ValidateName("name_en", input.name_en, problems);
  if (input.description.size() > kMaxDescriptionBytes) {
    problems.push_back({"description", "longer than 2000 bytes"});
  }
  if (!problems.empty()) return internal::Invalid(std::move(problems));
  for (const auto& org_id : input.member_org_ids) FC_RETURN_IF_ERROR(CheckOrgExists(conn, org_id));

  TrustGroup group;
  group.id = NewUuid();
  group.name_ja = input.name_ja;
  group.name_en = input.name_en;
  group.description = input.description;
  group.created_at = FormatRfc3339(clock.Now());
  auto inserted = conn.Execute(
      "INSERT INTO trust_groups (id, name_ja, name_en, description, created_at) "
      "VALUES (?, ?, ?, ?, ?)",
      {group.id, group.name_ja, group.name_en, group.description, group.created_at});
  if (!inserted.ok()) {
    if (inserted.error().code() == ErrorCode::kAlreadyExists) {
      return AlreadyExists("a trust group with this name already exists");
    }
    return std::move(inserted).error();
  }
  for (const auto& org_id : input.member_org_ids) {
    FC_RETURN_IF_ERROR(conn.Execute("INSERT INTO trust_group_members (group_id, org_id) "
                                    "VALUES (?, ?) ON CONFLICT DO NOTHING",
                                    {group.id, org_id}));
  }
  FC_RETURN_IF_ERROR(LoadMembers(conn, group));
  return group;
}

Status AddGroupMember(store::Connection& conn, const Principal& principal,
                      std::string_view group_id, std::string_view org_id) {
  FC_RETURN_IF_ERROR(CheckCanManageGroups(principal));
  FC_RETURN_IF_ERROR(CheckCanWrite(principal));
  FC_ASSIGN_OR_RETURN(auto group, LoadGroupForChange(conn, group_id));
  FC_RETURN_IF_ERROR(CheckOrgExists(conn, org_id));
  FC_RETURN_IF_ERROR(conn.Execute("INSERT INTO trust_group_members (group_id, org_id) "
                                  "VALUES (?, ?) ON CONFLICT DO NOTHING",
                                  {group.id, std::string(org_id)}));
  return OkStatus();
}

Status RemoveGroupMember(store::Connection& conn, const Principal& principal,
                         std::string_view group_id, std::string_view org_id) {
  FC_RETURN_IF_ERROR(CheckCanManageGroups(principal));
  FC_RETURN_IF_ERROR(CheckCanWrite(principal));
  FC_ASSIGN_OR_RETURN(auto group, LoadGroupForChange(conn, group_id));
  FC_RETURN_IF_ERROR(conn.Execute(
      "DELETE FROM trust_group_members WHERE group_id = ? AND org_id = ?",
      {group.id, std::string(org_id)}));
  return OkStatus();
}

Result<std::vector<std::string>> GroupIdsOfOrg(store::Connection& conn, std::string_view org_id) {
  FC_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT group_id FROM trust_group_members "
                                            "WHERE org_id = ? ORDER BY group_id",
                                            {std::string(org_id)}));
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (const auto& row : rows) ids.push_back(row.GetString(0));
  return ids;
}

}  // namespace fincyber::identity
