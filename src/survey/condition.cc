#include "survey/condition.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace fincyber::survey {

struct Literal {
  bool is_number = false;
  double number = 0;
  std::string text;
};

struct Condition::Node {
  enum class Kind { kOr, kAnd, kNot, kAnswered, kCompare, kIn, kContains };
  enum class Operand { kAnswer, kCategory, kSize };
  Kind kind = Kind::kAnswered;
  std::vector<int> children;  // or, and, not
  Operand operand = Operand::kAnswer;
  std::string item_id;
  int item_index = -1;
  AnswerType item_type = AnswerType::kYesNo;
  std::string op;  // kCompare
  std::vector<Literal> literals;
  std::size_t position = 0;
};

namespace {

using Node = Condition::Node;

enum class TokenKind { kWord, kString, kSymbol, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  std::size_t position = 0;
};

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// A condition refused as written; its detail names the problem for translation.
Error ConditionError(std::string_view code, ProblemParams params) {
  FieldProblem problem = Problem("condition", code, std::move(params));
  std::string message = problem.problem;
  return InvalidArgument(std::move(message), {std::move(problem)});
}

// `code` is one of the condition.syntax_... codes (problems.cc).
Error SyntaxError(std::size_t position, std::string_view code, ProblemParams params = {}) {
  params.insert(params.begin(), {"position", std::to_string(position)});
  return ConditionError(code, std::move(params));
}

Result<std::vector<Token>> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    Token token;
    token.position = i;
    if (IsWordChar(c)) {
      token.kind = TokenKind::kWord;
      while (i < text.size() && IsWordChar(text[i])) token.text += text[i++];
    } else if (c == '"') {
      token.kind = TokenKind::kString;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\\') {
          if (i + 1 >= text.size() || (text[i + 1] != '"' && text[i + 1] != '\\')) {
            return SyntaxError(i, "condition.syntax_escape");
          }
          token.text += text[i + 1];
          i += 2;
        } else if (text[i] == '"') {
          ++i;
          closed = true;
          break;
        } else {
          token.text += text[i++];
        }
      }
      if (!closed) return SyntaxError(token.position, "condition.syntax_unterminated");
    } else {
      token.kind = TokenKind::kSymbol;
      const std::string_view rest = text.substr(i);
      for (std::string_view symbol : {"==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ","}) {
        if (rest.substr(0, symbol.size()) == symbol) {
          token.text = symbol;
          break;
        }
      }
      if (token.text.empty()) return SyntaxError(i, "condition.syntax_character");
      i += token.text.size();
    }
    tokens.push_back(std::move(token));
  }
  tokens.push_back(Token{TokenKind::kEnd, "", text.size()});
  return tokens;
}

