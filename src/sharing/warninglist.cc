#include "sharing/warninglist.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <span>
#include <sstream>
#include <unordered_map>

#include "base/ascii.h"
#include "base/json.h"

namespace fincyber::sharing {

// Defined in the warninglist_defaults.cc that CMake generates from warninglists/*.json.
std::span<const std::string_view> DefaultWarningListJson();

namespace {

constexpr std::size_t kMaxRejectedExamples = 20;

std::optional<WarningListType> ParseType(std::string_view type) {
  if (type == "hostname") return WarningListType::kHostname;
  if (type == "cidr") return WarningListType::kCidr;
  if (type == "string") return WarningListType::kString;
  if (type == "substring") return WarningListType::kSubstring;
  return std::nullopt;
}

Result<stix::Observable> ParseAddress(std::string_view entry) {
  const std::string_view type =
      entry.find(':') == std::string_view::npos ? "ipv4-addr" : "ipv6-addr";
  return stix::NormaliseObservable(type, "value", entry);
}

// The host of a URL in stix::NormaliseObservable's normal form, brackets of an IPv6
// address removed; "" when there is none.
std::string UrlHost(std::string_view url) {
  const std::size_t start = url.find("://");
  if (start == std::string_view::npos) return "";
  std::string_view authority = url.substr(start + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.starts_with('[')) {
    return std::string(authority.substr(1, authority.find(']') - 1));
  }
  return std::string(authority.substr(0, authority.find(':')));
}

}  // namespace

struct WarningLists::Index {
  struct ListInfo {
    std::string name;
    std::string description;
  };
  struct Range {
    std::string first;  // 16 bytes, as stix::Observable
    std::string last;
    std::size_t list;
    std::string entry;
  };
  struct Text {
    std::string entry;  // lower case
    std::size_t list;
  };

  std::vector<ListInfo> lists;
  std::unordered_map<std::string, std::vector<std::size_t>> domains;  // name → lists
  std::vector<Range> ranges;                                          // sorted by first
  std::vector<std::string> ranges_max_last;  // max of last over ranges[0..i]
  std::unordered_map<std::string, std::vector<std::size_t>> strings;
  std::vector<Text> substrings;

  void SortRanges() {
    std::sort(ranges.begin(), ranges.end(),
              [](const Range& a, const Range& b) { return a.first < b.first; });
    ranges_max_last.clear();
    for (const Range& range : ranges) {
      ranges_max_last.push_back(
          ranges_max_last.empty() ? range.last : std::max(ranges_max_last.back(), range.last));
    }
  }

  void CheckDomain(std::string_view name, std::map<std::size_t, std::string>& hits) const {
    // The name itself, then each parent on a label boundary.
    for (std::string_view suffix = name; !suffix.empty();) {
      if (const auto it = domains.find(std::string(suffix)); it != domains.end()) {
        for (const std::size_t list : it->second) hits.emplace(list, std::string(suffix));
      }
      const std::size_t dot = suffix.find('.');
      if (dot == std::string_view::npos) break;
      suffix.remove_prefix(dot + 1);
    }
  }

