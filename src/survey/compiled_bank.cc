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
      Add("bank", "too_many", "bank.too_many_sections", {{"max", std::to_string(kMaxSections)}});
      return std::move(problems_);
    }
    for (const auto& section : bank_.sections) {
      const std::string where = fmt::format("section {}", section.id);
      if (!IsValidId(section.id)) Add(where, "bad_id", "bank.bad_section_id");
      if (!section_ids.insert(section.id).second)
        Add(where, "duplicate_id", "bank.duplicate_section_id");
      CheckText(where, "title", section.title, true);
      if (section.items.empty()) Add(where, "required", "bank.empty_section");
      for (const auto& item : section.items) {
        if (index >= kMaxItems) {
          Add("bank", "too_many", "bank.too_many_items", {{"max", std::to_string(kMaxItems)}});
          return std::move(problems_);
        }
        const std::string item_where = fmt::format("item {}", item.id);
        CheckItem(item_where, item);
        std::optional<Condition> condition;
        if (!item.condition.empty()) {
          auto parsed = Condition::Parse(item.condition);
          if (!parsed.ok()) {
            // Condition::Parse names its problem in its one detail.
            for (const auto& detail : parsed.error().details()) {
              Add(item_where, "bad_condition", detail.code, detail.params);
            }
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
              Add(item_where, problem.rule, problem.code, problem.params);
            }
          }
        }
        if (conditions != nullptr) conditions->push_back(std::move(condition));
        if (!earlier.contains(item.id)) {
          ReferencedItem referenced{index, item.type, {}};
          for (const auto& choice : item.choices) referenced.choice_ids.push_back(choice.id);
          earlier.emplace(item.id, std::move(referenced));
        } else {
          Add(item_where, "duplicate_id", "bank.duplicate_item_id");
        }
        ++index;
      }
    }
    return std::move(problems_);
  }

 private:
  void Add(const std::string& where, std::string rule, std::string_view code,
           ProblemParams params = {}) {
    std::string message = ProblemText(code, params);
    problems_.push_back(
        {where, std::move(rule), std::move(message), std::string(code), std::move(params)});
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
    const bool ja = language == "Japanese";
    if (text.size() > kMaxTextBytes) {
      Add(where, "out_of_range", ja ? "bank.text_too_long_ja" : "bank.text_too_long_en",
          {{"field", std::string(field)}, {"max", std::to_string(kMaxTextBytes)}});
    } else if (FindInvalidUtf8(text)) {
      Add(where, "wrong_type", ja ? "bank.text_bad_utf8_ja" : "bank.text_bad_utf8_en",
          {{"field", std::string(field)}});
    } else if (required && text.empty()) {
      Add(where, "missing_text", ja ? "bank.text_missing_ja" : "bank.text_missing_en",
          {{"field", std::string(field)}});
    }
  }

  // Published banks need both languages; a draft needs at least one.
  void CheckText(const std::string& where, std::string_view field, const Text& text,
                 bool required) {
    const bool need_both = required && !draft_;
    CheckOneText(where, field, "Japanese", text.ja, need_both);
    CheckOneText(where, field, "English", text.en, need_both);
    if (required && draft_ && text.empty()) {
      Add(where, "missing_text", "bank.text_missing", {{"field", std::string(field)}});
    }
  }

  void CheckLevels(const std::string& where, const std::vector<Text>& levels) {
    if (levels.size() != kMaxMaturityLevel + 1) {
      Add(where, "bad_levels", "bank.level_count");
      return;
    }
    for (std::size_t level = 0; level < levels.size(); ++level) {
      CheckText(where, fmt::format("level {}", level), levels[level], true);
    }
  }

  void CheckBank() {
    if (!IsValidId(bank_.id)) Add("bank", "bad_id", "bank.bad_bank_id");
    if (bank_.version.empty() || bank_.version.size() > 64) {
      Add("bank", "required", "bank.version");
    }
    CheckText("bank", "title", bank_.title, true);
    CheckText("bank", "description", bank_.description, false);
    if (bank_.target_level < 1 || bank_.target_level > kMaxMaturityLevel) {
      Add("bank", "out_of_range", "bank.target_level");
    }
    if (!bank_.maturity_scale.empty()) CheckLevels("bank", bank_.maturity_scale);
    if (bank_.sections.empty()) Add("bank", "required", "bank.no_sections");
  }

  void CheckItem(const std::string& where, const Item& item) {
    if (!IsValidId(item.id)) Add(where, "bad_id", "bank.bad_item_id");
    CheckText(where, "text", item.text, true);
    CheckText(where, "help", item.help, false);
    if (!(item.weight > 0 && item.weight <= kMaxWeight)) {
      Add(where, "out_of_range", "bank.weight", {{"max", fmt::format("{}", kMaxWeight)}});
    }
    if (item.level < 1 || item.level > kMaxMaturityLevel) {
      Add(where, "out_of_range", "bank.item_level");
    }
    CheckTags(where, item);
    switch (item.type) {
      case AnswerType::kMaturity:
        if (!item.levels.empty()) {
          CheckLevels(where, item.levels);
        } else if (bank_.maturity_scale.empty()) {
          Add(where, "bad_levels", "bank.no_levels");
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
      Add(where, "bad_levels", "bank.levels_not_maturity");
    }
    if (item.type != AnswerType::kSingleChoice && item.type != AnswerType::kMultipleChoice &&
        !item.choices.empty()) {
      Add(where, "bad_choice", "bank.choices_not_choice");
    }
    if (item.type != AnswerType::kNumber && item.number) {
      Add(where, "missing_range", "bank.range_not_number");
    }
  }

  void CheckTags(const std::string& where, const Item& item) {
    std::set<Threat> threats(item.threats.begin(), item.threats.end());
    if (threats.size() != item.threats.size()) Add(where, "duplicate_tag", "bank.threat_twice");
    if (static_cast<int>(item.csf.size()) > kMaxCsfRefs) {
      Add(where, "too_many", "bank.too_many_csf", {{"max", std::to_string(kMaxCsfRefs)}});
      return;
    }
    std::set<std::string> csf;
    for (const auto& ref : item.csf) {
      if (!IsCsf2Subcategory(ref)) {
        Add(where, "unknown_csf", "bank.unknown_csf", {{"ref", ref.substr(0, 32)}});
      } else if (!csf.insert(ref).second) {
        Add(where, "duplicate_tag", "bank.csf_twice", {{"ref", ref}});
      }
    }
  }

  void CheckChoices(const std::string& where, const Item& item) {
    if (item.choices.size() < 2) {
      Add(where, "missing_choices", "bank.too_few_choices");
      return;
    }
    if (static_cast<int>(item.choices.size()) > kMaxChoices) {
      Add(where, "too_many", "bank.too_many_choices", {{"max", std::to_string(kMaxChoices)}});
      return;
    }
    std::set<std::string> ids;
    for (const auto& choice : item.choices) {
      if (!IsValidId(choice.id) || choice.id == "not_applicable") {
        Add(where, "bad_choice", "bank.bad_choice_id", {{"choice", choice.id.substr(0, 64)}});
      } else if (!ids.insert(choice.id).second) {
        Add(where, "duplicate_id", "bank.duplicate_choice_id", {{"choice", choice.id}});
      }
      CheckText(where, fmt::format("choice {}", choice.id.substr(0, 64)), choice.label, true);
      if (choice.credit && !(*choice.credit >= 0 && *choice.credit <= 1)) {
        Add(where, "out_of_range", "bank.choice_credit", {{"choice", choice.id}});
      }
    }
  }

  void CheckNumber(const std::string& where, const Item& item) {
    if (!item.number) {
      Add(where, "missing_range", "bank.no_range");
      return;
    }
    const NumberSpec& spec = *item.number;
    if (!std::isfinite(spec.min) || !std::isfinite(spec.max) || spec.min > spec.max) {
      Add(where, "missing_range", "bank.min_above_max");
    }
    CheckText(where, "unit", spec.unit, false);
    for (const auto& bound : {spec.met_min, spec.met_max}) {
      if (bound && !(*bound >= spec.min && *bound <= spec.max)) {
        Add(where, "out_of_range", "bank.met_outside_range");
      }
    }
    if (spec.met_min && spec.met_max && *spec.met_min > *spec.met_max) {
      Add(where, "out_of_range", "bank.met_min_above_max");
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
    details.push_back({problem.where, fmt::format("{}: {}", problem.rule, problem.message),
                       problem.code, problem.params});
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
