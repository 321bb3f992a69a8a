// Finding observables in a record. The text is read 64 bytes at a time (AVX2 where the CPU
// has it, else SSE2, part of every x86-64 CPU) into bitmaps of whole 64-bit words, for
// the few bytes that can start a candidate: '.' (host names, IPv4),
// ':' (IPv6, only when IPv6 indicators exist) and blocks of 16 hex digits (hashes, only
// when hash indicators exist: any run of 32 or more hex digits holds a whole block). Only
// the token around such a byte is looked at, and a host name costs one probe of a Bloom
// filter over the last two labels of every indicator host before anything exact is done,
// once its last label passed a smaller filter that stays in the first-level cache; a
// dotted quad is parsed only when its /16 block holds an indicator range.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "detect/internal/compiled.h"
#include "detect/internal/text_classes.h"
#include "detect/matcher.h"

namespace fincyber::detect {
namespace {

using internal::Compiled;
using internal::kNone;

enum : std::uint8_t {
  kHostChar = 1,   // letters, digits, '-', '_', '.', non-ASCII bytes
  kHighByte = 2,   // >= 0x80
  kHexChar = 4,    // 0-9 a-f A-F
  kAlnum = 8,      // ASCII letters and digits
  kLocalChar = 16,  // e-mail local part (RFC 5322 atext and '.', without "=/'`{|}")
  kUrlChar = 32,   // inside a URL in free text
  kDigit = 64,
  kSchemeChar = 128,  // letters, digits, '+', '-', '.'
};

constexpr std::array<std::uint8_t, 256> MakeClasses() {
  std::array<std::uint8_t, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    std::uint8_t k = 0;
    const bool digit = c >= '0' && c <= '9';
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (digit || alpha || c == '-' || c == '_' || c == '.' || c >= 0x80) k |= kHostChar;
    if (c >= 0x80) k |= kHighByte;
    if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) k |= kHexChar;
    if (digit || alpha) k |= kAlnum | kSchemeChar;
    if (digit) k |= kDigit;
    if (c == '+' || c == '-' || c == '.') k |= kSchemeChar;
    if (digit || alpha || (c != 0 && std::string_view("!#$%&*+-?^_~.").find(static_cast<char>(c)) !=
                                         std::string_view::npos)) {
      k |= kLocalChar;
    }
    if (c > 0x20 && c != 0x7F && c != '"' && c != '\'' && c != '<' && c != '>' && c != '`' &&
        c != '\\') {
      k |= kUrlChar;
    }
    classes[static_cast<std::size_t>(c)] = k;
  }
  return classes;
}
constexpr std::array<std::uint8_t, 256> kClass = MakeClasses();

inline std::uint8_t ClassOf(unsigned char c) { return kClass[c]; }
inline bool IsAsciiLetter(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline char LowerAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr std::size_t kMaxDomainBytes = 253;
constexpr std::size_t kMaxUrlBytes = 16 * 1024;
constexpr std::string_view kTrailingPunctuation = ".,;:!?)]}";

// Strict dotted quad, as stix/observable.h reads one: no leading zeros.
bool ParseDottedQuad(const unsigned char* p, std::size_t n, std::uint32_t* out) {
  std::uint32_t address = 0;
  std::size_t i = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (i >= n || p[i] != '.') return false;
      ++i;
    }
    const std::size_t start = i;
    std::uint32_t value = 0;
    while (i < n && i - start < 3 && (ClassOf(p[i]) & kDigit)) value = value * 10 + (p[i++] - '0');
    if (i == start || value > 255 || (i - start > 1 && p[start] == '0')) return false;
    address = (address << 8) | value;
  }
  if (i != n) return false;
  *out = address;
  return true;
}

const internal::ClassifyFn kClassify = internal::BestClassify();

// Bits [begin, end) of word `w` of a bitmap.
inline std::uint64_t RangeMask(std::size_t w, std::size_t begin, std::size_t end) {
  const std::size_t lo = w * 64;
  std::uint64_t mask = ~0ULL;
  if (begin > lo) mask &= ~0ULL << (begin - lo);
  if (end < lo + 64) mask &= (1ULL << (end - lo)) - 1;
  return mask;
}

}  // namespace

// One pass over one text, reporting observables to a RecordMatcher.
class TextScan {
 public:
  // With `candidates`, what is found is not reported to `out` but its offset (plus `base`)
  // appended there.
  TextScan(const Compiled& compiled, RecordMatcher& out, std::string_view text,
           std::uint32_t base, bool located, std::vector<std::uint32_t>* candidates = nullptr)
      : c_(compiled),
        out_(out),
        p_(reinterpret_cast<const unsigned char*>(text.data())),
        n_(text.size()),
        base_(base),
        located_(located),
        candidates_(candidates) {}

