// The client against answers in the exact shapes of the TAXII 2.1 specification's
// examples (OASIS TAXII 2.1, sections 4 and 5), from a scripted fake peer.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <deque>

#include "taxii/client.h"

namespace fincyber::taxii {
namespace {

constexpr std::string_view kMedia = "application/taxii+json;version=2.1";
constexpr std::string_view kRoot = "https://example.com/api1/";
constexpr std::string_view kCollection = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";

// Answers requests in order from a script and records them.
class ScriptedPeer : public OutboundHttp {
 public:
  std::deque<Result<OutboundResponse>> replies;
  std::vector<OutboundRequest> requests;

  void Reply(int status, std::string body, std::map<std::string, std::string> headers = {}) {
    headers.emplace("content-type", std::string(kMedia));
    replies.push_back(OutboundResponse{status, std::move(body), std::move(headers)});
  }
  Result<OutboundResponse> Send(const OutboundRequest& request) override {
    requests.push_back(request);
    if (replies.empty()) return Internal("unexpected request " + request.url);
    auto reply = std::move(replies.front());
    replies.pop_front();
    if (reply.ok() && reply->body.size() > request.max_response_bytes) {
      return ResourceExhausted("response body too large");
    }
    return reply;
  }
};

struct Fixture {
  ScriptedPeer peer;
  std::vector<std::chrono::milliseconds> sleeps;
  FakeClock clock{FromUnixMillis(1445412480000)};  // 2015-10-21T07:28:00Z
  ClientOptions Options() {
    ClientOptions options;
    options.sleep = [this](std::chrono::milliseconds d) { sleeps.push_back(d); };
    options.clock = &clock;
    return options;
  }
};

constexpr std::string_view kDiscoveryExample = R"({
  "title": "Some TAXII Server",
  "description": "This TAXII Server contains a listing of",
  "contact": "string containing contact information",
  "default": "https://example.com/api2/",
  "api_roots": [
    "https://example.com/api1/",
    "https://example.com/api2/",
    "https://example.net/trustgroup1/"
  ]
})";

constexpr std::string_view kEnvelopeExample = R"({
  "more": true,
  "next": "2a6a-page-2",
  "objects": [
    {
      "type": "indicator",
      "spec_version": "2.1",
      "id": "indicator--cd981c25-8042-4166-8945-51178443bdac",
      "created": "2014-05-08T09:00:00.000Z",
      "modified": "2014-05-08T09:00:00.000Z",
      "name": "File hash for Poison Ivy variant",
      "description": "This file hash indicates that a sample of Poison Ivy is present.",
      "labels": ["malicious-activity"],
      "pattern": "[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c']",
      "pattern_type": "stix",
      "valid_from": "2014-05-08T09:00:00.000000Z"
    }
  ]
})";

constexpr std::string_view kStatusExample = R"({
  "id": "2d086da7-4bdc-4f91-900e-d77486753710",
  "status": "pending",
  "request_timestamp": "2016-11-02T12:34:34.123456Z",
  "total_count": 4,
  "success_count": 1,
  "successes": [
    {
      "id": "indicator--cd981c25-8042-4166-8945-51178443bdac",
      "version": "2014-05-08T09:00:00.000Z",
      "message": "Successfully added object to collection '91a7b528-80eb-42ed-a74d-c6fbd5a26116'."
    }
  ],
  "failure_count": 1,
  "failures": [
    {
      "id": "malware--664fa29d-bf65-4f28-a667-bdb76f29ec98",
      "version": "2015-05-08T09:00:00.000Z",
      "message": "Unable to process object"
    }
  ],
  "pending_count": 2,
  "pendings": [
    {"id": "indicator--252c7c11-daf2-42bd-843b-be65edca9f61", "version": "2016-08-08T09:00:00.000Z"},
    {"id": "relationship--045585ad-a22f-4333-af33-bfd503a683b5", "version": "2016-06-08T20:10:48.000Z"}
  ]
})";

