#include "taxii/client.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <thread>

#include "stix/object.h"

namespace fincyber::taxii {
namespace {

constexpr std::string_view kMediaType = "application/taxii+json;version=2.1";
constexpr int kMaxResponseDepth = 64;

constexpr std::size_t kMaxTextBytes = 64 * 1024;
constexpr std::size_t kMaxErrorTextBytes = 300;

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
                   static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
                   static_cast<unsigned char>(bytes[i + 2]);
    for (const int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(n >> shift) & 63]);
  }
  if (i < bytes.size()) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size())
      n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string PercentEncode(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.append(fmt::format("%{:02X}", c));
    }
  }
  return out;
}

std::string WithSlash(std::string_view url) {
  std::string out(url);
  if (!out.ends_with('/')) out.push_back('/');
  return out;
}

// A URL from a discovery resource, made absolute against the discovery URL.
std::string Resolve(std::string_view base, std::string_view url) {
  if (url.find("://") != std::string_view::npos) return std::string(url);
  const std::size_t scheme_end = base.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const std::size_t path_start = base.find('/', scheme_end + 3);
  const std::string_view origin = base.substr(0, path_start);
  if (url.starts_with('/')) return std::string(origin) + std::string(url);
  return WithSlash(base) + std::string(url);
}

std::string Clip(std::string_view text) {
  if (text.size() <= kMaxErrorTextBytes) return std::string(text);
  std::size_t end = kMaxErrorTextBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "...";
}

// "Retry-After: 120" or "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT" (RFC 9110 10.2.3).
std::optional<std::chrono::milliseconds> RetryAfter(const OutboundResponse& response,
                                                    TimePoint now) {
  const auto it = response.headers.find("retry-after");
  if (it == response.headers.end() || it->second.empty()) return std::nullopt;
  const std::string& value = it->second;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::hours(24 * 365);  // absurd: refused by the cap
    return std::chrono::seconds(std::stoll(value));
  }
  std::tm tm{};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const TimePoint at = std::chrono::system_clock::from_time_t(timegm(&tm));
  if (at <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
}

Error HttpError(int status, const std::string& body) {
  std::string detail;
  // A TAXII error object: {"title": ..., "description": ...}.
  if (auto parsed = ParseJson(body, {.max_bytes = 1 << 20, .max_depth = 16});
      parsed.ok() && parsed->is_object()) {
    if (const auto title = parsed->find("title"); title != parsed->end() && title->is_string()) {
      detail = ": " + Clip(title->get<std::string>());
    }
    if (const auto text = parsed->find("description"); text != parsed->end() && text->is_string()) {
      detail += ": " + Clip(text->get<std::string>());
    }
  }
  const std::string message = fmt::format("TAXII server answered HTTP {}{}", status, detail);
  switch (status) {
    case 400:
    case 422:
      return InvalidArgument(message);
    case 401:
      return Unauthenticated(message);
    case 403:
      return PermissionDenied(message);
    case 404:
      return NotFound(message);
    case 406:
    case 415:
      return FailedPrecondition(message + " (the server does not accept TAXII 2.1)");
    case 413:
      return ResourceExhausted(message);
    default:
      return Unavailable(message);
  }
}

Error Malformed(std::string_view what, std::string_view problem) {
  return InvalidArgument(fmt::format("TAXII {}: {}", what, problem));
}

Result<std::string> StringMember(const Json& object, std::string_view what, std::string_view name,
                                 bool required) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    if (required) return Malformed(what, fmt::format("'{}' is missing", name));
    return std::string();
  }
  if (!it->is_string()) return Malformed(what, fmt::format("'{}' must be a string", name));
  const std::string& text = it->get_ref<const std::string&>();
  if (text.size() > kMaxTextBytes) return Malformed(what, fmt::format("'{}' is too long", name));
  return text;
}

