#include "sharing/export_rules.h"

#include <fmt/format.h>

#include <limits>
#include <ostream>

#include "base/json.h"
#include "stix/pattern.h"

namespace fincyber::sharing {
namespace {

constexpr std::size_t kMaxMessageBytes = 200;

// Why a comparison expression cannot be decided as a plain OR of equalities, or "".
std::string ComparisonObstacle(const stix::ComparisonExpr& expression) {
  switch (expression.kind) {
    case stix::ComparisonExpr::Kind::kAnd:
      return "the pattern combines comparisons with AND";
    case stix::ComparisonExpr::Kind::kOr:
      for (const auto& operand : expression.operands) {
        if (auto obstacle = ComparisonObstacle(operand); !obstacle.empty()) return obstacle;
      }
      return "";
    case stix::ComparisonExpr::Kind::kComparison: {
      const stix::Comparison& comparison = expression.comparison;
      if (comparison.negated) return "the pattern uses NOT";
      if (comparison.op != stix::ComparisonOp::kEqual && comparison.op != stix::ComparisonOp::kIn) {
        return "the pattern uses an operator other than = and IN";
      }
      return "";
    }
  }
  return "unknown comparison";
}

std::string ObservationObstacle(const stix::ObservationExpr& expression) {
  switch (expression.kind) {
    case stix::ObservationExpr::Kind::kObservation:
      return ComparisonObstacle(expression.comparison);
    case stix::ObservationExpr::Kind::kOr:
      for (const auto& operand : expression.operands) {
        if (auto obstacle = ObservationObstacle(operand); !obstacle.empty()) return obstacle;
      }
      return "";
    case stix::ObservationExpr::Kind::kAnd:
      return "the pattern needs several observations together (AND)";
    case stix::ObservationExpr::Kind::kFollowedBy:
      return "the pattern needs observations in sequence (FOLLOWEDBY)";
    case stix::ObservationExpr::Kind::kQualified:
      return "the pattern uses a qualifier (WITHIN, REPEATS or START/STOP)";
  }
  return "unknown observation";
}

Error NotExportable(std::string_view id, std::string_view why) {
  return FailedPrecondition(fmt::format("{}: {}", id.empty() ? "(no id)" : id, why));
}

// msg text: no control characters, `\` `"` `;` escaped, bounded on a UTF-8 boundary.
std::string SuricataMessage(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (out.size() >= kMaxMessageBytes && (c & 0xC0) != 0x80) {
      out.append("...");
      break;
    }
    if (c < 0x20 || c == 0x7F) {
      out.push_back(' ');
      continue;
    }
    if (c == '\\' || c == '"' || c == ';') out.push_back('\\');
    out.push_back(static_cast<char>(c));
  }
  return out;
}

// A content string: printable ASCII as is, everything that could end the option or the
// rule (and every other byte) as |hex|.
std::string SuricataContent(std::string_view bytes) {
  std::string out;
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7F || c == '"' || c == ';' || c == '\\' || c == '|') {
      out.append(fmt::format("|{:02X}|", c));
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

struct UrlParts {
  std::string scheme;
  std::string host;      // with a non-default port as "host:port"
  std::string resource;  // path and query, without the fragment
  // The host without the port: Suricata's http.host holds the name alone.
  std::string HostWithoutPort() const {
    const std::size_t colon = host.rfind(':');
    if (colon == std::string::npos || host.find(']', colon) != std::string::npos) return host;
    return host.substr(0, colon);
  }
};

// Splits a URL in stix::NormaliseObservable's normal form.
std::optional<UrlParts> SplitUrl(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  UrlParts parts;
  parts.scheme = std::string(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  const std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.empty()) return std::nullopt;
  parts.host = std::string(authority);
  parts.resource = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  return parts;
}

bool IsRange(const stix::Observable& observable) {
  return observable.value.find('/') != std::string::npos;
}

// The hash algorithm of a kHash observable: "MD5", "SHA-1", "SHA-256", ... .
std::string HashAlgorithmOf(const stix::Observable& observable) {
  std::string_view path = observable.path;
  path = path.substr(path.rfind('.') + 1);
  if (path.size() >= 2 && path.front() == '\'') path = path.substr(1, path.size() - 2);
  return std::string(path);
}

std::string ZeekField(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(c < 0x20 || c == 0x7F ? ' ' : ch);
  }
  return out.empty() ? "-" : out;
}

}  // namespace

