// XLSX workbooks written with libxlsxwriter from plain data: sheets with a header row
// (bold, frozen), column widths and number formats, drop-down lists for answer entry,
// per cell, protected sheets whose editable columns stay unlocked, and colour scales for
// heatmaps.
//
// - Row 0 of each sheet is the header row when any column has a header; data rows follow.
// - Dates are written as Excel dates with the column's number format, or yyyy-mm-dd
//   (with hh:mm when the time of day is not midnight).
// - A drop-down list longer than Excel's 255-character inline limit is kept on a hidden
//   sheet named "_lists" and referenced from there; that name is reserved.
// - Thread-safety: WriteXlsx may run on several threads at once, one workbook each.
// - Errors: InvalidArgument for what Excel would refuse or show wrongly (sheet names
//   that are empty, longer than 31 characters, duplicated or holding []:*?/\ ; text
//   longer than 32,767 characters, not UTF-8 or with control characters; non-finite
//   numbers; ranges outside the sheet; more than 1,048,576 rows or 16,384 columns),
//   naming the sheet and cell; Unavailable when the file cannot be written.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "documents/cell_value.h"
#include "documents/color.h"

namespace fincyber::documents {

struct XlsxColumn {
  std::string header{};
  double width = 12;            // in characters of the default font (a Japanese one is ~2)
  std::string number_format{};  // Excel format code, e.g. "0.0", "0%", "yyyy-mm-dd"
  bool wrap = false;
  bool editable = false;                      // left unlocked when the sheet is protected
  std::vector<std::string> allowed_values{};  // a drop-down list on the data rows
};

// A three-colour scale over a range of cells (zero-based, inclusive; row 0 is the header).
struct XlsxColorScale {
  std::uint32_t first_row = 1;
  std::uint32_t first_column = 0;
  std::uint32_t last_row = 1;
  std::uint32_t last_column = 0;
  Rgb low_color = 0xF8696B;
  Rgb mid_color = 0xFFEB84;
  Rgb high_color = 0x63BE7B;
};

// A drop-down list on one cell (zero-based; row 0 is the header), for sheets whose rows
// take different values, one question per row; not on a column with its own list, as
// Excel allows one list per cell.
struct XlsxCellList {
  std::uint32_t row = 1;
  std::uint32_t column = 0;
  std::vector<std::string> allowed_values{};
};

struct XlsxSheet {
  std::string name{};
  std::vector<XlsxColumn> columns{};
  std::vector<std::vector<CellValue>> rows{};  // data rows; a row may be shorter than columns
  std::vector<XlsxColorScale> color_scales{};
  std::vector<XlsxCellList> cell_lists{};
  bool protect = false;  // lock every cell except those of editable columns
  // Data rows that get the drop-down lists and stay unlocked, at least rows.size(), so
  // that users can add rows below the data.
  std::uint32_t input_rows = 0;
};

struct XlsxWorkbook {
  std::vector<XlsxSheet> sheets{};  // at least one
  std::string title{};
  std::string author{};
  std::chrono::sys_seconds created{};  // document property; fixed for repeatable files
};

Result<std::string> WriteXlsx(const XlsxWorkbook& workbook);
Status WriteXlsxFile(const XlsxWorkbook& workbook, const std::filesystem::path& path);

}  // namespace fincyber::documents
