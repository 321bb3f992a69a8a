#include "identity/principal.h"

#include <array>
#include <utility>

namespace fincyber::identity {
namespace {

constexpr std::array<std::pair<OrgKind, std::string_view>, 4> kOrgKinds{{
    {OrgKind::kRegulator, "regulator"},
    {OrgKind::kBureau, "bureau"},
    {OrgKind::kIsac, "isac"},
    {OrgKind::kInstitution, "institution"},
}};

constexpr std::array<std::pair<Role, std::string_view>, 8> kRoles{{
    {Role::kCoordinationOffice, "coordination_office"},
    {Role::kBureauStaff, "bureau_staff"},
    {Role::kIsacAnalyst, "isac_analyst"},
    {Role::kInstitutionAdmin, "institution_admin"},
    {Role::kInstitutionMember, "institution_member"},
    {Role::kExerciseController, "exercise_controller"},
    {Role::kEvaluator, "evaluator"},
    {Role::kAuditor, "auditor"},
}};

template <typename Table, typename Key>
std::string_view NameOf(const Table& table, Key key) {
  for (const auto& [k, name] : table) {
    if (k == key) return name;
  }
  return "";
}

template <typename Key, typename Table>
std::optional<Key> Parse(const Table& table, std::string_view name) {
  for (const auto& [k, n] : table) {
    if (n == name) return k;
  }
  return std::nullopt;
}

}  // namespace

std::string_view OrgKindName(OrgKind kind) { return NameOf(kOrgKinds, kind); }
std::optional<OrgKind> ParseOrgKind(std::string_view name) {
  return Parse<OrgKind>(kOrgKinds, name);
}
std::string_view RoleName(Role role) { return NameOf(kRoles, role); }
std::optional<Role> ParseRole(std::string_view name) { return Parse<Role>(kRoles, name); }

}  // namespace fincyber::identity
