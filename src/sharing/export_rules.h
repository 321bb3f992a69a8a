// STIX indicators → detection rules for network sensors: Suricata rules and the Zeek
// Intel framework's file. Pure: writes to streams.
//
// Only indicators that a sensor can decide on one packet stream, record by record, become
// rules: patterns that are an OR of `=` / `IN` comparisons, without AND, FOLLOWEDBY, NOT
// or qualifiers. Every other indicator is reported back to the caller with the reason;
// none is dropped silently.
//
// Suricata (6 and later):
//   domain      three rules: dns.query, tls.sni and http.host, each
//               `dotprefix; content:".evil.example"; endswith;` (the name and its
//               subdomains)
//   IPv4/IPv6   `alert ip any any <> <address or CIDR> any`
//   URL         http.host exact, and http.uri (http.uri.raw when the path holds
//               percent-escapes) starting with the path and query; HTTPS URLs are only
//               seen by a sensor that decrypts, so their rules rarely fire
//   MD5, SHA-1, SHA-256
//               Suricata matches file hashes only against list files (filemd5,
//               filesha1, filesha256). With a list stream in the options the hash is
//               written there and Finish() adds one rule per list for HTTP and SMTP;
//               without one the indicator is reported as not exportable
//   e-mail, SHA-512, other observables: reported as not exportable
// Every rule has a unique sid counted from the first one, rev:1, and
// `msg:"<prefix> <name> (<indicator id>)"`; `;` `"` `\` are escaped in msg, control
// characters dropped, and content bytes outside printable ASCII or among `;` `"` `\` `|`
// written as |hex|, so no indicator text can end a rule or start another.
//
// Zeek: `#fields indicator indicator_type meta.source meta.desc meta.url`, tab-separated,
// with Intel::DOMAIN, Intel::URL (without the scheme, as Zeek's HTTP analysis reports
// URLs), Intel::ADDR, Intel::SUBNET, Intel::EMAIL and Intel::FILE_HASH (MD5, SHA-1,
// SHA-256, which Zeek computes); tabs and control characters in text become spaces,
// empty fields "-".
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "stix/observable.h"

namespace fincyber::sharing {

// The normalised observables of an indicator whose pattern matches record by record: an
// OR of `=` / `IN` comparisons. FailedPrecondition naming why otherwise: not an indicator,
// revoked, a pattern_type other than "stix", a pattern that does not parse, AND,
// FOLLOWEDBY, NOT, another operator, a qualifier, or a value that does not normalise.
Result<std::vector<stix::Observable>> RuleObservables(const Json& indicator);

struct SuricataOptions {
  std::uint64_t first_sid = 1000000;  // the local-rules range by convention
  std::string action = "alert";       // alert, drop, reject, pass
  std::string message_prefix = "fincyber";
  // File-hash list streams and the names the rules give them (relative to Suricata's
  // rule path). Null: indicators of that hash are not exportable.
  std::ostream* md5_list = nullptr;
  std::ostream* sha1_list = nullptr;
  std::ostream* sha256_list = nullptr;
  std::string md5_list_name = "fincyber-md5.list";
  std::string sha1_list_name = "fincyber-sha1.list";
  std::string sha256_list_name = "fincyber-sha256.list";
};

// Not thread-safe.
class SuricataRuleWriter {
 public:
  // InvalidArgument from Add when `options.action` is not a Suricata action.
  SuricataRuleWriter(std::ostream& rules, SuricataOptions options);
  SuricataRuleWriter(const SuricataRuleWriter&) = delete;
  SuricataRuleWriter& operator=(const SuricataRuleWriter&) = delete;

  // Writes an indicator's rules (and list lines); returns how many lines were written.
  // FailedPrecondition with the reason when it cannot become rules; nothing is written
  // then. ResourceExhausted when sids would pass 2^32-1. Internal when a stream fails.
  Result<std::size_t> Add(const Json& indicator);
  // Writes the rules that use the hash lists. FailedPrecondition if called twice.
  Status Finish();

  std::uint64_t next_sid() const { return next_sid_; }

 private:
  std::ostream& rules_;
  SuricataOptions options_;
  std::uint64_t next_sid_;
  std::uint64_t md5_entries_ = 0;
  std::uint64_t sha1_entries_ = 0;
  std::uint64_t sha256_entries_ = 0;
  bool finished_ = false;
};

struct ZeekIntelOptions {
  std::string source = "fincyber";  // meta.source
  // meta.url: "{id}" is replaced by the indicator id; empty writes "-".
  std::string url_template;
};

// Not thread-safe. Writes the #fields header on construction.
class ZeekIntelWriter {
 public:
  ZeekIntelWriter(std::ostream& out, ZeekIntelOptions options);
  ZeekIntelWriter(const ZeekIntelWriter&) = delete;
  ZeekIntelWriter& operator=(const ZeekIntelWriter&) = delete;

  // Writes one line per observable; FailedPrecondition with the reason when the indicator
  // cannot become intel items (nothing written). Internal when the stream fails.
  Result<std::size_t> Add(const Json& indicator);

 private:
  std::ostream& out_;
  ZeekIntelOptions options_;
};

}  // namespace fincyber::sharing
