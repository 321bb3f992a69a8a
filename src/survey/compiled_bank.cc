#include "survey/compiled_bank.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "base/utf8.h"
#include "survey/csf.h"

namespace fincyber::survey {
namespace {

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(id.front())) return false;
  return std::all_of(id.begin(), id.end(),
                     [&](char c) { return alnum(c) || c == '.' || c == '_' || c == '-'; });
}

class Checker {
 public:
  Checker(const Bank& bank, const BankValidationOptions& options)
      : bank_(bank), options_(options), draft_(bank.status == BankStatus::kDraft) {}

  std::vector<BankProblem> Run(std::vector<std::optional<Condition>>* conditions) {
    CheckBank();
    std::set<std::string> section_ids;
    std::unordered_map<std::string, ReferencedItem> earlier;
    int index = 0;
    if (static_cast<int>(bank_.sections.size()) > kMaxSections) {
      Add("bank", "too_many", fmt::format("more than {} sections", kMaxSections));
      return std::move(problems_);
    }
    for (const auto& section : bank_.sections) {
      const std::string where = fmt::format("section {}", section.id);
      if (!IsValidId(section.id))
        Add(where, "bad_id", "section id must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}");
      if (!section_ids.insert(section.id).second)
        Add(where, "duplicate_id", "section id used twice");
      CheckText(where, "title", section.title, true);
      if (section.items.empty()) Add(where, "required", "a section needs at least one item");
      for (const auto& item : section.items) {
        if (index >= kMaxItems) {
          Add("bank", "too_many", fmt::format("more than {} items", kMaxItems));
          return std::move(problems_);
        }
        const std::string item_where = fmt::format("item {}", item.id);
        CheckItem(item_where, item);
        std::optional<Condition> condition;
        if (!item.condition.empty()) {
          auto parsed = Condition::Parse(item.condition);
          if (!parsed.ok()) {
            Add(item_where, "bad_condition", parsed.error().safe_message());
          } else {
            condition = std::move(parsed).value();
            const auto resolve = [&](std::string_view id) -> std::optional<ReferencedItem> {
              auto found = earlier.find(std::string(id));
              if (found != earlier.end()) return found->second;
              // Later items are reported as such, not as unknown.
              if (ItemExists(id)) return ReferencedItem{index, AnswerType::kText, {}};
              return std::nullopt;
            };
            for (auto& problem : condition->Bind(index, resolve, options_.known_categories)) {
              Add(item_where, problem.rule, problem.message);
            }
          }
        }
        if (conditions != nullptr) conditions->push_back(std::move(condition));
        if (!earlier.contains(item.id)) {
          ReferencedItem referenced{index, item.type, {}};
          for (const auto& choice : item.choices) referenced.choice_ids.push_back(choice.id);
          earlier.emplace(item.id, std::move(referenced));
        } else {
          Add(item_where, "duplicate_id", "item id used twice");
        }
        ++index;
      }
    }
    return std::move(problems_);
  }

 private:
  void Add(const std::string& where, std::string rule, std::string message) {
    problems_.push_back({where, std::move(rule), std::move(message)});
  }

  bool ItemExists(std::string_view id) const {
    for (const auto& section : bank_.sections) {
      for (const auto& item : section.items) {
        if (item.id == id) return true;
      }
    }
    return false;
  }

  void CheckOneText(const std::string& where, std::string_view field, std::string_view language,
                    const std::string& text, bool required) {
    if (text.size() > kMaxTextBytes) {
      Add(where, "out_of_range",
          fmt::format("{} ({}) longer than {} bytes", field, language, kMaxTextBytes));
    } else if (FindInvalidUtf8(text)) {
      Add(where, "wrong_type", fmt::format("{} ({}) is not valid UTF-8", field, language));
    } else if (required && text.empty()) {
      Add(where, "missing_text", fmt::format("{} needs its {} text", field, language));
    }
  }

