// TAXII 2.1 client: discovery, API roots, collections, pulling objects incrementally and
// pushing envelopes, over the OutboundHttp seam (libcurl in production). Written to the
// OASIS TAXII 2.1 specification, so that it works against any conforming server.
//
// Every request sends `Accept: application/taxii+json;version=2.1` (and that Content-Type
// when it has a body) and HTTP Basic or Bearer credentials when configured. Answers
// 429 and 503 are retried after the server's Retry-After (seconds or an HTTP date), and
// unreachable peers and time-outs after an exponential back-off (1 s, 2 s, 4 s ...), up
// to `max_attempts` and `max_retry_elapsed`; a request given up on says so in its error
// ("gave up after N attempts in S s").
// Errors map HTTP statuses to codes: 400/422 InvalidArgument, 401 Unauthenticated,
// 403 PermissionDenied, 404 NotFound, 406/415 FailedPrecondition (the server does not
// speak TAXII 2.1), 413 ResourceExhausted, 429/5xx/unreachable Unavailable; the TAXII
// error object's title and description are in the message. A response that is not the
// resource the specification describes (wrong media type, malformed JSON, missing or
// mistyped required members, larger than `max_response_bytes`) is InvalidArgument or
// ResourceExhausted naming the problem.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/outbound_http.h"
#include "base/result.h"

namespace fincyber::taxii {

struct ClientOptions {
  std::string username;  // HTTP Basic when not empty (with `password`)
  std::string password;
  std::string bearer_token;  // Authorization: Bearer when not empty (wins over Basic)
  std::chrono::milliseconds timeout{30000};  // per HTTP request
  // A page of 1000 objects is several MB; bodies beyond this are refused.
  std::size_t max_response_bytes = 64 << 20;
  int max_attempts = 5;                      // per request, counting the first
  std::chrono::seconds max_retry_wait{300};  // a longer Retry-After is Unavailable at once
  // The longest one request keeps retrying, from its first attempt (by `clock`): a wait
  // that would end later is not begun.
  std::chrono::milliseconds max_retry_elapsed{std::chrono::minutes(10)};
  // Seams for tests: how to wait, and the time an HTTP-date Retry-After is measured from.
  std::function<void(std::chrono::milliseconds)> sleep;  // empty: sleeps the thread
  const Clock* clock = nullptr;                          // null: the system clock
};

struct DiscoveryInfo {
  std::string title;
  std::string description;
  std::string contact;
  std::string default_api_root;        // absolute URL, "" when absent
  std::vector<std::string> api_roots;  // absolute URLs (relative ones resolved)
};

struct ApiRootInfo {
  std::string title;
  std::string description;
  std::vector<std::string> versions;
  std::int64_t max_content_length = 0;
};

struct CollectionInfo {
  std::string id;
  std::string title;
  std::string description;
  std::string alias;
  bool can_read = false;
  bool can_write = false;
  std::vector<std::string> media_types;
};

// Filters of Get Objects; empty members are not sent.
struct ObjectFilter {
  std::string added_after;  // RFC 3339, exclusive
  std::optional<int> limit;
  std::vector<std::string> ids;
  std::vector<std::string> types;
  std::vector<std::string> versions;  // "last", "first", "all" or timestamps
  std::vector<std::string> spec_versions;
};

// One entry of a collection's manifest: an object version, without the object.
struct ManifestEntry {
  std::string id;
  std::string date_added;
  std::string version;
  std::string media_type;  // "" when absent
};

// One page of a paged resource: objects (an envelope) or manifest entries.
template <typename Entry>
struct Page {
  std::vector<Entry> objects;
  bool more = false;
  std::string next;
  std::string date_added_first;  // X-TAXII-Date-Added-First, "" when absent
  std::string date_added_last;   // X-TAXII-Date-Added-Last, "" when absent
};
using ObjectsPage = Page<Json>;
using ManifestPage = Page<ManifestEntry>;

struct PullSummary {
  std::uint64_t objects = 0;
  std::uint64_t pages = 0;
  // The latest X-TAXII-Date-Added-Last seen: pass it as `added_after` next time to get
  // only what was added since. "" when the server sent none.
  std::string last_date_added;
};

struct StatusDetail {
  std::string id;
  std::string version;
  std::string message;
};

// The status resource of an Add Objects request.
struct AddStatus {
  std::string id;
  std::string status;  // "complete" or "pending"
  std::string request_timestamp;
  std::int64_t total_count = 0;
  std::int64_t success_count = 0;
  std::int64_t failure_count = 0;
  std::int64_t pending_count = 0;
  std::vector<StatusDetail> successes;
  std::vector<StatusDetail> failures;
  std::vector<StatusDetail> pendings;
  bool complete() const { return status == "complete"; }
};

// Thread-compatible: one client per thread, or external locking. `http` must outlive it.
class TaxiiClient {
 public:
  TaxiiClient(OutboundHttp& http, ClientOptions options = {});

