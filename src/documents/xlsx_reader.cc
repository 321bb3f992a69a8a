#include "documents/xlsx_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "documents/internal/xml_events.h"
#include "documents/internal/zip_archive.h"

namespace fincyber::documents {
namespace {

using internal::FindAttribute;
using internal::XmlAttribute;

constexpr std::uint32_t kMaxRow = 1'048'576;
constexpr std::uint32_t kMaxColumn = 16'384;
constexpr std::string_view kRelationshipsNs = "relationships";

// ---- Package relationships (_rels/*.rels).

struct Relationship {
  std::string id;
  std::string type;
  std::string target;
  bool external = false;
};

class RelationshipsHandler : public internal::XmlHandler {
 public:
  Status Start(std::string_view local, const std::vector<XmlAttribute>& attributes) override {
    if (local != "Relationship") return OkStatus();
    relationships.push_back({std::string(FindAttribute(attributes, "Id")),
                             std::string(FindAttribute(attributes, "Type")),
                             std::string(FindAttribute(attributes, "Target")),
                             FindAttribute(attributes, "TargetMode") == "External"});
    return OkStatus();
  }
  Status End(std::string_view) override { return OkStatus(); }
  Status Text(std::string_view) override { return OkStatus(); }

  std::vector<Relationship> relationships;
};

// The part a relationship of `source` points to, as an archive entry name. Targets are
// relative to the source's folder unless they start with '/'; none may leave the package.
Result<std::string> ResolveTarget(std::string_view source, std::string_view target) {
  std::vector<std::string> parts;
  if (!target.starts_with('/')) {
    const std::size_t slash = source.rfind('/');
    std::string_view folder = slash == std::string_view::npos ? "" : source.substr(0, slash);
    while (!folder.empty()) {
      const std::size_t next = folder.find('/');
      parts.emplace_back(folder.substr(0, next));
      folder = next == std::string_view::npos ? "" : folder.substr(next + 1);
    }
  }
  std::string_view rest = target;
  while (!rest.empty()) {
    const std::size_t next = rest.find('/');
    const std::string_view piece = rest.substr(0, next);
    rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
    if (piece.empty() || piece == ".") continue;
    if (piece == "..") {
      if (parts.empty()) {
        return InvalidArgument("a relationship of " + std::string(source) +
                               " points outside the package");
      }
      parts.pop_back();
      continue;
    }
    parts.emplace_back(piece);
  }
  if (parts.empty())
    return InvalidArgument("an empty relationship target in " + std::string(source));
  std::string path;
  for (const auto& part : parts) path += (path.empty() ? "" : "/") + part;
  return path;
}

std::string RelationshipsPartOf(std::string_view part) {
  const std::size_t slash = part.rfind('/');
  if (slash == std::string_view::npos) return "_rels/" + std::string(part) + ".rels";
  return std::string(part.substr(0, slash)) + "/_rels/" + std::string(part.substr(slash + 1)) +
         ".rels";
}

// ---- Workbook, styles and shared strings.

struct SheetEntry {
  std::string name;
  std::string relationship;
  bool hidden = false;
};

class WorkbookHandler : public internal::XmlHandler {
 public:
  explicit WorkbookHandler(std::size_t max_sheets) : max_sheets_(max_sheets) {}
  Status Start(std::string_view local, const std::vector<XmlAttribute>& attributes) override {
    if (local == "workbookPr") {
      const std::string_view value = FindAttribute(attributes, "date1904");
      date1904 = value == "1" || value == "true";
    } else if (local == "sheet") {
      if (sheets.size() >= max_sheets_) {
        return ResourceExhausted("the workbook has more than " + std::to_string(max_sheets_) +
                                 " sheets");
      }
      const std::string_view state = FindAttribute(attributes, "state");
      sheets.push_back({std::string(FindAttribute(attributes, "name")),
                        std::string(FindAttribute(attributes, "id", kRelationshipsNs)),
                        state == "hidden" || state == "veryHidden"});
      if (sheets.back().name.empty() || sheets.back().relationship.empty()) {
        return InvalidArgument("xl/workbook.xml has a sheet without a name or relationship");
      }
    }
    return OkStatus();
  }
  Status End(std::string_view) override { return OkStatus(); }
  Status Text(std::string_view) override { return OkStatus(); }

