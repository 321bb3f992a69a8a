// Normalisation of observables and their extraction from patterns and SCOs.
#include "stix/observable.h"

#include <arpa/inet.h>
#include <idn2.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <unordered_set>
#include <utility>

#include "base/ascii.h"
#include "stix/pattern.h"

namespace fincyber::stix {
namespace {

constexpr std::size_t kMaxLabelBytes = 63;
constexpr std::size_t kMaxDomainBytes = 253;

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsAscii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

Error NotValid(std::string_view what, std::string_view value, std::string_view why) {
  std::string message = "'";
  message.append(value.substr(0, 200));
  message.append("' is not a valid ");
  message.append(what);
  message.append(": ");
  message.append(why);
  return InvalidArgument(std::move(message));
}

// ---------------------------------------------------------------- domain names

// Checks an ASCII, lower-case name without a trailing dot: labels of 1-63 letters,
// digits, '-' and '_' (found in real names such as _dmarc), not starting or ending with
// '-', at most 253 bytes, and a last label that is not all digits (so "999.1.1.1" is
// neither an address nor a name).
Status CheckAsciiDomain(std::string_view name, std::string_view original) {
  if (name.empty()) return NotValid("domain name", original, "empty");
  if (name.size() > kMaxDomainBytes)
    return NotValid("domain name", original, "longer than 253 bytes");
  std::size_t label_start = 0;
  bool last_all_digits = true;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      const std::string_view label = name.substr(label_start, i - label_start);
      if (label.empty()) return NotValid("domain name", original, "empty label");
      if (label.size() > kMaxLabelBytes) {
        return NotValid("domain name", original, "label longer than 63 bytes");
      }
      if (label.front() == '-' || label.back() == '-') {
        return NotValid("domain name", original, "label starts or ends with '-'");
      }
      last_all_digits = true;
      for (const char c : label) last_all_digits = last_all_digits && IsAsciiDigit(c);
      label_start = i + 1;
      continue;
    }
    const char c = name[i];
    if (!(IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '-' || c == '_')) {
      return NotValid("domain name", original, "character not allowed in a host name");
    }
  }
  if (last_all_digits) return NotValid("domain name", original, "the last label is numeric");
  return OkStatus();
}

// UTS #46 non-transitional processing (what current browsers and registries use): 'ß'
// and 'ς' stay distinct letters, so "faß.de" and "fass.de" remain the different names
// they are in DNS; transitional processing would merge them.
Result<std::string> ToAsciiIdna(std::string_view name, std::string_view original) {
  const std::string input(name);
  char* output = nullptr;
  const int rc = idn2_to_ascii_8z(input.c_str(), &output,
                                  IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL | IDN2_ALABEL_ROUNDTRIP);
  if (rc != IDN2_OK) {
    return NotValid("domain name", original, std::string("IDNA: ") + idn2_strerror(rc));
  }
  std::string result(output);
  idn2_free(output);
  return result;
}

// A name of ASCII letters, digits, '-' and '_' that passes CheckAsciiDomain once lowered
// and has no A-label, lowered in one pass into `lowered`; false for any other name (with
// `lowered` clobbered), which the full path decides and explains.
bool LowerPlainAsciiDomain(std::string_view name, std::string* lowered) {
  if (name.empty() || name.size() > kMaxDomainBytes) return false;
  std::string& out = *lowered;
  out.resize(name.size());
  std::size_t label_start = 0;
  bool all_digits = true;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      const std::size_t length = i - label_start;
      if (length == 0 || length > kMaxLabelBytes) return false;
      if (name[label_start] == '-' || name[i - 1] == '-') return false;
      // A memcmp of constant length compiles to one comparison; out.compare is a call.
      if (length >= 4 && std::memcmp(out.data() + label_start, "xn--", 4) == 0) return false;
      if (i == name.size()) return !all_digits;
      out[i] = '.';
      label_start = i + 1;
      all_digits = true;
      continue;
    }
    const char c = ToLower(name[i]);
    if (!((c >= 'a' && c <= 'z') || IsAsciiDigit(c) || c == '-' || c == '_')) return false;
    all_digits = all_digits && IsAsciiDigit(c);
    out[i] = c;
  }
  return false;
}

