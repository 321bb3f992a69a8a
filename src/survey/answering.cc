// Answering: the questionnaire with its conditions evaluated, autosave of single items
// with their history, submission under a management attestation, reopening on request,
// and the supervisor's own ratings.
#include "survey/internal/answering.h"

#include <fmt/format.h>

#include <functional>

#include "audit/audit.h"
#include "base/utf8.h"
#include "events/events.h"
#include "survey/internal/refusals.h"
#include "survey/internal/service_common.h"
#include "survey/scoring.h"
#include "survey/service.h"

namespace fincyber::survey {
namespace internal {

bool IsInstitutionUser(const identity::Principal& principal, std::string_view org_id) {
  return !principal.org_id.empty() && principal.org_id == org_id &&
         (principal.role == identity::Role::kInstitutionAdmin ||
          principal.role == identity::Role::kInstitutionMember);
}

Status CheckAnswerable(const Campaign& campaign, const Assignment& assignment, TimePoint now) {
  if (campaign.status != CampaignStatus::kOpen) {
    return FailedPrecondition("the campaign is closed");
  }
  const auto opens = ParseRfc3339(campaign.opens_at);
  if (opens && now < *opens) return FailedPrecondition("the campaign has not opened yet");
  const auto deadline = ParseRfc3339(assignment.deadline);
  if (deadline && now > *deadline) {
    return FailedPrecondition("the deadline (" + assignment.deadline + ") has passed");
  }
  if (assignment.status != AssignmentStatus::kInProgress) {
    return FailedPrecondition(
        "the answers are submitted and locked; ask the coordination office to reopen them");
  }
  return OkStatus();
}

}  // namespace internal

namespace {

using internal::AssignmentState;
using internal::CheckAnswerable;
using internal::IsInstitutionUser;

Status CheckText(std::string_view field, const std::string& text, std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    return InvalidArgument(fmt::format("{} longer than {} bytes", field, max_bytes),
                           {{std::string(field), fmt::format("at most {} bytes", max_bytes)}});
  }
  if (FindInvalidUtf8(text)) {
    return InvalidArgument(fmt::format("{} is not valid UTF-8", field),
                           {{std::string(field), "invalid UTF-8"}});
  }
  return OkStatus();
}

}  // namespace