  bool date1904 = false;
  std::vector<SheetEntry> sheets;

 private:
  std::size_t max_sheets_;
};

// Built-in number formats that show dates or times: the international ones and those
// Excel uses for Japanese (and other East Asian) locales.
bool IsBuiltInDateFormat(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58);
}

// Whether a custom format code shows a date or time: a date or time letter outside
// quoted text, escapes, colours/locales in brackets (elapsed-time brackets such as [h]
// count), and the exponent of scientific notation.
bool IsDateFormatCode(std::string_view code) {
  if (code == "General" || code == "@") return false;
  bool date = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') {
      const std::size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) return false;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      const std::size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) return false;
      const std::string_view inside = code.substr(i + 1, close - i - 1);
      if (!inside.empty() && inside.find_first_not_of("hHmMsS") == std::string_view::npos) {
        date = true;
      }
      i = close;
    } else if ((c == 'E' || c == 'e') && i + 1 < code.size() &&
               (code[i + 1] == '+' || code[i + 1] == '-')) {
      ++i;
    } else if (std::string_view("dDmMyYhHsSgGeE").find(c) != std::string_view::npos) {
      date = true;
    }
  }
  return date;
}

class StylesHandler : public internal::XmlHandler {
 public:
  Status Start(std::string_view local, const std::vector<XmlAttribute>& attributes) override {
    if (local == "numFmt") {
      int id = 0;
      const std::string_view value = FindAttribute(attributes, "numFmtId");
      std::from_chars(value.data(), value.data() + value.size(), id);
      custom_[id] = IsDateFormatCode(FindAttribute(attributes, "formatCode"));
    } else if (local == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (local == "xf" && in_cell_xfs_) {
      int id = 0;
      const std::string_view value = FindAttribute(attributes, "numFmtId");
      std::from_chars(value.data(), value.data() + value.size(), id);
      const auto custom = custom_.find(id);
      date_styles.push_back(custom != custom_.end() ? custom->second : IsBuiltInDateFormat(id));
    }
    return OkStatus();
  }
  Status End(std::string_view local) override {
    if (local == "cellXfs") in_cell_xfs_ = false;
    return OkStatus();
  }
  Status Text(std::string_view) override { return OkStatus(); }

  std::vector<bool> date_styles;  // by cell style index (the s attribute)

 private:
  std::map<int, bool> custom_;
  bool in_cell_xfs_ = false;
};

// Text of <t> elements, except inside phonetic runs (<rPh>: the furigana of Japanese
// text), which are not part of the value.
class RichText {
 public:
  void Start(std::string_view local) {
    if (local == "rPh") ++phonetic_depth_;
    if (local == "t") in_t_ = true;
  }
  void End(std::string_view local) {
    if (local == "rPh") --phonetic_depth_;
    if (local == "t") in_t_ = false;
  }
  void Text(std::string_view text) {
    if (in_t_ && phonetic_depth_ == 0) value_.append(text);
  }
  std::string Take() { return std::exchange(value_, {}); }

 private:
  std::string value_;
  int phonetic_depth_ = 0;
  bool in_t_ = false;
};

class SharedStringsHandler : public internal::XmlHandler {
 public:
  explicit SharedStringsHandler(std::size_t max_strings) : max_strings_(max_strings) {}
  Status Start(std::string_view local, const std::vector<XmlAttribute>&) override {
    if (local == "si") {
      if (strings.size() >= max_strings_) {
        return ResourceExhausted("more than " + std::to_string(max_strings_) + " shared strings");
      }
      in_si_ = true;
    }
    if (in_si_) text_.Start(local);
    return OkStatus();
  }
  Status End(std::string_view local) override {
    if (!in_si_) return OkStatus();
    text_.End(local);
    if (local == "si") {
      strings.push_back(text_.Take());
      in_si_ = false;
    }
    return OkStatus();
  }
  Status Text(std::string_view text) override {
    if (in_si_) text_.Text(text);
    return OkStatus();
  }

