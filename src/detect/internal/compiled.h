// The tables of a compiled Matcher, shared by the compiler (builder.cc) and the record
// scanner (record_matcher.cc).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "detect/internal/tables.h"
#include "stix/observable.h"

namespace fincyber::detect::internal {

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

struct StringRef {
  std::uint32_t handle = 0;
  std::uint32_t length = 0;
};

struct ObservableEntry {
  stix::ObservableKind kind = stix::ObservableKind::kOther;
  StringRef value;  // normalised
};

// A compound condition over observables; leaves are observables.
struct ExprNode {
  enum class Op : std::uint8_t { kObservable, kAnd, kOr };
  Op op = Op::kObservable;
  std::uint32_t observable = 0;        // kObservable
  std::vector<std::uint32_t> operands;  // kAnd, kOr: node indexes
};

// An indicator id as it is kept and compared: for the canonical form, "indicator--" and a
// UUID in lower case (nearly every shared indicator's), the UUID's 16 bytes, a third of
// the text; any other id as its text. Equal ids have equal keys, and the text comes back
// unchanged (IndicatorIdText).
class IndicatorIdKey {
 public:
  explicit IndicatorIdKey(std::string_view id);
  bool compact() const { return compact_; }
  std::string_view bytes() const {
    return compact_ ? std::string_view(uuid_.data(), uuid_.size()) : text_;
  }

 private:
  std::array<char, 16> uuid_{};
  std::string_view text_;
  bool compact_ = false;
};
// The text of the id whose UUID's 16 bytes are `uuid` (IndicatorIdKey::compact()).
std::string CompactIndicatorIdText(std::string_view uuid);

struct Indicator {
  // The bytes of its IndicatorIdKey, the length's top bit set for the compact form.
  StringRef id;
  std::uint32_t expr = kNone;  // kNone: any of its observables is enough
  static constexpr std::uint32_t kCompactId = 0x80000000u;
  bool id_compact() const { return (id.length & kCompactId) != 0; }
  StringRef id_bytes() const { return {id.handle, id.length & ~kCompactId}; }
};

// A host name that indicators care about. `domain` is the domain observable (the name
// and its subdomains), kNone when the name is only the host of URL or e-mail indicators.
struct HostEntry {
  StringRef name;
  std::uint32_t domain = kNone;
  bool url_host = false;
  bool email_domain = false;
};

// An IPv4 range: network (host bits clear) and prefix length; entries with the same
// network and prefix are chained through `next`.
struct Ipv4Entry {
  std::uint32_t network = 0;
  std::uint32_t prefix = 0;
  std::uint32_t observable = 0;
  std::uint32_t next = kNone;
};
struct Ipv6Entry {
  std::array<unsigned char, 16> network{};
  std::uint32_t prefix = 0;
  std::uint32_t observable = 0;
  std::uint32_t next = kNone;
};

struct Compiled {
  Arena arena;
  std::vector<Indicator> indicators;
  std::vector<ObservableEntry> observables;
  std::vector<ExprNode> exprs;
  // Which indicators each observable takes part in: refs[ref_begin[o] .. ref_begin[o+1]),
  // each (indicator << 1) | (1 when the indicator has a compound expression).
  std::vector<std::uint32_t> ref_begin;
  std::vector<std::uint32_t> refs;

  // Host names: the Bloom filter holds the hash of the last two labels of every name
  // (the whole name when it has one label), so most host names in a log cost one probe.
  BlockedBloom host_bloom;
  // One bit per hash of the last label of every name, checked first: a host name whose
  // last label no indicator host has (a file name's "js" or "png") ends there, before the
  // Bloom filter's cache miss. Fits the first-level cache.
  BitFilter last_label_filter;
  HashIndex host_index;  // full name -> hosts[]
  std::vector<HostEntry> hosts;
  bool has_single_label_domains = false;
  // URL indicators whose host is an IP address, or has no dot, or is an IPv6 literal.
  bool has_ip_url_hosts = false;
  bool has_unusual_url_hosts = false;

  HashIndex url_index;    // normalised URL -> observable
  HashIndex email_index;  // normalised address -> observable
  HashIndex hash_index;   // lower-case hex -> observable