  // GET <discovery_url> (conventionally https://host/taxii2/).
  Result<DiscoveryInfo> Discover(std::string_view discovery_url);
  // GET <api_root>/ ; `api_root` is a URL as Discover returns it.
  Result<ApiRootInfo> GetApiRoot(std::string_view api_root);
  // GET <api_root>/collections/
  Result<std::vector<CollectionInfo>> GetCollections(std::string_view api_root);
  // GET <api_root>/collections/<id>/
  Result<CollectionInfo> GetCollection(std::string_view api_root, std::string_view collection_id);

  // One page: GET <api_root>/collections/<id>/objects/ with the filter, and `next` when
  // continuing a paged result.
  Result<ObjectsPage> GetObjects(std::string_view api_root, std::string_view collection_id,
                                 const ObjectFilter& filter, std::string_view next = {});

  // Every page from `filter.added_after` on, each handed to `on_page` as it arrives (so a
  // caller can store a page and remember its date_added_last before the next one).
  // Follows `next` while `more` is true; when a server says `more` without `next`,
  // continues with added_after = X-TAXII-Date-Added-Last, as the specification allows.
  // FailedPrecondition when the server says more but gives no way to continue, or repeats
  // the same position; an error from `on_page` stops the pull and is returned.
  // `max_pages` (0: no limit) bounds one call.
  Result<PullSummary> PullObjects(std::string_view api_root, std::string_view collection_id,
                                  ObjectFilter filter,
                                  const std::function<Status(ObjectsPage&)>& on_page,
                                  std::uint64_t max_pages = 0);

  // One page of GET <api_root>/collections/<id>/manifest/, filtered as GetObjects.
  Result<ManifestPage> GetManifest(std::string_view api_root, std::string_view collection_id,
                                   const ObjectFilter& filter, std::string_view next = {});
  // Every page of the manifest, followed as PullObjects follows objects.
  Result<PullSummary> PullManifest(std::string_view api_root, std::string_view collection_id,
                                   ObjectFilter filter,
                                   const std::function<Status(ManifestPage&)>& on_page);

  // POST <api_root>/collections/<id>/objects/ with the envelope {"objects": [...]}.
  Result<AddStatus> AddObjects(std::string_view api_root, std::string_view collection_id,
                               const std::vector<Json>& objects);
  // GET <api_root>/status/<status_id>/
  Result<AddStatus> GetStatus(std::string_view api_root, std::string_view status_id);
  // Polls GetStatus every `interval` until it is complete, at most `max_polls` times;
  // returns the last status (pending when it never completed).
  Result<AddStatus> WaitForStatus(std::string_view api_root, std::string_view status_id,
                                  std::chrono::milliseconds interval, int max_polls);

 private:
  // GET of a paged resource at `url`: its headers and its list of JSON objects.
  Result<ObjectsPage> GetPage(std::string url, const ObjectFilter& filter, std::string_view next,
                              std::string_view what);
  template <typename Entry>
  Result<PullSummary> Pull(
      ObjectFilter filter,
      const std::function<Result<Page<Entry>>(const ObjectFilter&, const std::string&)>& get_page,
      const std::function<Status(Page<Entry>&)>& on_page, std::uint64_t max_pages);
  Result<OutboundResponse> Exchange(OutboundRequest request);
  Result<Json> GetJson(const std::string& url, std::string_view what);
  void Sleep(std::chrono::milliseconds duration);

  OutboundHttp& http_;
  ClientOptions options_;
};

}  // namespace fincyber::taxii