Result<std::string> NormaliseDomainName(std::string_view value) {
  std::string_view name = value;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) return NotValid("domain name", value, "empty");
  if (std::string plain; LowerPlainAsciiDomain(name, &plain)) return plain;
  std::string ascii;
  bool needs_idna = !IsAscii(name);
  if (!needs_idna) {
    ascii = AsciiLower(name);
    // A-labels are checked by a round trip through IDNA.
    needs_idna = ascii.rfind("xn--", 0) == 0 || ascii.find(".xn--") != std::string::npos;
  }
  if (needs_idna) {
    FC_ASSIGN_OR_RETURN(ascii, ToAsciiIdna(name, value));
    ascii = AsciiLower(ascii);
    if (!ascii.empty() && ascii.back() == '.') ascii.pop_back();
  }
  FC_RETURN_IF_ERROR(CheckAsciiDomain(ascii, value));
  return ascii;
}

// ---------------------------------------------------------------- IP addresses

using Address = std::array<unsigned char, 16>;

struct IpRange {
  std::string text;  // normal form
  Address first{};
  Address last{};
};

// Dotted quad, decimal octets without leading zeros: "010.0.0.1" is refused because
// inet_aton() and many tools read it as octal (8.0.0.1) and others as decimal, so the
// same text names different hosts.
bool ParseIpv4(std::string_view text, std::array<unsigned char, 4>* out) {
  std::size_t at = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (at >= text.size() || text[at] != '.') return false;
      ++at;
    }
    const std::size_t start = at;
    int value = 0;
    while (at < text.size() && IsAsciiDigit(text[at]) && at - start < 3) {
      value = value * 10 + (text[at] - '0');
      ++at;
    }
    const std::size_t length = at - start;
    if (length == 0 || value > 255 || (length > 1 && text[start] == '0')) return false;
    (*out)[static_cast<std::size_t>(octet)] = static_cast<unsigned char>(value);
  }
  return at == text.size();
}

bool ParseIpv6(std::string_view text, Address* out) {
  if (text.empty() || text.size() > 45) return false;
  const std::string input(text);
  return inet_pton(AF_INET6, input.c_str(), out->data()) == 1;
}