Result<std::vector<std::string>> StringListMember(const Json& object, std::string_view what,
                                                  std::string_view name) {
  std::vector<std::string> out;
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_array()) return Malformed(what, fmt::format("'{}' must be a list of strings", name));
  for (const Json& item : *it) {
    if (!item.is_string())
      return Malformed(what, fmt::format("'{}' must be a list of strings", name));
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<bool> BoolMember(const Json& object, std::string_view what, std::string_view name,
                        bool required) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    if (required) return Malformed(what, fmt::format("'{}' is missing", name));
    return false;
  }
  if (!it->is_boolean()) return Malformed(what, fmt::format("'{}' must be true or false", name));
  return it->get<bool>();
}

Result<std::int64_t> CountMember(const Json& object, std::string_view what, std::string_view name,
                                 bool required) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    if (required) return Malformed(what, fmt::format("'{}' is missing", name));
    return 0;
  }
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
    return Malformed(what, fmt::format("'{}' must be a non-negative integer", name));
  }
  return it->get<std::int64_t>();
}

Result<CollectionInfo> ParseCollection(const Json& json) {
  constexpr std::string_view what = "collection";
  if (!json.is_object()) return Malformed(what, "expected an object");
  CollectionInfo collection;
  FC_ASSIGN_OR_RETURN(collection.id, StringMember(json, what, "id", true));
  FC_ASSIGN_OR_RETURN(collection.title, StringMember(json, what, "title", true));
  FC_ASSIGN_OR_RETURN(collection.description, StringMember(json, what, "description", false));
  FC_ASSIGN_OR_RETURN(collection.alias, StringMember(json, what, "alias", false));
  FC_ASSIGN_OR_RETURN(collection.can_read, BoolMember(json, what, "can_read", true));
  FC_ASSIGN_OR_RETURN(collection.can_write, BoolMember(json, what, "can_write", true));
  FC_ASSIGN_OR_RETURN(collection.media_types, StringListMember(json, what, "media_types"));
  return collection;
}

Result<std::vector<StatusDetail>> ParseDetails(const Json& json, std::string_view name) {
  constexpr std::string_view what = "status";
  std::vector<StatusDetail> out;
  const auto it = json.find(name);
  if (it == json.end() || it->is_null()) return out;
  if (!it->is_array()) return Malformed(what, fmt::format("'{}' must be a list", name));
  for (const Json& item : *it) {
    if (!item.is_object()) return Malformed(what, fmt::format("'{}' must hold objects", name));
    StatusDetail detail;
    FC_ASSIGN_OR_RETURN(detail.id, StringMember(item, what, "id", true));
    FC_ASSIGN_OR_RETURN(detail.version, StringMember(item, what, "version", false));
    FC_ASSIGN_OR_RETURN(detail.message, StringMember(item, what, "message", false));
    out.push_back(std::move(detail));
  }
  return out;
}

Result<AddStatus> ParseStatus(const Json& json) {
  constexpr std::string_view what = "status";
  if (!json.is_object()) return Malformed(what, "expected an object");
  AddStatus status;
  FC_ASSIGN_OR_RETURN(status.id, StringMember(json, what, "id", true));
  FC_ASSIGN_OR_RETURN(status.status, StringMember(json, what, "status", true));
  if (status.status != "complete" && status.status != "pending") {
    return Malformed(what,
                     fmt::format("'status' is '{}', not complete or pending", Clip(status.status)));
  }
  FC_ASSIGN_OR_RETURN(status.request_timestamp,
                      StringMember(json, what, "request_timestamp", false));
  FC_ASSIGN_OR_RETURN(status.total_count, CountMember(json, what, "total_count", true));
  FC_ASSIGN_OR_RETURN(status.success_count, CountMember(json, what, "success_count", true));
  FC_ASSIGN_OR_RETURN(status.failure_count, CountMember(json, what, "failure_count", true));
  FC_ASSIGN_OR_RETURN(status.pending_count, CountMember(json, what, "pending_count", true));
  FC_ASSIGN_OR_RETURN(status.successes, ParseDetails(json, "successes"));
  FC_ASSIGN_OR_RETURN(status.failures, ParseDetails(json, "failures"));
  FC_ASSIGN_OR_RETURN(status.pendings, ParseDetails(json, "pendings"));
  return status;
}

