// Log formats: how one line becomes what a RecordMatcher looks at, and when the record
// happened if the format says.
//
// | format | detected by the first line                | observables found in        | time |
// |--------|-------------------------------------------|-----------------------------|-------------------|
// | text   | (anything else)                           | the whole line (free text)  | none | |
// squid  | "1700000000.123    245 ..." (native)      | the whole line              | the epoch
// field   | | clf    | "... [10/Oct/2024:13:55:36 +0900] ..."    | the whole line              |
// the bracketed one | | bind   | "12-Jan-2024 10:00:00.123 ..." query log  | the whole line | local
// time        | | zeek   | "#separator \x09" (TSV with #fields)      | every column; http.log's |
// the ts column     | |        |                                           | host + uri as a URL
// too     |                   | | w3c    | "#Software:", "#Version:", "#Fields:" ... | the whole
// line; proxies'    | date + time (UTC) | |        | (W3C extended: ProxySG/ELFF, IIS, ...)    |
// split URL fields as a URL   |                   | | json   | '{' (JSON lines) | every string
// (decoded) and  | a field mapped as | |        |                                           | key;
// mapped fields as typed | time              |
//
// JSON field mappings name a kind and a dotted path: "url=request.url", "ip=src_ip",
// "time=@timestamp". A time field is an RFC 3339 string or Unix seconds (a number or a
// numeric string; values above 10^11 are read as milliseconds). A JSON line that does
// not parse is read as free text. BIND writes local time without a zone: it is read in
// the scanning machine's time zone (TZ). W3C extended logs name their space-separated
// fields in "#Fields:" (values with spaces in double quotes); a proxy's split URL
// (cs-uri-scheme, cs-host, cs-uri-port, cs-uri-path or cs-uri-stem, cs-uri-query) is put
// together so that URL indicators see it, as for Zeek's http.log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "detect/matcher.h"

namespace fincyber::detect {

enum class LogFormat { kAuto, kText, kSquid, kClf, kBind, kZeek, kW3c, kJson };

// Formats whose records need the header lines before them (the field names), so a file
// of them is read from its start by one thread.
bool NeedsHeader(LogFormat format);

std::optional<LogFormat> ParseLogFormat(std::string_view name);  // "auto", "text", ...
std::string LogFormatChoices();  // "auto, text, ... or json", for messages
std::string_view LogFormatName(LogFormat format);
// The format of a log from its first line; never kAuto.
LogFormat DetectLogFormat(std::string_view first_line);

struct JsonField {
  bool is_time = false;
  ValueKind kind = ValueKind::kText;  // when !is_time
  std::vector<std::string> path;     // "a.b.c" -> {"a", "b", "c"}
};
// "url=request.url" (kinds: url, domain, ip, email, hash, text, time). InvalidArgument
// naming the problem.
Result<JsonField> ParseJsonField(std::string_view mapping);

// Reads the records of one log. Keeps the state a format needs between lines (Zeek's
// #fields header). Not thread-safe: one per input being read.
class RecordReader {
 public:
  // `format` must not be kAuto. `fields` are used for kJson.
  RecordReader(LogFormat format, std::vector<JsonField> fields, std::size_t max_json_bytes);

  // Resets `matcher` and gives it what `line` (without its '\n') holds. Returns false
  // when the line is not a record (a Zeek header or comment).
  bool Read(std::string_view line, RecordMatcher& matcher);
  // The time of the record last read (the same `line`), Unix milliseconds, when the
  // format has one and it parses.
  std::optional<std::int64_t> Time(std::string_view line) const;

  LogFormat format() const { return format_; }

 private:
  void ReadJson(std::string_view line, RecordMatcher& matcher);
  void ReadZeekHeader(std::string_view line);
  void ReadW3cHeader(std::string_view line);
  void ReadW3c(std::string_view line, RecordMatcher& matcher);
  // A URL a format splits over fields (Zeek, W3C proxies), joined and given to `matcher`
  // as found where `path` is in `line`; the scheme's default port is left out.
  void AddJoinedUrl(std::string_view line, std::string_view scheme, std::string_view host,
                    std::string_view port, std::string_view path, std::string_view query,
                    RecordMatcher& matcher);

  LogFormat format_;
  std::vector<JsonField> fields_;
  std::size_t max_json_bytes_;
  std::optional<std::int64_t> time_;  // kJson, kZeek, kW3c: found while reading
  // Zeek and W3C: the columns named by the header (-1: absent)
  char separator_ = '\t';
  int ts_column_ = -1;  // W3C: "time"
  int host_column_ = -1;
  int uri_column_ = -1;  // W3C: the path
  int port_column_ = -1;
  // W3C
  int date_column_ = -1;
  int scheme_column_ = -1;
  int query_column_ = -1;
  std::vector<std::string_view> columns_;
  std::string url_;
};

}  // namespace fincyber::detect
