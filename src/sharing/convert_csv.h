// CSV of indicators, in and out.
//
// Import: RFC 4180 CSV (comma-separated, fields with commas, quotes or line breaks in
// double quotes, "" for a quote), CRLF or LF line ends, an optional UTF-8 byte order
// mark. The first record is the header; column names are case-insensitive:
//   type, value            required
//   name, description      text
//   valid_from, valid_until RFC 3339 timestamps (valid_from defaults to the import time)
//   labels                 separated by ',' or ';'
//   tlp                    clear|white|green|amber|amber+strict|red, "TLP:" prefix allowed
//   confidence             integer 0-100
//   id                     "indicator--<UUID>": keeps the id (a re-import updates it)
// Types: domain, url, ipv4, ipv6, cidr (IPv4 or IPv6 with a prefix length), email, md5,
// sha1, sha256, sha512. Each row becomes one indicator with a single-comparison pattern
// on the normalised value. A bad row is reported (line, column, why) and skipped; the
// other rows are still converted. Rows are read one at a time: memory does not grow with
// the file.
//
// Export: one row per observable of each indicator whose pattern is an OR of equality
// comparisons on the kinds above (see RuleObservables in export_rules.h), with the
// columns  type,value,id,name,description,tlp,valid_from,valid_until,labels,confidence
// so that an export imports again unchanged. A cell starting with = + - @ or a tab or
// carriage return is prefixed with ' so that spreadsheets do not run it as a formula.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "base/json.h"
#include "base/result.h"
#include "sharing/convert_indicator.h"
#include "stix/object.h"
#include "stix/tlp.h"

namespace fincyber::sharing {

struct CsvImportOptions {
  stix::Timestamp now = 0;               // created/modified, and valid_from when absent
  std::optional<stix::Tlp> default_tlp;  // for rows without a tlp cell
  std::string created_by_ref;            // set on every indicator when not empty
  bool ignore_unknown_columns = false;   // false: an unknown column is an error
  std::size_t max_field_bytes = 64 * 1024;
  IdGenerator new_id;  // empty: stix::NewId
};

// One rejected row: "line 7, column 'valid_from': '2024-13-01' is not an RFC 3339
// timestamp". `line` is the 1-based line the record starts on; `column` is "" when the
// problem is the row as a whole.
struct CsvRowError {
  std::uint64_t line = 0;
  std::string column;
  std::string message;
  std::string ToString() const;
};

struct CsvImportSummary {
  std::uint64_t rows = 0;  // data rows read (blank lines not counted)
  std::uint64_t indicators = 0;
  std::uint64_t rejected = 0;
};

using IndicatorHandler = std::function<Status(Json indicator)>;
using CsvRowErrorHandler = std::function<void(const CsvRowError&)>;

// Errors: InvalidArgument for a header without `type` and `value`, a column named twice
// or (unless ignored) an unknown column; Internal on a read error; any error returned by
// `on_indicator`, which stops the import.
Result<CsvImportSummary> ImportIndicatorCsv(std::istream& in, const CsvImportOptions& options,
                                            const IndicatorHandler& on_indicator,
                                            const CsvRowErrorHandler& on_row_error);

// Writes the export described above. Not thread-safe.
class IndicatorCsvWriter {
 public:
  explicit IndicatorCsvWriter(std::ostream& out);
  IndicatorCsvWriter(const IndicatorCsvWriter&) = delete;
  IndicatorCsvWriter& operator=(const IndicatorCsvWriter&) = delete;

  // Writes the indicator's rows and returns how many. FailedPrecondition naming why when
  // the indicator cannot be expressed as rows (not an indicator, a pattern with AND,
  // FOLLOWEDBY or qualifiers, an observable kind without a CSV type); nothing is written
  // then. Internal when the stream fails.
  Result<std::size_t> Add(const Json& indicator);

 private:
  std::ostream& out_;
};

}  // namespace fincyber::sharing
