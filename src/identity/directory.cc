#include "identity/directory.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "base/crypto.h"
#include "identity/access.h"
#include "identity/internal/fields.h"

namespace fincyber::identity {
namespace {

using internal::Invalid;
using internal::ValidateName;

constexpr std::string_view kOrgColumns =
    "id, kind, sector, name_ja, name_en, parent_id, created_at, size_tier";
constexpr std::string_view kUserColumns =
    "id, org_id, username, display_name, role, locale, disabled, last_login_at, created_at";

Org OrgFromRow(const store::Row& r) {
  Org org;
  org.id = r.GetString(0);
  org.kind = ParseOrgKind(r.GetString(1)).value_or(OrgKind::kInstitution);
  org.sector = r.GetOptionalString(2);
  org.name_ja = r.GetString(3);
  org.name_en = r.GetString(4);
  org.parent_id = r.GetOptionalString(5);
  org.created_at = r.GetString(6);
  org.size_tier = r.GetOptionalString(7);
  return org;
}

User UserFromRow(const store::Row& r) {
  User user;
  user.id = r.GetString(0);
  user.org_id = r.GetString(1);
  user.username = r.GetString(2);
  user.display_name = r.GetString(3);
  user.role = ParseRole(r.GetString(4)).value_or(Role::kInstitutionMember);
  user.locale = r.GetString(5);
  user.disabled = r.GetInt(6) != 0;
  user.last_login_at = r.GetOptionalString(7);
  user.created_at = r.GetString(8);
  return user;
}

Json OptionalJson(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

store::Value OptionalValue(const std::optional<std::string>& value) {
  return value ? store::Value(*value) : store::Value(nullptr);
}

std::string LikeEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

bool RoleFitsOrgKind(Role role, OrgKind kind) {
  switch (role) {
    case Role::kCoordinationOffice:  // the coordination office is the regulator's or a bureau
    case Role::kAuditor:
      return kind == OrgKind::kRegulator || kind == OrgKind::kBureau;
    case Role::kBureauStaff:
      return kind == OrgKind::kBureau;
    case Role::kIsacAnalyst:
      return kind == OrgKind::kIsac;
    case Role::kInstitutionAdmin:
    case Role::kInstitutionMember:
      return kind == OrgKind::kInstitution;
    case Role::kExerciseController:
    case Role::kEvaluator:
      return kind != OrgKind::kBureau;
  }
  return false;
}

Result<Org> LoadOrg(store::Connection& conn, std::string_view id) {
  FC_ASSIGN_OR_RETURN(auto row, conn.QueryOne(fmt::format("SELECT {} FROM orgs WHERE id = ?",
                                                          kOrgColumns),
                                              {std::string(id)}, "organisation"));
  return OrgFromRow(row);
}

Result<User> LoadUser(store::Connection& conn, std::string_view id) {
  FC_ASSIGN_OR_RETURN(auto row, conn.QueryOne(fmt::format("SELECT {} FROM users WHERE id = ?",
                                                          kUserColumns),
                                              {std::string(id)}, "user"));
  return UserFromRow(row);
}

}  // namespace

const std::vector<Sector>& Sectors() {
  static const std::vector<Sector> kSectors = {
      {"major_bank", "主要行", "Major bank", "large"},
      {"regional_bank", "地方銀行", "Regional bank", "medium"},
      {"second_regional_bank", "第二地方銀行", "Second-tier regional bank", "medium"},
      {"shinkin_bank", "信用金庫", "Shinkin bank", "small"},
      {"credit_cooperative", "信用組合", "Credit cooperative", "small"},
      {"securities", "証券会社", "Securities firm", "medium"},
      {"life_insurance", "生命保険会社", "Life insurer", "medium"},
      {"nonlife_insurance", "損害保険会社", "Non-life insurer", "medium"},
      {"market_infrastructure", "金融市場インフラ", "Market infrastructure", "large"},
      {"funds_transfer", "資金移動業者", "Funds-transfer operator", "small"},
      {"crypto_asset", "暗号資産交換業者", "Crypto-asset exchange", "small"},
  };
  return kSectors;
}

const std::vector<std::string>& SizeTiers() {
  static const std::vector<std::string> kTiers = {"small", "medium", "large"};
  return kTiers;
}

bool IsKnownSizeTier(std::string_view tier) {
  const auto& tiers = SizeTiers();
  return std::find(tiers.begin(), tiers.end(), tier) != tiers.end();
}

std::string EffectiveSizeTier(const std::optional<std::string>& size_tier,
                              const std::optional<std::string>& sector) {
  if (size_tier) return *size_tier;
  if (sector) {
    for (const auto& s : Sectors()) {
      if (s.code == *sector) return s.default_size_tier;
    }
  }
  return "medium";
}

bool IsKnownSector(std::string_view code) {
  const auto& sectors = Sectors();
  return std::any_of(sectors.begin(), sectors.end(),
                     [&](const Sector& s) { return s.code == code; });
}

Json ToJson(const Org& org) {
  return {{"id", org.id},
          {"kind", OrgKindName(org.kind)},
          {"sector", OptionalJson(org.sector)},
          {"name_ja", org.name_ja},
          {"name_en", org.name_en},
          {"parent_id", OptionalJson(org.parent_id)},
          {"size_tier", OptionalJson(org.size_tier)},
          {"created_at", org.created_at}};
}

Json ToJson(const User& user) {
  return {{"id", user.id},
          {"org_id", user.org_id},
          {"username", user.username},
          {"display_name", user.display_name},
          {"role", RoleName(user.role)},
          {"locale", user.locale},
          {"disabled", user.disabled},
          {"last_login_at", OptionalJson(user.last_login_at)},
          {"created_at", user.created_at}};
}

Result<Page<Org>> ListOrgs(store::Connection& conn, const Principal& principal,
                           const OrgQuery& query) {
  if (query.limit < 1 || query.limit > 1000 || query.offset < 0) {
    return InvalidArgument("limit must be 1..1000 and offset non-negative");
  }
  OrgFilter filter = ReadableOrgs(principal, Resource::kOrgDirectory, "id");
  std::string where = filter.sql;
  store::Params params = filter.params;
  if (query.kind) {
    where += " AND kind = ?";
    params.emplace_back(std::string(OrgKindName(*query.kind)));
  }
  if (query.sector) {
    where += " AND sector = ?";
    params.emplace_back(*query.sector);
  }
  if (!query.text.empty()) {
    const std::string pattern = "%" + LikeEscape(query.text) + "%";
    where += " AND (LOWER(name_ja) LIKE LOWER(?) ESCAPE '\\' OR LOWER(name_en) LIKE LOWER(?) "
             "ESCAPE '\\')";
    params.emplace_back(pattern);
    params.emplace_back(pattern);
  }
  Page<Org> page;
  FC_ASSIGN_OR_RETURN(auto count,
                      conn.QueryOne(fmt::format("SELECT COUNT(*) FROM orgs WHERE {}", where),
                                    params, "count"));
  page.total = count.GetInt(0);
  params.emplace_back(static_cast<std::int64_t>(query.limit));
  params.emplace_back(static_cast<std::int64_t>(query.offset));
  FC_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query(fmt::format("SELECT {} FROM orgs WHERE {} ORDER BY "
                             "CASE kind WHEN 'regulator' THEN 0 WHEN 'bureau' THEN 1 "
                             "WHEN 'isac' THEN 2 ELSE 3 END, sector, name_en LIMIT ? OFFSET ?",
                             kOrgColumns, where),
                 params));
  for (const auto& row : rows) page.items.push_back(OrgFromRow(row));
  return page;
}

Result<Org> GetOrg(store::Connection& conn, const Principal& principal, std::string_view id) {
  FC_RETURN_IF_ERROR(CheckCanRead(conn, principal, Resource::kOrgDirectory, id));
  return LoadOrg(conn, id);
}

Result<Page<Org>> ListSupervised(store::Connection& conn, const Principal& principal,
                                 std::string_view bureau_id) {
  FC_ASSIGN_OR_RETURN(auto bureau, GetOrg(conn, principal, bureau_id));
  OrgFilter filter = ReadableOrgs(principal, Resource::kOrgDirectory, "o.id");
  store::Params params{bureau.id};
  params.insert(params.end(), filter.params.begin(), filter.params.end());
  FC_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query(
          fmt::format(
              "SELECT o.id, o.kind, o.sector, o.name_ja, o.name_en, o.parent_id, "
              "o.created_at, o.size_tier FROM orgs o JOIN supervision s ON s.institution_id = "
              "o.id WHERE s.bureau_id = ? AND {} ORDER BY o.sector, o.name_en",
              filter.sql),
          params));
  Page<Org> page;
  for (const auto& row : rows) page.items.push_back(OrgFromRow(row));
  page.total = static_cast<std::int64_t>(page.items.size());
  return page;
}

