// Validation of a bank and its checked, indexed form that scoring and analytics use.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "survey/bank.h"
#include "survey/condition.h"
#include "survey/problems.h"

namespace fincyber::survey {

// Size caps, so that a hostile bank cannot make later steps slow.
inline constexpr int kMaxSections = 200;
inline constexpr int kMaxItems = 2000;
inline constexpr int kMaxChoices = 50;
inline constexpr int kMaxCsfRefs = 20;
inline constexpr std::size_t kMaxTextBytes = 4000;

// One thing wrong with a bank. `where` is "bank", "section <id>" or "item <id>";
// `rule` is stable, one of: bad_id, duplicate_id, required, missing_text, out_of_range,
// bad_levels, missing_choices, bad_choice, missing_range, unknown_csf, duplicate_tag,
// too_many, bad_condition, unknown_item, later_item, type_mismatch, unknown_value
// (and, from bank_format.h, unknown_tag, unknown_field, wrong_type).
// `code` and `params` name the problem for translation (problems.h); `message` is its
// English text.
struct BankProblem {
  std::string where;
  std::string rule;
  std::string message;
  std::string code = {};
  ProblemParams params = {};
  std::string ToString() const;  // "item id.assets: missing_text: Japanese text required"
  bool operator==(const BankProblem&) const = default;
};

struct BankValidationOptions {
  // Business categories conditions may name; empty accepts any.
  std::vector<std::string> known_categories;
};

// Every problem of `bank`, in document order. Texts need both languages unless the
// bank is a draft (then one language suffices, so imports can be translated later).
std::vector<BankProblem> ValidateBank(const Bank& bank, const BankValidationOptions& options = {});

// The InvalidArgument that lists `problems` (details: where -> "rule: message", with the
// problem's code and parameters).
Error BankProblemsError(const std::vector<BankProblem>& problems);

// A bank that passed validation, with its items in document order, conditions parsed
// and bound, and each item's meaning fingerprint. Immutable and copyable; safe to share
// between threads.
class CompiledBank {
 public:
  // InvalidArgument (BankProblemsError) when ValidateBank finds anything.
  static Result<CompiledBank> Compile(Bank bank, const BankValidationOptions& options = {});

  const Bank& bank() const { return bank_; }
  int item_count() const { return static_cast<int>(positions_.size()); }
  const Item& item(int index) const;
  int section_of(int index) const { return positions_[index].first; }
  std::optional<int> IndexOf(std::string_view id) const;
  // Null when the item is always shown.
  const Condition* condition(int index) const;
  const std::string& fingerprint(int index) const { return fingerprints_[index]; }

 private:
  Bank bank_;
  std::vector<std::pair<int, int>> positions_;  // (section, item within section)
  std::unordered_map<std::string, int> index_;
  std::vector<std::optional<Condition>> conditions_;
  std::vector<std::string> fingerprints_;
};

}  // namespace fincyber::survey
