// Streamed responses (BodyStream) on the real server, read with raw sockets so that
// the test sees exactly what is on the wire and when.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "base/crypto.h"
#include "http/http.h"
#include "testing/self_signed.h"

namespace fincyber::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class TokenAuthenticator : public Authenticator {
 public:
  Result<identity::Principal> FromSession(std::string_view) override { return Unauthenticated(); }
  Result<identity::Principal> FromToken(std::string_view token) override {
    if (!token.starts_with("user-")) return Unauthenticated();
    identity::Principal principal;
    principal.user_id = std::string(token);
    return principal;
  }
};

// What the test publishes to every open stream, and how many streams are alive.
class Feed {
 public:
  void Publish(const std::string& text) {
    std::lock_guard lock(mutex_);
    for (auto& [id, stream] : streams_) stream.pending += text;
    for (auto& [id, stream] : streams_) stream.wake();
  }
  int alive() {
    std::lock_guard lock(mutex_);
    return static_cast<int>(streams_.size());
  }
  bool WaitAlive(int count, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (alive() != count && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
    return alive() == count;
  }

  class Stream final : public BodyStream {
   public:
    Stream(Feed& feed, std::size_t bytes_per_write)
        : feed_(feed), bytes_per_write_(bytes_per_write) {
      std::lock_guard lock(feed_.mutex_);
      id_ = feed_.next_id_++;
      feed_.streams_[id_].wake = [] {};
    }
    ~Stream() override {
      std::lock_guard lock(feed_.mutex_);
      feed_.streams_.erase(id_);
    }
    void Attach(std::function<void()> wake) override {
      std::lock_guard lock(feed_.mutex_);
      feed_.streams_[id_].wake = std::move(wake);
    }
    Result<std::string> Next(Reason reason) override {
      // A stream that never runs dry: for the slow-reader test.
      if (bytes_per_write_ > 0) return std::string(bytes_per_write_, 'x');
      std::lock_guard lock(feed_.mutex_);
      std::string out = std::move(feed_.streams_[id_].pending);
      feed_.streams_[id_].pending.clear();
      if (out.empty() && reason == Reason::kHeartbeat) out = ": heartbeat\n\n";
      return out;
    }

   private:
    Feed& feed_;
    std::size_t bytes_per_write_;
    int id_ = 0;
  };

 private:
  struct Open {
    std::string pending;
    std::function<void()> wake;
  };
  std::mutex mutex_;
  std::map<int, Open> streams_;  // guarded by mutex_
  int next_id_ = 1;              // guarded by mutex_
};

class RawClient {
 public:
  explicit RawClient(std::uint16_t port, int receive_buffer = 0)
      : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    if (receive_buffer > 0) {
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() { close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool Get(const std::string& path, const std::string& token, const char* version = "1.1") {
    const std::string request = "GET " + path + " HTTP/" + version +
                                "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                                "\r\n\r\n";
    return connected_ && send(fd_, request.data(), request.size(), MSG_NOSIGNAL) ==
                             static_cast<ssize_t>(request.size());
  }
  int fd() const { return fd_; }
  bool Send(const std::string& bytes) {
    return send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // Reads until `text` has arrived, the peer closed or `timeout` passed; true if seen.
  bool WaitFor(std::string_view text, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (received_.find(text) == std::string::npos && !closed_ && Clock::now() < deadline) {
      ReadSome(deadline);
    }
    return received_.find(text) != std::string::npos;
  }
  bool WaitClosed(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!closed_ && Clock::now() < deadline) ReadSome(deadline);
    return closed_;
  }
  const std::string& received() const { return received_; }

 private:
  void ReadSome(Clock::time_point deadline) {
    pollfd p{fd_, POLLIN, 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 1))) <= 0) return;
    char buffer[8192];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      closed_ = true;
      return;
    }
    received_.append(buffer, static_cast<std::size_t>(n));
  }

  int fd_;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
};

class StreamTest : public ::testing::Test {
 protected:
  static ServerOptions FastOptions() {
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.stream_heartbeat = 300ms;
    options.stream_write_timeout = 300ms;
    options.shutdown_grace = 5000ms;
    options.max_streams = 4;
    options.max_streams_per_user = 2;
    return options;
  }

