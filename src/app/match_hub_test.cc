// The matcher's side of the hub link, against a fake hub: the identity learnt from the
// token, incremental pulls kept in the state file, sightings posted as versions and
// re-sent after a failure; malformed and hostile answers.
#include "app/match_hub.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "testing/scratch_dir.h"

namespace fincyber::app {
namespace {

constexpr char kMedia[] = "application/taxii+json;version=2.1";
constexpr char kDiscovery[] = "http://hub.test:8080/taxii2/";
constexpr char kRoot[] = "http://hub.test:8080/taxii2/api1/";
constexpr char kOrg[] = "0b7c3f4e-1d2a-4c5b-9e8f-7a6b5c4d3e2f";

// Answers through a handler and records every request.
class FakeHub final : public OutboundHttp {
 public:
  std::function<Result<OutboundResponse>(const OutboundRequest&)> handler;
  std::vector<OutboundRequest> requests;
  Result<OutboundResponse> Send(const OutboundRequest& request) override {
    requests.push_back(request);
    return handler(request);
  }
};

OutboundResponse Taxii(const Json& body, std::map<std::string, std::string> headers = {}) {
  headers["content-type"] = kMedia;
  return OutboundResponse{200, DumpJson(body), std::move(headers)};
}
OutboundResponse Plain(int status, std::string body) {
  return OutboundResponse{status, std::move(body), {{"content-type", "application/json"}}};
}

Json Indicator(int n, const std::string& modified, bool revoked = false) {
  Json object = {{"type", "indicator"},
                 {"spec_version", "2.1"},
                 {"id", "indicator--00000000-0000-4000-8000-00000000000" + std::to_string(n)},
                 {"created", "2026-01-01T00:00:00.000Z"},
                 {"modified", modified},
                 {"pattern", "[domain-name:value = 'c2-" + std::to_string(n) + ".example']"},
                 {"pattern_type", "stix"},
                 {"valid_from", "2026-01-01T00:00:00Z"}};
  if (revoked) object["revoked"] = true;
  return object;
}

HubEndpoint Hub() { return HubEndpoint{kDiscovery, "coll-1", "fct_token", 1}; }

class MatchHubTest : public ::testing::Test {
 protected:
  // Discovery and a status for posts; `objects` answers GET objects.
  void ServeHub(std::function<Result<OutboundResponse>(const OutboundRequest&)> objects) {
    hub_.handler = [this, objects](const OutboundRequest& r) -> Result<OutboundResponse> {
      if (r.url == kDiscovery) return Taxii({{"title", "hub"}, {"default", kRoot}});
      if (r.url == "http://hub.test:8080/api/v1/me") return me_;
      if (r.method == "POST") {
        posted_.push_back(ParseJson(r.body).value());
        return post_status_;
      }
      return objects(r);
    };
  }

