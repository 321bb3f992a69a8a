#include "accounts/routes.h"

#include <fmt/format.h>

#include <charconv>

#include "audit/audit.h"
#include "events/events.h"

namespace fincyber::accounts {
namespace {

using http::Auth;
using http::Method;
using http::Request;
using http::Response;
using identity::Principal;

RequestInfo InfoOf(const Request& req) { return {req.remote_address, req.request_id}; }

// An integer query parameter within [min, max], or `fallback` when absent.
Result<int> IntParam(const Request& req, const char* name, int fallback, int min, int max) {
  auto text = req.QueryParam(name);
  if (!text) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return InvalidArgument(fmt::format("query parameter '{}' must be an integer {}..{}", name,
                                       min, max),
                           {{name, fmt::format("integer {}..{}", min, max)}});
  }
  return value;
}

// An optional list of short strings, empty when absent.
Result<std::vector<std::string>> StringList(const Json& body, const char* field) {
  std::vector<std::string> values;
  if (!body.contains(field)) return values;
  const Json& list = body[field];
  constexpr std::size_t kMaxItems = 1000;
  if (!list.is_array() || list.size() > kMaxItems) {
    return InvalidArgument(fmt::format("'{}' must be a list of at most {} strings", field,
                                       kMaxItems),
                           {{field, "list of strings"}});
  }
  for (const auto& item : list) {
    if (!item.is_string() || item.get_ref<const std::string&>().size() > 64) {
      return InvalidArgument(fmt::format("'{}' must hold identifiers", field),
                             {{field, "list of identifiers"}});
    }
    values.push_back(item.get<std::string>());
  }
  return values;
}

template <typename T>
Json PageJson(const identity::Page<T>& page) {
  Json items = Json::array();
  for (const auto& item : page.items) items.push_back(identity::ToJson(item));
  return {{"items", std::move(items)}, {"total", page.total}};
}

std::string SessionCookie(const std::string& value, bool secure, bool clear) {
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict{}{}", http::kSessionCookie, value,
                     clear ? "; Max-Age=0" : "", secure ? "; Secure" : "");
}

Result<identity::Role> ParseRoleField(const Json& body) {
  FC_ASSIGN_OR_RETURN(auto name, RequireString(body, "role", 64));
  auto role = identity::ParseRole(name);
  if (!role) return InvalidArgument("unknown role", {{"role", "unknown role"}});
  return *role;
}

Json AuditEntryJson(const audit::StoredEntry& e) {
  return {{"seq", e.seq},
          {"at", e.at},
          {"actor_user_id", e.entry.actor_user_id},
          {"actor_org_id", e.entry.actor_org_id},
          {"action", e.entry.action},
          {"target_type", e.entry.target_type},
          {"target_id", e.entry.target_id},
          {"details", e.entry.details},
          {"remote_address", e.entry.remote_address},
          {"request_id", e.entry.request_id},
          {"hash", e.hash}};
}

Json WebhookJson(const events::Webhook& hook) {
  return {{"id", hook.id},
          {"org_id", hook.org_id},
          {"url", hook.url},
          {"event_types", hook.event_types},
          {"all_orgs", hook.all_orgs},
          {"created_at", hook.created_at}};
}

}  // namespace

