#include "taxii/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "base/ascii.h"
#include "stix/object.h"

namespace fincyber::taxii {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t at = text.find(separator);
    parts.push_back(Trim(text.substr(0, at)));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return parts;
}

// One media range: "type/subtype" lower-cased, and its parameters.
struct MediaRange {
  std::string type;
  std::map<std::string, std::string> params;
};

MediaRange ParseMediaRange(std::string_view text) {
  MediaRange range;
  const std::vector<std::string_view> parts = Split(text, ';');
  range.type = AsciiLower(parts[0]);
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::size_t eq = parts[i].find('=');
    if (eq == std::string_view::npos) continue;
    std::string value(Trim(parts[i].substr(eq + 1)));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    range.params[AsciiLower(Trim(parts[i].substr(0, eq)))] = value;
  }
  return range;
}

bool IsTaxiiRange(const MediaRange& range) {
  auto version = range.params.find("version");
  return range.type == "application/taxii+json" &&
         (version == range.params.end() || version->second == "2.1");
}

std::string_view TitleFor(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return status >= 500 ? "Internal Server Error" : "Error";
  }
}

Result<std::int64_t> ParseHex(std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty() || text.size() > 16) return InvalidArgument("bad");
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc() || end != text.data() + text.size()) return InvalidArgument("bad");
  if (value > static_cast<std::uint64_t>(INT64_MAX)) return InvalidArgument("bad");
  return static_cast<std::int64_t>(value);
}

// Every value of a repeatable, comma-separated parameter.
std::vector<std::string> ListParam(const std::multimap<std::string, std::string>& query,
                                   const std::string& name) {
  std::vector<std::string> values;
  auto [begin, end] = query.equal_range(name);
  for (auto it = begin; it != end; ++it) {
    for (std::string_view part : Split(it->second, ',')) {
      if (!part.empty()) values.emplace_back(part);
    }
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

Error BadParameter(std::string_view name, std::string_view problem) {
  return InvalidArgument(fmt::format("{}: {}", name, problem),
                         {{std::string(name), std::string(problem)}});
}

}  // namespace

bool AcceptsTaxii(std::string_view accept) {
  if (Trim(accept).empty()) return true;
  for (std::string_view item : Split(accept, ',')) {
    if (item.empty()) continue;
    const MediaRange range = ParseMediaRange(item);
    auto q = range.params.find("q");
    if (q != range.params.end() && std::strtod(q->second.c_str(), nullptr) <= 0.0) continue;
    if (range.type == "*/*" || range.type == "application/*" || IsTaxiiRange(range)) return true;
  }
  return false;
}

bool IsTaxiiContentType(std::string_view content_type) {
  return IsTaxiiRange(ParseMediaRange(content_type));
}

http::Response ErrorResponse(int status, std::string_view description,
                             std::string_view request_id) {
  http::Response response;
  response.status = status;
  response.body = DumpJson({{"title", TitleFor(status)},
                            {"description", description},
                            {"error_id", request_id},
                            {"http_status", std::to_string(status)}});
  response.SetHeader("Content-Type", std::string(kTaxiiMediaType));
  if (status == 401) {
    response.SetHeader("WWW-Authenticate", "Basic realm=\"fincyber TAXII\", Bearer");
  }
  return response;
}

http::Response RenderError(const Error& error, int status, std::string_view request_id) {
  const bool internal = error.code() == ErrorCode::kInternal;
  return ErrorResponse(status, internal ? "internal error" : error.safe_message(), request_id);
}

std::string EncodeCursor(const sharing::Cursor& cursor) {
  return fmt::format("{:x}-{:x}", cursor.date_added, cursor.row);
}

Result<sharing::Cursor> DecodeCursor(std::string_view text) {
  const std::size_t dash = text.find('-');
  auto date_added = ParseHex(text.substr(0, dash));
  auto row = dash == std::string_view::npos ? ParseHex("") : ParseHex(text.substr(dash + 1));
  if (!date_added.ok() || !row.ok()) {
    return BadParameter("next", "not a value this server issued");
  }
  return sharing::Cursor{*date_added, *row};
}

Result<sharing::ObjectQuery> ParseObjectQuery(
    const std::multimap<std::string, std::string>& query) {
  sharing::ObjectQuery q;
  if (auto it = query.find("added_after"); it != query.end()) {
    auto at = stix::ParseTimestamp(it->second);
    if (!at.ok()) return BadParameter("added_after", "not an RFC 3339 timestamp");
    q.added_after = *at;
  }
  if (auto it = query.find("limit"); it != query.end()) {
    long long limit = 0;
    auto [end, ec] =
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), limit);
    if (ec != std::errc() || end != it->second.data() + it->second.size() || limit < 1) {
      return BadParameter("limit", "must be a positive integer");
    }
    q.limit = static_cast<int>(std::min<long long>(limit, sharing::kMaxPageSize));
  }
  if (auto it = query.find("next"); it != query.end()) {
    FC_ASSIGN_OR_RETURN(q.after, DecodeCursor(it->second));
  }
  q.ids = ListParam(query, "match[id]");
  q.types = ListParam(query, "match[type]");
  q.spec_versions = ListParam(query, "match[spec_version]");
  for (const std::string& version : ListParam(query, "match[version]")) {
    if (version == "last") {
      q.versions.last = true;
    } else if (version == "first") {
      q.versions.first = true;
    } else if (version == "all") {
      q.versions.all = true;
    } else {
      auto at = stix::ParseTimestamp(version);
      if (!at.ok()) {
        return BadParameter("match[version]", "must be last, first, all or a timestamp");
      }
      q.versions.at.push_back(*at);
    }
  }
  return q;
}

