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
  // A longer body ends the transfer with ResourceExhausted.
  std::size_t max_response_bytes = 1 << 20;
};

struct OutboundResponse {
  int status = 0;
  std::string body;
  // Header names lower-cased; of a repeated header, the last value. Those of the final
  // response only (not of a 100 Continue or of a redirect).
  std::map<std::string, std::string> headers = {};
};

class OutboundHttp {
 public:
  virtual ~OutboundHttp() = default;
  // Unavailable when the peer cannot be reached or times out; ResourceExhausted when the
  // body exceeds request.max_response_bytes; any HTTP status, including 4xx/5xx, is a
  // successful transfer returned in the response.
  virtual Result<OutboundResponse> Send(const OutboundRequest& request) = 0;
};

// libcurl implementation. Thread-safe: each call uses its own easy handle.
std::unique_ptr<OutboundHttp> MakeCurlHttp();

}  // namespace fincyber