TEST(TaxiiClientTest, DiscoverySendsTheMediaTypeAndCredentials) {
  Fixture f;
  f.peer.Reply(200, std::string(kDiscoveryExample));
  ClientOptions options = f.Options();
  options.username = "Aladdin";
  options.password = "open sesame";
  TaxiiClient client(f.peer, options);
  auto discovery = client.Discover("https://example.com/taxii2/");
  ASSERT_TRUE(discovery.ok()) << discovery.error().safe_message();
  EXPECT_EQ(discovery->title, "Some TAXII Server");
  EXPECT_EQ(discovery->default_api_root, "https://example.com/api2/");
  EXPECT_EQ(discovery->api_roots.size(), 3u);
  EXPECT_EQ(discovery->api_roots[2], "https://example.net/trustgroup1/");
  const OutboundRequest& request = f.peer.requests.at(0);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url, "https://example.com/taxii2/");
  EXPECT_EQ(request.headers.at("Accept"), kMedia);
  EXPECT_EQ(request.headers.at("Authorization"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(request.max_response_bytes, 64u << 20);
}

TEST(TaxiiClientTest, BearerTokenAndRelativeApiRoots) {
  Fixture f;
  f.peer.Reply(200, R"({"title":"t","default":"/api2/","api_roots":["/api1/","trustgroup1/"]})");
  ClientOptions options = f.Options();
  options.bearer_token = "tok-123";
  options.username = "ignored";
  TaxiiClient client(f.peer, options);
  auto discovery = client.Discover("https://example.com:8443/taxii2/");
  ASSERT_TRUE(discovery.ok()) << discovery.error().safe_message();
  EXPECT_EQ(discovery->default_api_root, "https://example.com:8443/api2/");
  EXPECT_EQ(discovery->api_roots,
            (std::vector<std::string>{"https://example.com:8443/api1/",
                                      "https://example.com:8443/taxii2/trustgroup1/"}));
  EXPECT_EQ(f.peer.requests[0].headers.at("Authorization"), "Bearer tok-123");
}

TEST(TaxiiClientTest, ApiRootAndCollections) {
  Fixture f;
  f.peer.Reply(200, R"({
    "title": "Malware Research Group",
    "description": "A trust group setup for malware researchers",
    "versions": ["application/taxii+json;version=2.1"],
    "max_content_length": 104857600
  })");
  f.peer.Reply(200, R"({
    "collections": [
      {
        "id": "91a7b528-80eb-42ed-a74d-c6fbd5a26116",
        "title": "High Value Indicator Collection",
        "description": "This data collection contains high value IOCs",
        "can_read": true,
        "can_write": false,
        "media_types": ["application/stix+json;version=2.1"]
      },
      {
        "id": "52892447-4d7e-4f70-b94d-d7f22742ff63",
        "title": "Indicators from the past 24-hours",
        "description": "This data collection is for collecting current IOCs",
        "can_read": true,
        "can_write": false,
        "media_types": ["application/stix+json;version=2.1"]
      }
    ]
  })");
  f.peer.Reply(
      200,
      R"({"id":"91a7b528-80eb-42ed-a74d-c6fbd5a26116","title":"High Value Indicator Collection","can_read":true,"can_write":true,"alias":"hv"})");
  f.peer.Reply(200, "{}");
  TaxiiClient client(f.peer, f.Options());
  auto root = client.GetApiRoot("https://example.com/api1");
  ASSERT_TRUE(root.ok()) << root.error().safe_message();
  EXPECT_EQ(root->max_content_length, 104857600);
  EXPECT_EQ(root->versions, std::vector<std::string>{std::string(kMedia)});
  auto collections = client.GetCollections(kRoot);
  ASSERT_TRUE(collections.ok()) << collections.error().safe_message();
  ASSERT_EQ(collections->size(), 2u);
  EXPECT_EQ((*collections)[1].title, "Indicators from the past 24-hours");
  EXPECT_TRUE((*collections)[0].can_read);
  EXPECT_FALSE((*collections)[0].can_write);
  auto one = client.GetCollection(kRoot, kCollection);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->alias, "hv");
  auto none = client.GetCollections(kRoot);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(f.peer.requests[0].url, "https://example.com/api1/");
  EXPECT_EQ(f.peer.requests[1].url, "https://example.com/api1/collections/");
  EXPECT_EQ(f.peer.requests[2].url,
            "https://example.com/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/");
}

