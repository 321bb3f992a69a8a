// Observables: the simple (type, property, value) facts that indicators' patterns and
// cyber observables name, normalised so that equal things compare equal. Used by the
// hub's correlation and by the log matcher. Pure: no I/O.
//
// Normal forms: domain names lower-case, IDNA A-labels (punycode), no trailing dot;
// URLs with lower-case scheme and host (IDNA), default port removed, percent-encoding
// of unreserved characters decoded and the rest upper-cased, empty path as "/";
// IPv4 dotted quad without leading zeros; IPv6 in RFC 5952 form; CIDR ranges with the
// host bits cleared ("10.1.0.0/16"), a single address with no prefix; e-mail addresses
// with the domain part normalised; hashes lower-case hex.
//
// In detail:
// - Domain names: UTS #46 non-transitional IDNA (libidn2), as current browsers and
//   registries do, so "faß.de" and "fass.de" stay different names; labels of letters,
//   digits, '-' and '_', 1-63 bytes, not starting or ending with '-'; at most 253 bytes;
//   the last label not all digits. A-labels ("xn--") must round-trip.
// - URLs need a scheme (RFC 3986). Default ports: http/ws 80, https/wss 443, ftp 21.
//   Bytes a URI may not hold (non-ASCII, space, "<>\"{}|\^`") are percent-encoded, so
//   an IRI equals its URI form; a '%' without two hex digits is kept. Dot segments
//   ("/../") are kept: in an indicator they are often the attack itself. Query and
//   fragment are kept apart from percent-encoding normalisation. The host is an IPv4
//   address, a bracketed IPv6 address in RFC 5952 form, or a normalised domain name.
// - IPv4: exactly four decimal octets; a leading zero ("010.0.0.1") is refused because
//   inet_aton() reads it as octal and other tools as decimal. Prefix lengths 0-32 (0-128
//   for IPv6) without leading zeros. range_first/range_last hold the range as 16 bytes,
//   IPv4 mapped into ::ffff:0:0/96, so an ipv6-addr of ::ffff:a.b.c.d covers the same
//   range as the ipv4-addr a.b.c.d (their keys differ).
// - E-mail: split at the last '@'; the local part is kept as written (it is
//   case-sensitive), the domain normalised, or an address literal "[192.0.2.1]" /
//   "[IPv6:2001:db8::1]" normalised.
// - Hashes (any path ending in hashes.<algorithm>): the algorithm is matched ignoring
//   case, '-' and '_' ("sha256" is SHA-256) and reported in the hash-algorithm-ov
//   spelling; MD5 32, SHA-1 40, SHA-224/SHA3-224 56, SHA-256/SHA3-256 64,
//   SHA-384/SHA3-384 96, SHA-512/SHA3-512 128 hex digits, lower-cased. SSDEEP and TLSH
//   are kHash kept exactly as written. Other algorithms are kOther.
// - References are resolved to the referenced object: email-message from_ref,
//   sender_ref, to_refs[*], cc_refs[*], bcc_refs[*] `.value` are email-addr;
//   network-traffic src_ref/dst_ref `.value` and domain-name resolves_to_refs[*].value are
//   ipv4-addr, ipv6-addr, mac-addr or domain-name as the value shows; such observables
//   report type "email-addr" etc. and path "value".
// - mac-addr values: lower-case, colon-delimited; kind kOther.
// - kOther: the value as written (strings) or the constant's pattern text (1280, true,
//   t'2024-01-01T00:00:00Z', h'ffd8'), with type and path as in the pattern, the path
//   in canonical pattern form ("extensions.'ntfs-ext'.sid").
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/result.h"

