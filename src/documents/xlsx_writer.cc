#include "documents/xlsx_writer.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "documents/internal/text_check.h"

namespace fincyber::documents {
namespace {

constexpr std::uint32_t kMaxRows = 1'048'576;
constexpr std::uint32_t kMaxColumns = 16'384;
constexpr std::size_t kMaxCellChars = 32'767;
constexpr std::size_t kMaxInlineListBytes = 255;
constexpr char kListSheet[] = "_lists";

std::size_t CodePoints(std::string_view utf8) {
  std::size_t count = 0;
  for (unsigned char c : utf8) count += (c & 0xC0) != 0x80;
  return count;
}

std::string CellName(const std::string& sheet, std::size_t row, std::size_t column) {
  return sheet + "!R" + std::to_string(row + 1) + "C" + std::to_string(column + 1);
}

Status CheckCellText(const std::string& field, std::string_view text) {
  FC_RETURN_IF_ERROR(internal::CheckText(field, text, kMaxCellChars * 4));
  if (CodePoints(text) > kMaxCellChars) {
    return InvalidArgument(field + " is longer than 32,767 characters", {{field, "too long"}});
  }
  return OkStatus();
}

Status CheckSheetName(const std::string& name, std::set<std::string>& seen) {
  FC_RETURN_IF_ERROR(internal::CheckText("sheet name", name, 31 * 4));
  const std::size_t length = CodePoints(name);
  if (length == 0 || length > 31 || name.find_first_of("[]:*?/\\") != std::string::npos ||
      name.front() == '\'' || name.back() == '\'' || name.find('\n') != std::string::npos ||
      name.find('\t') != std::string::npos || name.find('\r') != std::string::npos) {
    return InvalidArgument("sheet name \"" + name +
                               "\" must be 1 to 31 characters without []:*?/\\ or quotes at "
                               "either end",
                           {{"sheet", name}});
  }
  std::string folded;
  for (char c : name) folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (folded == kListSheet || !seen.insert(folded).second) {
    return InvalidArgument("sheet name \"" + name + "\" is used twice or reserved",
                           {{"sheet", name}});
  }
  return OkStatus();
}

Status CheckSheet(const XlsxSheet& sheet, std::set<std::string>& seen) {
  FC_RETURN_IF_ERROR(CheckSheetName(sheet.name, seen));
  const std::string& name = sheet.name;
  if (sheet.columns.size() > kMaxColumns) {
    return InvalidArgument(name + " has more than 16,384 columns", {{name, "columns"}});
  }
  if (sheet.rows.size() >= kMaxRows || sheet.input_rows >= kMaxRows) {
    return InvalidArgument(name + " has more than 1,048,575 data rows", {{name, "rows"}});
  }
  for (std::size_t c = 0; c < sheet.columns.size(); ++c) {
    const XlsxColumn& column = sheet.columns[c];
    const std::string field = name + " column " + std::to_string(c + 1);
    FC_RETURN_IF_ERROR(CheckCellText(field + " header", column.header));
    FC_RETURN_IF_ERROR(internal::CheckText(field + " number format", column.number_format, 255));
    if (!std::isfinite(column.width) || column.width < 0 || column.width > 255) {
      return InvalidArgument(field + ": width must be 0 to 255", {{field, "width"}});
    }
    for (const auto& value : column.allowed_values) {
      FC_RETURN_IF_ERROR(CheckCellText(field + " allowed value", value));
      if (value.empty()) {
        return InvalidArgument(field + ": an allowed value is empty", {{field, "allowed"}});
      }
    }
  }
  for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
    if (sheet.rows[r].size() > kMaxColumns) {
      return InvalidArgument(name + " row " + std::to_string(r + 1) + " is too wide",
                             {{name, "columns"}});
    }
    for (std::size_t c = 0; c < sheet.rows[r].size(); ++c) {
      const CellValue& value = sheet.rows[r][c];
      const std::string field = CellName(name, r + 1, c);
      if (const auto* text = std::get_if<std::string>(&value)) {
        FC_RETURN_IF_ERROR(CheckCellText(field, *text));
      } else if (const auto* number = std::get_if<double>(&value);
                 number && !std::isfinite(*number)) {
        return InvalidArgument(field + " is not a finite number", {{field, "not finite"}});
      } else if (const auto* error = std::get_if<CellError>(&value)) {
        FC_RETURN_IF_ERROR(CheckCellText(field, error->code));
      }
    }
  }
  for (const auto& list : sheet.cell_lists) {
    const std::string field = CellName(name, list.row, list.column);
    if (list.row >= kMaxRows || list.column >= kMaxColumns || list.allowed_values.empty() ||
        (list.column < sheet.columns.size() &&
         !sheet.columns[list.column].allowed_values.empty())) {
      return InvalidArgument(
          field + ": a drop-down list is empty, outside the sheet or over the column's list",
          {{field, "cell_lists"}});
    }
    for (const auto& value : list.allowed_values) {
      FC_RETURN_IF_ERROR(CheckCellText(field + " allowed value", value));
      if (value.empty()) {
        return InvalidArgument(field + ": an allowed value is empty", {{field, "allowed"}});
      }
    }
  }
  for (const auto& scale : sheet.color_scales) {
    if (scale.first_row > scale.last_row || scale.first_column > scale.last_column ||
        scale.last_row >= kMaxRows || scale.last_column >= kMaxColumns) {
      return InvalidArgument(name + ": a colour scale's range is empty or outside the sheet",
                             {{name, "color_scales"}});
    }
  }
  return OkStatus();
}

struct FormatKey {
  std::string number_format;
  bool wrap = false;
  bool unlocked = false;
  bool header = false;
  auto operator<=>(const FormatKey&) const = default;
};

// Formats are owned by the workbook; one per distinct combination.
class Formats {
 public:
  explicit Formats(lxw_workbook* workbook) : workbook_(workbook) {}
  lxw_format* Get(const FormatKey& key) {
    auto [it, added] = formats_.try_emplace(key, nullptr);
    if (!added) return it->second;
    lxw_format* format = workbook_add_format(workbook_);
    if (!key.number_format.empty()) format_set_num_format(format, key.number_format.c_str());
    if (key.wrap || key.header) format_set_text_wrap(format);
    if (key.unlocked) format_set_unlocked(format);
    format_set_align(format, LXW_ALIGN_VERTICAL_TOP);
    if (key.header) {
      format_set_bold(format);
      format_set_font_color(format, LXW_COLOR_WHITE);
      format_set_bg_color(format, 0x0B3C6F);
      format_set_border(format, LXW_BORDER_THIN);
      format_set_align(format, LXW_ALIGN_VERTICAL_CENTER);
    }
    it->second = format;
    return format;
  }

