// The real server on 127.0.0.1, driven by libcurl and raw sockets.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "base/crypto.h"
#include "http/http.h"
#include "http/test_authenticator.h"
#include "testing/self_signed.h"

namespace fincyber::http {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

struct Reply {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-cased names
  long new_connections = 0;
};

// One easy handle, so consecutive requests reuse the connection like a browser.
class Client {
 public:
  explicit Client(std::string base_url, std::string ca_file = "")
      : base_url_(std::move(base_url)), ca_file_(std::move(ca_file)), curl_(curl_easy_init()) {}
  ~Client() { curl_easy_cleanup(curl_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Reply Send(const std::string& method, const std::string& path, const std::string& body = "",
             std::vector<std::string> headers = {}) {
    Reply reply;
    curl_easy_reset(curl_);
    const std::string url = base_url_ + path;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl_, CURLOPT_PATH_AS_IS, 1L);
    if (method == "HEAD") {
      curl_easy_setopt(curl_, CURLOPT_NOBODY, 1L);
    } else if (method != "GET") {
      curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    if (!ca_file_.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, ca_file_.c_str());
    // Unless a test asks for it, no 100-continue round trip.
    if (std::none_of(headers.begin(), headers.end(),
                     [](const std::string& h) { return h.starts_with("Expect"); })) {
      headers.push_back("Expect:");
    }
    curl_slist* list = nullptr;
    for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Append);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &AddHeader);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &reply.headers);
    reply.code = curl_easy_perform(curl_);
    curl_slist_free_all(list);
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &reply.new_connections);
    return reply;
  }

 private:
  static std::size_t Append(char* data, std::size_t size, std::size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
  }
  static std::size_t AddHeader(char* data, std::size_t size, std::size_t count, void* out) {
    const std::string line(data, size * count);
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
      (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
    }
    return size * count;
  }

  std::string base_url_;
  std::string ca_file_;
  CURL* curl_;
};

// A raw TCP connection for what no well-behaved client does.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawConnection() { close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool Send(std::string_view data) {
    return send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Reads until the peer closes or `timeout` passes; true if it closed.
  bool ReadUntilClosed(std::chrono::milliseconds timeout, std::string* received = nullptr) {
    const auto deadline = Clock::now() + timeout;
    char buffer[4096];
    while (Clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 1))) <= 0) continue;
      const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) return true;
      if (received) received->append(buffer, static_cast<std::size_t>(n));
    }
    return false;
  }
  // Whether the peer has closed, without waiting.
  bool Closed() { return ReadUntilClosed(1ms); }

 private:
  int fd_;
  bool connected_ = false;
};

Result<Response> Hello(Request&) { return Response::MakeJson({{"hello", "world"}}); }

class ServerTest : public ::testing::Test {
 protected:
  static constexpr std::size_t kUploadLimit = 8192;
  static ServerOptions FastOptions() {
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.max_body_bytes = 1024;
    options.max_header_bytes = 4096;
    options.read_timeout = 300ms;
    options.idle_timeout = 3000ms;
    options.shutdown_grace = 2000ms;
    return options;
  }

  Router MakeRouter() {
    Router router;
    router.Add({Method::kGet, "/api/hello", Auth::kNone, Hello, ""});
    router.Add({Method::kGet, "/api/items/{id}", Auth::kNone,
                [](Request& request) -> Result<Response> {
                  return Response::MakeJson({{"id", request.PathParam("id")}});
                },
                ""});
    router.Add({Method::kPost, "/api/echo", Auth::kNone,
                [](Request& request) -> Result<Response> {
                  FC_ASSIGN_OR_RETURN(Json body, request.JsonBody());
                  return Response::MakeJson(body);
                },
                ""});
    // A route that accepts larger bodies than the server's default.
    router.Add({Method::kPost, "/api/upload", Auth::kNone,
                [](Request& request) -> Result<Response> {
                  return Response::MakeJson({{"bytes", request.body.size()}});
                },
                "", kUploadLimit});
    router.Add({Method::kGet, "/api/slow", Auth::kNone,
                [this](Request&) -> Result<Response> {
                  slow_entered_ = true;
                  std::this_thread::sleep_for(400ms);
                  return Response::MakeJson({{"slow", true}});
                },
                ""});
    router.Add({Method::kGet, "/api/throw", Auth::kNone,
                [](Request&) -> Result<Response> { throw std::logic_error("boom"); }, ""});
    auto me = [](Request& request) -> Result<Response> {
      FC_ASSIGN_OR_RETURN(const identity::Principal* principal, request.RequirePrincipal());
      return Response::MakeJson({{"user", principal->user_id}});
    };
    router.Add({Method::kGet, "/api/me", Auth::kRequired, me, ""});
    router.Add({Method::kPost, "/api/me", Auth::kRequired, me, ""});
    return router;
  }

