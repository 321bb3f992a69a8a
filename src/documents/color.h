#pragma once

#include <cstdint>

namespace fincyber::documents {

// A colour as 0xRRGGBB.
using Rgb = std::uint32_t;

}  // namespace fincyber::documents