Result<std::vector<stix::Observable>> RuleObservables(const Json& indicator) {
  if (!indicator.is_object() || StringMember(indicator, "type") != "indicator") {
    return FailedPrecondition("not an indicator");
  }
  const std::string id = StringMember(indicator, "id");
  if (const auto revoked = indicator.find("revoked");
      revoked != indicator.end() && revoked->is_boolean() && revoked->get<bool>()) {
    return NotExportable(id, "revoked");
  }
  const std::string pattern_type = StringMember(indicator, "pattern_type");
  if (pattern_type != "stix") {
    return NotExportable(id, fmt::format("pattern_type '{}' is not a STIX pattern", pattern_type));
  }
  auto pattern = stix::ParsePattern(StringMember(indicator, "pattern"));
  if (!pattern.ok()) {
    return NotExportable(id, "the pattern does not parse: " + pattern.error().safe_message());
  }
  if (std::string obstacle = ObservationObstacle(pattern->root); !obstacle.empty()) {
    return NotExportable(id, obstacle);
  }
  stix::PatternObservables found = stix::ObservablesOf(*pattern);
  if (!found.rejected.empty()) {
    const auto& rejected = found.rejected.front();
    return NotExportable(id,
                         fmt::format("{}:{}: {}", rejected.type, rejected.path, rejected.reason));
  }
  if (found.observables.empty()) return NotExportable(id, "the pattern names no observable");
  return std::move(found.observables);
}

SuricataRuleWriter::SuricataRuleWriter(std::ostream& rules, SuricataOptions options)
    : rules_(rules), options_(std::move(options)), next_sid_(options_.first_sid) {}

Result<std::size_t> SuricataRuleWriter::Add(const Json& indicator) {
  if (finished_) return FailedPrecondition("Suricata export already finished");
  const std::string& action = options_.action;
  if (action != "alert" && action != "drop" && action != "reject" && action != "pass") {
    return InvalidArgument(fmt::format("'{}' is not a Suricata rule action", action));
  }
  FC_ASSIGN_OR_RETURN(const std::vector<stix::Observable> observables, RuleObservables(indicator));
  const std::string id = StringMember(indicator, "id");
  const std::string name = StringMember(indicator, "name");
  const std::string message =
      SuricataMessage(name.empty() ? fmt::format("{} {}", options_.message_prefix, id)
                                   : fmt::format("{} {} ({})", options_.message_prefix, name, id));

  // Everything is prepared before anything is written, so a reason to skip the
  // indicator leaves the output untouched.
  std::vector<std::string> bodies;  // rule text without sid and rev
  struct ListLine {
    std::ostream* list;
    std::uint64_t* entries;
    std::string hash;
  };
  std::vector<ListLine> list_lines;
  for (const stix::Observable& observable : observables) {
    switch (observable.kind) {
      case stix::ObservableKind::kDomain: {
        const std::string content = SuricataContent("." + observable.value);
        bodies.push_back(fmt::format(
            "dns any any -> any any (msg:\"{}\"; dns.query; dotprefix; content:\"{}\"; nocase; "
            "endswith;",
            message, content));
        bodies.push_back(fmt::format(
            "tls any any -> any any (msg:\"{}\"; tls.sni; dotprefix; content:\"{}\"; nocase; "
            "endswith;",
            message, content));
        bodies.push_back(fmt::format(
            "http any any -> any any (msg:\"{}\"; http.host; dotprefix; content:\"{}\"; endswith;",
            message, content));
        break;
      }
      case stix::ObservableKind::kIpv4:
      case stix::ObservableKind::kIpv6:
        bodies.push_back(
            fmt::format("ip any any <> {} any (msg:\"{}\";", observable.value, message));
        break;
      case stix::ObservableKind::kUrl: {
        const auto url = SplitUrl(observable.value);
        if (!url || (url->scheme != "http" && url->scheme != "https")) {
          return NotExportable(id, fmt::format("no Suricata rule for the URL '{}'",
                                               observable.value.substr(0, 100)));
        }
        std::string body = fmt::format(
            "http any any -> any any (msg:\"{}\"; http.host; content:\"{}\"; startswith; "
            "endswith;",
            message, SuricataContent(url->HostWithoutPort()));
        if (url->resource != "/") {
          const bool escaped = url->resource.find('%') != std::string::npos;
          body +=
              fmt::format(" {}; content:\"{}\"; startswith;", escaped ? "http.uri.raw" : "http.uri",
                          SuricataContent(url->resource));
        }
        bodies.push_back(std::move(body));
        break;
      }
      case stix::ObservableKind::kHash: {
        const std::string algorithm = HashAlgorithmOf(observable);
        ListLine line{nullptr, nullptr, observable.value};
        if (algorithm == "MD5") line = {options_.md5_list, &md5_entries_, observable.value};
        if (algorithm == "SHA-1") line = {options_.sha1_list, &sha1_entries_, observable.value};
        if (algorithm == "SHA-256") {
          line = {options_.sha256_list, &sha256_entries_, observable.value};
        }
        if (line.list == nullptr) {
          return NotExportable(
              id, fmt::format("Suricata matches {} file hashes only from a list file, and none "
                              "was given",
                              algorithm));
        }
        list_lines.push_back(std::move(line));
        break;
      }
      case stix::ObservableKind::kEmail:
        return NotExportable(id, "Suricata has no rule keyword for an e-mail address");
      case stix::ObservableKind::kOther:
        return NotExportable(
            id, fmt::format("no Suricata rule for {}:{}", observable.type, observable.path));
    }
  }
  if (next_sid_ + bodies.size() > std::numeric_limits<std::uint32_t>::max()) {
    return ResourceExhausted("Suricata sids would pass 4294967295");
  }
  for (const std::string& body : bodies) {
    rules_ << action << ' ' << body << " sid:" << next_sid_++ << "; rev:1;)\n";
  }
  for (const ListLine& line : list_lines) {
    *line.list << line.hash << '\n';
    ++*line.entries;
    if (!*line.list) return Internal("Suricata export: hash list write failed");
  }
  if (!rules_) return Internal("Suricata export: write failed");
  return bodies.size() + list_lines.size();
}

