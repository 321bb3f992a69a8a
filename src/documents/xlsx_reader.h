// Reads the cell values of an XLSX workbook that users edited in Excel or LibreOffice:
// sheets by name, shared and inline strings (phonetic guides left out), numbers,
// booleans, dates (numbers whose cell style is a date format, in the 1900 or 1904
// system), error values and the cached results of formulas, marked as such so that a
// caller can refuse them. Formats, formula text, comments and drawings are not read.
//
// Strict and bounded, for files from outside: the archive's size, entry count and what
// its parts decompress to are capped (whatever sizes the archive declares); XML with a
// document type declaration is refused, so no entity is ever expanded; nesting depth,
// sheets, shared strings and cells are capped. A missing required part, a reference
// outside the package, a malformed or out-of-order cell reference, an unknown cell type
// or a shared-string index out of range is an error, never a guess.
//
// Errors: InvalidArgument for a file that is not a readable workbook (the message names
// the part and cell); ResourceExhausted when a limit is passed; Unavailable when the file
// cannot be read. Thread-safe: calls share nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "documents/cell_value.h"

namespace fincyber::documents {

struct XlsxReadLimits {
  std::size_t max_file_bytes = std::size_t{64} << 20;
  std::size_t max_entries = 10'000;
  std::size_t max_part_bytes = std::size_t{128} << 20;   // one part, uncompressed
  std::size_t max_total_bytes = std::size_t{512} << 20;  // all parts read, uncompressed
  std::size_t max_sheets = 256;
  std::size_t max_shared_strings = 2'000'000;
  std::size_t max_cells = 5'000'000;  // in all sheets
  int max_depth = 64;                 // of XML elements
};

struct XlsxCell {
  std::uint32_t row = 0;  // zero-based: A1 is row 0, column 0
  std::uint32_t column = 0;
  CellValue value{};
  // The cell holds a formula; `value` is its cached result (empty when none was saved).
  bool formula = false;
};

// The non-empty cells and the formula cells of one sheet, in row-major order.
class SheetCells {
 public:
  SheetCells(std::string name, bool hidden, std::vector<XlsxCell> cells);

  const std::string& name() const { return name_; }
  bool hidden() const { return hidden_; }
  const std::vector<XlsxCell>& cells() const { return cells_; }
  // The value at (row, column), or nullptr when that cell is empty.
  const CellValue* At(std::uint32_t row, std::uint32_t column) const;
  // One past the last row holding a value (0 for an empty sheet).
  std::uint32_t row_count() const;

 private:
  std::string name_;
  bool hidden_;
  std::vector<XlsxCell> cells_;
};

struct XlsxContents {
  std::vector<SheetCells> sheets{};  // in workbook order
  // The sheet named `name` (exactly), or nullptr.
  const SheetCells* Find(std::string_view name) const;
};

Result<XlsxContents> ReadXlsx(std::string_view bytes, const XlsxReadLimits& limits = {});
Result<XlsxContents> ReadXlsxFile(const std::filesystem::path& path,
                                  const XlsxReadLimits& limits = {});

// "A1" -> (0, 0); InvalidArgument unless one to three capital letters up to XFD, then a
// row from 1 to 1,048,576 without leading zeros.
Result<std::pair<std::uint32_t, std::uint32_t>> ParseCellReference(std::string_view reference);

}  // namespace fincyber::documents