TEST(TaxiiClientTest, GetObjectsSendsFiltersAndReadsTheEnvelope) {
  Fixture f;
  f.peer.Reply(200, std::string(kEnvelopeExample),
               {{"x-taxii-date-added-first", "2016-02-01T00:00:01.000000Z"},
                {"x-taxii-date-added-last", "2016-02-01T00:00:01.000000Z"}});
  TaxiiClient client(f.peer, f.Options());
  ObjectFilter filter;
  filter.added_after = "2016-02-01T00:00:01.000Z";
  filter.limit = 1000;
  filter.types = {"indicator", "sighting"};
  filter.versions = {"all"};
  filter.ids = {"indicator--cd981c25-8042-4166-8945-51178443bdac"};
  auto page = client.GetObjects(kRoot, kCollection, filter, "token/+=");
  ASSERT_TRUE(page.ok()) << page.error().safe_message();
  EXPECT_TRUE(page->more);
  EXPECT_EQ(page->next, "2a6a-page-2");
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0]["name"], "File hash for Poison Ivy variant");
  EXPECT_EQ(page->date_added_last, "2016-02-01T00:00:01.000000Z");
  EXPECT_EQ(f.peer.requests[0].url,
            "https://example.com/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/objects/"
            "?added_after=2016-02-01T00%3A00%3A01.000Z&limit=1000&next=token%2F%2B%3D"
            "&match[id]=indicator--cd981c25-8042-4166-8945-51178443bdac"
            "&match[type]=indicator,sighting&match[version]=all");
}

TEST(TaxiiClientTest, PullFollowsNextAndReportsTheLastDateAdded) {
  Fixture f;
  auto envelope = [](bool more, std::string next, int first_id) {
    Json objects = Json::array();
    for (int i = first_id; i < first_id + 2; ++i) {
      objects.push_back({{"type", "indicator"}, {"id", fmt::format("indicator--{}", i)}});
    }
    Json body = {{"more", more}, {"objects", objects}};
    if (!next.empty()) body["next"] = next;
    return body.dump();
  };
  f.peer.Reply(200, envelope(true, "p2", 0),
               {{"x-taxii-date-added-last", "2026-01-01T00:00:01.000000Z"}});
  f.peer.Reply(200, envelope(true, "p3", 2),
               {{"x-taxii-date-added-last", "2026-01-01T00:00:03.000000Z"}});
  f.peer.Reply(200, envelope(false, "", 4),
               {{"x-taxii-date-added-last", "2026-01-01T00:00:02.000000Z"}});
  TaxiiClient client(f.peer, f.Options());
  std::vector<std::string> ids;
  ObjectFilter filter;
  filter.added_after = "2025-12-31T00:00:00.000000Z";
  auto summary = client.PullObjects(kRoot, kCollection, filter, [&](ObjectsPage& page) {
    for (const Json& object : page.objects) ids.push_back(object["id"]);
    return OkStatus();
  });
  ASSERT_TRUE(summary.ok()) << summary.error().safe_message();
  EXPECT_EQ(summary->pages, 3u);
  EXPECT_EQ(summary->objects, 6u);
  EXPECT_EQ(summary->last_date_added, "2026-01-01T00:00:03.000000Z");
  EXPECT_EQ(ids.size(), 6u);
  ASSERT_EQ(f.peer.requests.size(), 3u);
  EXPECT_NE(f.peer.requests[1].url.find("added_after=2025-12-31T00%3A00%3A00.000000Z&next=p2"),
            std::string::npos)
      << "the next page keeps the original query: " << f.peer.requests[1].url;
  EXPECT_NE(f.peer.requests[2].url.find("next=p3"), std::string::npos);
}

