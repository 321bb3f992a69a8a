#include "store/database.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <system_error>

#include "store/postgres/pg_database.h"
#include "store/sqlite/sqlite_database.h"

namespace fincyber::store {

namespace {

std::string FormatDouble(double d) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  return ec == std::errc() ? std::string(buffer, end) : std::string();
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

bool Row::IsNull(std::size_t i) const {
  return std::holds_alternative<std::nullptr_t>(values_.at(i));
}

std::string Row::GetString(std::size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return FormatDouble(*d);
  return "";
}

std::int64_t Row::GetInt(std::size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) {
    // Out-of-range or NaN conversion is undefined behaviour; treat as not a number.
    if (!std::isfinite(*d) || *d < -9.2e18 || *d > 9.2e18) return 0;
    return static_cast<std::int64_t>(*d);
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    std::int64_t out = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
    return ec == std::errc() && end == s->data() + s->size() ? out : 0;
  }
  return 0;
}

double Row::GetDouble(std::size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) {
    double out = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
    return ec == std::errc() && end == s->data() + s->size() ? out : 0;
  }
  return 0;
}

std::optional<std::string> Row::GetOptionalString(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return GetString(i);
}

Result<std::optional<Row>> Connection::QueryOptional(std::string_view sql, const Params& params) {
  FC_ASSIGN_OR_RETURN(auto rows, Query(sql, params));
  if (rows.empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows.front()));
}

Result<Row> Connection::QueryOne(std::string_view sql, const Params& params,
                                 std::string_view what) {
  FC_ASSIGN_OR_RETURN(auto row, QueryOptional(sql, params));
  if (!row) return NotFound(std::string(what) + " not found");
  return std::move(*row);
}

Result<std::unique_ptr<Database>> Database::Open(std::string_view target,
                                                 const OpenOptions& options) {
  if (options.pool_size < 1 || options.busy_timeout_ms < 0) {
    return InvalidArgument("pool_size must be at least 1 and busy_timeout_ms not negative");
  }
  if (StartsWith(target, "postgresql://") || StartsWith(target, "postgres://")) {
    return postgres::OpenPostgres(target, options);
  }
  return sqlite::OpenSqlite(target, options);
}

}  // namespace fincyber::store