  void StartServer(ServerOptions options) {
    const bool tls = options.tls.has_value();
    server_ = std::make_unique<Server>(std::move(options), MakeRouter(), authenticator_);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().internal_message();
    ASSERT_NE(server_->port(), 0);
    base_url_ =
        (tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(server_->port());
  }

  void TearDown() override {
    if (server_) server_->Stop();
  }

  FakeAuthenticator authenticator_;
  std::unique_ptr<Server> server_;
  std::string base_url_;
  std::atomic<bool> slow_entered_{false};
};

TEST_F(ServerTest, ServesRequestsOnOneKeptAliveConnection) {
  StartServer(FastOptions());
  Client client(base_url_);
  Reply first = client.Send("GET", "/api/hello");
  ASSERT_EQ(first.code, CURLE_OK);
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(Json::parse(first.body), (Json{{"hello", "world"}}));
  EXPECT_EQ(first.new_connections, 1);
  EXPECT_EQ(first.headers["content-type"], "application/json");
  EXPECT_EQ(first.headers["cache-control"], "no-store");
  EXPECT_EQ(first.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(first.headers["x-request-id"].size(), 16u);
  Reply second = client.Send("GET", "/api/items/a%2Bb", "", {"X-Request-Id: trace-1"});
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(Json::parse(second.body)["id"], "a+b");
  EXPECT_EQ(second.new_connections, 0);  // reused
  EXPECT_EQ(second.headers["x-request-id"], "trace-1");
  Reply head = client.Send("HEAD", "/api/hello");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], std::to_string(first.body.size()));
  EXPECT_EQ(client.Send("GET", "/api/hello").new_connections, 0);
}

TEST_F(ServerTest, UnknownPathsAndMethodsGetJsonErrors) {
  StartServer(FastOptions());
  Client client(base_url_);
  Reply missing = client.Send("GET", "/api/none");
  EXPECT_EQ(missing.status, 404);
  const Json body = Json::parse(missing.body);
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_EQ(body["error"]["request_id"], missing.headers["x-request-id"]);
  Reply wrong = client.Send("DELETE", "/api/hello");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["allow"], "GET, HEAD");
  EXPECT_EQ(client.Send("GET", "/api/%2e%2e/hello").status, 400);
  EXPECT_EQ(client.Send("GET", "/api/hello%00").status, 400);
}

TEST_F(ServerTest, BadJsonBodies) {
  StartServer(FastOptions());
  Client client(base_url_);
  const std::string json = "Content-Type: application/json";
  EXPECT_EQ(client.Send("POST", "/api/echo", R"({"a":"b"})", {json}).status, 200);
  Reply malformed = client.Send("POST", "/api/echo", R"({"a":)", {json});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(Json::parse(malformed.body)["error"]["code"], "invalid_argument");
  EXPECT_EQ(client.Send("POST", "/api/echo", "{\"a\":\"\xC0\xAF\"}", {json}).status, 400);
  EXPECT_EQ(client.Send("POST", "/api/echo", std::string(200, '[') + std::string(200, ']'), {json})
                .status,
            400);
  EXPECT_EQ(client.Send("POST", "/api/echo", "{}", {"Content-Type: text/plain"}).status, 415);
}

TEST_F(ServerTest, OversizedBodyIs413AndOthersAreStillServed) {
  StartServer(FastOptions());
  Client client(base_url_);
  const std::string big = "{\"a\":\"" + std::string(4000, 'x') + "\"}";
  Reply refused = client.Send("POST", "/api/echo", big, {"Content-Type: application/json"});
  ASSERT_EQ(refused.code, CURLE_OK) << curl_easy_strerror(refused.code);
  EXPECT_EQ(refused.status, 413);
  EXPECT_EQ(Json::parse(refused.body)["error"]["code"], "resource_exhausted");
  EXPECT_EQ(client.Send("GET", "/api/hello").status, 200);

  // A client that waits for "100 Continue" is answered at once either way.
  const auto start = Clock::now();
  EXPECT_EQ(client
                .Send("POST", "/api/echo", big,
                      {"Content-Type: application/json", "Expect: 100-continue"})
                .status,
            413);
  EXPECT_EQ(client
                .Send("POST", "/api/echo", R"({"small":1})",
                      {"Content-Type: application/json", "Expect: 100-continue"})
                .status,
            200);
  EXPECT_LT(Since(start), 900ms);  // curl waits 1 s for a 100 that never comes
}