// The specification's example manifest (section 5.3), cut to two entries.
constexpr std::string_view kManifestExample = R"({
  "more": true,
  "next": "m-2",
  "objects": [
    {
      "id": "indicator--29aba82c-5393-42a8-9edb-6a2cb1df070b",
      "date_added": "2016-11-01T03:04:05Z",
      "version": "2016-11-03T12:30:59.000Z",
      "media_type": "application/stix+json;version=2.1"
    },
    {
      "id": "indicator--ef0b28e1-308c-4a30-8770-9b4851b260a5",
      "date_added": "2016-11-01T10:29:05Z",
      "version": "2016-11-03T12:30:59.000Z"
    }
  ]
})";

TEST(TaxiiClientTest, ManifestPagesAreReadAndFollowed) {
  Fixture f;
  f.peer.Reply(200, std::string(kManifestExample),
               {{"x-taxii-date-added-last", "2016-11-01T10:29:05.000000Z"}});
  f.peer.Reply(200, R"({"objects":[{"id":"malware--1","date_added":"2016-11-02T00:00:00Z",)"
                    R"("version":"2016-11-02T00:00:00.000Z"}]})");
  TaxiiClient client(f.peer, f.Options());
  ObjectFilter filter;
  filter.limit = 1000;
  std::vector<ManifestEntry> entries;
  auto summary = client.PullManifest(kRoot, kCollection, filter, [&](ManifestPage& page) {
    entries.insert(entries.end(), page.objects.begin(), page.objects.end());
    return OkStatus();
  });
  ASSERT_TRUE(summary.ok()) << summary.error().safe_message();
  EXPECT_EQ(summary->pages, 2u);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].id, "indicator--29aba82c-5393-42a8-9edb-6a2cb1df070b");
  EXPECT_EQ(entries[0].date_added, "2016-11-01T03:04:05Z");
  EXPECT_EQ(entries[0].version, "2016-11-03T12:30:59.000Z");
  EXPECT_EQ(entries[0].media_type, "application/stix+json;version=2.1");
  EXPECT_EQ(entries[1].media_type, "");
  EXPECT_EQ(entries[2].id, "malware--1");
  ASSERT_EQ(f.peer.requests.size(), 2u);
  EXPECT_EQ(f.peer.requests[0].url,
            "https://example.com/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/manifest/"
            "?limit=1000");
  EXPECT_EQ(f.peer.requests[1].url,
            "https://example.com/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/manifest/"
            "?limit=1000&next=m-2");
}

TEST(TaxiiClientTest, ManifestEntriesWithoutTheirRequiredMembersAreRefused) {
  for (const char* body :
       {R"({"objects":[{"date_added":"2016-11-01T03:04:05Z","version":"v"}]})",
        R"({"objects":[{"id":"x--1","version":"v"}]})",
        R"({"objects":[{"id":"x--1","date_added":"2016-11-01T03:04:05Z"}]})",
        R"({"objects":[{"id":7,"date_added":"2016-11-01T03:04:05Z","version":"v"}]})",
        R"({"objects":["x--1"]})", R"({"objects":{}})"}) {
    Fixture f;
    f.peer.Reply(200, body);
    TaxiiClient client(f.peer, f.Options());
    auto page = client.GetManifest(kRoot, kCollection, {});
    ASSERT_FALSE(page.ok()) << body;
    EXPECT_EQ(page.error().code(), ErrorCode::kInvalidArgument) << body;
    EXPECT_NE(page.error().safe_message().find("manifest"), std::string::npos)
        << page.error().safe_message();
  }
}

