#include "detect/log_format.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>

#include "base/calendar.h"
#include "base/clock.h"
#include "base/json.h"

namespace fincyber::detect {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads `count` digits at `at`; false if any is not a digit.
bool Digits(std::string_view text, std::size_t at, std::size_t count, int* out) {
  if (at + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!IsDigit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

int MonthIndex(std::string_view text, std::size_t at) {
  if (at + 3 > text.size()) return -1;
  for (std::size_t m = 0; m < kMonths.size(); ++m) {
    if (text.substr(at, 3) == kMonths[m]) return static_cast<int>(m);
  }
  return -1;
}

// Unix seconds with an optional fraction: "1700000000.123".
std::optional<std::int64_t> EpochMillis(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && IsDigit(text[digits])) ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  std::int64_t seconds = 0;
  std::from_chars(text.data(), text.data() + digits, seconds);
  std::int64_t millis = seconds * 1000;
  if (digits < text.size() && text[digits] == '.') {
    std::int64_t scale = 100;
    for (std::size_t i = digits + 1; i < text.size() && IsDigit(text[i]) && scale > 0; ++i) {
      millis += (text[i] - '0') * scale;
      scale /= 10;
    }
  }
  return millis;
}

// "10/Oct/2024:13:55:36 +0900"
std::optional<std::int64_t> ClfMillis(std::string_view line) {
  const std::size_t open = line.find('[');
  if (open == std::string_view::npos) return std::nullopt;
  const std::string_view t = line.substr(open + 1);
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, zone = 0;
  const int month = MonthIndex(t, 3);
  if (!Digits(t, 0, 2, &day) || month < 0 || !Digits(t, 7, 4, &year) || !Digits(t, 12, 2, &hour) ||
      !Digits(t, 15, 2, &minute) || !Digits(t, 18, 2, &second) || t.size() < 26 ||
      (t[21] != '+' && t[21] != '-') || !Digits(t, 22, 4, &zone)) {
    return std::nullopt;
  }
  const int zone_minutes = (zone / 100 * 60 + zone % 100) * (t[21] == '-' ? -1 : 1);
  const std::int64_t seconds = DaysFromCivil(year, month + 1, day) * 86400 + hour * 3600 +
                               minute * 60 + second - zone_minutes * 60;
  return seconds * 1000;
}

// "12-Jan-2024 10:00:00.123", local time.
std::optional<std::int64_t> BindMillis(std::string_view line) {
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, millis = 0;
  const int month = MonthIndex(line, 3);
  if (!Digits(line, 0, 2, &day) || month < 0 || !Digits(line, 7, 4, &year) ||
      !Digits(line, 12, 2, &hour) || !Digits(line, 15, 2, &minute) ||
      !Digits(line, 18, 2, &second)) {
    return std::nullopt;
  }
  if (line.size() > 20 && line[20] == '.') Digits(line, 21, 3, &millis);
  std::tm local{};
  local.tm_year = year - 1900;
  local.tm_mon = month;
  local.tm_mday = day;
  local.tm_hour = hour;
  local.tm_min = minute;
  local.tm_sec = second;
  local.tm_isdst = -1;
  const std::time_t seconds = std::mktime(&local);
  if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<std::int64_t>(seconds) * 1000 + millis;
}

std::optional<std::int64_t> JsonTimeMillis(const Json& value) {
  double seconds = 0;
  if (value.is_number()) {
    seconds = value.get<double>();
  } else if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (auto t = ParseRfc3339Millis(text)) return t;
    char* end = nullptr;
    seconds = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e15) return std::nullopt;
  if (seconds > 1e11) return static_cast<std::int64_t>(seconds);  // already milliseconds
  return static_cast<std::int64_t>(std::llround(seconds * 1000));
}

void Split(std::string_view text, char separator, std::vector<std::string_view>* out) {
  out->clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    out->push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return;
    start = end + 1;
  }
}

// Decodes Zeek's "\x09" escapes in the #separator line.
char ZeekSeparator(std::string_view value) {
  if (value.size() == 4 && value[0] == '\\' && value[1] == 'x') {
    int code = 0;
    std::from_chars(value.data() + 2, value.data() + 4, code, 16);
    return static_cast<char>(code);
  }
  return value.empty() ? '\t' : value[0];
}