  // Two passes: bitmaps of host-name bytes, dots, non-ASCII bytes, colons and hex digits
  // for the whole text (64 bytes at a time), then the tokens around the dots and colons,
  // whose ends are found by scanning the bitmaps rather than the bytes.
  void Run() {
    const bool want_colons = c_.has_ipv6;
    const bool want_hex = c_.has_hashes;
    words_ = (n_ + 63) / 64;
    std::vector<std::uint64_t>& bits = out_.bits_;
    // A zero word before and after each bitmap, so that a 64-bit window may start in the
    // last word or end in the first without a branch.
    const std::size_t stride = words_ + 2;
    if (bits.size() < stride * 6) bits.resize(stride * 6);
    host_ = bits.data() + 1;
    dots_ = host_ + stride;
    high_ = dots_ + stride;
    digits_ = high_ + stride;
    colons_ = digits_ + stride;
    std::uint64_t* const hex = colons_ + stride;
    const std::size_t whole = n_ / 64;
    kClassify(p_, whole, host_, dots_, high_, digits_, colons_, hex);
    for (std::uint64_t* bitmap : {host_, dots_, high_, digits_, colons_, hex}) {
      bitmap[-1] = 0;
      bitmap[words_] = 0;
    }
    if (const std::size_t rest = n_ - whole * 64; rest != 0) {
      unsigned char tail[64] = {};
      std::memcpy(tail, p_ + whole * 64, rest);
      kClassify(tail, 1, host_ + whole, dots_ + whole, high_ + whole, digits_ + whole,
                colons_ + whole, hex + whole);
      const std::uint64_t valid = LowBits(rest);
      for (std::uint64_t* bitmap : {host_, dots_, high_, digits_, colons_, hex}) {
        bitmap[whole] &= valid;
      }
    }
    if (want_hex) {
      // Any run of 32 or more hex digits holds a whole 16-byte block of the text.
      constexpr std::uint64_t kBlockStarts = 0x0001000100010001ULL;
      for (std::size_t w = 0; w < words_; ++w) {
        std::uint64_t run = hex[w];  // bit i ends up set when bits i to i + 15 all are
        run &= run >> 1;
        run &= run >> 2;
        run &= run >> 4;
        run &= run >> 8;
        for (std::uint64_t blocks = run & kBlockStarts; blocks != 0; blocks &= blocks - 1) {
          const std::size_t at = w * 64 + static_cast<std::size_t>(__builtin_ctzll(blocks));
          if (at >= covered_hex_) HashAround(at);
        }
      }
    }
    std::uint64_t high = 0;
    for (std::size_t w = 0; w < words_; ++w) high |= high_[w];
    any_high_ = high != 0;
    // A token's first dot reads the whole token: its other dots are dropped from the loop.
    for (std::size_t w = 0; w < words_; ++w) {
      std::uint64_t dots = dots_[w] & NotCovered(w);
      while (dots != 0) {
        HostTokenAround(w * 64 + static_cast<std::size_t>(__builtin_ctzll(dots)));
        dots &= NotCovered(w);
      }
    }
    if (want_colons) {
      // Only a colon followed by a hex digit, a colon or a dot can be the first of an
      // address's colons (URLs' "://" are not).
      for (std::size_t w = 0; w < words_; ++w) {
        const std::uint64_t next_in_address = (hex[w] | colons_[w] | dots_[w]) >> 1 |
                                              (hex[w + 1] | colons_[w + 1] | dots_[w + 1]) << 63;
        for (std::uint64_t colons = colons_[w] & next_in_address; colons != 0;
             colons &= colons - 1) {
          const std::size_t colon = w * 64 + static_cast<std::size_t>(__builtin_ctzll(colons));
          if (colon >= covered_ipv6_) Ipv6Around(colon);
        }
      }
    }
    if (c_.has_unusual_url_hosts) FindUnusualUrls();
    if (candidates_ != nullptr) {
      for (const RecordMatcher::PendingHost& host : out_.pending_hosts_) {
        if (c_.host_bloom.MayContain(host.two_labels_hash) ||
            (host.single_label && c_.host_bloom.MayContain(host.last_label_hash))) {
          candidates_->push_back(host.offset);
        }
      }
      out_.pending_hosts_.clear();
    }
  }

  // The whole text is one value of a kind.
  void LookupUrl(std::size_t begin, std::size_t end) {
    const std::string_view text(reinterpret_cast<const char*>(p_) + begin, end - begin);
    auto normal = stix::NormaliseObservable("url", "value", text);
    if (!normal.ok()) return;
    const std::string& value = normal->value;
    const std::uint32_t found = c_.url_index.Find(internal::Hash(value), [&](std::uint32_t o) {
      return c_.Text(c_.observables[o].value) == value;
    });
    if (found != kNone) Emit(found, begin, end);
  }

  void LookupEmail(std::string_view address, std::size_t begin, std::size_t end) {
    const std::uint32_t found = c_.email_index.Find(internal::Hash(address), [&](std::uint32_t o) {
      return c_.Text(c_.observables[o].value) == address;
    });
    if (found != kNone) Emit(found, begin, end);
  }

