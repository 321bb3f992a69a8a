// The value of one spreadsheet cell, as written by xlsx_writer.h and read by
// xlsx_reader.h.
#pragma once

#include <chrono>
#include <string>
#include <variant>

namespace fincyber::documents {

// A formula's error result as Excel shows it, e.g. "#N/A" or "#DIV/0!".
struct CellError {
  std::string code{};
  bool operator==(const CellError&) const = default;
};

// Empty, text, number, boolean, date-time (UTC, whole seconds) or error.
using CellValue =
    std::variant<std::monostate, std::string, double, bool, std::chrono::sys_seconds, CellError>;

}  // namespace fincyber::documents