TEST(TaxiiClientTest, PullWithoutNextContinuesFromTheDateAddedHeader) {
  Fixture f;
  f.peer.Reply(200, R"({"more":true,"objects":[{"type":"x","id":"x--1"}]})",
               {{"x-taxii-date-added-last", "2026-01-01T00:00:01.000000Z"}});
  f.peer.Reply(200, R"({"more":false,"objects":[{"type":"x","id":"x--2"}]})",
               {{"x-taxii-date-added-last", "2026-01-01T00:00:02.000000Z"}});
  TaxiiClient client(f.peer, f.Options());
  auto summary =
      client.PullObjects(kRoot, kCollection, {}, [](ObjectsPage&) { return OkStatus(); });
  ASSERT_TRUE(summary.ok()) << summary.error().safe_message();
  EXPECT_EQ(summary->objects, 2u);
  EXPECT_NE(f.peer.requests[1].url.find("?added_after=2026-01-01T00%3A00%3A01.000000Z"),
            std::string::npos)
      << f.peer.requests[1].url;
  EXPECT_EQ(f.peer.requests[1].url.find("next="), std::string::npos);
}

TEST(TaxiiClientTest, PullStopsWhenTheServerCannotAdvance) {
  {
    Fixture f;
    f.peer.Reply(200, R"({"more":true,"next":"same","objects":[]})");
    f.peer.Reply(200, R"({"more":true,"next":"same","objects":[]})");
    TaxiiClient client(f.peer, f.Options());
    auto summary =
        client.PullObjects(kRoot, kCollection, {}, [](ObjectsPage&) { return OkStatus(); });
    ASSERT_FALSE(summary.ok());
    EXPECT_EQ(summary.error().code(), ErrorCode::kFailedPrecondition);
  }
  {
    Fixture f;
    f.peer.Reply(200, R"({"more":true,"objects":[]})");
    TaxiiClient client(f.peer, f.Options());
    auto summary =
        client.PullObjects(kRoot, kCollection, {}, [](ObjectsPage&) { return OkStatus(); });
    ASSERT_FALSE(summary.ok());
    EXPECT_NE(summary.error().safe_message().find("neither 'next' nor X-TAXII-Date-Added-Last"),
              std::string::npos);
  }
  {
    Fixture f;
    f.peer.Reply(200, R"({"more":true,"objects":[]})",
                 {{"x-taxii-date-added-last", "2026-01-01T00:00:00Z"}});
    TaxiiClient client(f.peer, f.Options());
    ObjectFilter filter;
    filter.added_after = "2026-01-01T00:00:00Z";
    auto summary =
        client.PullObjects(kRoot, kCollection, filter, [](ObjectsPage&) { return OkStatus(); });
    ASSERT_FALSE(summary.ok());
    EXPECT_NE(summary.error().safe_message().find("does not advance"), std::string::npos);
  }
  {
    Fixture f;
    f.peer.Reply(200, R"({"more":true,"next":"n","objects":[]})");
    TaxiiClient client(f.peer, f.Options());
    auto stopped = client.PullObjects(kRoot, kCollection, {},
                                      [](ObjectsPage&) { return Aborted("disk full"); });
    ASSERT_FALSE(stopped.ok());
    EXPECT_EQ(stopped.error().code(), ErrorCode::kAborted);
  }
  {
    Fixture f;
    f.peer.Reply(200, R"({"more":true,"next":"n","objects":[]})");
    TaxiiClient client(f.peer, f.Options());
    auto bounded = client.PullObjects(
        kRoot, kCollection, {}, [](ObjectsPage&) { return OkStatus(); }, 1);
    ASSERT_TRUE(bounded.ok());
    EXPECT_EQ(bounded->pages, 1u);
  }
}

TEST(TaxiiClientTest, RateLimitsAndOutagesAreRetriedAfterTheServersDelay) {
  Fixture f;
  f.peer.Reply(429, R"({"title":"Too many requests"})", {{"retry-after", "2"}});
  f.peer.Reply(503, "", {{"retry-after", "Wed, 21 Oct 2015 07:28:30 GMT"}});
  f.peer.replies.push_back(Unavailable("peer unreachable", "timeout"));
  f.peer.Reply(503, "");
  f.peer.Reply(200, std::string(kDiscoveryExample));
  TaxiiClient client(f.peer, f.Options());
  auto discovery = client.Discover("https://example.com/taxii2/");
  ASSERT_TRUE(discovery.ok()) << discovery.error().safe_message();
  EXPECT_EQ(f.sleeps, (std::vector<std::chrono::milliseconds>{
                          std::chrono::seconds(2), std::chrono::seconds(30),
                          std::chrono::seconds(4), std::chrono::seconds(8)}));
  EXPECT_EQ(f.peer.requests.size(), 5u);
}