 private:
  lxw_workbook* workbook_;
  std::map<FormatKey, lxw_format*> formats_;
};

lxw_datetime ToExcel(std::chrono::sys_seconds time) {
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{time - day};
  return lxw_datetime{static_cast<int>(date.year()),
                      static_cast<int>(unsigned(date.month())),
                      static_cast<int>(unsigned(date.day())),
                      static_cast<int>(clock.hours().count()),
                      static_cast<int>(clock.minutes().count()),
                      static_cast<double>(clock.seconds().count())};
}

Status FromLxw(lxw_error error, const std::string& where) {
  if (error == LXW_NO_ERROR) return OkStatus();
  return InvalidArgument("cannot write " + where + ": " + lxw_strerror(error));
}

// Places long drop-down lists on the hidden list sheet, one column each.
class ListSheet {
 public:
  explicit ListSheet(lxw_workbook* workbook) : workbook_(workbook) {}
  // The range formula of `values`, written on first use.
  Result<std::string> Reference(const std::vector<std::string>& values) {
    if (auto it = written_.find(values); it != written_.end()) return it->second;
    if (!sheet_) {
      sheet_ = workbook_add_worksheet(workbook_, kListSheet);
      if (!sheet_) return Internal("libxlsxwriter refused the list sheet");
      worksheet_hide(sheet_);
    }
    if (column_ >= kMaxColumns) return InvalidArgument("too many drop-down lists");
    for (std::size_t i = 0; i < values.size(); ++i) {
      FC_RETURN_IF_ERROR(FromLxw(
          worksheet_write_string(sheet_, static_cast<lxw_row_t>(i), static_cast<lxw_col_t>(column_),
                                 values[i].c_str(), nullptr),
          "a drop-down list"));
    }
    char column_name[8];
    lxw_col_to_name(column_name, static_cast<lxw_col_t>(column_), 0);
    ++column_;
    std::string reference = std::string("='") + kListSheet + "'!$" + column_name + "$1:$" +
                            column_name + "$" + std::to_string(values.size());
    written_.emplace(values, reference);
    return reference;
  }

