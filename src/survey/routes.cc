#include "survey/routes.h"

#include <fmt/format.h>

#include "survey/bank_format.h"
#include "survey/feedback_report.h"
#include "survey/internal/route_paths.h"

namespace fincyber::survey {
namespace {

using http::Method;
using http::Request;
using http::Response;

using internal::InfoOf;
using internal::Path;

Result<BankSource> ParseBankSource(const Json& body) {
  FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"format", "text", "bank_id", "version"}));
  FC_ASSIGN_OR_RETURN(auto format_name, RequireString(body, "format", 20));
  const auto format = ParseBankSourceFormat(format_name);
  if (!format) {
    return InvalidArgument("format must be yaml, json, oscal_xml or oscal_json",
                           {{"format", "yaml, json, oscal_xml or oscal_json"}});
  }
  FC_ASSIGN_OR_RETURN(auto text, RequireString(body, "text", std::size_t{16} << 20));
  FC_ASSIGN_OR_RETURN(auto bank_id, OptionalString(body, "bank_id", 64));
  FC_ASSIGN_OR_RETURN(auto version, OptionalString(body, "version", 64));
  BankSource source(*format, std::move(text));
  source.oscal_bank_id = bank_id.value_or("");
  source.oscal_version = version.value_or("");
  return source;
}

Result<TimePoint> RequireTime(const Json& body, std::string_view field) {
  FC_ASSIGN_OR_RETURN(auto text, RequireString(body, field, 64));
  const auto parsed = ParseRfc3339(text);
  if (!parsed) {
    return InvalidArgument(std::string(field) + " must be an RFC 3339 time",
                           {{std::string(field), "an RFC 3339 time"}});
  }
  return *parsed;
}

Result<NewCampaign> ParseNewCampaign(const Json& body) {
  FC_RETURN_IF_ERROR(
      RejectUnknownFields(body, {"bank", "title", "year", "categories", "opens_at", "deadline"}));
  NewCampaign c;
  FC_ASSIGN_OR_RETURN(c.bank_storage_id, RequireString(body, "bank", 100));
  const auto title = body.find("title");
  if (title == body.end() || !title->is_object()) {
    return InvalidArgument("title must be {ja, en}", {{"title", "an object {ja, en}"}});
  }
  FC_RETURN_IF_ERROR(RejectUnknownFields(*title, {"ja", "en"}));
  FC_ASSIGN_OR_RETURN(c.title.ja, RequireString(*title, "ja", 200));
  FC_ASSIGN_OR_RETURN(c.title.en, RequireString(*title, "en", 200));
  const auto year = body.find("year");
  if (year == body.end() || !year->is_number_integer() || year->get<std::int64_t>() < 0 ||
      year->get<std::int64_t>() > 9999) {
    return InvalidArgument("year must be a whole number", {{"year", "a year, e.g. 2026"}});
  }
  c.year = year->get<int>();
  const auto categories = body.find("categories");
  if (categories == body.end() || !categories->is_array() ||
      categories->size() > kMaxCampaignCategories) {
    return InvalidArgument("categories must be a list of business categories",
                           {{"categories", "a list of at most 20 category codes"}});
  }
  for (const auto& category : *categories) {
    if (!category.is_string() || category.get_ref<const std::string&>().size() > 64) {
      return InvalidArgument("categories must be a list of business categories",
                             {{"categories", "a list of category codes"}});
    }
    c.categories.push_back(category.get<std::string>());
  }
  if (body.contains("opens_at") && !body["opens_at"].is_null()) {
    FC_ASSIGN_OR_RETURN(c.opens_at, RequireTime(body, "opens_at"));
  }
  FC_ASSIGN_OR_RETURN(c.deadline, RequireTime(body, "deadline"));
  return c;
}