  testing::ScratchDir scratch_{"match_hub_test"};
  const std::string dir_ = scratch_.path();
  FakeHub hub_;
  Result<OutboundResponse> me_ = Plain(200, DumpJson(Json{{"user", {{"id", "u"}}}, {"org", {{"id", kOrg}}}}));
  Result<OutboundResponse> post_status_ =
      Taxii({{"id", "s"}, {"status", "complete"}, {"total_count", 1}, {"success_count", 1},
             {"failure_count", 0}, {"pending_count", 0}});
  std::vector<Json> posted_;
};

TEST_F(MatchHubTest, IdentityIsTheTokensOrganisation) {
  ServeHub([](const OutboundRequest&) { return Plain(404, ""); });
  auto identity = IdentityFromHub(hub_, Hub());
  ASSERT_TRUE(identity.ok()) << identity.error().internal_message();
  EXPECT_EQ(*identity, std::string("identity--") + kOrg);
  EXPECT_EQ(hub_.requests.back().headers.at("Authorization"), "Bearer fct_token");
}

TEST_F(MatchHubTest, IdentityFromHostileOrBrokenAnswers) {
  ServeHub([](const OutboundRequest&) { return Plain(404, ""); });
  const auto code_for = [&](Result<OutboundResponse> answer) {
    me_ = std::move(answer);
    return IdentityFromHub(hub_, Hub()).error().code();
  };
  EXPECT_EQ(code_for(Plain(401, "")), ErrorCode::kUnauthenticated);
  EXPECT_EQ(code_for(Plain(404, "not here")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_for(Plain(200, "{\"org\": ")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_for(Plain(200, "[]")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_for(Plain(200, "{\"org\": \"x\"}")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_for(Plain(200, "{\"org\": {\"id\": 5}}")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_for(Plain(200, "{\"org\": {\"id\": \"../../etc\"}}")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_for(Plain(200, "{\"org\": {\"id\": \"0B7C3F4E-1D2A-4C5B-9E8F-7A6B5C4D3E2F\"}}")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_for(Plain(200, std::string(100, '[') + std::string(100, ']'))),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_for(Plain(200, "{\"org\": {\"id\": \"" + std::string(2 << 20, 'a') + "\"}}")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_for(Unavailable("peer unreachable")), ErrorCode::kUnavailable);
  EXPECT_EQ(IdentityFromHub(hub_, HubEndpoint{"not a url", "c", "t", 1}).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(MatchHubTest, PullsIncrementallyAndKeepsTheState) {
  int pulls = 0;
  ServeHub([&](const OutboundRequest& r) -> Result<OutboundResponse> {
    ++pulls;
    if (pulls == 1) {
      EXPECT_EQ(r.url.find("added_after"), std::string::npos) << r.url;
      return Taxii({{"more", false},
                    {"objects", {Indicator(1, "2026-01-01T00:00:00.000Z"), Indicator(2, "2026-01-01T00:00:00.000Z"),
                                 Json{{"type", "sighting"}, {"id", "sighting--x"}}}}},
                   {{"x-taxii-date-added-last", "2026-03-01T00:00:00.000001Z"}});
    }
    EXPECT_NE(r.url.find("added_after=2026-03-01T00%3A00%3A00.000001Z"), std::string::npos) << r.url;
    return Taxii({{"more", false},
                  {"objects", {Indicator(2, "2026-02-01T00:00:00.000Z", true), Indicator(3, "2026-01-01T00:00:00.000Z")}}},
                 {{"x-taxii-date-added-last", "2026-03-02T00:00:00.000001Z"}});
  });
  const std::string state = dir_ + "/state";
  {
    TaxiiIndicatorFeed feed(hub_, Hub(), state);
    EXPECT_EQ(feed.LoadState(), "");
    auto pulled = feed.Pull();
    ASSERT_TRUE(pulled.ok()) << pulled.error().internal_message();
    EXPECT_EQ(pulled->objects, 3u);
    EXPECT_EQ(pulled->added, 2u);
  }
  TaxiiIndicatorFeed restarted(hub_, Hub(), state);
  EXPECT_NE(restarted.LoadState().find("2 indicators"), std::string::npos);
  auto pulled = restarted.Pull();
  ASSERT_TRUE(pulled.ok()) << pulled.error().internal_message();
  EXPECT_EQ(pulled->added, 1u);
  EXPECT_EQ(pulled->removed, 1u);
  EXPECT_EQ(restarted.set().size(), 2u);
  EXPECT_EQ(restarted.set().position(), "2026-03-02T00:00:00.000001Z");
  // Another collection's feed does not take this state.
  TaxiiIndicatorFeed other(hub_, HubEndpoint{kDiscovery, "coll-2", "t", 1}, state);
  EXPECT_NE(other.LoadState().find("another source"), std::string::npos);
  EXPECT_FALSE(other.has_state());
}

TEST_F(MatchHubTest, AFailedPullKeepsNothingWhenNothingArrived) {
  ServeHub([](const OutboundRequest&) -> Result<OutboundResponse> {
    return OutboundResponse{403, "{\"title\": \"no\"}", {{"content-type", kMedia}}};
  });
  TaxiiIndicatorFeed feed(hub_, Hub(), dir_ + "/state");
  EXPECT_EQ(feed.Pull().error().code(), ErrorCode::kPermissionDenied);
  EXPECT_FALSE(feed.has_state());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/state"));
}

TEST_F(MatchHubTest, APullBrokenAfterAPageKeepsThePage) {
  int pulls = 0;
  ServeHub([&](const OutboundRequest&) -> Result<OutboundResponse> {
    if (++pulls == 1) {
      return Taxii({{"more", true}, {"next", "p2"}, {"objects", {Indicator(1, "2026-01-01T00:00:00.000Z")}}},
                   {{"x-taxii-date-added-last", "2026-03-01T00:00:00.000001Z"}});
    }
    return Taxii({{"more", false}, {"objects", "not a list"}});
  });
  TaxiiIndicatorFeed feed(hub_, Hub(), dir_ + "/state");
  EXPECT_EQ(feed.Pull().error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(feed.TakeChanges()) << "the page's indicator is to be compiled";
  EXPECT_FALSE(feed.TakeChanges());
  auto saved = detect::IndicatorSet::Load(dir_ + "/state");
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved->size(), 1u);
  EXPECT_EQ(saved->position(), "2026-03-01T00:00:00.000001Z");
}

TEST_F(MatchHubTest, SightingsArePostedAsVersionsOfOneObject) {
  ServeHub([](const OutboundRequest&) { return Plain(404, ""); });
  SightingReporter reporter(hub_, Hub(), "", 1700000000000);
  const std::string id = "indicator--00000000-0000-4000-8000-000000000001";
  auto first = reporter.Report({{id, 2, 1700000000000, 1700000001000}}, 1700000010000);
  ASSERT_TRUE(first.ok()) << first.error().internal_message();
  EXPECT_EQ(*first, 1u);
  EXPECT_EQ(reporter.identity(), std::string("identity--") + kOrg);
  // Nothing new: nothing posted.
  EXPECT_EQ(*reporter.Report({{id, 2, 1700000000000, 1700000001000}}, 1700000020000), 0u);
  ASSERT_EQ(posted_.size(), 1u);
  // The count grew; the hub refuses once, then accepts.
  post_status_ = Taxii({{"id", "s"}, {"status", "complete"}, {"total_count", 1}, {"success_count", 0},
                        {"failure_count", 1}, {"pending_count", 0},
                        {"failures", {{{"id", "sighting--x"}, {"message", "may not write"}}}}});
  auto refused = reporter.Report({{id, 5, 1700000000000, 1700000030000}}, 1700000030000);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kAborted);
  EXPECT_NE(refused.error().safe_message().find("may not write"), std::string::npos);
  post_status_ = Taxii({{"id", "s"}, {"status", "complete"}, {"total_count", 1}, {"success_count", 1},
                        {"failure_count", 0}, {"pending_count", 0}});
  // The same millisecond as the refused post: still a later version.
  EXPECT_EQ(*reporter.Report({{id, 5, 1700000000000, 1700000030000}}, 1700000030000), 1u);
  ASSERT_EQ(posted_.size(), 3u);
  const Json& v1 = posted_[0]["objects"][0];
  const Json& v3 = posted_[2]["objects"][0];
  EXPECT_EQ(v1["id"], v3["id"]);
  EXPECT_EQ(v1["created"], v3["created"]);
  EXPECT_LT(v1["modified"].get<std::string>(), v3["modified"].get<std::string>());
  EXPECT_LT(posted_[1]["objects"][0]["modified"].get<std::string>(), v3["modified"].get<std::string>());
  EXPECT_EQ(v3["count"], 5);
  EXPECT_EQ(v3["where_sighted_refs"][0], std::string("identity--") + kOrg);
}

TEST_F(MatchHubTest, ReportingWithoutReachingTheHubKeepsEverything) {
  hub_.handler = [](const OutboundRequest&) -> Result<OutboundResponse> {
    return Unavailable("peer unreachable");
  };
  SightingReporter reporter(hub_, Hub(), "identity--11111111-2222-4333-8444-555555555555", 1700000000000);
  const std::string id = "indicator--00000000-0000-4000-8000-000000000001";
  EXPECT_EQ(reporter.Report({{id, 1, 1, 1}}, 1700000010000).error().code(), ErrorCode::kUnavailable);
  ServeHub([](const OutboundRequest&) { return Plain(404, ""); });
  EXPECT_EQ(*reporter.Report({{id, 1, 1, 1}}, 1700000020000), 1u);
  // Indicators without a STIX id are not posted.
  EXPECT_EQ(*reporter.Report({{"domain:x.example", 3, 1, 1}}, 1700000030000), 0u);
}

}  // namespace
}  // namespace fincyber::app
