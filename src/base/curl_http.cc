#include <curl/curl.h>
#include <fmt/format.h>

#include <memory>
#include <string_view>

#include "base/outbound_http.h"

namespace fincyber {
namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

struct Transfer {
  OutboundResponse response;
  std::size_t max_body_bytes = 0;
  std::size_t header_bytes = 0;
  bool body_too_large = false;
};

std::size_t AppendBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (transfer->response.body.size() + bytes > transfer->max_body_bytes) {
    transfer->body_too_large = true;
    return 0;  // aborts the transfer
  }
  transfer->response.body.append(data, bytes);
  return bytes;
}

std::string Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

// Called once per header line, including each response's status line.
std::size_t AppendHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  transfer->header_bytes += bytes;
  if (transfer->header_bytes > kMaxHeaderBytes) return 0;
  const std::string_view line(data, bytes);
  if (line.starts_with("HTTP/")) {
    transfer->response.headers.clear();  // a new response: 100 Continue or a redirect came first
    return bytes;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  std::string name = Trim(line.substr(0, colon));
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  transfer->response.headers[name] = Trim(line.substr(colon + 1));
  return bytes;
}

class CurlHttp final : public OutboundHttp {
 public:
  CurlHttp() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlHttp() override { curl_global_cleanup(); }

  Result<OutboundResponse> Send(const OutboundRequest& request) override {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return Internal("curl_easy_init failed");
    struct curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
      headers = curl_slist_append(headers, fmt::format("{}: {}", name, value).c_str());
    }
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers,
                                                                             &curl_slist_free_all);
    Transfer transfer;
    transfer.max_body_bytes = request.max_response_bytes;
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &AppendBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &AppendHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    const CURLcode rc = curl_easy_perform(h);
    if (transfer.body_too_large) {
      return ResourceExhausted(
          fmt::format("response body exceeds {} bytes", request.max_response_bytes));
    }
    if (rc != CURLE_OK) {
      return Unavailable("peer unreachable", fmt::format("{} {}: {}", request.method, request.url,
                                                         curl_easy_strerror(rc)));
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    transfer.response.status = static_cast<int>(status);
    return std::move(transfer.response);
  }
};

}  // namespace

std::unique_ptr<OutboundHttp> MakeCurlHttp() { return std::make_unique<CurlHttp>(); }

}  // namespace fincyber
