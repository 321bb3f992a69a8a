#include "app/platform.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "accounts/routes.h"
#include "app/openapi.h"
#include "audit/audit.h"
#include "base/log.h"
#include "base/mail.h"
#include "base/outbound_http.h"
#include "events/events.h"
#include "http/http.h"
#include "identity/directory.h"
#include "sharing/add_queue.h"
#include "sharing/routes.h"
#include "sharing/service.h"
#include "survey/routes.h"
#include "survey/sector_report.h"
#include "survey/service.h"
#include "taxii/server.h"

namespace fincyber::app {

std::vector<store::Migration> AllMigrations() {
  std::vector<store::Migration> all;
  for (auto list : {identity::Migrations(), audit::Migrations(), events::Migrations(),
                    sharing::Migrations(), survey::Migrations()}) {
    all.insert(all.end(), list.begin(), list.end());
  }
  return all;
}

Result<std::unique_ptr<Platform>> Platform::Open(const Config& config) {
  std::unique_ptr<Platform> platform(new Platform());
  FC_ASSIGN_OR_RETURN(platform->db_, store::Database::Open(config.database));
  FC_RETURN_IF_ERROR(store::Migrate(*platform->db_, AllMigrations()));
  platform->throttle_ = std::make_unique<identity::LoginThrottle>(
      platform->clock_, config.login_attempts_per_minute, std::chrono::seconds(60));
  platform->accounts_ = std::make_unique<accounts::AccountsService>(
      *platform->db_, platform->clock_, identity::AuthPolicy{}, *platform->throttle_);
  platform->sharing_ = std::make_unique<sharing::SharingService>(*platform->db_, platform->clock_);
  platform->survey_ = std::make_unique<survey::SurveyService>(*platform->db_, platform->clock_);
  platform->survey_->SetEvidenceLimits({.max_file_bytes = config.evidence_max_file_bytes,
                                        .max_assignment_bytes = config.evidence_max_total_bytes});
  platform->remediation_ =
      std::make_unique<survey::RemediationService>(*platform->db_, platform->clock_);
  platform->reminders_ =
      std::make_unique<survey::ReminderService>(*platform->db_, platform->clock_);
  platform->warning_lists_ = sharing::WarningLists::Defaults();
  for (const auto& file : config.warninglists) {
    auto loaded = platform->warning_lists_.AddFile(file);
    if (!loaded.ok()) {
      return InvalidArgument(
          fmt::format("warning list {}: {}", file, loaded.error().internal_message()));
    }
  }
  platform->sharing_->UseWarningLists(&platform->warning_lists_);
  platform->log_checker_ =
      std::make_unique<sharing::LogChecker>(*platform->sharing_, platform->clock_);
  platform->sharing_->KeepAddReportsFor(std::chrono::hours(24) *
                                        config.taxii_status_retention_days);
  return platform;
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

std::string DefaultStaticDir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  for (const auto& candidate : {exe.parent_path().parent_path() / "web" / "dist",
                                exe.parent_path() / "web"}) {
    if (std::filesystem::exists(candidate / "index.html", ec)) return candidate.string();
  }
  return "";
}

namespace {

// The SMTP sender of the configuration, or none without a host.
Result<std::unique_ptr<MailSender>> MakeMailSender(const SmtpConfig& smtp, const Clock& clock) {
  if (smtp.host.empty()) return std::unique_ptr<MailSender>();
  SmtpSettings settings{.host = smtp.host,
                        .port = smtp.port,
                        .starttls = smtp.starttls,
                        .from = smtp.from,
                        .username = smtp.username,
                        .password = {}};
  FC_ASSIGN_OR_RETURN(settings.password, ReadSmtpPassword(smtp));
  return MakeSmtpSender(std::move(settings), clock);
}

class RunningPlatform final : public Platform::Running {
 public:
  RunningPlatform(std::unique_ptr<OutboundHttp> outbound,
                  std::unique_ptr<events::Dispatcher> dispatcher,
                  std::unique_ptr<sharing::AddQueue> taxii_adds,
                  std::unique_ptr<accounts::ServiceAuthenticator> authenticator,
                  std::unique_ptr<http::Server> server)
      : outbound_(std::move(outbound)),
        dispatcher_(std::move(dispatcher)),
        taxii_adds_(std::move(taxii_adds)),
        authenticator_(std::move(authenticator)),
        server_(std::move(server)) {}
  ~RunningPlatform() override { Stop(); }
  std::uint16_t port() const override { return server_->port(); }
  events::Dispatcher& dispatcher() override { return *dispatcher_; }
  void Stop() override {
    server_->Stop();
    taxii_adds_.reset();  // stores what was accepted, so its events reach the dispatcher
    dispatcher_->Stop();
  }

