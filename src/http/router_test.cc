#include <gtest/gtest.h>

#include "http/http.h"

namespace fincyber::http {
namespace {

Route MakeRoute(Method method, std::string pattern, std::string tag) {
  return Route{method, std::move(pattern), Auth::kNone,
               [tag](Request&) -> Result<Response> {
                 Response response;
                 response.body = tag;
                 return response;
               },
               ""};
}

std::string Dispatch(const Router& router, Method method, std::string_view path,
                     std::map<std::string, std::string>* params = nullptr) {
  std::map<std::string, std::string> local;
  auto route = router.Match(method, path, params ? *params : local);
  if (!route.ok()) return "error:" + std::to_string(HttpStatusFor(route.error()));
  Request request;
  return (*route)->handler(request)->body;
}

class RouterTest : public testing::Test {
 protected:
  void SetUp() override {
    router_.Add(MakeRoute(Method::kGet, "/api/v1/orgs", "list"));
    router_.Add(MakeRoute(Method::kPost, "/api/v1/orgs", "create"));
    router_.Add(MakeRoute(Method::kGet, "/api/v1/orgs/{id}", "get"));
    router_.Add(MakeRoute(Method::kGet, "/api/v1/orgs/mine", "mine"));
    router_.Add(MakeRoute(Method::kDelete, "/api/v1/orgs/{id}/users/{user}", "remove"));
    router_.Add(MakeRoute(Method::kGet, "/", "root"));
  }
  Router router_;
};

TEST_F(RouterTest, MatchesExactPaths) {
  EXPECT_EQ(Dispatch(router_, Method::kGet, "/api/v1/orgs"), "list");
  EXPECT_EQ(Dispatch(router_, Method::kPost, "/api/v1/orgs"), "create");
  EXPECT_EQ(Dispatch(router_, Method::kGet, "/"), "root");
}

TEST_F(RouterTest, FillsParameters) {
  std::map<std::string, std::string> params{{"stale", "x"}};
  EXPECT_EQ(Dispatch(router_, Method::kDelete, "/api/v1/orgs/o-1/users/u 2", &params), "remove");
  EXPECT_EQ(params, (std::map<std::string, std::string>{{"id", "o-1"}, {"user", "u 2"}}));
}

TEST_F(RouterTest, ExactSegmentWinsOverParameter) {
  EXPECT_EQ(Dispatch(router_, Method::kGet, "/api/v1/orgs/mine"), "mine");
  EXPECT_EQ(Dispatch(router_, Method::kGet, "/api/v1/orgs/other"), "get");
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  EXPECT_EQ(Dispatch(router_, Method::kGet, "/api/v1/nothing"), "error:404");
  EXPECT_EQ(Dispatch(router_, Method::kGet, "/api/v1/orgs/"), "error:404");  // empty parameter
  EXPECT_EQ(Dispatch(router_, Method::kGet, "/api/v1/orgs/a/b"), "error:404");
  std::map<std::string, std::string> params;
  auto route = router_.Match(Method::kGet, "/nope", params);
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.error().code(), ErrorCode::kNotFound);
}

TEST_F(RouterTest, KnownPathWithOtherMethodIsMethodNotAllowed) {
  EXPECT_EQ(Dispatch(router_, Method::kPut, "/api/v1/orgs"), "error:405");
  EXPECT_EQ(Dispatch(router_, Method::kPost, "/api/v1/orgs/x"), "error:405");
  EXPECT_EQ(router_.AllowedMethods("/api/v1/orgs"), "GET, HEAD, POST");
  EXPECT_EQ(router_.AllowedMethods("/api/v1/orgs/x/users/y"), "DELETE");
  EXPECT_EQ(router_.AllowedMethods("/nope"), "");
}

TEST_F(RouterTest, HeadUsesGetRouteUnlessOneIsDeclared) {
  EXPECT_EQ(Dispatch(router_, Method::kHead, "/api/v1/orgs/mine"), "mine");
  router_.Add(MakeRoute(Method::kHead, "/api/v1/orgs/mine", "head"));
  EXPECT_EQ(Dispatch(router_, Method::kHead, "/api/v1/orgs/mine"), "head");
  EXPECT_EQ(Dispatch(router_, Method::kGet, "/api/v1/orgs/mine"), "mine");
}

}  // namespace
}  // namespace fincyber::http