// W3C extended log fields: separated by spaces, a value with spaces in double quotes (a
// quote inside doubled). `out` gets each value without its quotes.
void SplitW3cFields(std::string_view line, std::vector<std::string_view>* out) {
  out->clear();
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) break;
    if (line[i] == '"') {
      const std::size_t start = ++i;
      while (i < line.size() && !(line[i] == '"' && (i + 1 == line.size() || line[i + 1] != '"'))) {
        i += line[i] == '"' ? 2 : 1;
      }
      out->push_back(line.substr(start, std::min(i, line.size()) - start));
      ++i;
    } else {
      const std::size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
      out->push_back(line.substr(start, i - start));
    }
  }
}

}  // namespace

constexpr std::array<LogFormat, 8> kLogFormats = {
    LogFormat::kAuto, LogFormat::kText, LogFormat::kSquid, LogFormat::kClf,
    LogFormat::kBind, LogFormat::kZeek, LogFormat::kW3c,   LogFormat::kJson};

bool NeedsHeader(LogFormat format) {
  return format == LogFormat::kZeek || format == LogFormat::kW3c;
}

std::optional<LogFormat> ParseLogFormat(std::string_view name) {
  for (const LogFormat format : kLogFormats) {
    if (LogFormatName(format) == name) return format;
  }
  return std::nullopt;
}

std::string LogFormatChoices() {
  std::string out;
  for (std::size_t i = 0; i < kLogFormats.size(); ++i) {
    if (i > 0) out += i + 1 == kLogFormats.size() ? " or " : ", ";
    out += LogFormatName(kLogFormats[i]);
  }
  return out;
}

std::string_view LogFormatName(LogFormat format) {
  switch (format) {
    case LogFormat::kAuto: return "auto";
    case LogFormat::kText: return "text";
    case LogFormat::kSquid: return "squid";
    case LogFormat::kClf: return "clf";
    case LogFormat::kBind: return "bind";
    case LogFormat::kZeek: return "zeek";
    case LogFormat::kW3c:
      return "w3c";
    case LogFormat::kJson: return "json";
  }
  return "text";
}

LogFormat DetectLogFormat(std::string_view line) {
  if (line.starts_with("#separator ")) return LogFormat::kZeek;
  for (const std::string_view directive :
       {"#Software:", "#Version:", "#Fields:", "#Date:", "#Remark:"}) {
    if (line.starts_with(directive)) return LogFormat::kW3c;
  }
  const std::size_t first = line.find_first_not_of(" \t");
  if (first != std::string_view::npos && line[first] == '{') return LogFormat::kJson;
  int ignored = 0;
  if (Digits(line, 0, 2, &ignored) && line.size() > 20 && line[2] == '-' && MonthIndex(line, 3) >= 0 &&
      line[6] == '-' && Digits(line, 7, 4, &ignored) && line[11] == ' ' && line[14] == ':') {
    return LogFormat::kBind;
  }
  // Squid native: seconds.milliseconds, spaces, the elapsed time in ms.
  std::size_t i = 0;
  while (i < line.size() && IsDigit(line[i])) ++i;
  if (i >= 9 && i + 4 < line.size() && line[i] == '.' && IsDigit(line[i + 1]) &&
      IsDigit(line[i + 2]) && IsDigit(line[i + 3]) && line[i + 4] == ' ') {
    std::size_t j = i + 4;
    while (j < line.size() && line[j] == ' ') ++j;
    if (j < line.size() && IsDigit(line[j])) return LogFormat::kSquid;
  }
  if (ClfMillis(line)) return LogFormat::kClf;
  return LogFormat::kText;
}

