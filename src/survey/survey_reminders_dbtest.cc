// Reminders on both databases: emitted once per reminder day for each assignment not
// submitted, across restarts and deadline extensions; the in-UI list; e-mail to the
// institution's contact through a loopback SMTP server, with retries; who sets what.
#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "survey/reminders.h"
#include "survey/test_survey.h"
#include "testing/db_targets.h"
#include "testing/smtp_listener.h"

namespace fincyber::survey {
namespace {

using std::chrono::hours;

std::string DecodeBase64(std::string_view text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const auto index = kAlphabet.find(c);
    if (index == std::string::npos) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// The Subject header's encoded words, decoded and joined.
std::string DecodedSubject(const std::string& message) {
  const std::size_t start = message.find("Subject: ");
  std::size_t end = message.find("\r\n", start);
  while (message.compare(end, 3, "\r\n ") == 0) end = message.find("\r\n", end + 2);
  const std::string header = message.substr(start, end - start);
  std::string out;
  for (std::size_t pos = 0; (pos = header.find("=?UTF-8?B?", pos)) != std::string::npos;) {
    const std::size_t close = header.find("?=", pos + 10);
    out += DecodeBase64(header.substr(pos + 10, close - pos - 10));
    pos = close + 2;
  }
  return out;
}

class FailingSender final : public MailSender {
 public:
  Status Send(const MailMessage&) override {
    ++calls;
    return Unavailable("mail server down");
  }
  int calls = 0;
};

class ReminderTest : public ::testing::TestWithParam<std::string> {
 protected:
  ReminderTest() : t_(GetParam()) {}
  identity::TestSector& s() { return t_.s; }
  identity::Principal R(int i) { return t_.P(t_.regional_admins[i]); }

  // Regional banks only: bank B and R1..R6; R1 submits at once.
  Campaign OpenWithOneSubmitted() {
    const Campaign campaign = t_.Open(2026, {"regional_bank"});
    t_.AnswerAndSubmit(t_.regional_admins[0], t_.regional[0].id, campaign, "yes", 3, 80);
    return campaign;
  }
  void AdvanceTo(const Campaign& campaign, hours before_deadline) {
    const TimePoint target = *ParseRfc3339(campaign.deadline) - before_deadline;
    s().clock.Advance(
        std::chrono::duration_cast<std::chrono::milliseconds>(target - s().clock.Now()));
  }
  int Emit(ReminderService& service) {
    auto round = service.EmitDue();
    EXPECT_TRUE(round.ok()) << round.error().internal_message();
    return round.ok() ? round->reminders : -1;
  }

  TestSurvey t_;
  ReminderService reminders_{s().db(), s().clock};
};

TEST_P(ReminderTest, OneReminderPerDayPerUnsubmittedAssignmentEvenAcrossRestarts) {
  const Campaign campaign = OpenWithOneSubmitted();
  EXPECT_EQ(Emit(reminders_), 0);  // 30 days ahead: nothing due yet
  AdvanceTo(campaign, hours(14 * 24 - 1));
  EXPECT_EQ(Emit(reminders_), 6);  // bank B and R2..R6; R1 has submitted
  EXPECT_EQ(Emit(reminders_), 0);
  ReminderService restarted(s().db(), s().clock);
  EXPECT_EQ(Emit(restarted), 0);
  EXPECT_EQ(t_.EventTypes("survey.reminder").size(), 6u);

  auto pending = reminders_.Pending(R(1));
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].campaign_id, campaign.id);
  EXPECT_EQ((*pending)[0].days_before, 14);
  EXPECT_TRUE(reminders_.Pending(R(0))->empty());               // submitted
  EXPECT_TRUE(reminders_.Pending(t_.P(s().a_admin))->empty());  // not assigned
  EXPECT_TRUE(reminders_.Pending(t_.P(s().coord))->empty());

