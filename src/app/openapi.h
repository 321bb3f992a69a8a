#pragma once

#include "http/http.h"

namespace fincyber::app {

// The OpenAPI 3.1 document for the routes registered so far.
Json OpenApiDocument(const http::Router& router);
// Adds GET /api/v1/openapi.json serving the document of every route in `router`
// (including itself); call after all other routes are added.
void AddOpenApiRoute(http::Router& router);

}  // namespace fincyber::app
