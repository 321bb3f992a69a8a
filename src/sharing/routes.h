// HTTP routes of the sharing hub for the web UI and scripts, beside TAXII:
//   GET  /api/v1/sharing/collections                    collections the caller may use
//   POST /api/v1/sharing/collections                    create one (curators)
//   GET  /api/v1/sharing/objects/{id}/correlations      objects sharing an observable
//   GET  /api/v1/sharing/objects/{id}/sightings         the sightings aggregate
//   GET  /api/v1/sharing/objects?collection=&type=&q=&tlp=&label=&added_after=&limit=&cursor=
//                                                       search the newest visible objects
//   GET  /api/v1/sharing/objects/{id}                   versions, relationships, related objects
//   POST /api/v1/sharing/patterns/validate              check a pattern, list its observables
//   POST /api/v1/sharing/collections/{id}/indicators    create an indicator from a form
//   POST /api/v1/sharing/collections/{id}/log-check?format=
//                                                       match a log sample (the body, text)
//                                                       against the visible indicators
//   GET  /api/v1/hub/stream?collection=&type=&tlp=&after=
//                                                       live feed, Server-Sent Events (live.h)
// Handlers only translate between HTTP and SharingService, which enforces visibility.
#pragma once

#include "http/http.h"
#include "sharing/log_check.h"
#include "sharing/service.h"

namespace fincyber::sharing {

// `service` must outlive the router's server.
void AddRoutes(http::Router& router, SharingService& service);

// The log-sample check; `checker` must outlive the router's server.
void AddLogCheckRoutes(http::Router& router, LogChecker& checker);

struct LiveStreamOptions {
  // Events one stream reads and writes at a time (1..1000): what it holds in memory
  // beyond the socket's buffer, and how long it keeps a server thread.
  int events_per_write = 100;
};

// The live stream; streams wait for `wakeups`, which must outlive the server.
void AddLiveRoutes(http::Router& router, SharingService& service, LiveWakeups& wakeups,
                   LiveStreamOptions options = {});

Json ToJson(const Correlation& correlation);
Json ToJson(const SightingSummary& summary);

}  // namespace fincyber::sharing
