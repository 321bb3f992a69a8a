// The directory: organisations (regulator, bureaus, ISAC, institutions with their
// business category 業態), which bureau supervises which institution, and users.
//
// Functions take a Connection so callers compose them with audit entries and events
// in one transaction. Every read is filtered by the access policy (access.h); every
// change is checked by it. Thread-safety: stateless; the Connection is the caller's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "identity/principal.h"
#include "store/database.h"
#include "store/migrations.h"

namespace fincyber::identity {

std::vector<store::Migration> Migrations();

struct Sector {
  std::string code;  // "major_bank", ...
  std::string name_ja;
  std::string name_en;
  // The size tier of an institution of this category that has none of its own.
  std::string default_size_tier;
};
// The business categories, in display order.
const std::vector<Sector>& Sectors();
bool IsKnownSector(std::string_view code);

// An institution's size tier, which survey questions may depend on: "small", "medium"
// or "large", smallest first.
const std::vector<std::string>& SizeTiers();
bool IsKnownSizeTier(std::string_view tier);
// The institution's own tier, else its category's default ("medium" for an unknown one).
std::string EffectiveSizeTier(const std::optional<std::string>& size_tier,
                              const std::optional<std::string>& sector);

struct Org {
  std::string id;
  OrgKind kind = OrgKind::kInstitution;
  std::optional<std::string> sector;  // institutions only
  std::string name_ja;
  std::string name_en;
  std::optional<std::string> parent_id;  // bureaus: the regulator
  std::string created_at;
  std::optional<std::string> size_tier;  // institutions only; none: the category's default
};

struct User {
  std::string id;
  std::string org_id;
  std::string username;
  std::string display_name;
  Role role = Role::kInstitutionMember;
  std::string locale = "ja";
  bool disabled = false;
  std::optional<std::string> last_login_at;
  std::string created_at;
};

Json ToJson(const Org& org);
Json ToJson(const User& user);

template <typename T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;
};

struct OrgQuery {
  std::optional<OrgKind> kind;
  std::optional<std::string> sector;
  std::string text;  // substring of either name, case-insensitive for ASCII
  int limit = 200;   // 1..1000
  int offset = 0;
};

struct NewOrg {
  OrgKind kind = OrgKind::kInstitution;
  std::optional<std::string> sector;
  std::string name_ja;
  std::string name_en;
  std::optional<std::string> parent_id;
  std::optional<std::string> size_tier = std::nullopt;  // institutions only
};

struct NewUser {
  std::string org_id;
  std::string username;  // [a-z0-9._@-]{3,64}
  std::string display_name;
  Role role = Role::kInstitutionMember;
  std::string password;  // 12..1024 bytes
  std::string locale = "ja";
};

// Reads. NotFound when the org does not exist or is not visible to the principal.
Result<Page<Org>> ListOrgs(store::Connection& conn, const Principal& principal,
                           const OrgQuery& query);
Result<Org> GetOrg(store::Connection& conn, const Principal& principal, std::string_view id);
// Institutions supervised by a bureau, filtered by what the principal may see.
Result<Page<Org>> ListSupervised(store::Connection& conn, const Principal& principal,
                                 std::string_view bureau_id);
Result<Page<User>> ListUsers(store::Connection& conn, const Principal& principal,
                             std::string_view org_id);
Result<User> GetUser(store::Connection& conn, const Principal& principal, std::string_view id);
Result<User> FindUserByUsername(store::Connection& conn, const Principal& principal,
                                std::string_view username);

// Changes. InvalidArgument with field details for bad input, AlreadyExists for a
// duplicate name, PermissionDenied when the access policy forbids it.
// `password_hash_fast` lowers the Argon2id cost for tests and demo seeding only.
Result<Org> CreateOrg(store::Connection& conn, const Clock& clock, const Principal& principal,
                      const NewOrg& org);
// Sets or, with nullopt, clears an institution's own size tier. NotFound when the org
// is not visible to the principal, PermissionDenied unless it may manage organisations,
// InvalidArgument for an unknown tier or an organisation that is not an institution.
Result<Org> SetOrgSizeTier(store::Connection& conn, const Principal& principal,
                           std::string_view org_id, const std::optional<std::string>& size_tier);
Status AddSupervision(store::Connection& conn, const Principal& principal,
                      std::string_view bureau_id, std::string_view institution_id);
Result<User> CreateUser(store::Connection& conn, const Clock& clock, const Principal& principal,
                        const NewUser& user, bool password_hash_fast = false);
// Disables the user and ends their sessions and API tokens.
Result<User> DisableUser(store::Connection& conn, const Clock& clock,
                         const Principal& principal, std::string_view user_id);
Result<User> SetLocale(store::Connection& conn, const Principal& principal,
                       std::string_view locale);

// The principal operator commands act as: the coordination office's authority,
// named "operator" in the audit log. Never reachable over HTTP.
Principal OperatorPrincipal();

}  // namespace fincyber::identity