// Later of two X-TAXII-Date-Added values; a value that is not a timestamp never wins.
std::string LaterDate(const std::string& current, const std::string& candidate) {
  const auto parsed = stix::ParseTimestamp(candidate);
  if (!parsed.ok()) return current;
  if (current.empty()) return candidate;
  const auto existing = stix::ParseTimestamp(current);
  return !existing.ok() || *parsed > *existing ? candidate : current;
}

std::string ObjectsUrl(std::string_view api_root, std::string_view collection_id) {
  return fmt::format("{}collections/{}/objects/", WithSlash(api_root),
                     PercentEncode(collection_id));
}

}  // namespace

TaxiiClient::TaxiiClient(OutboundHttp& http, ClientOptions options)
    : http_(http), options_(std::move(options)) {}

void TaxiiClient::Sleep(std::chrono::milliseconds duration) {
  if (options_.sleep) {
    options_.sleep(duration);
  } else {
    std::this_thread::sleep_for(duration);
  }
}

Result<OutboundResponse> TaxiiClient::Exchange(OutboundRequest request) {
  request.headers["Accept"] = std::string(kMediaType);
  if (!options_.bearer_token.empty()) {
    request.headers["Authorization"] = "Bearer " + options_.bearer_token;
  } else if (!options_.username.empty()) {
    request.headers["Authorization"] =
        "Basic " + Base64(options_.username + ":" + options_.password);
  }
  request.timeout = options_.timeout;
  request.max_response_bytes = options_.max_response_bytes;
  const SystemClock system_clock;
  const Clock& clock = options_.clock != nullptr ? *options_.clock : system_clock;
  const int attempts = std::max(1, options_.max_attempts);
  const TimePoint first_attempt = clock.Now();
  // The error of a request no longer retried: after retries, it says how many and for how
  // long, so that an operator knows the bound was reached rather than a single failure.
  auto give_up = [&](Error error, int attempt) -> Error {
    if (attempt == 1) return error;
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(clock.Now() - first_attempt).count();
    return Error(error.code(),
                 fmt::format("{} (gave up after {} attempts in {} s)", error.safe_message(),
                             attempt, seconds),
                 fmt::format("{} (gave up after {} attempts in {} s)", error.internal_message(),
                             attempt, seconds));
  };
  for (int attempt = 1;; ++attempt) {
    auto response = http_.Send(request);
    const bool last = attempt >= attempts;
    // Exponential back-off from one second when the server names no time.
    const std::chrono::milliseconds backoff = std::min<std::chrono::milliseconds>(
        std::chrono::seconds(1) * (1 << std::min(attempt - 1, 20)), options_.max_retry_wait);
    auto past_deadline = [&](std::chrono::milliseconds wait) {
      return clock.Now() + wait - first_attempt > options_.max_retry_elapsed;
    };
    if (!response.ok()) {
      if (response.error().code() != ErrorCode::kUnavailable) return std::move(response).error();
      if (last || past_deadline(backoff)) return give_up(std::move(response).error(), attempt);
      Sleep(backoff);
      continue;
    }
    if (response->status != 429 && response->status != 503) return response;
    const auto wait = RetryAfter(*response, clock.Now()).value_or(backoff);
    if (wait > options_.max_retry_wait) {
      return Unavailable(fmt::format(
          "TAXII server answered HTTP {} and asks to retry in {} s, "
          "longer than the {} s allowed",
          response->status, std::chrono::duration_cast<std::chrono::seconds>(wait).count(),
          options_.max_retry_wait.count()));
    }
    if (last || past_deadline(wait)) {
      return give_up(HttpError(response->status, response->body), attempt);
    }
    Sleep(wait);
  }
}

