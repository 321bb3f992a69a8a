#include "base/mail.h"

#include <curl/curl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "base/crypto.h"
#include "base/utf8.h"

namespace fincyber {
namespace {

std::string Base64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                       (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7F;
  });
}

}  // namespace

bool IsMailAddress(std::string_view address) {
  if (address.empty() || address.size() > 254) return false;
  const std::size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  for (char c : address) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || std::strchr("\"<>(),;:\\[]", c) != nullptr) return false;
  }
  return true;
}

std::string EncodeHeaderWord(std::string_view utf8) {
  if (IsAscii(utf8) && utf8.find("=?") == std::string_view::npos) return std::string(utf8);
  // "=?UTF-8?B?" + base64 + "?=" within 75 characters leaves 63 for base64: 45 bytes of
  // text per word, cut on a character boundary.
  constexpr std::size_t kBytesPerWord = 45;
  std::string out;
  std::size_t start = 0;
  while (start < utf8.size()) {
    std::size_t end = std::min(start + kBytesPerWord, utf8.size());
    while (end < utf8.size() && end > start &&
           (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(utf8.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

Result<std::string> ComposeMail(const MailMessage& message, TimePoint date,
                                std::string_view message_id_domain) {
  if (!IsMailAddress(message.from)) return InvalidArgument("from is not an e-mail address");
  if (!IsMailAddress(message.to)) return InvalidArgument("to is not an e-mail address");
  if (message.subject.find_first_of("\r\n") != std::string::npos ||
      FindInvalidUtf8(message.subject) || FindInvalidUtf8(message.body)) {
    return InvalidArgument("the subject or body is not one line of UTF-8");
  }
  std::string body;
  for (char c : message.body) {
    if (c == '\n')
      body += "\r\n";
    else if (c != '\r')
      body += c;
  }
  const std::string encoded = Base64(body);
  std::string out = fmt::format(
      "Date: {:%a, %d %b %Y %H:%M:%S} +0000\r\nFrom: {}\r\nTo: {}\r\nSubject: {}\r\n"
      "Message-ID: <{}@{}>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
      std::chrono::floor<std::chrono::seconds>(date), message.from, message.to,
      EncodeHeaderWord(message.subject), RandomToken(16), message_id_domain);
  for (std::size_t i = 0; i < encoded.size(); i += 76) {
    out += encoded.substr(i, 76) + "\r\n";
  }
  return out;
}

namespace {

struct Upload {
  std::string data;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

class SmtpSender final : public MailSender {
 public:
  SmtpSender(SmtpSettings settings, const Clock& clock)
      : settings_(std::move(settings)), clock_(clock) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
  }
  ~SmtpSender() override { curl_global_cleanup(); }

  Status Send(const MailMessage& message) override {
    const std::size_t at = message.from.find('@');
    FC_ASSIGN_OR_RETURN(
        std::string text,
        ComposeMail(message, clock_.Now(),
                    at == std::string::npos ? "localhost" : message.from.substr(at + 1)));
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return Internal("curl_easy_init failed");
    CURL* h = curl.get();
    const std::string url = fmt::format("smtp://{}:{}", settings_.host, settings_.port);
    const std::string from = "<" + message.from + ">";
    const std::string to = "<" + message.to + ">";
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients(
        curl_slist_append(nullptr, to.c_str()), &curl_slist_free_all);
    Upload upload{std::move(text), 0};
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp");
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     settings_.starttls ? static_cast<long>(CURLUSESSL_ALL)
                                        : static_cast<long>(CURLUSESSL_NONE));
    if (!settings_.username.empty()) {
      curl_easy_setopt(h, CURLOPT_USERNAME, settings_.username.c_str());
      curl_easy_setopt(h, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadUpload);
    curl_easy_setopt(h, CURLOPT_READDATA, &upload);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
    const CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
      return Unavailable("the mail server did not take the message",
                         fmt::format("SMTP {}: {}", url, curl_easy_strerror(rc)));
    }
    return OkStatus();
  }

 private:
  const SmtpSettings settings_;
  const Clock& clock_;
};

}  // namespace

std::unique_ptr<MailSender> MakeSmtpSender(SmtpSettings settings, const Clock& clock) {
  return std::make_unique<SmtpSender>(std::move(settings), clock);
}

}  // namespace fincyber