namespace internal {

Result<std::optional<StoredAnswer>> StoreValue(store::Connection& conn, const Clock& clock,
                                               const identity::Principal& principal,
                                               const AssignmentState& state, std::string_view table,
                                               int index, const AnswerInput& input) {
  const Item& item = state.bank->item(index);
  FC_RETURN_IF_ERROR(CheckText("comment", input.comment, kMaxCommentBytes));
  FC_RETURN_IF_ERROR(CheckText("evidence", input.evidence, kMaxEvidenceRefBytes));
  std::optional<AnswerValue> value;
  if (!input.value.is_null()) {
    FC_ASSIGN_OR_RETURN(value, AnswerFromJson(item, input.value));
  }
  FC_ASSIGN_OR_RETURN(auto current,
                      conn.QueryOptional(fmt::format("SELECT version FROM {} WHERE campaign_id = "
                                                     "? AND org_id = ? AND item_id = ?",
                                                     table),
                                         {state.campaign.id, state.assignment.org_id, item.id}));
  const std::int64_t version = current ? current->GetInt(0) : 0;
  if (input.expected_version && *input.expected_version != version) {
    return Aborted(
        fmt::format("item {} was changed meanwhile (version {}); reload it", item.id, version));
  }
  const std::string now = internal::Now(clock);
  if (!value) {
    if (!current) return std::optional<StoredAnswer>();
    FC_RETURN_IF_ERROR(conn.Execute(
        fmt::format("DELETE FROM {} WHERE campaign_id = ? AND org_id = ? AND item_id = ?", table),
        {state.campaign.id, state.assignment.org_id, item.id}));
  } else {
    const std::string json = DumpJson(AnswerToJson(*value));
    if (table == "survey_ratings") {
      FC_RETURN_IF_ERROR(conn.Execute(
          "INSERT INTO survey_ratings (campaign_id, org_id, item_id, value, comment, evidence, "
          "version, rated_by_org, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (campaign_id, org_id, item_id) DO UPDATE SET value = excluded.value, "
          "comment = excluded.comment, evidence = excluded.evidence, version = excluded.version, "
          "rated_by_org = excluded.rated_by_org, updated_at = excluded.updated_at, updated_by = "
          "excluded.updated_by",
          {state.campaign.id, state.assignment.org_id, item.id, json, input.comment, input.evidence,
           version + 1, principal.org_id, now, principal.username}));
    } else {
      FC_RETURN_IF_ERROR(conn.Execute(
          "INSERT INTO survey_answers (campaign_id, org_id, item_id, value, comment, evidence, "
          "version, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
          "(campaign_id, org_id, item_id) DO UPDATE SET value = excluded.value, comment = "
          "excluded.comment, evidence = excluded.evidence, version = excluded.version, "
          "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
          {state.campaign.id, state.assignment.org_id, item.id, json, input.comment, input.evidence,
           version + 1, now, principal.username}));
    }
  }
  // Every version is kept, so an overwritten or cleared answer is never lost.
  FC_RETURN_IF_ERROR(conn.Execute(
      "INSERT INTO survey_answer_history (campaign_id, org_id, item_id, kind, value, comment, "
      "evidence, version, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {state.campaign.id, state.assignment.org_id, item.id,
       std::string(table == "survey_ratings" ? "rating" : "answer"),
       value ? store::Value(DumpJson(AnswerToJson(*value))) : store::Value(nullptr), input.comment,
       input.evidence, version + 1, now, principal.username}));
  if (!value) return std::optional<StoredAnswer>();
  return std::optional<StoredAnswer>(StoredAnswer{item.id, *value, input.comment, input.evidence,
                                                  version + 1, now, principal.username});
}

Result<AssignmentState> LoadState(store::Connection& conn, const identity::Principal& principal,
                                  std::string_view campaign_id, std::string_view org_id,
                                  bool for_change, const CompiledLoader& compiled) {
  AssignmentState state;
  FC_ASSIGN_OR_RETURN(state.assignment,
                      internal::LoadAssignment(conn, principal, campaign_id, org_id));
  if (for_change) {
    FC_RETURN_IF_ERROR(conn.LockExclusive(fmt::format(
        "survey_assignment:{}:{}", state.assignment.campaign_id, state.assignment.org_id)));
    FC_ASSIGN_OR_RETURN(state.assignment,
                        internal::LoadAssignment(conn, principal, campaign_id, org_id));
  }
  FC_ASSIGN_OR_RETURN(state.campaign, internal::LoadCampaign(conn, campaign_id));
  FC_ASSIGN_OR_RETURN(state.bank, compiled(conn, state.campaign.bank_storage_id));
  FC_ASSIGN_OR_RETURN(state.answers, internal::LoadAnswers(conn, *state.bank, "survey_answers",
                                                           campaign_id, state.assignment.org_id));
  state.shown = ShownItems(*state.bank, internal::RespondentOf(state.assignment),
                           internal::ValuesOf(state.answers));
  return state;
}

}  // namespace internal

using internal::LoadState;
using internal::StoreValue;

