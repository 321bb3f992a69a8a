// HTTP face of remediation items (remediation.h lists the routes). Handlers parse and
// serialise; RemediationService enforces access.
#include <fmt/format.h>

#include "survey/remediation.h"
#include "survey/internal/route_paths.h"

namespace fincyber::survey {
namespace {

using http::Method;
using http::Request;
using http::Response;

using internal::InfoOf;
using internal::Path;

Result<RemediationOwner> ParseOwner(const Json& body) {
  const auto owner = body.find("owner");
  if (owner == body.end() || !owner->is_object()) {
    return InvalidArgument("owner must be {user_id} or {name}", {{"owner", "{user_id} or {name}"}});
  }
  FC_RETURN_IF_ERROR(RejectUnknownFields(*owner, {"user_id", "name"}));
  FC_ASSIGN_OR_RETURN(auto user_id, OptionalString(*owner, "user_id", 100));
  FC_ASSIGN_OR_RETURN(auto name, OptionalString(*owner, "name", kMaxRemediationOwnerBytes));
  return RemediationOwner{user_id.value_or(""), name.value_or("")};
}

Result<RemediationStatus> ParseStatus(std::string_view name) {
  const auto status = ParseRemediationStatus(name);
  if (!status) {
    return InvalidArgument("status must be open, in_progress, done or accepted_risk",
                           {{"status", "open, in_progress, done or accepted_risk"}});
  }
  return *status;
}

Result<NewRemediation> ParseNew(const Json& body) {
  FC_RETURN_IF_ERROR(
      RejectUnknownFields(body, {"title", "item_ids", "owner", "due_date", "status", "note"}));
  NewRemediation in;
  FC_ASSIGN_OR_RETURN(in.title, RequireString(body, "title", kMaxRemediationTitleBytes));
  const auto ids = body.find("item_ids");
  if (ids == body.end() || !ids->is_array() || ids->empty() ||
      ids->size() > kMaxRemediationItemIds) {
    return InvalidArgument("item_ids must list 1 to 50 item ids",
                           {{"item_ids", "1 to 50 item ids"}});
  }
  for (const auto& id : *ids) {
    if (!id.is_string() || id.get_ref<const std::string&>().empty() ||
        id.get_ref<const std::string&>().size() > 100) {
      return InvalidArgument("item_ids must be item ids", {{"item_ids", "item ids"}});
    }
    in.item_ids.push_back(id.get<std::string>());
  }
  FC_ASSIGN_OR_RETURN(in.owner, ParseOwner(body));
  FC_ASSIGN_OR_RETURN(in.due_date, RequireString(body, "due_date", 10));
  FC_ASSIGN_OR_RETURN(auto status, OptionalString(body, "status", 20));
  if (status) {
    FC_ASSIGN_OR_RETURN(in.status, ParseStatus(*status));
  }
  FC_ASSIGN_OR_RETURN(auto note, OptionalString(body, "note", kMaxRemediationNoteBytes));
  in.note = note.value_or("");
  return in;
}

Result<RemediationUpdate> ParseUpdate(const Json& body) {
  FC_RETURN_IF_ERROR(
      RejectUnknownFields(body, {"title", "owner", "due_date", "status", "note", "version"}));
  RemediationUpdate up;
  FC_ASSIGN_OR_RETURN(up.title, OptionalString(body, "title", kMaxRemediationTitleBytes));
  if (body.contains("owner")) {
    FC_ASSIGN_OR_RETURN(up.owner, ParseOwner(body));
  }
  FC_ASSIGN_OR_RETURN(up.due_date, OptionalString(body, "due_date", 10));
  FC_ASSIGN_OR_RETURN(auto status, OptionalString(body, "status", 20));
  if (status) {
    FC_ASSIGN_OR_RETURN(up.status, ParseStatus(*status));
  }
  FC_ASSIGN_OR_RETURN(up.note, OptionalString(body, "note", kMaxRemediationNoteBytes));
  const auto version = body.find("version");
  if (version != body.end() && !version->is_null()) {
    if (!version->is_number_integer() || version->get<std::int64_t>() < 1) {
      return InvalidArgument("version must be the stored version", {{"version", "a number"}});
    }
    up.expected_version = version->get<std::int64_t>();
  }
  return up;
}

Json Items(const std::vector<RemediationItem>& items) {
  Json out = Json::array();
  for (const auto& item : items) out.push_back(ToJson(item));
  return out;
}

Result<Response> ProgressResponse(RemediationService& service, const Request& req,
                                  std::string_view org_id) {
  FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
  FC_ASSIGN_OR_RETURN(auto progress, service.Progress(*principal, req.PathParam("id"), org_id));
  return Response::MakeJson(ToJson(progress));
}

}  // namespace

void AddRemediationRoutes(http::Router& router, RemediationService& service) {
  router.Add({Method::kGet, Path("remediation"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                RemediationQuery query;
                query.org_id = req.QueryParam("org").value_or("");
                query.campaign_id = req.QueryParam("campaign").value_or("");
                if (query.org_id.size() > 100 || query.campaign_id.size() > 100) {
                  return InvalidArgument("org and campaign are ids", {{"query", "ids"}});
                }
                if (auto status = req.QueryParam("status")) {
                  FC_ASSIGN_OR_RETURN(query.status, ParseStatus(*status));
                }
                FC_ASSIGN_OR_RETURN(auto items, service.List(*principal, query));
                return Response::MakeJson({{"items", Items(items)}});
              },
              "Remediation items of survey gaps the caller may read"});
  router.Add({Method::kGet, Path("remediation/{rid}"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto item, service.Get(*principal, req.PathParam("rid")));
                FC_ASSIGN_OR_RETURN(auto history,
                                    service.History(*principal, req.PathParam("rid")));
                Json out = ToJson(item);
                out["history"] = Json::array();
                for (const auto& change : history) out["history"].push_back(ToJson(change));
                return Response::MakeJson(out);
              },
              "One remediation item with its history"});
  router.Add({Method::kPatch, Path("remediation/{rid}"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
                FC_ASSIGN_OR_RETURN(RemediationUpdate update, ParseUpdate(body));
                FC_ASSIGN_OR_RETURN(auto item, service.Update(*principal, req.PathParam("rid"),
                                                              update, InfoOf(req)));
                return Response::MakeJson(ToJson(item));
              },
              "Change a remediation item: status, note, owner, due date, title (institution)"});
  router.Add({Method::kPost, Path("campaigns/{id}/my/remediation"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
                FC_ASSIGN_OR_RETURN(NewRemediation input, ParseNew(body));
                FC_ASSIGN_OR_RETURN(
                    auto item, service.Create(*principal, req.PathParam("id"), input, InfoOf(req)));
                return Response::MakeJson(ToJson(item), 201);
              },
              "Turn gaps of a closed campaign into a remediation item (institution)"});
  router.Add({Method::kPost, Path("campaigns/{id}/my/remediation/all-gaps"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"owner", "due_date", "lang"}));
                BulkRemediation input;
                FC_ASSIGN_OR_RETURN(input.owner, ParseOwner(body));
                FC_ASSIGN_OR_RETURN(input.due_date, RequireString(body, "due_date", 10));
                FC_ASSIGN_OR_RETURN(auto lang, OptionalString(body, "lang", 2));
                input.language = lang.value_or(principal->locale);
                FC_ASSIGN_OR_RETURN(
                    auto items,
                    service.CreateForAllGaps(*principal, req.PathParam("id"), input, InfoOf(req)));
                return Response::MakeJson({{"items", Items(items)}}, 201);
              },
              "A remediation item for every gap not covered yet (institution)"});
  router.Add({Method::kGet, Path("campaigns/{id}/my/remediation-progress"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                return ProgressResponse(service, req, principal->org_id);
              },
              "Earlier remediation items closed or still open in this campaign"});
  router.Add({Method::kGet, Path("campaigns/{id}/assignments/{org}/remediation-progress"),
              http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                return ProgressResponse(service, req, req.PathParam("org"));
              },
              "An institution's earlier remediation items against this campaign (own or "
              "supervised)"});
}

}  // namespace fincyber::survey