Result<AnswerInput> ParseAnswerInput(const Json& body) {
  FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"value", "comment", "evidence", "version"}));
  AnswerInput in;
  const auto value = body.find("value");
  if (value == body.end()) {
    return InvalidArgument("value is required (null clears the answer)", {{"value", "required"}});
  }
  in.value = *value;
  FC_ASSIGN_OR_RETURN(auto comment, OptionalString(body, "comment", kMaxCommentBytes));
  in.comment = comment.value_or("");
  FC_ASSIGN_OR_RETURN(auto evidence, OptionalString(body, "evidence", kMaxEvidenceRefBytes));
  in.evidence = evidence.value_or("");
  const auto version = body.find("version");
  if (version != body.end() && !version->is_null()) {
    if (!version->is_number_integer() || version->get<std::int64_t>() < 0) {
      return InvalidArgument("version must be the stored version", {{"version", "a number"}});
    }
    in.expected_version = version->get<std::int64_t>();
  }
  return in;
}

Json AnswerOrNull(const std::optional<StoredAnswer>& answer) {
  return answer ? ToJson(*answer) : Json(nullptr);
}

Result<Response> QuestionnaireResponse(SurveyService& service, const Request& req,
                                       std::string_view org_id) {
  FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
  FC_ASSIGN_OR_RETURN(auto q, service.GetQuestionnaire(*principal, req.PathParam("id"), org_id));
  return Response::MakeJson(ToJson(q));
}

Result<Response> PutValue(SurveyService& service, Request& req, std::string_view org_id,
                          bool rating) {
  FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
  FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
  FC_ASSIGN_OR_RETURN(AnswerInput input, ParseAnswerInput(body));
  const std::string& campaign = req.PathParam("id");
  const std::string& item = req.PathParam("item");
  FC_ASSIGN_OR_RETURN(
      auto stored, rating
                       ? service.PutRating(*principal, campaign, org_id, item, input, InfoOf(req))
                       : service.PutAnswer(*principal, campaign, org_id, item, input, InfoOf(req)));
  return Response::MakeJson({{"item_id", item}, {"answer", AnswerOrNull(stored)}});
}

Result<Response> HistoryResponse(SurveyService& service, const Request& req,
                                 std::string_view org_id) {
  FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
  FC_ASSIGN_OR_RETURN(auto history, service.AnswerHistory(*principal, req.PathParam("id"), org_id,
                                                          req.PathParam("item")));
  Json versions = Json::array();
  for (const auto& v : history) versions.push_back(ToJson(v));
  return Response::MakeJson(
      {{"item_id", req.PathParam("item")}, {"versions", std::move(versions)}});
}

// A feedback report as a file download; `lang` ja (default) or en, `format` pdf (default)
// or xlsx. The service decides whether the principal may see `org_id`'s results.
Result<Response> ReportResponse(SurveyService& service, const Request& req,
                                const identity::Principal& principal, std::string_view org_id) {
  FeedbackReportOptions options;
  const auto language = ParseReportLanguage(req.QueryParam("lang").value_or("ja"));
  if (!language) return InvalidArgument("lang must be ja or en", {{"lang", "ja or en"}});
  const auto format = ParseReportFormat(req.QueryParam("format").value_or("pdf"));
  if (!format) return InvalidArgument("format must be pdf or xlsx", {{"format", "pdf or xlsx"}});
  options.language = *language;
  options.format = *format;
  FC_ASSIGN_OR_RETURN(auto input,
                      LoadFeedbackReportInput(service, principal, req.PathParam("id"), org_id));
  FC_ASSIGN_OR_RETURN(std::string bytes, RenderFeedbackReport(input, options));
  Response response;
  response.body = std::move(bytes);
  response.SetHeader("Content-Type", std::string(ReportContentType(*format)));
  response.SetHeader("Content-Disposition",
                     fmt::format("attachment; filename=\"feedback-{}-{}.{}\"", input.campaign.year,
                                 *language == ReportLanguage::kJapanese ? "ja" : "en",
                                 ReportFileExtension(*format)));
  return response;
}

}  // namespace