Result<Questionnaire> SurveyService::GetQuestionnaire(const identity::Principal& principal,
                                                      std::string_view campaign_id,
                                                      std::string_view org_id) {
  auto compiled = [this](store::Connection& c, std::string_view id) { return LoadCompiled(c, id); };
  return db_.ReadValue<Questionnaire>([&](store::Connection& conn) -> Result<Questionnaire> {
    FC_ASSIGN_OR_RETURN(AssignmentState state,
                        LoadState(conn, principal, campaign_id, org_id, false, compiled));
    Questionnaire q;
    FC_ASSIGN_OR_RETURN(q.campaign, internal::LoadVisibleCampaign(conn, principal, campaign_id));
    q.assignment = std::move(state.assignment);
    q.bank = state.bank;
    q.shown = std::move(state.shown);
    q.answers = std::move(state.answers);
    // The supervisor's ratings are shown to the regulator's staff, not the institution.
    if (internal::IsRegulatorReader(principal)) {
      FC_ASSIGN_OR_RETURN(q.ratings, internal::LoadAnswers(conn, *q.bank, "survey_ratings",
                                                           campaign_id, q.assignment.org_id));
    }
    internal::FillProgress(*q.bank, q.shown, q.answers, q.assignment, &q.sections);
    q.editable = IsInstitutionUser(principal, q.assignment.org_id) &&
                 CheckAnswerable(q.campaign, q.assignment, clock_.Now()).ok();
    return q;
  });
}

Result<std::optional<StoredAnswer>> SurveyService::GetAnswer(const identity::Principal& principal,
                                                             std::string_view campaign_id,
                                                             std::string_view org_id,
                                                             std::string_view item_id) {
  auto compiled = [this](store::Connection& c, std::string_view id) { return LoadCompiled(c, id); };
  return db_.ReadValue<std::optional<StoredAnswer>>(
      [&](store::Connection& conn) -> Result<std::optional<StoredAnswer>> {
        FC_ASSIGN_OR_RETURN(AssignmentState state,
                            LoadState(conn, principal, campaign_id, org_id, false, compiled));
        if (!state.bank->IndexOf(item_id)) return NotFound("no such item in this questionnaire");
        auto it = state.answers.find(std::string(item_id));
        if (it == state.answers.end()) return std::optional<StoredAnswer>();
        return std::optional<StoredAnswer>(it->second);
      });
}

Json ToJson(const AnswerVersion& v) {
  return {{"version", v.version},   {"value", v.value},           {"comment", v.comment},
          {"evidence", v.evidence}, {"changed_at", v.changed_at}, {"changed_by", v.changed_by}};
}

Result<std::vector<AnswerVersion>> SurveyService::AnswerHistory(
    const identity::Principal& principal, std::string_view campaign_id, std::string_view org_id,
    std::string_view item_id) {
  return db_.ReadValue<std::vector<AnswerVersion>>(
      [&](store::Connection& conn) -> Result<std::vector<AnswerVersion>> {
        FC_ASSIGN_OR_RETURN(Assignment assignment,
                            internal::LoadAssignment(conn, principal, campaign_id, org_id));
        FC_ASSIGN_OR_RETURN(Campaign campaign, internal::LoadCampaign(conn, campaign_id));
        FC_ASSIGN_OR_RETURN(auto bank, LoadCompiled(conn, campaign.bank_storage_id));
        if (!bank->IndexOf(item_id)) return NotFound("no such item in this questionnaire");
        FC_ASSIGN_OR_RETURN(
            auto rows, conn.Query("SELECT version, value, comment, evidence, changed_at, "
                                  "changed_by FROM survey_answer_history WHERE campaign_id = ? "
                                  "AND org_id = ? AND item_id = ? AND kind = 'answer' ORDER BY id",
                                  {campaign.id, assignment.org_id, std::string(item_id)}));
        std::vector<AnswerVersion> out;
        for (const auto& row : rows) {
          AnswerVersion v;
          v.version = row.GetInt(0);
          if (!row.IsNull(1)) {
            auto value = ParseJson(row.GetString(1));
            v.value = value.ok() ? *value : Json(nullptr);
          }
          v.comment = row.GetString(2);
          v.evidence = row.GetString(3);
          v.changed_at = row.GetString(4);
          v.changed_by = row.GetString(5);
          out.push_back(std::move(v));
        }
        return out;
      });
}

