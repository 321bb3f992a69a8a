// Classifying log text 64 bytes at a time into bitmaps, for the free-text scan
// (record_matcher.cc): one 64-bit word per block and per class, bit i for byte i.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fincyber::detect::internal {

// Classifies `blocks` blocks of 64 bytes from `p`, writing word i of each bitmap:
// host-name bytes (ASCII letters, digits, '-', '_', '.' and bytes >= 0x80), dots, bytes
// >= 0x80, digits, colons and hex digits (any case).
using ClassifyFn = void (*)(const unsigned char* p, std::size_t blocks, std::uint64_t* host,
                            std::uint64_t* dots, std::uint64_t* high, std::uint64_t* digits,
                            std::uint64_t* colons, std::uint64_t* hex);

// Byte by byte, on any CPU.
void ClassifyPortable(const unsigned char* p, std::size_t blocks, std::uint64_t* host,
                      std::uint64_t* dots, std::uint64_t* high, std::uint64_t* digits,
                      std::uint64_t* colons, std::uint64_t* hex);
// With 16-byte vectors (SSE2, in every x86-64 CPU) and 32-byte ones (AVX2); nullptr when
// the build does not target x86-64, or (AVX2) the running CPU lacks it.
ClassifyFn ClassifySse2();
ClassifyFn ClassifyAvx2();
// The fastest the running CPU has: AVX2, else SSE2, else byte by byte.
ClassifyFn BestClassify();

}  // namespace fincyber::detect::internal