Json ToJson(const Questionnaire& q) {
  const Json bank = BankToJson(q.bank->bank());
  Json sections = Json::array();
  int index = 0;
  for (std::size_t s = 0; s < q.bank->bank().sections.size(); ++s) {
    const Section& section = q.bank->bank().sections[s];
    Json items = Json::array();
    for (std::size_t i = 0; i < section.items.size(); ++i, ++index) {
      Json item = bank["sections"][s]["items"][i];
      item["shown"] = static_cast<bool>(q.shown[index]);
      auto answer = q.answers.find(section.items[i].id);
      item["answer"] = answer == q.answers.end() ? Json(nullptr) : ToJson(answer->second);
      auto rating = q.ratings.find(section.items[i].id);
      if (rating != q.ratings.end()) item["supervisor_rating"] = ToJson(rating->second);
      items.push_back(std::move(item));
    }
    const SectionProgress& progress = q.sections[s];
    sections.push_back({{"id", section.id},
                        {"title", bank["sections"][s]["title"]},
                        {"progress", {{"shown", progress.shown}, {"answered", progress.answered}}},
                        {"items", std::move(items)}});
  }
  Json header = bank;
  header.erase("sections");
  return {{"campaign", ToJson(q.campaign)},
          {"assignment", ToJson(q.assignment)},
          {"editable", q.editable},
          {"bank", std::move(header)},
          {"sections", std::move(sections)}};
}

