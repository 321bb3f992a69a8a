// What every survey route file needs from a request and for its paths. Private to survey/.
#pragma once

#include <string>
#include <string_view>

#include "http/http.h"
#include "survey/service.h"

namespace fincyber::survey::internal {

inline std::string Path(std::string_view tail) { return "/api/v1/survey/" + std::string(tail); }

inline RequestInfo InfoOf(const http::Request& req) { return {req.remote_address, req.request_id}; }

}  // namespace fincyber::survey::internal
