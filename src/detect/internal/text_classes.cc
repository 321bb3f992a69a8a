#include "detect/internal/text_classes.h"

#include <cstring>

#ifdef __SSE2__
#include <immintrin.h>
#endif

namespace fincyber::detect::internal {
namespace {

// Bitmaps of 64 bytes of text, bit i for byte i.
struct WordMasks {
  std::uint64_t host = 0;
  std::uint64_t dots = 0;
  std::uint64_t high = 0;  // bytes >= 0x80
  std::uint64_t digits = 0;
  std::uint64_t colons = 0;
  std::uint64_t hex = 0;
};

#ifdef __SSE2__
// Unsigned range test of every byte: lo <= x <= lo + span.
inline __m128i InRange(__m128i v, char lo, char span) {
  const __m128i offset = _mm_sub_epi8(v, _mm_set1_epi8(lo));
  return _mm_cmpeq_epi8(_mm_min_epu8(offset, _mm_set1_epi8(span)), offset);
}

void ClassifyWithSse2(const unsigned char* p, std::size_t blocks, std::uint64_t* host,
                      std::uint64_t* dots, std::uint64_t* high, std::uint64_t* digits,
                      std::uint64_t* colons, std::uint64_t* hex) {
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    WordMasks m;
    for (int part = 0; part < 4; ++part) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * part));
      const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
      const __m128i letter = InRange(folded, 'a', 25);
      const __m128i digit = InRange(v, '0', 9);
      const __m128i dot = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
      const __m128i dash_or_underscore = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')),
                                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
      const auto bits = [&](__m128i x) {
        return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(x)))
               << (16 * part);
      };
      const std::uint64_t high_bits = bits(v);
      m.high |= high_bits;
      m.dots |= bits(dot);
      m.digits |= bits(digit);
      m.host |=
          bits(_mm_or_si128(_mm_or_si128(letter, digit), _mm_or_si128(dot, dash_or_underscore))) |
          high_bits;
      m.colons |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
      m.hex |= bits(_mm_or_si128(digit, InRange(folded, 'a', 5)));
    }
    host[b] = m.host;
    dots[b] = m.dots;
    high[b] = m.high;
    digits[b] = m.digits;
    colons[b] = m.colons;
    hex[b] = m.hex;
  }
}

// The same with 32-byte vectors, on CPUs that have AVX2 (chosen at run time: the build
// targets baseline x86-64).
__attribute__((target("avx2"))) inline __m256i InRange256(__m256i v, char lo, char span) {
  const __m256i offset = _mm256_sub_epi8(v, _mm256_set1_epi8(lo));
  return _mm256_cmpeq_epi8(_mm256_min_epu8(offset, _mm256_set1_epi8(span)), offset);
}

// The top bits of the 32 bytes of `v`, as bits [shift, shift + 32).
__attribute__((target("avx2"))) inline std::uint64_t Bits256(__m256i v, int shift) {
  return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(v))) << shift;
}

__attribute__((target("avx2"))) void ClassifyWithAvx2(const unsigned char* p, std::size_t blocks,
                                                      std::uint64_t* host, std::uint64_t* dots,
                                                      std::uint64_t* high, std::uint64_t* digits,
                                                      std::uint64_t* colons, std::uint64_t* hex) {
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    WordMasks m;
    for (int part = 0; part < 2; ++part) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * part));
      const __m256i folded = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
      const __m256i letter = InRange256(folded, 'a', 25);
      const __m256i digit = InRange256(v, '0', 9);
      const __m256i dot = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('.'));
      const __m256i dash_or_underscore = _mm256_or_si256(
          _mm256_cmpeq_epi8(v, _mm256_set1_epi8('-')), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('_')));
      const int shift = 32 * part;
      const std::uint64_t high_bits = Bits256(v, shift);
      m.high |= high_bits;
      m.dots |= Bits256(dot, shift);
      m.digits |= Bits256(digit, shift);
      m.host |= Bits256(_mm256_or_si256(_mm256_or_si256(letter, digit),
                                        _mm256_or_si256(dot, dash_or_underscore)),
                        shift) |
                high_bits;
      m.colons |= Bits256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(':')), shift);
      m.hex |= Bits256(_mm256_or_si256(digit, InRange256(folded, 'a', 5)), shift);
    }
    host[b] = m.host;
    dots[b] = m.dots;
    high[b] = m.high;
    digits[b] = m.digits;
    colons[b] = m.colons;
    hex[b] = m.hex;
  }
}

// The same with 64-byte vectors and mask registers, on CPUs that have AVX-512BW: every
// comparison gives its 64-bit bitmap directly, with no byte masks to gather.
__attribute__((target("avx512bw"))) inline __mmask64 InRange512(__m512i v, char lo, char span) {
  return _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8(lo)), _mm512_set1_epi8(span));
}

