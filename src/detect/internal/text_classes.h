// Classifying log text 64 bytes at a time into bitmaps, for the free-text scan
// (record_matcher.cc): one 64-bit word per block and per class, bit i for byte i. Also
// counting the lines of text that need no closer look (scan.cc), and the bytes of JSON
// that give its structure (the bundle splitter of indicator_files.cc). All with the
// widest vectors the running CPU has.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

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
// With 16-byte vectors (SSE2, in every x86-64 CPU), 32-byte ones (AVX2) and 64-byte ones
// (AVX-512BW); nullptr when the build does not target x86-64, or the running CPU lacks the
// extension.
ClassifyFn ClassifySse2();
ClassifyFn ClassifyAvx2();
ClassifyFn ClassifyAvx512();
// The fastest the running CPU has: AVX-512BW, else AVX2, else SSE2, else byte by byte.
ClassifyFn BestClassify();

// The '\n' bytes of p[0, n).
using CountNewlinesFn = std::uint64_t (*)(const char* p, std::size_t n);
std::uint64_t CountNewlinesPortable(const char* p, std::size_t n);
// As ClassifySse2 and ClassifyAvx512.
CountNewlinesFn CountNewlinesSse2();
CountNewlinesFn CountNewlinesAvx512();
// With the fastest the running CPU has.
std::uint64_t CountNewlines(const char* p, std::size_t n);

// How often `needle` (2 to 16 bytes) lies wholly within p[0, n), overlapping occurrences
// each counted: the count of a key read ahead of loading a bundle (indicator_files.cc).
using CountNeedleFn = std::uint64_t (*)(const char* p, std::size_t n, std::string_view needle);
std::uint64_t CountNeedlePortable(const char* p, std::size_t n, std::string_view needle);
// As ClassifySse2: 16 positions at a time, those where the needle's first two bytes and
// its last match compared whole.
CountNeedleFn CountNeedleSse2();
std::uint64_t CountNeedle(const char* p, std::size_t n, std::string_view needle);

// The bytes of 64 bytes of JSON text that give its structure, bit i for byte i.
struct JsonMasks {
  std::uint64_t quotes = 0;
  std::uint64_t backslashes = 0;
  std::uint64_t object_opens = 0;  // '{'
  std::uint64_t opens = 0;         // '{' and '['
  std::uint64_t closes = 0;        // '}' and ']'
  bool operator==(const JsonMasks&) const = default;
};
using ClassifyJsonFn = JsonMasks (*)(const char* p);
JsonMasks ClassifyJsonPortable(const char* p);
// As ClassifySse2 and ClassifyAvx512.
ClassifyJsonFn ClassifyJsonSse2();
ClassifyJsonFn ClassifyJsonAvx512();
ClassifyJsonFn BestClassifyJson();

}  // namespace fincyber::detect::internal
