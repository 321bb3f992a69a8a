// A minimal SMTP server on 127.0.0.1 for tests of outgoing mail: it accepts sessions one
// after another on its own thread, answers EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP and
// QUIT (no STARTTLS, no AUTH), and records each message's envelope and DATA (dot-stuffing
// undone). Header-only; POSIX sockets.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fincyber::testing {

struct ReceivedMail {
  std::string mail_from;
  std::vector<std::string> rcpt_to;
  std::string data;  // the message as sent, CRLF line ends, without the final "."
};

class SmtpListener {
 public:
  SmtpListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 4);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~SmtpListener() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  SmtpListener(const SmtpListener&) = delete;
  SmtpListener& operator=(const SmtpListener&) = delete;

  std::uint16_t port() const { return port_; }

  std::vector<ReceivedMail> Received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void Serve() {
    while (!stopping_) {
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      Session(client);
      ::close(client);
    }
  }

  static void Write(int client, const std::string& line) {
    const std::string out = line + "\r\n";
    (void)!::write(client, out.data(), out.size());
  }

  void Session(int client) {
    Write(client, "220 test ESMTP");
    std::string buffer;
    ReceivedMail mail;
    bool in_data = false;
    char chunk[4096];
    for (;;) {
      const std::size_t end = buffer.find("\r\n");
      if (end == std::string::npos) {
        const ssize_t n = ::read(client, chunk, sizeof chunk);
        if (n <= 0) return;
        buffer.append(chunk, static_cast<std::size_t>(n));
        continue;
      }
      std::string line = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      if (in_data) {
        if (line == ".") {
          in_data = false;
          {
            std::lock_guard lock(mutex_);
            received_.push_back(mail);
          }
          mail = {};
          Write(client, "250 queued");
        } else {
          if (line.rfind("..", 0) == 0) line.erase(0, 1);
          mail.data += line + "\r\n";
        }
        continue;
      }
      std::string verb = line.substr(0, line.find(' '));
      for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (verb == "EHLO" || verb == "HELO") {
        Write(client, "250 test");
      } else if (verb == "MAIL") {
        mail.mail_from = line.substr(line.find(':') + 1);
        Write(client, "250 ok");
      } else if (verb == "RCPT") {
        mail.rcpt_to.push_back(line.substr(line.find(':') + 1));
        Write(client, "250 ok");
      } else if (verb == "DATA") {
        in_data = true;
        Write(client, "354 go ahead");
      } else if (verb == "QUIT") {
        Write(client, "221 bye");
        return;
      } else if (verb == "RSET" || verb == "NOOP") {
        Write(client, "250 ok");
      } else {
        Write(client, "502 not implemented");
      }
    }
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<ReceivedMail> received_;  // guarded by mutex_
};

}  // namespace fincyber::testing