  // R2 submits before the next reminder day; an extension for R3 moves its count.
  t_.AnswerAndSubmit(t_.regional_admins[1], t_.regional[1].id, campaign, "yes", 3, 80);
  ASSERT_TRUE(t_.service
                  .ExtendDeadline(t_.P(s().coord), campaign.id, t_.regional[2].id,
                                  *ParseRfc3339(campaign.deadline) + hours(24 * 10), t_.info)
                  .ok());
  AdvanceTo(campaign, hours(7 * 24 - 1));
  EXPECT_EQ(Emit(reminders_), 4);  // B, R4, R5, R6: not R1/R2 (submitted), not R3 (extended)
  AdvanceTo(campaign, hours(1));
  // Day 1 for those four; R3's deadline is 10 days later: its day 14 counts afresh.
  EXPECT_EQ(Emit(reminders_), 5);
  auto r3 = reminders_.Pending(R(2));
  ASSERT_TRUE(r3.ok());
  ASSERT_EQ(r3->size(), 1u);
  EXPECT_EQ((*r3)[0].days_before, 14);
  EXPECT_EQ(Emit(reminders_), 0);
  // After the deadline nothing more, and nothing pending.
  AdvanceTo(campaign, hours(-1));
  EXPECT_EQ(Emit(reminders_), 0);
  EXPECT_TRUE(reminders_.Pending(R(3))->empty());
  EXPECT_EQ(t_.EventTypes("survey.reminder").size(), 15u);
}

TEST_P(ReminderTest, OnlyTheNearestDayIsSentWhenSeveralHavePassed) {
  const Campaign campaign = OpenWithOneSubmitted();
  ASSERT_TRUE(reminders_.SetSettings(t_.P(s().coord), campaign.id, {3, 20, 10}, t_.info).ok());
  AdvanceTo(campaign, hours(5 * 24));
  EXPECT_EQ(Emit(reminders_), 6);
  auto pending = reminders_.Pending(R(1));
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].days_before, 10);
  EXPECT_EQ(Emit(reminders_), 0);
}

TEST_P(ReminderTest, MailGoesToTheContactThroughSmtpWithAJapaneseSubject) {
  const Campaign campaign = OpenWithOneSubmitted();
  ASSERT_TRUE(reminders_.SetContact(R(1), t_.regional[1].id, "ciso@r2.example", t_.info).ok());
  ASSERT_TRUE(
      reminders_.SetContact(t_.P(s().coord), t_.regional[0].id, "ciso@r1.example", t_.info).ok());
  testing::SmtpListener listener;
  SmtpSettings smtp;
  smtp.host = "127.0.0.1";
  smtp.port = listener.port();
  smtp.starttls = false;
  auto sender = MakeSmtpSender(smtp, s().clock);
  ReminderScheduler scheduler(reminders_, sender.get(), "survey@fsa.example", hours(1));
  AdvanceTo(campaign, hours(7 * 24 - 2));
  ASSERT_TRUE(scheduler.RunOnce().ok());
  ASSERT_TRUE(scheduler.RunOnce().ok());
  // R1 submitted: its contact gets nothing. R2 gets one mail.
  const auto received = listener.Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].rcpt_to, std::vector<std::string>{"<ciso@r2.example>"});
  EXPECT_EQ(received[0].mail_from, "<survey@fsa.example>");
  const std::string subject = DecodedSubject(received[0].data);
  EXPECT_NE(subject.find("【回答期限まであと7日】2026年度 調査"), std::string::npos) << subject;
  EXPECT_NE(subject.find("Due in 7 days: Survey 2026"), std::string::npos) << subject;
  EXPECT_NE(received[0].data.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
  const std::string body = DecodeBase64(received[0].data.substr(received[0].data.find("\r\n\r\n")));
  EXPECT_NE(body.find("R2銀行 ご担当者様"), std::string::npos) << body;
  EXPECT_NE(body.find("has not been submitted yet"), std::string::npos);
}