  void LookupAddress(const std::array<unsigned char, 16>& address, std::size_t begin,
                     std::size_t end) {
    static constexpr std::array<unsigned char, 12> kMapped = {0, 0, 0, 0, 0, 0,
                                                              0, 0, 0, 0, 0xFF, 0xFF};
    if (std::equal(kMapped.begin(), kMapped.end(), address.begin())) {
      LookupIpv4((std::uint32_t{address[12]} << 24) | (std::uint32_t{address[13]} << 16) |
                     (std::uint32_t{address[14]} << 8) | address[15],
                 begin, end);
      return;
    }
    for (const std::uint32_t prefix : c_.ipv6_prefixes) {
      const auto network = internal::MaskIpv6(address, prefix);
      std::uint32_t e = c_.ipv6_index.Find(internal::HashIpv6Key(network, prefix),
                                           [&](std::uint32_t i) {
                                             return c_.ipv6[i].network == network &&
                                                    c_.ipv6[i].prefix == prefix;
                                           });
      for (; e != kNone; e = c_.ipv6[e].next) Emit(c_.ipv6[e].observable, begin, end);
    }
  }

  void LookupIpv4(std::uint32_t address, std::size_t begin, std::size_t end) {
    for (const std::uint32_t o : c_.ipv4_everything) Emit(o, begin, end);
    if (c_.ipv4_prefixes_by_block.empty()) return;
    std::uint32_t prefixes = c_.ipv4_prefixes_by_block[address >> 16];
    while (prefixes != 0) {
      const auto prefix = static_cast<std::uint32_t>(__builtin_ctz(prefixes)) + 1;
      prefixes &= prefixes - 1;
      const std::uint32_t network = internal::MaskIpv4(address, prefix);
      std::uint32_t e = c_.ipv4_index.Find(
          internal::HashIpv4Key(internal::Ipv4Key(network, prefix)), [&](std::uint32_t i) {
            return c_.ipv4[i].network == network && c_.ipv4[i].prefix == prefix;
          });
      for (; e != kNone; e = c_.ipv4[e].next) Emit(c_.ipv4[e].observable, begin, end);
    }
  }

 private:
  void Emit(std::uint32_t observable, std::size_t begin, std::size_t end) {
    if (candidates_ != nullptr) {
      candidates_->push_back(base_ + static_cast<std::uint32_t>(begin));
      return;
    }
    if (!located_) {
      out_.Emit(observable, base_, 0);
      return;
    }
    out_.Emit(observable, base_ + static_cast<std::uint32_t>(begin),
              static_cast<std::uint32_t>(end - begin));
  }

  // The first byte of the run of host-name bytes holding `pos`.
  std::size_t RunBegin(std::size_t pos) const {
    std::size_t w = pos / 64;
    std::uint64_t below = (pos % 64) == 0 ? 0 : ~host_[w] & ((1ULL << (pos % 64)) - 1);
    while (below == 0) {
      if (w == 0) return 0;
      below = ~host_[--w];
    }
    return w * 64 + 64 - static_cast<std::size_t>(__builtin_clzll(below));
  }
  // One past the last byte of that run.
  std::size_t RunEnd(std::size_t pos) const {
    std::size_t w = pos / 64;
    std::uint64_t above = ~host_[w] & (~0ULL << (pos % 64));
    while (above == 0) {
      if (++w >= words_) return n_;
      above = ~host_[w];
    }
    return std::min(n_, w * 64 + static_cast<std::size_t>(__builtin_ctzll(above)));
  }
  // Set bits in [begin, end), counting no further than `limit` (tokens hold few dots; the
  // baseline x86-64 has no popcount instruction).
  std::size_t CountBits(const std::uint64_t* bitmap, std::size_t begin, std::size_t end,
                        std::size_t limit) const {
    std::size_t count = 0;
    for (std::size_t w = begin / 64; w * 64 < end && count < limit; ++w) {
      for (std::uint64_t bits = bitmap[w] & RangeMask(w, begin, end); bits != 0 && count < limit;
           bits &= bits - 1) {
        ++count;
      }
    }
    return count;
  }

  // The last set bit in [begin, end), or `end` when none is.
  std::size_t LastBit(const std::uint64_t* bitmap, std::size_t begin, std::size_t end) const {
    for (std::size_t w = (end - 1) / 64 + 1; w-- > begin / 64;) {
      const std::uint64_t bits = bitmap[w] & RangeMask(w, begin, end);
      if (bits != 0) return w * 64 + 63 - static_cast<std::size_t>(__builtin_clzll(bits));
    }
    return end;
  }
  bool AllBits(const std::uint64_t* bitmap, std::size_t begin, std::size_t end) const {
    for (std::size_t w = begin / 64; w * 64 < end; ++w) {
      const std::uint64_t mask = RangeMask(w, begin, end);
      if ((bitmap[w] & mask) != mask) return false;
    }
    return true;
  }

  // The bits of word `w` of a bitmap at or after covered_host_.
  std::uint64_t NotCovered(std::size_t w) const {
    if (covered_host_ <= w * 64) return ~0ULL;
    const std::size_t covered = covered_host_ - w * 64;
    return covered >= 64 ? 0 : ~0ULL << covered;
  }

