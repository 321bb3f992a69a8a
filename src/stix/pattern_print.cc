// Canonical printing of patterns, and the facts a matcher needs about a pattern.
#include <charconv>
#include <cmath>
#include <string>

#include "stix/pattern.h"

namespace fincyber::stix {
namespace {

bool IsPlainKey(std::string_view key) {
  if (key.empty()) return false;
  const char first = key[0];
  if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '_')) {
    return false;
  }
  for (const char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

void AppendQuoted(std::string_view text, std::string* out) {
  out->push_back('\'');
  for (const char c : text) {
    if (c == '\'' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('\'');
}

void AppendKey(std::string_view key, std::string* out) {
  if (IsPlainKey(key)) {
    out->append(key);
  } else {
    AppendQuoted(key, out);
  }
}

// Shortest fixed notation that reads back to the same double, always with a point so
// that it does not read back as an integer.
std::string FormatDouble(double value) {
  char buffer[400];
  const auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  if (ec != std::errc()) return "0.0";  // unreachable: 400 bytes hold any finite double
  std::string text(buffer, end);
  if (text.find('.') == std::string::npos) text.append(".0");
  return text;
}

void AppendBase64(std::string_view bytes, std::string* out) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t i = 0;
  const auto byte = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out->push_back(kAlphabet[(group >> 18) & 63]);
    out->push_back(kAlphabet[(group >> 12) & 63]);
    out->push_back(kAlphabet[(group >> 6) & 63]);
    out->push_back(kAlphabet[group & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t group = byte(i) << 16;
    out->push_back(kAlphabet[(group >> 18) & 63]);
    out->push_back(kAlphabet[(group >> 12) & 63]);
    out->append("==");
  } else if (rest == 2) {
    const std::uint32_t group = (byte(i) << 16) | (byte(i + 1) << 8);
    out->push_back(kAlphabet[(group >> 18) & 63]);
    out->push_back(kAlphabet[(group >> 12) & 63]);
    out->push_back(kAlphabet[(group >> 6) & 63]);
    out->push_back('=');
  }
}

void AppendConstant(const Constant& constant, std::string* out) {
  switch (constant.kind) {
    case ConstantKind::kString:
      AppendQuoted(constant.text, out);
      break;
    case ConstantKind::kInteger:
      out->append(std::to_string(constant.integer));
      break;
    case ConstantKind::kFloat:
      out->append(FormatDouble(constant.real));
      break;
    case ConstantKind::kBoolean:
      out->append(constant.boolean ? "true" : "false");
      break;
    case ConstantKind::kTimestamp:
      out->append("t'");
      out->append(constant.text);
      out->push_back('\'');
      break;
    case ConstantKind::kBinary:
      out->append("b'");
      AppendBase64(constant.text, out);
      out->push_back('\'');
      break;
    case ConstantKind::kHex: {
      static constexpr char kDigits[] = "0123456789abcdef";
      out->append("h'");
      for (const char c : constant.text) {
        const auto b = static_cast<unsigned char>(c);
        out->push_back(kDigits[b >> 4]);
        out->push_back(kDigits[b & 15]);
      }
      out->push_back('\'');
      break;
    }
  }
}

void AppendPropertyPath(const ObjectPath& path, std::string* out) {
  bool first = true;
  for (const PathStep& step : path.steps) {
    switch (step.kind) {
      case PathStep::Kind::kKey:
        if (!first) out->push_back('.');
        AppendKey(step.key, out);
        break;
      case PathStep::Kind::kIndex:
        out->push_back('[');
        out->append(std::to_string(step.index));
        out->push_back(']');
        break;
      case PathStep::Kind::kAnyIndex:
        out->append("[*]");
        break;
    }
    first = false;
  }
}

void AppendPath(const ObjectPath& path, std::string* out) {
  out->append(path.object_type);
  out->push_back(':');
  AppendPropertyPath(path, out);
}

std::string_view OperatorText(ComparisonOp op) {
  switch (op) {
    case ComparisonOp::kEqual:
      return "=";
    case ComparisonOp::kNotEqual:
      return "!=";
    case ComparisonOp::kLess:
      return "<";
    case ComparisonOp::kLessOrEqual:
      return "<=";
    case ComparisonOp::kGreater:
      return ">";
    case ComparisonOp::kGreaterOrEqual:
      return ">=";
    case ComparisonOp::kIn:
      return "IN";
    case ComparisonOp::kLike:
      return "LIKE";
    case ComparisonOp::kMatches:
      return "MATCHES";
    case ComparisonOp::kIsSubset:
      return "ISSUBSET";
    case ComparisonOp::kIsSuperset:
      return "ISSUPERSET";
    case ComparisonOp::kExists:
      return "EXISTS";
  }
  return "";
}

void AppendComparison(const Comparison& comparison, std::string* out) {
  if (comparison.op == ComparisonOp::kExists) {
    out->append("EXISTS ");
    AppendPath(comparison.path, out);
    return;
  }
  AppendPath(comparison.path, out);
  if (comparison.negated) out->append(" NOT");
  out->push_back(' ');
  out->append(OperatorText(comparison.op));
  out->push_back(' ');
  if (comparison.op == ComparisonOp::kIn) {
    out->push_back('(');
    for (std::size_t i = 0; i < comparison.values.size(); ++i) {
      if (i > 0) out->append(", ");
      AppendConstant(comparison.values[i], out);
    }
    out->push_back(')');
  } else if (!comparison.values.empty()) {
    AppendConstant(comparison.values.front(), out);
  }
}

// Binding strength: higher binds tighter; leaves and groups bind tightest.
int Precedence(ComparisonExpr::Kind kind) {
  switch (kind) {
    case ComparisonExpr::Kind::kOr:
      return 0;
    case ComparisonExpr::Kind::kAnd:
      return 1;
    case ComparisonExpr::Kind::kComparison:
      return 2;
  }
  return 2;
}

void AppendComparisonExpr(const ComparisonExpr& expression, std::string* out) {
  if (expression.kind == ComparisonExpr::Kind::kComparison) {
    AppendComparison(expression.comparison, out);
    return;
  }
  const std::string_view separator =
      expression.kind == ComparisonExpr::Kind::kAnd ? " AND " : " OR ";
  const int precedence = Precedence(expression.kind);
  for (std::size_t i = 0; i < expression.operands.size(); ++i) {
    if (i > 0) out->append(separator);
    const ComparisonExpr& operand = expression.operands[i];
    const bool parens = Precedence(operand.kind) <= precedence;
    if (parens) out->push_back('(');
    AppendComparisonExpr(operand, out);
    if (parens) out->push_back(')');
  }
}

int Precedence(ObservationExpr::Kind kind) {
  switch (kind) {
    case ObservationExpr::Kind::kFollowedBy:
      return 0;
    case ObservationExpr::Kind::kOr:
      return 1;
    case ObservationExpr::Kind::kAnd:
      return 2;
    case ObservationExpr::Kind::kObservation:
    case ObservationExpr::Kind::kQualified:
      return 3;
  }
  return 3;
}

void AppendQualifier(const Qualifier& qualifier, std::string* out) {
  switch (qualifier.kind) {
    case Qualifier::Kind::kWithin: {
      out->append(" WITHIN ");
      const double seconds = qualifier.within_seconds;
      if (seconds == std::floor(seconds) && seconds < 1e15) {
        out->append(std::to_string(static_cast<std::int64_t>(seconds)));
      } else {
        out->append(FormatDouble(seconds));
      }
      out->append(" SECONDS");
      break;
    }
    case Qualifier::Kind::kRepeats:
      out->append(" REPEATS ");
      out->append(std::to_string(qualifier.repeats));
      out->append(" TIMES");
      break;
    case Qualifier::Kind::kStartStop:
      out->append(" START ");
      AppendConstant(qualifier.start, out);
      out->append(" STOP ");
      AppendConstant(qualifier.stop, out);
      break;
  }
}

void AppendObservationExpr(const ObservationExpr& expression, std::string* out) {
  switch (expression.kind) {
    case ObservationExpr::Kind::kObservation:
      out->push_back('[');
      AppendComparisonExpr(expression.comparison, out);
      out->push_back(']');
      return;
    case ObservationExpr::Kind::kQualified: {
      if (expression.operands.empty()) return;
      const ObservationExpr& operand = expression.operands.front();
      // A qualified operand is parenthesised too, so that repeating a qualifier kind
      // stays explicit (the parser rejects `[a] WITHIN 1 SECONDS WITHIN 2 SECONDS`).
      const bool parens = operand.kind != ObservationExpr::Kind::kObservation;
      if (parens) out->push_back('(');
      AppendObservationExpr(operand, out);
      if (parens) out->push_back(')');
      AppendQualifier(expression.qualifier, out);
      return;
    }
    case ObservationExpr::Kind::kAnd:
    case ObservationExpr::Kind::kOr:
    case ObservationExpr::Kind::kFollowedBy:
      break;
  }
  const std::string_view separator = expression.kind == ObservationExpr::Kind::kAnd ? " AND "
                                     : expression.kind == ObservationExpr::Kind::kOr
                                         ? " OR "
                                         : " FOLLOWEDBY ";
  const int precedence = Precedence(expression.kind);
  for (std::size_t i = 0; i < expression.operands.size(); ++i) {
    if (i > 0) out->append(separator);
    const ObservationExpr& operand = expression.operands[i];
    const bool parens = Precedence(operand.kind) <= precedence;
    if (parens) out->push_back('(');
    AppendObservationExpr(operand, out);
    if (parens) out->push_back(')');
  }
}

void CollectNeeds(const ObservationExpr& expression, PatternNeeds* needs) {
  switch (expression.kind) {
    case ObservationExpr::Kind::kObservation:
      return;
    case ObservationExpr::Kind::kAnd:
      needs->observation_and = true;
      break;
    case ObservationExpr::Kind::kOr:
      break;
    case ObservationExpr::Kind::kFollowedBy:
      needs->followed_by = true;
      break;
    case ObservationExpr::Kind::kQualified:
      switch (expression.qualifier.kind) {
        case Qualifier::Kind::kWithin:
          needs->within = true;
          break;
        case Qualifier::Kind::kRepeats:
          needs->repeats = true;
          break;
        case Qualifier::Kind::kStartStop:
          needs->start_stop = true;
          break;
      }
      break;
  }
  for (const ObservationExpr& operand : expression.operands) CollectNeeds(operand, needs);
}

}  // namespace

std::string ToString(const Pattern& pattern) {
  std::string out;
  AppendObservationExpr(pattern.root, &out);
  return out;
}

std::string ToString(const ComparisonExpr& expression) {
  std::string out;
  AppendComparisonExpr(expression, &out);
  return out;
}

std::string ToString(const Constant& constant) {
  std::string out;
  AppendConstant(constant, &out);
  return out;
}

std::string ToString(const ObjectPath& path) {
  std::string out;
  AppendPath(path, &out);
  return out;
}

std::string PropertyPathToString(const ObjectPath& path) {
  std::string out;
  AppendPropertyPath(path, &out);
  return out;
}

PatternNeeds NeedsOf(const Pattern& pattern) {
  PatternNeeds needs;
  CollectNeeds(pattern.root, &needs);
  return needs;
}

}  // namespace fincyber::stix