Result<Page<User>> ListUsers(store::Connection& conn, const Principal& principal,
                             std::string_view org_id) {
  FC_RETURN_IF_ERROR(CheckCanRead(conn, principal, Resource::kUserDirectory, org_id));
  FC_ASSIGN_OR_RETURN(auto rows,
                      conn.Query(fmt::format("SELECT {} FROM users WHERE org_id = ? "
                                             "ORDER BY username",
                                             kUserColumns),
                                 {std::string(org_id)}));
  Page<User> page;
  for (const auto& row : rows) page.items.push_back(UserFromRow(row));
  page.total = static_cast<std::int64_t>(page.items.size());
  return page;
}

Result<User> GetUser(store::Connection& conn, const Principal& principal, std::string_view id) {
  auto user = LoadUser(conn, id);
  if (!user.ok()) return NotFound("user not found");
  if (!CheckCanRead(conn, principal, Resource::kUserDirectory, user->org_id).ok()) {
    return NotFound("user not found");
  }
  return user;
}

Result<User> FindUserByUsername(store::Connection& conn, const Principal& principal,
                                std::string_view username) {
  FC_ASSIGN_OR_RETURN(auto row, conn.QueryOptional("SELECT id FROM users WHERE username = ?",
                                                   {std::string(username)}));
  if (!row) return NotFound("user not found");
  return GetUser(conn, principal, row->GetString(0));
}

