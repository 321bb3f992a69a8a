#include "app/platform.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include "accounts/routes.h"
#include "app/openapi.h"
#include "audit/audit.h"
#include "base/log.h"
#include "base/outbound_http.h"
#include "events/events.h"
#include "http/http.h"
#include "identity/directory.h"

namespace fincyber::app {

std::vector<store::Migration> AllMigrations() {
  std::vector<store::Migration> all;
  for (auto list : {identity::Migrations(), audit::Migrations(), events::Migrations()}) {
    all.insert(all.end(), list.begin(), list.end());
  }
  return all;
}

Result<std::unique_ptr<Platform>> Platform::Open(const std::string& database) {
  std::unique_ptr<Platform> platform(new Platform());
  FC_ASSIGN_OR_RETURN(platform->db_, store::Database::Open(database));
  FC_RETURN_IF_ERROR(store::Migrate(*platform->db_, AllMigrations()));
  // 20 attempts a minute per address: generous for people, useless for guessing.
  platform->throttle_ =
      std::make_unique<identity::LoginThrottle>(platform->clock_, 20, std::chrono::seconds(60));
  platform->accounts_ = std::make_unique<accounts::AccountsService>(
      *platform->db_, platform->clock_, identity::AuthPolicy{}, *platform->throttle_);
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

Status Platform::Serve(const Config& config,
                       const std::function<void(std::uint16_t)>& on_listening) {
  FC_ASSIGN_OR_RETURN(auto listen, ParseListen(config.listen));
  http::ServerOptions options;
  options.host = listen.host;
  options.port = listen.port;
  options.threads = config.threads;
  options.static_dir = config.static_dir.empty() ? DefaultStaticDir() : config.static_dir;
  if (!config.tls_certificate.empty() || !config.tls_private_key.empty()) {
    options.tls = http::TlsFiles{config.tls_certificate, config.tls_private_key};
  }
  if (options.static_dir.empty()) log::warn("no web UI found; serving the API only");

  http::Router router;
  accounts::AddRoutes(router, *accounts_, *db_, clock_,
                      {.secure_cookies = options.tls.has_value()});
  const std::string backend = db_->dialect() == store::Dialect::kSqlite ? "sqlite" : "postgresql";
  router.Add({http::Method::kGet, "/api/v1/health", http::Auth::kNone,
              [backend](http::Request&) -> Result<http::Response> {
                return http::Response::MakeJson(
                    {{"status", "ok"}, {"version", FINCYBER_VERSION}, {"database", backend}});
              },
              "Liveness: the server answers"});
  AddOpenApiRoute(router);

  auto outbound = MakeCurlHttp();
  events::Dispatcher dispatcher(*db_, clock_, *outbound);
  FC_RETURN_IF_ERROR(dispatcher.Start());

  accounts::ServiceAuthenticator authenticator(*accounts_);
  http::Server server(options, std::move(router), authenticator);
  FC_RETURN_IF_ERROR(server.Start());
  on_listening(server.port());

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  log::info("received signal {}; shutting down", signal_number);
  server.Stop();
  dispatcher.Stop();
  return OkStatus();
}

}  // namespace fincyber::app