bool ParsePrefix(std::string_view text, int max, int* out) {
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0')) return false;
  int value = 0;
  for (const char c : text) {
    if (!IsAsciiDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  if (value > max) return false;
  *out = value;
  return true;
}

// Sets `first` and `last` to the range of `address` (16 bytes) under a prefix of
// `prefix` bits, clearing the host bits of `first`.
void FillRange(const Address& address, int prefix, IpRange* range) {
  for (std::size_t i = 0; i < 16; ++i) {
    const int bits = std::clamp(prefix - static_cast<int>(i) * 8, 0, 8);
    const auto mask = static_cast<unsigned char>(bits == 0 ? 0 : 0xFF << (8 - bits));
    range->first[i] = address[i] & mask;
    range->last[i] = static_cast<unsigned char>(address[i] | static_cast<unsigned char>(~mask));
  }
}

Result<IpRange> NormaliseIpv4(std::string_view value) {
  const std::size_t slash = value.find('/');
  std::array<unsigned char, 4> octets{};
  if (!ParseIpv4(value.substr(0, slash), &octets)) {
    return NotValid("IPv4 address", value,
                    "expected a dotted quad of decimal octets 0-255 without leading zeros");
  }
  int prefix = 32;
  if (slash != std::string_view::npos && !ParsePrefix(value.substr(slash + 1), 32, &prefix)) {
    return NotValid("IPv4 address", value, "the prefix length must be 0-32");
  }
  Address mapped{};
  mapped[10] = 0xFF;
  mapped[11] = 0xFF;
  std::copy(octets.begin(), octets.end(), mapped.begin() + 12);
  IpRange range;
  FillRange(mapped, 96 + prefix, &range);
  char buffer[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, range.first.data() + 12, buffer, sizeof buffer);
  range.text = buffer;
  if (prefix != 32) range.text += "/" + std::to_string(prefix);
  return range;
}

Result<IpRange> NormaliseIpv6(std::string_view value) {
  const std::size_t slash = value.find('/');
  Address address{};
  if (!ParseIpv6(value.substr(0, slash), &address)) {
    return NotValid("IPv6 address", value, "not an IPv6 address (RFC 4291 text form)");
  }
  int prefix = 128;
  if (slash != std::string_view::npos && !ParsePrefix(value.substr(slash + 1), 128, &prefix)) {
    return NotValid("IPv6 address", value, "the prefix length must be 0-128");
  }
  IpRange range;
  FillRange(address, prefix, &range);
  // glibc's inet_ntop writes the RFC 5952 form: lower case, the longest run of two or
  // more zero groups compressed (the first of equals), dotted quad for ::ffff:0:0/96.
  char buffer[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, range.first.data(), buffer, sizeof buffer);
  range.text = buffer;
  if (prefix != 128) range.text += "/" + std::to_string(prefix);
  return range;
}

// ---------------------------------------------------------------- URLs

bool IsUnreserved(unsigned char c) {
  return IsAsciiAlpha(static_cast<char>(c)) || IsAsciiDigit(static_cast<char>(c)) || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// RFC 3986 6.2.2.2: decode escapes of unreserved characters, upper-case the hex of the
// others. Bytes a URI may not hold (non-ASCII as in IRIs, space, "<>\"{}|\\^`") are
// escaped, so an IRI and its URI form compare equal. A '%' without two hex digits is
// kept as it is.
bool NeedsPercentWork(unsigned char c) {
  return c == '%' || c >= 0x80 || c == ' ' || c == '"' || c == '<' || c == '>' || c == '{' ||
         c == '}' || c == '|' || c == '\\' || c == '^' || c == '`';
}

void AppendPercentNormalised(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (std::size_t i = 0; i < text.size(); ++i) {
    // Runs of bytes kept as they are are copied at once.
    std::size_t plain = i;
    while (plain < text.size() && !NeedsPercentWork(static_cast<unsigned char>(text[plain]))) {
      ++plain;
    }
    if (plain > i) {
      out->append(text.substr(i, plain - i));
      i = plain;
      if (i == text.size()) break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '%' && i + 2 < text.size() && HexDigitValue(text[i + 1]) >= 0 &&
        HexDigitValue(text[i + 2]) >= 0) {
      const auto decoded =
          static_cast<unsigned char>(HexDigitValue(text[i + 1]) * 16 + HexDigitValue(text[i + 2]));
      if (IsUnreserved(decoded)) {
        out->push_back(static_cast<char>(decoded));
      } else {
        out->push_back('%');
        out->push_back(kHex[decoded >> 4]);
        out->push_back(kHex[decoded & 15]);
      }
      i += 2;
    } else if (c >= 0x80 || c == ' ' || c == '"' || c == '<' || c == '>' || c == '{' || c == '}' ||
               c == '|' || c == '\\' || c == '^' || c == '`') {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
}

std::string_view DefaultPort(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return "80";
  if (scheme == "https" || scheme == "wss") return "443";
  if (scheme == "ftp") return "21";
  return {};
}

Result<std::string> NormaliseHost(std::string_view host, std::string_view url) {
  if (host.front() == '[') {
    if (host.back() != ']') return NotValid("URL", url, "unterminated IPv6 literal");
    const std::string_view inside = host.substr(1, host.size() - 2);
    if (inside.find('/') != std::string_view::npos) {
      return NotValid("URL", url, "a host is not a range");
    }
    auto range = NormaliseIpv6(inside);
    if (!range.ok()) return NotValid("URL", url, "invalid IPv6 literal");
    return "[" + range->text + "]";
  }
  std::array<unsigned char, 4> octets{};
  if (ParseIpv4(host, &octets)) return std::string(host);
  auto name = NormaliseDomainName(host);
  if (!name.ok()) return NotValid("URL", url, "invalid host: " + name.error().safe_message());
  return std::move(name).value();
}

Result<std::string> NormaliseUrl(std::string_view value) {
  for (const char c : value) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) return NotValid("URL", value, "control character");
  }
  std::size_t colon = 0;
  while (colon < value.size() &&
         (IsAsciiAlpha(value[colon]) ||
          (colon > 0 && (IsAsciiDigit(value[colon]) || value[colon] == '+' || value[colon] == '-' ||
                         value[colon] == '.')))) {
    ++colon;
  }
  if (colon == 0 || colon >= value.size() || value[colon] != ':') {
    return NotValid("URL", value, "no scheme (RFC 3986 requires one, e.g. \"http:\")");
  }
  const std::string scheme = AsciiLower(value.substr(0, colon));
  std::string out;
  out.reserve(value.size() + 8);  // the normal form is about as long: one allocation
  out += scheme;
  out += ':';
  std::string_view rest = value.substr(colon + 1);
  // A loop, not find_first_of("?#"): that calls memchr once per character.
  std::size_t end_of_path = 0;
  while (end_of_path < rest.size() && rest[end_of_path] != '?' && rest[end_of_path] != '#') {
    ++end_of_path;
  }
  if (end_of_path == rest.size()) end_of_path = std::string_view::npos;
  std::string_view tail = end_of_path == std::string_view::npos ? "" : rest.substr(end_of_path);
  rest = rest.substr(0, end_of_path == std::string_view::npos ? rest.size() : end_of_path);
  if (rest.rfind("//", 0) == 0) {
    rest.remove_prefix(2);
    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
    out += "//";
    const std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
      AppendPercentNormalised(authority.substr(0, at), &out);
      out.push_back('@');
      authority.remove_prefix(at + 1);
    }
    std::string_view host = authority;
    std::string_view port;
    const std::size_t bracket = authority.rfind(']');
    const std::size_t port_colon = authority.rfind(':');
    if (port_colon != std::string_view::npos &&
        (bracket == std::string_view::npos || port_colon > bracket)) {
      host = authority.substr(0, port_colon);
      port = authority.substr(port_colon + 1);
    }
    if (!host.empty() && host.back() == '.') host.remove_suffix(1);
    if (host.empty()) {
      if (scheme != "file") return NotValid("URL", value, "no host");
    } else {
      FC_ASSIGN_OR_RETURN(std::string normal_host, NormaliseHost(host, value));
      out += normal_host;
    }
    while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);
    if (!port.empty()) {
      if (port.size() > 5) return NotValid("URL", value, "port out of range");
      int number = 0;
      for (const char c : port) {
        if (!IsAsciiDigit(c)) return NotValid("URL", value, "port is not a number");
        number = number * 10 + (c - '0');
      }
      if (number > 65535) return NotValid("URL", value, "port out of range");
      if (port != DefaultPort(scheme)) {
        out.push_back(':');
        out.append(port);
      }
    }
    if (path.empty()) {
      out.push_back('/');
    } else {
      // Dot segments are kept: "/../" in an indicator is usually the attack itself.
      AppendPercentNormalised(path, &out);
    }
  } else {
    AppendPercentNormalised(rest, &out);
  }
  AppendPercentNormalised(tail, &out);
  return out;
}

// ---------------------------------------------------------------- e-mail

Result<std::string> NormaliseEmail(std::string_view value) {
  const std::size_t at = value.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == value.size()) {
    return NotValid("e-mail address", value, "expected local-part@domain");
  }
  const std::string_view local = value.substr(0, at);
  if (local.size() > 64)
    return NotValid("e-mail address", value, "local part longer than 64 bytes");
  const bool quoted = local.size() >= 2 && local.front() == '"' && local.back() == '"';
  for (const char c : local) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F || (!quoted && (c == ' ' || c == '@'))) {
      return NotValid("e-mail address", value, "character not allowed in the local part");
    }
  }
  const std::string_view domain = value.substr(at + 1);
  std::string out(local);
  out.push_back('@');
  if (domain.front() == '[' && domain.back() == ']') {
    // Address literal (RFC 5321 4.1.3): "[192.0.2.1]" or "[IPv6:2001:db8::1]".
    std::string_view inside = domain.substr(1, domain.size() - 2);
    const bool v6 = inside.size() > 5 && AsciiLower(inside.substr(0, 5)) == "ipv6:";
    if (v6) inside.remove_prefix(5);
    if (inside.find('/') != std::string_view::npos) {
      return NotValid("e-mail address", value, "an address literal is not a range");
    }
    auto range = v6 ? NormaliseIpv6(inside) : NormaliseIpv4(inside);
    if (!range.ok()) return NotValid("e-mail address", value, "invalid address literal");
    out += (v6 ? "[IPv6:" : "[") + range->text + "]";
    return out;
  }
  auto name = NormaliseDomainName(domain);
  if (!name.ok()) {
    return NotValid("e-mail address", value, "invalid domain: " + name.error().safe_message());
  }
  out += *name;
  return out;
}

