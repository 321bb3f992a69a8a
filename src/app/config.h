// Configuration of `serve` and `demo`: a TOML file overridden by command-line flags.
//
//   database = "fincyber.db"            # or "postgresql://..."
//   listen = "127.0.0.1:8080"
//   static_dir = "web/dist"
//   threads = 2
//   log_level = "info"                  # debug, info, warn, error
//   login_attempts_per_minute = 20      # per client address
//   event_poll_interval_ms = 1000       # events wake replicas at once; polling backs that up
//   event_retention_days = 90           # then deleted once webhooks are done; 0 keeps all
//   taxii_max_content_length = 1048576  # largest TAXII POST body in bytes (1 KiB..1 GiB)
//   taxii_status_retention_days = 30    # TAXII POST status resources; 0 keeps all
//   taxii_spool_dir = "fincyber.db.taxii-spool"  # POSTed envelopes until stored (below)
//   taxii_post_wait_ms = 0              # a POST waits this long for the store, then "pending"
//   warninglists = ["extra.json"]       # MISP warning lists added to the shipped ones
//   evidence_max_file_bytes = 10485760  # one survey evidence file (1 KiB..1 GiB)
//   evidence_max_total_bytes = 209715200  # all evidence of one institution in a campaign
//   [tls]
//   certificate = "server.crt"
//   private_key = "server.key"
//   [smtp]                              # survey reminders by e-mail; none without a host
//   host = "mail.example.jp"
//   port = 587
//   starttls = true                     # required before credentials and mail
//   from = "survey@example.jp"
//   username = "fincyber"               # optional; the password is never in this file:
//   password_env = "FINCYBER_SMTP_PASSWORD"  # an environment variable, or
//   password_file = "/etc/fincyber/smtp-password"
//   [survey]
//   reminder_interval_seconds = 60      # how often reminders due are sent (1..86400)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace fincyber::app {

struct SmtpConfig {
  std::string host;  // "" sends no e-mail
  int port = 587;
  bool starttls = true;
  std::string from;
  std::string username;
  std::string password_env;
  std::string password_file;
};

// The SMTP password: the value of the environment variable `password_env`, else the first
// line of `password_file`; "" when neither is named. InvalidArgument, naming the variable
// or file (never a value), when the variable is unset or the file cannot be read.
Result<std::string> ReadSmtpPassword(const SmtpConfig& smtp);

struct SurveyConfig {
  // Seconds between two rounds of the survey reminder scheduler (survey/reminders.h).
  int reminder_interval_seconds = 60;
};

// The [hub] section: the sharing hub's live streams (GET /api/v1/hub/stream).
struct HubConfig {
  int stream_max_viewers = 1000;      // streams open at once in one server; 503 beyond
  int stream_max_per_user = 8;        // streams of one user; 429 beyond
  int stream_heartbeat_seconds = 15;  // a comment after this long without an event
  int stream_events_per_write = 100;  // events a stream reads and writes at a time
};

struct Config {
  std::string database = "fincyber.db";
  std::string listen = "127.0.0.1:8080";
  std::string static_dir;  // "" = web/dist beside the program
  int threads = 2;
  std::string log_level = "info";
  int login_attempts_per_minute = 20;
  int event_poll_interval_ms = 1000;
  int event_retention_days = 90;  // 0: events are never deleted
  // Also raises the HTTP server's body limit, for every route, when above 1 MiB.
  std::size_t taxii_max_content_length = 1 << 20;
  int taxii_status_retention_days = 30;  // 0: status resources are never deleted
  // Where POSTed envelopes are kept, durable, from their "pending" answer until stored
  // (sharing::AddQueue). "" : beside a SQLite database file (TaxiiSpoolDir); on
  // PostgreSQL none, and a POST is answered once its envelope is stored.
  std::string taxii_spool_dir;
  int taxii_post_wait_ms = 0;  // 0..600000
  std::string tls_certificate;
  std::string tls_private_key;
  std::vector<std::string> warninglists;  // files, in MISP's warninglist format
  SmtpConfig smtp;
  // Survey evidence files; the file limit raises the HTTP body limit as TAXII's does.
  std::size_t evidence_max_file_bytes = std::size_t{10} << 20;
  std::size_t evidence_max_total_bytes = std::size_t{200} << 20;
  SurveyConfig survey;
  HubConfig hub;
};

// InvalidArgument naming the file, line and key for unreadable or mistyped settings.
Result<Config> LoadConfigFile(const std::string& path);
Result<Config> ParseConfig(std::string_view toml_text, std::string_view source_name);

// The TAXII spool of `config`: taxii_spool_dir, else "<database file>.taxii-spool" for a
// SQLite file, else "" (none).
std::string TaxiiSpoolDir(const Config& config);

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};
// "127.0.0.1:8080", "[::1]:8080", "localhost:0".
Result<ListenAddress> ParseListen(std::string_view text);

}  // namespace fincyber::app
