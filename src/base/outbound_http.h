// Outbound HTTP as a seam: webhooks, federation and the matcher talk to peers only
// through this interface, so tests substitute a fake and stay off the network.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "base/result.h"

namespace fincyber {

struct OutboundRequest {
  std::string method = "POST";
  std::string url;
  std::map<std::string, std::string> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
};

struct OutboundResponse {
  int status = 0;
  std::string body;
};

class OutboundHttp {
 public:
  virtual ~OutboundHttp() = default;
  // Unavailable when the peer cannot be reached or times out; any HTTP status,
  // including 4xx/5xx, is a successful transfer returned in the response.
  virtual Result<OutboundResponse> Send(const OutboundRequest& request) = 0;
};

// libcurl implementation. Thread-safe: each call uses its own easy handle.
// Response bodies are capped at 1 MiB.
std::unique_ptr<OutboundHttp> MakeCurlHttp();

}  // namespace fincyber
