#include "app/openapi.h"

#include <algorithm>
#include <cctype>

namespace fincyber::app {
namespace {

Json StringSchema() { return Json{{"type", "string"}}; }

Json ErrorSchema() {
  Json detail = Json::object();
  detail["type"] = "object";
  // `code` and `params`, when present, name the problem for clients that translate it.
  detail["properties"] = {{"field", StringSchema()},
                          {"problem", StringSchema()},
                          {"code", StringSchema()},
                          {"params", Json{{"type", "object"},
                                          {"additionalProperties", StringSchema()}}}};
  Json body = Json::object();
  body["type"] = "object";
  body["required"] = Json::array({"code", "message", "request_id"});
  body["properties"] = {{"code", StringSchema()},
                        {"message", StringSchema()},
                        {"request_id", StringSchema()},
                        {"details", Json{{"type", "array"}, {"items", detail}}}};
  Json schema = Json::object();
  schema["type"] = "object";
  schema["required"] = Json::array({"error"});
  schema["properties"] = {{"error", body}};
  return schema;
}

}  // namespace

Json OpenApiDocument(const http::Router& router) {
  Json paths = Json::object();
  for (const auto& route : router.routes()) {
    // Routes of another protocol (TAXII) follow that protocol's specification.
    if (router.ErrorRendererFor(route.pattern) != nullptr) continue;
    std::string method(http::MethodName(route.method));
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    Json op = {
        {"summary", route.summary},
        {"responses",
         {{"200", {{"description", "success"}}},
          {"default",
           {{"description", "error"},
            {"content",
             {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}}}}}};
    Json parameters = Json::array();
    std::string_view pattern = route.pattern;
    for (std::size_t open = pattern.find('{'); open != std::string_view::npos;
         open = pattern.find('{', open + 1)) {
      const std::size_t close = pattern.find('}', open);
      parameters.push_back({{"name", std::string(pattern.substr(open + 1, close - open - 1))},
                            {"in", "path"},
                            {"required", true},
                            {"schema", {{"type", "string"}}}});
    }
    if (!parameters.empty()) op["parameters"] = parameters;
    if (route.auth == http::Auth::kRequired) {
      op["security"] = Json::array({{{"session", Json::array()}}, {{"token", Json::array()}}});
    }
    paths[route.pattern][method] = op;
  }
  return {{"openapi", "3.1.0"},
          {"info", {{"title", "fincyber API"}, {"version", FINCYBER_VERSION}}},
          {"paths", paths},
          {"components",
           {{"schemas", {{"Error", ErrorSchema()}}},
            {"securitySchemes",
             {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "fc_session"}}},
              {"token", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

void AddOpenApiRoute(http::Router& router) {
  // The document is built once, after the route list is final, and includes itself.
  auto document = std::make_shared<Json>();
  router.Add({http::Method::kGet, "/api/v1/openapi.json", http::Auth::kNone,
              [document](http::Request&) -> Result<http::Response> {
                return http::Response::MakeJson(*document);
              },
              "This OpenAPI document"});
  *document = OpenApiDocument(router);
}

}  // namespace fincyber::app
