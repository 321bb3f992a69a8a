// Hand-written lexer and recursive-descent parser for STIX patterns. Chains of one
// operator are parsed iteratively into one n-ary node, so only brackets and parentheses
// recurse, and those are counted against kMaxNestingDepth.
#include <re2/re2.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#include "base/ascii.h"
#include "base/calendar.h"
#include "base/utf8.h"
#include "stix/observable.h"
#include "stix/pattern.h"

namespace fincyber::stix {
namespace {

enum class Tok {
  kEnd,
  kLBrack,
  kRBrack,
  kLParen,
  kRParen,
  kColon,
  kDot,
  kComma,
  kStar,
  kEq,
  kNeq,
  kLt,
  kLe,
  kGt,
  kGe,
  kWord,
  kString,
  kInt,
  kFloat,
  kTimestamp,
  kBinary,
  kHex,
};

struct Token {
  Tok kind = Tok::kEnd;
  std::size_t pos = 0;   // byte offset of the first character
  std::string_view raw;  // the token's text as written
  Constant constant;     // literals: the value
};

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsWordStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
constexpr bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c) || c == '-'; }

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

enum class TimestampCheck { kOk, kMalformed, kNoSuchInstant };

// Parses "YYYY-MM-DDTHH:MM:SS[.frac]Z" into microseconds since the epoch.
TimestampCheck ParseTimestampText(std::string_view s, std::int64_t* micros) {
  auto digits = [&](std::size_t at, std::size_t n, int* out) {
    if (at + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (!IsDigit(s[i])) return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int year, month, day, hour, minute, second;
  if (s.size() < 20 || !digits(0, 4, &year) || s[4] != '-' || !digits(5, 2, &month) ||
      s[7] != '-' || !digits(8, 2, &day) || s[10] != 'T' || !digits(11, 2, &hour) || s[13] != ':' ||
      !digits(14, 2, &minute) || s[16] != ':' || !digits(17, 2, &second)) {
    return TimestampCheck::kMalformed;
  }
  std::size_t at = 19;
  std::int64_t fraction = 0;
  if (s[at] == '.') {
    ++at;
    const std::size_t first = at;
    while (at < s.size() && IsDigit(s[at])) {
      if (at - first < 6) fraction = fraction * 10 + (s[at] - '0');
      ++at;
    }
    if (at == first) return TimestampCheck::kMalformed;
    for (std::size_t n = at - first; n < 6; ++n) fraction *= 10;
  }
  if (at + 1 != s.size() || s[at] != 'Z') return TimestampCheck::kMalformed;
  if (month < 1 || month > 12 || day < 1) return TimestampCheck::kNoSuchInstant;
  if (day > DaysInMonth(year, month) || hour > 23 || minute > 59)
    return TimestampCheck::kNoSuchInstant;
  // A leap second exists only as the last second of a UTC day.
  if (second > 60 || (second == 60 && (hour != 23 || minute != 59))) {
    return TimestampCheck::kNoSuchInstant;
  }
  const std::int64_t days = DaysFromCivil(year, month, day);
  *micros = ((days * 86400 + hour * 3600 + minute * 60 + second) * 1000000) + fraction;
  return TimestampCheck::kOk;
}

bool IsStixTypeName(std::string_view name) {
  if (name.size() < 3 || name.size() > 250) return false;
  if (name[0] < 'a' || name[0] > 'z') return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!((c >= 'a' && c <= 'z') || IsDigit(c) || c == '-')) return false;
    if (c == '-' && i > 0 && name[i - 1] == '-') return false;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Pattern> ParseWholePattern() {
    FC_RETURN_IF_ERROR(CheckText());
    FC_RETURN_IF_ERROR(Next());
    Pattern pattern;
    FC_ASSIGN_OR_RETURN(pattern.root, ParseFollowedBy());
    if (tok_.kind != Tok::kEnd) {
      return Expected("AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern");
    }
    return pattern;
  }

  Result<ObjectPath> ParseWholePath() {
    FC_RETURN_IF_ERROR(CheckText());
    FC_RETURN_IF_ERROR(Next());
    FC_ASSIGN_OR_RETURN(ObjectPath path, ParsePath());
    if (tok_.kind != Tok::kEnd) return Expected("the end of the object path");
    return path;
  }

 private:
  // ---- errors ----

  Error ErrorAt(std::size_t byte_pos, std::string_view message) const {
    // Positions count code points so that an editor can point at the character.
    std::size_t chars = 0;
    for (std::size_t i = 0; i < byte_pos && i < text_.size(); ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++chars;
    }
    std::string full = "position " + std::to_string(chars) + ": ";
    full.append(message);
    return InvalidArgument(std::move(full));
  }
  Error Expected(std::string_view what) const {
    return ErrorAt(tok_.pos, "expected " + std::string(what));
  }

  Status CheckText() const {
    if (text_.size() > kMaxPatternBytes) {
      return InvalidArgument("pattern is " + std::to_string(text_.size()) + " bytes; at most " +
                             std::to_string(kMaxPatternBytes) + " are accepted");
    }
    if (auto bad = FindInvalidUtf8(text_)) return ErrorAt(*bad, "invalid UTF-8");
    if (const void* nul = std::memchr(text_.data(), '\0', text_.size())) {
      return ErrorAt(static_cast<std::size_t>(static_cast<const char*>(nul) - text_.data()),
                     "NUL character");
    }
    return OkStatus();
  }

  // ---- lexer ----

  // Length of the whitespace character at `at` (ASCII or the Unicode spaces the
  // specification's grammar skips), or 0.
  std::size_t SpaceLength(std::size_t at) const {
    const auto byte = [&](std::size_t i) {
      return i < text_.size() ? static_cast<unsigned char>(text_[i]) : 0;
    };
    const unsigned char c = byte(at);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') return 1;
    if (c == 0xC2 && (byte(at + 1) == 0x85 || byte(at + 1) == 0xA0)) return 2;
    if (c == 0xE1 && byte(at + 1) == 0x9A && byte(at + 2) == 0x80) return 3;
    if (c == 0xE2 && byte(at + 1) == 0x80) {
      const unsigned char c2 = byte(at + 2);
      if ((c2 >= 0x80 && c2 <= 0x8A) || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF) return 3;
    }
    if (c == 0xE2 && byte(at + 1) == 0x81 && byte(at + 2) == 0x9F) return 3;
    if (c == 0xE3 && byte(at + 1) == 0x80 && byte(at + 2) == 0x80) return 3;
    return 0;
  }

  Status SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
      if (const std::size_t n = SpaceLength(pos_)) {
        pos_ += n;
      } else if (text_.compare(pos_, 2, "/*") == 0) {
        const std::size_t end = text_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) return ErrorAt(pos_, "unterminated comment");
        pos_ = end + 2;
      } else if (text_.compare(pos_, 2, "//") == 0) {
        const std::size_t end = text_.find_first_of("\r\n", pos_);
        pos_ = end == std::string_view::npos ? text_.size() : end;
      } else {
        break;
      }
    }
    return OkStatus();
  }

  Status Next() {
    FC_RETURN_IF_ERROR(SkipSpaceAndComments());
    tok_.pos = pos_;
    tok_.constant = Constant{};
    if (pos_ >= text_.size()) {
      tok_.kind = Tok::kEnd;
      tok_.raw = {};
      return OkStatus();
    }
    const char c = text_[pos_];
    const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    auto single = [&](Tok kind, std::size_t length = 1) {
      tok_.kind = kind;
      tok_.raw = text_.substr(pos_, length);
      pos_ += length;
      return OkStatus();
    };
    switch (c) {
      case '[':
        return single(Tok::kLBrack);
      case ']':
        return single(Tok::kRBrack);
      case '(':
        return single(Tok::kLParen);
      case ')':
        return single(Tok::kRParen);
      case ':':
        return single(Tok::kColon);
      case ',':
        return single(Tok::kComma);
      case '*':
        return single(Tok::kStar);
      case '=':
        return next == '=' ? single(Tok::kEq, 2) : single(Tok::kEq);
      case '!':
        if (next == '=') return single(Tok::kNeq, 2);
        return ErrorAt(pos_, "expected '!='");
      case '<':
        if (next == '=') return single(Tok::kLe, 2);
        if (next == '>') return single(Tok::kNeq, 2);
        return single(Tok::kLt);
      case '>':
        return next == '=' ? single(Tok::kGe, 2) : single(Tok::kGt);
      case '\'':
        return LexString();
      case '.':
        if (IsDigit(next)) return LexNumber();
        return single(Tok::kDot);
      default:
        break;
    }
    if (IsDigit(c) || c == '+' || c == '-') return LexNumber();
    if (next == '\'' && (c == 't' || c == 'b' || c == 'h')) return LexPrefixedLiteral(c);
    if (IsWordStart(c)) {
      std::size_t end = pos_ + 1;
      while (end < text_.size() && IsWordChar(text_[end])) ++end;
      return single(Tok::kWord, end - pos_);
    }
    return ErrorAt(pos_, "unexpected character");
  }

  Status LexString() {
    const std::size_t start = pos_;
    std::string value;
    std::size_t at = pos_ + 1;
    for (;;) {
      const std::size_t stop = text_.find_first_of("'\\", at);
      if (stop == std::string_view::npos) return ErrorAt(start, "unterminated string");
      value.append(text_.substr(at, stop - at));
      if (text_[stop] == '\'') {
        at = stop + 1;
        break;
      }
      if (stop + 1 == text_.size()) return ErrorAt(start, "unterminated string");
      const char escaped = text_[stop + 1];
      if (escaped != '\'' && escaped != '\\') {
        return ErrorAt(stop, "invalid escape: only \\' and \\\\ may follow '\\' in a string");
      }
      value.push_back(escaped);
      at = stop + 2;
    }
    tok_.kind = Tok::kString;
    tok_.raw = text_.substr(start, at - start);
    tok_.constant.kind = ConstantKind::kString;
    tok_.constant.text = std::move(value);
    pos_ = at;
    return OkStatus();
  }

  Status LexNumber() {
    const std::size_t start = pos_;
    std::size_t at = pos_;
    if (text_[at] == '+' || text_[at] == '-') ++at;
    const std::size_t int_start = at;
    while (at < text_.size() && IsDigit(text_[at])) ++at;
    const std::size_t int_end = at;
    const bool is_float = at + 1 < text_.size() && text_[at] == '.' && IsDigit(text_[at + 1]);
    // from_chars takes '-' but not '+'.
    const std::size_t value_start = text_[start] == '+' ? start + 1 : start;
    if (is_float) {
      ++at;
      while (at < text_.size() && IsDigit(text_[at])) ++at;
      double value = 0;
      const auto [ptr, ec] = std::from_chars(text_.data() + value_start, text_.data() + at, value,
                                             std::chars_format::fixed);
      if (ec != std::errc() || ptr != text_.data() + at || !std::isfinite(value)) {
        return ErrorAt(start, "float out of range");
      }
      tok_.kind = Tok::kFloat;
      tok_.constant.kind = ConstantKind::kFloat;
      tok_.constant.real = value;
    } else {
      if (int_start == int_end) return ErrorAt(start, "expected digits after the sign");
      if (int_end - int_start > 1 && text_[int_start] == '0') {
        return ErrorAt(start, "integer with a leading zero");
      }
      std::int64_t value = 0;
      const auto [ptr, ec] = std::from_chars(text_.data() + value_start, text_.data() + at, value);
      if (ec != std::errc() || ptr != text_.data() + at) {
        return ErrorAt(start, "integer out of the 64-bit range");
      }
      tok_.kind = Tok::kInt;
      tok_.constant.kind = ConstantKind::kInteger;
      tok_.constant.integer = value;
    }
    if (at < text_.size() && IsWordChar(text_[at])) {
      return ErrorAt(at, "unexpected character after a number");
    }
    tok_.raw = text_.substr(start, at - start);
    pos_ = at;
    return OkStatus();
  }

  // t'...', b'...', h'...': no escapes inside.
  Status LexPrefixedLiteral(char prefix) {
    const std::size_t start = pos_;
    const std::size_t body = pos_ + 2;
    const std::size_t close = text_.find('\'', body);
    if (close == std::string_view::npos) return ErrorAt(start, "unterminated literal");
    const std::string_view content = text_.substr(body, close - body);
    Constant& constant = tok_.constant;
    if (prefix == 't') {
      switch (ParseTimestampText(content, &constant.integer)) {
        case TimestampCheck::kOk:
          break;
        case TimestampCheck::kMalformed:
          return ErrorAt(start, "invalid timestamp: expected t'YYYY-MM-DDTHH:MM:SS[.s]Z'");
        case TimestampCheck::kNoSuchInstant:
          return ErrorAt(start, "invalid timestamp: no such date or time");
      }
      tok_.kind = Tok::kTimestamp;
      constant.kind = ConstantKind::kTimestamp;
      constant.text = std::string(content);
    } else if (prefix == 'h') {
      if (content.size() % 2 != 0) {
        return ErrorAt(start, "invalid hex literal: odd number of digits");
      }
      constant.text.reserve(content.size() / 2);
      for (std::size_t i = 0; i < content.size(); i += 2) {
        const int high = HexDigitValue(content[i]);
        const int low = HexDigitValue(content[i + 1]);
        if (high < 0 || low < 0) {
          return ErrorAt(body + i, "invalid hex literal: expected hexadecimal digits");
        }
        constant.text.push_back(static_cast<char>(high * 16 + low));
      }
      tok_.kind = Tok::kHex;
      constant.kind = ConstantKind::kHex;
    } else {
      FC_RETURN_IF_ERROR(DecodeBase64(content, body, &constant.text));
      tok_.kind = Tok::kBinary;
      constant.kind = ConstantKind::kBinary;
    }
    tok_.raw = text_.substr(start, close + 1 - start);
    pos_ = close + 1;
    return OkStatus();
  }

  // The grammar's BinaryLiteral: one or more groups of four, the last possibly padded.
  Status DecodeBase64(std::string_view content, std::size_t at, std::string* out) const {
    if (content.empty()) return ErrorAt(at - 2, "empty binary literal");
    if (content.size() % 4 != 0) {
      return ErrorAt(at - 2, "invalid binary literal: base64 length must be a multiple of 4");
    }
    std::size_t padding = 0;
    if (content.back() == '=') padding = content[content.size() - 2] == '=' ? 2 : 1;
    out->reserve(content.size() / 4 * 3);
    std::uint32_t group = 0;
    for (std::size_t i = 0; i < content.size() - padding; ++i) {
      const int v = Base64Value(content[i]);
      if (v < 0) return ErrorAt(at + i, "invalid binary literal: not a base64 character");
      group = (group << 6) | static_cast<std::uint32_t>(v);
      if (i % 4 == 3) {
        out->push_back(static_cast<char>(group >> 16));
        out->push_back(static_cast<char>(group >> 8));
        out->push_back(static_cast<char>(group));
        group = 0;
      }
    }
    if (padding == 1) {
      group <<= 6;
      out->push_back(static_cast<char>(group >> 16));
      out->push_back(static_cast<char>(group >> 8));
    } else if (padding == 2) {
      group <<= 12;
      out->push_back(static_cast<char>(group >> 16));
    }
    return OkStatus();
  }

  bool IsWord(std::string_view word) const { return tok_.kind == Tok::kWord && tok_.raw == word; }

  Status Expect(Tok kind, std::string_view description) {
    if (tok_.kind != kind) return Expected(description);
    return Next();
  }

  Status Enter() {
    if (++depth_ > kMaxNestingDepth) {
      return ErrorAt(tok_.pos, "brackets and parentheses nested deeper than " +
                                   std::to_string(kMaxNestingDepth) + " levels");
    }
    return OkStatus();
  }
  void Leave() { --depth_; }

  // ---- observation level ----

  // Parses `operand (keyword operand)*` into one n-ary node, merging operands that are
  // themselves unqualified nodes of the same operator (from parentheses).
  template <typename Node, typename ParseOperand>
  Result<Node> ParseChain(std::string_view keyword, typename Node::Kind kind,
                          ParseOperand parse_operand) {
    FC_ASSIGN_OR_RETURN(Node first, (this->*parse_operand)());
    if (!IsWord(keyword)) return first;
    Node node;
    node.kind = kind;
    auto add = [&](Node operand) {
      if (operand.kind == kind) {
        for (auto& inner : operand.operands) node.operands.push_back(std::move(inner));
      } else {
        node.operands.push_back(std::move(operand));
      }
    };
    add(std::move(first));
    while (IsWord(keyword)) {
      FC_RETURN_IF_ERROR(Next());
      FC_ASSIGN_OR_RETURN(Node operand, (this->*parse_operand)());
      add(std::move(operand));
    }
    return node;
  }

  Result<ObservationExpr> ParseFollowedBy() {
    return ParseChain<ObservationExpr>("FOLLOWEDBY", ObservationExpr::Kind::kFollowedBy,
                                       &Parser::ParseObservationOr);
  }
  Result<ObservationExpr> ParseObservationOr() {
    return ParseChain<ObservationExpr>("OR", ObservationExpr::Kind::kOr,
                                       &Parser::ParseObservationAnd);
  }
  Result<ObservationExpr> ParseObservationAnd() {
    return ParseChain<ObservationExpr>("AND", ObservationExpr::Kind::kAnd,
                                       &Parser::ParseObservationUnit);
  }

  Result<ObservationExpr> ParseObservationUnit() {
    ObservationExpr node;
    if (tok_.kind == Tok::kLBrack) {
      FC_RETURN_IF_ERROR(Enter());
      FC_RETURN_IF_ERROR(Next());
      node.kind = ObservationExpr::Kind::kObservation;
      FC_ASSIGN_OR_RETURN(node.comparison, ParseComparisonOr());
      FC_RETURN_IF_ERROR(Expect(Tok::kRBrack, "']'"));
      Leave();
    } else if (tok_.kind == Tok::kLParen) {
      FC_RETURN_IF_ERROR(Enter());
      FC_RETURN_IF_ERROR(Next());
      FC_ASSIGN_OR_RETURN(node, ParseFollowedBy());
      FC_RETURN_IF_ERROR(Expect(Tok::kRParen, "')'"));
      Leave();
    } else {
      return Expected("'[' or '('");
    }
    // A qualifier kind may appear once in one chain: `[a] WITHIN 1 SECONDS WITHIN 2
    // SECONDS` has no clear meaning (parentheses make the nesting explicit).
    std::array<bool, 3> seen = {false, false, false};
    for (;;) {
      const std::size_t qualifier_pos = tok_.pos;
      Qualifier qualifier;
      if (IsWord("WITHIN")) {
        FC_ASSIGN_OR_RETURN(qualifier, ParseWithin());
      } else if (IsWord("REPEATS")) {
        FC_ASSIGN_OR_RETURN(qualifier, ParseRepeats());
      } else if (IsWord("START")) {
        FC_ASSIGN_OR_RETURN(qualifier, ParseStartStop());
      } else {
        break;
      }
      bool& already = seen[static_cast<std::size_t>(qualifier.kind)];
      if (already) {
        return ErrorAt(qualifier_pos,
                       "the same qualifier twice on one expression; use parentheses");
      }
      already = true;
      ObservationExpr qualified;
      qualified.kind = ObservationExpr::Kind::kQualified;
      qualified.qualifier = std::move(qualifier);
      qualified.operands.push_back(std::move(node));
      node = std::move(qualified);
    }
    return node;
  }

  Result<Qualifier> ParseWithin() {
    FC_RETURN_IF_ERROR(Next());
    Qualifier qualifier;
    qualifier.kind = Qualifier::Kind::kWithin;
    const bool is_number = tok_.kind == Tok::kInt || tok_.kind == Tok::kFloat;
    const double seconds =
        tok_.kind == Tok::kInt ? static_cast<double>(tok_.constant.integer) : tok_.constant.real;
    if (!is_number || tok_.raw[0] == '-' || !(seconds > 0)) {
      return Expected("a positive number of seconds after WITHIN");
    }
    qualifier.within_seconds = seconds;
    FC_RETURN_IF_ERROR(Next());
    if (!IsWord("SECONDS")) return Expected("SECONDS");
    FC_RETURN_IF_ERROR(Next());
    return qualifier;
  }

  Result<Qualifier> ParseRepeats() {
    FC_RETURN_IF_ERROR(Next());
    Qualifier qualifier;
    qualifier.kind = Qualifier::Kind::kRepeats;
    if (tok_.kind != Tok::kInt || tok_.constant.integer <= 0) {
      return Expected("a positive integer after REPEATS");
    }
    qualifier.repeats = tok_.constant.integer;
    FC_RETURN_IF_ERROR(Next());
    if (!IsWord("TIMES")) return Expected("TIMES");
    FC_RETURN_IF_ERROR(Next());
    return qualifier;
  }

  Result<Qualifier> ParseStartStop() {
    FC_RETURN_IF_ERROR(Next());
    Qualifier qualifier;
    qualifier.kind = Qualifier::Kind::kStartStop;
    if (tok_.kind != Tok::kTimestamp) return Expected("a timestamp t'...' after START");
    qualifier.start = std::move(tok_.constant);
    FC_RETURN_IF_ERROR(Next());
    if (!IsWord("STOP")) return Expected("STOP");
    FC_RETURN_IF_ERROR(Next());
    if (tok_.kind != Tok::kTimestamp) return Expected("a timestamp t'...' after STOP");
    if (tok_.constant.integer <= qualifier.start.integer) {
      return ErrorAt(tok_.pos, "STOP must be later than START");
    }
    qualifier.stop = std::move(tok_.constant);
    FC_RETURN_IF_ERROR(Next());
    return qualifier;
  }

  // ---- comparison level ----

  Result<ComparisonExpr> ParseComparisonOr() {
    return ParseChain<ComparisonExpr>("OR", ComparisonExpr::Kind::kOr, &Parser::ParseComparisonAnd);
  }
  Result<ComparisonExpr> ParseComparisonAnd() {
    return ParseChain<ComparisonExpr>("AND", ComparisonExpr::Kind::kAnd,
                                      &Parser::ParseComparisonUnit);
  }

  Result<ComparisonExpr> ParseComparisonUnit() {
    if (tok_.kind == Tok::kLParen) {
      FC_RETURN_IF_ERROR(Enter());
      FC_RETURN_IF_ERROR(Next());
      FC_ASSIGN_OR_RETURN(ComparisonExpr inner, ParseComparisonOr());
      FC_RETURN_IF_ERROR(Expect(Tok::kRParen, "')'"));
      Leave();
      return inner;
    }
    ComparisonExpr node;
    node.kind = ComparisonExpr::Kind::kComparison;
    Comparison& comparison = node.comparison;
    if (IsWord("EXISTS")) {
      FC_RETURN_IF_ERROR(Next());
      comparison.op = ComparisonOp::kExists;
      FC_ASSIGN_OR_RETURN(comparison.path, ParsePath());
      return node;
    }
    FC_ASSIGN_OR_RETURN(comparison.path, ParsePath());
    if (IsWord("NOT")) {
      comparison.negated = true;
      FC_RETURN_IF_ERROR(Next());
    }
    switch (tok_.kind) {
      case Tok::kEq:
        comparison.op = ComparisonOp::kEqual;
        break;
      case Tok::kNeq:
        comparison.op = ComparisonOp::kNotEqual;
        break;
      case Tok::kLt:
        comparison.op = ComparisonOp::kLess;
        break;
      case Tok::kLe:
        comparison.op = ComparisonOp::kLessOrEqual;
        break;
      case Tok::kGt:
        comparison.op = ComparisonOp::kGreater;
        break;
      case Tok::kGe:
        comparison.op = ComparisonOp::kGreaterOrEqual;
        break;
      case Tok::kWord:
        if (tok_.raw == "IN") {
          comparison.op = ComparisonOp::kIn;
        } else if (tok_.raw == "LIKE") {
          comparison.op = ComparisonOp::kLike;
        } else if (tok_.raw == "MATCHES") {
          comparison.op = ComparisonOp::kMatches;
        } else if (tok_.raw == "ISSUBSET") {
          comparison.op = ComparisonOp::kIsSubset;
        } else if (tok_.raw == "ISSUPERSET") {
          comparison.op = ComparisonOp::kIsSuperset;
        } else {
          return Expected("a comparison operator");
        }
        break;
      default:
        return Expected("a comparison operator");
    }
    FC_RETURN_IF_ERROR(Next());
    switch (comparison.op) {
      case ComparisonOp::kEqual:
      case ComparisonOp::kNotEqual: {
        FC_ASSIGN_OR_RETURN(Constant value, ParseConstant(/*orderable=*/false));
        comparison.values.push_back(std::move(value));
        break;
      }
      case ComparisonOp::kLess:
      case ComparisonOp::kLessOrEqual:
      case ComparisonOp::kGreater:
      case ComparisonOp::kGreaterOrEqual: {
        FC_ASSIGN_OR_RETURN(Constant value, ParseConstant(/*orderable=*/true));
        comparison.values.push_back(std::move(value));
        break;
      }
      case ComparisonOp::kIn:
        FC_RETURN_IF_ERROR(ParseSet(&comparison.values));
        break;
      case ComparisonOp::kLike:
      case ComparisonOp::kMatches:
      case ComparisonOp::kIsSubset:
      case ComparisonOp::kIsSuperset: {
        const std::size_t value_pos = tok_.pos;
        if (tok_.kind != Tok::kString) return Expected("a string constant");
        comparison.values.push_back(std::move(tok_.constant));
        FC_RETURN_IF_ERROR(Next());
        FC_RETURN_IF_ERROR(
            CheckStringOperand(comparison.op, comparison.values.back().text, value_pos));
        break;
      }
      case ComparisonOp::kExists:
        break;
    }
    return node;
  }

  Status CheckStringOperand(ComparisonOp op, const std::string& value, std::size_t at) const {
    if (op == ComparisonOp::kMatches) {
      RE2::Options options;
      options.set_log_errors(false);
      const RE2 regex(value, options);
      if (!regex.ok()) {
        return ErrorAt(at, "MATCHES: regular expression not accepted by RE2: " + regex.error());
      }
    } else if (op == ComparisonOp::kIsSubset || op == ComparisonOp::kIsSuperset) {
      const bool is_ip = NormaliseObservable("ipv4-addr", "value", value).ok() ||
                         NormaliseObservable("ipv6-addr", "value", value).ok();
      if (!is_ip) {
        return ErrorAt(at, std::string(op == ComparisonOp::kIsSubset ? "ISSUBSET" : "ISSUPERSET") +
                               ": expected an IPv4 or IPv6 address or CIDR range");
      }
    }
    return OkStatus();
  }

  Status ParseSet(std::vector<Constant>* values) {
    if (tok_.kind != Tok::kLParen) return Expected("'(' to open the IN set");
    FC_RETURN_IF_ERROR(Next());
    if (tok_.kind == Tok::kRParen) return ErrorAt(tok_.pos, "empty IN set");
    for (;;) {
      FC_ASSIGN_OR_RETURN(Constant value, ParseConstant(/*orderable=*/false));
      values->push_back(std::move(value));
      if (tok_.kind == Tok::kRParen) break;
      if (tok_.kind != Tok::kComma) return Expected("',' or ')'");
      FC_RETURN_IF_ERROR(Next());
    }
    return Next();
  }

  Result<Constant> ParseConstant(bool orderable) {
    switch (tok_.kind) {
      case Tok::kString:
      case Tok::kInt:
      case Tok::kFloat:
      case Tok::kTimestamp:
      case Tok::kBinary:
      case Tok::kHex: {
        Constant value = std::move(tok_.constant);
        FC_RETURN_IF_ERROR(Next());
        return value;
      }
      case Tok::kWord:
        if (tok_.raw == "true" || tok_.raw == "false") {
          if (orderable) return Expected("a constant that can be ordered (not a boolean)");
          Constant value;
          value.kind = ConstantKind::kBoolean;
          value.boolean = tok_.raw == "true";
          FC_RETURN_IF_ERROR(Next());
          return value;
        }
        break;
      default:
        break;
    }
    return Expected("a constant");
  }

  Result<ObjectPath> ParsePath() {
    ObjectPath path;
    if (tok_.kind != Tok::kWord) return Expected("an object path");
    if (!IsStixTypeName(tok_.raw)) {
      return ErrorAt(tok_.pos, "'" + std::string(tok_.raw) +
                                   "' is not a STIX type name (3-250 characters of a-z, 0-9 "
                                   "and '-', starting with a letter)");
    }
    path.object_type = std::string(tok_.raw);
    FC_RETURN_IF_ERROR(Next());
    FC_RETURN_IF_ERROR(Expect(Tok::kColon, "':' after the object type"));
    FC_RETURN_IF_ERROR(ParseKeyStep(&path));
    for (;;) {
      if (tok_.kind == Tok::kDot) {
        FC_RETURN_IF_ERROR(Next());
        FC_RETURN_IF_ERROR(ParseKeyStep(&path));
      } else if (tok_.kind == Tok::kLBrack) {
        FC_RETURN_IF_ERROR(Next());
        PathStep step;
        if (tok_.kind == Tok::kStar) {
          step.kind = PathStep::Kind::kAnyIndex;
        } else if (tok_.kind == Tok::kInt) {
          step.kind = PathStep::Kind::kIndex;
          step.index = tok_.constant.integer;
        } else {
          return Expected("an index or '*'");
        }
        path.steps.push_back(std::move(step));
        FC_RETURN_IF_ERROR(Next());
        FC_RETURN_IF_ERROR(Expect(Tok::kRBrack, "']'"));
      } else {
        return path;
      }
    }
  }

  Status ParseKeyStep(ObjectPath* path) {
    PathStep step;
    step.kind = PathStep::Kind::kKey;
    if (tok_.kind == Tok::kWord) {
      step.key = std::string(tok_.raw);
    } else if (tok_.kind == Tok::kString) {
      if (tok_.constant.text.empty()) return ErrorAt(tok_.pos, "empty property name");
      step.key = std::move(tok_.constant.text);
    } else {
      return Expected("a property name");
    }
    path->steps.push_back(std::move(step));
    return Next();
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  Token tok_;
  int depth_ = 0;
};

}  // namespace