TEST_F(ServerTest, EachRouteHasItsOwnBodyLimit) {
  StartServer(FastOptions());
  Client client(base_url_);
  // The upload route takes 6000 bytes; the JSON route keeps the server's 1024.
  const std::string mid(6000, 'u');
  Reply uploaded = client.Send("POST", "/api/upload", mid, {"Content-Type: text/plain"});
  EXPECT_EQ(uploaded.status, 200);
  EXPECT_EQ(Json::parse(uploaded.body)["bytes"], 6000);
  const std::string json = "{\"a\":\"" + mid + "\"}";
  EXPECT_EQ(client.Send("POST", "/api/echo", json, {"Content-Type: application/json"}).status, 413);
  EXPECT_EQ(client.Send("POST", "/api/upload", std::string(kUploadLimit, 'u')).status, 200);
  EXPECT_EQ(client.Send("POST", "/api/upload", std::string(kUploadLimit + 1, 'u')).status, 413);
  // A chunked body has no length up front: it is counted against the route's limit as it
  // arrives.
  EXPECT_EQ(client
                .Send("POST", "/api/echo", json,
                      {"Content-Type: application/json", "Transfer-Encoding: chunked"})
                .status,
            413);
  EXPECT_EQ(client.Send("POST", "/api/upload", mid, {"Transfer-Encoding: chunked"}).status, 200);
  EXPECT_EQ(client
                .Send("POST", "/api/upload", std::string(kUploadLimit + 100, 'u'),
                      {"Transfer-Encoding: chunked"})
                .status,
            413);
  // Unknown paths get the default limit, and the server goes on.
  EXPECT_EQ(client.Send("POST", "/api/nowhere", mid).status, 413);
  EXPECT_EQ(client.Send("GET", "/api/hello").status, 200);
}

TEST_F(ServerTest, OversizedHeadersAre431) {
  StartServer(FastOptions());
  Client client(base_url_);
  Reply refused = client.Send("GET", "/api/hello", "", {"X-Big: " + std::string(8000, 'h')});
  EXPECT_EQ(refused.status, 431);
  EXPECT_EQ(Json::parse(refused.body)["error"]["code"], "resource_exhausted");
  EXPECT_EQ(client.Send("GET", "/api/hello").status, 200);
}

TEST_F(ServerTest, MalformedHttpIs400) {
  StartServer(FastOptions());
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Send("GET /api/hello HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"));
  std::string received;
  EXPECT_TRUE(raw.ReadUntilClosed(2000ms, &received));
  EXPECT_TRUE(received.starts_with("HTTP/1.1 400")) << received;
}

TEST_F(ServerTest, SlowClientIsCutOffWhileOthersAreServed) {
  StartServer(FastOptions());  // read_timeout 300 ms
  RawConnection slow(server_->port());
  ASSERT_TRUE(slow.connected());
  const auto start = Clock::now();
  ASSERT_TRUE(slow.Send("GET /api/hello HTTP/1.1\r\nHost: x\r\n"));
  bool cut_off = false;
  Client client(base_url_);
  for (int i = 0; i < 40 && !cut_off; ++i) {
    const auto before = Clock::now();
    EXPECT_EQ(client.Send("GET", "/api/hello").status, 200);
    EXPECT_LT(Since(before), 200ms);
    slow.Send("X-Slow: " + std::to_string(i) + "\r\n");
    cut_off = slow.ReadUntilClosed(50ms);
  }
  EXPECT_TRUE(cut_off);
  EXPECT_GE(Since(start), 250ms);
  EXPECT_LT(Since(start), 1500ms);
}

