// The condition language that decides whether an item is shown.
//
//   condition := or
//   or        := and ("or" and)*
//   and       := unary ("and" unary)*
//   unary     := "not" unary | "(" or ")" | test
//   test      := "answered" "(" ITEM ")"
//              | "answer" "(" ITEM ")" "contains" STRING        multiple choice
//              | operand COMPARE literal
//              | operand "in" "[" literal ("," literal)* "]"
//   operand   := "answer" "(" ITEM ")" | "category" | "size"
//   COMPARE   := "==" | "!=" | "<" | "<=" | ">" | ">="
//   literal   := STRING ("..." with \" and \\ escapes) | NUMBER
//
// Examples: `category in ["regional_bank", "shinkin_bank"]`, `size >= "medium"`,
// `answer(svc.internet_banking) == "yes" and not answer(id.assets) < 2`.
//
// Types are checked when the condition is bound to a bank: maturity and number answers
// compare with numbers; yes/no with "yes", "no", "compensating", "not_applicable";
// single choice with its choice ids (== != in); multiple choice only with `contains`;
// text and evidence only with answered(). `category` takes == != in; `size` also orders
// ("small" < "medium" < "large"). An item may only refer to items before it.
//
// Evaluation: a test on an item that is hidden or unanswered is false (so `not` of it is
// true); a not-applicable answer equals only "not_applicable". Input is capped at
// kMaxConditionBytes, kMaxConditionDepth nested levels and kMaxConditionTests tests, so
// parsing and evaluation are bounded.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "survey/answers.h"
#include "survey/bank.h"
#include "survey/problems.h"

namespace fincyber::survey {

inline constexpr std::size_t kMaxConditionBytes = 1024;
inline constexpr int kMaxConditionDepth = 16;
inline constexpr int kMaxConditionTests = 32;

// What a condition needs to know about an item it refers to.
struct ReferencedItem {
  int index = 0;  // document order in the bank
  AnswerType type = AnswerType::kYesNo;
  std::vector<std::string> choice_ids;
};

// One problem found while binding: `rule` is stable ("unknown_item", "later_item",
// "type_mismatch", "unknown_value"), `message` says what and where, and `code` with
// `params` name it for translation (problems.h).
struct ConditionProblem {
  std::string rule;
  std::string message;
  std::string code;
  ProblemParams params;
};

class Condition {
 public:
  // Syntax only. InvalidArgument "condition: position N: expected ..." (N counts bytes
  // from 0), or naming the limit exceeded; its one detail (field "condition") carries
  // the problem's code and parameters (problems.h).
  static Result<Condition> Parse(std::string_view text);

  // Resolves item references through `resolve` (nullopt: no such item) and checks types
  // and literals. `own_index` is the position of the item carrying the condition; only
  // earlier items may be referred to. `known_categories`, when not empty, are the only
  // category values accepted.
  std::vector<ConditionProblem> Bind(
      int own_index, const std::function<std::optional<ReferencedItem>(std::string_view)>& resolve,
      const std::vector<std::string>& known_categories);

  // Precondition: Bind returned no problems. `answer_at(index)` gives the answer to the
  // item at that position, or null when it is hidden or unanswered.
  bool Evaluate(const Respondent& respondent,
                const std::function<const AnswerValue*(int)>& answer_at) const;

  // Ids of the items referred to, in order of appearance (with repeats).
  std::vector<std::string> ReferencedIds() const;

  struct Node;

 private:
  std::shared_ptr<const std::vector<Node>> nodes_;  // immutable once bound; root is last
};

}  // namespace fincyber::survey
