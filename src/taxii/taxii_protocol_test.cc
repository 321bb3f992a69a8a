#include <gtest/gtest.h>

#include "taxii/protocol.h"

namespace fincyber::taxii {
namespace {

std::string HeaderOf(const http::Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

TEST(TaxiiAcceptTest, AdmitsTaxii21AndWildcards) {
  for (const char* ok :
       {"", "application/taxii+json;version=2.1", "application/taxii+json",
        "Application/TAXII+JSON; version=\"2.1\"", "*/*", "application/*",
        "text/html, application/taxii+json;version=2.1;q=0.5", "application/json, */*;q=0.1"}) {
    EXPECT_TRUE(AcceptsTaxii(ok)) << ok;
  }
  for (const char* refused :
       {"application/json", "application/taxii+json;version=2.0", "text/html",
        "application/taxii+json;version=2.1;q=0", "application/stix+json;version=2.1"}) {
    EXPECT_FALSE(AcceptsTaxii(refused)) << refused;
  }
}

TEST(TaxiiContentTypeTest, OnlyTaxiiEnvelopes) {
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json;version=2.1"));
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json; charset=utf-8"));
  EXPECT_FALSE(IsTaxiiContentType("application/json"));
  EXPECT_FALSE(IsTaxiiContentType("application/taxii+json;version=2.0"));
  EXPECT_FALSE(IsTaxiiContentType(""));
}

TEST(TaxiiErrorTest, ErrorMessagesHaveTheTaxiiForm) {
  http::Response unauthorised = RenderError(Unauthenticated(), 401, "req-1");
  EXPECT_EQ(unauthorised.status, 401);
  EXPECT_EQ(HeaderOf(unauthorised, "Content-Type"), kTaxiiMediaType);
  EXPECT_EQ(HeaderOf(unauthorised, "WWW-Authenticate"), "Basic realm=\"fincyber TAXII\", Bearer");
  const Json body = Json::parse(unauthorised.body);
  EXPECT_EQ(body["title"], "Unauthorized");
  EXPECT_EQ(body["http_status"], "401");
  EXPECT_EQ(body["error_id"], "req-1");
  const Json internal = Json::parse(RenderError(Internal("table x broke"), 500, "r").body);
  EXPECT_EQ(internal["description"], "internal error");
  EXPECT_EQ(HeaderOf(ErrorResponse(406, "no", "r"), "WWW-Authenticate"), "");
}

TEST(TaxiiCursorTest, RoundTripsAndRefusesForgeries) {
  const sharing::Cursor cursor{1'790'000'000'123'456, 42};
  auto decoded = DecodeCursor(EncodeCursor(cursor));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->date_added, cursor.date_added);
  EXPECT_EQ(decoded->row, cursor.row);
  for (const char* bad : {"", "-", "12", "12-", "-12", "zz-1", "1-1-1", "ffffffffffffffffff-1",
                          "8000000000000000-1"}) {
    EXPECT_FALSE(DecodeCursor(bad).ok()) << bad;
  }
}

TEST(TaxiiQueryTest, ParsesFiltersAndPaging) {
  const std::multimap<std::string, std::string> params = {
      {"added_after", "2024-05-01T12:00:00.5Z"},
      {"limit", "5000"},
      {"match[type]", "indicator,malware"},
      {"match[type]", "indicator"},
      {"match[id]", "indicator--a"},
      {"match[version]", "first,2024-05-01T00:00:00Z"},
      {"match[spec_version]", "2.1"},
      {"unknown", "ignored"}};
  auto q = ParseObjectQuery(params);
  ASSERT_TRUE(q.ok()) << q.error().internal_message();
  EXPECT_EQ(q->limit, sharing::kMaxPageSize);
  EXPECT_EQ(*q->added_after, stix::ParseTimestamp("2024-05-01T12:00:00.5Z").value());
  EXPECT_EQ(q->types, (std::vector<std::string>{"indicator", "malware"}));
  EXPECT_EQ(q->ids, (std::vector<std::string>{"indicator--a"}));
  EXPECT_TRUE(q->versions.first);
  EXPECT_FALSE(q->versions.last);
  EXPECT_EQ(q->versions.at.size(), 1u);
  EXPECT_EQ(q->spec_versions, (std::vector<std::string>{"2.1"}));

  auto defaults = ParseObjectQuery({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(defaults->versions.empty());
  EXPECT_FALSE(defaults->added_after.has_value());

  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"limit", "0"},
                                                        {"limit", "-1"},
                                                        {"limit", "ten"},
                                                        {"added_after", "yesterday"},
                                                        {"match[version]", "newest"},
                                                        {"next", "not-a-cursor"}}) {
    auto bad = ParseObjectQuery({{name, value}});
    ASSERT_FALSE(bad.ok()) << name << "=" << value;
    EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(TaxiiResourceTest, EnvelopeKeepsStoredBytesAndHeadersSpanTheObjects) {
  sharing::ObjectPage page;
  page.more = true;
  page.next = {2'000'000, 7};
  auto object = [](std::int64_t row, std::string id, stix::Timestamp version,
                   stix::Timestamp date_added, std::string body) {
    sharing::StoredObject o;
    o.row = row;
    o.id = std::move(id);
    o.version = version;
    o.date_added = date_added;
    o.body = std::move(body);
    return o;
  };
  page.objects.push_back(
      object(6, "indicator--a", 1'000'000, 1'000'001, "{\"id\": \"indicator--a\"}"));
  page.objects.push_back(
      object(7, "indicator--b", 1'500'000, 2'000'000, "{\"id\":\"indicator--b\"}"));
  const std::string body = EnvelopeBody(page);
  EXPECT_NE(body.find("{\"id\": \"indicator--a\"}"), std::string::npos);
  const Json parsed = Json::parse(body);
  EXPECT_EQ(parsed["more"], true);
  EXPECT_EQ(parsed["next"], EncodeCursor(page.next));
  EXPECT_EQ(parsed["objects"].size(), 2u);
  http::Response response = TaxiiResponse(body, &page);
  EXPECT_EQ(HeaderOf(response, "X-TAXII-Date-Added-First"), "1970-01-01T00:00:01.000001Z");
  EXPECT_EQ(HeaderOf(response, "X-TAXII-Date-Added-Last"), "1970-01-01T00:00:02.000000Z");

  const Json manifest = ManifestResource(page);
  EXPECT_EQ(manifest["objects"][1]["version"], "1970-01-01T00:00:01.500000Z");
  EXPECT_EQ(manifest["objects"][1]["media_type"], kStixMediaType);
  EXPECT_EQ(VersionsResource(page)["versions"][0], "1970-01-01T00:00:01.000000Z");

  sharing::ObjectPage empty;
  EXPECT_EQ(Json::parse(EnvelopeBody(empty)), (Json{{"more", false}}));
  EXPECT_EQ(HeaderOf(TaxiiResponse("{}", &empty), "X-TAXII-Date-Added-First"), "");
}

TEST(TaxiiResourceTest, StatusListsEachOutcome) {
  sharing::AddReport report;
  report.id = "s1";
  report.total_count = 2;
  report.successes = {{"indicator--a", "2024-01-01T00:00:00.000000Z", "stored"}};
  report.failures = {{"indicator--b", "", "pattern: pattern: bad"}};
  const Json status = StatusResource(report);
  EXPECT_EQ(status["status"], "complete");
  EXPECT_EQ(status["success_count"], 1);
  EXPECT_EQ(status["failure_count"], 1);
  EXPECT_EQ(status["pending_count"], 0);
  EXPECT_EQ(status["failures"][0]["message"], "pattern: pattern: bad");
  EXPECT_FALSE(status["failures"][0].contains("version"));
}

}  // namespace
}  // namespace fincyber::taxii