  HashIndex ipv4_index;  // (prefix, network) -> ipv4[]
  std::vector<Ipv4Entry> ipv4;
  // Per /16 block of IPv4 space, bit (p - 1) set when a range of prefix length p
  // (1..32) overlaps it: an address is looked up only for those prefix lengths.
  std::vector<std::uint32_t> ipv4_prefixes_by_block;
  // The checks of an address before it is parsed, from its text. In 8 KiB each: bit
  // Ipv4BlockTextBit of the text of every block b ("10.238") for which
  // ipv4_prefixes_by_block[b] != 0, and of every block holding a range wider than /24.
  // In 128 KiB: bit Ipv4NetworkTextBit of the text of every /24 network ("10.238.80")
  // holding a range of /24 or narrower (most indicators are single addresses).
  std::vector<std::uint64_t> ipv4_block_bits;
  std::vector<std::uint64_t> ipv4_wide_block_bits;
  std::vector<std::uint64_t> ipv4_network_bits;
  std::vector<std::uint32_t> ipv4_everything;  // observables covering all IPv4 (/0)
  HashIndex ipv6_index;  // (prefix, network) -> ipv6[]
  std::vector<Ipv6Entry> ipv6;
  std::vector<std::uint32_t> ipv6_prefixes;  // distinct prefix lengths, longest first
  bool has_ipv6 = false;
  bool has_hashes = false;

  std::string_view Text(StringRef ref) const { return arena.Get(ref.handle, ref.length); }
  std::string IndicatorIdText(std::uint32_t indicator) const {
    const Indicator& entry = indicators[indicator];
    const std::string_view bytes = Text(entry.id_bytes());
    return entry.id_compact() ? CompactIndicatorIdText(bytes) : std::string(bytes);
  }
  bool IndicatorIdIs(std::uint32_t indicator, const IndicatorIdKey& key) const {
    const Indicator& entry = indicators[indicator];
    return entry.id_compact() == key.compact() && Text(entry.id_bytes()) == key.bytes();
  }
  StringRef AddIndicatorId(const IndicatorIdKey& key) {
    const std::string_view bytes = key.bytes();
    return StringRef{arena.Add(bytes), static_cast<std::uint32_t>(bytes.size()) |
                                           (key.compact() ? Indicator::kCompactId : 0)};
  }
};

// A bit of ipv4_block_bits for the first two numbers of a dotted quad, given as their
// text's bytes in a little-endian word ("10.238": at most 7 bytes, zero above). The text
// is read where an address is found, before any number is parsed.
inline std::size_t Ipv4BlockTextBit(std::uint64_t text) {
  return static_cast<std::size_t>((text * 0x9E3779B97F4A7C15ULL) >> 48);
}

// The same for the first three numbers ("10.238.80": at most 11 bytes, the first 8 in
// `low`, the rest in `high`, zero above).
inline constexpr std::size_t kIpv4NetworkBits = std::size_t{1} << 20;
inline std::size_t Ipv4NetworkTextBit(std::uint64_t low, std::uint64_t high) {
  return static_cast<std::size_t>(
      ((low * 0x9E3779B97F4A7C15ULL) ^ (high * 0xC2B2AE3D27D4EB4FULL)) >> 44);
}

inline std::uint64_t Ipv4Key(std::uint32_t network, std::uint32_t prefix) {
  return (static_cast<std::uint64_t>(prefix) << 32) | network;
}
inline std::uint64_t HashIpv4Key(std::uint64_t key) {
  key *= 0x9E3779B97F4A7C15ULL;
  return key ^ (key >> 29);
}
inline std::uint64_t HashIpv6Key(const std::array<unsigned char, 16>& network,
                                 std::uint32_t prefix) {
  return HashBytes<false>(reinterpret_cast<const char*>(network.data()), 16) ^
         (static_cast<std::uint64_t>(prefix) * 0x9E3779B97F4A7C15ULL);
}
// The network of `address` under `prefix` bits (host bits cleared).
inline std::array<unsigned char, 16> MaskIpv6(const std::array<unsigned char, 16>& address,
                                              std::uint32_t prefix) {
  std::array<unsigned char, 16> out{};
  for (std::uint32_t i = 0; i < 16; ++i) {
    const std::uint32_t bits = prefix >= 8 * (i + 1) ? 8 : (prefix > 8 * i ? prefix - 8 * i : 0);
    out[i] = static_cast<unsigned char>(address[i] & (bits == 0 ? 0 : (0xFF << (8 - bits)) & 0xFF));
  }
  return out;
}
inline std::uint32_t MaskIpv4(std::uint32_t address, std::uint32_t prefix) {
  return prefix == 0 ? 0 : address & (0xFFFFFFFFu << (32 - prefix));
}

}  // namespace fincyber::detect::internal
