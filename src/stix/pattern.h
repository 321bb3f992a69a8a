// The STIX 2.1 patterning language (STIX 2.1 section 9): parser, checks and a canonical
// printer. An indicator's pattern becomes a `Pattern`, a tree that a matcher evaluates:
// an observation expression tree whose leaves are comparison expressions, each of which
// can be decided against one observed record. Pure: no I/O; thread-safe (no shared state).
//
// Grammar (as the specification's ANTLR grammar; lowest precedence first):
//   pattern      := obs (FOLLOWEDBY obs)*            FOLLOWEDBY binds loosest,
//   obs          := obs_and (OR obs_and)*            then OR,
//   obs_and      := obs_unit (AND obs_unit)*         then AND;
//   obs_unit     := ('[' cmp ']' | '(' pattern ')') qualifier*
//   qualifier    := WITHIN n SECONDS | REPEATS n TIMES | START t'..' STOP t'..'
//   cmp          := cmp_and (OR cmp_and)*;  cmp_and := cmp_unit (AND cmp_unit)*
//   cmp_unit     := '(' cmp ')' | EXISTS path | path [NOT] op constant
// Keywords are upper-case and case-sensitive, `true`/`false` lower-case; `==` and `<>`
// are accepted for `=` and `!=`; whitespace and /* */ and // comments separate tokens.
// One leniency beyond the 2.1 grammar: an unquoted path component may contain '-'
// (`hashes.SHA-256`, as STIX 2.0 allowed); the canonical form quotes it.
//
// Limits, so that hostile input cannot exhaust the stack or memory: a pattern is at most
// kMaxPatternBytes bytes, brackets and parentheses nest at most kMaxNestingDepth deep.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace fincyber::stix {

inline constexpr std::size_t kMaxPatternBytes = 64 * 1024;
inline constexpr int kMaxNestingDepth = 64;

// One step of an object path after the object type: `.name`, `[3]` or `[*]`.
struct PathStep {
  enum class Kind { kKey, kIndex, kAnyIndex };
  Kind kind = Kind::kKey;
  std::string key;         // kKey: the property or dictionary key, unquoted
  std::int64_t index = 0;  // kIndex
  bool operator==(const PathStep&) const = default;
};

// `file:hashes.'SHA-256'` is {"file", [key "hashes", key "SHA-256"]}. The first step is
// always a key (the top-level property).
struct ObjectPath {
  std::string object_type;
  std::vector<PathStep> steps;
  bool operator==(const ObjectPath&) const = default;
};

enum class ConstantKind { kString, kInteger, kFloat, kBoolean, kTimestamp, kBinary, kHex };

struct Constant {
  ConstantKind kind = ConstantKind::kString;
  // kString: the value with escapes resolved; kBinary and kHex: the decoded bytes;
  // kTimestamp: the RFC 3339 text between the quotes, as written (validated).
  std::string text;
  // kInteger: the value; kTimestamp: microseconds since the Unix epoch (UTC, any finer
  // precision truncated).
  std::int64_t integer = 0;
  double real = 0;       // kFloat
  bool boolean = false;  // kBoolean
  bool operator==(const Constant&) const = default;
};

enum class ComparisonOp {
  kEqual,           // =   (primitive constant)
  kNotEqual,        // !=  (primitive constant)
  kLess,            // <   (orderable constant: not boolean)
  kLessOrEqual,     // <=
  kGreater,         // >
  kGreaterOrEqual,  // >=
  kIn,              // IN ('a', 'b', ...)   (one or more primitive constants)
  kLike,            // LIKE 'SQL%like'      (string)
  kMatches,         // MATCHES 'regex'      (string; checked with RE2)
  kIsSubset,        // ISSUBSET '10.0.0.0/8'   (string: an IPv4/IPv6 address or CIDR)
  kIsSuperset,      // ISSUPERSET '10.0.0.0/8'
  kExists,          // EXISTS path          (no constant)
};

// One test of one property: `path [NOT] op values`. `values` holds one constant, the
// members of an IN set, or none for EXISTS (which cannot be negated).
struct Comparison {
  ObjectPath path;
  ComparisonOp op = ComparisonOp::kEqual;
  bool negated = false;
  std::vector<Constant> values;
  bool operator==(const Comparison&) const = default;
};

// The inside of one `[...]`: decided against a single observation. AND/OR nodes have two
// or more operands; a chain of one operator is one node (`a AND b AND c` has three).
struct ComparisonExpr {
  enum class Kind { kComparison, kAnd, kOr };
  Kind kind = Kind::kComparison;
  Comparison comparison;                 // kComparison
  std::vector<ComparisonExpr> operands;  // kAnd, kOr
  bool operator==(const ComparisonExpr&) const = default;
};

