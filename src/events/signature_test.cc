#include "events/signature.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "base/crypto.h"

namespace fincyber::events {
namespace {

// 2026-01-02T03:04:05.678Z
const TimePoint kAt = FromUnixMillis(1767323045678);

TEST(SignatureTest, HasTimestampAndHexHmacOfTimestampDotBody) {
  const std::string body = R"({"id":1,"type":"case.opened"})";
  const std::string header = SignatureHeaderValue("secret-key", kAt, body);
  EXPECT_EQ(header, "t=1767323045,v1=" + HmacSha256Hex("secret-key", "1767323045." + body));
  EXPECT_TRUE(std::regex_match(header, std::regex("t=[0-9]+,v1=[0-9a-f]{64}")));
}

TEST(SignatureTest, KnownVector) {
  // HMAC-SHA256(key="key", "0.The quick brown fox jumps over the lazy dog"), computed
  // independently with: printf '%s' '0.The quick ...' | openssl dgst -sha256 -hmac key
  EXPECT_EQ(
      SignatureHeaderValue("key", FromUnixMillis(0), "The quick brown fox jumps over the lazy dog"),
      "t=0,v1=8511f28f7a1949f0c42772b447d68b2daf760f5f0439a20a17e3b4e7cd395763");
}

TEST(SignatureTest, ChangesWithSecretBodyAndTime) {
  const std::string base = SignatureHeaderValue("k1", kAt, "{}");
  EXPECT_NE(base, SignatureHeaderValue("k2", kAt, "{}"));
  EXPECT_NE(base, SignatureHeaderValue("k1", kAt, "{ }"));
  EXPECT_NE(base, SignatureHeaderValue("k1", kAt + std::chrono::seconds(1), "{}"));
  // Sub-second differences do not change the signed timestamp.
  EXPECT_EQ(base, SignatureHeaderValue("k1", kAt + std::chrono::milliseconds(100), "{}"));
}

}  // namespace
}  // namespace fincyber::events