std::optional<double> ParseNumber(std::string_view word) {
  double value = 0;
  const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (error != std::errc() || end != word.data() + word.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<std::vector<Node>> Run() {
    FC_ASSIGN_OR_RETURN(int root, ParseOr(0));
    if (Peek().kind != TokenKind::kEnd)
      return SyntaxError(Peek().position, "condition.syntax_expected_end");
    // Evaluate() starts from the last node: make sure the root is last.
    if (root != static_cast<int>(nodes_.size()) - 1) return Internal("condition root misplaced");
    return std::move(nodes_);
  }

 private:
  const Token& Peek() const { return tokens_[next_]; }
  bool IsWord(std::string_view word) const {
    return Peek().kind == TokenKind::kWord && Peek().text == word;
  }
  bool IsSymbol(std::string_view symbol) const {
    return Peek().kind == TokenKind::kSymbol && Peek().text == symbol;
  }
  Status Expect(std::string_view symbol) {
    if (!IsSymbol(symbol)) {
      return SyntaxError(Peek().position, "condition.syntax_expected_symbol",
                         {{"symbol", std::string(symbol)}});
    }
    ++next_;
    return OkStatus();
  }
  Status Deeper(int depth) const {
    if (depth > kMaxConditionDepth) {
      return ConditionError("condition.too_deep", {{"max", std::to_string(kMaxConditionDepth)}});
    }
    return OkStatus();
  }

  int Add(Node node) {
    nodes_.push_back(std::move(node));
    return static_cast<int>(nodes_.size()) - 1;
  }

  // Binary chains are built after their operands so the root ends up last.
  Result<int> ParseOr(int depth) {
    FC_RETURN_IF_ERROR(Deeper(depth));
    const std::size_t position = Peek().position;
    std::vector<int> operands;
    FC_ASSIGN_OR_RETURN(int first, ParseAnd(depth + 1));
    operands.push_back(first);
    while (IsWord("or")) {
      ++next_;
      FC_ASSIGN_OR_RETURN(int operand, ParseAnd(depth + 1));
      operands.push_back(operand);
    }
    if (operands.size() == 1) return first;
    Node node;
    node.kind = Node::Kind::kOr;
    node.children = std::move(operands);
    node.position = position;
    return Add(std::move(node));
  }

  Result<int> ParseAnd(int depth) {
    FC_RETURN_IF_ERROR(Deeper(depth));
    const std::size_t position = Peek().position;
    std::vector<int> operands;
    FC_ASSIGN_OR_RETURN(int first, ParseUnary(depth + 1));
    operands.push_back(first);
    while (IsWord("and")) {
      ++next_;
      FC_ASSIGN_OR_RETURN(int operand, ParseUnary(depth + 1));
      operands.push_back(operand);
    }
    if (operands.size() == 1) return first;
    Node node;
    node.kind = Node::Kind::kAnd;
    node.children = std::move(operands);
    node.position = position;
    return Add(std::move(node));
  }

  Result<int> ParseUnary(int depth) {
    FC_RETURN_IF_ERROR(Deeper(depth));
    const std::size_t position = Peek().position;
    if (IsWord("not")) {
      ++next_;
      FC_ASSIGN_OR_RETURN(int operand, ParseUnary(depth + 1));
      Node node;
      node.kind = Node::Kind::kNot;
      node.children = {operand};
      node.position = position;
      return Add(std::move(node));
    }
    if (IsSymbol("(")) {
      ++next_;
      FC_ASSIGN_OR_RETURN(int inner, ParseOr(depth + 1));
      FC_RETURN_IF_ERROR(Expect(")"));
      return inner;
    }
    return ParseTest();
  }

  Result<std::string> ParseItemReference() {
    FC_RETURN_IF_ERROR(Expect("("));
    if (Peek().kind != TokenKind::kWord)
      return SyntaxError(Peek().position, "condition.syntax_expected_item");
    std::string id = Peek().text;
    ++next_;
    FC_RETURN_IF_ERROR(Expect(")"));
    return id;
  }

  Result<Literal> ParseLiteral() {
    const Token& token = Peek();
    Literal literal;
    if (token.kind == TokenKind::kString) {
      literal.text = token.text;
    } else if (token.kind == TokenKind::kWord && ParseNumber(token.text)) {
      literal.is_number = true;
      literal.number = *ParseNumber(token.text);
    } else {
      return SyntaxError(token.position, "condition.syntax_expected_value");
    }
    ++next_;
    return literal;
  }

  Result<int> ParseTest() {
    if (++tests_ > kMaxConditionTests) {
      return ConditionError("condition.too_many_tests",
                            {{"max", std::to_string(kMaxConditionTests)}});
    }
    Node node;
    node.position = Peek().position;
    if (IsWord("answered")) {
      ++next_;
      node.kind = Node::Kind::kAnswered;
      FC_ASSIGN_OR_RETURN(node.item_id, ParseItemReference());
      return Add(std::move(node));
    }
    if (IsWord("answer")) {
      ++next_;
      node.operand = Node::Operand::kAnswer;
      FC_ASSIGN_OR_RETURN(node.item_id, ParseItemReference());
    } else if (IsWord("category")) {
      ++next_;
      node.operand = Node::Operand::kCategory;
    } else if (IsWord("size")) {
      ++next_;
      node.operand = Node::Operand::kSize;
    } else {
      return SyntaxError(Peek().position, "condition.syntax_expected_test");
    }
    if (IsWord("contains")) {
      ++next_;
      node.kind = Node::Kind::kContains;
      FC_ASSIGN_OR_RETURN(auto literal, ParseLiteral());
      node.literals.push_back(std::move(literal));
      return Add(std::move(node));
    }
    if (IsWord("in")) {
      ++next_;
      node.kind = Node::Kind::kIn;
      FC_RETURN_IF_ERROR(Expect("["));
      while (true) {
        if (node.literals.size() >= kMaxConditionBytes / 2) {
          return SyntaxError(Peek().position, "condition.syntax_list_too_long");
        }
        FC_ASSIGN_OR_RETURN(auto literal, ParseLiteral());
        node.literals.push_back(std::move(literal));
        if (IsSymbol("]")) break;
        FC_RETURN_IF_ERROR(Expect(","));
      }
      ++next_;
      return Add(std::move(node));
    }
    if (Peek().kind == TokenKind::kSymbol &&
        (Peek().text == "==" || Peek().text == "!=" || Peek().text == "<" || Peek().text == "<=" ||
         Peek().text == ">" || Peek().text == ">=")) {
      node.kind = Node::Kind::kCompare;
      node.op = Peek().text;
      ++next_;
      FC_ASSIGN_OR_RETURN(auto literal, ParseLiteral());
      node.literals.push_back(std::move(literal));
      return Add(std::move(node));
    }
    return SyntaxError(Peek().position, "condition.syntax_expected_comparison");
  }

  std::vector<Token> tokens_;
  std::size_t next_ = 0;
  int tests_ = 0;
  std::vector<Node> nodes_;
};

int SizeRank(std::string_view name) {
  auto tier = ParseSizeTier(name);
  return tier ? static_cast<int>(*tier) : -1;
}

bool Compare(double left, std::string_view op, double right) {
  if (op == "==") return left == right;
  if (op == "!=") return left != right;
  if (op == "<") return left < right;
  if (op == "<=") return left <= right;
  if (op == ">") return left > right;
  return left >= right;
}

bool CompareText(std::string_view left, std::string_view op, std::string_view right) {
  return op == "==" ? left == right : left != right;
}

// The text form of an answer for string tests; nullopt for numeric or list answers.
std::optional<std::string> AnswerText(const AnswerValue& value) {
  if (std::holds_alternative<NotApplicable>(value)) return "not_applicable";
  if (const auto* yes_no = std::get_if<YesNo>(&value)) return std::string(YesNoName(*yes_no));
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  return std::nullopt;
}

std::optional<double> AnswerNumber(const AnswerValue& value) {
  if (const auto* level = std::get_if<int>(&value)) return *level;
  if (const auto* number = std::get_if<double>(&value)) return *number;
  return std::nullopt;
}

bool EvaluateTest(const Node& node, const Respondent& respondent,
                  const std::function<const AnswerValue*(int)>& answer_at) {
  using Kind = Node::Kind;
  using Operand = Node::Operand;
  if (node.kind == Kind::kAnswered) return answer_at(node.item_index) != nullptr;
  const auto matches = [&](const Literal& literal, std::string_view op) -> bool {
    switch (node.operand) {
      case Operand::kCategory:
        return CompareText(respondent.category, op, literal.text);
      case Operand::kSize:
        return Compare(static_cast<int>(respondent.size), op, SizeRank(literal.text));
      case Operand::kAnswer: {
        const AnswerValue* value = answer_at(node.item_index);
        if (value == nullptr) return false;
        if (literal.is_number) {
          auto number = AnswerNumber(*value);
          return number && Compare(*number, op, literal.number);
        }
        auto text = AnswerText(*value);
        return text && CompareText(*text, op, literal.text);
      }
    }
    return false;
  };
  if (node.kind == Kind::kCompare) {
    if (node.operand == Operand::kAnswer && answer_at(node.item_index) == nullptr) return false;
    return matches(node.literals.front(), node.op);
  }
  if (node.kind == Kind::kIn) {
    return std::any_of(node.literals.begin(), node.literals.end(),
                       [&](const Literal& literal) { return matches(literal, "=="); });
  }
  // kContains
  const AnswerValue* value = answer_at(node.item_index);
  if (value == nullptr) return false;
  const auto* ids = std::get_if<std::vector<std::string>>(value);
  return ids != nullptr &&
         std::find(ids->begin(), ids->end(), node.literals.front().text) != ids->end();
}

bool EvaluateNode(const std::vector<Node>& nodes, int index, const Respondent& respondent,
                  const std::function<const AnswerValue*(int)>& answer_at) {
  const Node& node = nodes[index];
  switch (node.kind) {
    case Node::Kind::kOr:
      return std::any_of(node.children.begin(), node.children.end(), [&](int child) {
        return EvaluateNode(nodes, child, respondent, answer_at);
      });
    case Node::Kind::kAnd:
      return std::all_of(node.children.begin(), node.children.end(), [&](int child) {
        return EvaluateNode(nodes, child, respondent, answer_at);
      });
    case Node::Kind::kNot:
      return !EvaluateNode(nodes, node.children.front(), respondent, answer_at);
    default:
      return EvaluateTest(node, respondent, answer_at);
  }
}

bool IsOrdering(std::string_view op) { return op != "==" && op != "!="; }

}  // namespace

