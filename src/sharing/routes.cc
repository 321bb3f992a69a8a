#include "sharing/routes.h"

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
                  {"author_name", r.author_name},
                  {"author_hidden", r.author_hidden}};
    if (!r.author_hidden) entry["author_org_id"] = r.author_org_id;
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
}

}  // namespace fincyber::sharing
