// Campaigns and their assignments: opening for business categories, per-institution
// deadline extensions, what each principal may see of them, and their progress.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "audit/audit.h"
#include "base/crypto.h"
#include "base/utf8.h"
#include "events/events.h"
#include "identity/directory.h"
#include "survey/internal/service_common.h"
#include "survey/scoring.h"
#include "survey/service.h"

namespace fincyber::survey {
namespace internal {

const char* const kCampaignSelect =
    "SELECT c.id, c.bank_storage_id, b.bank_id, b.version, c.title_ja, c.title_en, c.year, "
    "c.categories, c.opens_at, c.deadline, c.status, c.created_at, c.closed_at FROM "
    "survey_campaigns c JOIN survey_banks b ON b.id = c.bank_storage_id";

Campaign CampaignFromRow(const store::Row& row) {
  Campaign c;
  c.id = row.GetString(0);
  c.bank_storage_id = row.GetString(1);
  c.bank_id = row.GetString(2);
  c.bank_version = row.GetString(3);
  c.title = {row.GetString(4), row.GetString(5)};
  c.year = static_cast<int>(row.GetInt(6));
  auto categories = ParseJson(row.GetString(7));
  if (categories.ok() && categories->is_array()) {
    for (const auto& category : *categories) {
      if (category.is_string()) c.categories.push_back(category.get<std::string>());
    }
  }
  c.opens_at = row.GetString(8);
  c.deadline = row.GetString(9);
  c.status = row.GetString(10) == "closed" ? CampaignStatus::kClosed : CampaignStatus::kOpen;
  c.created_at = row.GetString(11);
  c.closed_at = row.GetString(12);
  return c;
}

Result<Campaign> LoadCampaign(store::Connection& conn, std::string_view id) {
  FC_ASSIGN_OR_RETURN(auto row, conn.QueryOne(fmt::format("{} WHERE c.id = ?", kCampaignSelect),
                                              {std::string(id)}, "campaign"));
  return CampaignFromRow(row);
}

namespace {

Status CountAssignments(store::Connection& conn, const identity::Principal& principal,
                        Campaign& campaign) {
  const identity::OrgFilter filter =
      identity::ReadableOrgs(principal, identity::Resource::kInstitutionRecords, "org_id");
  store::Params params{campaign.id};
  params.insert(params.end(), filter.params.begin(), filter.params.end());
  FC_ASSIGN_OR_RETURN(auto row,
                      conn.QueryOne(fmt::format("SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = "
                                                "'submitted' THEN 1 ELSE 0 END), 0) FROM "
                                                "survey_assignments WHERE campaign_id = ? AND {}",
                                                filter.sql),
                                    params, "campaign"));
  campaign.assignments = static_cast<int>(row.GetInt(0));
  campaign.submitted = static_cast<int>(row.GetInt(1));
  return OkStatus();
}

constexpr const char* kAssignmentColumns =
    "campaign_id, org_id, org_name_ja, org_name_en, category, size_tier, deadline, status, "
    "submitted_at, executive_name, executive_title, reopen_reason";

Assignment AssignmentFromRow(const store::Row& row) {
  Assignment a;
  a.campaign_id = row.GetString(0);
  a.org_id = row.GetString(1);
  a.org_name = {row.GetString(2), row.GetString(3)};
  a.category = row.GetString(4);
  a.size = ParseSizeTier(row.GetString(5)).value_or(SizeTier::kMedium);
  a.deadline = row.GetString(6);
  const std::string status = row.GetString(7);
  a.status = status == "submitted"          ? AssignmentStatus::kSubmitted
             : status == "reopen_requested" ? AssignmentStatus::kReopenRequested
                                            : AssignmentStatus::kInProgress;
  a.submitted_at = row.GetString(8);
  a.attestation = {row.GetString(9), row.GetString(10)};
  a.reopen_reason = row.GetString(11);
  return a;
}

}  // namespace

Result<Campaign> LoadVisibleCampaign(store::Connection& conn, const identity::Principal& principal,
                                     std::string_view id) {
  if (!IsRegulatorReader(principal)) {
    FC_ASSIGN_OR_RETURN(auto assigned,
                        conn.QueryOptional("SELECT 1 FROM survey_assignments WHERE campaign_id = "
                                           "? AND org_id = ?",
                                           {std::string(id), principal.org_id}));
    if (!assigned || principal.org_id.empty()) return NotFound("campaign not found");
  }
  FC_ASSIGN_OR_RETURN(Campaign campaign, LoadCampaign(conn, id));
  FC_RETURN_IF_ERROR(CountAssignments(conn, principal, campaign));
  return campaign;
}

Result<std::vector<Assignment>> QueryAssignments(store::Connection& conn,
                                                 const identity::Principal& principal,
                                                 std::string_view campaign_id,
                                                 std::string_view org_id) {
  const identity::OrgFilter filter =
      identity::ReadableOrgs(principal, identity::Resource::kInstitutionRecords, "org_id");
  store::Params params{std::string(campaign_id)};
  std::string where = "campaign_id = ?";
  if (!org_id.empty()) {
    where += " AND org_id = ?";
    params.push_back(std::string(org_id));
  }
  params.insert(params.end(), filter.params.begin(), filter.params.end());
  FC_ASSIGN_OR_RETURN(auto rows,
                      conn.Query(fmt::format("SELECT {} FROM survey_assignments WHERE {} AND {} "
                                             "ORDER BY category, org_name_en",
                                             kAssignmentColumns, where, filter.sql),
                                 params));
  std::vector<Assignment> out;
  for (const auto& row : rows) out.push_back(AssignmentFromRow(row));
  return out;
}

Result<Assignment> LoadAssignment(store::Connection& conn, const identity::Principal& principal,
                                  std::string_view campaign_id, std::string_view org_id) {
  if (org_id.empty()) return NotFound("assignment not found");
  FC_ASSIGN_OR_RETURN(auto found, QueryAssignments(conn, principal, campaign_id, org_id));
  if (found.empty()) return NotFound("assignment not found");
  return std::move(found.front());
}

Result<std::unordered_map<std::string, StoredAnswer>> LoadAnswers(store::Connection& conn,
                                                                  const CompiledBank& bank,
                                                                  std::string_view table,
                                                                  std::string_view campaign_id,
                                                                  std::string_view org_id) {
  FC_ASSIGN_OR_RETURN(auto rows,
                      conn.Query(fmt::format("SELECT item_id, value, comment, evidence, version, "
                                             "updated_at, updated_by FROM {} WHERE campaign_id = "
                                             "? AND org_id = ?",
                                             table),
                                 {std::string(campaign_id), std::string(org_id)}));
  std::unordered_map<std::string, StoredAnswer> out;
  for (const auto& row : rows) {
    StoredAnswer a;
    a.item_id = row.GetString(0);
    const auto index = bank.IndexOf(a.item_id);
    if (!index) continue;
    auto json = ParseJson(row.GetString(1));
    if (!json.ok()) continue;
    auto value = AnswerFromJson(bank.item(*index), *json);
    if (!value.ok()) continue;
    a.value = std::move(*value);
    a.comment = row.GetString(2);
    a.evidence = row.GetString(3);
    a.version = row.GetInt(4);
    a.updated_at = row.GetString(5);
    a.updated_by = row.GetString(6);
    out.emplace(a.item_id, std::move(a));
  }
  if (table == "survey_answers") {
    FC_RETURN_IF_ERROR(AddEvidenceAnswers(conn, bank, campaign_id, org_id, out));
  }
  return out;
}

Answers ValuesOf(const std::unordered_map<std::string, StoredAnswer>& answers) {
  Answers out;
  for (const auto& [id, answer] : answers) out.emplace(id, answer.value);
  return out;
}

Respondent RespondentOf(const Assignment& assignment) {
  return {assignment.category, assignment.size};
}

void FillProgress(const CompiledBank& bank, const std::vector<bool>& shown,
                  const std::unordered_map<std::string, StoredAnswer>& answers,
                  Assignment& assignment, std::vector<SectionProgress>* sections) {
  assignment.shown = assignment.answered = 0;
  if (sections != nullptr) {
    sections->clear();
    for (const auto& section : bank.bank().sections) {
      sections->push_back({section.id, section.title, 0, 0});
    }
  }
  for (int i = 0; i < bank.item_count(); ++i) {
    if (!shown[i]) continue;
    const bool answered = answers.count(bank.item(i).id) > 0;
    assignment.shown += 1;
    assignment.answered += answered ? 1 : 0;
    if (sections != nullptr) {
      auto& section = (*sections)[bank.section_of(i)];
      section.shown += 1;
      section.answered += answered ? 1 : 0;
    }
  }
}

}  // namespace internal

namespace {

Error Invalid(std::vector<FieldProblem> problems, std::string_view what) {
  std::string message = fmt::format("invalid {}:", what);
  for (const auto& p : problems) message += fmt::format(" {} {};", p.field, p.problem);
  message.pop_back();
  return InvalidArgument(std::move(message), std::move(problems));
}

}  // namespace

std::string_view CampaignStatusName(CampaignStatus status) {
  return status == CampaignStatus::kClosed ? "closed" : "open";
}

std::string_view AssignmentStatusName(AssignmentStatus status) {
  switch (status) {
    case AssignmentStatus::kInProgress:
      return "in_progress";
    case AssignmentStatus::kSubmitted:
      return "submitted";
    case AssignmentStatus::kReopenRequested:
      return "reopen_requested";
  }
  return "in_progress";
}

Json ToJson(const Campaign& c) {
  return {
      {"id", c.id},
      {"bank", {{"id", c.bank_storage_id}, {"bank_id", c.bank_id}, {"version", c.bank_version}}},
      {"title", internal::TextJson(c.title)},
      {"year", c.year},
      {"categories", c.categories},
      {"opens_at", c.opens_at},
      {"deadline", c.deadline},
      {"status", CampaignStatusName(c.status)},
      {"created_at", c.created_at},
      {"closed_at", c.closed_at.empty() ? Json(nullptr) : Json(c.closed_at)},
      {"assignments", c.assignments},
      {"submitted", c.submitted}};
}

Json ToJson(const Assignment& a) {
  Json out = {{"campaign_id", a.campaign_id},
              {"org_id", a.org_id},
              {"org_name", internal::TextJson(a.org_name)},
              {"category", a.category},
              {"size", SizeTierName(a.size)},
              {"deadline", a.deadline},
              {"status", AssignmentStatusName(a.status)},
              {"progress", {{"shown", a.shown}, {"answered", a.answered}}}};
  if (!a.submitted_at.empty()) {
    out["submission"] = {{"submitted_at", a.submitted_at},
                         {"executive_name", a.attestation.executive_name},
                         {"executive_title", a.attestation.executive_title}};
  }
  if (a.status == AssignmentStatus::kReopenRequested) out["reopen_reason"] = a.reopen_reason;
  return out;
}

Json ToJson(const StoredAnswer& a) {
  return {{"item_id", a.item_id},      {"value", AnswerToJson(a.value)},
          {"comment", a.comment},      {"evidence", a.evidence},
          {"version", a.version},      {"updated_at", a.updated_at},
          {"updated_by", a.updated_by}};
}

Result<Campaign> SurveyService::OpenCampaign(const identity::Principal& principal,
                                             const NewCampaign& nc, const RequestInfo& info) {
  FC_RETURN_IF_ERROR(internal::RequireCoordination(principal));
  const TimePoint now = clock_.Now();
  const TimePoint opens = nc.opens_at.value_or(now);
  std::vector<FieldProblem> problems;
  for (const auto& [field, text] :
       {std::pair{"title.ja", &nc.title.ja}, {"title.en", &nc.title.en}}) {
    if (text->empty() || text->size() > 200 || FindInvalidUtf8(*text)) {
      problems.push_back({field, "1-200 bytes of UTF-8"});
    }
  }
  if (nc.year < 2000 || nc.year > 2100) problems.push_back({"year", "2000-2100"});
  std::set<std::string> categories(nc.categories.begin(), nc.categories.end());
  if (nc.categories.empty() || nc.categories.size() > kMaxCampaignCategories ||
      categories.size() != nc.categories.size()) {
    problems.push_back({"categories", "1-20 distinct business categories"});
  }
  for (const auto& category : nc.categories) {
    if (!identity::IsKnownSector(category)) {
      problems.push_back({"categories", "unknown business category"});
      break;
    }
  }
  if (nc.deadline <= opens || nc.deadline <= now) {
    problems.push_back({"deadline", "after the opening and in the future"});
  }
  if (!problems.empty()) return Invalid(std::move(problems), "campaign");
  return db_.TransactValue<Campaign>([&](store::Connection& conn) -> Result<Campaign> {
    FC_ASSIGN_OR_RETURN(
        auto bank,
        conn.QueryOptional("SELECT status FROM survey_banks WHERE id = ?", {nc.bank_storage_id}));
    if (!bank) return InvalidArgument("no such bank", {{"bank", "no such bank"}});
    if (bank->GetString(0) == BankStatusName(BankStatus::kDraft)) {
      return FailedPrecondition("a draft bank cannot be sent; publish it first");
    }
    Campaign c;
    c.id = NewUuid();
    c.bank_storage_id = nc.bank_storage_id;
    c.title = nc.title;
    c.year = nc.year;
    c.categories = nc.categories;
    c.opens_at = FormatRfc3339(opens);
    c.deadline = FormatRfc3339(nc.deadline);
    c.created_at = FormatRfc3339(now);
    FC_RETURN_IF_ERROR(conn.Execute(
        "INSERT INTO survey_campaigns (id, bank_storage_id, title_ja, title_en, year, "
        "categories, opens_at, deadline, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "'open', ?)",
        {c.id, c.bank_storage_id, c.title.ja, c.title.en, std::int64_t{c.year},
         Json(c.categories).dump(), c.opens_at, c.deadline, c.created_at}));
    int assigned = 0;
    for (const auto& category : c.categories) {
      identity::OrgQuery query;
      query.kind = identity::OrgKind::kInstitution;
      query.sector = category;
      query.limit = 1000;
      for (;;) {
        FC_ASSIGN_OR_RETURN(auto page, identity::ListOrgs(conn, principal, query));
        for (const auto& org : page.items) {
          FC_RETURN_IF_ERROR(conn.Execute(
              "INSERT INTO survey_assignments (campaign_id, org_id, org_name_ja, org_name_en, "
              "category, size_tier, deadline, status) VALUES (?, ?, ?, ?, ?, ?, ?, "
              "'in_progress')",
              {c.id, org.id, org.name_ja, org.name_en, category,
               std::string(SizeTierName(InstitutionSizeTier(org.size_tier, org.sector))),
               c.deadline}));
          ++assigned;
        }
        if (page.items.size() < static_cast<std::size_t>(query.limit)) break;
        query.offset += query.limit;
      }
    }
    if (assigned == 0) {
      return FailedPrecondition("no institution belongs to the chosen categories");
    }
    FC_RETURN_IF_ERROR(audit::Append(
        conn, clock_,
        {principal.user_id, principal.org_id, "survey.campaign_open", "survey_campaign", c.id,
         Json{{"year", c.year},
              {"categories", c.categories},
              {"bank", c.bank_storage_id},
              {"deadline", c.deadline},
              {"assignments", assigned}},
         info.remote_address, info.request_id}));
    FC_RETURN_IF_ERROR(events::Publish(conn, clock_, "survey.campaign_opened", "",
                                       {{"campaign_id", c.id},
                                        {"year", c.year},
                                        {"categories", c.categories},
                                        {"deadline", c.deadline}}));
    FC_RETURN_IF_ERROR(internal::CountAssignments(conn, principal, c));
    return internal::LoadVisibleCampaign(conn, principal, c.id);
  });
}