  void StartServer(ServerOptions options) {
    Router router;
    router.Add({Method::kGet, "/api/stream", Auth::kRequired,
                [this](Request&) -> Result<Response> {
                  return Response::MakeStream("text/event-stream",
                                              std::make_shared<Feed::Stream>(feed_, 0));
                },
                ""});
    router.Add({Method::kGet, "/api/flood", Auth::kRequired,
                [this](Request&) -> Result<Response> {
                  return Response::MakeStream("text/event-stream",
                                              std::make_shared<Feed::Stream>(feed_, 64 << 10));
                },
                ""});
    server_ = std::make_unique<Server>(std::move(options), std::move(router), authenticator_);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().internal_message();
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  Feed feed_;
  TokenAuthenticator authenticator_;
  std::unique_ptr<Server> server_;
};

TEST_F(StreamTest, HeadersThenChunksAsTheyArriveThenHeartbeats) {
  StartServer(FastOptions());
  RawClient client(server_->port());
  ASSERT_TRUE(client.Get("/api/stream", "user-1"));
  ASSERT_TRUE(client.WaitFor("\r\n\r\n", 2000ms));
  const std::string& head = client.received();
  EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  for (const char* header :
       {"Content-Type: text/event-stream", "Transfer-Encoding: chunked",
        "X-Request-Id: ", "X-Content-Type-Options: nosniff",
        "Content-Security-Policy: ", "Cache-Control: no-store", "X-Accel-Buffering: no"}) {
    EXPECT_NE(head.find(header), std::string::npos) << header << " missing in " << head;
  }
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  ASSERT_TRUE(feed_.WaitAlive(1, 1000ms));

  const auto published = Clock::now();
  feed_.Publish("data: one\n\n");
  ASSERT_TRUE(client.WaitFor("data: one", 1000ms));
  // Woken at once, not at the next heartbeat.
  EXPECT_LT(Clock::now() - published, 250ms);
  feed_.Publish("data: two\n\n");
  ASSERT_TRUE(client.WaitFor("data: two", 1000ms));
  EXPECT_TRUE(client.WaitFor(": heartbeat", 1000ms));
}

TEST_F(StreamTest, Http10GetsTheStreamUntilClose) {
  StartServer(FastOptions());
  RawClient client(server_->port());
  ASSERT_TRUE(client.Get("/api/stream", "user-1", "1.0"));
  ASSERT_TRUE(client.WaitFor("\r\n\r\n", 2000ms));
  EXPECT_EQ(client.received().find("chunked"), std::string::npos);
  ASSERT_TRUE(feed_.WaitAlive(1, 1000ms));
  feed_.Publish("data: plain\n\n");
  EXPECT_TRUE(client.WaitFor("\r\n\r\ndata: plain\n\n", 1000ms));
}

TEST_F(StreamTest, UnauthenticatedGets401AndNoStream) {
  StartServer(FastOptions());
  RawClient client(server_->port());
  ASSERT_TRUE(client.Get("/api/stream", "forged"));
  ASSERT_TRUE(client.WaitFor("\r\n\r\n", 2000ms));
  EXPECT_EQ(client.received().rfind("HTTP/1.1 401", 0), 0u);
  EXPECT_EQ(feed_.alive(), 0);
}

TEST_F(StreamTest, StreamsBeyondTheCapsAre429PerUserAnd503PerServer) {
  StartServer(FastOptions());  // 2 per user, 4 in all
  std::vector<std::unique_ptr<RawClient>> open;
  auto connect = [&](const std::string& user) {
    auto client = std::make_unique<RawClient>(server_->port());
    EXPECT_TRUE(client->Get("/api/stream", user));
    EXPECT_TRUE(client->WaitFor("\r\n\r\n", 2000ms));
    const std::string status = client->received().substr(0, 12);
    open.push_back(std::move(client));
    return status;
  };
  EXPECT_EQ(connect("user-1"), "HTTP/1.1 200");
  EXPECT_EQ(connect("user-1"), "HTTP/1.1 200");
  EXPECT_EQ(connect("user-1"), "HTTP/1.1 429");
  EXPECT_EQ(connect("user-2"), "HTTP/1.1 200");
  EXPECT_EQ(connect("user-3"), "HTTP/1.1 200");
  EXPECT_EQ(connect("user-4"), "HTTP/1.1 503");
  EXPECT_TRUE(feed_.WaitAlive(4, 1000ms));
  // A closed stream gives its slot back.
  open[0].reset();
  ASSERT_TRUE(feed_.WaitAlive(3, 2000ms));
  EXPECT_EQ(connect("user-1"), "HTTP/1.1 200");
}

TEST_F(StreamTest, AClientThatGoesAwayIsNoticedWithoutWaitingForAWrite) {
  ServerOptions options = FastOptions();
  options.stream_heartbeat = 60s;
  options.stream_write_timeout = 60s;
  StartServer(std::move(options));
  // Closing at once, and sending bytes first as a TLS client does (a close alert).
  for (const std::string& before_closing : {std::string(), std::string(100, '\x15')}) {
    {
      RawClient client(server_->port());
      ASSERT_TRUE(client.Get("/api/stream", "user-1"));
      ASSERT_TRUE(client.WaitFor("\r\n\r\n", 2000ms));
      ASSERT_TRUE(feed_.WaitAlive(1, 1000ms));
      if (!before_closing.empty()) {
        ASSERT_TRUE(client.Send(before_closing));
        std::this_thread::sleep_for(100ms);
        EXPECT_EQ(feed_.alive(), 1);
      }
    }
    // No heartbeat or event is due for a minute: the closed socket alone ends the stream.
    EXPECT_TRUE(feed_.WaitAlive(0, 2000ms)) << before_closing.size();
  }
}

TEST_F(StreamTest, BytesFromTheClientDoNotEndItsStream) {
  ServerOptions options = FastOptions();
  options.stream_heartbeat = 60s;
  StartServer(std::move(options));
  RawClient client(server_->port());
  ASSERT_TRUE(client.Get("/api/stream", "user-1"));
  ASSERT_TRUE(client.WaitFor("\r\n\r\n", 2000ms));
  ASSERT_TRUE(feed_.WaitAlive(1, 1000ms));
  ASSERT_TRUE(client.Send("GET /api/stream HTTP/1.1\r\n\r\n"));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(feed_.alive(), 1);
  feed_.Publish("data: still\n\n");
  EXPECT_TRUE(client.WaitFor("data: still", 1000ms));
}

TEST_F(StreamTest, ATlsClientThatClosesIsNoticedAtOnce) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("fc-stream-tls-" + RandomToken(8));
  fs::create_directories(dir);
  fincyber::testing::CertificateFiles files;
  ASSERT_TRUE(fincyber::testing::MakeSelfSignedCertificate(dir, &files)) << "openssl CLI failed";
  ServerOptions options = FastOptions();
  options.stream_heartbeat = 60s;
  options.stream_write_timeout = 60s;
  options.tls = TlsFiles{files.certificate, files.private_key};
  StartServer(std::move(options));
  {
    RawClient client(server_->port());
    SSL_CTX* context = SSL_CTX_new(TLS_client_method());
    SSL* tls = SSL_new(context);
    SSL_set_fd(tls, client.fd());
    ASSERT_EQ(SSL_connect(tls), 1);
    const std::string request =
        "GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer user-1\r\n\r\n";
    ASSERT_EQ(SSL_write(tls, request.data(), static_cast<int>(request.size())),
              static_cast<int>(request.size()));
    char head[512];
    const int got = SSL_read(tls, head, sizeof head);
    ASSERT_GT(got, 0);
    EXPECT_TRUE(std::string_view(head, static_cast<std::size_t>(got)).starts_with("HTTP/1.1 200"));
    ASSERT_TRUE(feed_.WaitAlive(1, 1000ms));
    // A close alert, then the connection closes (RawClient's destructor).
    SSL_shutdown(tls);
    SSL_free(tls);
    SSL_CTX_free(context);
  }
  EXPECT_TRUE(feed_.WaitAlive(0, 2000ms)) << "not at the next write, a minute away";
  fs::remove_all(dir);
}

