// Outbound e-mail as a seam: notices leave through a MailSender, so tests substitute a
// fake or a loopback listener. The message is plain UTF-8 text; ComposeMail writes it as
// RFC 5322 / MIME with the subject as RFC 2047 encoded words and the body in base64, so
// Japanese text survives every relay.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"

namespace fincyber {

struct MailMessage {
  std::string from;     // an address, e.g. "survey@fsa.example"
  std::string to;       // one address
  std::string subject;  // UTF-8, no line breaks
  std::string body;     // UTF-8 text; "\n" line breaks
};

// True for a plain address "local@domain": printable ASCII without spaces, quotes, angle
// brackets, commas or semicolons, one '@', at most 254 bytes. Nothing that could end a
// header line or smuggle another recipient passes.
bool IsMailAddress(std::string_view address);

// The subject as RFC 2047 "B" encoded words of at most 75 characters, folded onto
// continuation lines; ASCII-only subjects as they are.
std::string EncodeHeaderWord(std::string_view utf8);

// The whole message with CRLF line ends: Date, From, To, Subject, Message-ID,
// MIME-Version, Content-Type text/plain; charset=UTF-8, base64 body in 76-column lines.
// InvalidArgument for an address that is not IsMailAddress, or a subject with a line
// break, or text that is not UTF-8.
Result<std::string> ComposeMail(const MailMessage& message, TimePoint date,
                                std::string_view message_id_domain);

struct SmtpSettings {
  std::string host;  // "" disables e-mail
  int port = 587;
  bool starttls = true;  // require STARTTLS before credentials and mail
  std::string from;
  std::string username;  // "" for no authentication
  std::string password;  // read from the environment or a file, never from the config
  std::chrono::milliseconds timeout{30000};
};

class MailSender {
 public:
  virtual ~MailSender() = default;
  // Unavailable when the server cannot be reached, refuses the message or times out;
  // InvalidArgument as ComposeMail.
  virtual Status Send(const MailMessage& message) = 0;
};

// libcurl's SMTP client. Thread-safe: each call uses its own handle.
std::unique_ptr<MailSender> MakeSmtpSender(SmtpSettings settings, const Clock& clock);

}  // namespace fincyber
