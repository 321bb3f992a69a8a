#include "http/internal/pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "base/crypto.h"
#include "http/internal/errors.h"
#include "http/test_authenticator.h"

namespace fincyber::http {
namespace {

namespace fs = std::filesystem;

Result<Response> WhoAmI(Request& request) {
  FC_ASSIGN_OR_RETURN(const identity::Principal* principal, request.RequirePrincipal());
  return Response::MakeJson({{"user", principal->user_id}});
}

Router TestRouter() {
  Router router;
  router.Add({Method::kGet, "/api/me", Auth::kRequired, WhoAmI, ""});
  router.Add({Method::kPost, "/api/me", Auth::kRequired, WhoAmI, ""});
  router.Add({Method::kDelete, "/api/me", Auth::kRequired, WhoAmI, ""});
  router.Add({Method::kPost, "/api/login", Auth::kNone,
              [](Request&) -> Result<Response> { return Response::NoContent(); }, ""});
  router.Add({Method::kGet, "/api/items/{id}", Auth::kNone,
              [](Request& request) -> Result<Response> {
                return Response::MakeJson(
                    {{"id", request.PathParam("id")}, {"q", request.QueryParam("q").value_or("")}});
              },
              ""});
  router.Add({Method::kPost, "/api/echo", Auth::kNone,
              [](Request& request) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(Json body, request.JsonBody());
                return Response::MakeJson(body);
              },
              ""});
  router.Add({Method::kGet, "/api/throw", Auth::kNone,
              [](Request&) -> Result<Response> { throw std::runtime_error("db at /var/x"); }, ""});
  router.Add({Method::kGet, "/api/fail", Auth::kNone,
              [](Request&) -> Result<Response> {
                return InvalidArgument("bad", {{"name", "too long"}});
              },
              ""});
  return router;
}

internal::Incoming Make(std::string method, std::string target,
                        std::vector<std::pair<std::string, std::string>> headers = {},
                        std::string body = "") {
  internal::Incoming incoming;
  incoming.method = std::move(method);
  incoming.target = std::move(target);
  incoming.headers = std::move(headers);
  incoming.body = std::move(body);
  incoming.remote_address = "127.0.0.1";
  return incoming;
}

std::string HeaderOf(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

Json BodyOf(const Response& response) { return Json::parse(response.body); }

class PipelineTest : public testing::Test {
 protected:
  Response Handle(internal::Incoming incoming) { return pipeline_.Handle(std::move(incoming)); }

  FakeAuthenticator authenticator_;
  internal::Pipeline pipeline_{TestRouter(), authenticator_, std::nullopt, false};
};

TEST_F(PipelineTest, RoutesWithParamsAndQuery) {
  Response response = Handle(Make("GET", "/api/items/a%20b?q=x+y"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(BodyOf(response), (Json{{"id", "a b"}, {"q", "x y"}}));
  EXPECT_EQ(HeaderOf(response, "Content-Length"), std::to_string(response.body.size()));
}

TEST_F(PipelineTest, UnknownPathIsJson404AndWrongMethodIs405WithAllow) {
  Response missing = Handle(Make("GET", "/api/nothing"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(BodyOf(missing)["error"]["code"], "not_found");
  Response wrong = Handle(Make("PUT", "/api/items/1"));
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(HeaderOf(wrong, "Allow"), "GET, HEAD");
  Response unknown_method = Handle(Make("BREW", "/api/me"));
  EXPECT_EQ(unknown_method.status, 405);
  EXPECT_EQ(HeaderOf(unknown_method, "Allow"), "GET, HEAD, POST, DELETE");
}

TEST_F(PipelineTest, ErrorBodyCarriesRequestIdAndDetails) {
  Response response = Handle(Make("GET", "/api/fail"));
  EXPECT_EQ(response.status, 400);
  const Json body = BodyOf(response);
  EXPECT_EQ(body["error"]["code"], "invalid_argument");
  EXPECT_EQ(body["error"]["message"], "bad");
  EXPECT_EQ(body["error"]["details"][0]["field"], "name");
  const std::string id = HeaderOf(response, "X-Request-Id");
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(body["error"]["request_id"], id);
}

TEST_F(PipelineTest, HonoursOnlyWellFormedIncomingRequestIds) {
  EXPECT_EQ(HeaderOf(Handle(Make("GET", "/api/items/1", {{"x-request-id", "abc.DEF_1-2"}})),
                     "X-Request-Id"),
            "abc.DEF_1-2");
  for (const std::string& bad :
       std::vector<std::string>{"has space", "semi;colon", std::string(65, 'a'), "\xC3\xA9"}) {
    const std::string id =
        HeaderOf(Handle(Make("GET", "/api/items/1", {{"x-request-id", bad}})), "X-Request-Id");
    EXPECT_NE(id, bad);
    EXPECT_EQ(id.size(), 16u);
  }
  EXPECT_NE(internal::RequestIdFor(""), internal::RequestIdFor(""));
}

TEST_F(PipelineTest, SecurityHeadersOnEveryResponse) {
  for (const Response& response : std::vector<Response>{
           Handle(Make("GET", "/api/items/1")), Handle(Make("GET", "/api/nothing")),
           pipeline_.Reject(internal::BodyTooLarge(), Make("POST", "/api/echo"))}) {
    EXPECT_EQ(HeaderOf(response, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(HeaderOf(response, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(HeaderOf(response, "X-Frame-Options"), "DENY");
    EXPECT_TRUE(HeaderOf(response, "Content-Security-Policy").starts_with("default-src 'self'"));
    EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-store");
    EXPECT_EQ(HeaderOf(response, "Strict-Transport-Security"), "");
  }
  FakeAuthenticator authenticator;
  internal::Pipeline tls(TestRouter(), authenticator, std::nullopt, true);
  EXPECT_EQ(HeaderOf(tls.Handle(Make("GET", "/api/items/1")), "Strict-Transport-Security"),
            "max-age=31536000");
}

TEST_F(PipelineTest, RejectUsesTheOneErrorBody) {
  Response response = pipeline_.Reject(internal::BodyTooLarge(), Make("POST", "/api/echo"));
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(BodyOf(response)["error"]["code"], "resource_exhausted");
}

TEST_F(PipelineTest, MalformedTargetIs400) {
  for (const char* target : {"/api/%2e%2e/x", "/a%00", "/a%zz", "/../etc/passwd"}) {
    Response response = Handle(Make("GET", target));
    EXPECT_EQ(response.status, 400) << target;
    EXPECT_EQ(BodyOf(response)["error"]["code"], "invalid_argument");
  }
}

TEST_F(PipelineTest, JsonBodyErrors) {
  const std::vector<std::pair<std::string, std::string>> json = {
      {"content-type", "application/json"}};
  EXPECT_EQ(Handle(Make("POST", "/api/echo", json, R"({"a":[1]})")).status, 200);
  EXPECT_EQ(Handle(Make("POST", "/api/echo", json, R"({"a":)")).status, 400);
  EXPECT_EQ(Handle(Make("POST", "/api/echo", json, "{\"a\":\"\xFF\"}")).status, 400);
  EXPECT_EQ(
      Handle(Make("POST", "/api/echo", json, std::string(100, '[') + std::string(100, ']'))).status,
      400);
  Response wrong_type = Handle(Make("POST", "/api/echo", {{"content-type", "text/plain"}}, "{}"));
  EXPECT_EQ(wrong_type.status, 415);
  EXPECT_EQ(BodyOf(wrong_type)["error"]["message"], "Content-Type must be application/json");
}

TEST_F(PipelineTest, HandlerExceptionIs500WithoutItsText) {
  Response response = Handle(Make("GET", "/api/throw"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(BodyOf(response)["error"]["message"], "internal error");
  EXPECT_EQ(response.body.find("/var/x"), std::string::npos);
}

TEST_F(PipelineTest, HeadAnswersGetWithoutBody) {
  Response get = Handle(Make("GET", "/api/items/7"));
  Response head = Handle(Make("HEAD", "/api/items/7"));
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(HeaderOf(head, "Content-Length"), std::to_string(get.body.size()));
}

TEST_F(PipelineTest, AuthenticationRequired) {
  Response none = Handle(Make("GET", "/api/me"));
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(BodyOf(none)["error"]["code"], "unauthenticated");
  EXPECT_EQ(Handle(Make("GET", "/api/me", {{"authorization", "Bearer bad"}})).status, 401);
  EXPECT_EQ(Handle(Make("GET", "/api/me", {{"authorization", "Basic Zm9vOmJhcg=="}})).status, 401);
  EXPECT_EQ(Handle(Make("GET", "/api/me", {{"authorization", "Bearer "}})).status, 401);
  EXPECT_EQ(Handle(Make("GET", "/api/me", {{"cookie", "fc_session=bad"}})).status, 401);
  EXPECT_EQ(Handle(Make("GET", "/api/me", {{"cookie", "other=good-session"}})).status, 401);

  Response token = Handle(Make("GET", "/api/me", {{"authorization", "bearer good-token"}}));
  EXPECT_EQ(token.status, 200);
  EXPECT_EQ(BodyOf(token)["user"], "u-token");
  Response cookie = Handle(Make("GET", "/api/me", {{"cookie", "a=b; fc_session=good-session"}}));
  EXPECT_EQ(cookie.status, 200);
  EXPECT_EQ(BodyOf(cookie)["user"], "u-cookie");
}

TEST_F(PipelineTest, BasicCarriesUserNameAndToken) {
  // "alice:good-token", "bob:good-token", "alice:bad", "alice" (no colon).
  Response ok =
      Handle(Make("GET", "/api/me", {{"authorization", "Basic YWxpY2U6Z29vZC10b2tlbg=="}}));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(BodyOf(ok)["user"], "u-token");
  for (const char* bad : {"Basic Ym9iOmdvb2QtdG9rZW4=", "Basic YWxpY2U6YmFk",
                          "Basic YWxpY2U=", "Basic YWxpY2U6Z29vZC10b2tlbg", "Basic !!!!", "Basic ",
                          "Digest YWxpY2U6Z29vZC10b2tlbg=="}) {
    EXPECT_EQ(Handle(Make("GET", "/api/me", {{"authorization", bad}})).status, 401) << bad;
  }
  // Written without a CSRF token, but never cross-origin.
  const std::pair<std::string, std::string> basic{"authorization",
                                                  "basic YWxpY2U6Z29vZC10b2tlbg=="};
  EXPECT_EQ(Handle(Make("POST", "/api/me", {basic, {"host", "fc.example"}})).status, 200);
  EXPECT_EQ(Handle(Make("POST", "/api/me",
                        {basic, {"host", "fc.example"}, {"origin", "https://evil.example"}}))
                .status,
            403);
}

class NoEvents final : public BodyStream {
 public:
  void Attach(std::function<void()>) override {}
  Result<std::string> Next(Reason) override { return std::string(); }
};

TEST(PipelineStreamTest, StreamsTakeASlotPerUserAndInAll) {
  FakeAuthenticator authenticator;
  Router router;
  router.Add({Method::kGet, "/api/stream", Auth::kRequired,
              [](Request&) -> Result<Response> {
                return Response::MakeStream("text/event-stream", std::make_shared<NoEvents>());
              },
              ""});
  auto slots = std::make_shared<internal::StreamSlots>(2, 1);
  internal::Pipeline pipeline(std::move(router), authenticator, std::nullopt, false, slots);
  const std::vector<std::pair<std::string, std::string>> token{
      {"authorization", "Bearer good-token"}};
  const std::vector<std::pair<std::string, std::string>> cookie{
      {"cookie", "fc_session=good-session"}};

  Response first = pipeline.Handle(Make("GET", "/api/stream", token));
  ASSERT_TRUE(first.stream);
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(HeaderOf(first, "Content-Type"), "text/event-stream");
  EXPECT_EQ(HeaderOf(first, "Content-Length"), "");
  EXPECT_EQ(HeaderOf(first, "X-Accel-Buffering"), "no");
  EXPECT_EQ(HeaderOf(first, "Cache-Control"), "no-store");

  Response same_user = pipeline.Handle(Make("GET", "/api/stream", token));
  EXPECT_FALSE(same_user.stream);
  EXPECT_EQ(same_user.status, 429);
  EXPECT_EQ(BodyOf(same_user)["error"]["code"], "resource_exhausted");

  Response other_user = pipeline.Handle(Make("GET", "/api/stream", cookie));
  ASSERT_TRUE(other_user.stream);
  EXPECT_EQ(slots->open(), 2);
  EXPECT_EQ(pipeline.Handle(Make("GET", "/api/stream", {})).status, 401);

  // HEAD answers the headers and holds no slot.
  first.stream.reset();
  Response head = pipeline.Handle(Make("HEAD", "/api/stream", token));
  EXPECT_EQ(head.status, 200);
  EXPECT_FALSE(head.stream);
  EXPECT_EQ(slots->open(), 1);

  Response again = pipeline.Handle(Make("GET", "/api/stream", token));
  EXPECT_TRUE(again.stream);
  // Both slots in use: the server is full before the user is.
  EXPECT_EQ(pipeline.Handle(Make("GET", "/api/stream", token)).status, 503);
  other_user.stream.reset();
  EXPECT_EQ(pipeline.Handle(Make("GET", "/api/stream", token)).status, 429);
  again.stream.reset();
  EXPECT_EQ(slots->open(), 0);
}

TEST(PipelineStreamTest, AFullServerAnswers503) {
  internal::StreamSlots slots(1, 5);
  auto held = slots.Acquire("user:a");
  ASSERT_TRUE(held.ok());
  auto refused = slots.Acquire("user:b");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(HttpStatusFor(refused.error()), 503);
  held->reset();
  EXPECT_TRUE(slots.Acquire("user:b").ok());
}

TEST(PipelineErrorRendererTest, PrefixGetsItsOwnErrorsBeforeAndAfterRouting) {
  FakeAuthenticator authenticator;
  Router router = TestRouter();
  router.Add({Method::kGet, "/proto/", Auth::kRequired, WhoAmI, ""});
  router.Add({Method::kGet, "/proto/fail", Auth::kNone,
              [](Request&) -> Result<Response> { return NotFound("no such thing"); }, ""});
  router.Add({Method::kGet, "/proto/busy", Auth::kNone,
              [](Request&) -> Result<Response> { return Unavailable("database busy"); }, ""});
  router.Add({Method::kGet, "/api/busy", Auth::kNone,
              [](Request&) -> Result<Response> { return Unavailable("database busy"); }, ""});
  router.SetErrorRenderer("/proto/", [](const Error& error, int status, std::string_view id) {
    Response response = Response::MakeJson(
        {{"title", error.safe_message()}, {"http_status", std::to_string(status)}, {"id", id}},
        status);
    response.SetHeader("Content-Type", "application/proto+json");
    if (status == 401) response.SetHeader("WWW-Authenticate", "Basic realm=\"proto\"");
    return response;
  });
  fs::path dir = fs::temp_directory_path() / ("fc-renderer-" + RandomToken(6));
  fs::create_directories(dir);
  std::ofstream(dir / "index.html") << "<html></html>";
  auto static_files = internal::StaticFiles::Open(dir.string());
  ASSERT_TRUE(static_files.ok());
  internal::Pipeline pipeline(std::move(router), authenticator, std::move(*static_files), false);

  Response unauthenticated = pipeline.Handle(Make("GET", "/proto/"));
  EXPECT_EQ(unauthenticated.status, 401);
  EXPECT_EQ(BodyOf(unauthenticated)["http_status"], "401");
  EXPECT_EQ(HeaderOf(unauthenticated, "WWW-Authenticate"), "Basic realm=\"proto\"");
  Response handler_error = pipeline.Handle(Make("GET", "/proto/fail"));
  EXPECT_EQ(handler_error.status, 404);
  EXPECT_EQ(BodyOf(handler_error)["title"], "no such thing");
  EXPECT_EQ(HeaderOf(handler_error, "Retry-After"), "");
  // Unavailable says when to come back, in either format.
  for (const char* busy : {"/proto/busy", "/api/busy"}) {
    Response unavailable = pipeline.Handle(Make("GET", busy));
    EXPECT_EQ(unavailable.status, 503) << busy;
    EXPECT_EQ(HeaderOf(unavailable, "Retry-After"), "5") << busy;
  }
  // Unknown paths under the prefix are errors in its format, not the web UI.
  Response unknown = pipeline.Handle(Make("GET", "/proto/unknown/"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(HeaderOf(unknown, "Content-Type"), "application/proto+json");
  Response too_large = pipeline.Reject(internal::BodyTooLarge(), Make("POST", "/proto/x?y=1"));
  EXPECT_EQ(too_large.status, 413);
  EXPECT_EQ(BodyOf(too_large)["http_status"], "413");
  // Other paths keep the platform's body and challenge.
  Response api = pipeline.Handle(Make("GET", "/api/me"));
  EXPECT_EQ(BodyOf(api)["error"]["code"], "unauthenticated");
  EXPECT_EQ(HeaderOf(api, "WWW-Authenticate"), "Bearer");
  EXPECT_EQ(pipeline.Handle(Make("GET", "/elsewhere")).body, "<html></html>");
  fs::remove_all(dir);
}

TEST_F(PipelineTest, CookieWritesNeedTheCsrfToken) {
  const std::pair<std::string, std::string> cookie{"cookie", "fc_session=good-session"};
  for (const char* method : {"POST", "DELETE"}) {
    Response missing = Handle(Make(method, "/api/me", {cookie}));
    EXPECT_EQ(missing.status, 403);
    EXPECT_EQ(BodyOf(missing)["error"]["message"], "missing or invalid CSRF token");
    EXPECT_EQ(Handle(Make(method, "/api/me", {cookie, {"x-csrf-token", "csrf-2"}})).status, 403);
    EXPECT_EQ(Handle(Make(method, "/api/me", {cookie, {"x-csrf-token", "csrf-1"}})).status, 200);
  }
  // Reads need no token.
  EXPECT_EQ(Handle(Make("GET", "/api/me", {cookie})).status, 200);
}

TEST_F(PipelineTest, BearerWritesSkipCsrf) {
  EXPECT_EQ(Handle(Make("POST", "/api/me", {{"authorization", "Bearer good-token"}})).status, 200);
}

TEST_F(PipelineTest, CrossOriginCookieWritesAreRefused) {
  const std::vector<std::pair<std::string, std::string>> same = {
      {"cookie", "fc_session=good-session"},
      {"x-csrf-token", "csrf-1"},
      {"host", "fc.example:8443"},
      {"origin", "https://fc.example:8443"}};
  EXPECT_EQ(Handle(Make("POST", "/api/me", same)).status, 200);
  for (const char* origin :
       {"https://evil.example", "null", "https://fc.example:8443.evil", "https://fc.example"}) {
    auto headers = same;
    headers.back().second = origin;
    Response response = Handle(Make("POST", "/api/me", headers));
    EXPECT_EQ(response.status, 403) << origin;
  }
  // Public writes too (no login CSRF); without an Origin header they pass.
  EXPECT_EQ(Handle(Make("POST", "/api/login",
                        {{"host", "fc.example"}, {"origin", "https://evil.example"}}))
                .status,
            403);
  EXPECT_EQ(Handle(Make("POST", "/api/login", {{"host", "fc.example"}})).status, 204);
}

class StaticFilesTest : public testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("fc-static-" + RandomToken(8));
    root_ = base_ / "www";
    fs::create_directories(root_ / "assets");
    Write(root_ / "index.html", "<!doctype html>app");
    Write(root_ / "assets" / "app-1234.js", "console.log(1)");
    Write(root_ / "style.css", "body{}");
    Write(root_ / "logo.svg", "<svg/>");
    Write(root_ / "font.woff2", "w2");
    Write(base_ / "secret.txt", "top secret");
    fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt");
    fs::create_directory_symlink(base_, root_ / "up");
    auto files = internal::StaticFiles::Open(root_.string());
    ASSERT_TRUE(files.ok());
    pipeline_.emplace(TestRouter(), authenticator_, std::move(files).value(), false);
  }
  void TearDown() override { fs::remove_all(base_); }

  static void Write(const fs::path& path, std::string_view content) {
    std::ofstream(path, std::ios::binary) << content;
  }
  Response Get(std::string target) { return pipeline_->Handle(Make("GET", std::move(target))); }

  fs::path base_;
  fs::path root_;
  FakeAuthenticator authenticator_;
  std::optional<internal::Pipeline> pipeline_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypesAndCaching) {
  Response index = Get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html>app");
  EXPECT_EQ(HeaderOf(index, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(index, "Cache-Control"), "no-cache");
  Response script = Get("/assets/app-1234.js");
  EXPECT_EQ(script.body, "console.log(1)");
  EXPECT_EQ(HeaderOf(script, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(script, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(HeaderOf(Get("/style.css"), "Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(HeaderOf(Get("/logo.svg"), "Content-Type"), "image/svg+xml");
  EXPECT_EQ(HeaderOf(Get("/font.woff2"), "Content-Type"), "font/woff2");
  EXPECT_EQ(HeaderOf(Get("/style.css"), "X-Content-Type-Options"), "nosniff");
}

TEST_F(StaticFilesTest, UnknownPathsServeTheApp) {
  for (const char* target : {"/orgs/123", "/settings/", "/nothing.png", "/assets"}) {
    Response response = Get(target);
    EXPECT_EQ(response.status, 200) << target;
    EXPECT_EQ(response.body, "<!doctype html>app") << target;
  }
  // A missing asset is a 404, never HTML; /api stays JSON.
  EXPECT_EQ(Get("/assets/missing.js").status, 404);
  Response api = Get("/api/unknown");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(BodyOf(api)["error"]["code"], "not_found");
  EXPECT_EQ(pipeline_->Handle(Make("POST", "/orgs/1")).status, 404);
}

TEST_F(StaticFilesTest, NeverServesOutsideTheRoot) {
  for (const char* target : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/%2E%2E/../secret.txt",
                             "/index.html%00.js", "/..%2fsecret.txt"}) {
    Response response = Get(target);
    EXPECT_EQ(response.status, 400) << target;
    EXPECT_EQ(response.body.find("top secret"), std::string::npos) << target;
  }
  // Symlinks out of the root are not followed: the app is served instead.
  for (const char* target : {"/leak.txt", "/up/secret.txt", "//etc/passwd"}) {
    Response response = Get(target);
    EXPECT_EQ(response.body.find("top secret"), std::string::npos) << target;
    EXPECT_EQ(response.body.find("root:"), std::string::npos) << target;
  }
}

TEST_F(StaticFilesTest, HeadOfAFileHasLengthButNoBody) {
  Response head = pipeline_->Handle(Make("HEAD", "/style.css"));
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(HeaderOf(head, "Content-Length"), "6");
}

TEST(StaticFilesOpenTest, RefusesMissingDirectory) {
  auto files = internal::StaticFiles::Open("/nonexistent/fc-static");
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace fincyber::http
