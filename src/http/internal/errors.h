// Errors the HTTP layer raises itself. They are ordinary codes with a fixed safe
// message; error_mapping.cc recognises them and gives them their precise status, so
// the whole code-to-status mapping stays in that one file.
#pragma once

#include "base/error.h"

namespace fincyber::http::internal {

// 405; the response also carries an Allow header.
Error MethodNotAllowed();
// 413: the parser stopped reading at the server's body limit.
Error BodyTooLarge();
// 415: JsonBody() on a request that does not declare JSON.
Error UnsupportedMediaType();
// 431: the request line and headers exceed the server's limit.
Error HeadersTooLarge();

}  // namespace fincyber::http::internal