  // 64 bits of a bitmap from bit `pos` on (bit 0 = pos).
  std::uint64_t BitsFrom(const std::uint64_t* bitmap, std::size_t pos) const {
    const std::size_t w = pos / 64;
    const std::size_t b = pos % 64;
    return (bitmap[w] >> b) | ((bitmap[w + 1] << 1) << (63 - b));
  }
  // 64 bits of a bitmap up to bit `pos` (bit 63 = pos, bit 62 = pos - 1, ...).
  std::uint64_t BitsUpTo(const std::uint64_t* bitmap, std::size_t pos) const {
    const std::size_t w = pos / 64;
    const std::size_t b = pos % 64;
    return (bitmap[w] << (63 - b)) | ((bitmap[w - 1] >> 1) >> b);
  }
  static std::uint64_t LowBits(std::size_t count) {
    return count >= 64 ? ~0ULL : (1ULL << count) - 1;
  }
  // LowBits for a count of 1 to 64, without a branch.
  static std::uint64_t SomeLowBits(std::size_t count) { return ~0ULL >> (64 - count); }

  [[gnu::always_inline]] void HostTokenAround(std::size_t dot) {
    // Most tokens are shorter than 64 bytes: their ends are one bit scan away.
    const std::uint64_t right = ~BitsFrom(host_, dot);
    const std::uint64_t left = ~BitsUpTo(host_, dot);
    if (right == 0 || left == 0) {
      const std::size_t end = RunEnd(dot);
      covered_host_ = end;
      HostToken(RunBegin(dot), end);
      return;
    }
    const std::size_t begin = dot + 1 - static_cast<std::size_t>(__builtin_clzll(left));
    const std::size_t end = std::min(n_, dot + static_cast<std::size_t>(__builtin_ctzll(right)));
    covered_host_ = end;
    HostToken(begin, end);
  }

  [[gnu::always_inline]] void HostToken(std::size_t begin, std::size_t end) {
    if (end - begin > 64) {
      LongHostToken(begin, end);
      return;
    }
    std::size_t length = end - begin;
    std::uint64_t dots = BitsFrom(dots_, begin) & SomeLowBits(length);
    const auto leading = static_cast<std::size_t>(__builtin_ctzll(~dots));
    if (leading >= length) return;  // only dots
    const auto trailing = static_cast<std::size_t>(__builtin_clzll(~(dots << (64 - length))));
    begin += leading;
    end -= trailing;
    length = end - begin;
    if (length < 2) return;
    dots = (dots >> leading) & SomeLowBits(length);
    const bool high = any_high_ && (BitsFrom(high_, begin) & SomeLowBits(length)) != 0;
    if (dots == 0) {  // one label, e.g. "evil." at the end of a sentence
      if (c_.has_single_label_domains && !high) {
        DomainName(reinterpret_cast<const char*>(p_) + begin, length, begin, end);
      }
      return;
    }
    const std::size_t last_dot = begin + 63 - static_cast<std::size_t>(__builtin_clzll(dots));
    const std::uint64_t last_label = SomeLowBits(end - last_dot - 1);
    if ((BitsFrom(digits_, last_dot + 1) & last_label) == last_label) {  // a number
      const std::uint64_t two = dots & (dots - 1);
      const bool three_dots = two != 0 && (two & (two - 1)) != 0 &&
                              ((two & (two - 1)) & ((two & (two - 1)) - 1)) == 0;
      // Most addresses in a log are in no indicator range, which the first two numbers
      // tell, nor the host of a URL.
      if (length <= 15 && three_dots &&
          (!c_.ipv4_everything.empty() || MayBeInRange(begin, dots) ||
           (c_.has_ip_url_hosts && PrecededByAuthority(begin)))) {
        Ipv4Token(begin, end);
      }
    } else if (high) {
      InternationalName(begin, end);
    } else if (candidates_ != nullptr) {
      CandidateHostName(begin, end, last_dot, dots);
    } else {
      DomainName(reinterpret_cast<const char*>(p_) + begin, length, begin, end);
    }
  }

  // What DomainName does for FindCandidates, for an ASCII host name of at most 64 bytes in
  // the text whose dots are known (`dots`, bit 0 = `begin`; `last_dot` absolute): its last
  // two labels are found from the bitmap instead of byte by byte.
  [[gnu::always_inline]] void CandidateHostName(std::size_t begin, std::size_t end,
                                                std::size_t last_dot, std::uint64_t dots) {
    const std::uint64_t before_last = dots & ~(std::uint64_t{1} << (last_dot - begin));
    const std::size_t last_label = last_dot + 1;
    const std::size_t two_labels =
        before_last == 0 ? begin
                         : begin + 64 - static_cast<std::size_t>(__builtin_clzll(before_last));
    const auto suffix_hash = [&](std::size_t from) {
      return internal::HashShortBytes<true>(reinterpret_cast<const char*>(p_) + from, end - from,
                                            n_ - from);
    };
    const std::uint64_t last_label_hash = suffix_hash(last_label);
    if (!c_.last_label_filter.MayContain(last_label_hash)) return;
    DeferHostProbe(begin, suffix_hash(two_labels),
                   c_.has_single_label_domains && last_label != two_labels, last_label_hash);
  }

