#include "sharing/convert_csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <istream>
#include <map>
#include <ostream>
#include <streambuf>
#include <variant>

#include "base/ascii.h"
#include "base/json.h"
#include "base/utf8.h"
#include "sharing/export_rules.h"
#include "stix/observable.h"

namespace fincyber::sharing {
namespace {

constexpr std::size_t kMaxFieldsPerRecord = 256;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// One RFC 4180 record, or why it cannot be used.
struct CsvRecord {
  std::vector<std::string> fields;
  std::uint64_t line = 0;
  std::optional<std::string> problem;
  std::optional<std::size_t> problem_field;  // nullopt: the record as a whole
  bool Blank() const { return fields.size() == 1 && fields[0].empty() && !problem; }
};

// Reads records one at a time, counting physical lines (a quoted field may span several).
class CsvReader {
 public:
  CsvReader(std::istream& in, std::size_t max_field_bytes)
      : buffer_(*in.rdbuf()), max_field_bytes_(max_field_bytes) {
    // A UTF-8 byte order mark, as spreadsheets write, is not part of the first name.
    if (Peek() == 0xEF) {
      pending_.push_back(static_cast<char>(buffer_.sbumpc()));
      for (const int expected : {0xBB, 0xBF}) {
        if (buffer_.sgetc() != expected) return;
        pending_.push_back(static_cast<char>(buffer_.sbumpc()));
      }
      pending_.clear();
    }
  }

  // False at the end of the input.
  bool Next(CsvRecord& record) {
    record.fields.assign(1, std::string());
    record.problem.reset();
    record.problem_field.reset();
    record.line = line_;
    if (Peek() < 0) return false;
    for (;;) {
      const FieldEnd end = ReadField(record);
      if (end == FieldEnd::kRecord) return true;
      if (record.fields.size() == kMaxFieldsPerRecord) {
        Fail(record, fmt::format("more than {} fields", kMaxFieldsPerRecord), true);
        SkipLine();
        return true;
      }
      record.fields.emplace_back();
    }
  }

 private:
  enum class FieldEnd { kField, kRecord };

  int Peek() {
    if (!pending_.empty()) return static_cast<unsigned char>(pending_.front());
    const auto c = buffer_.sgetc();
    return c == std::streambuf::traits_type::eof() ? -1 : c;
  }
  int Get() {
    if (!pending_.empty()) {
      const int c = static_cast<unsigned char>(pending_.front());
      pending_.erase(0, 1);
      return c;
    }
    const auto c = buffer_.sbumpc();
    return c == std::streambuf::traits_type::eof() ? -1 : c;
  }

  void Fail(CsvRecord& record, std::string problem, bool whole_record = false) {
    if (record.problem) return;  // the first problem is the one worth reading
    record.problem = std::move(problem);
    if (!whole_record) record.problem_field = record.fields.size() - 1;
  }

  void Append(CsvRecord& record, int c) {
    std::string& field = record.fields.back();
    if (field.size() >= max_field_bytes_) {
      if (!record.problem) Fail(record, fmt::format("longer than {} bytes", max_field_bytes_));
      return;
    }
    field.push_back(static_cast<char>(c));
  }

  // Consumes a line end if one is next; true if it did (or at the end of input).
  bool ConsumeLineEnd() {
    const int c = Peek();
    if (c < 0) return true;
    if (c == '\n' || c == '\r') {
      Get();
      if (c == '\r' && Peek() == '\n') Get();
      ++line_;
      return true;
    }
    return false;
  }

  void SkipLine() {
    while (Peek() >= 0 && !ConsumeLineEnd()) Get();
  }

  FieldEnd ReadField(CsvRecord& record) {
    if (Peek() == '"') {
      Get();
      for (;;) {
        const int c = Get();
        if (c < 0) {
          Fail(record, "quoted field is not closed before the end of the file");
          return FieldEnd::kRecord;
        }
        if (c == '"') {
          if (Peek() != '"') break;
          Get();
        }
        if (c == '\n' || (c == '\r' && Peek() != '\n')) ++line_;
        Append(record, c);
      }
      if (Peek() == ',') {
        Get();
        return FieldEnd::kField;
      }
      if (ConsumeLineEnd()) return FieldEnd::kRecord;
      Fail(record, "text after the closing quote");
      SkipLine();
      return FieldEnd::kRecord;
    }
    for (;;) {
      if (ConsumeLineEnd()) return FieldEnd::kRecord;
      const int c = Get();
      if (c == ',') return FieldEnd::kField;
      if (c == '"') Fail(record, "a quote inside an unquoted field (quote the whole field)");
      Append(record, c);
    }
  }

