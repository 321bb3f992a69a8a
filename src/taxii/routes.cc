#include <fmt/format.h>

#include "taxii/protocol.h"
#include "taxii/server.h"

namespace fincyber::taxii {
namespace {

using Body = std::function<Result<http::Response>(http::Request&, const identity::Principal&)>;

// Every TAXII endpoint: the Accept header must admit TAXII 2.1, and a principal is
// required (the route is authenticated).
http::Handler Taxii(Body body) {
  return [body = std::move(body)](http::Request& request) -> Result<http::Response> {
    if (!AcceptsTaxii(request.Header("accept"))) {
      return ErrorResponse(406, fmt::format("the response can only be {}", kTaxiiMediaType),
                           request.request_id);
    }
    FC_ASSIGN_OR_RETURN(const identity::Principal* principal, request.RequirePrincipal());
    return body(request, *principal);
  };
}

sharing::RequestInfo InfoOf(const http::Request& request) {
  return {request.remote_address, request.request_id};
}

std::string Path(std::string_view suffix) { return fmt::format("{}{}", kApiRootPath, suffix); }

// Whether the principal sees any version of `id` in the collection: an empty page for
// a filter that excludes everything is not a missing object.
Result<bool> AnyVisibleVersion(sharing::SharingService& service,
                               const identity::Principal& principal,
                               const std::string& collection_id, const std::string& id) {
  sharing::ObjectQuery any;
  any.ids = {id};
  any.versions.all = true;
  any.limit = 1;
  any.with_body = false;
  FC_ASSIGN_OR_RETURN(sharing::ObjectPage page, service.ListObjects(principal, collection_id, any));
  return !page.objects.empty();
}

}  // namespace

void AddRoutes(http::Router& router, sharing::SharingService& service, sharing::AddQueue& adds,
               ServerOptions options) {
  router.SetErrorRenderer("/taxii2/", RenderError);
  using http::Method;
  const http::Auth auth = http::Auth::kRequired;

  router.Add({Method::kGet, std::string(kDiscoveryPath), auth,
              Taxii([options](http::Request&, const identity::Principal&) {
                return Result<http::Response>(
                    TaxiiResponse(DumpJson({{"title", options.title},
                                            {"description", options.description},
                                            {"default", kApiRootPath},
                                            {"api_roots", {kApiRootPath}}})));
              }),
              "TAXII discovery"});

  router.Add({Method::kGet, std::string(kApiRootPath), auth,
              Taxii([options](http::Request&, const identity::Principal&) {
                return Result<http::Response>(
                    TaxiiResponse(DumpJson({{"title", options.title},
                                            {"description", options.description},
                                            {"versions", {kTaxiiMediaType}},
                                            {"max_content_length", options.max_content_length}})));
              }),
              "TAXII API root information"});

  router.Add(
      {Method::kGet, Path("status/{id}/"), auth,
       Taxii([&service, &adds](http::Request& request,
                               const identity::Principal& principal) -> Result<http::Response> {
         const std::string& id = request.PathParam("id");
         // Asked of the queue first: an addition leaves it only once stored.
         if (auto pending = adds.Pending(principal, id)) {
           return TaxiiResponse(DumpJson(StatusResource(*pending, true)));
         }
         FC_ASSIGN_OR_RETURN(sharing::AddReport report, service.GetAddReport(principal, id));
         return TaxiiResponse(DumpJson(StatusResource(report)));
       }),
       "TAXII status of an addition (the adding organisation only)"});

  router.Add({Method::kGet, Path("collections/"), auth,
              Taxii([&service](http::Request&,
                               const identity::Principal& principal) -> Result<http::Response> {
                FC_ASSIGN_OR_RETURN(auto collections, service.ListCollections(principal));
                Json body = Json::object();
                if (!collections.empty()) {
                  Json list = Json::array();
                  for (const auto& c : collections) list.push_back(CollectionResource(c));
                  body["collections"] = std::move(list);
                }
                return TaxiiResponse(DumpJson(body));
              }),
              "TAXII collections the caller may read or write"});

  router.Add({Method::kGet, Path("collections/{collection}/"), auth,
              Taxii([&service](http::Request& request,
                               const identity::Principal& principal) -> Result<http::Response> {
                FC_ASSIGN_OR_RETURN(
                    auto collection,
                    service.GetCollection(principal, request.PathParam("collection")));
                return TaxiiResponse(DumpJson(CollectionResource(collection)));
              }),
              "TAXII collection"});

  router.Add({Method::kGet, Path("collections/{collection}/objects/"), auth,
              Taxii([&service](http::Request& request,
                               const identity::Principal& principal) -> Result<http::Response> {
                FC_ASSIGN_OR_RETURN(sharing::ObjectQuery query, ParseObjectQuery(request.query));
                FC_ASSIGN_OR_RETURN(
                    auto page,
                    service.ListObjects(principal, request.PathParam("collection"), query));
                return TaxiiResponse(EnvelopeBody(page), &page);
              }),
              "TAXII objects of a collection"});

  router.Add(
      {Method::kPost, Path("collections/{collection}/objects/"), auth,
       Taxii([&service, &adds, options](
                 http::Request& request,
                 const identity::Principal& principal) -> Result<http::Response> {
         if (!IsTaxiiContentType(request.Header("content-type"))) {
           return ErrorResponse(415, fmt::format("Content-Type must be {}", kTaxiiMediaType),
                                request.request_id);
         }
         if (request.body.size() > options.max_content_length) {
           return ErrorResponse(413,
                                fmt::format("the envelope exceeds max_content_length ({} bytes)",
                                            options.max_content_length),
                                request.request_id);
         }
         const std::string& collection_id = request.PathParam("collection");
         // Rights first: a caller that may not write learns nothing from parsing.
         FC_ASSIGN_OR_RETURN(auto collection, service.GetCollection(principal, collection_id));
         if (!collection.can_write) return PermissionDenied("you may not add to this collection");
         FC_ASSIGN_OR_RETURN(
             auto objects,
             sharing::SplitObjects(request.body,
                                   {.max_bytes = options.max_content_length, .max_depth = 64}));
         FC_ASSIGN_OR_RETURN(auto accepted, adds.Submit(principal, collection_id, request.body,
                                                        std::move(objects), InfoOf(request)));
         http::Response response =
             TaxiiResponse(DumpJson(StatusResource(accepted.report, accepted.pending)));
         response.status = 202;
         return response;
       }),
       "TAXII add objects (an envelope); answered with a status resource",
       options.max_content_length});

  router.Add({Method::kGet, Path("collections/{collection}/objects/{object}/"), auth,
              Taxii([&service](http::Request& request,
                               const identity::Principal& principal) -> Result<http::Response> {
                FC_ASSIGN_OR_RETURN(sharing::ObjectQuery query, ParseObjectQuery(request.query));
                const std::string& collection_id = request.PathParam("collection");
                const std::string& id = request.PathParam("object");
                query.ids = {id};
                query.types.clear();
                FC_ASSIGN_OR_RETURN(auto page,
                                    service.ListObjects(principal, collection_id, query));
                if (page.objects.empty()) {
                  FC_ASSIGN_OR_RETURN(bool exists,
                                      AnyVisibleVersion(service, principal, collection_id, id));
                  if (!exists) return NotFound("object not found");
                }
                return TaxiiResponse(EnvelopeBody(page), &page);
              }),
              "TAXII one object (match[version] selects versions; default the latest)"});

  router.Add({Method::kDelete, Path("collections/{collection}/objects/{object}/"), auth,
              Taxii([&service](http::Request& request,
                               const identity::Principal& principal) -> Result<http::Response> {
                FC_ASSIGN_OR_RETURN(sharing::ObjectQuery query, ParseObjectQuery(request.query));
                sharing::ObjectQuery match;
                match.versions = query.versions;
                match.spec_versions = query.spec_versions;
                FC_RETURN_IF_ERROR(service.DeleteObject(principal, request.PathParam("collection"),
                                                        request.PathParam("object"), match,
                                                        InfoOf(request)));
                http::Response response;
                response.status = 200;
                return response;
              }),
              "TAXII delete an object's versions (its authoring organisation only)"});

  router.Add({Method::kGet, Path("collections/{collection}/objects/{object}/versions/"), auth,
              Taxii([&service](http::Request& request,
                               const identity::Principal& principal) -> Result<http::Response> {
                FC_ASSIGN_OR_RETURN(sharing::ObjectQuery query, ParseObjectQuery(request.query));
                const std::string& collection_id = request.PathParam("collection");
                const std::string& id = request.PathParam("object");
                query.ids = {id};
                query.types.clear();
                query.versions = {};
                query.versions.all = true;
                query.with_body = false;
                FC_ASSIGN_OR_RETURN(auto page,
                                    service.ListObjects(principal, collection_id, query));
                if (page.objects.empty()) {
                  FC_ASSIGN_OR_RETURN(bool exists,
                                      AnyVisibleVersion(service, principal, collection_id, id));
                  if (!exists) return NotFound("object not found");
                }
                return TaxiiResponse(DumpJson(VersionsResource(page)), &page);
              }),
              "TAXII versions of an object"});

  router.Add({Method::kGet, Path("collections/{collection}/manifest/"), auth,
              Taxii([&service](http::Request& request,
                               const identity::Principal& principal) -> Result<http::Response> {
                FC_ASSIGN_OR_RETURN(sharing::ObjectQuery query, ParseObjectQuery(request.query));
                query.with_body = false;
                FC_ASSIGN_OR_RETURN(
                    auto page,
                    service.ListObjects(principal, request.PathParam("collection"), query));
                return TaxiiResponse(DumpJson(ManifestResource(page)), &page);
              }),
              "TAXII manifest of a collection"});
}

}  // namespace fincyber::taxii