Result<Condition> Condition::Parse(std::string_view text) {
  if (text.size() > kMaxConditionBytes) {
    return ConditionError("condition.too_long", {{"max", std::to_string(kMaxConditionBytes)}});
  }
  FC_ASSIGN_OR_RETURN(auto tokens, Tokenize(text));
  if (tokens.size() == 1) return SyntaxError(0, "condition.syntax_empty");
  Parser parser(std::move(tokens));
  FC_ASSIGN_OR_RETURN(auto nodes, parser.Run());
  Condition condition;
  condition.nodes_ = std::make_shared<const std::vector<Node>>(std::move(nodes));
  return condition;
}

std::vector<ConditionProblem> Condition::Bind(
    int own_index, const std::function<std::optional<ReferencedItem>(std::string_view)>& resolve,
    const std::vector<std::string>& known_categories) {
  std::vector<ConditionProblem> problems;
  auto nodes = *nodes_;
  const auto problem = [&](const Node& node, std::string rule, std::string_view code,
                           ProblemParams params = {}) {
    params.insert(params.begin(), {"position", std::to_string(node.position)});
    std::string message = ProblemText(code, params);
    problems.push_back({std::move(rule), std::move(message), std::string(code), std::move(params)});
  };
  for (auto& node : nodes) {
    using Kind = Node::Kind;
    if (node.kind == Kind::kOr || node.kind == Kind::kAnd || node.kind == Kind::kNot) continue;
    const bool is_answer = node.kind == Kind::kAnswered || node.operand == Node::Operand::kAnswer;
    if (!is_answer) {
      if (node.kind == Kind::kContains) {
        problem(node, "type_mismatch", "condition.contains_needs_answer");
        continue;
      }
      for (const auto& literal : node.literals) {
        if (literal.is_number) {
          problem(node, "type_mismatch", "condition.quoted_names");
        } else if (node.operand == Node::Operand::kSize && SizeRank(literal.text) < 0) {
          problem(node, "unknown_value", "condition.unknown_size", {{"value", literal.text}});
        } else if (node.operand == Node::Operand::kCategory && !known_categories.empty() &&
                   std::find(known_categories.begin(), known_categories.end(), literal.text) ==
                       known_categories.end()) {
          problem(node, "unknown_value", "condition.unknown_category", {{"value", literal.text}});
        }
      }
      if (node.operand == Node::Operand::kCategory && node.kind == Kind::kCompare &&
          IsOrdering(node.op)) {
        problem(node, "type_mismatch", "condition.category_operators");
      }
      continue;
    }
    const auto referenced = resolve(node.item_id);
    if (!referenced) {
      problem(node, "unknown_item", "condition.unknown_item", {{"item", node.item_id}});
      continue;
    }
    if (referenced->index >= own_index) {
      problem(node, "later_item", "condition.later_item", {{"item", node.item_id}});
      continue;
    }
    node.item_index = referenced->index;
    node.item_type = referenced->type;
    if (node.kind == Kind::kAnswered) continue;
    const AnswerType type = referenced->type;
    if (node.kind == Kind::kContains) {
      if (type != AnswerType::kMultipleChoice) {
        problem(node, "type_mismatch", "condition.contains_needs_multiple");
      } else if (node.literals.front().is_number ||
                 std::find(referenced->choice_ids.begin(), referenced->choice_ids.end(),
                           node.literals.front().text) == referenced->choice_ids.end()) {
        problem(node, "unknown_value", "condition.no_such_choice", {{"item", node.item_id}});
      }
      continue;
    }
    const bool numeric = type == AnswerType::kMaturity || type == AnswerType::kNumber;
    if (type == AnswerType::kMultipleChoice || type == AnswerType::kText ||
        type == AnswerType::kEvidence) {
      problem(
          node, "type_mismatch",
          type == AnswerType::kMultipleChoice ? "condition.use_contains" : "condition.use_answered",
          {{"item", node.item_id}, {"type", std::string(AnswerTypeName(type))}});
      continue;
    }
    if (!numeric && node.kind == Kind::kCompare && IsOrdering(node.op)) {
      problem(node, "type_mismatch", "condition.equality_only",
              {{"item", node.item_id}, {"type", std::string(AnswerTypeName(type))}});
      continue;
    }
    for (const auto& literal : node.literals) {
      if (numeric != literal.is_number) {
        problem(node, "type_mismatch",
                numeric ? "condition.compare_number" : "condition.compare_quoted",
                {{"item", node.item_id}, {"type", std::string(AnswerTypeName(type))}});
        break;
      }
      if (type == AnswerType::kMaturity &&
          (literal.number < 0 || literal.number > kMaxMaturityLevel)) {
        problem(node, "unknown_value", "condition.maturity_range");
      } else if (type == AnswerType::kYesNo && literal.text != "not_applicable" &&
                 !ParseYesNo(literal.text)) {
        problem(node, "unknown_value", "condition.unknown_yes_no", {{"value", literal.text}});
      } else if (type == AnswerType::kSingleChoice && literal.text != "not_applicable" &&
                 std::find(referenced->choice_ids.begin(), referenced->choice_ids.end(),
                           literal.text) == referenced->choice_ids.end()) {
        problem(node, "unknown_value", "condition.unknown_choice",
                {{"item", node.item_id}, {"value", literal.text}});
      }
    }
  }
  if (problems.empty()) nodes_ = std::make_shared<const std::vector<Node>>(std::move(nodes));
  return problems;
}

bool Condition::Evaluate(const Respondent& respondent,
                         const std::function<const AnswerValue*(int)>& answer_at) const {
  return EvaluateNode(*nodes_, static_cast<int>(nodes_->size()) - 1, respondent, answer_at);
}

std::vector<std::string> Condition::ReferencedIds() const {
  std::vector<std::string> ids;
  for (const auto& node : *nodes_) {
    if (!node.item_id.empty()) ids.push_back(node.item_id);
  }
  return ids;
}

}  // namespace fincyber::survey
