// The only include of Boost.Asio and Boost.Beast in the code base. Boost 1.74's Asio
// uses std::exchange without including <utility>, which g++ 12 in C++20 mode does
// not provide transitively, hence the include order below.
#pragma once

// clang-format off
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
// clang-format on