Result<std::vector<Campaign>> SurveyService::ListCampaigns(const identity::Principal& principal) {
  return db_.ReadValue<std::vector<Campaign>>(
      [&](store::Connection& conn) -> Result<std::vector<Campaign>> {
        std::vector<Campaign> out;
        store::Params params;
        std::string where = "1=1";
        if (!internal::IsRegulatorReader(principal)) {
          if (principal.org_id.empty()) return out;
          where =
              "EXISTS (SELECT 1 FROM survey_assignments a WHERE a.campaign_id = c.id AND "
              "a.org_id = ?)";
          params.push_back(principal.org_id);
        }
        FC_ASSIGN_OR_RETURN(auto rows, conn.Query(fmt::format("{} WHERE {} ORDER BY c.year DESC, "
                                                              "c.created_at DESC",
                                                              internal::kCampaignSelect, where),
                                                  params));
        for (const auto& row : rows) {
          out.push_back(internal::CampaignFromRow(row));
          FC_RETURN_IF_ERROR(internal::CountAssignments(conn, principal, out.back()));
        }
        return out;
      });
}

Result<Campaign> SurveyService::GetCampaign(const identity::Principal& principal,
                                            std::string_view id) {
  return db_.ReadValue<Campaign>([&](store::Connection& conn) -> Result<Campaign> {
    return internal::LoadVisibleCampaign(conn, principal, id);
  });
}

