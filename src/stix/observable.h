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
#pragma once

#include <optional>
#include <string>
#include <string_view>
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
  // for equal observables, for indexing.
  std::string Key() const;
};

// Normalises one value for a STIX type and property path; InvalidArgument naming the
// value and why when it is not a valid value of that kind (e.g. "999.1.1.1").
Result<Observable> NormaliseObservable(std::string_view type, std::string_view path,
                                       std::string_view value);

// The observables of a pattern's equality comparisons (`=` and `IN`) on any object
// path, whatever the surrounding AND/OR/FOLLOWEDBY and qualifiers. InvalidArgument with
// the position when the pattern does not parse.
Result<std::vector<Observable>> ObservablesOfPattern(std::string_view pattern);

// The observables of a cyber-observable object (SCO), e.g. a domain-name's value, a
// file's hashes; empty when the type carries none.
std::vector<Observable> ObservablesOfSco(const Json& sco);

}  // namespace fincyber::stix
