#include <gtest/gtest.h>

#include "http/http.h"
#include "http/internal/target.h"

namespace fincyber::http {
namespace {

struct TargetCase {
  std::string target;
  std::string path;  // "" when the target must be refused
};

TEST(ParseTargetTest, DecodesOrRefuses) {
  const std::vector<TargetCase> cases = {
      {"/", "/"},
      {"/api/v1/orgs", "/api/v1/orgs"},
      {"/a%20b/%E6%97%A5", "/a b/\xE6\x97\xA5"},
      {"/a+b", "/a+b"},  // '+' is only a space in the query
      {"/a/b?x=1", "/a/b"},
      {"/a#frag", "/a"},
      {"/a/..b/c..", "/a/..b/c.."},
      {"/../etc/passwd", ""},
      {"/a/../b", ""},
      {"/a/%2e%2e/b", ""},
      {"/a/%2E%2e", ""},
      {"/a/.%2e/", ""},
      {"/a/./b", ""},
      {"/..%2fetc", ""},
      {"/a%00b", ""},
      {"/a%2", ""},
      {"/a%zz", ""},
      {"/a%", ""},
      {"/%C0%AF", ""},  // overlong '/': invalid UTF-8
      {"/%FF", ""},
      {"http://example.com/a", ""},
      {"*", ""},
      {"", ""},
  };
  for (const auto& c : cases) {
    auto parsed = internal::ParseTarget(c.target);
    if (c.path.empty()) {
      ASSERT_FALSE(parsed.ok()) << c.target;
      EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument) << c.target;
    } else {
      ASSERT_TRUE(parsed.ok()) << c.target << ": " << parsed.error().safe_message();
      EXPECT_EQ(parsed->path, c.path) << c.target;
    }
  }
}

TEST(ParseTargetTest, DecodesQueryIntoMultimap) {
  auto parsed = internal::ParseTarget("/s?q=two+words&tag=a&tag=b%26c&flag&=v&&k=%E2%9C%93");
  ASSERT_TRUE(parsed.ok());
  const std::multimap<std::string, std::string> expected = {
      {"q", "two words"}, {"tag", "a"}, {"tag", "b&c"},
      {"flag", ""},       {"", "v"},    {"k", "\xE2\x9C\x93"}};
  EXPECT_EQ(parsed->query, expected);
  EXPECT_FALSE(internal::ParseTarget("/s?q=%zz").ok());
  EXPECT_FALSE(internal::ParseTarget("/s?q=%00").ok());
  EXPECT_FALSE(internal::ParseTarget("/s?q=%FF").ok());
}

TEST(RequestTest, HeaderLookupIgnoresCase) {
  Request request;
  request.headers = {{"content-type", "text/plain"}, {"x-a", "1"}, {"x-a", "2"}};
  EXPECT_EQ(request.Header("Content-Type"), "text/plain");
  EXPECT_EQ(request.Header("X-A"), "1");
  EXPECT_EQ(request.Header("missing"), "");
}

TEST(RequestTest, ParsesCookies) {
  Request request;
  request.headers = {{"cookie", "a=1; fc_session=abc=def;  b=\"quoted\" ;c"},
                     {"cookie", "late=yes"}};
  EXPECT_EQ(request.Cookie("fc_session"), "abc=def");
  EXPECT_EQ(request.Cookie("a"), "1");
  EXPECT_EQ(request.Cookie("b"), "quoted");
  EXPECT_EQ(request.Cookie("late"), "yes");
  EXPECT_EQ(request.Cookie("c"), std::nullopt);
  EXPECT_EQ(request.Cookie("fc"), std::nullopt);
  EXPECT_EQ(Request().Cookie("a"), std::nullopt);
}

TEST(RequestTest, QueryAndPathParams) {
  Request request;
  request.query = {{"a", "1"}, {"a", "2"}};
  request.path_params = {{"id", "x"}};
  EXPECT_EQ(request.QueryParam("a"), "1");
  EXPECT_EQ(request.QueryParam("b"), std::nullopt);
  EXPECT_EQ(request.PathParam("id"), "x");
  EXPECT_EQ(request.PathParam("other"), "");
}

TEST(RequestTest, RequirePrincipal) {
  Request request;
  auto missing = request.RequirePrincipal();
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kUnauthenticated);
  request.principal.emplace();
  request.principal->user_id = "u1";
  auto present = request.RequirePrincipal();
  ASSERT_TRUE(present.ok());
  EXPECT_EQ((*present)->user_id, "u1");
}

Request JsonRequest(std::string content_type, std::string body) {
  Request request;
  request.headers = {{"content-type", std::move(content_type)}};
  request.body = std::move(body);
  return request;
}

TEST(RequestTest, JsonBodyAcceptsJsonMediaTypes) {
  for (const char* type : {"application/json", "Application/JSON; charset=utf-8",
                           "application/vnd.fincyber+json", " application/json ;charset=UTF-8"}) {
    auto body = JsonRequest(type, R"({"a":1})").JsonBody();
    ASSERT_TRUE(body.ok()) << type;
    EXPECT_EQ((*body)["a"], 1);
  }
}

TEST(RequestTest, JsonBodyRefusesOtherMediaTypesWith415) {
  for (const char* type : {"", "text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data", "text/json+xml", "application/jsonp"}) {
    auto body = JsonRequest(type, R"({"a":1})").JsonBody();
    ASSERT_FALSE(body.ok()) << type;
    EXPECT_EQ(body.error().safe_message(), "Content-Type must be application/json");
    EXPECT_EQ(HttpStatusFor(body.error()), 415);
  }
}

TEST(RequestTest, JsonBodyRefusesHostileBodies) {
  const std::string deep = std::string(33, '[') + std::string(33, ']');
  const std::string nested_ok = "{\"a\":" + std::string(30, '[') + std::string(30, ']') + "}";
  for (const std::string& text :
       {std::string("{"), std::string("{\"a\":}"), std::string(""), std::string("[1,2]"),
        std::string("\"text\""), std::string("{\"a\":\"\xC3\x28\"}"), deep,
        "{\"a\":" + deep + "}"}) {
    auto body = JsonRequest("application/json", text).JsonBody();
    ASSERT_FALSE(body.ok()) << text;
    EXPECT_EQ(HttpStatusFor(body.error()), 400) << text;
  }
  EXPECT_TRUE(JsonRequest("application/json", nested_ok).JsonBody().ok());
}

TEST(ResponseTest, MakeJsonAndHeaders) {
  Response response = Response::MakeJson({{"ok", true}}, 201);
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, R"({"ok":true})");
  response.SetHeader("content-type", "application/x");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].second, "application/x");
  EXPECT_EQ(Response::NoContent().status, 204);
}

TEST(MethodTest, Names) {
  EXPECT_EQ(MethodName(Method::kGet), "GET");
  EXPECT_EQ(MethodName(Method::kDelete), "DELETE");
  EXPECT_EQ(MethodName(Method::kPatch), "PATCH");
}

}  // namespace
}  // namespace fincyber::http