TEST_F(ServerTest, IdleConnectionsAreClosedAfterTheIdleTimeout) {
  ServerOptions options = FastOptions();
  options.idle_timeout = 200ms;
  StartServer(options);
  RawConnection idle(server_->port());
  ASSERT_TRUE(idle.connected());
  const auto start = Clock::now();
  EXPECT_TRUE(idle.ReadUntilClosed(2000ms));
  EXPECT_GE(Since(start), 150ms);

  // Also between keep-alive requests.
  RawConnection kept(server_->port());
  ASSERT_TRUE(kept.Send("GET /api/hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string received;
  EXPECT_TRUE(kept.ReadUntilClosed(2000ms, &received));
  EXPECT_TRUE(received.starts_with("HTTP/1.1 200")) << received;
}

TEST_F(ServerTest, ManyIdleConnectionsDoNotDelayRequests) {
  StartServer(FastOptions());
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<RawConnection>(server_->port()));
    ASSERT_TRUE(idle.back()->connected());
  }
  Client client(base_url_);
  const auto start = Clock::now();
  EXPECT_EQ(client.Send("GET", "/api/hello").status, 200);
  EXPECT_LT(Since(start), 500ms);
}

TEST_F(ServerTest, ABurstOfConnectionsBeyondOneAcceptWakeupIsAllServed) {
  StartServer(FastOptions());
  // More than one wake-up drains, all connected before any request is sent, so that
  // every one must come out of the listen backlog.
  std::vector<std::unique_ptr<RawConnection>> burst;
  for (int i = 0; i < 300; ++i) {
    burst.push_back(std::make_unique<RawConnection>(server_->port()));
    ASSERT_TRUE(burst.back()->connected());
  }
  for (auto& connection : burst) {
    ASSERT_TRUE(connection->Send("GET /api/hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  }
  int answered = 0;
  for (auto& connection : burst) {
    std::string received;
    connection->ReadUntilClosed(2000ms, &received);
    if (received.starts_with("HTTP/1.1 200")) ++answered;
  }
  EXPECT_EQ(answered, 300);
}

TEST_F(ServerTest, HandlerExceptionIs500AndTheServerGoesOn) {
  StartServer(FastOptions());
  Client client(base_url_);
  Reply failed = client.Send("GET", "/api/throw");
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(Json::parse(failed.body)["error"]["message"], "internal error");
  EXPECT_EQ(failed.body.find("boom"), std::string::npos);
  EXPECT_EQ(client.Send("GET", "/api/hello").status, 200);
}

TEST_F(ServerTest, AuthenticationAndCsrf) {
  StartServer(FastOptions());
  Client client(base_url_);
  EXPECT_EQ(client.Send("GET", "/api/me").status, 401);
  EXPECT_EQ(client.Send("GET", "/api/me", "", {"Authorization: Bearer nope"}).status, 401);
  EXPECT_EQ(client.Send("GET", "/api/me", "", {"Authorization: Bearer good-token"}).status, 200);
  EXPECT_EQ(client.Send("POST", "/api/me", "", {"Authorization: Bearer good-token"}).status, 200);
  const std::string cookie = "Cookie: fc_session=good-session";
  EXPECT_EQ(client.Send("GET", "/api/me", "", {cookie}).status, 200);
  Reply no_csrf = client.Send("POST", "/api/me", "", {cookie});
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(Json::parse(no_csrf.body)["error"]["code"], "permission_denied");
  EXPECT_EQ(client.Send("POST", "/api/me", "", {cookie, "X-CSRF-Token: csrf-1"}).status, 200);
  EXPECT_EQ(client
                .Send("POST", "/api/me", "",
                      {cookie, "X-CSRF-Token: csrf-1", "Origin: http://evil.example"})
                .status,
            403);
  const std::string own_origin = "Origin: " + base_url_;
  EXPECT_EQ(client.Send("POST", "/api/me", "", {cookie, "X-CSRF-Token: csrf-1", own_origin}).status,
            200);
}

TEST_F(ServerTest, GracefulStopFinishesInFlightRequestsAndClosesIdleOnes) {
  StartServer(FastOptions());  // grace 2 s
  RawConnection idle(server_->port());
  ASSERT_TRUE(idle.connected());
  Reply slow;
  std::thread in_flight([&] { slow = Client(base_url_).Send("GET", "/api/slow"); });
  while (!slow_entered_) std::this_thread::sleep_for(5ms);
  const auto start = Clock::now();
  server_->Stop();
  const auto stop_time = Since(start);
  in_flight.join();
  EXPECT_EQ(slow.code, CURLE_OK);
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.headers["connection"], "close");
  EXPECT_LT(stop_time, 1500ms);
  EXPECT_TRUE(idle.Closed());
  EXPECT_FALSE(RawConnection(server_->port()).connected());
  server_->Stop();  // idempotent
}

TEST_F(ServerTest, StopGivesUpOnRequestsPastTheGracePeriod) {
  ServerOptions options = FastOptions();
  options.shutdown_grace = 50ms;
  options.read_timeout = 5000ms;
  StartServer(options);
  RawConnection partial(server_->port());
  ASSERT_TRUE(partial.Send("GET /api/hello HTTP/1.1\r\n"));  // never finished
  std::this_thread::sleep_for(50ms);
  const auto start = Clock::now();
  server_->Stop();
  EXPECT_LT(Since(start), 1500ms);
  EXPECT_TRUE(partial.Closed());
}

TEST_F(ServerTest, StartFailsOnABusyPort) {
  StartServer(FastOptions());
  ServerOptions options = FastOptions();
  options.port = server_->port();
  Server second(options, Router(), authenticator_);
  Status started = second.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(second.port(), 0);
}

class StaticServerTest : public ServerTest {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("fc-www-" + RandomToken(8));
    fs::create_directories(base_ / "www" / "assets");
    std::ofstream(base_ / "www" / "index.html") << "<!doctype html>app";
    std::ofstream(base_ / "www" / "assets" / "app.js") << "run()";
    std::ofstream(base_ / "secret.txt") << "top secret";
    ServerOptions options = FastOptions();
    options.static_dir = (base_ / "www").string();
    StartServer(options);
  }
  void TearDown() override {
    ServerTest::TearDown();
    fs::remove_all(base_);
  }
  fs::path base_;
};

TEST_F(StaticServerTest, ServesTheAppAndRefusesTraversal) {
  Client client(base_url_);
  Reply index = client.Send("GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html>app");
  EXPECT_EQ(index.headers["content-security-policy"].rfind("default-src 'self'", 0), 0u);
  EXPECT_EQ(client.Send("GET", "/assets/app.js").headers["content-type"],
            "text/javascript; charset=utf-8");
  EXPECT_EQ(client.Send("GET", "/orgs/42/users").body, "<!doctype html>app");
  EXPECT_EQ(client.Send("GET", "/api/nothing").status, 404);
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt",
                           "/index.html%00", "/%2E%2E/%2E%2E/etc/passwd"}) {
    Reply reply = client.Send("GET", path);
    EXPECT_EQ(reply.status, 400) << path;
    EXPECT_EQ(reply.body.find("top secret"), std::string::npos) << path;
  }
}

