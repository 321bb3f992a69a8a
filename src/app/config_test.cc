#include "app/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "base/crypto.h"

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
  for (const char* text :
       {"taxii_max_content_length = 100\n", "taxii_max_content_length = 2147483648\n",
        "taxii_max_content_length = \"16M\"\n"}) {
    EXPECT_EQ(ParseConfig(text, "t.toml").error().code(), ErrorCode::kInvalidArgument) << text;
  }
}

TEST(ConfigTest, RetentionsAreBoundedAndZeroKeepsEverything) {
  EXPECT_EQ(ParseConfig("", "t.toml")->event_retention_days, 90);
  EXPECT_EQ(ParseConfig("event_retention_days = 0\n", "t.toml")->event_retention_days, 0);
  EXPECT_EQ(ParseConfig("event_retention_days = 365\n", "t.toml")->event_retention_days, 365);
  EXPECT_EQ(ParseConfig("", "t.toml")->taxii_status_retention_days, 30);
  EXPECT_EQ(ParseConfig("taxii_status_retention_days = 0\n", "t.toml")->taxii_status_retention_days,
            0);
  EXPECT_EQ(ParseConfig("taxii_status_retention_days = 7\n", "t.toml")->taxii_status_retention_days,
            7);
  for (const char* text :
       {"event_retention_days = -1\n", "event_retention_days = 36501\n",
        "event_retention_days = \"90d\"\n", "taxii_status_retention_days = -1\n",
        "taxii_status_retention_days = 36501\n", "taxii_status_retention_days = 1.5\n"}) {
    auto config = ParseConfig(text, "t.toml");
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_EQ(config.error().code(), ErrorCode::kInvalidArgument) << text;
  }
}

