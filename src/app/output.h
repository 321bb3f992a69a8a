// Output of list commands: an aligned table for people, JSON for scripts.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"

namespace fincyber::app {

enum class OutputFormat { kTable, kJson };

// Prints `rows` (objects) as a table of `columns`, or as a JSON array.
// Column widths count display columns, so Japanese text (two columns per
// character) stays aligned.
void PrintRows(std::ostream& out, const std::vector<std::string>& columns, const Json& rows,
               OutputFormat format);

// Display width of UTF-8 text in a terminal (East Asian wide characters count 2).
std::size_t DisplayWidth(std::string_view text);

// Prints a command's error on stderr (message, internal detail, field problems) and returns
// the exit code every command uses for it: 2 bad input, 3 not found, 4 unavailable, else 1.
int Fail(const Error& error);

}  // namespace fincyber::app