void AddRoutes(http::Router& router, AccountsService& service, store::Database& db,
               RouteOptions options) {
  AccountsService* svc = &service;
  const bool secure = options.secure_cookies;

  router.Add({Method::kPost, "/api/v1/auth/login", Auth::kNone,
              [svc, secure](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(auto body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"username", "password"}));
                FC_ASSIGN_OR_RETURN(auto username, RequireString(body, "username", 64));
                FC_ASSIGN_OR_RETURN(auto password, RequireString(body, "password", 1024));
                FC_ASSIGN_OR_RETURN(auto principal,
                                    svc->Login(username, password, InfoOf(req)));
                FC_ASSIGN_OR_RETURN(auto me, svc->Me(principal));
                Response res = Response::MakeJson(me);
                res.SetHeader("Set-Cookie", SessionCookie(principal.session_id, secure, false));
                return res;
              },
              "Log in with username and password; sets the session cookie"});

  router.Add({Method::kPost, "/api/v1/auth/logout", Auth::kRequired,
              [svc, secure](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_RETURN_IF_ERROR(svc->Logout(*p, InfoOf(req)));
                Response res = Response::NoContent();
                res.SetHeader("Set-Cookie", SessionCookie("", secure, true));
                return res;
              },
              "End the current session"});

  router.Add({Method::kGet, "/api/v1/me", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto me, svc->Me(*p));
                return Response::MakeJson(me);
              },
              "The current user, organisation and CSRF token"});

  router.Add({Method::kPut, "/api/v1/me/locale", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"locale"}));
                FC_ASSIGN_OR_RETURN(auto locale, RequireString(body, "locale", 8));
                FC_ASSIGN_OR_RETURN(auto user, svc->SetLocale(*p, locale, InfoOf(req)));
                return Response::MakeJson(identity::ToJson(user));
              },
              "Set the user's interface language (ja or en)"});

  router.Add({Method::kGet, "/api/v1/sectors", Auth::kRequired,
              [](Request&) -> Result<Response> {
                Json items = Json::array();
                for (const auto& s : identity::Sectors()) {
                  items.push_back({{"code", s.code},
                                   {"name_ja", s.name_ja},
                                   {"name_en", s.name_en},
                                   {"default_size_tier", s.default_size_tier}});
                }
                return Response::MakeJson({{"items", items}});
              },
              "Business categories (業態)"});

  router.Add({Method::kGet, "/api/v1/orgs", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                identity::OrgQuery query;
                if (auto kind = req.QueryParam("kind"); kind && !kind->empty()) {
                  query.kind = identity::ParseOrgKind(*kind);
                  if (!query.kind) {
                    return InvalidArgument("unknown organisation kind", {{"kind", "unknown"}});
                  }
                }
                if (auto sector = req.QueryParam("sector"); sector && !sector->empty()) {
                  if (!identity::IsKnownSector(*sector)) {
                    return InvalidArgument("unknown business category", {{"sector", "unknown"}});
                  }
                  query.sector = *sector;
                }
                query.text = req.QueryParam("q").value_or("");
                if (query.text.size() > 200) {
                  return InvalidArgument("search text too long", {{"q", "at most 200 bytes"}});
                }
                FC_ASSIGN_OR_RETURN(query.limit, IntParam(req, "limit", 200, 1, 1000));
                FC_ASSIGN_OR_RETURN(query.offset, IntParam(req, "offset", 0, 0, 1'000'000));
                FC_ASSIGN_OR_RETURN(auto page, svc->ListOrgs(*p, query));
                return Response::MakeJson(PageJson(page));
              },
              "Organisations visible to the caller, filtered by kind, sector and text"});

  router.Add({Method::kPost, "/api/v1/orgs", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(
                    body, {"kind", "sector", "name_ja", "name_en", "parent_id", "size_tier"}));
                identity::NewOrg org;
                FC_ASSIGN_OR_RETURN(auto kind, RequireString(body, "kind", 32));
                auto parsed = identity::ParseOrgKind(kind);
                if (!parsed) return InvalidArgument("unknown kind", {{"kind", "unknown"}});
                org.kind = *parsed;
                FC_ASSIGN_OR_RETURN(org.sector, OptionalString(body, "sector", 64));
                FC_ASSIGN_OR_RETURN(org.name_ja, RequireString(body, "name_ja", 200));
                FC_ASSIGN_OR_RETURN(org.name_en, RequireString(body, "name_en", 200));
                FC_ASSIGN_OR_RETURN(org.parent_id, OptionalString(body, "parent_id", 64));
                FC_ASSIGN_OR_RETURN(org.size_tier, OptionalString(body, "size_tier", 32));
                FC_ASSIGN_OR_RETURN(auto created, svc->CreateOrg(*p, org, InfoOf(req)));
                return Response::MakeJson(identity::ToJson(created), 201);
              },
              "Create an organisation (coordination office)"});

  router.Add({Method::kGet, "/api/v1/orgs/{id}", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto org, svc->GetOrg(*p, req.PathParam("id")));
                return Response::MakeJson(identity::ToJson(org));
              },
              "One organisation"});

  router.Add({Method::kPatch, "/api/v1/orgs/{id}", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"size_tier"}));
                if (!body.contains("size_tier")) {
                  return InvalidArgument("nothing to change", {{"size_tier", "required"}});
                }
                FC_ASSIGN_OR_RETURN(auto size_tier, OptionalString(body, "size_tier", 32));
                FC_ASSIGN_OR_RETURN(auto org, svc->SetOrgSizeTier(*p, req.PathParam("id"),
                                                                  size_tier, InfoOf(req)));
                return Response::MakeJson(identity::ToJson(org));
              },
              "Change an institution's size tier; null returns it to its category's default "
              "(coordination office)"});

  router.Add({Method::kGet, "/api/v1/orgs/{id}/supervised", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto page, svc->ListSupervised(*p, req.PathParam("id")));
                return Response::MakeJson(PageJson(page));
              },
              "Institutions a bureau supervises"});

  router.Add({Method::kPost, "/api/v1/orgs/{id}/supervised", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"institution_id"}));
                FC_ASSIGN_OR_RETURN(auto institution, RequireString(body, "institution_id", 64));
                FC_RETURN_IF_ERROR(
                    svc->AddSupervision(*p, req.PathParam("id"), institution, InfoOf(req)));
                return Response::NoContent();
              },
              "Make a bureau supervise an institution (coordination office)"});

  router.Add({Method::kGet, "/api/v1/groups", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto groups, svc->ListGroups(*p));
                Json items = Json::array();
                for (const auto& group : groups) items.push_back(identity::ToJson(group));
                return Response::MakeJson({{"items", std::move(items)}});
              },
              "Trust groups visible to the caller (its own, or all for curators)"});

  router.Add({Method::kPost, "/api/v1/groups", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(
                    body, {"name_ja", "name_en", "description", "member_org_ids"}));
                identity::NewTrustGroup group;
                FC_ASSIGN_OR_RETURN(group.name_ja, RequireString(body, "name_ja", 200));
                FC_ASSIGN_OR_RETURN(group.name_en, RequireString(body, "name_en", 200));
                FC_ASSIGN_OR_RETURN(auto description, OptionalString(body, "description", 2000));
                group.description = description.value_or("");
                FC_ASSIGN_OR_RETURN(group.member_org_ids, StringList(body, "member_org_ids"));
                FC_ASSIGN_OR_RETURN(auto created, svc->CreateGroup(*p, group, InfoOf(req)));
                return Response::MakeJson(identity::ToJson(created), 201);
              },
              "Create a trust group (coordination office, ISAC analysts)"});

  router.Add({Method::kGet, "/api/v1/groups/{id}", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto group, svc->GetGroup(*p, req.PathParam("id")));
                return Response::MakeJson(identity::ToJson(group));
              },
              "One trust group with its members"});

  router.Add({Method::kPost, "/api/v1/groups/{id}/members", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"org_id"}));
                FC_ASSIGN_OR_RETURN(auto org_id, RequireString(body, "org_id", 64));
                FC_RETURN_IF_ERROR(
                    svc->AddGroupMember(*p, req.PathParam("id"), org_id, InfoOf(req)));
                return Response::NoContent();
              },
              "Add an organisation to a trust group (curators)"});

  router.Add({Method::kDelete, "/api/v1/groups/{id}/members/{org_id}", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_RETURN_IF_ERROR(svc->RemoveGroupMember(*p, req.PathParam("id"),
                                                          req.PathParam("org_id"), InfoOf(req)));
                return Response::NoContent();
              },
              "Remove an organisation from a trust group (curators)"});

  router.Add({Method::kGet, "/api/v1/orgs/{id}/users", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto page, svc->ListUsers(*p, req.PathParam("id")));
                return Response::MakeJson(PageJson(page));
              },
              "Users of an organisation"});

  router.Add({Method::kPost, "/api/v1/orgs/{id}/users", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(
                    body, {"username", "display_name", "role", "password", "locale"}));
                identity::NewUser user;
                user.org_id = req.PathParam("id");
                FC_ASSIGN_OR_RETURN(auto username, OptionalString(body, "username", 64));
                FC_ASSIGN_OR_RETURN(auto display, OptionalString(body, "display_name", 200));
                FC_ASSIGN_OR_RETURN(auto password, OptionalString(body, "password", 1024));
                FC_ASSIGN_OR_RETURN(auto locale, OptionalString(body, "locale", 8));
                FC_ASSIGN_OR_RETURN(user.role, ParseRoleField(body));
                user.username = username.value_or("");
                user.display_name = display.value_or("");
                user.password = password.value_or("");
                user.locale = locale.value_or("ja");
                FC_ASSIGN_OR_RETURN(auto created, svc->CreateUser(*p, user, InfoOf(req)));
                return Response::MakeJson(identity::ToJson(created), 201);
              },
              "Add a user to an organisation (its admin or the coordination office)"});

  router.Add({Method::kPost, "/api/v1/users/{id}/disable", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto user,
                                    svc->DisableUser(*p, req.PathParam("id"), InfoOf(req)));
                return Response::MakeJson(identity::ToJson(user));
              },
              "Disable a user; ends their sessions and API tokens"});

  router.Add({Method::kPost, "/api/v1/tokens", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"name", "user_id", "expires_at"}));
                FC_ASSIGN_OR_RETURN(auto name, RequireString(body, "name", 100));
                FC_ASSIGN_OR_RETURN(auto user_id, OptionalString(body, "user_id", 64));
                FC_ASSIGN_OR_RETURN(auto expires_text, OptionalString(body, "expires_at", 64));
                std::optional<TimePoint> expires;
                if (expires_text) {
                  expires = ParseRfc3339(*expires_text);
                  if (!expires) {
                    return InvalidArgument("expires_at must be an RFC 3339 timestamp",
                                           {{"expires_at", "RFC 3339 timestamp"}});
                  }
                }
                FC_ASSIGN_OR_RETURN(auto created,
                                    svc->CreateToken(*p, user_id.value_or(p->user_id), name,
                                                     expires, InfoOf(req)));
                return Response::MakeJson(
                    {{"token", identity::ToJson(created.first)}, {"secret", created.second}},
                    201);
              },
              "Create an API token; the secret is returned once"});

  router.Add({Method::kDelete, "/api/v1/tokens/{id}", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_RETURN_IF_ERROR(svc->RevokeToken(*p, req.PathParam("id"), InfoOf(req)));
                return Response::NoContent();
              },
              "Revoke an API token"});

  store::Database* database = &db;
  router.Add({Method::kGet, "/api/v1/audit", Auth::kRequired,
              [database](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                audit::ListQuery query;
                query.action_prefix = req.QueryParam("action").value_or("");
                query.org_id = req.QueryParam("org_id").value_or("");
                FC_ASSIGN_OR_RETURN(query.limit, IntParam(req, "limit", 50, 1, 500));
                FC_ASSIGN_OR_RETURN(auto before, IntParam(req, "before", 0, 0, 2'000'000'000));
                query.before_seq = before;
                FC_ASSIGN_OR_RETURN(auto entries, audit::List(*database, *p, query));
                Json items = Json::array();
                for (const auto& e : entries) items.push_back(AuditEntryJson(e));
                return Response::MakeJson({{"items", items}});
              },
              "Audit log entries visible to the caller, newest first"});

  router.Add({Method::kGet, "/api/v1/webhooks", Auth::kRequired,
              [database](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto hooks, events::ListWebhooks(*database, *p));
                Json items = Json::array();
                for (const auto& h : hooks) items.push_back(WebhookJson(h));
                return Response::MakeJson({{"items", items}});
              },
              "Webhooks of the caller's organisation"});

  router.Add({Method::kPost, "/api/v1/webhooks", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto body, req.JsonBody());
                FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"url", "event_types", "org_id"}));
                events::NewWebhook hook;
                FC_ASSIGN_OR_RETURN(hook.url, RequireString(body, "url", 2048));
                FC_ASSIGN_OR_RETURN(auto org, OptionalString(body, "org_id", 64));
                hook.org_id = org.value_or(p->org_id);
                if (auto types = body.find("event_types"); types != body.end()) {
                  if (!types->is_array() || types->size() > 50) {
                    return InvalidArgument("event_types must be a list of up to 50 strings",
                                           {{"event_types", "list of strings"}});
                  }
                  for (const auto& t : *types) {
                    if (!t.is_string() || t.get_ref<const std::string&>().size() > 100) {
                      return InvalidArgument("event_types must be a list of strings",
                                             {{"event_types", "list of strings"}});
                    }
                    hook.event_types.push_back(t.get<std::string>());
                  }
                }
                FC_ASSIGN_OR_RETURN(auto created, svc->RegisterWebhook(*p, hook, InfoOf(req)));
                return Response::MakeJson(
                    {{"webhook", WebhookJson(created.first)}, {"secret", created.second}}, 201);
              },
              "Register a webhook; the signing secret is returned once"});

  router.Add({Method::kDelete, "/api/v1/webhooks/{id}", Auth::kRequired,
              [svc](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const Principal* p, req.RequirePrincipal());
                FC_RETURN_IF_ERROR(svc->DeleteWebhook(*p, req.PathParam("id"), InfoOf(req)));
                return Response::NoContent();
              },
              "Delete a webhook"});
}

}  // namespace fincyber::accounts
