// Who is calling: the authenticated user, their organisation and role. Built by
// identity from a session cookie or an API token; carried on every request and
// passed to every service call that returns or changes data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fincyber::identity {

enum class OrgKind { kRegulator, kBureau, kIsac, kInstitution };

enum class Role {
  kCoordinationOffice,  // regulator's coordination office and CSIRT: sees everything
  kBureauStaff,         // sees the institutions its bureau supervises
  kIsacAnalyst,         // curates and relays intelligence for ISAC members
  kInstitutionAdmin,    // manages its own institution's users
  kInstitutionMember,   // works within its own institution
  kExerciseController,  // runs exercises
  kEvaluator,           // evaluates exercises
  kAuditor,             // read-only across the platform, incl. the audit log
};

std::string_view OrgKindName(OrgKind kind);  // "regulator", "bureau", "isac", "institution"
std::optional<OrgKind> ParseOrgKind(std::string_view name);
std::string_view RoleName(Role role);  // "coordination_office", "bureau_staff", ...
std::optional<Role> ParseRole(std::string_view name);

struct Principal {
  std::string user_id;
  std::string username;
  std::string display_name;
  std::string org_id;
  OrgKind org_kind = OrgKind::kInstitution;
  Role role = Role::kInstitutionMember;
  std::string locale = "ja";  // "ja" or "en"
  // Exactly one of these identifies how the caller authenticated.
  std::string session_id;  // cookie session (CSRF token below must accompany writes)
  std::string token_id;    // API token (no CSRF: not sent by browsers automatically)
  std::string csrf_token;
};

}  // namespace fincyber::identity