// ---------------------------------------------------------------- hashes

struct HashAlgorithm {
  std::string_view compact;  // upper case without '-' and '_', for matching spellings
  std::string_view name;     // the hash-algorithm-ov spelling
  std::size_t hex_length;    // 0: not hex of fixed length (kept as written)
};

constexpr std::array<HashAlgorithm, 12> kHashAlgorithms = {{
    {"MD5", "MD5", 32},
    {"SHA1", "SHA-1", 40},
    {"SHA224", "SHA-224", 56},
    {"SHA256", "SHA-256", 64},
    {"SHA384", "SHA-384", 96},
    {"SHA512", "SHA-512", 128},
    {"SHA3224", "SHA3-224", 56},
    {"SHA3256", "SHA3-256", 64},
    {"SHA3384", "SHA3-384", 96},
    {"SHA3512", "SHA3-512", 128},
    {"SSDEEP", "SSDEEP", 0},
    {"TLSH", "TLSH", 0},
}};

const HashAlgorithm* FindHashAlgorithm(std::string_view key) {
  std::string compact;
  for (const char c : key) {
    if (c == '-' || c == '_') continue;
    compact.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  for (const HashAlgorithm& algorithm : kHashAlgorithms) {
    if (algorithm.compact == compact) return &algorithm;
  }
  return nullptr;
}

Result<std::string> NormaliseHash(const HashAlgorithm& algorithm, std::string_view value) {
  if (algorithm.hex_length == 0) {
    if (value.empty()) return NotValid(algorithm.name, value, "empty");
    return std::string(value);
  }
  if (value.size() != algorithm.hex_length) {
    return NotValid(algorithm.name, value,
                    "expected " + std::to_string(algorithm.hex_length) + " hex digits, not " +
                        std::to_string(value.size()));
  }
  std::string out = AsciiLower(value);
  for (const char c : out) {
    if (HexDigitValue(c) < 0) return NotValid(algorithm.name, value, "not hexadecimal");
  }
  return out;
}

// ---------------------------------------------------------------- classification

// What an object path names, as far as observables go.
enum class Target {
  kDomain,
  kUrl,
  kIpv4,
  kIpv6,
  kEmail,
  kMac,
  kHash,
  kAddress,  // a reference whose object type follows from the value: IP, MAC or domain
  kOther,
};

struct Classified {
  Target target = Target::kOther;
  const HashAlgorithm* algorithm = nullptr;  // kHash
  ObjectPath path;  // the path the observable reports (hash keys in canonical spelling)
  std::string property_path;  // PropertyPathToString(path)
};

bool IsKey(const PathStep& step, std::string_view key) {
  return step.kind == PathStep::Kind::kKey && step.key == key;
}
bool IsAnyIndex(const PathStep& step) { return step.kind != PathStep::Kind::kKey; }

Classified ClassifyTarget(const ObjectPath& path) {
  Classified out;
  out.path = path;
  const std::string& type = path.object_type;
  const std::vector<PathStep>& steps = path.steps;
  if (steps.size() == 1 && IsKey(steps[0], "value")) {
    if (type == "domain-name") out.target = Target::kDomain;
    if (type == "url") out.target = Target::kUrl;
    if (type == "ipv4-addr") out.target = Target::kIpv4;
    if (type == "ipv6-addr") out.target = Target::kIpv6;
    if (type == "email-addr") out.target = Target::kEmail;
    if (type == "mac-addr") out.target = Target::kMac;
    return out;
  }
  if (steps.size() >= 2 && IsKey(steps[steps.size() - 2], "hashes") &&
      steps.back().kind == PathStep::Kind::kKey) {
    if (const HashAlgorithm* algorithm = FindHashAlgorithm(steps.back().key)) {
      out.target = Target::kHash;
      out.algorithm = algorithm;
      out.path.steps.back().key = std::string(algorithm->name);
    }
    return out;
  }
  // References to the address objects, resolved to the referenced object's value.
  const bool single_ref = steps.size() == 2 && IsKey(steps[1], "value");
  const bool list_ref = steps.size() == 3 && IsAnyIndex(steps[1]) && IsKey(steps[2], "value");
  if (!single_ref && !list_ref) return out;
  const std::string& ref = steps[0].key;
  if (type == "email-message" &&
      ((single_ref && (ref == "from_ref" || ref == "sender_ref")) ||
       (list_ref && (ref == "to_refs" || ref == "cc_refs" || ref == "bcc_refs")))) {
    out.target = Target::kEmail;
  } else if ((type == "network-traffic" && single_ref && (ref == "src_ref" || ref == "dst_ref")) ||
             (type == "domain-name" && list_ref && ref == "resolves_to_refs")) {
    out.target = Target::kAddress;
  } else if ((type == "ipv4-addr" || type == "ipv6-addr") && list_ref &&
             ref == "resolves_to_refs") {
    out.target = Target::kMac;
  }
  return out;
}

Classified Classify(const ObjectPath& path) {
  Classified out = ClassifyTarget(path);
  out.property_path = PropertyPathToString(out.path);
  return out;
}

bool IsMac(std::string_view value) {
  if (value.size() != 17) return false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (i % 3 == 2 ? (value[i] != ':' && value[i] != '-') : HexDigitValue(value[i]) < 0)
      return false;
  }
  return true;
}