  void CheckRange(const std::string& first, const std::string& last,
                  std::map<std::size_t, std::string>& hits) const {
    // Ranges that start at or before `last` and end at or after `first` overlap it.
    auto end = std::upper_bound(
        ranges.begin(), ranges.end(), last,
        [](const std::string& value, const Range& range) { return value < range.first; });
    for (auto i = static_cast<std::size_t>(end - ranges.begin()); i > 0; --i) {
      if (ranges_max_last[i - 1] < first) break;
      const Range& range = ranges[i - 1];
      if (range.last >= first) hits.emplace(range.list, range.entry);
    }
  }
};

Result<WarningList> ParseMispWarningList(std::string_view json, std::size_t max_bytes) {
  auto parsed = ParseJson(json, {.max_bytes = max_bytes, .max_depth = 8});
  if (!parsed.ok()) {
    if (parsed.error().code() == ErrorCode::kResourceExhausted) return std::move(parsed).error();
    return InvalidArgument("warning list: " + parsed.error().safe_message());
  }
  if (!parsed->is_object()) return InvalidArgument("warning list: expected a JSON object");
  WarningList list;
  const auto name = OptionalString(*parsed, "name", 256);
  if (!name.ok() || !*name || (*name)->empty()) {
    return InvalidArgument("warning list: 'name' must be a non-empty string");
  }
  list.name = **name;
  const auto description = OptionalString(*parsed, "description", 4096);
  if (!description.ok())
    return InvalidArgument("warning list " + list.name + ": 'description' must be a string");
  list.description = description->value_or("");
  const auto type = OptionalString(*parsed, "type", 64);
  if (!type.ok()) return InvalidArgument("warning list " + list.name + ": 'type' must be a string");
  const std::string type_name = type->value_or("string");
  const auto parsed_type = ParseType(type_name);
  if (!parsed_type) {
    return InvalidArgument(fmt::format(
        "warning list {}: type '{}' is not supported (hostname, cidr, string, substring)",
        list.name, type_name.substr(0, 64)));
  }
  list.type = *parsed_type;
  const auto entries = parsed->find("list");
  if (entries == parsed->end() || !entries->is_array()) {
    return InvalidArgument("warning list " + list.name + ": 'list' must be a list of strings");
  }
  for (const Json& entry : *entries) {
    if (!entry.is_string()) {
      return InvalidArgument("warning list " + list.name + ": 'list' must be a list of strings");
    }
    list.entries.push_back(entry.get<std::string>());
  }
  return list;
}

WarningLists::WarningLists() : index_(std::make_unique<Index>()) {}
WarningLists::~WarningLists() = default;
WarningLists::WarningLists(WarningLists&&) noexcept = default;
WarningLists& WarningLists::operator=(WarningLists&&) noexcept = default;

WarningLists WarningLists::Defaults() {
  WarningLists lists;
  for (const std::string_view json : DefaultWarningListJson()) {
    // The shipped lists are tested to parse and load completely.
    auto list = ParseMispWarningList(json);
    if (list.ok()) (void)lists.Add(std::move(*list));
  }
  return lists;
}

Result<WarningListLoad> WarningLists::Add(WarningList list) {
  if (list.name.empty()) return InvalidArgument("warning list: the name is empty");
  for (const Index::ListInfo& existing : index_->lists) {
    if (existing.name == list.name) {
      return AlreadyExists(fmt::format("warning list '{}' is already loaded", list.name));
    }
  }
  const std::size_t list_index = index_->lists.size();
  WarningListLoad load;
  auto reject = [&](const std::string& entry) {
    ++load.rejected;
    if (load.rejected_examples.size() < kMaxRejectedExamples) {
      load.rejected_examples.push_back(entry.substr(0, 200));
    }
  };
  for (const std::string& raw : list.entries) {
    switch (list.type) {
      case WarningListType::kHostname: {
        // MISP's lists write parents of every subdomain as ".example.com" or "*.example.com".
        std::string_view name = raw;
        if (name.starts_with("*.")) name.remove_prefix(2);
        if (name.starts_with('.')) name.remove_prefix(1);
        auto normal = stix::NormaliseObservable("domain-name", "value", name);
        if (!normal.ok()) {
          reject(raw);
          continue;
        }
        auto& lists = index_->domains[normal->value];
        if (lists.empty() || lists.back() != list_index) lists.push_back(list_index);
        break;
      }
      case WarningListType::kCidr: {
        auto address = ParseAddress(raw);
        if (!address.ok()) {
          reject(raw);
          continue;
        }
        index_->ranges.push_back(
            {address->range_first, address->range_last, list_index, address->value});
        break;
      }
      case WarningListType::kString: {
        if (raw.empty()) {
          reject(raw);
          continue;
        }
        auto& lists = index_->strings[AsciiLower(raw)];
        if (lists.empty() || lists.back() != list_index) lists.push_back(list_index);
        break;
      }
      case WarningListType::kSubstring:
        if (raw.empty()) {
          reject(raw);
          continue;
        }
        index_->substrings.push_back({AsciiLower(raw), list_index});
        break;
    }
    ++load.entries;
  }
  if (list.type == WarningListType::kCidr) index_->SortRanges();
  index_->lists.push_back({std::move(list.name), std::move(list.description)});
  return load;
}

Result<WarningListLoad> WarningLists::AddFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(fmt::format("cannot open warning list {}", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  FC_ASSIGN_OR_RETURN(WarningList list, ParseMispWarningList(text.str()));
  return Add(std::move(list));
}

std::vector<WarningHit> WarningLists::Check(const stix::Observable& observable) const {
  std::map<std::size_t, std::string> hits;  // list → entry; ordered by list
  switch (observable.kind) {
    case stix::ObservableKind::kDomain:
      index_->CheckDomain(observable.value, hits);
      break;
    case stix::ObservableKind::kIpv4:
    case stix::ObservableKind::kIpv6:
      index_->CheckRange(observable.range_first, observable.range_last, hits);
      break;
    case stix::ObservableKind::kUrl: {
      const std::string host = UrlHost(observable.value);
      if (host.empty()) break;
      if (auto address = ParseAddress(host); address.ok()) {
        index_->CheckRange(address->range_first, address->range_last, hits);
      } else {
        index_->CheckDomain(host, hits);
      }
      break;
    }
    default:
      break;
  }
  const std::string value = AsciiLower(observable.value);
  if (const auto it = index_->strings.find(value); it != index_->strings.end()) {
    for (const std::size_t list : it->second) hits.emplace(list, value);
  }
  for (const Index::Text& text : index_->substrings) {
    if (value.find(text.entry) != std::string::npos) hits.emplace(text.list, text.entry);
  }
  std::vector<WarningHit> out;
  for (auto& [list, entry] : hits) out.push_back({index_->lists[list].name, std::move(entry)});
  return out;
}

std::vector<std::pair<std::string, std::string>> WarningLists::Lists() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Index::ListInfo& list : index_->lists) out.emplace_back(list.name, list.description);
  return out;
}

}  // namespace fincyber::sharing
