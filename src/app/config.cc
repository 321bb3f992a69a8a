#include "app/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/mail.h"

namespace fincyber::app {
namespace {

template <typename T>
Status Read(const toml::table& table, std::string_view key, T& out, std::string_view source) {
  const toml::node* node = table.get(key);
  if (!node) return OkStatus();
  auto value = node->value<T>();
  if (!value) {
    return InvalidArgument(
        fmt::format("{}:{}: '{}' has the wrong type", source, node->source().begin.line, key));
  }
  out = *value;
  return OkStatus();
}

// An integer setting that must lie in min..max.
Status ReadInRange(const toml::table& table, std::string_view key, int& out, int min, int max,
                   std::string_view source) {
  std::int64_t value = out;
  FC_RETURN_IF_ERROR(Read(table, key, value, source));
  if (value < min || value > max) {
    return InvalidArgument(fmt::format("{}: {} must be {}..{}", source, key, min, max));
  }
  out = static_cast<int>(value);
  return OkStatus();
}

// Days to keep something before it is deleted; 0 keeps it for ever.
Status ReadRetentionDays(const toml::table& table, std::string_view key, int& days,
                         std::string_view source) {
  return ReadInRange(table, key, days, 0, 36'500, source);
}

// The [survey] section.
Status ReadSurvey(const toml::table& table, SurveyConfig& survey, std::string_view source) {
  const toml::node* node = table.get("survey");
  if (node == nullptr) return OkStatus();
  const toml::table* section = node->as_table();
  if (section == nullptr) {
    return InvalidArgument(fmt::format("{}:{}: 'survey' must be a section [survey]", source,
                                       node->source().begin.line));
  }
  for (const auto& [key, value] : *section) {
    if (key.str() != "reminder_interval_seconds") {
      return InvalidArgument(fmt::format("{}:{}: unknown survey setting '{}'", source,
                                         value.source().begin.line, key.str()));
    }
  }
  std::int64_t interval = survey.reminder_interval_seconds;
  FC_RETURN_IF_ERROR(Read(*section, "reminder_interval_seconds", interval, source));
  if (interval < 1 || interval > 86'400) {
    return InvalidArgument(
        fmt::format("{}: survey reminder_interval_seconds must be 1..86400", source));
  }
  survey.reminder_interval_seconds = static_cast<int>(interval);
  return OkStatus();
}

// The [hub] section.
Status ReadHub(const toml::table& table, HubConfig& hub, std::string_view source) {
  const toml::node* node = table.get("hub");
  if (node == nullptr) return OkStatus();
  const toml::table* section = node->as_table();
  if (section == nullptr) {
    return InvalidArgument(
        fmt::format("{}:{}: 'hub' must be a section [hub]", source, node->source().begin.line));
  }
  struct Setting {
    std::string_view key;
    int& value;
    std::int64_t min;
    std::int64_t max;
  };
  const Setting settings[] = {
      {"stream_max_viewers", hub.stream_max_viewers, 1, 100'000},
      {"stream_max_per_user", hub.stream_max_per_user, 1, 1'000},
      {"stream_heartbeat_seconds", hub.stream_heartbeat_seconds, 1, 3'600},
      {"stream_events_per_write", hub.stream_events_per_write, 1, 1'000},
  };
  for (const auto& [key, value] : *section) {
    const bool known = std::any_of(std::begin(settings), std::end(settings),
                                   [&](const Setting& s) { return s.key == key.str(); });
    if (!known) {
      return InvalidArgument(fmt::format("{}:{}: unknown hub setting '{}'", source,
                                         value.source().begin.line, key.str()));
    }
  }
  for (const Setting& setting : settings) {
    std::int64_t value = setting.value;
    FC_RETURN_IF_ERROR(Read(*section, setting.key, value, source));
    if (value < setting.min || value > setting.max) {
      return InvalidArgument(
          fmt::format("{}: hub {} must be {}..{}", source, setting.key, setting.min, setting.max));
    }
    setting.value = static_cast<int>(value);
  }
  return OkStatus();
}

}  // namespace

Result<Config> ParseConfig(std::string_view text, std::string_view source) {
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(fmt::format("{}:{}:{}: {}", source, e.source().begin.line,
                                       e.source().begin.column, e.description()));
  }
  static constexpr std::string_view kKnown[] = {"database",
                                                "listen",
                                                "static_dir",
                                                "threads",
                                                "log_level",
                                                "tls",
                                                "login_attempts_per_minute",
                                                "event_poll_interval_ms",
                                                "event_retention_days",
                                                "taxii_max_content_length",
                                                "taxii_status_retention_days",
                                                "taxii_spool_dir",
                                                "taxii_post_wait_ms",
                                                "warninglists",
                                                "smtp",
                                                "evidence_max_file_bytes",
                                                "evidence_max_total_bytes",
                                                "survey",
                                                "hub"};
  for (const auto& [key, node] : table) {
    if (std::find(std::begin(kKnown), std::end(kKnown), key.str()) == std::end(kKnown)) {
      return InvalidArgument(
          fmt::format("{}:{}: unknown setting '{}'", source, node.source().begin.line, key.str()));
    }
  }
  Config config;
  FC_RETURN_IF_ERROR(Read(table, "database", config.database, source));
  FC_RETURN_IF_ERROR(Read(table, "listen", config.listen, source));
  FC_RETURN_IF_ERROR(Read(table, "static_dir", config.static_dir, source));
  FC_RETURN_IF_ERROR(ReadInRange(table, "threads", config.threads, 1, 256, source));
  FC_RETURN_IF_ERROR(Read(table, "log_level", config.log_level, source));
  FC_RETURN_IF_ERROR(ReadInRange(table, "login_attempts_per_minute",
                                 config.login_attempts_per_minute, 1, 1'000'000, source));
  FC_RETURN_IF_ERROR(ReadInRange(table, "event_poll_interval_ms", config.event_poll_interval_ms, 10,
                                 3'600'000, source));
  FC_RETURN_IF_ERROR(
      ReadRetentionDays(table, "event_retention_days", config.event_retention_days, source));
  FC_RETURN_IF_ERROR(ReadRetentionDays(table, "taxii_status_retention_days",
                                       config.taxii_status_retention_days, source));
  auto taxii_body = static_cast<std::int64_t>(config.taxii_max_content_length);
  FC_RETURN_IF_ERROR(Read(table, "taxii_max_content_length", taxii_body, source));
  if (taxii_body < 1024 || taxii_body > (std::int64_t{1} << 30)) {
    return InvalidArgument(
        fmt::format("{}: taxii_max_content_length must be 1024..1073741824", source));
  }
  config.taxii_max_content_length = static_cast<std::size_t>(taxii_body);
  FC_RETURN_IF_ERROR(Read(table, "taxii_spool_dir", config.taxii_spool_dir, source));
  FC_RETURN_IF_ERROR(
      ReadInRange(table, "taxii_post_wait_ms", config.taxii_post_wait_ms, 0, 600'000, source));
  auto evidence_file = static_cast<std::int64_t>(config.evidence_max_file_bytes);
  auto evidence_total = static_cast<std::int64_t>(config.evidence_max_total_bytes);
  FC_RETURN_IF_ERROR(Read(table, "evidence_max_file_bytes", evidence_file, source));
  FC_RETURN_IF_ERROR(Read(table, "evidence_max_total_bytes", evidence_total, source));
  if (evidence_file < 1024 || evidence_file > (std::int64_t{1} << 30) ||
      evidence_total < evidence_file || evidence_total > (std::int64_t{1} << 40)) {
    return InvalidArgument(fmt::format(
        "{}: evidence_max_file_bytes must be 1024..1073741824 and evidence_max_total_bytes at "
        "least that, up to 1 TiB",
        source));
  }
  config.evidence_max_file_bytes = static_cast<std::size_t>(evidence_file);
  config.evidence_max_total_bytes = static_cast<std::size_t>(evidence_total);
  if (const toml::node* lists = table.get("warninglists")) {
    const toml::array* files = lists->as_array();
    if (!files) {
      return InvalidArgument(fmt::format("{}:{}: 'warninglists' must be a list of file names",
                                         source, lists->source().begin.line));
    }
    for (const toml::node& file : *files) {
      auto name = file.value<std::string>();
      if (!name) {
        return InvalidArgument(fmt::format("{}:{}: 'warninglists' must be a list of file names",
                                           source, file.source().begin.line));
      }
      config.warninglists.push_back(*name);
    }
  }
  if (const toml::table* tls = table["tls"].as_table()) {
    FC_RETURN_IF_ERROR(Read(*tls, "certificate", config.tls_certificate, source));
    FC_RETURN_IF_ERROR(Read(*tls, "private_key", config.tls_private_key, source));
  }
  if (table.contains("smtp") && !table["smtp"].is_table()) {
    return InvalidArgument(fmt::format("{}:{}: 'smtp' must be a section [smtp]", source,
                                       table.get("smtp")->source().begin.line));
  }
  FC_RETURN_IF_ERROR(ReadSurvey(table, config.survey, source));
  FC_RETURN_IF_ERROR(ReadHub(table, config.hub, source));
  if (const toml::table* smtp = table["smtp"].as_table()) {
    SmtpConfig& mail = config.smtp;
    for (const auto& [key, node] : *smtp) {
      static constexpr std::string_view kSmtpKeys[] = {
          "host", "port", "starttls", "from", "username", "password_env", "password_file"};
      if (key.str() == "password") {
        return InvalidArgument(fmt::format(
            "{}:{}: the smtp password is never written here: name an environment variable "
            "(password_env) or a file (password_file)",
            source, node.source().begin.line));
      }
      if (std::find(std::begin(kSmtpKeys), std::end(kSmtpKeys), key.str()) == std::end(kSmtpKeys)) {
        return InvalidArgument(fmt::format("{}:{}: unknown smtp setting '{}'", source,
                                           node.source().begin.line, key.str()));
      }
    }
    FC_RETURN_IF_ERROR(Read(*smtp, "host", mail.host, source));
    std::int64_t port = mail.port;
    FC_RETURN_IF_ERROR(Read(*smtp, "port", port, source));
    if (port < 1 || port > 65535) {
      return InvalidArgument(fmt::format("{}: smtp port must be 1..65535", source));
    }
    mail.port = static_cast<int>(port);
    FC_RETURN_IF_ERROR(Read(*smtp, "starttls", mail.starttls, source));
    FC_RETURN_IF_ERROR(Read(*smtp, "from", mail.from, source));
    FC_RETURN_IF_ERROR(Read(*smtp, "username", mail.username, source));
    FC_RETURN_IF_ERROR(Read(*smtp, "password_env", mail.password_env, source));
    FC_RETURN_IF_ERROR(Read(*smtp, "password_file", mail.password_file, source));
    if (!mail.host.empty() && mail.from.empty()) {
      return InvalidArgument(fmt::format("{}: smtp needs 'from' with 'host'", source));
    }
    if (!mail.from.empty() && !IsMailAddress(mail.from)) {
      return InvalidArgument(fmt::format("{}: smtp 'from' is not a plain e-mail address", source));
    }
    if (!mail.password_env.empty() && !mail.password_file.empty()) {
      return InvalidArgument(
          fmt::format("{}: smtp takes password_env or password_file, not both", source));
    }
  }
  return config;
}

Result<std::string> ReadSmtpPassword(const SmtpConfig& smtp) {
  if (!smtp.password_env.empty()) {
    const char* value = std::getenv(smtp.password_env.c_str());
    if (value == nullptr) {
      return InvalidArgument(fmt::format("smtp password: {} is not set", smtp.password_env));
    }
    return std::string(value);
  }
  if (smtp.password_file.empty()) return std::string();
  std::ifstream in(smtp.password_file);
  std::string password;
  if (!in || !std::getline(in, password)) {
    return InvalidArgument(fmt::format("smtp password: cannot read {}", smtp.password_file));
  }
  // A file written on Windows ends its line with CR LF.
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

Result<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return InvalidArgument(fmt::format("cannot read configuration file {}", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), path);
}

std::string TaxiiSpoolDir(const Config& config) {
  if (!config.taxii_spool_dir.empty()) return config.taxii_spool_dir;
  if (config.database.find("://") != std::string::npos) return "";
  return config.database + ".taxii-spool";
}

Result<ListenAddress> ParseListen(std::string_view text) {
  ListenAddress address;
  std::string_view port_text;
  if (text.starts_with('[')) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) {
      return InvalidArgument(fmt::format("listen address '{}' must be [IPv6]:PORT", text));
    }
    address.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return InvalidArgument(fmt::format("listen address '{}' must be HOST:PORT", text));
    }
    address.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return InvalidArgument(fmt::format("listen port '{}' must be 0..65535", port_text));
  }
  address.port = static_cast<std::uint16_t>(port);
  return address;
}

}  // namespace fincyber::app