  // FindCandidates: the Bloom filter probes of a host name at `begin`, made at the end of
  // the text so that their cache misses overlap instead of coming one after another.
  void DeferHostProbe(std::size_t begin, std::uint64_t two_labels_hash, bool single_label,
                      std::uint64_t last_label_hash) {
    c_.host_bloom.Prefetch(two_labels_hash);
    out_.pending_hosts_.push_back(RecordMatcher::PendingHost{
        two_labels_hash, last_label_hash, base_ + static_cast<std::uint32_t>(begin), single_label});
  }

  // Tokens longer than 64 bytes, byte by byte.
  [[gnu::noinline]] void LongHostToken(std::size_t begin, std::size_t end) {
    while (begin < end && p_[begin] == '.') ++begin;
    while (end > begin && p_[end - 1] == '.') --end;
    if (end - begin < 2) return;
    const bool high = CountBits(high_, begin, end, 1) != 0;
    const std::size_t last_dot = LastBit(dots_, begin, end);
    if (last_dot == end) {
      if (c_.has_single_label_domains && !high) {
        DomainName(reinterpret_cast<const char*>(p_) + begin, end - begin, begin, end);
      }
      return;
    }
    if (AllBits(digits_, last_dot + 1, end)) return;  // too long for an IPv4 address
    if (high) {
      InternationalName(begin, end);
    } else {
      DomainName(reinterpret_cast<const char*>(p_) + begin, end - begin, begin, end);
    }
  }

  [[gnu::noinline]] void InternationalName(std::size_t begin, std::size_t end) {
    const std::string_view text(reinterpret_cast<const char*>(p_) + begin, end - begin);
    auto normal = stix::NormaliseObservable("domain-name", "value", text);
    if (normal.ok()) {
      DomainName(normal->value.data(), normal->value.size(), begin, end);
      return;
    }
    // Not a name (binary, invalid UTF-8): the ASCII labels after the last bad byte may be.
    std::size_t ascii = end;
    while (ascii > begin && !(ClassOf(p_[ascii - 1]) & kHighByte)) --ascii;
    while (ascii < end && p_[ascii] != '.') ++ascii;
    if (end - ascii < 3) return;
    ++ascii;
    if (std::memchr(p_ + ascii, '.', end - ascii) == nullptr && !c_.has_single_label_domains) {
      return;
    }
    DomainName(reinterpret_cast<const char*>(p_) + ascii, end - ascii, ascii, end);
  }

  // `name`, `length`: the host name as ASCII (any case); [begin, end) where it is in the
  // text, for reporting and for the URL or e-mail address around it.
  void DomainName(const char* name, std::size_t length, std::size_t begin, std::size_t end) {
    bool whole = true;
    if (length > kMaxDomainBytes) {  // keep the labels of the last 253 bytes
      const char* cut = name + length - kMaxDomainBytes;
      const char* dot = static_cast<const char*>(std::memchr(cut, '.', kMaxDomainBytes));
      if (dot == nullptr) return;
      length -= static_cast<std::size_t>(dot + 1 - name);
      name = dot + 1;
      whole = false;
    }
    const char* name_end = name + length;
    const char* last_label = name_end;
    while (last_label > name && last_label[-1] != '.') --last_label;
    const char* two_labels = last_label;
    if (two_labels > name) {
      --two_labels;
      while (two_labels > name && two_labels[-1] != '.') --two_labels;
    }
    // Bytes readable past the name: the rest of the text when the name lies in it.
    const auto* text = reinterpret_cast<const char*>(p_);
    const std::size_t readable_after =
        name >= text && name < text + n_ ? static_cast<std::size_t>(text + n_ - name_end) : 0;
    const auto suffix_hash = [&](const char* from) {
      const auto length = static_cast<std::size_t>(name_end - from);
      return internal::HashBytes<true>(from, length, length + readable_after);
    };
    if (!c_.last_label_filter.MayContain(suffix_hash(last_label))) return;
    if (candidates_ != nullptr) {
      // The line will be read again record by record if it holds a candidate, so passing
      // the Bloom filter is enough here.
      DeferHostProbe(begin, suffix_hash(two_labels),
                     c_.has_single_label_domains && last_label != two_labels,
                     suffix_hash(last_label));
      return;
    }
    bool maybe = c_.host_bloom.MayContain(suffix_hash(two_labels));
    if (!maybe && c_.has_single_label_domains && last_label != two_labels) {
      maybe = c_.host_bloom.MayContain(suffix_hash(last_label));
    }
    if (!maybe) return;
    char lower[kMaxDomainBytes];
    for (std::size_t i = 0; i < length; ++i) lower[i] = LowerAscii(name[i]);
    for (std::size_t start = length; start-- > 0;) {
      if (start > 0 && lower[start - 1] != '.') continue;
      const std::string_view suffix(lower + start, length - start);
      const std::uint32_t h = FindHost(suffix);
      if (h == kNone) continue;
      const internal::HostEntry& host = c_.hosts[h];
      if (host.domain != kNone) Emit(host.domain, begin, end);
      if (start == 0 && whole) {
        if (host.url_host) UrlAround(begin, end);
        if (host.email_domain) EmailAround(begin, end, suffix);
      }
    }
  }