Result<JsonField> ParseJsonField(std::string_view mapping) {
  const std::size_t equals = mapping.find('=');
  if (equals == std::string_view::npos || equals + 1 == mapping.size()) {
    return InvalidArgument("JSON field mapping '" + std::string(mapping) +
                           "': expected KIND=PATH, e.g. url=request.url");
  }
  const std::string_view kind = mapping.substr(0, equals);
  JsonField field;
  if (kind == "time") {
    field.is_time = true;
  } else if (kind == "url") {
    field.kind = ValueKind::kUrl;
  } else if (kind == "domain") {
    field.kind = ValueKind::kDomain;
  } else if (kind == "ip") {
    field.kind = ValueKind::kIp;
  } else if (kind == "email") {
    field.kind = ValueKind::kEmail;
  } else if (kind == "hash") {
    field.kind = ValueKind::kHash;
  } else if (kind == "text") {
    field.kind = ValueKind::kText;
  } else {
    return InvalidArgument("JSON field mapping '" + std::string(mapping) + "': unknown kind '" +
                           std::string(kind) + "' (url, domain, ip, email, hash, text, time)");
  }
  std::vector<std::string_view> parts;
  Split(mapping.substr(equals + 1), '.', &parts);
  for (const std::string_view part : parts) {
    if (part.empty()) {
      return InvalidArgument("JSON field mapping '" + std::string(mapping) + "': empty path step");
    }
    field.path.emplace_back(part);
  }
  return field;
}

RecordReader::RecordReader(LogFormat format, std::vector<JsonField> fields,
                           std::size_t max_json_bytes)
    : format_(format), fields_(std::move(fields)), max_json_bytes_(max_json_bytes) {}

bool RecordReader::Read(std::string_view line, RecordMatcher& matcher) {
  matcher.Reset();
  time_.reset();
  switch (format_) {
    case LogFormat::kJson:
      ReadJson(line, matcher);
      return true;
    case LogFormat::kZeek: {
      if (!line.empty() && line[0] == '#') {
        ReadZeekHeader(line);
        return false;
      }
      matcher.AddText(line);
      Split(line, separator_, &columns_);
      auto column = [&](int index) -> std::string_view {
        if (index < 0 || static_cast<std::size_t>(index) >= columns_.size()) return {};
        const std::string_view value = columns_[static_cast<std::size_t>(index)];
        return value == "-" || value == "(empty)" ? std::string_view{} : value;
      };
      if (const std::string_view ts = column(ts_column_); !ts.empty()) time_ = EpochMillis(ts);
      const std::string_view host = column(host_column_);
      const std::string_view uri = column(uri_column_);
      if (!host.empty() && !uri.empty() && uri.front() == '/') {
        // http.log splits the URL; put it together so URL indicators see it.
        AddJoinedUrl(line, "http", host, column(port_column_), uri, {}, matcher);
      }
      return true;
    }
    case LogFormat::kW3c:
      if (!line.empty() && line[0] == '#') {
        ReadW3cHeader(line);
        return false;
      }
      ReadW3c(line, matcher);
      return true;
    case LogFormat::kAuto:
    case LogFormat::kText:
    case LogFormat::kSquid:
    case LogFormat::kClf:
    case LogFormat::kBind:
      matcher.AddText(line);
      return true;
  }
  return true;
}

void RecordReader::ReadW3cHeader(std::string_view line) {
  if (!line.starts_with("#Fields:")) return;
  std::vector<std::string_view> names;
  SplitW3cFields(line.substr(8), &names);
  ts_column_ = host_column_ = uri_column_ = port_column_ = -1;
  date_column_ = scheme_column_ = query_column_ = -1;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const int column = static_cast<int>(i);
    const std::string_view name = names[i];
    if (name == "date") date_column_ = column;
    if (name == "time") ts_column_ = column;
    if (name == "cs-host" || name == "cs(Host)") host_column_ = column;
    if (name == "cs-uri-path" || (name == "cs-uri-stem" && uri_column_ < 0)) uri_column_ = column;
    if (name == "cs-uri-port") port_column_ = column;
    if (name == "cs-uri-scheme") scheme_column_ = column;
    if (name == "cs-uri-query") query_column_ = column;
  }
}

void RecordReader::ReadW3c(std::string_view line, RecordMatcher& matcher) {
  matcher.AddText(line);
  SplitW3cFields(line, &columns_);
  auto column = [&](int index) -> std::string_view {
    if (index < 0 || static_cast<std::size_t>(index) >= columns_.size()) return {};
    const std::string_view value = columns_[static_cast<std::size_t>(index)];
    return value == "-" ? std::string_view{} : value;
  };
  const std::string_view date = column(date_column_);
  const std::string_view time = column(ts_column_);
  if (date.size() == 10 && time.size() >= 8) {
    url_.assign(date).append("T").append(time).append("Z");
    time_ = ParseRfc3339Millis(url_);
  }
  const std::string_view host = column(host_column_);
  const std::string_view path = column(uri_column_);
  std::string_view scheme = column(scheme_column_);
  if (scheme.empty()) scheme = "http";
  // A tunnel (CONNECT, scheme tcp or ssl) shows no URL: its host is in the free text.
  if (host.empty() || path.empty() || path.front() != '/' ||
      (scheme != "http" && scheme != "https")) {
    return;
  }
  AddJoinedUrl(line, scheme, host, column(port_column_), path, column(query_column_), matcher);
}