namespace fincyber::stix {

enum class ObservableKind {
  kDomain,  // domain-name:value
  kUrl,     // url:value
  kIpv4,    // ipv4-addr:value (address or CIDR)
  kIpv6,    // ipv6-addr:value (address or CIDR)
  kEmail,   // email-addr:value
  kHash,    // file:hashes.'MD5' | 'SHA-1' | 'SHA-256' | 'SHA-512' ...
  kOther,   // any other type:path, compared as the literal string
};

struct Observable {
  ObservableKind kind = ObservableKind::kOther;
  std::string type;   // STIX object type, e.g. "domain-name"
  std::string path;   // property path, e.g. "value", "hashes.'SHA-256'"
  std::string value;  // normalised (see above)
  // For kIpv4/kIpv6: the first and last address of the range, as 16 bytes big-endian
  // (IPv4 mapped into ::ffff:0:0/96), so that containment is two comparisons.
  std::string range_first;
  std::string range_last;
  // "domain:evil.example", "ipv4:10.0.0.0/8", "sha-256:ab12…": one string that is equal
  // for equal observables, for indexing. kOther: "type:path=value" ("file:name=a.exe").
  std::string Key() const;

  // Member by member: each string keeps its storage, none is copied.
  friend void swap(Observable& a, Observable& b) noexcept {
    std::swap(a.kind, b.kind);
    a.type.swap(b.type);
    a.path.swap(b.path);
    a.value.swap(b.value);
    a.range_first.swap(b.range_first);
    a.range_last.swap(b.range_last);
  }
};

struct Pattern;
struct ObjectPath;

// A value a pattern compares with an observable path but that does not normalise, e.g.
// {"ipv4-addr", "value", "999.1.1.1", "'999.1.1.1' is not a valid IPv4 address: ..."}.
// The hub flags the indicator; the pattern itself is valid STIX.
struct RejectedObservable {
  std::string type;
  std::string path;
  std::string value;
  std::string reason;
};

struct PatternObservables {
  std::vector<Observable> observables;  // deduplicated by Key(), in pattern order
  std::vector<RejectedObservable> rejected;
};

// Normalises one value for a STIX type and property path; InvalidArgument naming the
// value and why when it is not a valid value of that kind (e.g. "999.1.1.1").
Result<Observable> NormaliseObservable(std::string_view type, std::string_view path,
                                       std::string_view value);

// A STIX type and property path classified once, so that many values of it (a CSV column,
// the path of many patterns) are normalised without parsing the path again:
// ObservablePath(ParseObjectPath("type:path")).Normalise(v) is NormaliseObservable("type",
// "path", v). Immutable; copies share the classification; thread-safe.
class ObservablePath {
 public:
  explicit ObservablePath(const ObjectPath& path);
  Result<Observable> Normalise(std::string_view value) const;
  // The same into `out`, every field set, so that a loop can reuse one Observable and
  // its strings' storage. On an error `out` is left partly set.
  Status NormaliseInto(std::string_view value, Observable* out) const;

 private:
  struct Classification;
  std::shared_ptr<const Classification> classification_;
};

// The observables of a pattern's equality comparisons (`=` and `IN`) on any object
// path, whatever the surrounding AND/OR/FOLLOWEDBY and qualifiers. InvalidArgument with
// the position when the pattern does not parse.
// Also `ISSUBSET 'cidr'` on ipv4-addr/ipv6-addr values (and on references resolved to
// them); negated comparisons (NOT =, NOT IN) are not observables. Values that do not
// normalise are left out here; ObservablesOfPatternWithRejects reports them.
Result<std::vector<Observable>> ObservablesOfPattern(std::string_view pattern);
Result<PatternObservables> ObservablesOfPatternWithRejects(std::string_view pattern);
// The same for a pattern already parsed (see pattern.h).
PatternObservables ObservablesOf(const Pattern& pattern);

// The observables of a cyber-observable object (SCO), e.g. a domain-name's value, a
// file's hashes; empty when the type carries none. Besides `value` and `hashes`, the
// identifying scalar properties (STIX 2.1 ID contributing properties) are kOther:
// autonomous-system number, directory path, email-message subject, file name, mutex
// name, software name/cpe/vendor/version, user-account user_id/account_login,
// windows-registry-key key, x509-certificate serial_number. Values that do not
// normalise are left out.
std::vector<Observable> ObservablesOfSco(const Json& sco);

}  // namespace fincyber::stix