Status SuricataRuleWriter::Finish() {
  if (finished_) return FailedPrecondition("Suricata export already finished");
  finished_ = true;
  const struct {
    std::uint64_t entries;
    std::string_view keyword;
    std::string_view algorithm;
    const std::string& list_name;
  } lists[] = {
      {md5_entries_, "filemd5", "MD5", options_.md5_list_name},
      {sha1_entries_, "filesha1", "SHA-1", options_.sha1_list_name},
      {sha256_entries_, "filesha256", "SHA-256", options_.sha256_list_name},
  };
  for (const auto& list : lists) {
    if (list.entries == 0) continue;
    for (const std::string_view protocol : {"http", "smtp"}) {
      rules_ << options_.action << ' ' << protocol << " any any -> any any (msg:\""
             << SuricataMessage(fmt::format("{} file {} on list {}", options_.message_prefix,
                                            list.algorithm, list.list_name))
             << "\"; " << list.keyword << ':' << SuricataMessage(list.list_name)
             << "; sid:" << next_sid_++ << "; rev:1;)\n";
    }
  }
  rules_.flush();
  if (!rules_) return Internal("Suricata export: write failed");
  return OkStatus();
}

ZeekIntelWriter::ZeekIntelWriter(std::ostream& out, ZeekIntelOptions options)
    : out_(out), options_(std::move(options)) {
  out_ << "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n";
}

Result<std::size_t> ZeekIntelWriter::Add(const Json& indicator) {
  FC_ASSIGN_OR_RETURN(const std::vector<stix::Observable> observables, RuleObservables(indicator));
  const std::string id = StringMember(indicator, "id");
  const std::string name = StringMember(indicator, "name");
  const std::string description = name.empty() ? id : fmt::format("{} ({})", name, id);
  std::string url = "-";
  if (!options_.url_template.empty()) {
    url = options_.url_template;
    if (const std::size_t at = url.find("{id}"); at != std::string::npos) url.replace(at, 4, id);
  }
  const std::string meta =
      fmt::format("{}\t{}\t{}", ZeekField(options_.source), ZeekField(description), ZeekField(url));
  std::string lines;
  for (const stix::Observable& observable : observables) {
    std::string value = observable.value;
    std::string_view type;
    switch (observable.kind) {
      case stix::ObservableKind::kDomain:
        type = "Intel::DOMAIN";
        break;
      case stix::ObservableKind::kIpv4:
      case stix::ObservableKind::kIpv6:
        type = IsRange(observable) ? "Intel::SUBNET" : "Intel::ADDR";
        break;
      case stix::ObservableKind::kEmail:
        type = "Intel::EMAIL";
        break;
      case stix::ObservableKind::kUrl: {
        const auto url_parts = SplitUrl(observable.value);
        if (!url_parts) {
          return NotExportable(id, fmt::format("no Zeek intel type for the URL '{}'",
                                               observable.value.substr(0, 100)));
        }
        value = url_parts->host + url_parts->resource;
        type = "Intel::URL";
        break;
      }
      case stix::ObservableKind::kHash: {
        const std::string algorithm = HashAlgorithmOf(observable);
        if (algorithm != "MD5" && algorithm != "SHA-1" && algorithm != "SHA-256") {
          return NotExportable(id, fmt::format("Zeek does not compute {} file hashes", algorithm));
        }
        type = "Intel::FILE_HASH";
        break;
      }
      case stix::ObservableKind::kOther:
        return NotExportable(
            id, fmt::format("no Zeek intel type for {}:{}", observable.type, observable.path));
    }
    lines += fmt::format("{}\t{}\t{}\n", ZeekField(value), type, meta);
  }
  out_ << lines;
  if (!out_) return Internal("Zeek export: write failed");
  return observables.size();
}

}  // namespace fincyber::sharing
