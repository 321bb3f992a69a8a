// slow_clients: holds N connections open to a server on 127.0.0.1 for a bounded time and
// reports what the server did with them. Used by bench/run.sh to check that slow or idle
// clients neither starve other clients nor keep sockets forever.
//
//   slow_clients --port P [--connections 200] [--seconds 20] [--mode idle|slowloris]
//                [--interval-ms 1000]
//
// idle:      connect and send nothing (the server's keep-alive/idle timeout applies).
// slowloris: send a request line and then one more header line every interval, never the
//            blank line that ends the headers (the server's request read timeout applies).
//
// Prints one summary line: opened, connect failures, how many the server closed and when
// (seconds since the clients connected), how many got a response (e.g. 408) before the
// close, and how many were still open when the time was up. Only ever connects to
// 127.0.0.1; exits by itself after --seconds.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int port = 0;
  int connections = 200;
  double seconds = 20;
  bool slowloris = false;
  int interval_ms = 1000;
};

struct Client {
  int fd = -1;
  bool answered = false;  // the server sent bytes (an error status) before closing
  double closed_at = -1;  // seconds since start when the server closed it; -1 if open
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "slow_clients: %s\nusage: slow_clients --port P [--connections N] "
               "[--seconds S] [--mode idle|slowloris] [--interval-ms MS]\n",
               why);
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) Usage("missing value");
    const char* value = argv[++i];
    if (flag == "--port") {
      o.port = std::atoi(value);
    } else if (flag == "--connections") {
      o.connections = std::atoi(value);
    } else if (flag == "--seconds") {
      o.seconds = std::atof(value);
    } else if (flag == "--interval-ms") {
      o.interval_ms = std::atoi(value);
    } else if (flag == "--mode") {
      const std::string_view mode = value;
      if (mode != "idle" && mode != "slowloris") Usage("mode is idle or slowloris");
      o.slowloris = mode == "slowloris";
    } else {
      Usage("unknown flag");
    }
  }
  if (o.port <= 0 || o.port > 65535) Usage("--port is required");
  // Bounded on purpose: this is a load tool for one's own server on loopback.
  if (o.connections < 1 || o.connections > 5000) Usage("--connections must be 1..5000");
  if (o.seconds <= 0 || o.seconds > 600) Usage("--seconds must be in (0, 600]");
  if (o.interval_ms < 10) Usage("--interval-ms must be at least 10");
  return o;
}

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Sends all of `data` or reports failure (the peer has gone). MSG_NOSIGNAL: no SIGPIPE.
bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = Parse(argc, argv);
  std::vector<Client> clients(static_cast<std::size_t>(options.connections));
  int connect_failed = 0;
  for (auto& c : clients) {
    c.fd = Connect(options.port);
    if (c.fd < 0) ++connect_failed;
  }
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

  auto mark_closed = [&](Client& c) {
    close(c.fd);
    c.fd = -1;
    c.closed_at = elapsed();
  };

  if (options.slowloris) {
    for (auto& c : clients) {
      if (c.fd >= 0 && !SendAll(c.fd, "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")) {
        mark_closed(c);
      }
    }
  }

  int tick = 0;
  auto next_send = start + std::chrono::milliseconds(options.interval_ms);
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(options.seconds));
  std::vector<pollfd> fds;
  std::vector<Client*> owners;
  char buffer[4096];
  while (Clock::now() < deadline) {
    fds.clear();
    owners.clear();
    for (auto& c : clients) {
      if (c.fd < 0) continue;
      fds.push_back({c.fd, POLLIN, 0});
      owners.push_back(&c);
    }
    if (fds.empty()) break;
    const auto wake = std::min(deadline, next_send);
    const std::int64_t wait_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now()).count();
    const int ready =
        poll(fds.data(), fds.size(), static_cast<int>(std::max<std::int64_t>(0, wait_ms)));
    if (ready < 0 && errno != EINTR) {
      std::perror("poll");
      return 1;
    }
    for (std::size_t i = 0; ready > 0 && i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      Client& c = *owners[i];
      const ssize_t n = recv(c.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        c.answered = true;  // keep reading until the server closes
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        mark_closed(c);
      }
    }
    if (options.slowloris && Clock::now() >= next_send) {
      ++tick;
      const std::string line = "X-Slow-" + std::to_string(tick) + ": 1\r\n";
      for (auto& c : clients) {
        if (c.fd >= 0 && !SendAll(c.fd, line)) mark_closed(c);
      }
      next_send += std::chrono::milliseconds(options.interval_ms);
    }
    if (!options.slowloris && Clock::now() >= next_send) {
      next_send += std::chrono::milliseconds(options.interval_ms);
    }
  }

  int closed = 0;
  int answered = 0;
  int still_open = 0;
  double first_close = -1;
  double last_close = -1;
  for (auto& c : clients) {
    if (c.answered) ++answered;
    if (c.closed_at >= 0) {
      ++closed;
      first_close = first_close < 0 ? c.closed_at : std::min(first_close, c.closed_at);
      last_close = std::max(last_close, c.closed_at);
    } else if (c.fd >= 0) {
      ++still_open;
      close(c.fd);
    }
  }
  std::printf(
      "slow_clients mode=%s opened=%d connect_failed=%d closed_by_server=%d "
      "first_close_s=%.1f last_close_s=%.1f answered=%d open_at_end=%d ran_s=%.1f\n",
      options.slowloris ? "slowloris" : "idle", options.connections - connect_failed,
      connect_failed, closed, first_close, last_close, answered, still_open, elapsed());
  return 0;
}