TEST(ConfigTest, TaxiiSpoolDefaultsBesideASqliteFileAndPostWaitIsBounded) {
  auto defaults = ParseConfig("database = \"data/hub.db\"\n", "t.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->taxii_post_wait_ms, 0);
  EXPECT_EQ(TaxiiSpoolDir(*defaults), "data/hub.db.taxii-spool");
  auto pg = ParseConfig("database = \"postgresql:///hub\"\n", "t.toml");
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(TaxiiSpoolDir(*pg), "");
  auto named = ParseConfig(
      "database = \"postgresql:///hub\"\ntaxii_spool_dir = \"/srv/spool\"\n"
      "taxii_post_wait_ms = 600000\n",
      "t.toml");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(TaxiiSpoolDir(*named), "/srv/spool");
  EXPECT_EQ(named->taxii_post_wait_ms, 600000);
  for (const char* text :
       {"taxii_post_wait_ms = -1\n", "taxii_post_wait_ms = 600001\n", "taxii_spool_dir = 3\n"}) {
    auto config = ParseConfig(text, "t.toml");
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_EQ(config.error().code(), ErrorCode::kInvalidArgument) << text;
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

TEST(ConfigTest, HubStreamLimitsAreSettingsWithBounds) {
  const Result<Config> defaults = ParseConfig("", "t.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->hub.stream_max_viewers, 1000);
  EXPECT_EQ(defaults->hub.stream_max_per_user, 8);
  EXPECT_EQ(defaults->hub.stream_heartbeat_seconds, 15);
  EXPECT_EQ(defaults->hub.stream_events_per_write, 100);
  auto config = ParseConfig(
      "[hub]\nstream_max_viewers = 5000\nstream_max_per_user = 2\n"
      "stream_heartbeat_seconds = 3600\nstream_events_per_write = 1\n",
      "t.toml");
  ASSERT_TRUE(config.ok()) << config.error().safe_message();
  EXPECT_EQ(config->hub.stream_max_viewers, 5000);
  EXPECT_EQ(config->hub.stream_max_per_user, 2);
  EXPECT_EQ(config->hub.stream_heartbeat_seconds, 3600);
  EXPECT_EQ(config->hub.stream_events_per_write, 1);
  for (const char* text :
       {"[hub]\nstream_max_viewers = 0\n", "[hub]\nstream_max_viewers = 100001\n",
        "[hub]\nstream_max_per_user = -1\n", "[hub]\nstream_max_per_user = 1001\n",
        "[hub]\nstream_heartbeat_seconds = 0\n", "[hub]\nstream_heartbeat_seconds = 3601\n",
        "[hub]\nstream_events_per_write = 0\n", "[hub]\nstream_events_per_write = 1001\n",
        "[hub]\nstream_events_per_write = 99999999999999999\n",
        "[hub]\nstream_heartbeat_seconds = 1.5\n", "[hub]\nstream_max_viewers = \"many\"\n",
        "[hub]\nstream_queue = 10\n", "hub = 10\n"}) {
    auto refused = ParseConfig(text, "t.toml");
    ASSERT_FALSE(refused.ok()) << text;
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument) << text;
    EXPECT_NE(refused.error().safe_message().find("t.toml"), std::string::npos) << text;
  }
  EXPECT_NE(ParseConfig("[hub]\nstream_events_per_write = 0\n", "t.toml")
                .error()
                .safe_message()
                .find("stream_events_per_write must be 1..1000"),
            std::string::npos);
}

TEST(ConfigTest, SurveyReminderIntervalIsBounded) {
  EXPECT_EQ(ParseConfig("", "t.toml")->survey.reminder_interval_seconds, 60);
  auto config = ParseConfig("[survey]\nreminder_interval_seconds = 2\n", "t.toml");
  ASSERT_TRUE(config.ok()) << config.error().safe_message();
  EXPECT_EQ(config->survey.reminder_interval_seconds, 2);
  EXPECT_EQ(ParseConfig("[survey]\nreminder_interval_seconds = 86400\n", "t.toml")
                ->survey.reminder_interval_seconds,
            86400);
  for (const char* text :
       {"[survey]\nreminder_interval_seconds = 0\n", "[survey]\nreminder_interval_seconds = -5\n",
        "[survey]\nreminder_interval_seconds = 86401\n",
        "[survey]\nreminder_interval_seconds = 1e12\n",
        "[survey]\nreminder_interval_seconds = \"60s\"\n", "[survey]\nreminder_days = 3\n",
        "survey = 60\n"}) {
    auto refused = ParseConfig(text, "t.toml");
    ASSERT_FALSE(refused.ok()) << text;
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument) << text;
    EXPECT_NE(refused.error().safe_message().find("t.toml"), std::string::npos) << text;
  }
  EXPECT_NE(ParseConfig("[survey]\nreminder_interval_seconds = 0\n", "t.toml")
                .error()
                .safe_message()
                .find("reminder_interval_seconds must be 1..86400"),
            std::string::npos);
}

TEST(ConfigTest, ReadsTheSmtpSection) {
  auto config = ParseConfig(R"(
[smtp]
host = "mail.example.jp"
port = 465
starttls = false
from = "survey@example.jp"
username = "fincyber"
password_env = "FINCYBER_SMTP_PASSWORD"
)",
                            "m.toml");
  ASSERT_TRUE(config.ok()) << config.error().safe_message();
  EXPECT_EQ(config->smtp.host, "mail.example.jp");
  EXPECT_EQ(config->smtp.port, 465);
  EXPECT_FALSE(config->smtp.starttls);
  EXPECT_EQ(config->smtp.from, "survey@example.jp");
  EXPECT_EQ(config->smtp.username, "fincyber");
  EXPECT_EQ(config->smtp.password_env, "FINCYBER_SMTP_PASSWORD");
  EXPECT_TRUE(config->smtp.password_file.empty());
  // Defaults: STARTTLS on the submission port; without a section or a host, no e-mail.
  auto minimal = ParseConfig("[smtp]\nhost = \"mx\"\nfrom = \"a@example.jp\"\n", "m.toml");
  ASSERT_TRUE(minimal.ok()) << minimal.error().safe_message();
  EXPECT_EQ(minimal->smtp.port, 587);
  EXPECT_TRUE(minimal->smtp.starttls);
  EXPECT_TRUE(ParseConfig("", "m.toml")->smtp.host.empty());
  auto no_host = ParseConfig("[smtp]\nfrom = \"a@example.jp\"\nport = 25\n", "m.toml");
  ASSERT_TRUE(no_host.ok()) << no_host.error().safe_message();
  EXPECT_TRUE(no_host->smtp.host.empty());
}

TEST(ConfigTest, RefusesSmtpSettingsThatCannotWork) {
  const std::string base = "[smtp]\nhost = \"mx\"\nfrom = \"a@example.jp\"\n";
  for (const std::string& text : {
           std::string("[smtp]\nhost = \"mx\"\n"),  // a host needs a sender
           base + "port = 0\n",
           base + "port = 65536\n",
           base + "port = -25\n",
           base + "port = \"587\"\n",
           base + "starttls = \"yes\"\n",
           base + "username = 5\n",
           base + "hostname = \"typo\"\n",
           base + "password_env = \"P\"\npassword_file = \"p.txt\"\n",
           std::string("[smtp]\nhost = \"mx\"\nfrom = \"Survey <a@example.jp>\"\n"),
           std::string("[smtp]\nhost = \"mx\"\nfrom = \"a@example.jp\\r\\nBcc: b@x.jp\"\n"),
           std::string("smtp = \"mx\"\n"),
       }) {
    auto config = ParseConfig(text, "m.toml");
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_EQ(config.error().code(), ErrorCode::kInvalidArgument) << text;
  }
  // A password in the file is refused, without echoing it.
  auto inline_password = ParseConfig(base + "password = \"hunter2-secret\"\n", "m.toml");
  ASSERT_FALSE(inline_password.ok());
  EXPECT_NE(inline_password.error().safe_message().find("m.toml:4"), std::string::npos);
  EXPECT_NE(inline_password.error().safe_message().find("password_env"), std::string::npos);
  EXPECT_EQ(inline_password.error().safe_message().find("hunter2"), std::string::npos);
  EXPECT_EQ(inline_password.error().internal_message().find("hunter2"), std::string::npos);
}

TEST(ConfigTest, SmtpPasswordComesFromTheEnvironmentOrAFile) {
  SmtpConfig smtp;
  auto none = ReadSmtpPassword(smtp);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, "");

  smtp.password_env = "FINCYBER_CONFIG_TEST_SMTP_PASSWORD";
  ::unsetenv(smtp.password_env.c_str());
  auto unset = ReadSmtpPassword(smtp);
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.error().internal_message().find(smtp.password_env), std::string::npos);
  ::setenv(smtp.password_env.c_str(), "from-the-environment", 1);
  auto from_env = ReadSmtpPassword(smtp);
  ::unsetenv(smtp.password_env.c_str());
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(*from_env, "from-the-environment");

  smtp.password_env.clear();
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("smtp-password-" + NewUuid());
  smtp.password_file = file.string();
  auto missing = ReadSmtpPassword(smtp);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kInvalidArgument);
  for (const auto& [contents, expected] :
       std::vector<std::pair<std::string, std::string>>{{"s3cret\n", "s3cret"},
                                                        {"s3cret\r\nsecond line\n", "s3cret"},
                                                        {"no newline", "no newline"}}) {
    std::ofstream(file, std::ios::binary) << contents;
    auto read = ReadSmtpPassword(smtp);
    ASSERT_TRUE(read.ok()) << read.error().internal_message();
    EXPECT_EQ(*read, expected);
  }
  std::ofstream(file, std::ios::binary | std::ios::trunc).flush();
  auto empty = ReadSmtpPassword(smtp);
  EXPECT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().internal_message().find("s3cret"), std::string::npos);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace fincyber::app