Result<std::optional<StoredAnswer>> SurveyService::PutAnswer(
    const identity::Principal& principal, std::string_view campaign_id, std::string_view org_id,
    std::string_view item_id, const AnswerInput& input, const RequestInfo& info) {
  auto result = [&]() -> Result<std::optional<StoredAnswer>> {
    auto compiled = [this](store::Connection& c, std::string_view id) {
      return LoadCompiled(c, id);
    };
    return db_.TransactValue<std::optional<StoredAnswer>>(
        [&](store::Connection& conn) -> Result<std::optional<StoredAnswer>> {
          FC_ASSIGN_OR_RETURN(AssignmentState state,
                              LoadState(conn, principal, campaign_id, org_id, true, compiled));
          if (!IsInstitutionUser(principal, state.assignment.org_id)) {
            return PermissionDenied("only the institution's own users answer its questionnaire");
          }
          FC_RETURN_IF_ERROR(CheckAnswerable(state.campaign, state.assignment, clock_.Now()));
          const auto index = state.bank->IndexOf(item_id);
          if (!index) return NotFound("no such item in this questionnaire");
          if (!state.shown[*index]) {
            return FailedPrecondition(
                fmt::format("item {} is not asked given the earlier answers", item_id));
          }
          if (state.bank->item(*index).type == AnswerType::kEvidence) {
            return InvalidArgument(
                fmt::format("item {} is answered by uploading files, not by a value", item_id),
                {{std::string(item_id), "answered by uploading files"}});
          }
          FC_ASSIGN_OR_RETURN(auto stored, StoreValue(conn, clock_, principal, state,
                                                      "survey_answers", *index, input));
          FC_RETURN_IF_ERROR(
              audit::Append(conn, clock_,
                            {principal.user_id, state.assignment.org_id,
                             stored ? "survey.answer_save" : "survey.answer_clear", "survey_answer",
                             fmt::format("{}/{}", state.campaign.id, item_id),
                             Json{{"item_id", std::string(item_id)},
                                  {"version", stored ? stored->version : std::int64_t{0}}},
                             info.remote_address, info.request_id}));
          return stored;
        });
  }();
  if (!result.ok()) {
    internal::AuditRefusal(db_, clock_, principal,
                           {"survey.answer_save", campaign_id, org_id, item_id,
                            Json{{"clear", input.value.is_null()}}},
                           result.error(), info);
  }
  return result;
}