Result<Json> TaxiiClient::GetJson(const std::string& url, std::string_view what) {
  OutboundRequest request;
  request.method = "GET";
  request.url = url;
  FC_ASSIGN_OR_RETURN(OutboundResponse response, Exchange(std::move(request)));
  if (response.status < 200 || response.status > 299) {
    return HttpError(response.status, response.body);
  }
  if (const auto type = response.headers.find("content-type");
      type != response.headers.end() && type->second.find("json") == std::string::npos) {
    return Malformed(what, fmt::format("the server answered with media type '{}', not {}",
                                       Clip(type->second), kMediaType));
  }
  auto parsed = ParseJson(
      response.body, {.max_bytes = options_.max_response_bytes, .max_depth = kMaxResponseDepth});
  if (!parsed.ok()) return Malformed(what, parsed.error().safe_message());
  if (!parsed->is_object()) return Malformed(what, "expected a JSON object");
  return std::move(*parsed);
}

Result<DiscoveryInfo> TaxiiClient::Discover(std::string_view discovery_url) {
  constexpr std::string_view what = "discovery";
  FC_ASSIGN_OR_RETURN(const Json json, GetJson(std::string(discovery_url), what));
  DiscoveryInfo info;
  FC_ASSIGN_OR_RETURN(info.title, StringMember(json, what, "title", true));
  FC_ASSIGN_OR_RETURN(info.description, StringMember(json, what, "description", false));
  FC_ASSIGN_OR_RETURN(info.contact, StringMember(json, what, "contact", false));
  FC_ASSIGN_OR_RETURN(const std::string default_root, StringMember(json, what, "default", false));
  if (!default_root.empty()) info.default_api_root = Resolve(discovery_url, default_root);
  FC_ASSIGN_OR_RETURN(const std::vector<std::string> roots,
                      StringListMember(json, what, "api_roots"));
  for (const std::string& root : roots) info.api_roots.push_back(Resolve(discovery_url, root));
  return info;
}

Result<ApiRootInfo> TaxiiClient::GetApiRoot(std::string_view api_root) {
  constexpr std::string_view what = "API root";
  FC_ASSIGN_OR_RETURN(const Json json, GetJson(WithSlash(api_root), what));
  ApiRootInfo info;
  FC_ASSIGN_OR_RETURN(info.title, StringMember(json, what, "title", true));
  FC_ASSIGN_OR_RETURN(info.description, StringMember(json, what, "description", false));
  FC_ASSIGN_OR_RETURN(info.versions, StringListMember(json, what, "versions"));
  FC_ASSIGN_OR_RETURN(info.max_content_length, CountMember(json, what, "max_content_length", true));
  return info;
}

Result<std::vector<CollectionInfo>> TaxiiClient::GetCollections(std::string_view api_root) {
  constexpr std::string_view what = "collections";
  FC_ASSIGN_OR_RETURN(const Json json, GetJson(WithSlash(api_root) + "collections/", what));
  std::vector<CollectionInfo> collections;
  const auto list = json.find("collections");
  if (list == json.end() || list->is_null()) return collections;  // none readable
  if (!list->is_array()) return Malformed(what, "'collections' must be a list");
  for (const Json& item : *list) {
    FC_ASSIGN_OR_RETURN(CollectionInfo collection, ParseCollection(item));
    collections.push_back(std::move(collection));
  }
  return collections;
}

Result<CollectionInfo> TaxiiClient::GetCollection(std::string_view api_root,
                                                  std::string_view collection_id) {
  FC_ASSIGN_OR_RETURN(const Json json, GetJson(fmt::format("{}collections/{}/", WithSlash(api_root),
                                                           PercentEncode(collection_id)),
                                               "collection"));
  return ParseCollection(json);
}