Result<Assignment> SurveyService::ExtendDeadline(const identity::Principal& principal,
                                                 std::string_view campaign_id,
                                                 std::string_view org_id, TimePoint deadline,
                                                 const RequestInfo& info) {
  FC_RETURN_IF_ERROR(internal::RequireCoordination(principal));
  return db_.TransactValue<Assignment>([&](store::Connection& conn) -> Result<Assignment> {
    FC_ASSIGN_OR_RETURN(Campaign campaign,
                        internal::LoadVisibleCampaign(conn, principal, campaign_id));
    if (campaign.status != CampaignStatus::kOpen) {
      return FailedPrecondition("the campaign is closed");
    }
    FC_ASSIGN_OR_RETURN(Assignment assignment,
                        internal::LoadAssignment(conn, principal, campaign_id, org_id));
    const auto current = ParseRfc3339(assignment.deadline);
    if ((current && deadline <= *current) || deadline <= clock_.Now()) {
      return InvalidArgument(
          "the new deadline must be later than the current one and in the "
          "future",
          {{"deadline", "later than " + assignment.deadline}});
    }
    const std::string previous = assignment.deadline;
    assignment.deadline = FormatRfc3339(deadline);
    FC_RETURN_IF_ERROR(
        conn.Execute("UPDATE survey_assignments SET deadline = ? WHERE "
                     "campaign_id = ? AND org_id = ?",
                     {assignment.deadline, assignment.campaign_id, assignment.org_id}));
    FC_RETURN_IF_ERROR(audit::Append(
        conn, clock_,
        {principal.user_id, assignment.org_id, "survey.deadline_extend", "survey_assignment",
         assignment.campaign_id, Json{{"from", previous}, {"to", assignment.deadline}},
         info.remote_address, info.request_id}));
    FC_RETURN_IF_ERROR(events::Publish(
        conn, clock_, "survey.deadline_extended", assignment.org_id,
        {{"campaign_id", assignment.campaign_id}, {"deadline", assignment.deadline}}));
    return assignment;
  });
}

Result<std::vector<Assignment>> SurveyService::ListAssignments(const identity::Principal& principal,
                                                               std::string_view campaign_id) {
  return db_.ReadValue<std::vector<Assignment>>(
      [&](store::Connection& conn) -> Result<std::vector<Assignment>> {
        FC_ASSIGN_OR_RETURN(Campaign campaign,
                            internal::LoadVisibleCampaign(conn, principal, campaign_id));
        FC_ASSIGN_OR_RETURN(auto bank, LoadCompiled(conn, campaign.bank_storage_id));
        FC_ASSIGN_OR_RETURN(auto assignments,
                            internal::QueryAssignments(conn, principal, campaign_id, ""));
        for (auto& assignment : assignments) {
          FC_ASSIGN_OR_RETURN(auto answers, internal::LoadAnswers(conn, *bank, "survey_answers",
                                                                  campaign_id, assignment.org_id));
          const auto shown =
              ShownItems(*bank, internal::RespondentOf(assignment), internal::ValuesOf(answers));
          internal::FillProgress(*bank, shown, answers, assignment, nullptr);
        }
        return assignments;
      });
}

}  // namespace fincyber::survey
