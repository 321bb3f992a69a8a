// The composition root: opens the database, applies every module's migrations and
// wires the services, routes, event dispatcher and HTTP server together. Commands
// in main.cc use it; nothing below app/ knows how the pieces are assembled.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "accounts/service.h"
#include "app/config.h"
#include "base/clock.h"
#include "events/events.h"
#include "identity/login_throttle.h"
#include "sharing/log_check.h"
#include "sharing/service.h"
#include "sharing/warninglist.h"
#include "store/database.h"
#include "store/migrations.h"
#include "survey/remediation.h"
#include "survey/reminders.h"
#include "survey/service.h"

namespace fincyber::app {

// Every module's migrations, in dependency order.
std::vector<store::Migration> AllMigrations();

class Platform {
 public:
  // Opens the configured database and brings its schema up to date.
  static Result<std::unique_ptr<Platform>> Open(const Config& config);

  store::Database& db() { return *db_; }
  const Clock& clock() const { return clock_; }
  accounts::AccountsService& accounts() { return *accounts_; }
  sharing::SharingService& sharing() { return *sharing_; }
  survey::SurveyService& survey() { return *survey_; }

  // The HTTP server and event dispatcher, running until Stop() or destruction.
  class Running {
   public:
    virtual ~Running() = default;
    virtual std::uint16_t port() const = 0;
    // This replica's event dispatcher, for in-process subscribers.
    virtual events::Dispatcher& dispatcher() = 0;
    // Graceful: in-flight requests finish, then the dispatcher stops.
    virtual void Stop() = 0;
  };
  // Starts serving and returns once requests are being accepted.
  Result<std::unique_ptr<Running>> Start(const Config& config);

  // Start(), then wait for SIGINT or SIGTERM (which the caller must have blocked in
  // every thread, see BlockTerminationSignals) and stop gracefully. Calls
  // `on_listening` with the bound port once requests are being accepted.
  Status Serve(const Config& config, const std::function<void(std::uint16_t)>& on_listening);

 private:
  Platform() = default;
  SystemClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<identity::LoginThrottle> throttle_;
  std::unique_ptr<accounts::AccountsService> accounts_;
  std::unique_ptr<sharing::SharingService> sharing_;
  std::unique_ptr<sharing::LogChecker> log_checker_;
  std::unique_ptr<survey::SurveyService> survey_;
  std::unique_ptr<survey::RemediationService> remediation_;
  std::unique_ptr<survey::ReminderService> reminders_;
  // Survey reminders run while the platform lives; declared after what they use.
  std::unique_ptr<MailSender> mail_;
  std::unique_ptr<survey::ReminderScheduler> reminder_scheduler_;
  sharing::WarningLists warning_lists_;  // the shipped lists and the configured files
  // Live hub streams wait here; the running dispatcher wakes them on sharing events.
  sharing::LiveWakeups live_wakeups_;
};

// Blocks SIGINT and SIGTERM in the calling thread and the threads it starts later,
// so Serve() can wait for them synchronously.
void BlockTerminationSignals();

// web/dist beside the program (build/fincyber → web/dist), or "" if absent.
std::string DefaultStaticDir();

}  // namespace fincyber::app