  std::streambuf& buffer_;
  std::size_t max_field_bytes_;
  std::string pending_;
  std::uint64_t line_ = 1;
};

enum class Column {
  kType,
  kValue,
  kName,
  kDescription,
  kValidFrom,
  kValidUntil,
  kLabels,
  kTlp,
  kConfidence,
  kId
};

constexpr std::array<std::pair<std::string_view, Column>, 10> kColumns = {{
    {"type", Column::kType},
    {"value", Column::kValue},
    {"name", Column::kName},
    {"description", Column::kDescription},
    {"valid_from", Column::kValidFrom},
    {"valid_until", Column::kValidUntil},
    {"labels", Column::kLabels},
    {"tlp", Column::kTlp},
    {"confidence", Column::kConfidence},
    {"id", Column::kId},
}};

std::string_view ColumnName(Column column) {
  for (const auto& [name, value] : kColumns) {
    if (value == column) return name;
  }
  return "";
}

struct CsvType {
  std::string_view name;
  std::string_view stix_type;  // "" for cidr: decided by the value
  std::string_view path;
};

constexpr std::array<CsvType, 10> kTypes = {{
    {"domain", "domain-name", "value"},
    {"url", "url", "value"},
    {"ipv4", "ipv4-addr", "value"},
    {"ipv6", "ipv6-addr", "value"},
    {"cidr", "", "value"},
    {"email", "email-addr", "value"},
    {"md5", "file", "hashes.MD5"},
    {"sha1", "file", "hashes.'SHA-1'"},
    {"sha256", "file", "hashes.'SHA-256'"},
    {"sha512", "file", "hashes.'SHA-512'"},
}};

// The column positions of a header.
using ColumnMap = std::map<Column, std::size_t>;

Result<ColumnMap> ParseHeader(const CsvRecord& header, bool ignore_unknown) {
  if (header.problem) {
    return InvalidArgument(fmt::format("CSV header: {}", *header.problem));
  }
  ColumnMap columns;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = AsciiLower(Trim(header.fields[i]));
    const auto known = std::find_if(kColumns.begin(), kColumns.end(),
                                    [&](const auto& entry) { return entry.first == name; });
    if (known == kColumns.end()) {
      if (ignore_unknown) continue;
      return InvalidArgument(fmt::format(
          "CSV header: unknown column '{}' (known: type, value, name, description, valid_from, "
          "valid_until, labels, tlp, confidence, id)",
          name.substr(0, 100)));
    }
    if (!columns.emplace(known->second, i).second) {
      return InvalidArgument(fmt::format("CSV header: column '{}' appears twice", name));
    }
  }
  for (const Column required : {Column::kType, Column::kValue}) {
    if (!columns.contains(required)) {
      return InvalidArgument(
          fmt::format("CSV header: the '{}' column is required", ColumnName(required)));
    }
  }
  return columns;
}

// A rejected cell; converted to a CsvRowError with the record's line.
struct CellError {
  Column column;
  std::string message;
};

class RowConverter {
 public:
  RowConverter(const ColumnMap& columns, const CsvImportOptions& options)
      : columns_(columns), options_(options) {}

