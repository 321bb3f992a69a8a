#include <gtest/gtest.h>

#include "http/http.h"
#include "http/internal/errors.h"

namespace fincyber::http {
namespace {

TEST(ErrorMappingTest, EveryCodeHasItsStatus) {
  const std::vector<std::pair<Error, int>> cases = {
      {InvalidArgument("x"), 400},
      {NotFound("x"), 404},
      {AlreadyExists("x"), 409},
      {PermissionDenied(), 403},
      {Unauthenticated(), 401},
      {FailedPrecondition("x"), 409},
      {Aborted("x"), 409},
      {ResourceExhausted("x"), 429},
      {Unavailable("x"), 503},
      {Internal("x"), 500},
      {internal::MethodNotAllowed(), 405},
      {internal::BodyTooLarge(), 413},
      {internal::UnsupportedMediaType(), 415},
      {internal::HeadersTooLarge(), 431},
  };
  for (const auto& [error, status] : cases) {
    EXPECT_EQ(HttpStatusFor(error), status) << error.safe_message();
  }
  EXPECT_EQ(HttpStatusFor(ErrorCode::kFailedPrecondition), 409);
}

TEST(ErrorMappingTest, BodyCarriesCodeMessageRequestIdAndDetails) {
  const Json body = ErrorBody(InvalidArgument("bad input", {{"name", "required"}}), "rid-1");
  EXPECT_EQ(body, Json::parse(R"({"error":{"code":"invalid_argument","message":"bad input",
      "request_id":"rid-1","details":[{"field":"name","problem":"required"}]}})"));
}

TEST(ErrorMappingTest, BodyOmitsEmptyDetails) {
  const Json body = ErrorBody(NotFound("no such org"), "r");
  EXPECT_FALSE(body["error"].contains("details"));
  EXPECT_EQ(body["error"]["code"], "not_found");
}

TEST(ErrorMappingTest, InternalErrorsNeverShowTheirText) {
  const Error error(ErrorCode::kInternal, "table orgs is corrupt", "sqlite: disk I/O error",
                    {{"f", "p"}});
  const Json body = ErrorBody(error, "r");
  EXPECT_EQ(body["error"]["message"], "internal error");
  EXPECT_FALSE(body["error"].contains("details"));
  EXPECT_EQ(ErrorBody(Internal("secret path /x"), "r")["error"]["message"], "internal error");
}

}  // namespace
}  // namespace fincyber::http