  // Published banks need both languages; a draft needs at least one.
  void CheckText(const std::string& where, std::string_view field, const Text& text,
                 bool required) {
    const bool need_both = required && !draft_;
    CheckOneText(where, field, "Japanese", text.ja, need_both);
    CheckOneText(where, field, "English", text.en, need_both);
    if (required && draft_ && text.empty()) {
      Add(where, "missing_text", fmt::format("{} needs a Japanese or English text", field));
    }
  }

  void CheckLevels(const std::string& where, const std::vector<Text>& levels) {
    if (levels.size() != kMaxMaturityLevel + 1) {
      Add(where, "bad_levels", "maturity levels need exactly 5 descriptions (0-4)");
      return;
    }
    for (std::size_t level = 0; level < levels.size(); ++level) {
      CheckText(where, fmt::format("level {}", level), levels[level], true);
    }
  }

  void CheckBank() {
    if (!IsValidId(bank_.id))
      Add("bank", "bad_id", "bank id must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    if (bank_.version.empty() || bank_.version.size() > 64) {
      Add("bank", "required", "version must be 1-64 characters");
    }
    CheckText("bank", "title", bank_.title, true);
    CheckText("bank", "description", bank_.description, false);
    if (bank_.target_level < 1 || bank_.target_level > kMaxMaturityLevel) {
      Add("bank", "out_of_range", "target_level must be 1-4");
    }
    if (!bank_.maturity_scale.empty()) CheckLevels("bank", bank_.maturity_scale);
    if (bank_.sections.empty()) Add("bank", "required", "a bank needs at least one section");
  }

  void CheckItem(const std::string& where, const Item& item) {
    if (!IsValidId(item.id))
      Add(where, "bad_id", "item id must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    CheckText(where, "text", item.text, true);
    CheckText(where, "help", item.help, false);
    if (!(item.weight > 0 && item.weight <= kMaxWeight)) {
      Add(where, "out_of_range", fmt::format("weight must be above 0 and at most {}", kMaxWeight));
    }
    if (item.level < 1 || item.level > kMaxMaturityLevel) {
      Add(where, "out_of_range", "level must be 1-4");
    }
    CheckTags(where, item);
    switch (item.type) {
      case AnswerType::kMaturity:
        if (!item.levels.empty()) {
          CheckLevels(where, item.levels);
        } else if (bank_.maturity_scale.empty()) {
          Add(where, "bad_levels",
              "maturity item without levels in a bank without a maturity_scale");
        }
        break;
      case AnswerType::kSingleChoice:
      case AnswerType::kMultipleChoice:
        CheckChoices(where, item);
        break;
      case AnswerType::kNumber:
        CheckNumber(where, item);
        break;
      default:
        break;
    }
    if (item.type != AnswerType::kMaturity && !item.levels.empty()) {
      Add(where, "bad_levels", "only maturity items have levels");
    }
    if (item.type != AnswerType::kSingleChoice && item.type != AnswerType::kMultipleChoice &&
        !item.choices.empty()) {
      Add(where, "bad_choice", "only choice items have choices");
    }
    if (item.type != AnswerType::kNumber && item.number) {
      Add(where, "missing_range", "only number items have a range");
    }
  }

  void CheckTags(const std::string& where, const Item& item) {
    std::set<Threat> threats(item.threats.begin(), item.threats.end());
    if (threats.size() != item.threats.size())
      Add(where, "duplicate_tag", "a threat is listed twice");
    if (static_cast<int>(item.csf.size()) > kMaxCsfRefs) {
      Add(where, "too_many", fmt::format("more than {} CSF references", kMaxCsfRefs));
      return;
    }
    std::set<std::string> csf;
    for (const auto& ref : item.csf) {
      if (!IsCsf2Subcategory(ref)) {
        Add(where, "unknown_csf",
            fmt::format("'{}' is not a NIST CSF 2.0 subcategory", ref.substr(0, 32)));
      } else if (!csf.insert(ref).second) {
        Add(where, "duplicate_tag", fmt::format("CSF reference {} is listed twice", ref));
      }
    }
  }

  void CheckChoices(const std::string& where, const Item& item) {
    if (item.choices.size() < 2) {
      Add(where, "missing_choices", "a choice item needs at least two choices");
      return;
    }
    if (static_cast<int>(item.choices.size()) > kMaxChoices) {
      Add(where, "too_many", fmt::format("more than {} choices", kMaxChoices));
      return;
    }
    std::set<std::string> ids;
    for (const auto& choice : item.choices) {
      if (!IsValidId(choice.id) || choice.id == "not_applicable") {
        Add(where, "bad_choice",
            fmt::format("choice id '{}' is not allowed", choice.id.substr(0, 64)));
      } else if (!ids.insert(choice.id).second) {
        Add(where, "duplicate_id", fmt::format("choice id '{}' used twice", choice.id));
      }
      CheckText(where, fmt::format("choice {}", choice.id.substr(0, 64)), choice.label, true);
      if (choice.credit && !(*choice.credit >= 0 && *choice.credit <= 1)) {
        Add(where, "out_of_range", fmt::format("credit of choice '{}' must be 0-1", choice.id));
      }
    }
  }

  void CheckNumber(const std::string& where, const Item& item) {
    if (!item.number) {
      Add(where, "missing_range", "a number item needs min and max");
      return;
    }
    const NumberSpec& spec = *item.number;
    if (!std::isfinite(spec.min) || !std::isfinite(spec.max) || spec.min > spec.max) {
      Add(where, "missing_range", "min must not exceed max");
    }
    CheckText(where, "unit", spec.unit, false);
    for (const auto& bound : {spec.met_min, spec.met_max}) {
      if (bound && !(*bound >= spec.min && *bound <= spec.max)) {
        Add(where, "out_of_range", "met_min and met_max must lie within min and max");
      }
    }
    if (spec.met_min && spec.met_max && *spec.met_min > *spec.met_max) {
      Add(where, "out_of_range", "met_min must not exceed met_max");
    }
  }

  const Bank& bank_;
  const BankValidationOptions& options_;
  const bool draft_;
  std::vector<BankProblem> problems_;
};

}  // namespace