  // The indicator of one record, or the first problem found in it.
  std::variant<Json, CellError> Convert(const CsvRecord& record) const {
    auto fail = [&](Column column, std::string message) {
      return std::variant<Json, CellError>(CellError{column, std::move(message)});
    };
    auto cell = [&](Column column) -> std::string_view {
      const auto it = columns_.find(column);
      return it == columns_.end() ? std::string_view() : Trim(record.fields[it->second]);
    };
    const std::string type_name = AsciiLower(cell(Column::kType));
    const auto type = std::find_if(kTypes.begin(), kTypes.end(),
                                   [&](const CsvType& t) { return t.name == type_name; });
    if (type_name.empty()) return fail(Column::kType, "empty");
    if (type == kTypes.end()) {
      return fail(Column::kType,
                  fmt::format("unknown type '{}' (known: domain, url, ipv4, ipv6, cidr, email, "
                              "md5, sha1, sha256, sha512)",
                              type_name.substr(0, 100)));
    }
    const std::string_view value = cell(Column::kValue);
    if (value.empty()) return fail(Column::kValue, "empty");
    std::string_view stix_type = type->stix_type;
    if (type->name == "cidr") {
      if (value.find('/') == std::string_view::npos) {
        return fail(Column::kValue,
                    fmt::format("'{}' has no prefix length (e.g. /24)", value.substr(0, 100)));
      }
      stix_type = value.find(':') == std::string_view::npos ? "ipv4-addr" : "ipv6-addr";
    }
    auto comparison = EqualityComparison(stix_type, type->path, value);
    if (!comparison.ok()) return fail(Column::kValue, comparison.error().safe_message());

    IndicatorDraft draft;
    draft.pattern = "[" + *comparison + "]";
    draft.created = draft.modified = options_.now;
    draft.valid_from = options_.now;
    draft.name = std::string(cell(Column::kName));
    draft.description = std::string(cell(Column::kDescription));
    draft.created_by_ref = options_.created_by_ref;
    if (const std::string_view text = cell(Column::kValidFrom); !text.empty()) {
      auto parsed = stix::ParseTimestamp(text);
      if (!parsed.ok()) return fail(Column::kValidFrom, parsed.error().safe_message());
      draft.valid_from = *parsed;
    }
    if (const std::string_view text = cell(Column::kValidUntil); !text.empty()) {
      auto parsed = stix::ParseTimestamp(text);
      if (!parsed.ok()) return fail(Column::kValidUntil, parsed.error().safe_message());
      if (*parsed <= draft.valid_from) return fail(Column::kValidUntil, "must be after valid_from");
      draft.valid_until = *parsed;
    }
    std::string_view labels = cell(Column::kLabels);
    while (!labels.empty()) {
      const std::size_t end = labels.find_first_of(",;");
      const std::string_view label = Trim(labels.substr(0, end));
      if (!label.empty()) draft.labels.emplace_back(label);
      labels = end == std::string_view::npos ? std::string_view() : labels.substr(end + 1);
    }
    std::optional<stix::Tlp> tlp = options_.default_tlp;
    if (const std::string_view text = cell(Column::kTlp); !text.empty()) {
      tlp = stix::ParseTlpName(text);
      if (!tlp) {
        return fail(Column::kTlp, fmt::format("'{}' is not a TLP level (clear, green, amber, "
                                              "amber+strict, red)",
                                              text.substr(0, 100)));
      }
    }
    if (tlp) draft.object_marking_refs.emplace_back(stix::Tlp2MarkingId(*tlp));
    if (const std::string_view text = cell(Column::kConfidence); !text.empty()) {
      int confidence = -1;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), confidence);
      if (ec != std::errc() || end != text.data() + text.size() || confidence < 0 ||
          confidence > 100) {
        return fail(Column::kConfidence,
                    fmt::format("'{}' is not an integer from 0 to 100", text.substr(0, 100)));
      }
      draft.confidence = confidence;
    }
    if (const std::string_view text = cell(Column::kId); !text.empty()) {
      if (!IsStixIdOfType(text, "indicator")) {
        return fail(Column::kId, fmt::format("'{}' is not an indicator id "
                                             "(indicator--<lower-case UUID>)",
                                             text.substr(0, 100)));
      }
      draft.id = std::string(text);
    } else {
      draft.id = options_.new_id ? options_.new_id("indicator") : stix::NewId("indicator");
    }
    return draft.ToJson();
  }

 private:
  const ColumnMap& columns_;
  const CsvImportOptions& options_;
};

// Cells that spreadsheets would evaluate as formulas start with one of these.
bool LooksLikeFormula(std::string_view cell) {
  return !cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
                           cell[0] == '\t' || cell[0] == '\r');
}

void WriteCell(std::string& row, std::string_view cell) {
  std::string text;
  if (LooksLikeFormula(cell)) text.push_back('\'');
  text.append(cell);
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    row.append(text);
    return;
  }
  row.push_back('"');
  for (const char c : text) {
    if (c == '"') row.push_back('"');
    row.push_back(c);
  }
  row.push_back('"');
}

constexpr std::string_view kExportHeader =
    "type,value,id,name,description,tlp,valid_from,valid_until,labels,confidence\r\n";