Result<Assignment> SurveyService::Submit(const identity::Principal& principal,
                                         std::string_view campaign_id, std::string_view org_id,
                                         const Attestation& attestation, const RequestInfo& info) {
  auto result = [&]() -> Result<Assignment> {
    std::vector<FieldProblem> problems;
    for (const auto& [field, text] : {std::pair{"executive_name", &attestation.executive_name},
                                      {"executive_title", &attestation.executive_title}}) {
      if (text->empty() || text->size() > kMaxAttestationBytes || FindInvalidUtf8(*text)) {
        problems.push_back({field, fmt::format("1-{} bytes of UTF-8", kMaxAttestationBytes)});
      }
    }
    if (!problems.empty()) {
      return InvalidArgument("the attestation names the executive and their title",
                             std::move(problems));
    }
    auto compiled = [this](store::Connection& c, std::string_view id) {
      return LoadCompiled(c, id);
    };
    return db_.TransactValue<Assignment>([&](store::Connection& conn) -> Result<Assignment> {
      FC_ASSIGN_OR_RETURN(AssignmentState state,
                          LoadState(conn, principal, campaign_id, org_id, true, compiled));
      if (!IsInstitutionUser(principal, state.assignment.org_id) ||
          principal.role != identity::Role::kInstitutionAdmin) {
        return PermissionDenied("the institution's administrators submit its answers");
      }
      FC_RETURN_IF_ERROR(CheckAnswerable(state.campaign, state.assignment, clock_.Now()));
      std::vector<FieldProblem> missing;
      int unanswered = 0;
      for (int i = 0; i < state.bank->item_count(); ++i) {
        const Item& item = state.bank->item(i);
        if (!state.shown[i] || !IsScored(item) || state.answers.count(item.id)) continue;
        if (++unanswered <= 20) missing.push_back({item.id, "not answered"});
      }
      if (unanswered > 0) {
        return Error(ErrorCode::kFailedPrecondition,
                     fmt::format("{} question(s) still need an answer", unanswered), "",
                     std::move(missing));
      }
      Assignment& a = state.assignment;
      a.status = AssignmentStatus::kSubmitted;
      a.submitted_at = internal::Now(clock_);
      a.attestation = attestation;
      a.reopen_reason.clear();
      FC_RETURN_IF_ERROR(conn.Execute(
          "UPDATE survey_assignments SET status = 'submitted', submitted_at = ?, executive_name = "
          "?, executive_title = ?, reopen_reason = '' WHERE campaign_id = ? AND org_id = ?",
          {a.submitted_at, attestation.executive_name, attestation.executive_title, a.campaign_id,
           a.org_id}));
      FC_RETURN_IF_ERROR(conn.Execute(
          "INSERT INTO survey_submissions (campaign_id, org_id, submitted_at, submitted_by, "
          "executive_name, executive_title, answers) VALUES (?, ?, ?, ?, ?, ?, ?)",
          {a.campaign_id, a.org_id, a.submitted_at, principal.username, attestation.executive_name,
           attestation.executive_title, static_cast<std::int64_t>(state.answers.size())}));
      FC_RETURN_IF_ERROR(audit::Append(
          conn, clock_,
          {principal.user_id, a.org_id, "survey.submit", "survey_assignment", a.campaign_id,
           Json{{"executive_name", attestation.executive_name},
                {"executive_title", attestation.executive_title},
                {"answers", state.answers.size()}},
           info.remote_address, info.request_id}));
      FC_RETURN_IF_ERROR(events::Publish(conn, clock_, "survey.submitted", a.org_id,
                                         {{"campaign_id", a.campaign_id}, {"org_id", a.org_id}}));
      internal::FillProgress(*state.bank, state.shown, state.answers, a, nullptr);
      return a;
    });
  }();
  if (!result.ok()) {
    internal::AuditRefusal(db_, clock_, principal,
                           {"survey.submit", campaign_id, org_id, "", Json::object()},
                           result.error(), info);
  }
  return result;
}

Result<Assignment> SurveyService::RequestReopen(const identity::Principal& principal,
                                                std::string_view campaign_id,
                                                std::string_view org_id, std::string_view reason,
                                                const RequestInfo& info) {
  const std::string text(reason);
  if (text.empty())
    return InvalidArgument("say why the answers should reopen", {{"reason", "required"}});
  FC_RETURN_IF_ERROR(CheckText("reason", text, kMaxReasonBytes));
  auto compiled = [this](store::Connection& c, std::string_view id) { return LoadCompiled(c, id); };
  return db_.TransactValue<Assignment>([&](store::Connection& conn) -> Result<Assignment> {
    FC_ASSIGN_OR_RETURN(AssignmentState state,
                        LoadState(conn, principal, campaign_id, org_id, true, compiled));
    if (!IsInstitutionUser(principal, state.assignment.org_id) ||
        principal.role != identity::Role::kInstitutionAdmin) {
      return PermissionDenied("the institution's administrators ask to reopen its answers");
    }
    if (state.campaign.status != CampaignStatus::kOpen) {
      return FailedPrecondition("the campaign is closed");
    }
    if (state.assignment.status != AssignmentStatus::kSubmitted) {
      return FailedPrecondition("only submitted answers can be reopened");
    }
    Assignment& a = state.assignment;
    a.status = AssignmentStatus::kReopenRequested;
    a.reopen_reason = text;
    FC_RETURN_IF_ERROR(
        conn.Execute("UPDATE survey_assignments SET status = 'reopen_requested', "
                     "reopen_reason = ? WHERE campaign_id = ? AND org_id = ?",
                     {text, a.campaign_id, a.org_id}));
    FC_RETURN_IF_ERROR(conn.Execute(
        "INSERT INTO survey_reopen_requests (campaign_id, org_id, reason, requested_at, "
        "requested_by) VALUES (?, ?, ?, ?, ?)",
        {a.campaign_id, a.org_id, text, internal::Now(clock_), principal.username}));
    FC_RETURN_IF_ERROR(audit::Append(
        conn, clock_,
        {principal.user_id, a.org_id, "survey.reopen_request", "survey_assignment", a.campaign_id,
         Json{{"reason", text}}, info.remote_address, info.request_id}));
    FC_RETURN_IF_ERROR(events::Publish(conn, clock_, "survey.reopen_requested", a.org_id,
                                       {{"campaign_id", a.campaign_id}, {"org_id", a.org_id}}));
    internal::FillProgress(*state.bank, state.shown, state.answers, a, nullptr);
    return a;
  });
}