__attribute__((target("avx512bw"))) void ClassifyWithAvx512(
    const unsigned char* p, std::size_t blocks, std::uint64_t* host, std::uint64_t* dots,
    std::uint64_t* high, std::uint64_t* digits, std::uint64_t* colons, std::uint64_t* hex) {
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    const __m512i v = _mm512_loadu_si512(p);
    const __m512i folded = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
    const __mmask64 digit = InRange512(v, '0', 9);
    const __mmask64 dot = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('.'));
    const __mmask64 high_bits = _mm512_movepi8_mask(v);
    host[b] = InRange512(folded, 'a', 25) | digit | dot | high_bits |
              _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('-')) |
              _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('_'));
    dots[b] = dot;
    high[b] = high_bits;
    digits[b] = digit;
    colons[b] = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(':'));
    hex[b] = digit | InRange512(folded, 'a', 5);
  }
}

// 16 bytes at a time, counted in per-byte counters summed before they can reach 255.
std::uint64_t CountNewlinesWithSse2(const char* p, std::size_t n) {
  std::uint64_t count = 0;
  std::size_t i = 0;
  const __m128i newline = _mm_set1_epi8('\n');
  while (i + 16 <= n) {
    __m128i counters = _mm_setzero_si128();
    for (int round = 0; round < 255 && i + 16 <= n; ++round, i += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(bytes, newline));
    }
    const __m128i sums = _mm_sad_epu8(counters, _mm_setzero_si128());
    count += static_cast<std::uint64_t>(_mm_cvtsi128_si64(sums)) +
             static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
  return count + CountNewlinesPortable(p + i, n - i);
}

// 64 bytes at a time, a population count of each comparison's mask.
__attribute__((target("avx512bw,popcnt"))) std::uint64_t CountNewlinesWithAvx512(const char* p,
                                                                                 std::size_t n) {
  std::uint64_t count = 0;
  std::size_t i = 0;
  const __m512i newline = _mm512_set1_epi8('\n');
  for (; i + 64 <= n; i += 64) {
    count += static_cast<std::uint64_t>(
        __builtin_popcountll(_mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p + i), newline)));
  }
  return count + CountNewlinesPortable(p + i, n - i);
}

std::uint64_t CountNeedleWithSse2(const char* p, std::size_t n, std::string_view needle) {
  const std::size_t m = needle.size();
  if (n < m) return 0;
  const std::size_t starts = n - m + 1;  // positions an occurrence may begin at
  const __m128i first = _mm_set1_epi8(needle[0]);
  const __m128i second = _mm_set1_epi8(needle[1]);
  const __m128i last = _mm_set1_epi8(needle[m - 1]);
  std::uint64_t count = 0;
  std::size_t i = 0;
  // The loads reach p[i + m + 14], within p[0, n) while i + 16 <= starts.
  for (; i + 16 <= starts; i += 16) {
    const auto at = [&](std::size_t offset) {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + offset));
    };
    const __m128i candidates =
        _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(at(0), first), _mm_cmpeq_epi8(at(1), second)),
                      _mm_cmpeq_epi8(at(m - 1), last));
    for (auto mask = static_cast<std::uint32_t>(_mm_movemask_epi8(candidates)); mask != 0;
         mask &= mask - 1) {
      count +=
          std::memcmp(p + i + static_cast<std::size_t>(__builtin_ctz(mask)), needle.data(), m) == 0;
    }
  }
  return count + CountNeedlePortable(p + i, n - i, needle);
}

JsonMasks ClassifyJsonWithSse2(const char* p) {
  JsonMasks m;
  for (int part = 0; part < 4; ++part) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * part));
    const auto bits = [&](char c) {
      return static_cast<std::uint64_t>(
                 static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)))))
             << (16 * part);
    };
    const std::uint64_t object_opens = bits('{');
    m.quotes |= bits('"');
    m.backslashes |= bits('\\');
    m.object_opens |= object_opens;
    m.opens |= object_opens | bits('[');
    m.closes |= bits('}') | bits(']');
  }
  return m;
}

__attribute__((target("avx512bw"))) JsonMasks ClassifyJsonWithAvx512(const char* p) {
  const __m512i v = _mm512_loadu_si512(p);
  JsonMasks m;
  m.quotes = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
  m.backslashes = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
  m.object_opens = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('{'));
  m.opens = m.object_opens | _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('['));
  m.closes = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('}')) |
             _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(']'));
  return m;
}

#endif

}  // namespace