// mac-addr values: lower-case, colon-delimited (STIX 2.1 6.6).
Result<std::string> NormaliseMac(std::string_view value) {
  if (!IsMac(value)) return NotValid("MAC address", value, "expected six hex pairs");
  std::string out = AsciiLower(value);
  for (std::size_t i = 2; i < out.size(); i += 3) out[i] = ':';
  return out;
}

void SetValuePath(std::string_view type, Observable* observable) {
  observable->type = std::string(type);
  observable->path = "value";
}

// Normalises `value` for a classified path; `type`/`path` of the result are those of
// the observed object (references resolved).
Status NormaliseClassifiedInto(const Classified& classified, std::string_view value,
                                Observable* observable) {
  Observable& out = *observable;
  out.range_first.clear();
  out.range_last.clear();
  out.type = classified.path.object_type;
  out.path = classified.property_path;
  switch (classified.target) {
    case Target::kDomain: {
      out.kind = ObservableKind::kDomain;
      // Most names take the one-pass path straight into the value's storage.
      const std::string_view name =
          !value.empty() && value.back() == '.' ? value.substr(0, value.size() - 1) : value;
      if (!LowerPlainAsciiDomain(name, &out.value)) {
        FC_ASSIGN_OR_RETURN(out.value, NormaliseDomainName(value));
      }
      SetValuePath("domain-name", &out);
      return OkStatus();
    }
    case Target::kUrl: {
      out.kind = ObservableKind::kUrl;
      FC_ASSIGN_OR_RETURN(out.value, NormaliseUrl(value));
      return OkStatus();
    }
    case Target::kIpv4:
    case Target::kIpv6: {
      const bool v4 = classified.target == Target::kIpv4;
      FC_ASSIGN_OR_RETURN(IpRange range, v4 ? NormaliseIpv4(value) : NormaliseIpv6(value));
      out.kind = v4 ? ObservableKind::kIpv4 : ObservableKind::kIpv6;
      SetValuePath(v4 ? "ipv4-addr" : "ipv6-addr", &out);
      out.value = std::move(range.text);
      out.range_first.assign(range.first.begin(), range.first.end());
      out.range_last.assign(range.last.begin(), range.last.end());
      return OkStatus();
    }
    case Target::kEmail: {
      out.kind = ObservableKind::kEmail;
      FC_ASSIGN_OR_RETURN(out.value, NormaliseEmail(value));
      SetValuePath("email-addr", &out);
      return OkStatus();
    }
    case Target::kMac: {
      out.kind = ObservableKind::kOther;
      FC_ASSIGN_OR_RETURN(out.value, NormaliseMac(value));
      SetValuePath("mac-addr", &out);
      return OkStatus();
    }
    case Target::kHash: {
      out.kind = ObservableKind::kHash;
      FC_ASSIGN_OR_RETURN(out.value, NormaliseHash(*classified.algorithm, value));
      return OkStatus();
    }
    case Target::kAddress: {
      Classified resolved = classified;
      if (value.find(':') != std::string_view::npos) {
        resolved.target = IsMac(value) ? Target::kMac : Target::kIpv6;
      } else {
        std::array<unsigned char, 4> octets{};
        const std::string_view address = value.substr(0, value.find('/'));
        const bool looks_v4 = !address.empty() && IsAsciiDigit(address.back());
        resolved.target = ParseIpv4(address, &octets) || looks_v4 ? Target::kIpv4 : Target::kDomain;
      }
      return NormaliseClassifiedInto(resolved, value, observable);
    }
    case Target::kOther:
      out.kind = ObservableKind::kOther;
      out.value.assign(value);
      return OkStatus();
  }
  return OkStatus();
}