  std::uint32_t FindHost(std::string_view name) const {
    return c_.host_index.Find(internal::Hash(name), [&](std::uint32_t h) {
      return c_.Text(c_.hosts[h].name) == name;
    });
  }

  void Ipv4Token(std::size_t begin, std::size_t end) {
    std::uint32_t address = 0;
    if (!ParseDottedQuad(p_ + begin, end - begin, &address)) return;
    if (c_.has_ip_url_hosts && PrecededByAuthority(begin)) {
      const std::uint32_t h =
          FindHost(std::string_view(reinterpret_cast<const char*>(p_) + begin, end - begin));
      if (h != kNone && c_.hosts[h].url_host) UrlAround(begin, end);
    }
    LookupIpv4(address, begin, end);
  }

  // Whether the dotted quad at `begin` (`dots`: its dots, bit 0 = `begin`) may be in an
  // indicator range, from the text of its first two numbers and if need be of its first
  // three (a false answer is exact); false too when they are not of 1-3 characters, which
  // ParseDottedQuad would reject.
  [[gnu::always_inline]] bool MayBeInRange(std::size_t begin, std::uint64_t dots) const {
    if (c_.ipv4_block_bits.empty()) return false;
    const auto first_dot = static_cast<std::size_t>(__builtin_ctzll(dots));
    dots &= dots - 1;
    const auto second_dot = static_cast<std::size_t>(__builtin_ctzll(dots));
    dots &= dots - 1;
    const auto third_dot = static_cast<std::size_t>(__builtin_ctzll(dots));
    if (first_dot == 0 || first_dot > 3 || second_dot - first_dot - 1 == 0 ||
        second_dot - first_dot - 1 > 3 || third_dot - second_dot - 1 == 0 ||
        third_dot - second_dot - 1 > 3) {
      return false;
    }
    std::uint64_t text[2] = {0, 0};
    if (n_ - begin >= 16) {
      std::memcpy(text, p_ + begin, 16);
    } else {
      std::memcpy(text, p_ + begin, third_dot);
    }
    const std::size_t block = internal::Ipv4BlockTextBit(text[0] & SomeLowBits(8 * second_dot));
    if (!BitOf(c_.ipv4_block_bits, block)) return false;
    if (BitOf(c_.ipv4_wide_block_bits, block)) return true;
    // The text up to the third dot: 5 to 11 bytes.
    if (third_dot < 8) {
      text[0] &= SomeLowBits(8 * third_dot);
      text[1] = 0;
    } else {
      text[1] &= LowBits(8 * (third_dot - 8));
    }
    return BitOf(c_.ipv4_network_bits, internal::Ipv4NetworkTextBit(text[0], text[1]));
  }

  static bool BitOf(const std::vector<std::uint64_t>& bits, std::size_t bit) {
    return (bits[bit / 64] >> (bit % 64)) & 1;
  }

  bool PrecededByAuthority(std::size_t host_begin) const {
    return host_begin >= 3 && p_[host_begin - 1] == '/' && p_[host_begin - 2] == '/' &&
           p_[host_begin - 3] == ':';
  }

  // The URL whose host is at [host_begin, host_end), if "scheme://" precedes it.
  void UrlAround(std::size_t host_begin, std::size_t host_end) {
    if (!PrecededByAuthority(host_begin)) return;
    std::size_t begin = host_begin - 3;
    while (begin > 0 && (ClassOf(p_[begin - 1]) & kSchemeChar)) --begin;
    while (begin < host_begin - 3 && !IsAsciiLetter(p_[begin])) ++begin;
    if (begin == host_begin - 3) return;
    std::size_t end = host_end;
    while (end < n_ && end - begin < kMaxUrlBytes && (ClassOf(p_[end]) & kUrlChar)) ++end;
    const std::size_t found_before = found_count();
    LookupUrl(begin, end);
    if (found_count() != found_before) return;
    std::size_t trimmed = end;
    while (trimmed > host_end && kTrailingPunctuation.find(static_cast<char>(p_[trimmed - 1])) !=
                                     std::string_view::npos) {
      --trimmed;
    }
    if (trimmed != end) LookupUrl(begin, trimmed);
  }

  std::size_t found_count() const {
    return candidates_ != nullptr ? candidates_->size() : out_.found_.size();
  }

  void EmailAround(std::size_t domain_begin, std::size_t domain_end, std::string_view domain) {
    if (domain_begin < 2 || p_[domain_begin - 1] != '@') return;
    std::size_t begin = domain_begin - 1;
    while (begin > 0 && (ClassOf(p_[begin - 1]) & kLocalChar)) --begin;
    const std::size_t local_length = domain_begin - 1 - begin;
    if (local_length == 0 || local_length > 64) return;
    std::string address(reinterpret_cast<const char*>(p_) + begin, local_length);
    address.push_back('@');
    address.append(domain);
    LookupEmail(address, begin, domain_end);
  }