Result<Org> CreateOrg(store::Connection& conn, const Clock& clock, const Principal& principal,
                      const NewOrg& input) {
  FC_RETURN_IF_ERROR(CheckCanManageOrgs(principal));
  std::vector<FieldProblem> problems;
  ValidateName("name_ja", input.name_ja, problems);
  ValidateName("name_en", input.name_en, problems);
  if (input.kind == OrgKind::kInstitution) {
    if (!input.sector) {
      problems.push_back({"sector", "required for an institution"});
    } else if (!IsKnownSector(*input.sector)) {
      problems.push_back({"sector", "unknown business category"});
    }
  } else if (input.sector) {
    problems.push_back({"sector", "only institutions have a business category"});
  }
  if (input.size_tier) {
    if (input.kind != OrgKind::kInstitution) {
      problems.push_back({"size_tier", "only institutions have a size tier"});
    } else if (!IsKnownSizeTier(*input.size_tier)) {
      problems.push_back({"size_tier", "unknown size tier"});
    }
  }
  if (input.kind == OrgKind::kBureau && !input.parent_id) {
    problems.push_back({"parent_id", "a bureau belongs to the regulator"});
  }
  if (!problems.empty()) return Invalid(std::move(problems));
  if (input.parent_id) {
    auto parent = LoadOrg(conn, *input.parent_id);
    if (!parent.ok()) return InvalidArgument("parent organisation not found",
                                             {{"parent_id", "not found"}});
  }
  Org org;
  org.id = NewUuid();
  org.kind = input.kind;
  org.sector = input.sector;
  org.name_ja = input.name_ja;
  org.name_en = input.name_en;
  org.parent_id = input.parent_id;
  org.created_at = FormatRfc3339(clock.Now());
  org.size_tier = input.size_tier;
  auto inserted = conn.Execute(
      "INSERT INTO orgs (id, kind, sector, name_ja, name_en, parent_id, created_at, size_tier) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {org.id, std::string(OrgKindName(org.kind)), OptionalValue(org.sector), org.name_ja,
       org.name_en, OptionalValue(org.parent_id), org.created_at, OptionalValue(org.size_tier)});
  if (!inserted.ok()) {
    if (inserted.error().code() == ErrorCode::kAlreadyExists) {
      return AlreadyExists("an organisation with this name already exists");
    }
    return std::move(inserted).error();
  }
  return org;
}

Result<Org> SetOrgSizeTier(store::Connection& conn, const Principal& principal,
                           std::string_view org_id, const std::optional<std::string>& size_tier) {
  FC_ASSIGN_OR_RETURN(auto org, GetOrg(conn, principal, org_id));
  FC_RETURN_IF_ERROR(CheckCanManageOrgs(principal));
  if (org.kind != OrgKind::kInstitution) {
    return InvalidArgument("only institutions have a size tier",
                           {{"size_tier", "only institutions have a size tier"}});
  }
  if (size_tier && !IsKnownSizeTier(*size_tier)) {
    return InvalidArgument("unknown size tier", {{"size_tier", "unknown size tier"}});
  }
  FC_RETURN_IF_ERROR(conn.Execute("UPDATE orgs SET size_tier = ? WHERE id = ?",
                                  {OptionalValue(size_tier), org.id}));
  org.size_tier = size_tier;
  return org;
}