  std::vector<std::string> strings;

 private:
  std::size_t max_strings_;
  bool in_si_ = false;
  RichText text_;
};

// ---- Values.

Result<std::chrono::sys_seconds> FromExcelSerial(double serial, bool date1904) {
  using namespace std::chrono;
  // 1900 system: serial 1 is 1900-01-01, and Excel counts a 29 February 1900 that never
  // was, so serials before 60 are one day later than the plain count from 1899-12-30.
  if (!(serial >= 0 && serial <= 2'958'466)) {
    return InvalidArgument("date serial " + std::to_string(serial) + " is out of range");
  }
  const sys_days epoch = date1904      ? sys_days{year{1904} / 1 / 1}
                         : serial < 60 ? sys_days{year{1899} / 12 / 31}
                                       : sys_days{year{1899} / 12 / 30};
  return epoch + seconds{std::llround(serial * 86400.0)};
}

// ISO 8601 as written in cells of type "d": date, optionally with a time.
Result<std::chrono::sys_seconds> ParseIsoDate(std::string_view text) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  auto number = [&](std::size_t at, std::size_t length, int& out) {
    if (at + length > text.size()) return false;
    auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + length, out);
    return ec == std::errc() && end == text.data() + at + length;
  };
  bool ok = number(0, 4, y) && text.size() >= 10 && text[4] == '-' && number(5, 2, mo) &&
            text[7] == '-' && number(8, 2, d);
  if (ok && text.size() > 10) {
    ok = text.size() >= 19 && text[10] == 'T' && number(11, 2, h) && text[13] == ':' &&
         number(14, 2, mi) && text[16] == ':' && number(17, 2, s);
  }
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!ok || !date.ok() || h > 23 || mi > 59 || s > 60) {
    return InvalidArgument("\"" + std::string(text.substr(0, 40)) + "\" is not an ISO date");
  }
  return sys_days{date} + hours{h} + minutes{mi} + seconds{s};
}