void RecordReader::AddJoinedUrl(std::string_view line, std::string_view scheme,
                                std::string_view host, std::string_view port, std::string_view path,
                                std::string_view query, RecordMatcher& matcher) {
  url_.assign(scheme).append("://").append(host);
  if (!port.empty() && port != (scheme == "https" ? "443" : "80")) url_.append(":").append(port);
  url_.append(path);
  if (!query.empty() && query != "?") {
    if (query.front() != '?') url_.append("?");  // IIS writes the query without its '?'
    url_.append(query);
  }
  matcher.AddText(url_, static_cast<std::uint32_t>(path.data() - line.data()), false);
}

void RecordReader::ReadZeekHeader(std::string_view line) {
  if (line.starts_with("#separator ")) {
    separator_ = ZeekSeparator(line.substr(11));
    return;
  }
  if (!line.starts_with("#fields")) return;
  std::vector<std::string_view> names;
  Split(line, separator_, &names);
  ts_column_ = host_column_ = uri_column_ = port_column_ = -1;
  for (std::size_t i = 1; i < names.size(); ++i) {
    const int column = static_cast<int>(i - 1);
    if (names[i] == "ts") ts_column_ = column;
    if (names[i] == "host") host_column_ = column;
    if (names[i] == "uri") uri_column_ = column;
    if (names[i] == "id.resp_p") port_column_ = column;
  }
}

void RecordReader::ReadJson(std::string_view line, RecordMatcher& matcher) {
  // Without a backslash every string is its own bytes in the line, so when free text
  // finds nothing in the raw line, decoding would not either: most lines stop here.
  if (line.find('\\') == std::string_view::npos) {
    matcher.AddText(line);
    if (matcher.empty() && fields_.empty()) return;
    if (matcher.empty()) {
      bool typed = false;
      for (const JsonField& field : fields_) typed = typed || (!field.is_time && field.kind != ValueKind::kText);
      if (!typed) return;
    }
  }
  auto parsed = ParseJson(line, JsonLimits{max_json_bytes_, 64});
  matcher.Reset();
  if (!parsed.ok() || !parsed->is_object()) {
    matcher.AddText(line);
    return;
  }
  const auto at = static_cast<std::uint32_t>(0);
  // Mapped fields first: typed lookup, and the time.
  for (const JsonField& field : fields_) {
    const Json* value = &*parsed;
    for (const std::string& step : field.path) {
      if (!value->is_object()) {
        value = nullptr;
        break;
      }
      const auto it = value->find(step);
      if (it == value->end()) {
        value = nullptr;
        break;
      }
      value = &*it;
    }
    if (value == nullptr) continue;
    if (field.is_time) {
      time_ = JsonTimeMillis(*value);
    } else if (value->is_string()) {
      matcher.AddValue(field.kind, value->get_ref<const std::string&>(), at, false);
    }
  }
  // Then every key and string, as free text.
  std::vector<const Json*> stack{&*parsed};
  while (!stack.empty()) {
    const Json* node = stack.back();
    stack.pop_back();
    if (node->is_string()) {
      matcher.AddText(node->get_ref<const std::string&>(), at, false);
    } else if (node->is_object()) {
      for (auto it = node->begin(); it != node->end(); ++it) {
        matcher.AddText(it.key(), at, false);
        stack.push_back(&it.value());
      }
    } else if (node->is_array()) {
      for (const Json& element : *node) stack.push_back(&element);
    }
  }
}

std::optional<std::int64_t> RecordReader::Time(std::string_view line) const {
  switch (format_) {
    case LogFormat::kSquid: return EpochMillis(line);
    case LogFormat::kClf: return ClfMillis(line);
    case LogFormat::kBind: return BindMillis(line);
    case LogFormat::kZeek:
    case LogFormat::kW3c:
    case LogFormat::kJson: return time_;
    case LogFormat::kAuto:
    case LogFormat::kText: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace fincyber::detect
