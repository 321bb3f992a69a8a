// The TAXII 2.1 server: discovery at /taxii2/, one API root at /taxii2/api1/ with its
// status, collections, objects, object, versions and manifest endpoints, over the
// sharing hub (sharing::SharingService), which enforces visibility on every read.
//
// Authentication is the platform's (http/): "Authorization: Bearer <API token>", or
// HTTP Basic with a user name and one of that user's API tokens as the password.
// Errors under /taxii2/ are TAXII error messages. Handlers only translate between HTTP
// and the service.
#pragma once

#include <cstddef>
#include <string>

#include "http/http.h"
#include "sharing/add_queue.h"
#include "sharing/service.h"

namespace fincyber::taxii {

inline constexpr std::string_view kDiscoveryPath = "/taxii2/";
inline constexpr std::string_view kApiRootPath = "/taxii2/api1/";

struct ServerOptions {
  std::string title = "fincyber sharing hub";
  std::string description = "STIX 2.1 indicators, reports and sightings shared in the sector";
  // The API root's max_content_length: the largest POST body accepted, declared as the
  // add-objects route's body limit so that the server refuses a larger body while
  // reading it.
  std::size_t max_content_length = 1 << 20;
};

// Adds the TAXII routes and the TAXII error format for /taxii2/. POSTed envelopes go
// through `adds`, which answers "pending" for those not stored yet. `service` and `adds`
// must outlive the router's server.
void AddRoutes(http::Router& router, sharing::SharingService& service, sharing::AddQueue& adds,
               ServerOptions options);

}  // namespace fincyber::taxii
