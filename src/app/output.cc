#include "app/output.h"

#include <algorithm>
#include <iostream>

namespace fincyber::app {
namespace {

std::string CellText(const Json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

bool IsWide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
         (c >= 0x20000 && c <= 0x3FFFD);
}

}  // namespace

std::size_t DisplayWidth(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    int length = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    char32_t code = length == 1 ? c : c & (0x7F >> length);
    for (int k = 1; k < length && i + k < text.size(); ++k) {
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    width += IsWide(code) ? 2 : 1;
    i += length;
  }
  return width;
}

void PrintRows(std::ostream& out, const std::vector<std::string>& columns, const Json& rows,
               OutputFormat format) {
  if (format == OutputFormat::kJson) {
    out << rows.dump(2) << "\n";
    return;
  }
  std::vector<std::size_t> widths;
  for (const auto& c : columns) widths.push_back(DisplayWidth(c));
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(CellText(row.value(columns[i], Json()))));
    }
  }
  auto print_line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out << cells[i];
      if (i + 1 < cells.size()) out << std::string(widths[i] - DisplayWidth(cells[i]) + 2, ' ');
    }
    out << "\n";
  };
  print_line(columns);
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    for (const auto& c : columns) cells.push_back(CellText(row.value(c, Json())));
    print_line(cells);
  }
}

int Fail(const Error& error) {
  std::cerr << "error: " << error.safe_message();
  if (error.internal_message() != error.safe_message()) {
    std::cerr << " (" << error.internal_message() << ")";
  }
  for (const auto& d : error.details()) std::cerr << "\n  " << d.field << ": " << d.problem;
  std::cerr << "\n";
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kResourceExhausted:
      return 2;
    case ErrorCode::kNotFound:
      return 3;
    case ErrorCode::kUnavailable:
      return 4;
    default:
      return 1;
  }
}

}  // namespace fincyber::app