// The CSV type of an observable; nullopt when CSV has no type for it.
std::optional<std::string_view> CsvTypeOf(const stix::Observable& observable) {
  const bool range = observable.value.find('/') != std::string::npos;
  switch (observable.kind) {
    case stix::ObservableKind::kDomain:
      return "domain";
    case stix::ObservableKind::kUrl:
      return "url";
    case stix::ObservableKind::kIpv4:
      return range ? "cidr" : "ipv4";
    case stix::ObservableKind::kIpv6:
      return range ? "cidr" : "ipv6";
    case stix::ObservableKind::kEmail:
      return "email";
    case stix::ObservableKind::kHash:
      if (observable.path == "hashes.MD5") return "md5";
      if (observable.path == "hashes.'SHA-1'") return "sha1";
      if (observable.path == "hashes.'SHA-256'") return "sha256";
      if (observable.path == "hashes.'SHA-512'") return "sha512";
      return std::nullopt;
    case stix::ObservableKind::kOther:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string CsvRowError::ToString() const {
  if (column.empty()) return fmt::format("line {}: {}", line, message);
  return fmt::format("line {}, column '{}': {}", line, column, message);
}

Result<CsvImportSummary> ImportIndicatorCsv(std::istream& in, const CsvImportOptions& options,
                                            const IndicatorHandler& on_indicator,
                                            const CsvRowErrorHandler& on_row_error) {
  CsvReader reader(in, options.max_field_bytes);
  CsvRecord record;
  if (!reader.Next(record)) return InvalidArgument("CSV is empty: a header row is required");
  FC_ASSIGN_OR_RETURN(const ColumnMap columns, ParseHeader(record, options.ignore_unknown_columns));
  const std::size_t header_fields = record.fields.size();
  auto column_name = [&](std::optional<std::size_t> index) -> std::string {
    if (!index) return "";
    for (const auto& [column, position] : columns) {
      if (position == index) return std::string(ColumnName(column));
    }
    return fmt::format("#{}", *index + 1);
  };
  RowConverter converter(columns, options);
  CsvImportSummary summary;
  auto reject = [&](CsvRowError error) {
    ++summary.rejected;
    if (on_row_error) on_row_error(error);
  };
  while (reader.Next(record)) {
    if (record.Blank()) continue;
    ++summary.rows;
    if (record.problem) {
      reject({record.line, column_name(record.problem_field), *record.problem});
      continue;
    }
    if (record.fields.size() != header_fields) {
      reject(
          {record.line, "",
           fmt::format("{} fields, but the header has {}", record.fields.size(), header_fields)});
      continue;
    }
    bool valid_utf8 = true;
    for (std::size_t i = 0; i < record.fields.size() && valid_utf8; ++i) {
      if (FindInvalidUtf8(record.fields[i])) {
        reject({record.line, column_name(i), "not valid UTF-8"});
        valid_utf8 = false;
      }
    }
    if (!valid_utf8) continue;
    auto converted = converter.Convert(record);
    if (auto* error = std::get_if<CellError>(&converted)) {
      reject({record.line, std::string(ColumnName(error->column)), std::move(error->message)});
      continue;
    }
    FC_RETURN_IF_ERROR(on_indicator(std::move(std::get<Json>(converted))));
    ++summary.indicators;
  }
  if (in.bad()) return Internal("CSV: read error");
  return summary;
}

IndicatorCsvWriter::IndicatorCsvWriter(std::ostream& out) : out_(out) { out_ << kExportHeader; }

Result<std::size_t> IndicatorCsvWriter::Add(const Json& indicator) {
  FC_ASSIGN_OR_RETURN(const std::vector<stix::Observable> observables, RuleObservables(indicator));
  std::string tlp;
  if (const auto refs = indicator.find("object_marking_refs");
      refs != indicator.end() && refs->is_array()) {
    std::vector<std::string> ids;
    for (const Json& ref : *refs) {
      if (ref.is_string()) ids.push_back(ref.get<std::string>());
    }
    if (const auto level = stix::MostRestrictiveTlp(ids)) tlp = stix::TlpName(*level);
  }
  std::string labels;
  if (const auto it = indicator.find("labels"); it != indicator.end() && it->is_array()) {
    for (const Json& label : *it) {
      if (!label.is_string()) continue;
      if (!labels.empty()) labels.push_back(',');
      labels.append(label.get<std::string>());
    }
  }
  std::string confidence;
  if (const auto it = indicator.find("confidence");
      it != indicator.end() && it->is_number_integer()) {
    confidence = std::to_string(it->get<std::int64_t>());
  }
  const std::array<std::string, 8> shared = {StringMember(indicator, "id"),
                                             StringMember(indicator, "name"),
                                             StringMember(indicator, "description"),
                                             tlp,
                                             StringMember(indicator, "valid_from"),
                                             StringMember(indicator, "valid_until"),
                                             labels,
                                             confidence};
  std::string rows;
  for (const stix::Observable& observable : observables) {
    const auto type = CsvTypeOf(observable);
    if (!type) {
      return FailedPrecondition(fmt::format("{}: CSV has no type for {}:{}", shared[0],
                                            observable.type, observable.path));
    }
    WriteCell(rows, *type);
    rows.push_back(',');
    WriteCell(rows, observable.value);
    for (const std::string& cell : shared) {
      rows.push_back(',');
      WriteCell(rows, cell);
    }
    rows.append("\r\n");
  }
  out_ << rows;
  if (!out_) return Internal("CSV: write failed");
  return observables.size();
}

}  // namespace fincyber::sharing
