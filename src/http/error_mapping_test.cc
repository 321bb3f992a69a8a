#include <gtest/gtest.h>

#include "base/too_large.h"
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
      {TooLarge("the file is larger than 10 bytes", "file"), 413},
      {AsTooLarge(ResourceExhausted("the workbook has more cells than allowed"), "workbook"), 413},
      // Only the mark decides: a rate limit with field problems of its own stays 429.
      {Error(ErrorCode::kResourceExhausted, "slow down", {}, {{"attempts", "too many"}}), 429},
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

TEST(ErrorMappingTest, ACodedProblemCarriesItsCodeAndParameters) {
  const Json body = ErrorBody(InvalidArgument("rejected", {{"Answers!3:x",
                                                            "the answer was changed (version 2)",
                                                            "workbook.changed_since_export",
                                                            {{"version", "2"}}}}),
                              "rid-2");
  EXPECT_EQ(body["error"]["details"], Json::parse(R"json([{"field":"Answers!3:x",
      "problem":"the answer was changed (version 2)","code":"workbook.changed_since_export",
      "params":{"version":"2"}}])json"));
}

TEST(ErrorMappingTest, TooLargeKeepsItsCodeAndNamesWhatWasTooLarge) {
  const Json body = ErrorBody(TooLarge("the workbook is larger than 8 bytes", "workbook"), "r");
  EXPECT_EQ(body["error"]["code"], "resource_exhausted");
  EXPECT_EQ(body["error"]["details"],
            Json::parse(R"([{"field":"workbook","problem":"too_large"}])"));
  // Other codes are left as they are.
  EXPECT_EQ(AsTooLarge(InvalidArgument("x"), "workbook").code(), ErrorCode::kInvalidArgument);
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