Json CollectionResource(const sharing::Collection& c) {
  Json out = {{"id", c.id},
              {"title", c.title},
              {"can_read", c.can_read},
              {"can_write", c.can_write},
              {"media_types", {kStixMediaType}}};
  if (!c.description.empty()) out["description"] = c.description;
  if (!c.alias.empty()) out["alias"] = c.alias;
  return out;
}

Json StatusResource(const sharing::AddReport& report, bool pending) {
  auto details = [](const std::vector<sharing::AddOutcome>& outcomes) {
    Json list = Json::array();
    for (const auto& o : outcomes) {
      Json entry = {{"id", o.id}, {"message", o.message}};
      if (!o.version.empty()) entry["version"] = o.version;
      list.push_back(std::move(entry));
    }
    return list;
  };
  Json out = {{"id", report.id},
              {"status", pending ? "pending" : "complete"},
              {"request_timestamp", stix::FormatTimestamp(report.requested_at)},
              {"total_count", report.total_count},
              {"success_count", report.successes.size()},
              {"failure_count", report.failures.size()},
              {"pending_count", pending ? report.total_count : 0}};
  if (!report.successes.empty()) out["successes"] = details(report.successes);
  if (!report.failures.empty()) out["failures"] = details(report.failures);
  return out;
}

std::string EnvelopeBody(const sharing::ObjectPage& page) {
  std::size_t size = 64;
  for (const auto& o : page.objects) size += o.body.size() + 1;
  std::string body;
  body.reserve(size);
  body += page.more ? "{\"more\":true" : "{\"more\":false";
  if (page.more) body += fmt::format(",\"next\":\"{}\"", EncodeCursor(page.next));
  if (!page.objects.empty()) {
    body += ",\"objects\":[";
    for (std::size_t i = 0; i < page.objects.size(); ++i) {
      if (i > 0) body += ',';
      body += page.objects[i].body;
    }
    body += ']';
  }
  body += '}';
  return body;
}

Json ManifestResource(const sharing::ObjectPage& page) {
  Json out = {{"more", page.more}};
  if (page.more) out["next"] = EncodeCursor(page.next);
  if (page.objects.empty()) return out;
  Json objects = Json::array();
  for (const auto& o : page.objects) {
    objects.push_back({{"id", o.id},
                       {"date_added", stix::FormatTimestamp(o.date_added)},
                       {"version", stix::FormatTimestamp(o.version)},
                       {"media_type", kStixMediaType}});
  }
  out["objects"] = std::move(objects);
  return out;
}

Json VersionsResource(const sharing::ObjectPage& page) {
  Json out = {{"more", page.more}};
  if (page.more) out["next"] = EncodeCursor(page.next);
  if (page.objects.empty()) return out;
  Json versions = Json::array();
  for (const auto& o : page.objects) versions.push_back(stix::FormatTimestamp(o.version));
  out["versions"] = std::move(versions);
  return out;
}

http::Response TaxiiResponse(std::string body, const sharing::ObjectPage* page) {
  http::Response response;
  response.body = std::move(body);
  response.SetHeader("Content-Type", std::string(kTaxiiMediaType));
  if (page != nullptr && !page->objects.empty()) {
    auto [first, last] = std::minmax_element(
        page->objects.begin(), page->objects.end(),
        [](const auto& a, const auto& b) { return a.date_added < b.date_added; });
    response.SetHeader("X-TAXII-Date-Added-First", stix::FormatTimestamp(first->date_added));
    response.SetHeader("X-TAXII-Date-Added-Last", stix::FormatTimestamp(last->date_added));
  }
  return response;
}

}  // namespace fincyber::taxii