Result<ObjectsPage> TaxiiClient::GetPage(std::string url, const ObjectFilter& filter,
                                         std::string_view next, std::string_view what) {
  std::vector<std::string> query;
  if (!filter.added_after.empty())
    query.push_back("added_after=" + PercentEncode(filter.added_after));
  if (filter.limit) query.push_back(fmt::format("limit={}", *filter.limit));
  if (!next.empty()) query.push_back("next=" + PercentEncode(next));
  const std::pair<std::string_view, const std::vector<std::string>*> matches[] = {
      {"id", &filter.ids},
      {"type", &filter.types},
      {"version", &filter.versions},
      {"spec_version", &filter.spec_versions}};
  for (const auto& [field, values] : matches) {
    if (values->empty()) continue;
    std::string joined;
    for (const std::string& value : *values) {
      if (!joined.empty()) joined += ',';
      joined += PercentEncode(value);
    }
    query.push_back(fmt::format("match[{}]={}", field, joined));
  }
  for (std::size_t i = 0; i < query.size(); ++i) url += (i == 0 ? "?" : "&") + query[i];

  OutboundRequest request;
  request.method = "GET";
  request.url = std::move(url);
  FC_ASSIGN_OR_RETURN(OutboundResponse response, Exchange(std::move(request)));
  if (response.status < 200 || response.status > 299)
    return HttpError(response.status, response.body);
  if (const auto type = response.headers.find("content-type");
      type != response.headers.end() && type->second.find("json") == std::string::npos) {
    return Malformed(what, fmt::format("the server answered with media type '{}', not {}",
                                       Clip(type->second), kMediaType));
  }
  ObjectsPage page;
  if (const auto first = response.headers.find("x-taxii-date-added-first");
      first != response.headers.end()) {
    page.date_added_first = first->second;
  }
  if (const auto last = response.headers.find("x-taxii-date-added-last");
      last != response.headers.end()) {
    page.date_added_last = last->second;
  }
  auto parsed = ParseJson(
      response.body, {.max_bytes = options_.max_response_bytes, .max_depth = kMaxResponseDepth});
  if (!parsed.ok()) return Malformed(what, parsed.error().safe_message());
  if (!parsed->is_object()) return Malformed(what, "expected a JSON object");
  FC_ASSIGN_OR_RETURN(page.more, BoolMember(*parsed, what, "more", false));
  FC_ASSIGN_OR_RETURN(page.next, StringMember(*parsed, what, "next", false));
  if (const auto objects = parsed->find("objects");
      objects != parsed->end() && !objects->is_null()) {
    if (!objects->is_array()) return Malformed(what, "'objects' must be a list");
    for (Json& object : *objects) {
      if (!object.is_object()) return Malformed(what, "'objects' must hold JSON objects");
      page.objects.push_back(std::move(object));
    }
  }
  return page;
}

Result<ObjectsPage> TaxiiClient::GetObjects(std::string_view api_root,
                                            std::string_view collection_id,
                                            const ObjectFilter& filter, std::string_view next) {
  return GetPage(ObjectsUrl(api_root, collection_id), filter, next, "envelope");
}

Result<ManifestPage> TaxiiClient::GetManifest(std::string_view api_root,
                                              std::string_view collection_id,
                                              const ObjectFilter& filter, std::string_view next) {
  constexpr std::string_view what = "manifest";
  FC_ASSIGN_OR_RETURN(ObjectsPage listed,
                      GetPage(fmt::format("{}collections/{}/manifest/", WithSlash(api_root),
                                          PercentEncode(collection_id)),
                              filter, next, what));
  ManifestPage page{.objects = {},
                    .more = listed.more,
                    .next = std::move(listed.next),
                    .date_added_first = std::move(listed.date_added_first),
                    .date_added_last = std::move(listed.date_added_last)};
  for (const Json& entry : listed.objects) {
    ManifestEntry e;
    FC_ASSIGN_OR_RETURN(e.id, StringMember(entry, what, "id", true));
    FC_ASSIGN_OR_RETURN(e.date_added, StringMember(entry, what, "date_added", true));
    FC_ASSIGN_OR_RETURN(e.version, StringMember(entry, what, "version", true));
    FC_ASSIGN_OR_RETURN(e.media_type, StringMember(entry, what, "media_type", false));
    page.objects.push_back(std::move(e));
  }
  return page;
}