std::string BankProblem::ToString() const {
  return fmt::format("{}: {}: {}", where, rule, message);
}

std::vector<BankProblem> ValidateBank(const Bank& bank, const BankValidationOptions& options) {
  return Checker(bank, options).Run(nullptr);
}

Error BankProblemsError(const std::vector<BankProblem>& problems) {
  std::vector<FieldProblem> details;
  for (const auto& problem : problems) {
    details.push_back({problem.where, fmt::format("{}: {}", problem.rule, problem.message)});
  }
  return InvalidArgument(
      fmt::format("question bank has {} problem{}: {}", problems.size(),
                  problems.size() == 1 ? "" : "s",
                  problems.empty() ? std::string() : problems.front().ToString()),
      std::move(details));
}

Result<CompiledBank> CompiledBank::Compile(Bank bank, const BankValidationOptions& options) {
  CompiledBank compiled;
  auto problems = Checker(bank, options).Run(&compiled.conditions_);
  if (!problems.empty()) return BankProblemsError(problems);
  compiled.bank_ = std::move(bank);
  const auto& sections = compiled.bank_.sections;
  for (int s = 0; s < static_cast<int>(sections.size()); ++s) {
    for (int i = 0; i < static_cast<int>(sections[s].items.size()); ++i) {
      const Item& item = sections[s].items[i];
      compiled.index_.emplace(item.id, static_cast<int>(compiled.positions_.size()));
      compiled.positions_.emplace_back(s, i);
      compiled.fingerprints_.push_back(MeaningFingerprint(item, compiled.bank_));
    }
  }
  return compiled;
}

const Item& CompiledBank::item(int index) const {
  const auto [section, item] = positions_[index];
  return bank_.sections[section].items[item];
}

std::optional<int> CompiledBank::IndexOf(std::string_view id) const {
  auto found = index_.find(std::string(id));
  if (found == index_.end()) return std::nullopt;
  return found->second;
}

const Condition* CompiledBank::condition(int index) const {
  const auto& condition = conditions_[index];
  return condition ? &*condition : nullptr;
}

}  // namespace fincyber::survey