Result<Assignment> SurveyService::GrantReopen(const identity::Principal& principal,
                                              std::string_view campaign_id, std::string_view org_id,
                                              const RequestInfo& info) {
  FC_RETURN_IF_ERROR(internal::RequireCoordination(principal));
  auto compiled = [this](store::Connection& c, std::string_view id) { return LoadCompiled(c, id); };
  return db_.TransactValue<Assignment>([&](store::Connection& conn) -> Result<Assignment> {
    FC_ASSIGN_OR_RETURN(AssignmentState state,
                        LoadState(conn, principal, campaign_id, org_id, true, compiled));
    if (state.campaign.status != CampaignStatus::kOpen) {
      return FailedPrecondition("the campaign is closed");
    }
    if (state.assignment.status != AssignmentStatus::kReopenRequested) {
      return FailedPrecondition("the institution has not asked to reopen its answers");
    }
    Assignment& a = state.assignment;
    a.status = AssignmentStatus::kInProgress;
    const std::string reason = a.reopen_reason;
    a.reopen_reason.clear();
    const std::string now = internal::Now(clock_);
    FC_RETURN_IF_ERROR(
        conn.Execute("UPDATE survey_assignments SET status = 'in_progress', "
                     "reopen_reason = '' WHERE campaign_id = ? AND org_id = ?",
                     {a.campaign_id, a.org_id}));
    FC_RETURN_IF_ERROR(conn.Execute(
        "UPDATE survey_reopen_requests SET granted_at = ?, granted_by = ? WHERE campaign_id = ? "
        "AND org_id = ? AND granted_at IS NULL",
        {now, principal.username, a.campaign_id, a.org_id}));
    FC_RETURN_IF_ERROR(audit::Append(
        conn, clock_,
        {principal.user_id, a.org_id, "survey.reopen_grant", "survey_assignment", a.campaign_id,
         Json{{"reason", reason}}, info.remote_address, info.request_id}));
    FC_RETURN_IF_ERROR(events::Publish(conn, clock_, "survey.reopened", a.org_id,
                                       {{"campaign_id", a.campaign_id}, {"org_id", a.org_id}}));
    internal::FillProgress(*state.bank, state.shown, state.answers, a, nullptr);
    return a;
  });
}

