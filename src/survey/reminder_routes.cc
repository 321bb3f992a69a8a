// HTTP face of reminders and contact addresses (reminders.h lists the routes). Handlers
// parse and serialise; ReminderService enforces access.
#include "survey/reminders.h"
#include "survey/internal/route_paths.h"

namespace fincyber::survey {
namespace {

using http::Method;
using http::Request;
using http::Response;

using internal::InfoOf;
using internal::Path;

}  // namespace

void AddReminderRoutes(http::Router& router, ReminderService& service) {
  router.Add({Method::kGet, Path("reminders/my"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto pending, service.Pending(*principal));
                Json items = Json::array();
                for (const auto& reminder : pending) items.push_back(ToJson(reminder));
                return Response::MakeJson({{"items", std::move(items)}});
              },
              "Survey reminders of the caller's institution for answers not yet submitted"});
  router.Add({Method::kGet, Path("campaigns/{id}/reminders"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto settings,
                                    service.GetSettings(*principal, req.PathParam("id")));
                return Response::MakeJson(ToJson(settings));
              },
              "A campaign's reminder days before the deadline (regulator)"});
  router.Add({Method::kPut, Path("campaigns/{id}/reminders"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"days"}));
                const auto days = body.find("days");
                std::vector<int> parsed;
                if (days == body.end() || !days->is_array() ||
                    days->size() > static_cast<std::size_t>(kMaxReminderDays)) {
                  return InvalidArgument("days must be a list of whole days",
                                         {{"days", "1-10 whole days"}});
                }
                for (const auto& day : *days) {
                  if (!day.is_number_integer() || day.get<std::int64_t>() < 1 ||
                      day.get<std::int64_t>() > kMaxReminderDaysBefore) {
                    return InvalidArgument("days must be whole days 1 to 365",
                                           {{"days", "whole days 1-365"}});
                  }
                  parsed.push_back(day.get<int>());
                }
                FC_ASSIGN_OR_RETURN(auto settings,
                                    service.SetSettings(*principal, req.PathParam("id"),
                                                        std::move(parsed), InfoOf(req)));
                return Response::MakeJson(ToJson(settings));
              },
              "Set a campaign's reminder days (coordination office)"});
  router.Add({Method::kGet, Path("campaigns/{id}/reminders/sent"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto sent, service.Sent(*principal, req.PathParam("id")));
                Json items = Json::array();
                for (const auto& reminder : sent) items.push_back(ToJson(reminder));
                return Response::MakeJson({{"items", std::move(items)}});
              },
              "Institutions reminded of a campaign's deadline, with the e-mail's state "
              "(regulator)"});
  router.Add({Method::kGet, Path("contacts/{org}"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto email,
                                    service.GetContact(*principal, req.PathParam("org")));
                return Response::MakeJson({{"org_id", req.PathParam("org")},
                                           {"email", email.empty() ? Json(nullptr) : Json(email)}});
              },
              "An institution's survey contact e-mail address"});
  router.Add({Method::kPut, Path("contacts/{org}"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"email"}));
                // "" is an answer here: it removes the address.
                FC_ASSIGN_OR_RETURN(auto email, OptionalString(body, "email", 254));
                if (!email) {
                  return InvalidArgument("email is required (\"\" removes the address)",
                                         {{"email", "required"}});
                }
                FC_RETURN_IF_ERROR(
                    service.SetContact(*principal, req.PathParam("org"), *email, InfoOf(req)));
                return Response::MakeJson(
                    {{"org_id", req.PathParam("org")},
                     {"email", email->empty() ? Json(nullptr) : Json(*email)}});
              },
              "Set an institution's survey contact e-mail (coordination office or its admins)"});
}

}  // namespace fincyber::survey