 private:
  // Declaration order is destruction order in reverse: the server goes first.
  std::unique_ptr<OutboundHttp> outbound_;
  std::unique_ptr<events::Dispatcher> dispatcher_;
  std::unique_ptr<sharing::AddQueue> taxii_adds_;
  std::unique_ptr<accounts::ServiceAuthenticator> authenticator_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace

Result<std::unique_ptr<Platform::Running>> Platform::Start(const Config& config) {
  FC_ASSIGN_OR_RETURN(auto listen, ParseListen(config.listen));
  http::ServerOptions options;
  options.host = listen.host;
  options.port = listen.port;
  options.threads = config.threads;
  options.static_dir = config.static_dir.empty() ? DefaultStaticDir() : config.static_dir;
  if (!config.tls_certificate.empty() || !config.tls_private_key.empty()) {
    options.tls = http::TlsFiles{config.tls_certificate, config.tls_private_key};
  }
  options.max_streams = config.hub.stream_max_viewers;
  options.max_streams_per_user = config.hub.stream_max_per_user;
  options.stream_heartbeat = std::chrono::seconds(config.hub.stream_heartbeat_seconds);
  if (options.static_dir.empty()) log::warn("no web UI found; serving the API only");
  // JSON routes keep the server's default body limit; evidence uploads, workbook imports
  // and TAXII envelopes declare their own on their routes.

  http::Router router;
  accounts::AddRoutes(router, *accounts_, *db_, {.secure_cookies = options.tls.has_value()});
  const std::string backend = db_->dialect() == store::Dialect::kSqlite ? "sqlite" : "postgresql";
  router.Add({http::Method::kGet, "/api/v1/health", http::Auth::kNone,
              [backend](http::Request&) -> Result<http::Response> {
                return http::Response::MakeJson(
                    {{"status", "ok"}, {"version", FINCYBER_VERSION}, {"database", backend}});
              },
              "Liveness: the server answers"});
  sharing::AddRoutes(router, *sharing_);
  sharing::AddLogCheckRoutes(router, *log_checker_);
  sharing::AddLiveRoutes(router, *sharing_, live_wakeups_,
                         {.events_per_write = config.hub.stream_events_per_write});
  survey::AddRoutes(router, *survey_);
  survey::AddRemediationRoutes(router, *remediation_);
  survey::AddReminderRoutes(router, *reminders_);
  survey::AddSectorReportRoutes(router, *survey_);
  sharing::AddQueueOptions adds{.spool_dir = TaxiiSpoolDir(config),
                                .wait = std::chrono::milliseconds(config.taxii_post_wait_ms)};
  auto taxii_adds = sharing::AddQueue::Start(*sharing_, clock_, adds);
  if (!taxii_adds.ok() && taxii_adds.error().code() == ErrorCode::kFailedPrecondition &&
      config.taxii_spool_dir.empty()) {
    // Another server on the same SQLite file holds the default spool.
    log::warn("{}; TAXII POSTs are answered once stored", taxii_adds.error().safe_message());
    adds.spool_dir.clear();
    taxii_adds = sharing::AddQueue::Start(*sharing_, clock_, adds);
  }
  if (!taxii_adds.ok()) return std::move(taxii_adds).error();
  taxii::AddRoutes(router, *sharing_, **taxii_adds,
                   {.max_content_length = config.taxii_max_content_length});
  AddOpenApiRoute(router);

  auto outbound = MakeCurlHttp();
  auto dispatcher = std::make_unique<events::Dispatcher>(
      *db_, clock_, *outbound,
      events::DispatcherOptions{
          .poll_interval = std::chrono::milliseconds(config.event_poll_interval_ms),
          .retention = std::chrono::hours(24) * config.event_retention_days});
  // A wake-up only: streams read what happened from the outbox themselves.
  dispatcher->Subscribe("sharing.", [this](const events::Event&) { live_wakeups_.WakeAll(); });
  FC_RETURN_IF_ERROR(dispatcher->Start());
  if (!reminder_scheduler_) {
    FC_ASSIGN_OR_RETURN(mail_, MakeMailSender(config.smtp, clock_));
    reminder_scheduler_ = std::make_unique<survey::ReminderScheduler>(
        *reminders_, mail_.get(), config.smtp.from,
        std::chrono::seconds(config.survey.reminder_interval_seconds));
    reminder_scheduler_->Start();
  }
  auto authenticator = std::make_unique<accounts::ServiceAuthenticator>(*accounts_);
  auto server = std::make_unique<http::Server>(options, std::move(router), *authenticator);
  FC_RETURN_IF_ERROR(server->Start());
  return std::unique_ptr<Running>(new RunningPlatform(std::move(outbound), std::move(dispatcher),
                                                      std::move(*taxii_adds),
                                                      std::move(authenticator), std::move(server)));
}

Status Platform::Serve(const Config& config,
                       const std::function<void(std::uint16_t)>& on_listening) {
  FC_ASSIGN_OR_RETURN(auto running, Start(config));
  on_listening(running->port());
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  log::info("received signal {}; shutting down", signal_number);
  running->Stop();
  return OkStatus();
}

}  // namespace fincyber::app