TEST(TaxiiClientTest, RetriesEndWithUnavailable) {
  Fixture f;
  for (int i = 0; i < 5; ++i) f.peer.Reply(503, R"({"title":"Maintenance"})");
  TaxiiClient client(f.peer, f.Options());
  auto result = client.GetApiRoot(kRoot);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(result.error().safe_message(),
            "TAXII server answered HTTP 503: Maintenance (gave up after 5 attempts in 0 s)");
  EXPECT_EQ(f.peer.requests.size(), 5u);
  EXPECT_EQ(f.sleeps.size(), 4u);

  Fixture g;
  g.peer.Reply(429, "", {{"retry-after", "86400"}});
  TaxiiClient impatient(g.peer, g.Options());
  auto refused = impatient.GetApiRoot(kRoot);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(g.sleeps.empty()) << "a wait beyond max_retry_wait is not slept";
}

TEST(TaxiiClientTest, RetriesStopWhereTheNextWaitWouldPassTheElapsedBound) {
  Fixture f;
  for (int i = 0; i < 20; ++i) f.peer.replies.push_back(Unavailable("connection refused"));
  ClientOptions options = f.Options();
  options.max_attempts = 20;
  options.max_retry_elapsed = std::chrono::seconds(10);
  // Waiting moves the clock, as a real wait would.
  options.sleep = [&f](std::chrono::milliseconds d) {
    f.sleeps.push_back(d);
    f.clock.Advance(d);
  };
  TaxiiClient client(f.peer, options);
  auto result = client.GetApiRoot(kRoot);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  // 1 + 2 + 4 s waited; 8 s more would end at 15 s, past the 10 s allowed.
  EXPECT_EQ(f.sleeps,
            (std::vector<std::chrono::milliseconds>{
                std::chrono::seconds(1), std::chrono::seconds(2), std::chrono::seconds(4)}));
  EXPECT_EQ(f.peer.requests.size(), 4u);
  EXPECT_EQ(result.error().safe_message(), "connection refused (gave up after 4 attempts in 7 s)");

  Fixture once;
  once.peer.replies.push_back(Unavailable("connection refused"));
  ClientOptions single = once.Options();
  single.max_attempts = 1;
  TaxiiClient impatient(once.peer, single);
  auto refused = impatient.GetApiRoot(kRoot);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().safe_message(), "connection refused");
  EXPECT_TRUE(once.sleeps.empty());
}

TEST(TaxiiClientTest, ErrorStatusesMapToCodesWithTheTaxiiErrorText) {
  const struct {
    int status;
    ErrorCode code;
  } cases[] = {{400, ErrorCode::kInvalidArgument},    {401, ErrorCode::kUnauthenticated},
               {403, ErrorCode::kPermissionDenied},   {404, ErrorCode::kNotFound},
               {406, ErrorCode::kFailedPrecondition}, {413, ErrorCode::kResourceExhausted},
               {415, ErrorCode::kFailedPrecondition}, {422, ErrorCode::kInvalidArgument},
               {500, ErrorCode::kUnavailable}};
  for (const auto& c : cases) {
    Fixture f;
    f.peer.Reply(c.status, R"({
      "title": "Error condition XYZ",
      "description": "This error is caused when the application tries to access data...",
      "error_id": "1234",
      "error_code": "581234",
      "http_status": "409",
      "external_details": "http://example.com/ticketnumber1/errorid-1234",
      "details": {"somekey1": "somevalue", "somekey2": "some other value"}
    })");
    TaxiiClient client(f.peer, f.Options());
    auto result = client.GetCollections(kRoot);
    ASSERT_FALSE(result.ok()) << c.status;
    EXPECT_EQ(result.error().code(), c.code) << c.status;
    EXPECT_TRUE(result.error().safe_message().starts_with(fmt::format(
        "TAXII server answered HTTP {}: Error condition XYZ: This error is caused", c.status)))
        << result.error().safe_message();
  }
}

