// Remediation items: storage, the rules of creating them from gaps and changing them,
// and their outcome in the next campaign.
#include "survey/remediation.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <unordered_map>

#include "audit/audit.h"
#include "base/crypto.h"
#include "base/utf8.h"
#include "identity/access.h"
#include "identity/directory.h"
#include "survey/bank_format.h"
#include "survey/internal/remediation_progress.h"
#include "survey/internal/service_common.h"

namespace fincyber::survey {

std::vector<store::Migration> RemediationMigrations() {
  // item_ids is a JSON array of the campaign's item ids; history keeps, per version, the
  // whole item (version 1) or the changed fields as {from, to}.
  return {{"survey_remediation", 1, "remediation items of survey gaps and their history",
           R"sql(
CREATE TABLE survey_remediation_items (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL REFERENCES survey_campaigns(id),
  title TEXT NOT NULL,
  item_ids TEXT NOT NULL,
  owner_user_id TEXT NOT NULL,
  owner_name TEXT NOT NULL,
  due_date TEXT NOT NULL,
  status TEXT NOT NULL,
  note TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE INDEX survey_remediation_items_org ON survey_remediation_items(org_id, campaign_id);
CREATE TABLE survey_remediation_history (
  id AUTO_ID,
  remediation_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  changes TEXT NOT NULL
);
CREATE INDEX survey_remediation_history_item ON survey_remediation_history(remediation_id, version)
)sql"}};
}

std::string_view RemediationStatusName(RemediationStatus status) {
  switch (status) {
    case RemediationStatus::kOpen:
      return "open";
    case RemediationStatus::kInProgress:
      return "in_progress";
    case RemediationStatus::kDone:
      return "done";
    case RemediationStatus::kAcceptedRisk:
      return "accepted_risk";
  }
  return "open";
}

std::optional<RemediationStatus> ParseRemediationStatus(std::string_view name) {
  for (auto status : {RemediationStatus::kOpen, RemediationStatus::kInProgress,
                      RemediationStatus::kDone, RemediationStatus::kAcceptedRisk}) {
    if (RemediationStatusName(status) == name) return status;
  }
  return std::nullopt;
}

namespace {

constexpr const char* kItemColumns =
    "r.id, r.org_id, r.campaign_id, c.year, r.title, r.item_ids, r.owner_user_id, r.owner_name, "
    "r.due_date, r.status, r.note, r.version, r.created_at, r.created_by, r.updated_at, "
    "r.updated_by FROM survey_remediation_items r JOIN survey_campaigns c ON c.id = r.campaign_id";

std::string Today(const Clock& clock) { return FormatRfc3339(clock.Now()).substr(0, 10); }

bool IsOpenStatus(RemediationStatus status) {
  return status == RemediationStatus::kOpen || status == RemediationStatus::kInProgress;
}

RemediationItem ItemFromRow(const store::Row& row, const std::string& today) {
  RemediationItem r;
  r.id = row.GetString(0);
  r.org_id = row.GetString(1);
  r.campaign_id = row.GetString(2);
  r.campaign_year = static_cast<int>(row.GetInt(3));
  r.title = row.GetString(4);
  auto ids = ParseJson(row.GetString(5));
  if (ids.ok() && ids->is_array()) {
    for (const auto& id : *ids) {
      if (id.is_string()) r.item_ids.push_back(id.get<std::string>());
    }
  }
  r.owner = {row.GetString(6), row.GetString(7)};
  r.due_date = row.GetString(8);
  r.status = ParseRemediationStatus(row.GetString(9)).value_or(RemediationStatus::kOpen);
  r.note = row.GetString(10);
  r.version = row.GetInt(11);
  r.created_at = row.GetString(12);
  r.created_by = row.GetString(13);
  r.updated_at = row.GetString(14);
  r.updated_by = row.GetString(15);
  r.overdue = IsOpenStatus(r.status) && r.due_date < today;
  return r;
}

Status RequireEditor(const identity::Principal& principal) {
  FC_RETURN_IF_ERROR(identity::CheckCanWrite(principal));
  if (principal.org_id.empty() || (principal.role != identity::Role::kInstitutionAdmin &&
                                   principal.role != identity::Role::kInstitutionMember)) {
    return PermissionDenied("only the institution's own users edit its remediation items");
  }
  return OkStatus();
}

Status CheckText(std::string_view field, const std::string& text, std::size_t min_bytes,
                 std::size_t max_bytes) {
  if (text.size() < min_bytes || text.size() > max_bytes || FindInvalidUtf8(text)) {
    return InvalidArgument(
        fmt::format("{} must be {}..{} bytes of UTF-8", field, min_bytes, max_bytes),
        {{std::string(field), fmt::format("{}..{} bytes of UTF-8", min_bytes, max_bytes)}});
  }
  return OkStatus();
}

// A calendar date "YYYY-MM-DD" that exists, not before today.
Status CheckDueDate(const std::string& date, const std::string& today) {
  const auto digits = [&](std::size_t from, std::size_t count) {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (date[i] < '0' || date[i] > '9') return -1;
      value = value * 10 + (date[i] - '0');
    }
    return value;
  };
  const bool shaped = date.size() == 10 && date[4] == '-' && date[7] == '-';
  const int year = shaped ? digits(0, 4) : -1;
  const int month = shaped ? digits(5, 2) : -1;
  const int day = shaped ? digits(8, 2) : -1;
  const std::chrono::year_month_day ymd{std::chrono::year(year),
                                        std::chrono::month(static_cast<unsigned>(month)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (year < 2000 || year > 2100 || month < 1 || day < 1 || !ymd.ok()) {
    return InvalidArgument("due_date must be a date YYYY-MM-DD",
                           {{"due_date", "a date YYYY-MM-DD"}});
  }
  if (date < today) {
    return InvalidArgument("due_date is in the past", {{"due_date", "today or later"}});
  }
  return OkStatus();
}

// Fills the owner's name from the user, who must be an active user of the institution.
Result<RemediationOwner> ResolveOwner(store::Connection& conn, const identity::Principal& principal,
                                      const RemediationOwner& owner) {
  if (owner.user_id.empty() == owner.name.empty()) {
    return InvalidArgument("owner must be {user_id} or {name}",
                           {{"owner", "a user of the institution or a name"}});
  }
  if (owner.user_id.empty()) {
    FC_RETURN_IF_ERROR(CheckText("owner.name", owner.name, 1, kMaxRemediationOwnerBytes));
    return owner;
  }
  auto user = identity::GetUser(conn, principal, owner.user_id);
  if (!user.ok() || user->org_id != principal.org_id || user->disabled) {
    if (user.ok() || user.error().code() == ErrorCode::kNotFound) {
      return InvalidArgument("owner.user_id is not an active user of the institution",
                             {{"owner.user_id", "an active user of the institution"}});
    }
    return std::move(user).error();
  }
  return RemediationOwner{user->id, user->display_name};
}

struct Gaps {
  std::vector<std::string> ids;  // bank order
  std::set<std::string> gap_set;
  std::set<std::string> scored;  // every scored item in the results
};

// The gaps of the principal's institution in a closed campaign it is assigned to.
Result<std::pair<Campaign, Gaps>> LoadGaps(store::Connection& conn,
                                           const identity::Principal& principal,
                                           std::string_view campaign_id) {
  FC_ASSIGN_OR_RETURN(Campaign campaign,
                      internal::LoadVisibleCampaign(conn, principal, campaign_id));
  FC_ASSIGN_OR_RETURN(Assignment assignment,
                      internal::LoadAssignment(conn, principal, campaign.id, principal.org_id));
  if (campaign.status != CampaignStatus::kClosed) {
    return FailedPrecondition("gaps are known when the campaign closes");
  }
  FC_ASSIGN_OR_RETURN(auto row, conn.QueryOptional("SELECT body FROM survey_results WHERE "
                                                   "campaign_id = ? AND kind = 'institution' AND "
                                                   "subject = ?",
                                                   {campaign.id, assignment.org_id}));
  if (!row) return NotFound("no results: the answers were not submitted before the close");
  FC_ASSIGN_OR_RETURN(Json results,
                      ParseJson(row->GetString(0), {.max_bytes = 64 << 20, .max_depth = 64}));
  Gaps gaps;
  const Json items = results.value("own", Json::object()).value("items", Json::array());
  for (const auto& item : items) {
    const std::string id = item.value("item_id", "");
    gaps.scored.insert(id);
    if (!item.value("met", false) && !item.value("not_applicable", false)) {
      gaps.ids.push_back(id);
      gaps.gap_set.insert(id);
    }
  }
  return std::pair{std::move(campaign), std::move(gaps)};
}

Status CheckItemIds(const std::vector<std::string>& ids, const Gaps& gaps) {
  if (ids.empty() || ids.size() > kMaxRemediationItemIds) {
    return InvalidArgument("item_ids must list 1 to 50 items", {{"item_ids", "1 to 50 item ids"}});
  }
  std::set<std::string> seen;
  for (const auto& id : ids) {
    if (!seen.insert(id).second) {
      return InvalidArgument("item_ids lists an item twice", {{"item_ids", "distinct ids"}});
    }
    if (!gaps.scored.count(id)) {
      return InvalidArgument("unknown item " + id.substr(0, 100),
                             {{"item_ids", "a scored item of the campaign"}});
    }
    if (!gaps.gap_set.count(id)) {
      return InvalidArgument("item " + id + " is met or not applicable",
                             {{"item_ids", "an item not met"}});
    }
  }
  return OkStatus();
}

Json ItemState(const RemediationItem& r) {
  return {{"title", r.title},
          {"item_ids", r.item_ids},
          {"owner", {{"user_id", r.owner.user_id}, {"name", r.owner.name}}},
          {"due_date", r.due_date},
          {"status", RemediationStatusName(r.status)},
          {"note", r.note}};
}

Status AppendHistory(store::Connection& conn, const RemediationItem& r, const Json& changes) {
  FC_RETURN_IF_ERROR(
      conn.Execute("INSERT INTO survey_remediation_history (remediation_id, version, changed_at, "
                   "changed_by, changes) VALUES (?, ?, ?, ?, ?)",
                   {r.id, r.version, r.updated_at, r.updated_by, DumpJson(changes)}));
  return OkStatus();
}

Result<RemediationItem> Insert(store::Connection& conn, const Clock& clock,
                               const identity::Principal& principal, const Campaign& campaign,
                               const NewRemediation& input, const RemediationOwner& owner,
                               const RequestInfo& info) {
  RemediationItem r;
  r.id = NewUuid();
  r.org_id = principal.org_id;
  r.campaign_id = campaign.id;
  r.campaign_year = campaign.year;
  r.title = input.title;
  r.item_ids = input.item_ids;
  r.owner = owner;
  r.due_date = input.due_date;
  r.status = input.status;
  r.note = input.note;
  r.created_at = r.updated_at = internal::Now(clock);
  r.created_by = r.updated_by = principal.username;
  FC_RETURN_IF_ERROR(conn.Execute(
      "INSERT INTO survey_remediation_items (id, org_id, campaign_id, title, "
      "item_ids, owner_user_id, owner_name, due_date, status, note, version, "
      "created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, 1, ?, ?, ?, ?)",
      {r.id, r.org_id, r.campaign_id, r.title, Json(r.item_ids).dump(), r.owner.user_id,
       r.owner.name, r.due_date, std::string(RemediationStatusName(r.status)), r.note, r.created_at,
       r.created_by, r.updated_at, r.updated_by}));
  FC_RETURN_IF_ERROR(AppendHistory(conn, r, ItemState(r)));
  FC_RETURN_IF_ERROR(audit::Append(
      conn, clock,
      {principal.user_id, r.org_id, "survey.remediation_create", "survey_remediation", r.id,
       Json{{"campaign_id", r.campaign_id}, {"item_ids", r.item_ids}, {"due_date", r.due_date}},
       info.remote_address, info.request_id}));
  return r;
}

// Cuts UTF-8 text to at most `max_bytes` without splitting a character.
std::string Truncate(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

Result<RemediationItem> LoadReadable(store::Connection& conn, const Clock& clock,
                                     const identity::Principal& principal, std::string_view id) {
  const identity::OrgFilter filter =
      identity::ReadableOrgs(principal, identity::Resource::kInstitutionRecords, "r.org_id");
  store::Params params{std::string(id)};
  params.insert(params.end(), filter.params.begin(), filter.params.end());
  FC_ASSIGN_OR_RETURN(auto row, conn.QueryOptional(fmt::format("SELECT {} WHERE r.id = ? AND {}",
                                                               kItemColumns, filter.sql),
                                                   params));
  if (!row) return NotFound("remediation item not found");
  return ItemFromRow(*row, Today(clock));
}

}  // namespace

namespace internal {

Result<RemediationProgress> ComputeRemediationProgress(store::Connection& conn, const Clock& clock,
                                                       const Campaign& campaign,
                                                       std::string_view org_id,
                                                       const Json& results) {
  RemediationProgress progress;
  progress.campaign_id = campaign.id;
  progress.org_id = std::string(org_id);
  progress.results_available = results.is_object();
  std::unordered_map<std::string, bool> met;  // scored and applicable items: met or not
  if (progress.results_available) {
    const Json items = results.value("own", Json::object()).value("items", Json::array());
    for (const auto& item : items) {
      if (item.value("not_applicable", false)) continue;
      met[item.value("item_id", "")] = item.value("met", false);
    }
  }
  FC_ASSIGN_OR_RETURN(auto rows,
                      conn.Query(fmt::format("SELECT {} WHERE r.org_id = ? AND c.year < ? "
                                             "ORDER BY c.year, r.due_date, r.created_at",
                                             kItemColumns),
                                 {std::string(org_id), std::int64_t{campaign.year}}));
  const std::string today = Today(clock);
  for (const auto& row : rows) {
    RemediationOutcome outcome;
    outcome.item = ItemFromRow(row, today);
    for (const auto& id : outcome.item.item_ids) {
      auto found = met.find(id);
      if (found == met.end()) {
        outcome.not_asked.push_back(id);
      } else {
        (found->second ? outcome.met : outcome.unmet).push_back(id);
      }
    }
    outcome.closed = progress.results_available && outcome.unmet.empty() && !outcome.met.empty();
    (outcome.closed ? progress.closed : progress.still_open).push_back(std::move(outcome));
  }
  return progress;
}

}  // namespace internal

RemediationService::RemediationService(store::Database& db, const Clock& clock)
    : db_(db), clock_(clock) {}

Result<RemediationItem> RemediationService::Create(const identity::Principal& principal,
                                                   std::string_view campaign_id,
                                                   const NewRemediation& input,
                                                   const RequestInfo& info) {
  FC_RETURN_IF_ERROR(RequireEditor(principal));
  FC_RETURN_IF_ERROR(CheckText("title", input.title, 1, kMaxRemediationTitleBytes));
  FC_RETURN_IF_ERROR(CheckText("note", input.note, 0, kMaxRemediationNoteBytes));
  FC_RETURN_IF_ERROR(CheckDueDate(input.due_date, Today(clock_)));
  return db_.TransactValue<RemediationItem>(
      [&](store::Connection& conn) -> Result<RemediationItem> {
        FC_ASSIGN_OR_RETURN(auto loaded, LoadGaps(conn, principal, campaign_id));
        FC_RETURN_IF_ERROR(CheckItemIds(input.item_ids, loaded.second));
        FC_ASSIGN_OR_RETURN(RemediationOwner owner, ResolveOwner(conn, principal, input.owner));
        return Insert(conn, clock_, principal, loaded.first, input, owner, info);
      });
}

Result<std::vector<RemediationItem>> RemediationService::CreateForAllGaps(
    const identity::Principal& principal, std::string_view campaign_id,
    const BulkRemediation& input, const RequestInfo& info) {
  FC_RETURN_IF_ERROR(RequireEditor(principal));
  FC_RETURN_IF_ERROR(CheckDueDate(input.due_date, Today(clock_)));
  if (input.language != "ja" && input.language != "en") {
    return InvalidArgument("lang must be ja or en", {{"lang", "ja or en"}});
  }
  return db_.TransactValue<std::vector<RemediationItem>>(
      [&](store::Connection& conn) -> Result<std::vector<RemediationItem>> {
        // One bulk creation at a time per institution and campaign, so two never both
        // cover the same gap.
        FC_RETURN_IF_ERROR(conn.LockExclusive(
            fmt::format("survey_remediation:{}:{}", principal.org_id, campaign_id)));
        FC_ASSIGN_OR_RETURN(auto loaded, LoadGaps(conn, principal, campaign_id));
        const Campaign& campaign = loaded.first;
        FC_ASSIGN_OR_RETURN(RemediationOwner owner, ResolveOwner(conn, principal, input.owner));
        FC_ASSIGN_OR_RETURN(auto existing, conn.Query("SELECT item_ids FROM "
                                                      "survey_remediation_items WHERE org_id = ? "
                                                      "AND campaign_id = ?",
                                                      {principal.org_id, campaign.id}));
        std::set<std::string> covered;
        for (const auto& row : existing) {
          auto ids = ParseJson(row.GetString(0));
          if (!ids.ok() || !ids->is_array()) continue;
          for (const auto& id : *ids) {
            if (id.is_string()) covered.insert(id.get<std::string>());
          }
        }
        FC_ASSIGN_OR_RETURN(auto model, conn.QueryOne("SELECT model FROM survey_banks WHERE id = ?",
                                                      {campaign.bank_storage_id}, "bank"));
        FC_ASSIGN_OR_RETURN(Json model_json,
                            ParseJson(model.GetString(0), {.max_bytes = 64 << 20}));
        FC_ASSIGN_OR_RETURN(Bank bank, BankFromJson(model_json));
        std::unordered_map<std::string, const Item*> by_id;
        for (const auto& section : bank.sections) {
          for (const auto& item : section.items) by_id.emplace(item.id, &item);
        }
        std::vector<RemediationItem> created;
        for (const auto& id : loaded.second.ids) {
          if (covered.count(id)) continue;
          NewRemediation one;
          one.item_ids = {id};
          one.due_date = input.due_date;
          auto item = by_id.find(id);
          const std::string text = item == by_id.end()      ? ""
                                   : input.language == "en" ? item->second->text.en
                                                            : item->second->text.ja;
          one.title = Truncate(text.empty() ? id : id + " " + text, kMaxRemediationTitleBytes);
          FC_ASSIGN_OR_RETURN(auto stored,
                              Insert(conn, clock_, principal, campaign, one, owner, info));
          created.push_back(std::move(stored));
        }
        return created;
      });
}

Result<std::vector<RemediationItem>> RemediationService::List(const identity::Principal& principal,
                                                              const RemediationQuery& query) {
  return db_.ReadValue<std::vector<RemediationItem>>(
      [&](store::Connection& conn) -> Result<std::vector<RemediationItem>> {
        const identity::OrgFilter filter =
            identity::ReadableOrgs(principal, identity::Resource::kInstitutionRecords, "r.org_id");
        std::string where = filter.sql;
        store::Params params = filter.params;
        if (!query.org_id.empty()) {
          where += " AND r.org_id = ?";
          params.push_back(query.org_id);
        }
        if (!query.campaign_id.empty()) {
          where += " AND r.campaign_id = ?";
          params.push_back(query.campaign_id);
        }
        if (query.status) {
          where += " AND r.status = ?";
          params.push_back(std::string(RemediationStatusName(*query.status)));
        }
        FC_ASSIGN_OR_RETURN(auto rows, conn.Query(fmt::format("SELECT {} WHERE {} ORDER BY "
                                                              "r.due_date, r.created_at, r.id",
                                                              kItemColumns, where),
                                                  params));
        const std::string today = Today(clock_);
        std::vector<RemediationItem> out;
        for (const auto& row : rows) out.push_back(ItemFromRow(row, today));
        return out;
      });
}

Result<RemediationItem> RemediationService::Get(const identity::Principal& principal,
                                                std::string_view id) {
  return db_.ReadValue<RemediationItem>(
      [&](store::Connection& conn) { return LoadReadable(conn, clock_, principal, id); });
}

Result<std::vector<RemediationChange>> RemediationService::History(
    const identity::Principal& principal, std::string_view id) {
  return db_.ReadValue<std::vector<RemediationChange>>(
      [&](store::Connection& conn) -> Result<std::vector<RemediationChange>> {
        FC_ASSIGN_OR_RETURN(RemediationItem item, LoadReadable(conn, clock_, principal, id));
        FC_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT version, changed_at, changed_by, "
                                                  "changes FROM survey_remediation_history "
                                                  "WHERE remediation_id = ? ORDER BY version",
                                                  {item.id}));
        std::vector<RemediationChange> out;
        for (const auto& row : rows) {
          auto changes = ParseJson(row.GetString(3));
          out.push_back({row.GetInt(0), row.GetString(1), row.GetString(2),
                         changes.ok() ? std::move(*changes) : Json(nullptr)});
        }
        return out;
      });
}

Result<RemediationItem> RemediationService::Update(const identity::Principal& principal,
                                                   std::string_view id,
                                                   const RemediationUpdate& update,
                                                   const RequestInfo& info) {
  const std::string today = Today(clock_);
  return db_.TransactValue<RemediationItem>(
      [&](store::Connection& conn) -> Result<RemediationItem> {
        FC_ASSIGN_OR_RETURN(RemediationItem item, LoadReadable(conn, clock_, principal, id));
        FC_RETURN_IF_ERROR(RequireEditor(principal));
        if (item.org_id != principal.org_id) {
          return PermissionDenied("only the institution's own users edit its remediation items");
        }
        if (update.expected_version && *update.expected_version != item.version) {
          return Aborted(fmt::format("the item changed (version {}); reload it", item.version));
        }
        const RemediationItem before = item;
        if (update.title) {
          FC_RETURN_IF_ERROR(CheckText("title", *update.title, 1, kMaxRemediationTitleBytes));
          item.title = *update.title;
        }
        if (update.note) {
          FC_RETURN_IF_ERROR(CheckText("note", *update.note, 0, kMaxRemediationNoteBytes));
          item.note = *update.note;
        }
        if (update.due_date && *update.due_date != item.due_date) {
          FC_RETURN_IF_ERROR(CheckDueDate(*update.due_date, today));
          item.due_date = *update.due_date;
        }
        if (update.owner) {
          FC_ASSIGN_OR_RETURN(item.owner, ResolveOwner(conn, principal, *update.owner));
        }
        if (update.status) item.status = *update.status;
        if (item.status == RemediationStatus::kAcceptedRisk && item.note.empty()) {
          return InvalidArgument("accepting a risk needs a note saying why",
                                 {{"note", "required for accepted_risk"}});
        }
        const Json from = ItemState(before);
        const Json to = ItemState(item);
        Json changes = Json::object();
        for (const auto& [field, value] : to.items()) {
          if (from[field] != value) changes[field] = {{"from", from[field]}, {"to", value}};
        }
        if (changes.empty()) {
          return InvalidArgument("the update changes nothing", {{"body", "a changed field"}});
        }
        item.version += 1;
        item.updated_at = internal::Now(clock_);
        item.updated_by = principal.username;
        item.overdue = IsOpenStatus(item.status) && item.due_date < today;
        FC_ASSIGN_OR_RETURN(
            std::int64_t changed,
            conn.Execute("UPDATE survey_remediation_items SET title = ?, owner_user_id = ?, "
                         "owner_name = ?, due_date = ?, status = ?, note = ?, version = ?, "
                         "updated_at = ?, updated_by = ? WHERE id = ? AND version = ?",
                         {item.title, item.owner.user_id, item.owner.name, item.due_date,
                          std::string(RemediationStatusName(item.status)), item.note, item.version,
                          item.updated_at, item.updated_by, item.id, before.version}));
        if (changed != 1) return Aborted("the item changed meanwhile; reload it");
        FC_RETURN_IF_ERROR(AppendHistory(conn, item, changes));
        FC_RETURN_IF_ERROR(audit::Append(
            conn, clock_,
            {principal.user_id, item.org_id, "survey.remediation_update", "survey_remediation",
             item.id, Json{{"version", item.version}, {"changes", changes}}, info.remote_address,
             info.request_id}));
        return item;
      });
}

Result<RemediationProgress> RemediationService::Progress(const identity::Principal& principal,
                                                         std::string_view campaign_id,
                                                         std::string_view org_id) {
  return db_.ReadValue<RemediationProgress>(
      [&](store::Connection& conn) -> Result<RemediationProgress> {
        FC_ASSIGN_OR_RETURN(Campaign campaign,
                            internal::LoadVisibleCampaign(conn, principal, campaign_id));
        FC_ASSIGN_OR_RETURN(Assignment assignment,
                            internal::LoadAssignment(conn, principal, campaign.id, org_id));
        Json results = nullptr;
        if (campaign.status == CampaignStatus::kClosed) {
          FC_ASSIGN_OR_RETURN(auto row,
                              conn.QueryOptional("SELECT body FROM survey_results WHERE "
                                                 "campaign_id = ? AND kind = 'institution' AND "
                                                 "subject = ?",
                                                 {campaign.id, assignment.org_id}));
          if (row) {
            FC_ASSIGN_OR_RETURN(
                results, ParseJson(row->GetString(0), {.max_bytes = 64 << 20, .max_depth = 64}));
          }
        }
        return internal::ComputeRemediationProgress(conn, clock_, campaign, assignment.org_id,
                                                    results);
      });
}

Json ToJson(const RemediationItem& r) {
  Json out = ItemState(r);
  out["id"] = r.id;
  out["org_id"] = r.org_id;
  out["campaign_id"] = r.campaign_id;
  out["campaign_year"] = r.campaign_year;
  out["overdue"] = r.overdue;
  out["version"] = r.version;
  out["created_at"] = r.created_at;
  out["created_by"] = r.created_by;
  out["updated_at"] = r.updated_at;
  out["updated_by"] = r.updated_by;
  if (r.owner.user_id.empty()) out["owner"].erase("user_id");
  return out;
}

Json ToJson(const RemediationChange& c) {
  return {{"version", c.version},
          {"changed_at", c.changed_at},
          {"changed_by", c.changed_by},
          {"changes", c.changes}};
}

Json ToJson(const RemediationProgress& p) {
  const auto outcomes = [](const std::vector<RemediationOutcome>& list) {
    Json out = Json::array();
    for (const auto& o : list) {
      Json entry = ToJson(o.item);
      entry["met"] = o.met;
      entry["unmet"] = o.unmet;
      entry["not_asked"] = o.not_asked;
      out.push_back(std::move(entry));
    }
    return out;
  };
  return {{"campaign_id", p.campaign_id},
          {"org_id", p.org_id},
          {"results_available", p.results_available},
          {"closed", outcomes(p.closed)},
          {"still_open", outcomes(p.still_open)}};
}

}  // namespace fincyber::survey