struct Qualifier {
  enum class Kind { kWithin, kRepeats, kStartStop };
  Kind kind = Kind::kWithin;
  double within_seconds = 0;  // kWithin: > 0
  std::int64_t repeats = 0;   // kRepeats: > 0
  Constant start;             // kStartStop: timestamps, start < stop
  Constant stop;
  bool operator==(const Qualifier&) const = default;
};

// Observation level. kObservation is one `[...]`; kAnd/kOr/kFollowedBy have two or more
// operands; kQualified applies one qualifier to its single operand
// (`[a] WITHIN 5 SECONDS REPEATS 2 TIMES` is Qualified(REPEATS, Qualified(WITHIN, [a]))).
struct ObservationExpr {
  enum class Kind { kObservation, kAnd, kOr, kFollowedBy, kQualified };
  Kind kind = Kind::kObservation;
  ComparisonExpr comparison;              // kObservation
  std::vector<ObservationExpr> operands;  // kAnd, kOr, kFollowedBy; one for kQualified
  Qualifier qualifier;                    // kQualified
  bool operator==(const ObservationExpr&) const = default;
};

struct Pattern {
  ObservationExpr root;
  bool operator==(const Pattern&) const = default;
};

// Parses and checks a pattern. Errors are InvalidArgument with the 0-based position in
// characters (code points) and what was expected or why the construct is wrong:
// "position 17: expected ']'", "position 30: MATCHES: invalid regular expression: ...".
// Checked besides the grammar: object type names follow the STIX type-name rule
// (3-250 of a-z, 0-9, '-', starting with a letter, no "--"); timestamps are real dates
// and times; integers and floats fit (int64, finite double); WITHIN and REPEATS are
// positive; START is before STOP; one observation is not qualified twice with the same
// qualifier; IN sets are not empty; MATCHES compiles with RE2; ISSUBSET/ISSUPERSET name
// an IP address or CIDR; the text is valid UTF-8 without NUL bytes and within the limits.
Result<Pattern> ParsePattern(std::string_view text);

// A pattern of the form `[type:path = 'value']`, the form nearly every shared indicator
// has, recognised in one pass without building the tree. `path` is the object path's text
// ("domain-name:value", "file:hashes.'SHA-256'"), not checked here; `value` is the string
// with its escapes resolved. When MatchSimpleEquality(text, &out) returns true and
// ParseObjectPath(out.path) succeeds, ParsePattern(text) succeeds with one observation of
// one comparison: that path, `=`, not negated, the string `out.value`. Any other text
// (more comparisons, comments, other spacing, an invalid pattern) gives false, and only
// ParsePattern can decide it. Callers that parse many patterns parse `path` once per
// distinct text, and pass the same `out` each time so that its value's storage is reused.
struct SimpleEquality {
  std::string_view path;
  std::string value;
};
bool MatchSimpleEquality(std::string_view text, SimpleEquality* out);

// Parses one object path, e.g. "file:hashes.'SHA-256'" or "network-traffic:dst_ref.value",
// with the same rules as inside a pattern.
Result<ObjectPath> ParseObjectPath(std::string_view text);

// The canonical text: single spaces, `=`/`!=`, keys quoted only when they need it, binary
// re-encoded as padded base64, hex lower-case, floats in shortest fixed notation, and
// parentheses only where precedence needs them (and around a qualified expression that
// is qualified again). ParsePattern(ToString(p)) yields p.
std::string ToString(const Pattern& pattern);
std::string ToString(const ComparisonExpr& expression);
std::string ToString(const Constant& constant);
// "file:hashes.'SHA-256'"; PropertyPathToString omits the object type: "hashes.'SHA-256'".
std::string ToString(const ObjectPath& path);
std::string PropertyPathToString(const ObjectPath& path);

// What a matcher must support beyond testing one record at a time. A pattern whose
// observation tree holds only observations joined by OR matches a record on its own;
// AND between observations, FOLLOWEDBY and every qualifier need state across records.
struct PatternNeeds {
  bool observation_and = false;  // [a] AND [b]: both seen, in any records
  bool followed_by = false;
  bool within = false;
  bool repeats = false;
  bool start_stop = false;
  bool SingleRecord() const {
    return !observation_and && !followed_by && !within && !repeats && !start_stop;
  }
};
PatternNeeds NeedsOf(const Pattern& pattern);

}  // namespace fincyber::stix