TEST(TaxiiClientTest, ResponsesThatAreNotTheResourceAreRefused) {
  auto error = [](int status, std::string body, std::map<std::string, std::string> headers = {}) {
    Fixture f;
    f.peer.replies.push_back(OutboundResponse{status, std::move(body), std::move(headers)});
    TaxiiClient client(f.peer, f.Options());
    auto result = client.GetCollections(kRoot);
    return result.ok() ? std::string() : result.error().safe_message();
  };
  EXPECT_EQ(error(200, "<html>login</html>", {{"content-type", "text/html"}}),
            "TAXII collections: the server answered with media type 'text/html', not "
            "application/taxii+json;version=2.1");
  EXPECT_EQ(error(200, R"({"collections": [)"), "TAXII collections: malformed JSON at byte 18");
  EXPECT_EQ(error(200, R"([])"), "TAXII collections: expected a JSON object");
  EXPECT_EQ(error(200, R"({"collections": {}})"),
            "TAXII collections: 'collections' must be a list");
  EXPECT_EQ(
      error(
          200,
          R"({"collections": [{"id": "c", "title": "t", "can_read": "yes", "can_write": false}]})"),
      "TAXII collection: 'can_read' must be true or false");
  EXPECT_EQ(
      error(200, R"({"collections": [{"title": "t", "can_read": true, "can_write": false}]})"),
      "TAXII collection: 'id' is missing");
  EXPECT_EQ(error(200, std::string(100, '[') + std::string(100, ']')),
            "TAXII collections: JSON nested deeper than 64 levels");
}

TEST(TaxiiClientTest, OversizedPagesAreRefused) {
  Fixture f;
  f.peer.Reply(200, R"({"objects":[{"type":"x","v":")" + std::string(100u << 20, 'a') + R"("}]})");
  TaxiiClient client(f.peer, f.Options());
  auto page = client.GetObjects(kRoot, kCollection, {});
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(f.peer.requests.size(), 1u) << "not retried";

  Fixture g;
  g.peer.Reply(200, R"({"objects":[1]})");
  TaxiiClient other(g.peer, g.Options());
  EXPECT_EQ(other.GetObjects(kRoot, kCollection, {}).error().safe_message(),
            "TAXII envelope: 'objects' must hold JSON objects");
}

// Envelopes are read with a faster parser than ParseJson: the same objects come out,
// and what it refuses is answered as ParseJson answers it.
TEST(TaxiiClientTest, EnvelopesReadAsParseJsonReadsThem) {
  auto page_of = [](const std::string& body) {
    Fixture f;
    f.peer.Reply(200, body);
    TaxiiClient client(f.peer, f.Options());
    return client.GetObjects(kRoot, kCollection, {});
  };
  const std::string tricky =
      R"({"more":false,"objects":[{"type":"x","id":"x--1","dup":1,"dup":2,)"
      R"("text":"\u65e5\u672c \"q\" \\ \n \ud83d\ude00 日本","big":18446744073709551615,)"
      R"("neg":-9223372036854775808,"real":1.5e-3,"zero":-0.0,"t":true,"f":false,"n":null,)"
      R"("list":[[],{},[1,[2,[3]]],{"a":{"b":"c"}}],"empty":""}]})";
  auto page = page_of(tricky);
  ASSERT_TRUE(page.ok()) << page.error().safe_message();
  auto expected = ParseJson(tricky);
  ASSERT_TRUE(expected.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0], (*expected)["objects"][0]);
  EXPECT_EQ(page->objects[0]["dup"], 2);

  const std::string refused[] = {
      R"({"objects":[{"type":"x"})",              // truncated
      R"({"objects":[{"type":"x",}]})",           // trailing comma
      "{\"objects\":[{\"type\":\"\xff\xfe\"}]}",  // bad UTF-8
      R"({"objects":[{"v":1e999999}]})",          // number out of range
      R"({"objects":[)" + std::string(80, '[') + std::string(80, ']') + "]}",  // too deep
      "",
  };
  for (const std::string& body : refused) {
    auto got = page_of(body);
    auto direct = ParseJson(body, {.max_bytes = 1 << 20, .max_depth = 64});
    if (direct.ok()) {
      ASSERT_TRUE(got.ok()) << body;
      continue;
    }
    ASSERT_FALSE(got.ok()) << body;
    EXPECT_EQ(got.error().safe_message(), "TAXII envelope: " + direct.error().safe_message())
        << body;
  }
}