TEST_F(StreamTest, ASlowReaderIsDroppedInsteadOfBuffered) {
  StartServer(FastOptions());  // write timeout 300 ms
  RawClient reader(server_->port(), 4096);
  ASSERT_TRUE(reader.Get("/api/flood", "user-1"));
  ASSERT_TRUE(feed_.WaitAlive(1, 1000ms));
  // The reader reads nothing more: the socket buffers fill and a write stalls.
  EXPECT_TRUE(feed_.WaitAlive(0, 5000ms));
  // Others are still served.
  RawClient other(server_->port());
  ASSERT_TRUE(other.Get("/api/stream", "user-2"));
  EXPECT_TRUE(other.WaitFor("HTTP/1.1 200", 2000ms));
}

TEST_F(StreamTest, StopEndsStreamsPromptlyWithTheLastChunk) {
  StartServer(FastOptions());  // grace 5 s: streams must not use it
  RawClient client(server_->port());
  ASSERT_TRUE(client.Get("/api/stream", "user-1"));
  ASSERT_TRUE(client.WaitFor("\r\n\r\n", 2000ms));
  ASSERT_TRUE(feed_.WaitAlive(1, 1000ms));
  const auto start = Clock::now();
  server_->Stop();
  EXPECT_LT(Clock::now() - start, 1000ms);
  EXPECT_TRUE(client.WaitFor("0\r\n\r\n", 1000ms));
  EXPECT_TRUE(client.WaitClosed(1000ms));
  EXPECT_EQ(feed_.alive(), 0);
}

TEST_F(StreamTest, AStreamEndsAfterItsLifetime) {
  ServerOptions options = FastOptions();
  options.stream_max_duration = 200ms;
  StartServer(options);
  RawClient client(server_->port());
  ASSERT_TRUE(client.Get("/api/stream", "user-1"));
  EXPECT_TRUE(client.WaitFor("0\r\n\r\n", 2000ms));
  EXPECT_TRUE(client.WaitClosed(1000ms));
  EXPECT_TRUE(feed_.WaitAlive(0, 1000ms));
}

}  // namespace
}  // namespace fincyber::http