  void Ipv6Around(std::size_t colon) {
    auto part_of_address = [](unsigned char c) {
      return (ClassOf(c) & kHexChar) || c == ':' || c == '.';
    };
    std::size_t begin = colon;
    std::size_t end = colon + 1;
    while (begin > 0 && part_of_address(p_[begin - 1])) --begin;
    while (end < n_ && part_of_address(p_[end])) ++end;
    covered_ipv6_ = end;
    // A letter or digit right next to the run makes it part of a word.
    if ((begin > 0 && (ClassOf(p_[begin - 1]) & kAlnum)) ||
        (end < n_ && (ClassOf(p_[end]) & kAlnum))) {
      return;
    }
    while (end > begin && p_[end - 1] == '.') --end;
    if (end - begin >= 2 && p_[end - 1] == ':' && p_[end - 2] != ':') --end;
    if (end - begin >= 2 && p_[begin] == ':' && p_[begin + 1] != ':') ++begin;
    const std::size_t length = end - begin;
    if (length < 2 || length > 45) return;
    if (std::count(p_ + begin, p_ + end, ':') < 2) return;
    char text[46];
    std::memcpy(text, p_ + begin, length);
    text[length] = '\0';
    std::array<unsigned char, 16> address{};
    if (inet_pton(AF_INET6, text, address.data()) != 1) return;
    LookupAddress(address, begin, end);
  }

  void HashAround(std::size_t block) {
    std::size_t begin = block;
    std::size_t end = block + 16;
    while (begin > 0 && (ClassOf(p_[begin - 1]) & kAlnum)) --begin;
    while (end < n_ && (ClassOf(p_[end]) & kAlnum)) ++end;
    covered_hex_ = end;
    const std::size_t length = end - begin;
    if (length != 32 && length != 40 && length != 56 && length != 64 && length != 96 &&
        length != 128) {
      return;
    }
    char lower[128];
    for (std::size_t i = 0; i < length; ++i) {
      if (!(ClassOf(p_[begin + i]) & kHexChar)) return;
      lower[i] = LowerAscii(static_cast<char>(p_[begin + i]));
    }
    const std::string_view hex(lower, length);
    const std::uint32_t found = c_.hash_index.Find(internal::Hash(hex), [&](std::uint32_t o) {
      return c_.Text(c_.observables[o].value) == hex;
    });
    if (found != kNone) Emit(found, begin, end);
  }

  // URLs whose host has no dot ("http://intranet/") or is an IPv6 literal: the host-name
  // pass does not see them, so every "://" is looked at.
  void FindUnusualUrls() {
    const char* text = reinterpret_cast<const char*>(p_);
    for (std::size_t at = 0; at + 3 <= n_;) {
      const void* hit = memmem(text + at, n_ - at, "://", 3);
      if (hit == nullptr) return;
      const auto host_begin = static_cast<std::size_t>(static_cast<const char*>(hit) - text) + 3;
      at = host_begin;
      std::size_t host_end = host_begin;
      if (host_begin < n_ && p_[host_begin] == '[') {
        while (host_end < n_ && p_[host_end] != ']' && host_end - host_begin < 48) ++host_end;
        if (host_end >= n_ || p_[host_end] != ']') continue;
        const std::string_view inside(text + host_begin + 1, host_end - host_begin - 1);
        auto address = stix::NormaliseObservable("ipv6-addr", "value", inside);
        ++host_end;
        if (!address.ok()) continue;
        const std::string host = "[" + address->value + "]";
        const std::uint32_t h = FindHost(host);
        if (h != kNone && c_.hosts[h].url_host) UrlAround(host_begin, host_end);
        continue;
      }
      bool dotted = false;
      while (host_end < n_ && (ClassOf(p_[host_end]) & kHostChar)) {
        dotted = dotted || p_[host_end] == '.';
        ++host_end;
      }
      if (dotted || host_end == host_begin || host_end - host_begin > 63) continue;
      char lower[64];
      for (std::size_t i = host_begin; i < host_end; ++i) {
        lower[i - host_begin] = LowerAscii(static_cast<char>(p_[i]));
      }
      const std::string_view host(lower, host_end - host_begin);
      if (!c_.host_bloom.MayContain(internal::Hash(host))) continue;
      const std::uint32_t h = FindHost(host);
      if (h != kNone && c_.hosts[h].url_host) UrlAround(host_begin, host_end);
    }
  }

  const Compiled& c_;
  RecordMatcher& out_;
  const unsigned char* p_;
  std::size_t n_;
  std::uint32_t base_;
  bool located_;
  std::vector<std::uint32_t>* candidates_;
  std::size_t words_ = 0;
  std::uint64_t* host_ = nullptr;  // bitmaps over the text, in RecordMatcher's scratch
  std::uint64_t* dots_ = nullptr;
  std::uint64_t* high_ = nullptr;
  bool any_high_ = false;  // whether high_ has a bit set
  std::uint64_t* digits_ = nullptr;
  std::uint64_t* colons_ = nullptr;
  std::size_t covered_host_ = 0;
  std::size_t covered_ipv6_ = 0;
  std::size_t covered_hex_ = 0;
};

RecordMatcher::RecordMatcher(const Matcher& matcher)
    : compiled_(matcher.compiled()),
      indicator_seen_(compiled_.indicators.size(), 0),
      observable_seen_(compiled_.observables.size(), 0) {}