TEST_P(ReminderTest, FailedMailIsRetriedWithBackOffThenGivenUp) {
  const Campaign campaign = OpenWithOneSubmitted();
  ASSERT_TRUE(reminders_.SetContact(R(1), t_.regional[1].id, "ciso@r2.example", t_.info).ok());
  AdvanceTo(campaign, hours(24));
  ASSERT_EQ(reminders_.EmitDue()->mails_queued, 1);
  FailingSender failing;
  for (int attempt = 1; attempt <= kMaxMailAttempts; ++attempt) {
    auto round = reminders_.DeliverMail(failing, "survey@fsa.example");
    ASSERT_TRUE(round.ok());
    EXPECT_EQ(round->failed, attempt == kMaxMailAttempts ? 1 : 0);
    // Not again before its back-off has passed.
    EXPECT_EQ(reminders_.DeliverMail(failing, "survey@fsa.example")->retried, 0);
    s().clock.Advance(std::chrono::minutes(1 << attempt));
  }
  EXPECT_EQ(failing.calls, kMaxMailAttempts);
  EXPECT_EQ(reminders_.DeliverMail(failing, "survey@fsa.example")->failed, 0);
  EXPECT_EQ(failing.calls, kMaxMailAttempts);
}

TEST_P(ReminderTest, SettingsAndContactsFollowTheAccessRules) {
  const Campaign campaign = OpenWithOneSubmitted();
  auto defaults = reminders_.GetSettings(t_.P(s().bureau_staff), campaign.id);
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(defaults->is_default);
  EXPECT_EQ(defaults->days, DefaultReminderDays());
  EXPECT_EQ(reminders_.GetSettings(R(1), campaign.id).error().code(), ErrorCode::kPermissionDenied);
  for (const auto& bad : std::vector<std::vector<int>>{
           {}, {0}, {366}, {7, 7}, {-1}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}) {
    EXPECT_EQ(reminders_.SetSettings(t_.P(s().coord), campaign.id, bad, t_.info).error().code(),
              ErrorCode::kInvalidArgument);
  }
  for (const auto& other : {t_.P(s().bureau_staff), t_.P(s().auditor), R(1)}) {
    EXPECT_EQ(reminders_.SetSettings(other, campaign.id, {5}, t_.info).error().code(),
              ErrorCode::kPermissionDenied);
  }
  EXPECT_EQ(reminders_.SetSettings(t_.P(s().coord), "no-such", {5}, t_.info).error().code(),
            ErrorCode::kNotFound);
  auto set = reminders_.SetSettings(t_.P(s().coord), campaign.id, {1, 30, 7}, t_.info);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->days, (std::vector<int>{30, 7, 1}));

  // Contacts: the institution's admin or the coordination office writes; a member may
  // not; another institution does not see it; a supervising bureau reads only.
  EXPECT_EQ(
      reminders_.SetContact(R(1), t_.regional[1].id, "x@y\r\nBcc: z@w", t_.info).error().code(),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(reminders_.SetContact(R(1), t_.regional[2].id, "a@b.example", t_.info).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(reminders_.GetContact(R(1), t_.regional[2].id).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(reminders_.SetContact(t_.P(s().a_member), s().bank_a.id, "a@b.example", t_.info)
                .error()
                .code(),
            ErrorCode::kPermissionDenied);
  ASSERT_TRUE(reminders_.SetContact(t_.P(s().a_admin), s().bank_a.id, "a@b.example", t_.info).ok());
  EXPECT_EQ(*reminders_.GetContact(t_.P(s().bureau_staff), s().bank_a.id), "a@b.example");
  EXPECT_EQ(reminders_.SetContact(t_.P(s().bureau_staff), s().bank_a.id, "c@d.example", t_.info)
                .error()
                .code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(reminders_.SetContact(t_.P(s().coord), s().regulator.id, "c@d.example", t_.info)
                .error()
                .code(),
            ErrorCode::kNotFound);
  ASSERT_TRUE(reminders_.SetContact(t_.P(s().coord), s().bank_a.id, "", t_.info).ok());
  EXPECT_EQ(*reminders_.GetContact(t_.P(s().a_member), s().bank_a.id), "");
  EXPECT_EQ(t_.AuditActions("survey.contact").size(), 2u);
  EXPECT_EQ(t_.AuditActions("survey.reminder_days").size(), 1u);
}

class RecordingSender final : public MailSender {
 public:
  Status Send(const MailMessage& message) override {
    recipients.push_back(message.to);
    return OkStatus();
  }
  std::vector<std::string> recipients;
};

TEST_P(ReminderTest, TheRegulatorSeesWhoWasRemindedAndBureausOnlyTheirOwn) {
  // Major and regional banks: A (supervised), B and R1..R6; R1 submits at once.
  const Campaign campaign = t_.Open();
  t_.AnswerAndSubmit(t_.regional_admins[0], t_.regional[0].id, campaign, "yes", 3, 80);
  ASSERT_TRUE(reminders_.SetContact(t_.P(s().b_admin), s().bank_b.id, "b@b.example", t_.info).ok());
  ASSERT_TRUE(reminders_.SetContact(R(2), t_.regional[2].id, "r3@r3.example", t_.info).ok());
  AdvanceTo(campaign, hours(7 * 24 - 1));
  EXPECT_EQ(Emit(reminders_), 7);
  RecordingSender sender;
  ASSERT_EQ(reminders_.DeliverMail(sender, "survey@fsa.example", 1)->sent, 1);
  t_.AnswerAndSubmit(s().a_admin, s().bank_a.id, campaign, "yes", 3, 80);

  auto all = reminders_.Sent(t_.P(s().coord), campaign.id);
  ASSERT_TRUE(all.ok()) << all.error().internal_message();
  ASSERT_EQ(all->size(), 7u);
  std::map<std::string, SentReminder> by_org;
  for (const auto& reminder : *all) by_org[reminder.org_id] = reminder;
  EXPECT_FALSE(by_org.count(t_.regional[0].id));  // submitted before the reminder
  EXPECT_EQ(by_org[s().bank_b.id].days_before, 7);
  EXPECT_EQ(by_org[s().bank_b.id].org_name.ja, "B銀行");
  EXPECT_EQ(by_org[s().bank_b.id].deadline, campaign.deadline);
  // One mail delivered (the batch was one), one still queued, none for the others.
  const std::string first =
      sender.recipients.at(0) == "b@b.example" ? s().bank_b.id : t_.regional[2].id;
  const std::string second = first == s().bank_b.id ? t_.regional[2].id : s().bank_b.id;
  EXPECT_EQ(by_org[first].mail, "sent");
  EXPECT_EQ(by_org[second].mail, "pending");
  EXPECT_EQ(by_org[t_.regional[3].id].mail, "none");
  EXPECT_TRUE(by_org[s().bank_a.id].submitted);
  EXPECT_FALSE(by_org[s().bank_b.id].submitted);
  EXPECT_EQ(reminders_.Sent(t_.P(s().auditor), campaign.id)->size(), 7u);

  // Bureau staff: only the institution they supervise.
  auto supervised = reminders_.Sent(t_.P(s().bureau_staff), campaign.id);
  ASSERT_TRUE(supervised.ok());
  ASSERT_EQ(supervised->size(), 1u);
  EXPECT_EQ((*supervised)[0].org_id, s().bank_a.id);
  // Institutions and the ISAC do not read it; an unknown campaign is not found.
  for (const auto& other : {t_.P(s().b_admin), t_.P(s().a_member), t_.P(s().isac_analyst)}) {
    EXPECT_EQ(reminders_.Sent(other, campaign.id).error().code(), ErrorCode::kPermissionDenied);
  }
  EXPECT_EQ(reminders_.Sent(t_.P(s().coord), "no-such").error().code(), ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReminderTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::survey