TEST(TaxiiClientTest, AddObjectsPostsAnEnvelopeAndPollsItsStatus) {
  Fixture f;
  f.peer.Reply(202, std::string(kStatusExample));
  std::string complete(kStatusExample);
  complete.replace(complete.find("\"pending\""), 9, "\"complete\"");
  f.peer.Reply(200, std::string(kStatusExample));
  f.peer.Reply(200, complete);
  TaxiiClient client(f.peer, f.Options());
  const std::vector<Json> objects = {
      {{"type", "indicator"}, {"id", "indicator--cd981c25-8042-4166-8945-51178443bdac"}}};
  auto status = client.AddObjects(kRoot, kCollection, objects);
  ASSERT_TRUE(status.ok()) << status.error().safe_message();
  EXPECT_FALSE(status->complete());
  EXPECT_EQ(status->total_count, 4);
  EXPECT_EQ(status->failures.at(0).message, "Unable to process object");
  EXPECT_EQ(status->pendings.size(), 2u);
  const OutboundRequest& post = f.peer.requests[0];
  EXPECT_EQ(post.method, "POST");
  EXPECT_EQ(post.url,
            "https://example.com/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/objects/");
  EXPECT_EQ(post.headers.at("Content-Type"), kMedia);
  EXPECT_EQ(post.headers.at("Accept"), kMedia);
  EXPECT_EQ(ParseJson(post.body).value(), (Json{{"objects", objects}}));

  auto done = client.WaitForStatus(kRoot, status->id, std::chrono::milliseconds(500), 10);
  ASSERT_TRUE(done.ok()) << done.error().safe_message();
  EXPECT_TRUE(done->complete());
  EXPECT_EQ(f.peer.requests[1].url,
            "https://example.com/api1/status/2d086da7-4bdc-4f91-900e-d77486753710/");
  EXPECT_EQ(f.sleeps, std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(500)});
}

TEST(TaxiiClientTest, StatusThatNeverCompletesIsReturnedPending) {
  Fixture f;
  for (int i = 0; i < 3; ++i) f.peer.Reply(200, std::string(kStatusExample));
  TaxiiClient client(f.peer, f.Options());
  auto status = client.WaitForStatus(kRoot, "2d086da7-4bdc-4f91-900e-d77486753710",
                                     std::chrono::seconds(1), 3);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->status, "pending");
  EXPECT_EQ(f.peer.requests.size(), 3u);
}

TEST(TaxiiClientTest, MalformedStatusAndTooLargeEnvelopes) {
  Fixture f;
  f.peer.Reply(
      202,
      R"({"id":"s","status":"done","total_count":1,"success_count":1,"failure_count":0,"pending_count":0})");
  f.peer.Reply(
      202,
      R"({"id":"s","status":"complete","total_count":-1,"success_count":1,"failure_count":0,"pending_count":0})");
  f.peer.Reply(413, R"({"title":"Request entity too large"})");
  TaxiiClient client(f.peer, f.Options());
  EXPECT_EQ(client.AddObjects(kRoot, kCollection, {}).error().safe_message(),
            "TAXII status: 'status' is 'done', not complete or pending");
  EXPECT_EQ(client.AddObjects(kRoot, kCollection, {}).error().safe_message(),
            "TAXII status: 'total_count' must be a non-negative integer");
  auto too_large = client.AddObjects(kRoot, kCollection, {});
  EXPECT_EQ(too_large.error().code(), ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace fincyber::taxii