Result<Observable> NormaliseClassified(const Classified& classified, std::string_view value) {
  Observable out;
  FC_RETURN_IF_ERROR(NormaliseClassifiedInto(classified, value, &out));
  return out;
}

bool TakesIpRange(const Classified& classified) {
  return classified.target == Target::kIpv4 || classified.target == Target::kIpv6 ||
         classified.target == Target::kAddress;
}

class Collector {
 public:
  void Add(const Comparison& comparison) {
    if (comparison.negated) return;
    const bool subset = comparison.op == ComparisonOp::kIsSubset;
    if (comparison.op != ComparisonOp::kEqual && comparison.op != ComparisonOp::kIn && !subset) {
      return;
    }
    const Classified classified = Classify(comparison.path);
    if (subset && !TakesIpRange(classified)) return;
    for (const Constant& constant : comparison.values) {
      std::string value;
      if (constant.kind == ConstantKind::kString) {
        value = constant.text;
      } else if (classified.target == Target::kOther) {
        value = ToString(constant);
      } else {
        Reject(classified, ToString(constant), "expected a string constant");
        continue;
      }
      auto observable = NormaliseClassified(classified, value);
      if (!observable.ok()) {
        Reject(classified, value, observable.error().safe_message());
        continue;
      }
      if (keys_.insert(observable->Key()).second) {
        result_.observables.push_back(std::move(observable).value());
      }
    }
  }

