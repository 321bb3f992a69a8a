#include "app/config.h"

#include <gtest/gtest.h>

namespace fincyber::app {
namespace {

TEST(ConfigTest, ReadsEverySetting) {
  auto config = ParseConfig(R"(
database = "postgresql:///fincyber"
listen = "0.0.0.0:9443"
static_dir = "/srv/web"
threads = 4
log_level = "debug"
[tls]
certificate = "server.crt"
private_key = "server.key"
)",
                            "test.toml");
  ASSERT_TRUE(config.ok()) << config.error().safe_message();
  EXPECT_EQ(config->database, "postgresql:///fincyber");
  EXPECT_EQ(config->listen, "0.0.0.0:9443");
  EXPECT_EQ(config->threads, 4);
  EXPECT_EQ(config->tls_certificate, "server.crt");
  EXPECT_EQ(config->tls_private_key, "server.key");
}

TEST(ConfigTest, ReadsWarningListFiles) {
  auto config = ParseConfig("warninglists = [\"a.json\", \"b.json\"]\n", "w.toml");
  ASSERT_TRUE(config.ok()) << config.error().safe_message();
  EXPECT_EQ(config->warninglists, (std::vector<std::string>{"a.json", "b.json"}));
  auto not_a_list = ParseConfig("warninglists = \"a.json\"\n", "w.toml");
  ASSERT_FALSE(not_a_list.ok());
  EXPECT_NE(not_a_list.error().safe_message().find("w.toml:1"), std::string::npos);
  EXPECT_FALSE(ParseConfig("warninglists = [1]\n", "w.toml").ok());
}

TEST(ConfigTest, ErrorsNameTheFileLineAndKey) {
  auto typo = ParseConfig("databse = \"x\"\n", "a.toml");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().safe_message(), "a.toml:1: unknown setting 'databse'");
  auto wrong_type = ParseConfig("\nthreads = \"two\"\n", "b.toml");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.error().safe_message(), "b.toml:2: 'threads' has the wrong type");
  EXPECT_FALSE(ParseConfig("threads = 0", "c.toml").ok());
  auto syntax = ParseConfig("listen = ", "d.toml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.error().safe_message().find("d.toml:1:"), std::string::npos);
}

TEST(ConfigTest, ParsesListenAddresses) {
  auto v4 = ParseListen("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = ParseListen("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  for (const char* bad : {"8080", ":8080", "host:", "host:99999", "host:80x", "[::1]8080"}) {
    EXPECT_FALSE(ParseListen(bad).ok()) << bad;
  }
}

TEST(ConfigTest, TaxiiBodyLimitIsBounded) {
  auto config = ParseConfig("taxii_max_content_length = 16777216\n", "t.toml");
  ASSERT_TRUE(config.ok()) << config.error().safe_message();
  EXPECT_EQ(config->taxii_max_content_length, 16777216u);
  EXPECT_EQ(ParseConfig("", "t.toml")->taxii_max_content_length, 1u << 20);
  for (const char* text : {"taxii_max_content_length = 100\n",
                           "taxii_max_content_length = 2147483648\n",
                           "taxii_max_content_length = \"16M\"\n"}) {
    EXPECT_EQ(ParseConfig(text, "t.toml").error().code(), ErrorCode::kInvalidArgument) << text;
  }
}

TEST(ConfigTest, EvidenceLimitsAreBounded) {
  auto config = ParseConfig(
      "evidence_max_file_bytes = 1048576\nevidence_max_total_bytes = 5242880\n", "t.toml");
  ASSERT_TRUE(config.ok()) << config.error().safe_message();
  EXPECT_EQ(config->evidence_max_file_bytes, 1u << 20);
  EXPECT_EQ(config->evidence_max_total_bytes, 5u << 20);
  EXPECT_EQ(ParseConfig("", "t.toml")->evidence_max_file_bytes, 10u << 20);
  for (const char* text :
       {"evidence_max_file_bytes = 100\n", "evidence_max_file_bytes = 2147483648\n",
        "evidence_max_file_bytes = \"10M\"\n", "evidence_max_total_bytes = 1024\n"}) {
    EXPECT_EQ(ParseConfig(text, "t.toml").error().code(), ErrorCode::kInvalidArgument) << text;
  }
}

}  // namespace
}  // namespace fincyber::app