Result<Pattern> ParsePattern(std::string_view text) { return Parser(text).ParseWholePattern(); }

Result<ObjectPath> ParseObjectPath(std::string_view text) { return Parser(text).ParseWholePath(); }

bool MatchSimpleEquality(std::string_view text, SimpleEquality* out) {
  if (text.size() > kMaxPatternBytes) return false;
  std::size_t at = 0;
  const auto skip_space = [&] {
    while (at < text.size() &&
           (text[at] == ' ' || text[at] == '\t' || text[at] == '\r' || text[at] == '\n')) {
      ++at;
    }
  };
  skip_space();
  if (at == text.size() || text[at] != '[') return false;
  ++at;
  skip_space();
  // The path's characters: words, '.', ':' and quoted keys without spaces or escapes.
  // Whatever else a path may hold (spaces, indexes, escapes) goes to the full parser.
  const std::size_t path_start = at;
  if (at == text.size() || !IsWordStart(text[at])) return false;
  static constexpr auto kPathChar = [] {
    std::array<bool, 256> path_char{};
    for (int c = 0; c < 256; ++c) {
      path_char[c] = IsWordChar(static_cast<char>(c)) || c == '.' || c == ':' || c == '\'';
    }
    return path_char;
  }();
  while (at < text.size() && kPathChar[static_cast<unsigned char>(text[at])]) ++at;
  SimpleEquality& result = *out;
  result.path = text.substr(path_start, at - path_start);
  result.value.clear();
  skip_space();
  if (at == text.size() || text[at] != '=') return false;
  ++at;
  if (at < text.size() && text[at] == '=') return false;
  skip_space();
  if (at == text.size() || text[at] != '\'') return false;
  ++at;
  for (;;) {
    // The closing quote, then an escape before it: two vector searches, where a loop
    // (or find_first_of) looks at one byte at a time.
    const auto* quote =
        static_cast<const char*>(std::memchr(text.data() + at, '\'', text.size() - at));
    if (quote == nullptr) return false;
    const auto* escape = static_cast<const char*>(
        std::memchr(text.data() + at, '\\', static_cast<std::size_t>(quote - text.data()) - at));
    const std::size_t stop =
        static_cast<std::size_t>((escape != nullptr ? escape : quote) - text.data());
    result.value.append(text.substr(at, stop - at));
    if (text[stop] == '\'') {
      at = stop + 1;
      break;
    }
    if (stop + 1 == text.size() || (text[stop + 1] != '\'' && text[stop + 1] != '\\')) {
      return false;
    }
    result.value.push_back(text[stop + 1]);
    at = stop + 2;
  }
  skip_space();
  if (at == text.size() || text[at] != ']') return false;
  ++at;
  skip_space();
  if (at != text.size()) return false;
  // The checks ParsePattern makes of the whole text; only the value may hold other bytes.
  if (FindInvalidUtf8(result.value) ||
      result.value.find('\0') != std::string::npos) {
    return false;
  }
  return true;
}

}  // namespace fincyber::stix
