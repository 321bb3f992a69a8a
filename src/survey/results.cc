// Closing a campaign: every submitted institution scored (with its supervisor's ratings
// beside), sector analytics with last year's campaign, and the results stored as JSON so
// later reads are fixed. Reading them back under the access policy.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "audit/audit.h"
#include "events/events.h"
#include "survey/analytics.h"
#include "survey/internal/remediation_progress.h"
#include "survey/internal/service_common.h"
#include "survey/scoring.h"
#include "survey/service.h"

namespace fincyber::survey {
namespace {

Json AggregateJson(const Aggregate& a) {
  if (a.empty()) return nullptr;
  return {{"items", a.items},
          {"items_met", a.items_met},
          {"items_unanswered", a.items_unanswered},
          {"items_not_applicable", a.items_not_applicable},
          {"percent_met", a.PercentMet()},
          {"score", a.Score()},
          {"maturity", a.maturity}};
}

Json ScoreCardJson(const CompiledBank& bank, const ScoreCard& card, bool with_items) {
  Json functions = Json::object();
  for (Function f : kAllFunctions) {
    functions[std::string(FunctionName(f))] = AggregateJson(card.functions[static_cast<int>(f)]);
  }
  Json threats = Json::object();
  Json cells = Json::object();
  for (Threat t : kAllThreats) {
    threats[std::string(ThreatName(t))] = AggregateJson(card.threats[static_cast<int>(t)]);
    Json row = Json::object();
    for (Function f : kAllFunctions)
      row[std::string(FunctionName(f))] = AggregateJson(card.cell(t, f));
    cells[std::string(ThreatName(t))] = std::move(row);
  }
  Json areas = Json::object();
  for (Area a : {Area::kControls, Area::kServices, Area::kCustomerOutreach}) {
    areas[std::string(AreaName(a))] = AggregateJson(card.areas[static_cast<int>(a)]);
  }
  Json out = {{"overall", AggregateJson(card.overall)},
              {"functions", std::move(functions)},
              {"threats", std::move(threats)},
              {"areas", std::move(areas)},
              {"heatmap", std::move(cells)}};
  if (with_items) {
    Json items = Json::array();
    for (int i = 0; i < bank.item_count(); ++i) {
      const ItemScore& s = card.items[i];
      if (!s.scored) continue;
      items.push_back({{"item_id", bank.item(i).id},
                       {"answered", s.answered},
                       {"not_applicable", s.not_applicable},
                       {"met", s.met},
                       {"reached", s.reached},
                       {"attainment", s.attainment}});
    }
    out["items"] = std::move(items);
  }
  return out;
}

Json Suppressed(Suppression suppression) {
  return {{"suppressed", SuppressionName(suppression)},
          {"reason", internal::TextJson(SuppressionReason(suppression))}};
}

Json FigureJson(const PeerFigure& f) {
  if (!f.shown()) return Suppressed(f.suppression);
  return {{"value", f.value}, {"contributors", f.contributors}};
}

Json DistributionJson(const PeerDistribution& d) {
  if (!d.shown()) return Suppressed(d.suppression);
  return {{"q1", d.q1}, {"median", d.median}, {"q3", d.q3}, {"contributors", d.contributors}};
}

Json BandJson(const PeerBand& b) {
  if (b.suppression != Suppression::kNone) return Suppressed(b.suppression);
  return {{"band", BandName(b.band)}};
}

Json PeerScoresJson(const PeerScores& p) {
  Json functions = Json::object();
  for (Function f : kAllFunctions) {
    functions[std::string(FunctionName(f))] = DistributionJson(p.functions[static_cast<int>(f)]);
  }
  Json threats = Json::object();
  Json heatmap = Json::object();
  for (Threat t : kAllThreats) {
    threats[std::string(ThreatName(t))] = DistributionJson(p.threats[static_cast<int>(t)]);
    Json row = Json::object();
    for (Function f : kAllFunctions) {
      row[std::string(FunctionName(f))] =
          FigureJson(p.heatmap[static_cast<int>(t)][static_cast<int>(f)]);
    }
    heatmap[std::string(ThreatName(t))] = std::move(row);
  }
  return {{"overall", DistributionJson(p.overall)},
          {"functions", std::move(functions)},
          {"threats", std::move(threats)},
          {"heatmap", std::move(heatmap)}};
}

Json SharesJson(const std::vector<ItemShare>& shares) {
  Json out = Json::array();
  for (const auto& s : shares)
    out.push_back({{"item_id", s.item_id}, {"share", FigureJson(s.share)}});
  return out;
}

Json ChangesJson(const std::vector<ItemChange>& changes) {
  Json out = Json::array();
  for (const auto& c : changes) {
    out.push_back({{"item_id", c.item_id},
                   {"previous", FigureJson(c.previous)},
                   {"current", FigureJson(c.current)},
                   {"change", c.change ? Json(*c.change) : Json(nullptr)}});
  }
  return out;
}

Json OptionalNumber(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}

struct ScoredCampaign {
  CampaignScores scores;
  std::unordered_map<std::string, Assignment> assignments;  // submitted, by org id
  std::unordered_map<std::string, RatedScoreCards> rated;   // with supervisor ratings
};

// Every submitted institution of `campaign`, scored against its bank.
Result<ScoredCampaign> ScoreCampaign(store::Connection& conn, const identity::Principal& principal,
                                     const Campaign& campaign,
                                     std::shared_ptr<const CompiledBank> bank) {
  ScoredCampaign out;
  out.scores.year = campaign.year;
  out.scores.bank = bank;
  FC_ASSIGN_OR_RETURN(auto assignments,
                      internal::QueryAssignments(conn, principal, campaign.id, ""));
  for (auto& assignment : assignments) {
    if (assignment.status == AssignmentStatus::kInProgress) continue;
    FC_ASSIGN_OR_RETURN(auto answers, internal::LoadAnswers(conn, *bank, "survey_answers",
                                                            campaign.id, assignment.org_id));
    FC_ASSIGN_OR_RETURN(auto ratings, internal::LoadAnswers(conn, *bank, "survey_ratings",
                                                            campaign.id, assignment.org_id));
    const Respondent respondent = internal::RespondentOf(assignment);
    InstitutionScores scores{assignment.org_id, assignment.category, {}};
    if (ratings.empty()) {
      scores.card = Score(*bank, respondent, internal::ValuesOf(answers));
    } else {
      RatedScoreCards rated = ScoreWithSupervisor(*bank, respondent, internal::ValuesOf(answers),
                                                  internal::ValuesOf(ratings));
      scores.card = rated.self;
      out.rated.emplace(assignment.org_id, std::move(rated));
    }
    out.scores.institutions.push_back(std::move(scores));
    out.assignments.emplace(assignment.org_id, std::move(assignment));
  }
  return out;
}

Result<Json> ReadResult(store::Connection& conn, std::string_view campaign_id,
                        std::string_view kind, std::string_view subject,
                        std::string_view not_found) {
  FC_ASSIGN_OR_RETURN(auto row, conn.QueryOptional("SELECT body FROM survey_results WHERE "
                                                   "campaign_id = ? AND kind = ? AND subject = ?",
                                                   {std::string(campaign_id), std::string(kind),
                                                    std::string(subject)}));
  if (!row) return NotFound(std::string(not_found));
  return ParseJson(row->GetString(0), {.max_bytes = 64 << 20, .max_depth = 64});
}

Status RequireClosed(const Campaign& campaign) {
  if (campaign.status != CampaignStatus::kClosed) {
    return FailedPrecondition("results are computed when the campaign closes");
  }
  return OkStatus();
}

}  // namespace

Result<Campaign> SurveyService::CloseCampaign(const identity::Principal& principal,
                                              std::string_view id, const RequestInfo& info) {
  FC_RETURN_IF_ERROR(internal::RequireCoordination(principal));
  return db_.TransactValue<Campaign>([&](store::Connection& conn) -> Result<Campaign> {
    FC_RETURN_IF_ERROR(conn.LockExclusive(fmt::format("survey_campaign:{}", id)));
    FC_ASSIGN_OR_RETURN(Campaign campaign, internal::LoadVisibleCampaign(conn, principal, id));
    if (campaign.status == CampaignStatus::kClosed) {
      return FailedPrecondition("the campaign is already closed");
    }
    FC_ASSIGN_OR_RETURN(auto bank, LoadCompiled(conn, campaign.bank_storage_id));
    FC_ASSIGN_OR_RETURN(ScoredCampaign current, ScoreCampaign(conn, principal, campaign, bank));
    std::vector<CampaignScores> years;
    // Last year: the latest campaign closed before this one's year.
    FC_ASSIGN_OR_RETURN(auto previous_row,
                        conn.QueryOptional("SELECT id FROM survey_campaigns WHERE status = "
                                           "'closed' AND year < ? ORDER BY year DESC, closed_at "
                                           "DESC LIMIT 1",
                                           {std::int64_t{campaign.year}}));
    std::string previous_id;
    if (previous_row) {
      FC_ASSIGN_OR_RETURN(Campaign previous,
                          internal::LoadCampaign(conn, previous_row->GetString(0)));
      FC_ASSIGN_OR_RETURN(auto previous_bank, LoadCompiled(conn, previous.bank_storage_id));
      FC_ASSIGN_OR_RETURN(ScoredCampaign scored,
                          ScoreCampaign(conn, principal, previous, previous_bank));
      previous_id = previous.id;
      years.push_back(std::move(scored.scores));
    }
    years.push_back(current.scores);
    FC_ASSIGN_OR_RETURN(SectorAnalytics analytics, SectorAnalytics::Build(std::move(years)));

    auto store_result = [&](std::string_view kind, const std::string& subject,
                            const Json& body) -> Status {
      FC_RETURN_IF_ERROR(conn.Execute(
          "INSERT INTO survey_results (campaign_id, kind, subject, body) VALUES (?, ?, ?, ?)",
          {campaign.id, std::string(kind), subject, DumpJson(body)}));
      return OkStatus();
    };
    int categories = 0;
    for (const auto& category : campaign.categories) {
      auto report = analytics.ForCategory(campaign.year, category);
      if (!report.ok()) continue;  // no institution of it submitted
      Json bands = Json::array();
      for (const auto& band : report->bands) {
        const Assignment& a = current.assignments.at(band.institution_id);
        Json entry = {{"org_id", band.institution_id},
                      {"org_name", internal::TextJson(a.org_name)},
                      {"overall", BandJson(band.overall)}};
        const auto& card =
            std::find_if(
                current.scores.institutions.begin(), current.scores.institutions.end(),
                [&](const InstitutionScores& s) { return s.institution_id == band.institution_id; })
                ->card;
        entry["score"] = AggregateJson(card.overall);
        bands.push_back(std::move(entry));
      }
      FC_RETURN_IF_ERROR(store_result(
          "category", category,
          {{"campaign_id", campaign.id},
           {"year", report->year},
           {"category", report->category},
           {"institutions", report->institutions},
           {"scores", PeerScoresJson(report->scores)},
           {"most_missed", SharesJson(report->most_missed)},
           {"year_over_year", ChangesJson(report->year_over_year)},
           {"previous_campaign_id", previous_id.empty() ? Json(nullptr) : Json(previous_id)},
           {"institution_bands", std::move(bands)}}));
      ++categories;
    }
    for (const auto& institution : current.scores.institutions) {
      FC_ASSIGN_OR_RETURN(InstitutionFeedback feedback,
                          analytics.ForInstitution(campaign.year, institution.institution_id));
      Json function_bands = Json::object();
      Json function_change = Json::object();
      for (Function f : kAllFunctions) {
        function_bands[std::string(FunctionName(f))] =
            BandJson(feedback.function_bands[static_cast<int>(f)]);
        function_change[std::string(FunctionName(f))] =
            OptionalNumber(feedback.own_function_change[static_cast<int>(f)]);
      }
      Json body = {{"campaign_id", campaign.id},
                   {"year", feedback.year},
                   {"org_id", feedback.institution_id},
                   {"category", feedback.category},
                   {"own", ScoreCardJson(*bank, *feedback.own, true)},
                   {"peers", PeerScoresJson(feedback.peers)},
                   {"overall_band", BandJson(feedback.overall_band)},
                   {"function_bands", std::move(function_bands)},
                   {"missed_where_peers_meet", SharesJson(feedback.missed_where_peers_meet)},
                   {"own_overall_change", OptionalNumber(feedback.own_overall_change)},
                   {"own_function_change", std::move(function_change)},
                   {"peer_year_over_year", ChangesJson(feedback.peer_year_over_year)}};
      auto rated = current.rated.find(institution.institution_id);
      if (rated != current.rated.end()) {
        Json differing = Json::array();
        for (int index : rated->second.differing_items) differing.push_back(bank->item(index).id);
        body["supervisor"] = ScoreCardJson(*bank, rated->second.supervisor, false);
        body["supervisor"]["differing_items"] = std::move(differing);
      }
      FC_RETURN_IF_ERROR(store_result("institution", institution.institution_id, body));
    }
    campaign.closed_at = internal::Now(clock_);
    campaign.status = CampaignStatus::kClosed;
    FC_RETURN_IF_ERROR(
        conn.Execute("UPDATE survey_campaigns SET status = 'closed', closed_at = ? "
                     "WHERE id = ?",
                     {campaign.closed_at, campaign.id}));
    FC_RETURN_IF_ERROR(conn.Execute("UPDATE survey_banks SET status = 'frozen' WHERE id = ?",
                                    {campaign.bank_storage_id}));
    FC_RETURN_IF_ERROR(audit::Append(conn, clock_,
                                     {principal.user_id, principal.org_id, "survey.campaign_close",
                                      "survey_campaign", campaign.id,
                                      Json{{"submitted", current.scores.institutions.size()},
                                           {"categories_with_results", categories},
                                           {"previous_campaign_id", previous_id}},
                                      info.remote_address, info.request_id}));
    FC_RETURN_IF_ERROR(events::Publish(conn, clock_, "survey.campaign_closed", "",
                                       {{"campaign_id", campaign.id}, {"year", campaign.year}}));
    return campaign;
  });
}

Result<Json> SurveyService::InstitutionResults(const identity::Principal& principal,
                                               std::string_view campaign_id,
                                               std::string_view org_id) {
  return db_.ReadValue<Json>([&](store::Connection& conn) -> Result<Json> {
    FC_ASSIGN_OR_RETURN(Campaign campaign,
                        internal::LoadVisibleCampaign(conn, principal, campaign_id));
    FC_ASSIGN_OR_RETURN(Assignment assignment,
                        internal::LoadAssignment(conn, principal, campaign_id, org_id));
    FC_RETURN_IF_ERROR(RequireClosed(campaign));
    FC_ASSIGN_OR_RETURN(
        Json results,
        ReadResult(conn, campaign.id, "institution", assignment.org_id,
                   "no results: the answers were not submitted before the campaign closed"));
    // Not frozen: what became of earlier remediation items is read as they stand now.
    FC_ASSIGN_OR_RETURN(auto progress, internal::ComputeRemediationProgress(
                                           conn, clock_, campaign, assignment.org_id, results));
    results["remediation"] = ToJson(progress);
    return results;
  });
}

Result<Json> SurveyService::SectorResults(const identity::Principal& principal,
                                          std::string_view campaign_id) {
  if (!internal::IsRegulatorReader(principal)) {
    return PermissionDenied("the sector view is the regulator's");
  }
  return db_.ReadValue<Json>([&](store::Connection& conn) -> Result<Json> {
    FC_ASSIGN_OR_RETURN(Campaign campaign,
                        internal::LoadVisibleCampaign(conn, principal, campaign_id));
    FC_RETURN_IF_ERROR(RequireClosed(campaign));
    Json categories = Json::array();
    for (const auto& category : campaign.categories) {
      auto report = ReadResult(conn, campaign.id, "category", category, "");
      if (!report.ok()) {
        if (report.error().code() != ErrorCode::kNotFound) return std::move(report).error();
        categories.push_back({{"category", category}, {"institutions", 0}});
        continue;
      }
      report->erase("institution_bands");
      categories.push_back(std::move(*report));
    }
    return Json{{"campaign", ToJson(campaign)}, {"categories", std::move(categories)}};
  });
}

Result<Json> SurveyService::CategoryResults(const identity::Principal& principal,
                                            std::string_view campaign_id,
                                            std::string_view category) {
  if (!internal::IsRegulatorReader(principal)) {
    return PermissionDenied("the sector view is the regulator's");
  }
  return db_.ReadValue<Json>([&](store::Connection& conn) -> Result<Json> {
    FC_ASSIGN_OR_RETURN(Campaign campaign,
                        internal::LoadVisibleCampaign(conn, principal, campaign_id));
    FC_RETURN_IF_ERROR(RequireClosed(campaign));
    FC_ASSIGN_OR_RETURN(Json report, ReadResult(conn, campaign.id, "category", category,
                                                "no results for this category"));
    // Drill-down only into the institutions the principal may see.
    FC_ASSIGN_OR_RETURN(auto visible, internal::QueryAssignments(conn, principal, campaign.id, ""));
    std::set<std::string> visible_ids;
    for (const auto& a : visible) visible_ids.insert(a.org_id);
    Json bands = Json::array();
    for (auto& entry : report["institution_bands"]) {
      if (visible_ids.count(entry.value("org_id", ""))) bands.push_back(std::move(entry));
    }
    report["institution_bands"] = std::move(bands);
    return report;
  });
}

}  // namespace fincyber::survey