template <typename Entry>
Result<PullSummary> TaxiiClient::Pull(
    ObjectFilter filter,
    const std::function<Result<Page<Entry>>(const ObjectFilter&, const std::string&)>& get_page,
    const std::function<Status(Page<Entry>&)>& on_page, std::uint64_t max_pages) {
  PullSummary summary;
  std::string next;
  for (;;) {
    FC_ASSIGN_OR_RETURN(Page<Entry> page, get_page(filter, next));
    ++summary.pages;
    summary.objects += page.objects.size();
    summary.last_date_added = LaterDate(summary.last_date_added, page.date_added_last);
    const bool more = page.more;
    const std::string page_next = page.next;
    const std::string page_last = page.date_added_last;
    FC_RETURN_IF_ERROR(on_page(page));
    if (!more || (max_pages != 0 && summary.pages >= max_pages)) return summary;
    if (!page_next.empty()) {
      if (page_next == next) {
        return FailedPrecondition("TAXII server returned the same 'next' twice; stopping");
      }
      next = page_next;
    } else if (!page_last.empty()) {
      if (page_last == filter.added_after) {
        return FailedPrecondition(
            "TAXII server reports more objects but X-TAXII-Date-Added-Last does not advance");
      }
      filter.added_after = page_last;
      next.clear();
    } else {
      return FailedPrecondition(
          "TAXII server reports more objects but gives neither 'next' nor "
          "X-TAXII-Date-Added-Last");
    }
  }
}

Result<PullSummary> TaxiiClient::PullObjects(std::string_view api_root,
                                             std::string_view collection_id, ObjectFilter filter,
                                             const std::function<Status(ObjectsPage&)>& on_page,
                                             std::uint64_t max_pages) {
  return Pull<Json>(
      std::move(filter),
      [&](const ObjectFilter& f, const std::string& next) {
        return GetObjects(api_root, collection_id, f, next);
      },
      on_page, max_pages);
}

Result<PullSummary> TaxiiClient::PullManifest(std::string_view api_root,
                                              std::string_view collection_id, ObjectFilter filter,
                                              const std::function<Status(ManifestPage&)>& on_page) {
  return Pull<ManifestEntry>(
      std::move(filter),
      [&](const ObjectFilter& f, const std::string& next) {
        return GetManifest(api_root, collection_id, f, next);
      },
      on_page, 0);
}

Result<AddStatus> TaxiiClient::AddObjects(std::string_view api_root, std::string_view collection_id,
                                          const std::vector<Json>& objects) {
  OutboundRequest request;
  request.method = "POST";
  request.url = ObjectsUrl(api_root, collection_id);
  request.headers["Content-Type"] = std::string(kMediaType);
  // Written object by object: wrapping them in one Json first would copy every tree.
  request.body = "{\"objects\":[";
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (i != 0) request.body += ',';
    request.body += DumpJson(objects[i]);
  }
  request.body += "]}";
  FC_ASSIGN_OR_RETURN(OutboundResponse response, Exchange(std::move(request)));
  if (response.status < 200 || response.status > 299)
    return HttpError(response.status, response.body);
  auto parsed = ParseJson(
      response.body, {.max_bytes = options_.max_response_bytes, .max_depth = kMaxResponseDepth});
  if (!parsed.ok()) return Malformed("status", parsed.error().safe_message());
  return ParseStatus(*parsed);
}

Result<AddStatus> TaxiiClient::GetStatus(std::string_view api_root, std::string_view status_id) {
  FC_ASSIGN_OR_RETURN(const Json json, GetJson(fmt::format("{}status/{}/", WithSlash(api_root),
                                                           PercentEncode(status_id)),
                                               "status"));
  return ParseStatus(json);
}

Result<AddStatus> TaxiiClient::WaitForStatus(std::string_view api_root, std::string_view status_id,
                                             std::chrono::milliseconds interval, int max_polls) {
  FC_ASSIGN_OR_RETURN(AddStatus status, GetStatus(api_root, status_id));
  for (int poll = 1; poll < max_polls && !status.complete(); ++poll) {
    Sleep(interval);
    FC_ASSIGN_OR_RETURN(status, GetStatus(api_root, status_id));
  }
  return status;
}

}  // namespace fincyber::taxii