  void Walk(const ComparisonExpr& expression) {
    if (expression.kind == ComparisonExpr::Kind::kComparison) {
      Add(expression.comparison);
      return;
    }
    for (const ComparisonExpr& operand : expression.operands) Walk(operand);
  }

  void Walk(const ObservationExpr& expression) {
    if (expression.kind == ObservationExpr::Kind::kObservation) {
      Walk(expression.comparison);
      return;
    }
    for (const ObservationExpr& operand : expression.operands) Walk(operand);
  }

  PatternObservables Take() { return std::move(result_); }

 private:
  void Reject(const Classified& classified, std::string value, std::string reason) {
    result_.rejected.push_back(RejectedObservable{classified.path.object_type,
                                                  PropertyPathToString(classified.path),
                                                  std::move(value), std::move(reason)});
  }

  PatternObservables result_;
  std::unordered_set<std::string> keys_;
};

std::string HashKeyPrefix(std::string_view path) {
  // The algorithm is the last key of the path: "hashes.'SHA-256'" or "hashes.MD5".
  std::string_view algorithm = path.substr(path.rfind('.') + 1);
  if (algorithm.size() >= 2 && algorithm.front() == '\'') {
    algorithm = algorithm.substr(1, algorithm.size() - 2);
  }
  return AsciiLower(algorithm);
}

// SCO properties that identify the object (the ID contributing properties of STIX 2.1
// section 6), reported as kOther so that `[file:name = 'x']` and a file named x meet.
struct ScoProperty {
  std::string_view type;
  std::string_view property;
};
constexpr std::array<ScoProperty, 13> kIdentifyingProperties = {{
    {"autonomous-system", "number"},
    {"directory", "path"},
    {"email-message", "subject"},
    {"file", "name"},
    {"mutex", "name"},
    {"software", "name"},
    {"software", "cpe"},
    {"software", "vendor"},
    {"software", "version"},
    {"user-account", "user_id"},
    {"user-account", "account_login"},
    {"windows-registry-key", "key"},
    {"x509-certificate", "serial_number"},
}};

}  // namespace

