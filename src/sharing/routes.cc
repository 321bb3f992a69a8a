#include "sharing/routes.h"

#include <charconv>

#include "stix/pattern.h"

namespace fincyber::sharing {
namespace {

using http::Method;
using http::Request;
using http::Response;

RequestInfo InfoOf(const Request& req) { return {req.remote_address, req.request_id}; }

Result<NewCollection> ParseNewCollection(const Json& body) {
  FC_RETURN_IF_ERROR(RejectUnknownFields(
      body, {"title", "description", "alias", "read_group_id", "write_group_id", "default_tlp"}));
  NewCollection c;
  FC_ASSIGN_OR_RETURN(c.title, RequireString(body, "title", 200));
  FC_ASSIGN_OR_RETURN(auto description, OptionalString(body, "description", 2000));
  c.description = description.value_or("");
  FC_ASSIGN_OR_RETURN(auto alias, OptionalString(body, "alias", 64));
  c.alias = alias.value_or("");
  FC_ASSIGN_OR_RETURN(c.read_group_id, RequireString(body, "read_group_id", 100));
  FC_ASSIGN_OR_RETURN(c.write_group_id, RequireString(body, "write_group_id", 100));
  FC_ASSIGN_OR_RETURN(auto tlp, OptionalString(body, "default_tlp", 20));
  if (tlp) {
    const auto level = stix::ParseTlpName(*tlp);
    if (!level) {
      return InvalidArgument("default_tlp must be clear, green, amber, amber+strict or red",
                             {{"default_tlp", "a TLP level"}});
    }
    c.default_tlp = *level;
  }
  return c;
}

Result<std::vector<std::string>> StringList(const Json& body, std::string_view field,
                                            std::size_t max_items, std::size_t max_length) {
  std::vector<std::string> out;
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return out;
  const std::string name(field);
  if (!it->is_array() || it->size() > max_items) {
    return InvalidArgument(name + " must be a list of strings", {{name, "a list of strings"}});
  }
  for (const auto& item : *it) {
    if (!item.is_string() || item.get_ref<const std::string&>().size() > max_length) {
      return InvalidArgument(name + " must be a list of strings", {{name, "a list of strings"}});
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<stix::Tlp> ParseTlp(std::string_view text, const char* field) {
  const auto level = stix::ParseTlpName(text);
  if (!level) {
    return InvalidArgument(std::string(field) + " must be clear, green, amber, amber+strict or red",
                           {{field, "a TLP level"}});
  }
  return *level;
}

Result<std::optional<stix::Timestamp>> ParseTime(const std::optional<std::string>& text,
                                                 const char* field) {
  if (!text || text->empty()) return std::optional<stix::Timestamp>();
  auto parsed = stix::ParseTimestamp(*text);
  if (!parsed.ok()) {
    return InvalidArgument(std::string(field) + " must be an RFC 3339 time",
                           {{field, "an RFC 3339 time"}});
  }
  return std::optional<stix::Timestamp>(*parsed);
}

// Cursors are the last row's number; clients treat them as opaque.
Result<std::optional<std::int64_t>> ParseCursor(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::optional<std::int64_t>();
  std::int64_t row = 0;
  const char* end = text->data() + text->size();
  const auto [stop, ec] = std::from_chars(text->data(), end, row);
  if (ec != std::errc() || stop != end || row <= 0) {
    return InvalidArgument("cursor is not one this server gave", {{"cursor", "unknown"}});
  }
  return std::optional<std::int64_t>(row);
}

Result<ObjectSearch> ParseSearch(const Request& req) {
  ObjectSearch s;
  s.collection_id = req.QueryParam("collection").value_or("");
  s.type = req.QueryParam("type").value_or("");
  s.text = req.QueryParam("q").value_or("");
  s.label = req.QueryParam("label").value_or("");
  if (auto tlp = req.QueryParam("tlp"); tlp && !tlp->empty()) {
    FC_ASSIGN_OR_RETURN(s.tlp, ParseTlp(*tlp, "tlp"));
  }
  FC_ASSIGN_OR_RETURN(s.added_after, ParseTime(req.QueryParam("added_after"), "added_after"));
  if (auto limit = req.QueryParam("limit"); limit && !limit->empty()) {
    const char* end = limit->data() + limit->size();
    const auto [stop, ec] = std::from_chars(limit->data(), end, s.limit);
    if (ec != std::errc() || stop != end) {
      return InvalidArgument("limit must be a number", {{"limit", "a number"}});
    }
  }
  FC_ASSIGN_OR_RETURN(s.after_row, ParseCursor(req.QueryParam("cursor")));
  return s;
}

Result<NewIndicator> ParseNewIndicator(const Json& body) {
  FC_RETURN_IF_ERROR(RejectUnknownFields(
      body, {"name", "description", "pattern", "valid_from", "labels", "tlp", "recipients"}));
  NewIndicator in;
  FC_ASSIGN_OR_RETURN(in.name, RequireString(body, "name", 500));
  FC_ASSIGN_OR_RETURN(auto description, OptionalString(body, "description", 10000));
  in.description = description.value_or("");
  FC_ASSIGN_OR_RETURN(in.pattern, RequireString(body, "pattern", 20000));
  FC_ASSIGN_OR_RETURN(auto valid_from, OptionalString(body, "valid_from", 64));
  FC_ASSIGN_OR_RETURN(in.valid_from, ParseTime(valid_from, "valid_from"));
  FC_ASSIGN_OR_RETURN(in.labels, StringList(body, "labels", 50, 100));
  FC_ASSIGN_OR_RETURN(auto tlp, RequireString(body, "tlp", 20));
  FC_ASSIGN_OR_RETURN(in.tlp, ParseTlp(tlp, "tlp"));
  FC_ASSIGN_OR_RETURN(in.recipients, StringList(body, "recipients", 200, 64));
  return in;
}

// What the browser shows of an object in a list, from its stored JSON (`body`, parsed);
// the author is only "yours or not", since the list must not name organisations that TLP
// hides.
Json SummaryJson(const identity::Principal& principal, const StoredObject& o,
                 const Result<Json>& body) {
  Json out = {{"id", o.id},
              {"type", o.type},
              {"collection_id", o.collection_id},
              {"version", stix::FormatTimestamp(o.version)},
              {"date_added", stix::FormatTimestamp(o.date_added)},
              {"tlp", stix::TlpName(o.tlp)},
              {"revoked", o.revoked},
              {"own", o.author_org == principal.org_id}};
  if (body.ok() && body->is_object()) {
    for (const char* field : {"name", "pattern", "labels", "value", "relationship_type",
                              "source_ref", "target_ref", "sighting_of_ref"}) {
      if (body->contains(field)) out[field] = (*body)[field];
    }
  }
  return out;
}

Json SummaryJson(const identity::Principal& principal, const StoredObject& o) {
  return SummaryJson(principal, o, ParseStoredBody(o));
}

// The summary and the whole object, from one parse of its stored JSON.
Json FullJson(const identity::Principal& principal, const StoredObject& o) {
  const Result<Json> body = ParseStoredBody(o);
  Json out = SummaryJson(principal, o, body);
  out["object"] = body.ok() ? *body : Json(o.body);
  return out;
}

Json AuthorJson(const AuthorAsSeen& author) {
  Json out = {{"name", author.name}, {"hidden", author.hidden}};
  if (!author.hidden) out["org_id"] = author.org_id;
  return out;
}

Json ObservableJson(const stix::Observable& o) {
  return {{"type", o.type}, {"path", o.path}, {"value", o.value}, {"key", o.Key()}};
}

}  // namespace

Json ToJson(const Correlation& c) {
  Json related = Json::array();
  for (const auto& r : c.related) {
    Json entry = {{"id", r.id},
                  {"type", r.type},
                  {"collection_id", r.collection_id},
                  {"observable", r.observable},
                  {"relation", r.relation},
                  {"tlp", stix::TlpName(r.tlp)},
                  {"author_name", r.author.name},
                  {"author_hidden", r.author.hidden}};
    if (!r.author.hidden) entry["author_org_id"] = r.author.org_id;
    related.push_back(std::move(entry));
  }
  return {{"id", c.id},
          {"observables", c.observables},
          {"related", std::move(related)},
          {"organisations", c.organisations}};
}

Json ToJson(const SightingSummary& s) {
  Json out = {{"sighting_of_ref", s.sighting_of_ref},
              {"sightings", s.sightings},
              {"count", s.count},
              {"organisations", s.organisations}};
  if (s.first_seen) out["first_seen"] = stix::FormatTimestamp(*s.first_seen);
  if (s.last_seen) out["last_seen"] = stix::FormatTimestamp(*s.last_seen);
  return out;
}

void AddRoutes(http::Router& router, SharingService& service) {
  router.Add({Method::kGet, "/api/v1/sharing/collections", http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto collections, service.ListCollections(*principal));
                Json items = Json::array();
                for (const auto& c : collections) items.push_back(ToJson(c));
                return Response::MakeJson({{"items", std::move(items)}});
              },
              "Sharing collections the caller may read or write"});
  router.Add({Method::kPost, "/api/v1/sharing/collections", http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
                FC_ASSIGN_OR_RETURN(NewCollection input, ParseNewCollection(body));
                FC_ASSIGN_OR_RETURN(auto created,
                                    service.CreateCollection(*principal, input, InfoOf(req)));
                return Response::MakeJson(ToJson(created), 201);
              },
              "Create a sharing collection (coordination office, ISAC analysts)"});
  router.Add({Method::kGet, "/api/v1/sharing/objects/{id}/correlations", http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto correlation,
                                    service.Correlate(*principal, req.PathParam("id")));
                return Response::MakeJson(ToJson(correlation));
              },
              "Visible objects sharing an observable with an object"});
  router.Add({Method::kGet, "/api/v1/sharing/objects/{id}/sightings", http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto summary,
                                    service.SightingsOf(*principal, req.PathParam("id")));
                return Response::MakeJson(ToJson(summary));
              },
              "Visible sightings of an object, aggregated"});
  router.Add(
      {Method::kGet, "/api/v1/sharing/objects", http::Auth::kRequired,
       [&service](Request& req) -> Result<Response> {
         FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
         FC_ASSIGN_OR_RETURN(ObjectSearch search, ParseSearch(req));
         FC_ASSIGN_OR_RETURN(auto page, service.SearchObjects(*principal, search));
         Json items = Json::array();
         for (const auto& o : page.objects) items.push_back(SummaryJson(*principal, o));
         Json out = {{"items", std::move(items)}, {"total", page.total}, {"more", page.more}};
         if (page.more) out["cursor"] = std::to_string(page.next_row);
         return Response::MakeJson(out);
       },
       "Search the newest visible objects of the caller's collections"});
  router.Add({Method::kGet, "/api/v1/sharing/objects/{id}", http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                const std::string& id = req.PathParam("id");
                FC_ASSIGN_OR_RETURN(auto detail, service.GetObjectDetail(*principal, id));
                Json versions = Json::array();
                for (const auto& o : detail.versions) {
                  Json version = FullJson(*principal, o);
                  Json warnings = Json::array();
                  for (const auto& w : detail.warnings) {
                    if (w.row == o.row) warnings.push_back({{"list", w.list}, {"entry", w.entry}});
                  }
                  version["warnings"] = std::move(warnings);
                  version["author"] = AuthorJson(o.author);
                  version["latest"] = o.latest;
                  versions.push_back(std::move(version));
                }
                Json relationships = Json::array();
                for (const auto& o : detail.relationships) {
                  relationships.push_back(SummaryJson(*principal, o));
                }
                Json related = Json::array();
                for (const auto& o : detail.related) related.push_back(SummaryJson(*principal, o));
                const std::string base = "/api/v1/sharing/objects/" + id;
                return Response::MakeJson({{"id", detail.id},
                                           {"versions", std::move(versions)},
                                           {"relationships", std::move(relationships)},
                                           {"related", std::move(related)},
                                           {"links",
                                            {{"correlations", base + "/correlations"},
                                             {"sightings", base + "/sightings"}}}});
              },
              "One object's visible versions, relationships and related objects"});
  router.Add(
      {Method::kPost, "/api/v1/sharing/patterns/validate", http::Auth::kRequired,
       [](Request& req) -> Result<Response> {
         FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
         FC_RETURN_IF_ERROR(RejectUnknownFields(body, {"pattern"}));
         FC_ASSIGN_OR_RETURN(auto pattern, RequireString(body, "pattern", 20000));
         const PatternCheck check = CheckPattern(pattern);
         Json observables = Json::array();
         for (const auto& o : check.observables) observables.push_back(ObservableJson(o));
         Json rejected = Json::array();
         for (const auto& r : check.rejected) {
           rejected.push_back(
               {{"type", r.type}, {"path", r.path}, {"value", r.value}, {"reason", r.reason}});
         }
         Json out = {{"ok", check.ok},
                     {"observables", std::move(observables)},
                     {"rejected", std::move(rejected)}};
         if (!check.ok) out["error"] = check.error;
         if (check.position) out["position"] = *check.position;
         return Response::MakeJson(out);
       },
       "Check a STIX pattern and list the observables it names"});
  router.Add({Method::kPost, "/api/v1/sharing/collections/{id}/indicators", http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(Json body, req.JsonBody());
                FC_ASSIGN_OR_RETURN(NewIndicator input, ParseNewIndicator(body));
                FC_ASSIGN_OR_RETURN(
                    auto report,
                    service.CreateIndicator(*principal, req.PathParam("id"), input, InfoOf(req)));
                const AddOutcome& stored = report.successes.front();
                return Response::MakeJson({{"id", stored.id}, {"version", stored.version}}, 201);
              },
              "Create an indicator from the hub's form"});
}

void AddLogCheckRoutes(http::Router& router, LogChecker& checker) {
  router.Add({Method::kPost, "/api/v1/sharing/collections/{id}/log-check", http::Auth::kRequired,
              [&checker](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                const std::string format_name = req.QueryParam("format").value_or("auto");
                const auto format = detect::ParseLogFormat(format_name);
                if (!format) {
                  return InvalidArgument("format must be " + detect::LogFormatChoices(),
                                         {{"format", "a log format"}});
                }
                FC_ASSIGN_OR_RETURN(
                    auto result, checker.Check(*principal, req.PathParam("id"), req.body, *format));
                return Response::MakeJson(ToJson(result));
              },
              "Match a log sample against the collection's indicators the caller may see",
              LogChecker::kMaxSampleBytes});
}

}  // namespace fincyber::sharing
