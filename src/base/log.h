// Logging goes through spdlog's default logger; app/ configures its sink and level.
// Never log secrets: passwords, tokens, session ids, cookie values.
#pragma once

#include <spdlog/spdlog.h>

namespace fincyber::log {

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::warn;

}  // namespace fincyber::log