std::optional<double> ParseNumber(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// ---- Sheets.

class SheetHandler : public internal::XmlHandler {
 public:
  SheetHandler(std::string part, const std::vector<std::string>& shared_strings,
               const std::vector<bool>& date_styles, bool date1904, std::size_t cell_budget)
      : part_(std::move(part)),
        shared_strings_(shared_strings),
        date_styles_(date_styles),
        date1904_(date1904),
        cell_budget_(cell_budget) {}

  Status Start(std::string_view local, const std::vector<XmlAttribute>& attributes) override {
    if (local == "sheetData") {
      in_data_ = true;
    } else if (!in_data_) {
      return OkStatus();
    } else if (local == "row") {
      return StartRow(FindAttribute(attributes, "r"));
    } else if (local == "c") {
      return StartCell(attributes);
    } else if (in_cell_) {
      if (local == "f") formula_ = true;
      if (local == "v") in_v_ = true;
      if (local == "is") in_inline_ = true;
      if (in_inline_) inline_text_.Start(local);
    }
    return OkStatus();
  }

  Status End(std::string_view local) override {
    if (local == "sheetData") in_data_ = false;
    if (!in_cell_) return OkStatus();
    if (local == "v") in_v_ = false;
    if (in_inline_) inline_text_.End(local);
    if (local == "is") in_inline_ = false;
    if (local == "c") {
      in_cell_ = false;
      return FinishCell();
    }
    return OkStatus();
  }

  Status Text(std::string_view text) override {
    if (in_v_) value_text_.append(text);
    if (in_inline_) inline_text_.Text(text);
    return OkStatus();
  }

  std::vector<XlsxCell> cells;

 private:
  Status StartRow(std::string_view number) {
    std::uint32_t row = next_row_;
    if (!number.empty()) {
      std::uint32_t one_based = 0;
      auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), one_based);
      if (ec != std::errc() || end != number.data() + number.size() || one_based == 0 ||
          one_based > kMaxRow) {
        return InvalidArgument(part_ + ": row number \"" + std::string(number.substr(0, 20)) +
                               "\" is invalid");
      }
      row = one_based - 1;
    }
    if (have_row_ && row <= row_) {
      return InvalidArgument(part_ + ": row " + std::to_string(row + 1) + " is out of order");
    }
    if (row >= kMaxRow) return InvalidArgument(part_ + ": more than 1,048,576 rows");
    have_row_ = true;
    row_ = row;
    next_row_ = row + 1;
    next_column_ = 0;
    return OkStatus();
  }

  Status StartCell(const std::vector<XmlAttribute>& attributes) {
    if (!have_row_) return InvalidArgument(part_ + ": a cell outside a row");
    const std::string_view reference = FindAttribute(attributes, "r");
    std::uint32_t column = next_column_;
    if (!reference.empty()) {
      auto parsed = ParseCellReference(reference);
      if (!parsed.ok()) {
        return InvalidArgument(part_ + ": " + std::move(parsed).error().safe_message());
      }
      if (parsed->first != row_) {
        return InvalidArgument(part_ + ": cell " + std::string(reference) + " is not in row " +
                               std::to_string(row_ + 1));
      }
      column = parsed->second;
    }
    if (column < next_column_ || column >= kMaxColumn) {
      return InvalidArgument(part_ + ": cell in row " + std::to_string(row_ + 1) + ", column " +
                             std::to_string(column + 1) + " is out of order or repeated");
    }
    column_ = column;
    next_column_ = column + 1;
    type_ = std::string(FindAttribute(attributes, "t"));
    const std::string_view style = FindAttribute(attributes, "s");
    style_ = 0;
    if (!style.empty()) {
      auto [end, ec] = std::from_chars(style.data(), style.data() + style.size(), style_);
      if (ec != std::errc() || end != style.data() + style.size()) {
        return InvalidArgument(part_ + ": " + Where() + " has an invalid style index");
      }
    }
    in_cell_ = true;
    formula_ = false;
    value_text_.clear();
    inline_text_.Take();
    return OkStatus();
  }

  std::string Where() const {
    char name[4] = {};
    std::uint32_t n = column_ + 1;
    int length = 0;
    char reversed[4];
    while (n > 0 && length < 3) {
      reversed[length++] = static_cast<char>('A' + (n - 1) % 26);
      n = (n - 1) / 26;
    }
    for (int i = 0; i < length; ++i) name[i] = reversed[length - 1 - i];
    return std::string("cell ") + name + std::to_string(row_ + 1);
  }

  Status FinishCell() {
    CellValue value;
    if (type_ == "s") {
      std::size_t index = 0;
      auto [end, ec] =
          std::from_chars(value_text_.data(), value_text_.data() + value_text_.size(), index);
      if (value_text_.empty() || ec != std::errc() ||
          end != value_text_.data() + value_text_.size() || index >= shared_strings_.size()) {
        return InvalidArgument(part_ + ": " + Where() + " refers to a missing shared string");
      }
      value = shared_strings_[index];
    } else if (type_ == "inlineStr") {
      value = inline_text_.Take();
    } else if (type_ == "str") {
      value = value_text_;
    } else if (type_ == "b") {
      if (value_text_ != "0" && value_text_ != "1") {
        return InvalidArgument(part_ + ": " + Where() + " is not a boolean");
      }
      value = value_text_ == "1";
    } else if (type_ == "e") {
      value = CellError{value_text_};
    } else if (type_ == "d") {
      auto date = ParseIsoDate(value_text_);
      if (!date.ok())
        return InvalidArgument(part_ + ": " + Where() + ": " + date.error().safe_message());
      value = *date;
    } else if ((type_.empty() || type_ == "n") && value_text_.empty()) {
      // Formatted but empty: left out, unless a formula without a saved result.
      if (!formula_) return OkStatus();
    } else if (type_.empty() || type_ == "n") {
      auto number = ParseNumber(value_text_);
      if (!number) return InvalidArgument(part_ + ": " + Where() + " is not a number");
      if (style_ < date_styles_.size() && date_styles_[style_]) {
        auto date = FromExcelSerial(*number, date1904_);
        if (!date.ok()) {
          return InvalidArgument(part_ + ": " + Where() + ": " + date.error().safe_message());
        }
        value = *date;
      } else {
        value = *number;
      }
    } else {
      return InvalidArgument(part_ + ": " + Where() + " has unknown type \"" + type_.substr(0, 20) +
                             "\"");
    }
    if (cells.size() >= cell_budget_) {
      return ResourceExhausted("the workbook has more cells than allowed");
    }
    cells.push_back({row_, column_, std::move(value), formula_});
    return OkStatus();
  }

  std::string part_;
  const std::vector<std::string>& shared_strings_;
  const std::vector<bool>& date_styles_;
  bool date1904_;
  std::size_t cell_budget_;

  bool in_data_ = false;
  bool have_row_ = false;
  std::uint32_t row_ = 0;
  std::uint32_t next_row_ = 0;
  std::uint32_t column_ = 0;
  std::uint32_t next_column_ = 0;
  bool in_cell_ = false;
  bool in_v_ = false;
  bool in_inline_ = false;
  bool formula_ = false;
  std::string type_;
  std::size_t style_ = 0;
  std::string value_text_;
  RichText inline_text_;
};