class TlsServerTest : public ServerTest {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fc-tls-" + RandomToken(8));
    fs::create_directories(dir_);
    fincyber::testing::CertificateFiles files;
    ASSERT_TRUE(fincyber::testing::MakeSelfSignedCertificate(dir_, &files)) << "openssl CLI failed";
  }
  void TearDown() override {
    ServerTest::TearDown();
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(TlsServerTest, RoundTrip) {
  ServerOptions options = FastOptions();
  options.tls = TlsFiles{(dir_ / "cert.pem").string(), (dir_ / "key.pem").string()};
  StartServer(options);
  Client client(base_url_, (dir_ / "cert.pem").string());
  Reply reply = client.Send("GET", "/api/hello");
  ASSERT_EQ(reply.code, CURLE_OK) << curl_easy_strerror(reply.code);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(Json::parse(reply.body)["hello"], "world");
  EXPECT_EQ(reply.headers["strict-transport-security"], "max-age=31536000");
  EXPECT_EQ(client.Send("GET", "/api/hello").new_connections, 0);
  Reply refused =
      client.Send("POST", "/api/echo", std::string(4000, 'x'), {"Content-Type: application/json"});
  EXPECT_EQ(refused.status, 413);
  // Plain HTTP on the TLS port fails that connection only.
  Client plain("http://127.0.0.1:" + std::to_string(server_->port()));
  EXPECT_NE(plain.Send("GET", "/api/hello").status, 200);
  EXPECT_EQ(client.Send("GET", "/api/hello").status, 200);
}

TEST_F(TlsServerTest, UnreadableFilesFailStart) {
  ServerOptions options = FastOptions();
  options.tls = TlsFiles{(dir_ / "missing.pem").string(), (dir_ / "key.pem").string()};
  Server server(options, Router(), authenticator_);
  Status started = server.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code(), ErrorCode::kInvalidArgument);

  options.tls = TlsFiles{(dir_ / "cert.pem").string(), (dir_ / "cert.pem").string()};
  Server mismatched(options, Router(), authenticator_);
  EXPECT_FALSE(mismatched.Start().ok());
}

}  // namespace
}  // namespace fincyber::http