void AddRoutes(http::Router& router, SurveyService& service) {
  // Banks.
  router.Add({Method::kGet, Path("banks"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto banks, service.ListBanks(*principal));
                Json items = Json::array();
                for (const auto& b : banks) items.push_back(ToJson(b));
                return Response::MakeJson({{"items", std::move(items)}});
              },
              "Survey question banks (regulator's staff)"});
  router.Add({Method::kPost, Path("banks"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
                FC_ASSIGN_OR_RETURN(BankSource source, ParseBankSource(body));
                FC_ASSIGN_OR_RETURN(auto bank, service.ImportBank(*principal, source, InfoOf(req)));
                return Response::MakeJson(ToJson(bank), 201);
              },
              "Import a question bank as a draft (YAML, JSON or an OSCAL catalog)"});
  router.Add({Method::kPost, Path("banks/mission"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto bank, service.LoadMissionBank(*principal, InfoOf(req)));
                return Response::MakeJson(ToJson(bank));
              },
              "Store and publish the mission's own question bank"});
  router.Add({Method::kGet, Path("banks/{id}"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto bank, service.GetBank(*principal, req.PathParam("id")));
                Json out = ToJson(bank.info);
                out["source_format"] = BankSourceFormatName(bank.source_format);
                out["source"] = bank.source;
                out["model"] = BankToJson(bank.bank->bank());
                return Response::MakeJson(out);
              },
              "One question bank: its source as authored and its model"});
  router.Add({Method::kPut, Path("banks/{id}"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
                FC_ASSIGN_OR_RETURN(BankSource source, ParseBankSource(body));
                FC_ASSIGN_OR_RETURN(auto bank, service.UpdateDraft(*principal, req.PathParam("id"),
                                                                   source, InfoOf(req)));
                return Response::MakeJson(ToJson(bank));
              },
              "Replace a draft bank's text"});
  router.Add({Method::kPost, Path("banks/{id}/publish"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(
                    auto bank, service.PublishBank(*principal, req.PathParam("id"), InfoOf(req)));
                return Response::MakeJson(ToJson(bank));
              },
              "Publish a draft bank; it cannot change afterwards"});

  // Campaigns.
  router.Add({Method::kGet, Path("campaigns"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto campaigns, service.ListCampaigns(*principal));
                Json items = Json::array();
                for (const auto& c : campaigns) items.push_back(ToJson(c));
                return Response::MakeJson({{"items", std::move(items)}});
              },
              "Survey campaigns the caller may see"});
  router.Add({Method::kPost, Path("campaigns"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
                FC_ASSIGN_OR_RETURN(NewCampaign input, ParseNewCampaign(body));
                FC_ASSIGN_OR_RETURN(auto campaign,
                                    service.OpenCampaign(*principal, input, InfoOf(req)));
                return Response::MakeJson(ToJson(campaign), 201);
              },
              "Open a campaign for business categories (coordination office)"});
  router.Add({Method::kGet, Path("campaigns/{id}"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto campaign,
                                    service.GetCampaign(*principal, req.PathParam("id")));
                return Response::MakeJson(ToJson(campaign));
              },
              "One survey campaign"});
  router.Add({Method::kPost, Path("campaigns/{id}/close"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(
                    auto campaign,
                    service.CloseCampaign(*principal, req.PathParam("id"), InfoOf(req)));
                return Response::MakeJson(ToJson(campaign));
              },
              "Close a campaign and freeze its results (coordination office)"});

  // Assignments as the regulator sees them.
  router.Add({Method::kGet, Path("campaigns/{id}/assignments"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto assignments,
                                    service.ListAssignments(*principal, req.PathParam("id")));
                Json items = Json::array();
                for (const auto& a : assignments) items.push_back(ToJson(a));
                return Response::MakeJson({{"items", std::move(items)}});
              },
              "Assignments of a campaign the caller may see, with progress"});
  router.Add({Method::kGet, Path("campaigns/{id}/assignments/{org}"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                return QuestionnaireResponse(service, req, req.PathParam("org"));
              },
              "An institution's questionnaire with its answers (own or supervised)"});
  router.Add({Method::kPost, Path("campaigns/{id}/assignments/{org}/extend"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"deadline"}));
                FC_ASSIGN_OR_RETURN(TimePoint deadline, RequireTime(body, "deadline"));
                FC_ASSIGN_OR_RETURN(
                    auto assignment,
                    service.ExtendDeadline(*principal, req.PathParam("id"), req.PathParam("org"),
                                           deadline, InfoOf(req)));
                return Response::MakeJson(ToJson(assignment));
              },
              "Extend one institution's deadline (coordination office)"});
  router.Add({Method::kPost, Path("campaigns/{id}/assignments/{org}/reopen"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto assignment,
                                    service.GrantReopen(*principal, req.PathParam("id"),
                                                        req.PathParam("org"), InfoOf(req)));
                return Response::MakeJson(ToJson(assignment));
              },
              "Grant an institution's request to reopen its answers (coordination office)"});
  router.Add({Method::kPost, Path("campaigns/{id}/assignments/{org}/reopen-decline"),
              http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"reason"}));
                FC_ASSIGN_OR_RETURN(auto reason, RequireString(body, "reason", kMaxReasonBytes));
                FC_ASSIGN_OR_RETURN(
                    auto assignment,
                    service.DeclineReopen(*principal, req.PathParam("id"), req.PathParam("org"),
                                          reason, InfoOf(req)));
                return Response::MakeJson(ToJson(assignment));
              },
              "Decline an institution's request to reopen its answers (coordination office)"});
  router.Add({Method::kPut, Path("campaigns/{id}/assignments/{org}/ratings/{item}"),
              http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                return PutValue(service, req, req.PathParam("org"), /*rating=*/true);
              },
              "A supervisor's own rating of one item"});
  router.Add({Method::kGet, Path("campaigns/{id}/assignments/{org}/answers/{item}/history"),
              http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                return HistoryResponse(service, req, req.PathParam("org"));
              },
              "Every saved version of an institution's answer (own or supervised)"});
  router.Add({Method::kGet, Path("campaigns/{id}/assignments/{org}/results"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto results,
                                    service.InstitutionResults(*principal, req.PathParam("id"),
                                                               req.PathParam("org")));
                return Response::MakeJson(results);
              },
              "An institution's frozen results (own or supervised)"});
  router.Add({Method::kGet, Path("campaigns/{id}/assignments/{org}/report"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                return ReportResponse(service, req, *principal, req.PathParam("org"));
              },
              "An institution's feedback report, PDF or XLSX (own or supervised)"});

  // The caller's own institution.
  router.Add({Method::kGet, Path("campaigns/{id}/my"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                return QuestionnaireResponse(service, req, principal->org_id);
              },
              "The caller's questionnaire: items shown, answers, progress per section"});
  router.Add({Method::kGet, Path("campaigns/{id}/my/answers/{item}"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto answer,
                                    service.GetAnswer(*principal, req.PathParam("id"),
                                                      principal->org_id, req.PathParam("item")));
                return Response::MakeJson(
                    {{"item_id", req.PathParam("item")}, {"answer", AnswerOrNull(answer)}});
              },
              "One of the caller's answers"});
  router.Add({Method::kGet, Path("campaigns/{id}/my/answers/{item}/history"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                return HistoryResponse(service, req, principal->org_id);
              },
              "Every saved version of one of the caller's answers"});
  router.Add({Method::kPut, Path("campaigns/{id}/my/answers/{item}"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                return PutValue(service, req, principal->org_id, /*rating=*/false);
              },
              "Save one answer (autosave; null clears)"});
  router.Add(
      {Method::kPost, Path("campaigns/{id}/my/submit"), http::Auth::kRequired,
       [&service](Request& req) -> Result<Response> {
         FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
         FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
         FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"executive_name", "executive_title"}));
         Attestation attestation;
         FC_ASSIGN_OR_RETURN(attestation.executive_name,
                             RequireString(body, "executive_name", kMaxAttestationBytes));
         FC_ASSIGN_OR_RETURN(attestation.executive_title,
                             RequireString(body, "executive_title", kMaxAttestationBytes));
         FC_ASSIGN_OR_RETURN(auto assignment,
                             service.Submit(*principal, req.PathParam("id"), principal->org_id,
                                            attestation, InfoOf(req)));
         return Response::MakeJson(ToJson(assignment));
       },
       "Submit the answers under management attestation (institution admins)"});
  router.Add({Method::kPost, Path("campaigns/{id}/my/reopen-request"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"reason"}));
                FC_ASSIGN_OR_RETURN(auto reason, RequireString(body, "reason", kMaxReasonBytes));
                FC_ASSIGN_OR_RETURN(auto assignment,
                                    service.RequestReopen(*principal, req.PathParam("id"),
                                                          principal->org_id, reason, InfoOf(req)));
                return Response::MakeJson(ToJson(assignment));
              },
              "Ask the coordination office to reopen submitted answers"});
  router.Add({Method::kGet, Path("campaigns/{id}/my/results"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(
                    auto results,
                    service.InstitutionResults(*principal, req.PathParam("id"), principal->org_id));
                return Response::MakeJson(results);
              },
              "The caller's scores and peer aggregates of a closed campaign"});
  router.Add({Method::kGet, Path("campaigns/{id}/report"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                return ReportResponse(service, req, *principal, principal->org_id);
              },
              "The caller's feedback report of a closed campaign, PDF or XLSX"});

  // The regulator's sector view.
  router.Add({Method::kGet, Path("campaigns/{id}/sector"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto results,
                                    service.SectorResults(*principal, req.PathParam("id")));
                return Response::MakeJson(results);
              },
              "Aggregates of every business category of a closed campaign (regulator)"});
  router.Add({Method::kGet, Path("campaigns/{id}/sector/{category}"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto results,
                                    service.CategoryResults(*principal, req.PathParam("id"),
                                                            req.PathParam("category")));
                return Response::MakeJson(results);
              },
              "One business category with drill-down to the institutions the caller sees"});
  AddFileRoutes(router, service);
}

}  // namespace fincyber::survey