 private:
  lxw_workbook* workbook_;
  lxw_worksheet* sheet_ = nullptr;
  std::uint32_t column_ = 0;
  std::map<std::vector<std::string>, std::string> written_;  // a repeated list is written once
};

// A drop-down list over a range: inline when it fits Excel's limit, else on the list sheet.
Status AddDropDown(lxw_worksheet* worksheet, lxw_row_t first_row, lxw_col_t col, lxw_row_t last_row,
                   const std::vector<std::string>& values, ListSheet& lists,
                   const std::string& where) {
  std::size_t inline_bytes = 0;
  bool has_comma = false;
  for (const auto& value : values) {
    // Bytes, not characters: libxlsxwriter 1.1.4 copies the joined list into a
    // 256-byte buffer (Excel's limit is 255 characters), so Japanese lists overflow it.
    inline_bytes += value.size() + 1;
    has_comma = has_comma || value.find(',') != std::string::npos;
  }
  lxw_data_validation validation{};
  std::vector<const char*> list;
  std::string formula;
  if (inline_bytes - 1 <= kMaxInlineListBytes && !has_comma) {
    for (const auto& value : values) list.push_back(value.c_str());
    list.push_back(nullptr);
    validation.validate = LXW_VALIDATION_TYPE_LIST;
    validation.value_list = const_cast<char**>(list.data());
  } else {
    FC_ASSIGN_OR_RETURN(formula, lists.Reference(values));
    validation.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
    validation.value_formula = formula.data();
  }
  return FromLxw(
      worksheet_data_validation_range(worksheet, first_row, col, last_row, col, &validation),
      where + " drop-down list");
}

Status WriteSheet(lxw_worksheet* worksheet, const XlsxSheet& sheet, Formats& formats,
                  ListSheet& lists) {
  const bool has_header = std::any_of(sheet.columns.begin(), sheet.columns.end(),
                                      [](const XlsxColumn& c) { return !c.header.empty(); });
  const lxw_row_t first_data_row = has_header ? 1 : 0;
  const std::uint32_t input_rows =
      std::max<std::uint32_t>(sheet.input_rows, static_cast<std::uint32_t>(sheet.rows.size()));

  for (std::size_t c = 0; c < sheet.columns.size(); ++c) {
    const XlsxColumn& column = sheet.columns[c];
    const auto col = static_cast<lxw_col_t>(c);
    lxw_format* format = formats.Get({column.number_format, column.wrap, false, false});
    FC_RETURN_IF_ERROR(FromLxw(worksheet_set_column(worksheet, col, col, column.width, format),
                               sheet.name + " column widths"));
    if (has_header) {
      FC_RETURN_IF_ERROR(FromLxw(worksheet_write_string(worksheet, 0, col, column.header.c_str(),
                                                        formats.Get({"", false, false, true})),
                                 CellName(sheet.name, 0, c)));
    }
    if (input_rows == 0) continue;
    const lxw_row_t last_row = first_data_row + input_rows - 1;
    if (column.editable) {
      // Empty input cells need the unlocked format too, or users cannot type in them;
      // written values below replace these blanks.
      lxw_format* unlocked = formats.Get({column.number_format, column.wrap, true, false});
      for (lxw_row_t r = first_data_row; r <= last_row; ++r) {
        FC_RETURN_IF_ERROR(FromLxw(worksheet_write_blank(worksheet, r, col, unlocked),
                                   CellName(sheet.name, r, c)));
      }
    }
    if (!column.allowed_values.empty()) {
      FC_RETURN_IF_ERROR(AddDropDown(worksheet, first_data_row, col, last_row,
                                     column.allowed_values, lists, sheet.name));
    }
  }
  for (const auto& cell_list : sheet.cell_lists) {
    FC_RETURN_IF_ERROR(AddDropDown(
        worksheet, cell_list.row, static_cast<lxw_col_t>(cell_list.column), cell_list.row,
        cell_list.allowed_values, lists, CellName(sheet.name, cell_list.row, cell_list.column)));
  }

  for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
    const auto row = static_cast<lxw_row_t>(first_data_row + r);
    for (std::size_t c = 0; c < sheet.rows[r].size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      const XlsxColumn* column = c < sheet.columns.size() ? &sheet.columns[c] : nullptr;
      FormatKey key{column ? column->number_format : "", column && column->wrap,
                    column && column->editable, false};
      const CellValue& value = sheet.rows[r][c];
      lxw_error error = LXW_NO_ERROR;
      if (const auto* text = std::get_if<std::string>(&value)) {
        error = worksheet_write_string(worksheet, row, col, text->c_str(), formats.Get(key));
      } else if (const auto* number = std::get_if<double>(&value)) {
        error = worksheet_write_number(worksheet, row, col, *number, formats.Get(key));
      } else if (const auto* flag = std::get_if<bool>(&value)) {
        error = worksheet_write_boolean(worksheet, row, col, *flag, formats.Get(key));
      } else if (const auto* time = std::get_if<std::chrono::sys_seconds>(&value)) {
        if (key.number_format.empty()) {
          const bool midnight = std::chrono::floor<std::chrono::days>(*time) == *time;
          key.number_format = midnight ? "yyyy-mm-dd" : "yyyy-mm-dd hh:mm";
        }
        lxw_datetime datetime = ToExcel(*time);
        error = worksheet_write_datetime(worksheet, row, col, &datetime, formats.Get(key));
      } else if (const auto* cell_error = std::get_if<CellError>(&value)) {
        error =
            worksheet_write_string(worksheet, row, col, cell_error->code.c_str(), formats.Get(key));
      }
      FC_RETURN_IF_ERROR(FromLxw(error, CellName(sheet.name, row, c)));
    }
  }

