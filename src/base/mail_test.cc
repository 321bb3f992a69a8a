// E-mail composition (addresses, RFC 2047 subjects, base64 bodies) and the SMTP sender
// against a loopback listener.
#include "base/mail.h"

#include <gtest/gtest.h>

#include <string>

#include "testing/smtp_listener.h"

namespace fincyber {
namespace {

std::string DecodeBase64(std::string_view text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const auto index = kAlphabet.find(c);
    if (index == std::string::npos) continue;  // padding and line breaks
    buffer = (buffer << 6) | static_cast<unsigned>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// The text of a header folded over continuation lines, its encoded words decoded.
std::string DecodeHeader(std::string_view value) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string_view::npos) {
    const std::size_t start = pos + 10;
    const std::size_t end = value.find("?=", start);
    out += DecodeBase64(value.substr(start, end - start));
    pos = end + 2;
  }
  return out;
}

std::string HeaderOf(const std::string& message, const std::string& name) {
  const std::size_t start = message.find("\r\n" + name + ": ");
  if (start == std::string::npos) return "";
  std::size_t end = start + 2;
  do {
    end = message.find("\r\n", end + 1);
  } while (end != std::string::npos && message[end + 2] == ' ');
  return message.substr(start + name.size() + 4, end - start - name.size() - 4);
}

const TimePoint kDate = FromUnixMillis(1'790'000'000'000);

TEST(MailAddressTest, OnlyPlainAddressesPass) {
  EXPECT_TRUE(IsMailAddress("survey@fsa.example"));
  EXPECT_TRUE(IsMailAddress("a.b+c@x.y"));
  for (const char* bad : {"", "no-at", "@x", "x@", "a@b@c", "a b@c", "a@b\r\nBcc: c@d", "<a@b>",
                          "a@b,c@d", "a@b;c@d", "\"a\"@b", "甲@example.jp", "a@b\n"}) {
    EXPECT_FALSE(IsMailAddress(bad)) << bad;
  }
  EXPECT_FALSE(IsMailAddress(std::string(250, 'a') + "@b.jp"));
}

TEST(MailComposeTest, JapaneseSubjectIsEncodedWordsFoldedWithinLineLimits) {
  const std::string subject =
      "【回答期限まで7日】2026年度 サイバーセキュリティ実態把握調査のご回答のお願い";
  const std::string encoded = EncodeHeaderWord(subject);
  EXPECT_EQ(DecodeHeader(encoded), subject);
  std::size_t line_start = 0;
  for (std::size_t end = encoded.find("\r\n");; end = encoded.find("\r\n", line_start)) {
    const std::string line =
        encoded.substr(line_start, end == std::string::npos ? std::string::npos : end - line_start);
    EXPECT_LE(line.size(), 76u) << line;  // a word of at most 75 plus the folding space
    if (end == std::string::npos) break;
    line_start = end + 2;
  }
  EXPECT_EQ(EncodeHeaderWord("Reminder"), "Reminder");
  // ASCII that looks like an encoded word is encoded, so it cannot be read as one.
  EXPECT_EQ(DecodeHeader(EncodeHeaderWord("=?UTF-8?B?x?=")), "=?UTF-8?B?x?=");
}

TEST(MailComposeTest, MessageHasHeadersAndBase64Body) {
  MailMessage m{"survey@fsa.example", "ciso@bank.example", "件名 subject", "本文\n二行目"};
  auto composed = ComposeMail(m, kDate, "fsa.example");
  ASSERT_TRUE(composed.ok()) << composed.error().internal_message();
  const std::string& text = *composed;
  EXPECT_EQ(text.rfind("Date: ", 0), 0u);
  EXPECT_NE(text.find("\r\nFrom: survey@fsa.example\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nTo: ciso@bank.example\r\n"), std::string::npos);
  EXPECT_EQ(DecodeHeader(HeaderOf(text, "Subject")), "件名 subject");
  EXPECT_NE(text.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_NE(text.find("Message-ID: <"), std::string::npos);
  const std::string body = text.substr(text.find("\r\n\r\n") + 4);
  EXPECT_EQ(DecodeBase64(body), "本文\r\n二行目");
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      EXPECT_EQ(text[i - 1], '\r');
    }
  }

  for (auto bad : {MailMessage{"x", m.to, m.subject, m.body},
                   MailMessage{m.from, "a@b\r\nBcc: c@d", m.subject, m.body},
                   MailMessage{m.from, m.to, "two\r\nBcc: c@d", m.body},
                   MailMessage{m.from, m.to, "\xC3\x28", m.body},
                   MailMessage{m.from, m.to, m.subject, "\xFF"}}) {
    auto refused = ComposeMail(bad, kDate, "fsa.example");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(SmtpSenderTest, DeliversToALoopbackServer) {
  testing::SmtpListener listener;
  FakeClock clock(kDate);
  SmtpSettings settings;
  settings.host = "127.0.0.1";
  settings.port = listener.port();
  settings.starttls = false;
  settings.from = "survey@fsa.example";
  auto sender = MakeSmtpSender(settings, clock);
  const std::string body = std::string(100, 'x') + "\n末尾";
  ASSERT_TRUE(sender->Send({settings.from, "ciso@bank.example", "回答のお願い", body}).ok());
  const auto received = listener.Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].mail_from, "<survey@fsa.example>");
  EXPECT_EQ(received[0].rcpt_to, std::vector<std::string>{"<ciso@bank.example>"});
  EXPECT_EQ(DecodeHeader(HeaderOf("\r\n" + received[0].data, "Subject")), "回答のお願い");
  const std::string sent = received[0].data.substr(received[0].data.find("\r\n\r\n") + 4);
  EXPECT_EQ(DecodeBase64(sent), std::string(100, 'x') + "\r\n末尾");

  settings.port = 1;  // nothing listens there
  auto unreachable =
      MakeSmtpSender(settings, clock)->Send({settings.from, "ciso@bank.example", "s", "b"});
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace fincyber