// ---- The package.

class Reader {
 public:
  Reader(internal::ZipArchive& zip, const XlsxReadLimits& limits) : zip_(zip), limits_(limits) {}

  Result<XlsxContents> Read() {
    FC_ASSIGN_OR_RETURN(auto package_rels, Relationships("_rels/.rels"));
    std::string workbook_part;
    for (const auto& rel : package_rels) {
      if (rel.type.ends_with("/officeDocument") && !rel.external) {
        FC_ASSIGN_OR_RETURN(workbook_part, ResolveTarget("", rel.target));
      }
    }
    if (workbook_part.empty()) {
      return InvalidArgument("not an XLSX workbook: the package names no workbook part");
    }
    WorkbookHandler workbook(limits_.max_sheets);
    FC_RETURN_IF_ERROR(Parse(workbook_part, workbook));
    FC_ASSIGN_OR_RETURN(auto workbook_rels, Relationships(RelationshipsPartOf(workbook_part)));

    std::map<std::string, std::string> targets;  // relationship id -> part
    StylesHandler styles;
    SharedStringsHandler shared_strings(limits_.max_shared_strings);
    for (const auto& rel : workbook_rels) {
      if (rel.external) continue;
      FC_ASSIGN_OR_RETURN(std::string part, ResolveTarget(workbook_part, rel.target));
      if (rel.type.ends_with("/styles")) {
        FC_RETURN_IF_ERROR(Parse(part, styles));
      } else if (rel.type.ends_with("/sharedStrings")) {
        FC_RETURN_IF_ERROR(Parse(part, shared_strings));
      }
      targets[rel.id] = std::move(part);
    }

    XlsxContents contents;
    std::set<std::string> names;
    std::size_t cells = 0;
    for (const auto& sheet : workbook.sheets) {
      if (!names.insert(sheet.name).second) {
        return InvalidArgument("the workbook has two sheets named \"" + sheet.name + "\"");
      }
      const auto target = targets.find(sheet.relationship);
      if (target == targets.end()) {
        return InvalidArgument("sheet \"" + sheet.name + "\" has no part in the package");
      }
      SheetHandler handler(target->second, shared_strings.strings, styles.date_styles,
                           workbook.date1904, limits_.max_cells - cells);
      FC_RETURN_IF_ERROR(Parse(target->second, handler));
      cells += handler.cells.size();
      contents.sheets.emplace_back(sheet.name, sheet.hidden, std::move(handler.cells));
    }
    return contents;
  }