  for (const auto& scale : sheet.color_scales) {
    lxw_conditional_format conditional{};
    conditional.type = LXW_CONDITIONAL_3_COLOR_SCALE;
    conditional.min_color = scale.low_color;
    conditional.mid_color = scale.mid_color;
    conditional.max_color = scale.high_color;
    FC_RETURN_IF_ERROR(
        FromLxw(worksheet_conditional_format_range(
                    worksheet, scale.first_row, static_cast<lxw_col_t>(scale.first_column),
                    scale.last_row, static_cast<lxw_col_t>(scale.last_column), &conditional),
                sheet.name + " colour scale"));
  }
  if (has_header) worksheet_freeze_panes(worksheet, 1, 0);
  if (sheet.protect) worksheet_protect(worksheet, nullptr, nullptr);
  return OkStatus();
}

// On an error path the workbook is freed without writing; workbook_close writes and frees.
struct WorkbookDeleter {
  void operator()(lxw_workbook* workbook) const { lxw_workbook_free(workbook); }
};

Status Write(const XlsxWorkbook& book, const std::string& path) {
  if (book.sheets.empty()) return InvalidArgument("a workbook needs at least one sheet");
  std::set<std::string> seen;
  for (const auto& sheet : book.sheets) FC_RETURN_IF_ERROR(CheckSheet(sheet, seen));
  FC_RETURN_IF_ERROR(internal::CheckText("title", book.title, 4096));
  FC_RETURN_IF_ERROR(internal::CheckText("author", book.author, 4096));

  lxw_workbook_options options{};
  std::unique_ptr<lxw_workbook, WorkbookDeleter> workbook(workbook_new_opt(path.c_str(), &options));
  if (!workbook) return Internal("libxlsxwriter could not start a workbook");
  // The list sheet comes after the user's sheets so that their order is kept.
  ListSheet lists(workbook.get());
  Formats formats(workbook.get());
  std::vector<lxw_worksheet*> worksheets;
  for (const auto& sheet : book.sheets) {
    lxw_worksheet* worksheet = workbook_add_worksheet(workbook.get(), sheet.name.c_str());
    if (!worksheet) return InvalidArgument("sheet name \"" + sheet.name + "\" was refused");
    worksheets.push_back(worksheet);
  }
  for (std::size_t i = 0; i < book.sheets.size(); ++i) {
    FC_RETURN_IF_ERROR(WriteSheet(worksheets[i], book.sheets[i], formats, lists));
  }
  lxw_doc_properties properties{};
  properties.title = const_cast<char*>(book.title.c_str());
  properties.author = const_cast<char*>(book.author.c_str());
  properties.created = std::chrono::system_clock::to_time_t(book.created);
  FC_RETURN_IF_ERROR(FromLxw(workbook_set_properties(workbook.get(), &properties), "properties"));
  const lxw_error closed = workbook_close(workbook.release());
  if (closed != LXW_NO_ERROR) {
    return Unavailable("could not write the workbook",
                       std::string("libxlsxwriter: ") + lxw_strerror(closed));
  }
  return OkStatus();
}

}  // namespace

Status WriteXlsxFile(const XlsxWorkbook& workbook, const std::filesystem::path& path) {
  Status status = Write(workbook, path.string());
  if (!status.ok()) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
  return status;
}

Result<std::string> WriteXlsx(const XlsxWorkbook& workbook) {
  // libxlsxwriter 1.1.4 writes only to a file path.
  std::string path = (std::filesystem::temp_directory_path() / "fincyber-xlsx-XXXXXX").string();
  const int fd = mkstemp(path.data());
  if (fd < 0) return Unavailable("could not write the workbook", "mkstemp failed for " + path);
  close(fd);
  Status status = WriteXlsxFile(workbook, path);
  if (!status.ok()) return std::move(status).error();
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  if (!in) return Unavailable("could not read the workbook back", "read failed: " + path);
  return std::move(bytes).str();
}

}  // namespace fincyber::documents