std::string Observable::Key() const {
  switch (kind) {
    case ObservableKind::kDomain:
      return "domain:" + value;
    case ObservableKind::kUrl:
      return "url:" + value;
    case ObservableKind::kIpv4:
      return "ipv4:" + value;
    case ObservableKind::kIpv6:
      return "ipv6:" + value;
    case ObservableKind::kEmail:
      return "email:" + value;
    case ObservableKind::kHash:
      return HashKeyPrefix(path) + ":" + value;
    case ObservableKind::kOther:
      break;
  }
  return type + ":" + path + "=" + value;
}

Result<Observable> NormaliseObservable(std::string_view type, std::string_view path,
                                       std::string_view value) {
  std::string full_path(type);
  full_path.push_back(':');
  full_path.append(path);
  FC_ASSIGN_OR_RETURN(ObjectPath parsed, ParseObjectPath(full_path));
  return NormaliseClassified(Classify(parsed), value);
}

struct ObservablePath::Classification {
  Classified classified;
};

ObservablePath::ObservablePath(const ObjectPath& path)
    : classification_(std::make_shared<const Classification>(Classification{Classify(path)})) {}

Result<Observable> ObservablePath::Normalise(std::string_view value) const {
  return NormaliseClassified(classification_->classified, value);
}

Status ObservablePath::NormaliseInto(std::string_view value, Observable* out) const {
  return NormaliseClassifiedInto(classification_->classified, value, out);
}

PatternObservables ObservablesOf(const Pattern& pattern) {
  Collector collector;
  collector.Walk(pattern.root);
  return collector.Take();
}

Result<PatternObservables> ObservablesOfPatternWithRejects(std::string_view pattern) {
  FC_ASSIGN_OR_RETURN(Pattern parsed, ParsePattern(pattern));
  return ObservablesOf(parsed);
}

Result<std::vector<Observable>> ObservablesOfPattern(std::string_view pattern) {
  FC_ASSIGN_OR_RETURN(PatternObservables found, ObservablesOfPatternWithRejects(pattern));
  return std::move(found.observables);
}

std::vector<Observable> ObservablesOfSco(const Json& sco) {
  std::vector<Observable> out;
  if (!sco.is_object()) return out;
  const auto type_it = sco.find("type");
  if (type_it == sco.end() || !type_it->is_string()) return out;
  const std::string& type = type_it->get_ref<const std::string&>();
  auto add = [&](const ObjectPath& path, std::string_view value) {
    auto observable = NormaliseClassified(Classify(path), value);
    if (observable.ok()) out.push_back(std::move(observable).value());
  };
  const auto value_it = sco.find("value");
  if (value_it != sco.end() && value_it->is_string()) {
    add(ObjectPath{type, {PathStep{PathStep::Kind::kKey, "value", 0}}},
        value_it->get_ref<const std::string&>());
  }
  const auto hashes_it = sco.find("hashes");
  if (hashes_it != sco.end() && hashes_it->is_object()) {
    for (auto it = hashes_it->begin(); it != hashes_it->end(); ++it) {
      if (!it.value().is_string()) continue;
      const ObjectPath path{type,
                            {PathStep{PathStep::Kind::kKey, "hashes", 0},
                             PathStep{PathStep::Kind::kKey, it.key(), 0}}};
      add(path, it.value().get_ref<const std::string&>());
    }
  }
  for (const ScoProperty& property : kIdentifyingProperties) {
    if (property.type != type) continue;
    const auto it = sco.find(property.property);
    if (it == sco.end()) continue;
    const ObjectPath path{type,
                          {PathStep{PathStep::Kind::kKey, std::string(property.property), 0}}};
    if (it->is_string()) {
      add(path, it->get_ref<const std::string&>());
    } else if (it->is_number_integer()) {
      add(path, it->dump());
    }
  }
  return out;
}

}  // namespace fincyber::stix