 private:
  Status Parse(const std::string& part, internal::XmlHandler& handler) {
    auto bytes = zip_.Read(part);
    if (!bytes.ok()) {
      if (bytes.error().code() == ErrorCode::kNotFound) {
        return InvalidArgument("not an XLSX workbook: part " + part + " is missing");
      }
      return std::move(bytes).error();
    }
    return internal::ParseXml(part, *bytes, handler, limits_.max_depth);
  }

  Result<std::vector<Relationship>> Relationships(const std::string& part) {
    RelationshipsHandler handler;
    FC_RETURN_IF_ERROR(Parse(part, handler));
    return std::move(handler.relationships);
  }

  internal::ZipArchive& zip_;
  const XlsxReadLimits& limits_;
};

}  // namespace

SheetCells::SheetCells(std::string name, bool hidden, std::vector<XlsxCell> cells)
    : name_(std::move(name)), hidden_(hidden), cells_(std::move(cells)) {}

const CellValue* SheetCells::At(std::uint32_t row, std::uint32_t column) const {
  auto it = std::lower_bound(
      cells_.begin(), cells_.end(), std::pair{row, column},
      [](const XlsxCell& cell, const std::pair<std::uint32_t, std::uint32_t>& key) {
        return std::pair{cell.row, cell.column} < key;
      });
  if (it == cells_.end() || it->row != row || it->column != column) return nullptr;
  return &it->value;
}

std::uint32_t SheetCells::row_count() const { return cells_.empty() ? 0 : cells_.back().row + 1; }

const SheetCells* XlsxContents::Find(std::string_view name) const {
  for (const auto& sheet : sheets) {
    if (sheet.name() == name) return &sheet;
  }
  return nullptr;
}

Result<std::pair<std::uint32_t, std::uint32_t>> ParseCellReference(std::string_view reference) {
  std::size_t i = 0;
  std::uint32_t column = 0;
  while (i < reference.size() && reference[i] >= 'A' && reference[i] <= 'Z' && i < 4) {
    column = column * 26 + static_cast<std::uint32_t>(reference[i] - 'A' + 1);
    ++i;
  }
  std::uint32_t row = 0;
  const std::string_view digits = reference.substr(i);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), row);
  if (i == 0 || i > 3 || column > kMaxColumn || digits.empty() || digits.front() == '0' ||
      ec != std::errc() || end != digits.data() + digits.size() || row == 0 || row > kMaxRow) {
    return InvalidArgument("\"" + std::string(reference.substr(0, 20)) +
                           "\" is not a cell reference");
  }
  return std::pair{row - 1, column - 1};
}

Result<XlsxContents> ReadXlsx(std::string_view bytes, const XlsxReadLimits& limits) {
  if (bytes.size() > limits.max_file_bytes) {
    return ResourceExhausted("the file is larger than " + std::to_string(limits.max_file_bytes) +
                             " bytes");
  }
  // libzip takes zero bytes for an empty archive.
  if (bytes.empty()) return InvalidArgument("not a readable ZIP archive (XLSX is one): empty file");
  FC_ASSIGN_OR_RETURN(
      auto zip, internal::ZipArchive::Open(bytes, {.max_entries = limits.max_entries,
                                                   .max_entry_bytes = limits.max_part_bytes,
                                                   .max_total_bytes = limits.max_total_bytes}));
  return Reader(*zip, limits).Read();
}

Result<XlsxContents> ReadXlsxFile(const std::filesystem::path& path, const XlsxReadLimits& limits) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) return Unavailable("cannot read the workbook", path.string() + ": " + error.message());
  if (size > limits.max_file_bytes) {
    return ResourceExhausted("the file is larger than " + std::to_string(limits.max_file_bytes) +
                             " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in) return Unavailable("cannot read the workbook", "short read: " + path.string());
  return ReadXlsx(bytes, limits);
}

}  // namespace fincyber::documents
