// What a MatcherBuilder produced, as text, for tests that compare two ways of loading the
// same indicators: the report's counts and warnings, the indicators, and per observable
// its kind, value and the indicators that use it.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "detect/internal/compiled.h"
#include "detect/matcher.h"

namespace fincyber::detect {

enum class SummaryOrder {
  // Indicators and observables in the order the matcher holds them, and its size: for
  // loads that must build the very same matcher.
  kAsBuilt,
  // Observables sorted, without indicator order or size: for loads that may add the same
  // indicators in another order.
  kSorted,
};

// Pattern parse errors read "invalid pattern": their positions depend on the text around
// a pattern, not on what was built.
inline std::string BuilderSummary(MatcherBuilder& builder, SummaryOrder order) {
  auto built = builder.Build();
  const LoadReport& report = builder.report();
  std::string out =
      "indicators=" + std::to_string(report.indicators) +
      " domains=" + std::to_string(report.domains) + " urls=" + std::to_string(report.urls) +
      " ip_ranges=" + std::to_string(report.ip_ranges) +
      " emails=" + std::to_string(report.emails) + " hashes=" + std::to_string(report.hashes) +
      " invalid=" + std::to_string(report.invalid) +
      " needs_state=" + std::to_string(report.needs_state) +
      " partly_used=" + std::to_string(report.partly_used) +
      " not_stix=" + std::to_string(report.not_stix_patterns) +
      " revoked_or_expired=" + std::to_string(report.revoked_or_expired) +
      " superseded=" + std::to_string(report.superseded) +
      " warnings=" + std::to_string(report.warnings.size()) +
      " dropped=" + std::to_string(report.warnings_dropped) + "\n";
  for (const LoadWarning& warning : report.warnings) {
    const bool parse_error = warning.message.find("the pattern is invalid") != std::string::npos;
    out += "warning " + warning.indicator_id + ": " +
           (parse_error ? "invalid pattern" : warning.message) + "\n";
  }
  if (!built.ok()) return out + built.error().safe_message() + "\n";
  const Matcher& matcher = **built;
  const internal::Compiled& compiled = matcher.compiled();
  if (order == SummaryOrder::kAsBuilt) {
    for (std::uint32_t i = 0; i < matcher.indicator_count(); ++i) {
      out += "indicator " + std::string(matcher.IndicatorId(i)) + "\n";
    }
  }
  std::vector<std::string> lines;
  for (std::uint32_t o = 0; o < matcher.observable_count(); ++o) {
    std::string line = "observable " + std::to_string(static_cast<int>(matcher.ObservableKind(o))) +
                       " " + std::string(matcher.ObservableValue(o)) + " <-";
    for (std::uint32_t r = compiled.ref_begin[o]; r < compiled.ref_begin[o + 1]; ++r) {
      line += " " + std::string(matcher.IndicatorId(compiled.refs[r] >> 1)) +
              ((compiled.refs[r] & 1) ? "(compound)" : "");
    }
    lines.push_back(std::move(line));
  }
  if (order == SummaryOrder::kSorted) std::sort(lines.begin(), lines.end());
  for (const std::string& line : lines) out += line + "\n";
  if (order == SummaryOrder::kAsBuilt)
    out += "memory " + std::to_string(matcher.MemoryBytes()) + "\n";
  return out;
}

}  // namespace fincyber::detect
