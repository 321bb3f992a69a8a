// Reminders before a campaign's deadline. The coordination office sets the reminder days
// of a campaign (default 14, 7 and 1 days before the deadline); a scheduler in every
// server emits, for each assignment not yet submitted, one "survey.reminder" event per
// reminder day reached, counted from the institution's own deadline (extensions
// included). Each is recorded, so it is sent exactly once across restarts and replicas;
// an extension starts the count again for the new deadline. When several reminder days
// have passed at once (a late-opened campaign, a server that was down) only the nearest
// one is sent.
//
// Each reminder reaches the institution three ways: the event (webhooks, through the
// outbox), the in-UI list of its pending reminders, and an e-mail to its survey contact
// address when one is set, queued with the reminder and sent by the scheduler with
// retries.
//
// Access: reminder days, and the list of reminders sent per institution, are read by the
// regulator's roles (bureau staff: the institutions they supervise only) and the days set
// by the coordination office; a contact address is read by whoever may read the institution's
// records and set by the coordination office or the institution's admins. Changes are audited
// ("survey.reminder_days", "survey.contact_update"). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/mail.h"
#include "base/result.h"
#include "http/http.h"
#include "identity/principal.h"
#include "store/database.h"
#include "store/migrations.h"
#include "survey/service.h"

namespace fincyber::survey {

// Module "survey_reminders": reminder days, reminders sent, contact addresses, mail queue.
std::vector<store::Migration> ReminderMigrations();

inline constexpr int kMaxReminderDays = 10;  // entries per campaign
inline constexpr int kMaxReminderDaysBefore = 365;
inline constexpr int kMaxMailAttempts = 6;
std::vector<int> DefaultReminderDays();  // 14, 7, 1

struct ReminderSettings {
  std::string campaign_id;
  std::vector<int> days;  // descending
  bool is_default = true;
  std::string updated_at;
  std::string updated_by;
};

// A reminder sent to the caller's institution for an assignment still open.
struct PendingReminder {
  std::string campaign_id;
  Text title;
  int year = 0;
  std::string deadline;
  int days_before = 0;
  std::string sent_at;
};

// A reminder sent to an institution, as the regulator follows it up.
struct SentReminder {
  std::string org_id;
  Text org_name;
  std::string deadline;  // the institution's own, extensions included
  int days_before = 0;
  std::string sent_at;
  bool submitted = false;  // the assignment is submitted now
  // The e-mail: "none" (no contact address then), "pending", "sent" or "failed".
  std::string mail;
};

struct ReminderRound {
  int reminders = 0;     // events emitted
  int mails_queued = 0;  // of them, with a contact address
};

struct MailRound {
  int sent = 0;
  int retried = 0;  // failed, tried again later
  int failed = 0;   // given up after kMaxMailAttempts
};

class ReminderService {
 public:
  // `db` and `clock` must outlive the service.
  ReminderService(store::Database& db, const Clock& clock);

  // NotFound for a campaign the principal may not see; PermissionDenied for an
  // institution (GetSettings) or anyone but the coordination office (SetSettings);
  // InvalidArgument unless `days` holds 1..kMaxReminderDays distinct whole days in
  // 1..kMaxReminderDaysBefore; FailedPrecondition for a closed campaign.
  Result<ReminderSettings> GetSettings(const identity::Principal& principal,
                                       std::string_view campaign_id);
  Result<ReminderSettings> SetSettings(const identity::Principal& principal,
                                       std::string_view campaign_id, std::vector<int> days,
                                       const RequestInfo& info);

  // "" when none is set. NotFound when the principal may not read the institution.
  Result<std::string> GetContact(const identity::Principal& principal, std::string_view org_id);
  // `email` "" removes it. InvalidArgument for an address that is not IsMailAddress
  // (base/mail.h); PermissionDenied for a reader who may not change it; NotFound as above.
  Status SetContact(const identity::Principal& principal, std::string_view org_id,
                    std::string_view email, const RequestInfo& info);

  // The latest reminder of each open campaign whose assignment of the caller's
  // institution is not submitted and not past its deadline; empty for roles without one.
  Result<std::vector<PendingReminder>> Pending(const identity::Principal& principal);

  // Every reminder of the campaign sent to an institution the principal may read, newest
  // first. PermissionDenied for anyone but the regulator's roles; NotFound as GetSettings.
  Result<std::vector<SentReminder>> Sent(const identity::Principal& principal,
                                         std::string_view campaign_id);

  // Emits every reminder due now (see the top of this file) in one transaction.
  Result<ReminderRound> EmitDue();
  // Sends up to `batch` queued mails through `sender`, each claimed by one replica;
  // a failure is retried with back-off, up to kMaxMailAttempts attempts.
  Result<MailRound> DeliverMail(MailSender& sender, std::string_view from, int batch = 20);

 private:
  store::Database& db_;
  const Clock& clock_;
};

// Runs EmitDue and, when a sender is given, DeliverMail on its own thread every
// `interval`. `service` and `sender` must outlive it. Thread-safe.
class ReminderScheduler {
 public:
  ReminderScheduler(ReminderService& service, MailSender* sender, std::string from,
                    std::chrono::milliseconds interval);
  ~ReminderScheduler();  // Stop()s
  ReminderScheduler(const ReminderScheduler&) = delete;
  ReminderScheduler& operator=(const ReminderScheduler&) = delete;

  // One round now: reminders first, then mail. Errors of either are returned (and the
  // thread logs them and carries on).
  Status RunOnce();
  void Start();  // a started scheduler is left as it is
  void Stop();

 private:
  ReminderService& service_;
  MailSender* sender_;
  const std::string from_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

// /api/v1/survey/:
//   GET reminders/my                 the caller's institution's pending reminders
//   GET campaigns/{id}/reminders     reminder days (regulator's roles)
//   PUT campaigns/{id}/reminders     {days: [14, 7, 1]} (coordination office)
//   GET campaigns/{id}/reminders/sent  institutions reminded, with the e-mail's state
//                                    (regulator's roles; bureaus their supervised ones)
//   GET contacts/{org}               {org_id, email} (who reads the institution)
//   PUT contacts/{org}               {email} ("" removes; coordination office or its admins)
void AddReminderRoutes(http::Router& router, ReminderService& service);

Json ToJson(const ReminderSettings& settings);
Json ToJson(const PendingReminder& reminder);
Json ToJson(const SentReminder& reminder);

}  // namespace fincyber::survey
