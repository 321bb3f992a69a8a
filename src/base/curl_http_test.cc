#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "base/outbound_http.h"

namespace fincyber {
namespace {

// A one-thread HTTP/1.1 server on 127.0.0.1 answering each request by its path:
// /bytes/<n> returns n bytes, /headers returns headers of several spellings.
class TinyServer {
 public:
  TinyServer() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(listen(listener_, 8), 0);
    socklen_t length = sizeof(address);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TinyServer() {
    stopping_ = true;
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    thread_.join();
  }
  std::string Url(std::string_view path) const {
    return fmt::format("http://127.0.0.1:{}{}", port_, path);
  }

 private:
  void Serve() {
    while (!stopping_) {
      const int client = accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = read(client, buffer, sizeof(buffer));
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
      }
      const std::size_t path_start = request.find(' ') + 1;
      const std::string path =
          request.substr(path_start, request.find(' ', path_start) - path_start);
      std::string response;
      if (path.starts_with("/bytes/")) {
        const std::size_t n = std::stoul(path.substr(7));
        response =
            fmt::format("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}", n,
                        std::string(n, 'x'));
      } else {
        response =
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After:  7 \r\nX-TAXII-Date-Added-Last: "
            "2026-01-01T00:00:00.000000Z\r\ncontent-type: application/taxii+json;version=2.1\r\n"
            "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
      }
      std::size_t sent = 0;
      while (sent < response.size()) {
        const ssize_t n = write(client, response.data() + sent, response.size() - sent);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
      close(client);
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

OutboundRequest Get(std::string url) {
  OutboundRequest request;
  request.method = "GET";
  request.url = std::move(url);
  request.timeout = std::chrono::milliseconds(5000);
  return request;
}

TEST(CurlHttpTest, ResponseHeadersAreReturnedLowerCased) {
  TinyServer server;
  auto http = MakeCurlHttp();
  auto response = http->Send(Get(server.Url("/headers")));
  ASSERT_TRUE(response.ok()) << response.error().internal_message();
  EXPECT_EQ(response->status, 429);
  EXPECT_EQ(response->body, "{}");
  EXPECT_EQ(response->headers.at("retry-after"), "7");
  EXPECT_EQ(response->headers.at("x-taxii-date-added-last"), "2026-01-01T00:00:00.000000Z");
  EXPECT_EQ(response->headers.at("content-type"), "application/taxii+json;version=2.1");
}

TEST(CurlHttpTest, DefaultBodyCapIsOneMebibyte) {
  TinyServer server;
  auto http = MakeCurlHttp();
  auto exact = http->Send(Get(server.Url("/bytes/1048576")));
  ASSERT_TRUE(exact.ok()) << exact.error().internal_message();
  EXPECT_EQ(exact->body.size(), 1048576u);
  OutboundRequest default_cap;  // the cap every existing caller gets
  default_cap.method = "GET";
  default_cap.url = server.Url("/bytes/1048577");
  auto over = http->Send(default_cap);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code(), ErrorCode::kResourceExhausted);
}

TEST(CurlHttpTest, LargerCapPerRequest) {
  TinyServer server;
  auto http = MakeCurlHttp();
  auto big = [&] {
    OutboundRequest request = Get(server.Url("/bytes/3000000"));
    request.max_response_bytes = 4 << 20;
    return http->Send(request);
  }();
  ASSERT_TRUE(big.ok()) << big.error().internal_message();
  EXPECT_EQ(big->body.size(), 3000000u);
}

TEST(CurlHttpTest, UnreachablePeerIsUnavailable) {
  int port = 0;
  {
    TinyServer closed;  // a port that was just free and is free again
    const std::string url = closed.Url("");
    port = std::stoi(url.substr(url.rfind(':') + 1));
  }
  auto http = MakeCurlHttp();
  auto response = http->Send(Get(fmt::format("http://127.0.0.1:{}/", port)));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace fincyber