Result<Assignment> SurveyService::DeclineReopen(const identity::Principal& principal,
                                                std::string_view campaign_id,
                                                std::string_view org_id, std::string_view reason,
                                                const RequestInfo& info) {
  FC_RETURN_IF_ERROR(internal::RequireCoordination(principal));
  const std::string text(reason);
  if (text.empty()) {
    return InvalidArgument("say why the request is declined", {{"reason", "required"}});
  }
  FC_RETURN_IF_ERROR(CheckText("reason", text, kMaxReasonBytes));
  auto compiled = [this](store::Connection& c, std::string_view id) { return LoadCompiled(c, id); };
  return db_.TransactValue<Assignment>([&](store::Connection& conn) -> Result<Assignment> {
    FC_ASSIGN_OR_RETURN(AssignmentState state,
                        LoadState(conn, principal, campaign_id, org_id, true, compiled));
    if (state.assignment.status != AssignmentStatus::kReopenRequested) {
      return FailedPrecondition("the institution has not asked to reopen its answers");
    }
    Assignment& a = state.assignment;
    a.status = AssignmentStatus::kSubmitted;
    a.reopen_reason.clear();
    FC_RETURN_IF_ERROR(
        conn.Execute("UPDATE survey_assignments SET status = 'submitted', "
                     "reopen_reason = '' WHERE campaign_id = ? AND org_id = ?",
                     {a.campaign_id, a.org_id}));
    FC_RETURN_IF_ERROR(conn.Execute(
        "UPDATE survey_reopen_requests SET declined_at = ?, declined_by = ?, decline_reason = ? "
        "WHERE campaign_id = ? AND org_id = ? AND granted_at IS NULL AND declined_at IS NULL",
        {internal::Now(clock_), principal.username, text, a.campaign_id, a.org_id}));
    FC_RETURN_IF_ERROR(audit::Append(
        conn, clock_,
        {principal.user_id, a.org_id, "survey.reopen_decline", "survey_assignment", a.campaign_id,
         Json{{"reason", text}}, info.remote_address, info.request_id}));
    FC_RETURN_IF_ERROR(events::Publish(conn, clock_, "survey.reopen_declined", a.org_id,
                                       {{"campaign_id", a.campaign_id}, {"org_id", a.org_id}}));
    internal::FillProgress(*state.bank, state.shown, state.answers, a, nullptr);
    return a;
  });
}

Result<std::optional<StoredAnswer>> SurveyService::PutRating(
    const identity::Principal& principal, std::string_view campaign_id, std::string_view org_id,
    std::string_view item_id, const AnswerInput& input, const RequestInfo& info) {
  if (principal.role != identity::Role::kBureauStaff &&
      principal.role != identity::Role::kCoordinationOffice) {
    return PermissionDenied("supervisors rate the institutions they supervise");
  }
  auto compiled = [this](store::Connection& c, std::string_view id) { return LoadCompiled(c, id); };
  return db_.TransactValue<std::optional<StoredAnswer>>([&](store::Connection& conn)
                                                            -> Result<std::optional<StoredAnswer>> {
    FC_ASSIGN_OR_RETURN(AssignmentState state,
                        LoadState(conn, principal, campaign_id, org_id, true, compiled));
    if (state.campaign.status != CampaignStatus::kOpen) {
      return FailedPrecondition("the campaign is closed; its results are fixed");
    }
    const auto index = state.bank->IndexOf(item_id);
    if (!index) return NotFound("no such item in this questionnaire");
    if (!state.shown[*index] || !IsScored(state.bank->item(*index))) {
      return FailedPrecondition(fmt::format("item {} is not rated for this institution", item_id));
    }
    FC_ASSIGN_OR_RETURN(
        auto stored, StoreValue(conn, clock_, principal, state, "survey_ratings", *index, input));
    FC_RETURN_IF_ERROR(
        audit::Append(conn, clock_,
                      {principal.user_id, state.assignment.org_id, "survey.rating_save",
                       "survey_rating", fmt::format("{}/{}", state.campaign.id, item_id),
                       Json{{"item_id", std::string(item_id)},
                            {"version", stored ? stored->version : std::int64_t{0}}},
                       info.remote_address, info.request_id}));
    return stored;
  });
}

}  // namespace fincyber::survey