Status AddSupervision(store::Connection& conn, const Principal& principal,
                      std::string_view bureau_id, std::string_view institution_id) {
  FC_RETURN_IF_ERROR(CheckCanManageOrgs(principal));
  FC_ASSIGN_OR_RETURN(auto bureau, LoadOrg(conn, bureau_id));
  FC_ASSIGN_OR_RETURN(auto institution, LoadOrg(conn, institution_id));
  if (bureau.kind != OrgKind::kBureau || institution.kind != OrgKind::kInstitution) {
    return InvalidArgument("a bureau supervises institutions");
  }
  FC_RETURN_IF_ERROR(conn.Execute(
      "INSERT INTO supervision (bureau_id, institution_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
      {bureau.id, institution.id}));
  return OkStatus();
}

Result<User> CreateUser(store::Connection& conn, const Clock& clock, const Principal& principal,
                        const NewUser& input, bool password_hash_fast) {
  FC_RETURN_IF_ERROR(CheckCanManageUsers(principal, input.org_id));
  auto org = LoadOrg(conn, input.org_id);
  if (!org.ok()) return NotFound("organisation not found");
  static const std::regex kUsername("[a-z0-9][a-z0-9._@-]{2,63}");
  std::vector<FieldProblem> problems;
  if (input.username.empty()) {
    problems.push_back({"username", "required"});
  } else if (!std::regex_match(input.username, kUsername)) {
    problems.push_back({"username", "3-64 characters: a-z 0-9 . _ @ -"});
  }
  ValidateName("display_name", input.display_name, problems);
  if (input.password.size() < 12) {
    problems.push_back({"password", "at least 12 characters"});
  } else if (input.password.size() > 1024) {
    problems.push_back({"password", "at most 1024 characters"});
  }
  if (!RoleFitsOrgKind(input.role, org->kind)) {
    problems.push_back({"role", "not available in this kind of organisation"});
  }
  if (principal.role != Role::kCoordinationOffice &&
      (input.role == Role::kCoordinationOffice || input.role == Role::kAuditor)) {
    problems.push_back({"role", "only the coordination office may grant this role"});
  }
  if (input.locale != "ja" && input.locale != "en") problems.push_back({"locale", "ja or en"});
  if (!problems.empty()) return Invalid(std::move(problems));

  FC_ASSIGN_OR_RETURN(auto hash, HashPassword(input.password, password_hash_fast));
  User user;
  user.id = NewUuid();
  user.org_id = org->id;
  user.username = input.username;
  user.display_name = input.display_name;
  user.role = input.role;
  user.locale = input.locale;
  user.created_at = FormatRfc3339(clock.Now());
  auto inserted = conn.Execute(
      "INSERT INTO users (id, org_id, username, display_name, role, password_hash, locale, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {user.id, user.org_id, user.username, user.display_name, std::string(RoleName(user.role)),
       hash, user.locale, user.created_at});
  if (!inserted.ok()) {
    if (inserted.error().code() == ErrorCode::kAlreadyExists) {
      return Error(ErrorCode::kAlreadyExists, "this username is taken", {},
                   {{"username", "already taken"}});
    }
    return std::move(inserted).error();
  }
  return user;
}

Result<User> DisableUser(store::Connection& conn, const Clock& clock,
                         const Principal& principal, std::string_view user_id) {
  FC_ASSIGN_OR_RETURN(auto user, GetUser(conn, principal, user_id));
  FC_RETURN_IF_ERROR(CheckCanManageUsers(principal, user.org_id));
  if (user.id == principal.user_id) return FailedPrecondition("you cannot disable yourself");
  const std::string now = FormatRfc3339(clock.Now());
  FC_RETURN_IF_ERROR(conn.Execute("UPDATE users SET disabled = 1 WHERE id = ?", {user.id}));
  FC_RETURN_IF_ERROR(conn.Execute("DELETE FROM sessions WHERE user_id = ?", {user.id}));
  FC_RETURN_IF_ERROR(conn.Execute(
      "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
      {now, user.id}));
  user.disabled = true;
  return user;
}

Result<User> SetLocale(store::Connection& conn, const Principal& principal,
                       std::string_view locale) {
  if (locale != "ja" && locale != "en") {
    return InvalidArgument("locale must be ja or en", {{"locale", "ja or en"}});
  }
  FC_RETURN_IF_ERROR(conn.Execute("UPDATE users SET locale = ? WHERE id = ?",
                                  {std::string(locale), principal.user_id}));
  return LoadUser(conn, principal.user_id);
}

Principal OperatorPrincipal() {
  Principal p;
  p.username = "operator";
  p.display_name = "operator";
  p.role = Role::kCoordinationOffice;
  p.org_kind = OrgKind::kRegulator;
  return p;
}

}  // namespace fincyber::identity
