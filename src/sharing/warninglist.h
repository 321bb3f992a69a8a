// Warning lists: the false-positive guard. An indicator whose observable is a well-known
// domain, a private or special-use address, a public DNS resolver or the hash of the
// empty file would fire for everyone; the hub flags it when it is shared and exported.
//
// A list has a name, a description, a type and entries, in MISP's warninglist format
// (`{"name", "description", "type", "list": [...]}`, other members ignored) so that
// MISP's own lists can be dropped in. Types and how an observable hits an entry:
//   hostname   domain names: the observable's domain (or a URL's host) is the entry or a
//              subdomain of it, on label boundaries ("www.example.com" hits
//              "example.com"; "notexample.com" does not)
//   cidr       addresses and CIDR ranges: the observable's address or range overlaps the
//              entry (so 0.0.0.0/0 hits every list of addresses); a URL's host address too
//   string     the normalised value equals the entry, ignoring case
//   substring  the normalised value contains the entry, ignoring case
// MISP's "regex" type is refused (patterns from files are not run here).
//
// The default lists are ours, compiled in from src/sharing/warninglists/*.json; the
// documentation ranges (RFC 5737, RFC 3849) are deliberately in none of them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "stix/observable.h"

namespace fincyber::sharing {

enum class WarningListType { kHostname, kCidr, kString, kSubstring };

struct WarningList {
  std::string name;
  std::string description;
  WarningListType type = WarningListType::kString;
  std::vector<std::string> entries;
};

// MISP's warninglist JSON. InvalidArgument naming the problem: malformed JSON, a missing
// or empty name, a type other than the four above, `list` not a list of strings.
// ResourceExhausted over `max_bytes`.
Result<WarningList> ParseMispWarningList(std::string_view json, std::size_t max_bytes = 32 << 20);

struct WarningHit {
  std::string list;   // the list's name
  std::string entry;  // the entry hit, normalised
  bool operator==(const WarningHit&) const = default;
};

// What Add made of a list: entries that are not a domain name (hostname lists) or an
// address or range (cidr lists) are left out and named here (the first 20).
struct WarningListLoad {
  std::size_t entries = 0;
  std::size_t rejected = 0;
  std::vector<std::string> rejected_examples;
};

// A set of lists. Thread-safe for concurrent Check calls once loaded; Add is not.
class WarningLists {
 public:
  WarningLists();
  ~WarningLists();
  WarningLists(WarningLists&&) noexcept;
  WarningLists& operator=(WarningLists&&) noexcept;

  // The lists shipped with fincyber.
  static WarningLists Defaults();

  // AlreadyExists when a list of that name is loaded; InvalidArgument when the name is
  // empty.
  Result<WarningListLoad> Add(WarningList list);
  // A MISP warninglist file; NotFound when it cannot be read.
  Result<WarningListLoad> AddFile(const std::filesystem::path& path);

  // Every list the observable hits, one hit per list, in the order lists were added.
  std::vector<WarningHit> Check(const stix::Observable& observable) const;

  // Name and description of each list, in the order added.
  std::vector<std::pair<std::string, std::string>> Lists() const;

 private:
  struct Index;
  std::unique_ptr<Index> index_;
};

}  // namespace fincyber::sharing
