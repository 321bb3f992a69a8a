// Reminders: settings, the record of reminders sent, contact addresses, the mail queue,
// and the scheduler thread.
#include "survey/reminders.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "audit/audit.h"
#include "base/log.h"
#include "events/events.h"
#include "identity/access.h"
#include "identity/directory.h"
#include "survey/internal/service_common.h"

namespace fincyber::survey {

std::vector<store::Migration> ReminderMigrations() {
  // A reminder sent is keyed by the deadline it counted from, so an extension starts the
  // count again. Mails carry their text as queued; attempts fence each claim.
  return {{"survey_reminders", 1, "reminder days, reminders sent, contact addresses, mail queue",
           R"sql(
CREATE TABLE survey_reminder_settings (
  campaign_id TEXT PRIMARY KEY REFERENCES survey_campaigns(id),
  days TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE TABLE survey_reminders_sent (
  campaign_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  deadline TEXT NOT NULL,
  days_before BIGINT NOT NULL,
  sent_at TEXT NOT NULL,
  event_id BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, org_id, deadline, days_before)
);
CREATE INDEX survey_reminders_sent_org ON survey_reminders_sent(org_id, sent_at);
CREATE TABLE survey_contacts (
  org_id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE TABLE survey_reminder_mail (
  id AUTO_ID,
  campaign_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX survey_reminder_mail_due ON survey_reminder_mail(status, next_attempt_at)
)sql"}};
}

std::vector<int> DefaultReminderDays() { return {14, 7, 1}; }

namespace {

constexpr std::chrono::hours kDay{24};
// A claimed mail is not tried by another replica for this long.
constexpr std::chrono::minutes kMailLease{5};

Result<std::vector<int>> ParseDays(const std::string& text) {
  FC_ASSIGN_OR_RETURN(Json json, ParseJson(text));
  std::vector<int> days;
  if (json.is_array()) {
    for (const auto& d : json) {
      if (d.is_number_integer()) days.push_back(d.get<int>());
    }
  }
  return days;
}

Result<ReminderSettings> LoadSettings(store::Connection& conn, std::string_view campaign_id) {
  ReminderSettings settings;
  settings.campaign_id = std::string(campaign_id);
  settings.days = DefaultReminderDays();
  FC_ASSIGN_OR_RETURN(auto row, conn.QueryOptional("SELECT days, updated_at, updated_by FROM "
                                                   "survey_reminder_settings WHERE campaign_id = ?",
                                                   {std::string(campaign_id)}));
  if (row) {
    FC_ASSIGN_OR_RETURN(settings.days, ParseDays(row->GetString(0)));
    settings.is_default = false;
    settings.updated_at = row->GetString(1);
    settings.updated_by = row->GetString(2);
  }
  return settings;
}

// Whole days left until `deadline`, rounded up.
int DaysLeft(TimePoint now, TimePoint deadline) {
  const auto left = deadline - now;
  return static_cast<int>((left + kDay - std::chrono::milliseconds(1)) / kDay);
}

struct MailText {
  std::string subject;
  std::string body;
};

MailText ReminderMail(const Text& title, const std::string& org_name_ja,
                      const std::string& org_name_en, const std::string& deadline, int days_left) {
  MailText m;
  m.subject = fmt::format("【回答期限まであと{}日】{} / Due in {} days: {}", days_left, title.ja,
                          days_left, title.en);
  m.body = fmt::format(
      "{} ご担当者様\n\n"
      "「{}」の回答期限（{} UTC）まで、あと{}日です。\n"
      "まだ提出されていません。期限までに回答を入力し、経営陣の確認のうえ提出してください。\n\n"
      "To {}:\n\n"
      "The survey \"{}\" is due on {} UTC, in {} days, and has not been submitted yet. "
      "Please complete the answers and submit them with management's attestation before the "
      "deadline.\n",
      org_name_ja, title.ja, deadline.substr(0, 16).replace(10, 1, " "), days_left, org_name_en,
      title.en, deadline.substr(0, 16).replace(10, 1, " "), days_left);
  return m;
}

}  // namespace

ReminderService::ReminderService(store::Database& db, const Clock& clock)
    : db_(db), clock_(clock) {}

Result<ReminderSettings> ReminderService::GetSettings(const identity::Principal& principal,
                                                      std::string_view campaign_id) {
  if (!internal::IsRegulatorReader(principal)) {
    return PermissionDenied("reminder days are the regulator's");
  }
  return db_.ReadValue<ReminderSettings>([&](store::Connection& conn) -> Result<ReminderSettings> {
    FC_ASSIGN_OR_RETURN(Campaign campaign,
                        internal::LoadVisibleCampaign(conn, principal, campaign_id));
    return LoadSettings(conn, campaign.id);
  });
}

Result<ReminderSettings> ReminderService::SetSettings(const identity::Principal& principal,
                                                      std::string_view campaign_id,
                                                      std::vector<int> days,
                                                      const RequestInfo& info) {
  FC_RETURN_IF_ERROR(internal::RequireCoordination(principal));
  const std::set<int> distinct(days.begin(), days.end());
  if (days.empty() || days.size() > static_cast<std::size_t>(kMaxReminderDays) ||
      distinct.size() != days.size() || *distinct.begin() < 1 ||
      *distinct.rbegin() > kMaxReminderDaysBefore) {
    return InvalidArgument(
        "days must list 1 to 10 distinct whole days before the deadline, 1 to 365",
        {{"days", "1-10 distinct days, each 1-365"}});
  }
  std::sort(days.begin(), days.end(), std::greater<>());
  return db_.TransactValue<ReminderSettings>(
      [&](store::Connection& conn) -> Result<ReminderSettings> {
        FC_ASSIGN_OR_RETURN(Campaign campaign,
                            internal::LoadVisibleCampaign(conn, principal, campaign_id));
        if (campaign.status != CampaignStatus::kOpen) {
          return FailedPrecondition("the campaign is closed");
        }
        FC_ASSIGN_OR_RETURN(ReminderSettings before, LoadSettings(conn, campaign.id));
        ReminderSettings settings;
        settings.campaign_id = campaign.id;
        settings.days = days;
        settings.is_default = false;
        settings.updated_at = internal::Now(clock_);
        settings.updated_by = principal.username;
        FC_RETURN_IF_ERROR(conn.Execute(
            "INSERT INTO survey_reminder_settings (campaign_id, days, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (campaign_id) DO UPDATE SET days = excluded.days, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            {campaign.id, Json(days).dump(), settings.updated_at, settings.updated_by}));
        FC_RETURN_IF_ERROR(audit::Append(
            conn, clock_,
            {principal.user_id, principal.org_id, "survey.reminder_days", "survey_campaign",
             campaign.id, Json{{"from", before.days}, {"to", days}}, info.remote_address,
             info.request_id}));
        return settings;
      });
}

Result<std::string> ReminderService::GetContact(const identity::Principal& principal,
                                                std::string_view org_id) {
  return db_.ReadValue<std::string>([&](store::Connection& conn) -> Result<std::string> {
    FC_RETURN_IF_ERROR(
        identity::CheckCanRead(conn, principal, identity::Resource::kInstitutionRecords, org_id));
    FC_ASSIGN_OR_RETURN(auto row, conn.QueryOptional("SELECT email FROM survey_contacts WHERE "
                                                     "org_id = ?",
                                                     {std::string(org_id)}));
    return row ? row->GetString(0) : std::string();
  });
}

Status ReminderService::SetContact(const identity::Principal& principal, std::string_view org_id,
                                   std::string_view email, const RequestInfo& info) {
  if (!email.empty() && !IsMailAddress(email)) {
    return InvalidArgument("email is not a plain e-mail address",
                           {{"email", "an address like name@example.jp"}});
  }
  return db_.Transact([&](store::Connection& conn) -> Status {
    FC_RETURN_IF_ERROR(
        identity::CheckCanRead(conn, principal, identity::Resource::kInstitutionRecords, org_id));
    const bool own_admin =
        principal.role == identity::Role::kInstitutionAdmin && principal.org_id == org_id;
    if (!own_admin && principal.role != identity::Role::kCoordinationOffice) {
      return PermissionDenied("only the coordination office or the institution's admins");
    }
    FC_ASSIGN_OR_RETURN(identity::Org org, identity::GetOrg(conn, principal, org_id));
    if (org.kind != identity::OrgKind::kInstitution) return NotFound("institution not found");
    if (email.empty()) {
      FC_RETURN_IF_ERROR(
          conn.Execute("DELETE FROM survey_contacts WHERE org_id = ?", {std::string(org_id)}));
    } else {
      FC_RETURN_IF_ERROR(conn.Execute(
          "INSERT INTO survey_contacts (org_id, email, updated_at, updated_by) VALUES (?, ?, ?, "
          "?) ON CONFLICT (org_id) DO UPDATE SET email = excluded.email, updated_at = "
          "excluded.updated_at, updated_by = excluded.updated_by",
          {std::string(org_id), std::string(email), internal::Now(clock_), principal.username}));
    }
    return audit::Append(conn, clock_,
                         {principal.user_id, std::string(org_id), "survey.contact_update", "org",
                          std::string(org_id), Json{{"email_set", !email.empty()}},
                          info.remote_address, info.request_id});
  });
}

Result<std::vector<PendingReminder>> ReminderService::Pending(
    const identity::Principal& principal) {
  return db_.ReadValue<std::vector<PendingReminder>>(
      [&](store::Connection& conn) -> Result<std::vector<PendingReminder>> {
        std::vector<PendingReminder> out;
        if (principal.org_id.empty()) return out;
        FC_ASSIGN_OR_RETURN(
            auto rows,
            conn.Query("SELECT r.campaign_id, c.title_ja, c.title_en, c.year, a.deadline, "
                       "r.days_before, r.sent_at FROM survey_reminders_sent r JOIN "
                       "survey_assignments a ON a.campaign_id = r.campaign_id AND a.org_id = "
                       "r.org_id AND a.deadline = r.deadline JOIN survey_campaigns c ON c.id = "
                       "r.campaign_id WHERE r.org_id = ? AND a.status = 'in_progress' AND "
                       "c.status = 'open' AND a.deadline > ? ORDER BY a.deadline, r.days_before",
                       {principal.org_id, internal::Now(clock_)}));
        std::set<std::string> seen;
        for (const auto& row : rows) {
          if (!seen.insert(row.GetString(0)).second) continue;  // the nearest day first
          out.push_back({row.GetString(0),
                         {row.GetString(1), row.GetString(2)},
                         static_cast<int>(row.GetInt(3)),
                         row.GetString(4),
                         static_cast<int>(row.GetInt(5)),
                         row.GetString(6)});
        }
        return out;
      });
}

Result<std::vector<SentReminder>> ReminderService::Sent(const identity::Principal& principal,
                                                        std::string_view campaign_id) {
  if (!internal::IsRegulatorReader(principal)) {
    return PermissionDenied("the reminders sent are the regulator's");
  }
  return db_.ReadValue<std::vector<SentReminder>>(
      [&](store::Connection& conn) -> Result<std::vector<SentReminder>> {
        FC_ASSIGN_OR_RETURN(Campaign campaign,
                            internal::LoadVisibleCampaign(conn, principal, campaign_id));
        const identity::OrgFilter filter =
            identity::ReadableOrgs(principal, identity::Resource::kInstitutionRecords, "r.org_id");
        store::Params params{campaign.id};
        params.insert(params.end(), filter.params.begin(), filter.params.end());
        // The mail of a reminder is queued in the same transaction, at the same instant.
        FC_ASSIGN_OR_RETURN(
            auto rows,
            conn.Query(
                fmt::format("SELECT r.org_id, a.org_name_ja, a.org_name_en, r.deadline, "
                            "r.days_before, r.sent_at, a.status, m.status FROM "
                            "survey_reminders_sent r JOIN survey_assignments a ON "
                            "a.campaign_id = r.campaign_id AND a.org_id = r.org_id LEFT JOIN "
                            "survey_reminder_mail m ON m.campaign_id = r.campaign_id AND "
                            "m.org_id = r.org_id AND m.created_at = r.sent_at WHERE "
                            "r.campaign_id = ? AND {} ORDER BY r.sent_at DESC, a.org_name_en, "
                            "r.org_id",
                            filter.sql),
                params));
        std::vector<SentReminder> out;
        for (const auto& row : rows) {
          out.push_back({row.GetString(0),
                         {row.GetString(1), row.GetString(2)},
                         row.GetString(3),
                         static_cast<int>(row.GetInt(4)),
                         row.GetString(5),
                         row.GetString(6) == "submitted",
                         row.IsNull(7) ? "none" : row.GetString(7)});
        }
        return out;
      });
}

Result<ReminderRound> ReminderService::EmitDue() {
  const TimePoint now = clock_.Now();
  const std::string now_text = FormatRfc3339(now);
  return db_.TransactValue<ReminderRound>([&](store::Connection& conn) -> Result<ReminderRound> {
    // One replica at a time decides what is due, so no reminder is emitted twice.
    FC_RETURN_IF_ERROR(conn.LockExclusive("survey_reminders"));
    FC_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query("SELECT a.campaign_id, a.org_id, a.deadline, a.org_name_ja, a.org_name_en, "
                   "c.title_ja, c.title_en, c.year, c.opens_at, s.days, k.email FROM "
                   "survey_assignments a JOIN survey_campaigns c ON c.id = a.campaign_id LEFT "
                   "JOIN survey_reminder_settings s ON s.campaign_id = c.id LEFT JOIN "
                   "survey_contacts k ON k.org_id = a.org_id WHERE c.status = 'open' AND "
                   "a.status = 'in_progress' AND a.deadline > ? AND c.opens_at <= ? ORDER BY "
                   "a.campaign_id, a.org_id",
                   {now_text, now_text}));
    ReminderRound round;
    for (const auto& row : rows) {
      const auto deadline = ParseRfc3339(row.GetString(2));
      if (!deadline) continue;
      std::vector<int> days = DefaultReminderDays();
      if (!row.IsNull(9)) {
        FC_ASSIGN_OR_RETURN(days, ParseDays(row.GetString(9)));
      }
      // The nearest reminder day reached.
      std::optional<int> due;
      for (int d : days) {
        if (now >= *deadline - d * kDay && (!due || d < *due)) due = d;
      }
      if (!due) continue;
      const std::string campaign_id = row.GetString(0);
      const std::string org_id = row.GetString(1);
      FC_ASSIGN_OR_RETURN(
          auto already,
          conn.QueryOptional("SELECT 1 FROM survey_reminders_sent WHERE "
                             "campaign_id = ? AND org_id = ? AND deadline = ? "
                             "AND days_before <= ?",
                             {campaign_id, org_id, row.GetString(2), std::int64_t{*due}}));
      if (already) continue;
      const Text title{row.GetString(5), row.GetString(6)};
      const int days_left = DaysLeft(now, *deadline);
      FC_ASSIGN_OR_RETURN(std::int64_t event_id,
                          events::Publish(conn, clock_, "survey.reminder", org_id,
                                          {{"campaign_id", campaign_id},
                                           {"year", row.GetInt(7)},
                                           {"title", internal::TextJson(title)},
                                           {"deadline", row.GetString(2)},
                                           {"days_before", *due},
                                           {"days_left", days_left}}));
      FC_RETURN_IF_ERROR(conn.Execute(
          "INSERT INTO survey_reminders_sent (campaign_id, org_id, deadline, days_before, "
          "sent_at, event_id) VALUES (?, ?, ?, ?, ?, ?)",
          {campaign_id, org_id, row.GetString(2), std::int64_t{*due}, now_text, event_id}));
      ++round.reminders;
      if (!row.IsNull(10) && IsMailAddress(row.GetString(10))) {
        const MailText text =
            ReminderMail(title, row.GetString(3), row.GetString(4), row.GetString(2), days_left);
        FC_RETURN_IF_ERROR(conn.Execute(
            "INSERT INTO survey_reminder_mail (campaign_id, org_id, recipient, subject, body, "
            "status, attempts, next_attempt_at, last_error, created_at) VALUES (?, ?, ?, ?, ?, "
            "'pending', 0, ?, '', ?)",
            {campaign_id, org_id, row.GetString(10), text.subject, text.body, now_text, now_text}));
        ++round.mails_queued;
      }
    }
    return round;
  });
}

Result<MailRound> ReminderService::DeliverMail(MailSender& sender, std::string_view from,
                                               int batch) {
  struct Claimed {
    std::int64_t id = 0;
    std::int64_t attempt = 0;
    MailMessage message;
  };
  const TimePoint now = clock_.Now();
  std::vector<Claimed> claimed;
  FC_RETURN_IF_ERROR(db_.Transact([&](store::Connection& conn) -> Status {
    FC_ASSIGN_OR_RETURN(auto rows,
                        conn.Query(fmt::format("SELECT id, attempts, recipient, subject, body FROM "
                                               "survey_reminder_mail WHERE status = 'pending' AND "
                                               "next_attempt_at <= ? ORDER BY id LIMIT {}",
                                               batch),
                                   {FormatRfc3339(now)}));
    for (const auto& row : rows) {
      // The conditional update wins for one replica only.
      FC_ASSIGN_OR_RETURN(
          std::int64_t won,
          conn.Execute("UPDATE survey_reminder_mail SET attempts = attempts + 1, "
                       "next_attempt_at = ? WHERE id = ? AND attempts = ? AND "
                       "status = 'pending'",
                       {FormatRfc3339(now + kMailLease), row.GetInt(0), row.GetInt(1)}));
      if (won != 1) continue;
      claimed.push_back(
          {row.GetInt(0),
           row.GetInt(1) + 1,
           {std::string(from), row.GetString(2), row.GetString(3), row.GetString(4)}});
    }
    return OkStatus();
  }));
  MailRound round;
  for (const auto& mail : claimed) {
    const Status sent = sender.Send(mail.message);
    const TimePoint after = clock_.Now();
    std::string status = "sent";
    std::string next = FormatRfc3339(after);
    std::string error;
    if (!sent.ok()) {
      error = sent.error().internal_message().substr(0, 500);
      log::warn("reminder mail {} to {} failed: {}", mail.id, mail.message.to, error);
      if (mail.attempt >= kMaxMailAttempts) {
        status = "failed";
        ++round.failed;
      } else {
        status = "pending";
        next = FormatRfc3339(after + std::chrono::minutes(1 << mail.attempt));
        ++round.retried;
      }
    } else {
      ++round.sent;
    }
    FC_RETURN_IF_ERROR(db_.Transact([&](store::Connection& conn) -> Status {
      FC_RETURN_IF_ERROR(conn.Execute(
          "UPDATE survey_reminder_mail SET status = ?, next_attempt_at = ?, last_error = ?, "
          "sent_at = ? WHERE id = ? AND attempts = ?",
          {status, next, error,
           status == "sent" ? store::Value(FormatRfc3339(after)) : store::Value(nullptr), mail.id,
           mail.attempt}));
      return OkStatus();
    }));
  }
  return round;
}

ReminderScheduler::ReminderScheduler(ReminderService& service, MailSender* sender, std::string from,
                                     std::chrono::milliseconds interval)
    : service_(service), sender_(sender), from_(std::move(from)), interval_(interval) {}

ReminderScheduler::~ReminderScheduler() { Stop(); }

Status ReminderScheduler::RunOnce() {
  auto emitted = service_.EmitDue();
  if (!emitted.ok()) return std::move(emitted).error();
  if (emitted->reminders > 0) {
    log::info("survey reminders: {} emitted, {} mails queued", emitted->reminders,
              emitted->mails_queued);
  }
  if (sender_ == nullptr) return OkStatus();
  auto mailed = service_.DeliverMail(*sender_, from_);
  if (!mailed.ok()) return std::move(mailed).error();
  return OkStatus();
}

void ReminderScheduler::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    for (;;) {
      Status round = RunOnce();
      if (!round.ok()) log::warn("survey reminders: {}", round.error().internal_message());
      std::unique_lock wait_lock(mutex_);
      if (wake_.wait_for(wait_lock, interval_, [this] { return stopping_; })) return;
    }
  });
}

void ReminderScheduler::Stop() {
  std::thread thread;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_all();
  if (thread.joinable()) thread.join();
}

Json ToJson(const ReminderSettings& s) {
  return {{"campaign_id", s.campaign_id},
          {"days", s.days},
          {"default", s.is_default},
          {"updated_at", s.updated_at.empty() ? Json(nullptr) : Json(s.updated_at)},
          {"updated_by", s.updated_by.empty() ? Json(nullptr) : Json(s.updated_by)}};
}

Json ToJson(const SentReminder& r) {
  return {{"org_id", r.org_id},     {"org_name", internal::TextJson(r.org_name)},
          {"deadline", r.deadline}, {"days_before", r.days_before},
          {"sent_at", r.sent_at},   {"submitted", r.submitted},
          {"mail", r.mail}};
}

Json ToJson(const PendingReminder& r) {
  return {{"campaign_id", r.campaign_id},
          {"title", internal::TextJson(r.title)},
          {"year", r.year},
          {"deadline", r.deadline},
          {"days_before", r.days_before},
          {"sent_at", r.sent_at}};
}

}  // namespace fincyber::survey