void ClassifyPortable(const unsigned char* p, std::size_t blocks, std::uint64_t* host,
                      std::uint64_t* dots, std::uint64_t* high, std::uint64_t* digits,
                      std::uint64_t* colons, std::uint64_t* hex) {
  for (std::size_t b = 0; b < blocks; ++b, p += 64) {
    WordMasks m;
    for (std::uint32_t i = 0; i < 64; ++i) {
      const unsigned char c = p[i];
      const bool digit = c >= '0' && c <= '9';
      const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      const std::uint64_t bit = std::uint64_t{1} << i;
      if (digit || letter || c == '-' || c == '_' || c == '.' || c >= 0x80) m.host |= bit;
      if (c >= 0x80) m.high |= bit;
      if (c == '.') m.dots |= bit;
      if (digit) m.digits |= bit;
      if (c == ':') m.colons |= bit;
      if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) m.hex |= bit;
    }
    host[b] = m.host;
    dots[b] = m.dots;
    high[b] = m.high;
    digits[b] = m.digits;
    colons[b] = m.colons;
    hex[b] = m.hex;
  }
}

#ifdef __SSE2__
ClassifyFn ClassifySse2() { return ClassifyWithSse2; }
ClassifyFn ClassifyAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") ? ClassifyWithAvx2 : nullptr;
}
ClassifyFn ClassifyAvx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512bw") ? ClassifyWithAvx512 : nullptr;
}
CountNewlinesFn CountNewlinesSse2() { return CountNewlinesWithSse2; }
CountNeedleFn CountNeedleSse2() { return CountNeedleWithSse2; }
CountNewlinesFn CountNewlinesAvx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512bw") ? CountNewlinesWithAvx512 : nullptr;
}
ClassifyJsonFn ClassifyJsonSse2() { return ClassifyJsonWithSse2; }
ClassifyJsonFn ClassifyJsonAvx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512bw") ? ClassifyJsonWithAvx512 : nullptr;
}
#else
ClassifyFn ClassifySse2() { return nullptr; }
ClassifyFn ClassifyAvx2() { return nullptr; }
ClassifyFn ClassifyAvx512() { return nullptr; }
CountNewlinesFn CountNewlinesSse2() { return nullptr; }
CountNeedleFn CountNeedleSse2() { return nullptr; }
CountNewlinesFn CountNewlinesAvx512() { return nullptr; }
ClassifyJsonFn ClassifyJsonSse2() { return nullptr; }
ClassifyJsonFn ClassifyJsonAvx512() { return nullptr; }
#endif

JsonMasks ClassifyJsonPortable(const char* p) {
  JsonMasks m;
  for (std::uint32_t i = 0; i < 64; ++i) {
    const std::uint64_t bit = std::uint64_t{1} << i;
    switch (p[i]) {
      case '"':
        m.quotes |= bit;
        break;
      case '\\':
        m.backslashes |= bit;
        break;
      case '{':
        m.object_opens |= bit;
        m.opens |= bit;
        break;
      case '[':
        m.opens |= bit;
        break;
      case '}':
      case ']':
        m.closes |= bit;
        break;
      default:
        break;
    }
  }
  return m;
}

ClassifyJsonFn BestClassifyJson() {
  if (const ClassifyJsonFn avx512 = ClassifyJsonAvx512()) return avx512;
  if (const ClassifyJsonFn sse2 = ClassifyJsonSse2()) return sse2;
  return ClassifyJsonPortable;
}

std::uint64_t CountNewlinesPortable(const char* p, std::size_t n) {
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < n; ++i) count += p[i] == '\n';
  return count;
}

std::uint64_t CountNewlines(const char* p, std::size_t n) {
  static const CountNewlinesFn best = [] {
    if (const CountNewlinesFn avx512 = CountNewlinesAvx512()) return avx512;
    if (const CountNewlinesFn sse2 = CountNewlinesSse2()) return sse2;
    return CountNewlinesPortable;
  }();
  return best(p, n);
}

std::uint64_t CountNeedlePortable(const char* p, std::size_t n, std::string_view needle) {
  const std::string_view text(p, n);
  std::uint64_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

std::uint64_t CountNeedle(const char* p, std::size_t n, std::string_view needle) {
  static const CountNeedleFn best = [] {
    if (const CountNeedleFn sse2 = CountNeedleSse2()) return sse2;
    return CountNeedlePortable;
  }();
  return best(p, n, needle);
}

ClassifyFn BestClassify() {
  if (const ClassifyFn avx512 = ClassifyAvx512()) return avx512;
  if (const ClassifyFn avx2 = ClassifyAvx2()) return avx2;
  if (const ClassifyFn sse2 = ClassifySse2()) return sse2;
  return ClassifyPortable;
}

}  // namespace fincyber::detect::internal
