// Quote- and comment-aware scanning of SQL text, shared by the statement splitter
// and the PostgreSQL placeholder rewriter so both agree on what is code.
#pragma once

#include <cstddef>
#include <string_view>

namespace fincyber::store::internal {

// Calls `on_code(i)` for every index of `sql` that is plain code: outside
// single-quoted literals ('' escapes a quote), double-quoted identifiers, `--` line
// comments and `/* */` block comments. An unterminated quote or comment runs to the
// end of the text, so nothing inside it is ever treated as code.
template <typename F>
void ForEachCodeChar(std::string_view sql, F&& on_code) {
  std::size_t i = 0;
  const std::size_t n = sql.size();
  while (i < n) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // A doubled quote inside the literal is an escaped quote: closing and
      // reopening the literal scans the same way.
      std::size_t close = sql.find(c, i + 1);
      i = close == std::string_view::npos ? n : close + 1;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      std::size_t eol = sql.find('\n', i + 2);
      i = eol == std::string_view::npos ? n : eol + 1;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      std::size_t close = sql.find("*/", i + 2);
      i = close == std::string_view::npos ? n : close + 2;
    } else {
      on_code(i);
      ++i;
    }
  }
}

}  // namespace fincyber::store::internal