RecordMatcher::~RecordMatcher() = default;

void RecordMatcher::Reset() {
  found_.clear();
  if (++record_ == 0) {  // wrapped: forget every mark
    std::fill(indicator_seen_.begin(), indicator_seen_.end(), 0);
    std::fill(observable_seen_.begin(), observable_seen_.end(), 0);
    record_ = 1;
  }
}

void RecordMatcher::Emit(std::uint32_t observable, std::uint32_t offset, std::uint32_t length) {
  if (observable_seen_[observable] == record_) return;
  observable_seen_[observable] = record_;
  found_.push_back(Found{observable, offset, length});
}

void RecordMatcher::AddText(std::string_view text, std::uint32_t offset, bool located) {
  TextScan(compiled_, *this, text, offset, located).Run();
}

void RecordMatcher::FindCandidates(std::string_view lines, std::vector<std::uint32_t>* candidates) {
  candidates->clear();
  // Pieces of whole lines small enough for their bitmaps to stay in the first-level cache,
  // and large enough that setting up a pass costs little per line. No token crosses a
  // line break, so a piece finds what its lines would find one by one.
  constexpr std::size_t kPieceBytes = 8 * 1024;
  std::size_t begin = 0;
  while (begin < lines.size()) {
    std::size_t end = lines.size();
    if (end - begin > kPieceBytes) {
      std::size_t newline = lines.rfind('\n', begin + kPieceBytes - 1);
      if (newline == std::string_view::npos || newline < begin) {
        newline = lines.find('\n', begin + kPieceBytes);
      }
      if (newline != std::string_view::npos) end = newline + 1;
    }
    TextScan(compiled_, *this, lines.substr(begin, end - begin), static_cast<std::uint32_t>(begin),
             true, candidates)
        .Run();
    begin = end;
  }
  // The passes over dots, colons and hex digits report out of order.
  std::sort(candidates->begin(), candidates->end());
}

void RecordMatcher::AddValue(ValueKind kind, std::string_view value, std::uint32_t offset,
                             bool located) {
  AddText(value, offset, located);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
    ++offset;
  }
  if (value.empty()) return;
  TextScan scan(compiled_, *this, value, offset, located);
  switch (kind) {
    case ValueKind::kUrl:
      scan.LookupUrl(0, value.size());
      return;
    case ValueKind::kEmail: {
      auto address = stix::NormaliseObservable("email-addr", "value", value);
      if (address.ok()) scan.LookupEmail(address->value, 0, value.size());
      return;
    }
    case ValueKind::kIp: {
      std::string_view address = value;
      if (address.front() == '[' && address.find(']') != std::string_view::npos) {
        address = address.substr(1, address.find(']') - 1);
      }
      auto v4 = stix::NormaliseObservable("ipv4-addr", "value", address);
      auto v6 = v4.ok() ? v4 : stix::NormaliseObservable("ipv6-addr", "value", address);
      if (!v6.ok() || v6->range_first != v6->range_last) return;
      std::array<unsigned char, 16> bytes{};
      std::copy(v6->range_first.begin(), v6->range_first.end(), bytes.begin());
      scan.LookupAddress(bytes, 0, value.size());
      return;
    }
    case ValueKind::kText:
    case ValueKind::kDomain:
    case ValueKind::kHash:
      return;  // free text finds these whole values too
  }
}

bool RecordMatcher::Evaluate(std::uint32_t node_index) const {
  const internal::ExprNode& node = compiled_.exprs[node_index];
  switch (node.op) {
    case internal::ExprNode::Op::kObservable:
      return observable_seen_[node.observable] == record_;
    case internal::ExprNode::Op::kAnd:
      return std::all_of(node.operands.begin(), node.operands.end(),
                         [&](std::uint32_t operand) { return Evaluate(operand); });
    case internal::ExprNode::Op::kOr:
      return std::any_of(node.operands.begin(), node.operands.end(),
                         [&](std::uint32_t operand) { return Evaluate(operand); });
  }
  return false;
}

const std::vector<IndicatorHit>& RecordMatcher::Resolve() {
  hits_.clear();
  compound_.clear();
  for (const Found& found : found_) {
    const std::uint32_t begin = compiled_.ref_begin[found.observable];
    const std::uint32_t end = compiled_.ref_begin[found.observable + 1];
    for (std::uint32_t r = begin; r < end; ++r) {
      const std::uint32_t ref = compiled_.refs[r];
      const std::uint32_t indicator = ref >> 1;
      if (indicator_seen_[indicator] == record_) continue;
      indicator_seen_[indicator] = record_;
      const IndicatorHit hit{indicator, found.observable, found.offset, found.length};
      if (ref & 1) {
        compound_.push_back(hit);
      } else {
        hits_.push_back(hit);
      }
    }
  }
  for (const IndicatorHit& hit : compound_) {
    if (Evaluate(compiled_.indicators[hit.indicator].expr)) hits_.push_back(hit);
  }
  return hits_;
}

}  // namespace fincyber::detect
