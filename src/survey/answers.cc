#include "survey/answers.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "base/utf8.h"
#include "survey/problems.h"

namespace fincyber::survey {
namespace {

// The problem under the item's id, coded (problems.h) so the questionnaire and a workbook
// row word it in the UI language.
Error Bad(const Item& item, std::string_view code, ProblemParams params = {}) {
  FieldProblem problem = Problem(item.id, code, std::move(params));
  std::string message = fmt::format("answer to item '{}': {}", item.id, problem.problem);
  return InvalidArgument(std::move(message), {std::move(problem)});
}

bool HasChoice(const Item& item, std::string_view id) {
  return std::any_of(item.choices.begin(), item.choices.end(),
                     [&](const Choice& choice) { return choice.id == id; });
}

}  // namespace

std::string_view YesNoName(YesNo value) {
  switch (value) {
    case YesNo::kYes:
      return "yes";
    case YesNo::kNo:
      return "no";
    case YesNo::kCompensating:
      return "compensating";
  }
  return "no";
}

std::optional<YesNo> ParseYesNo(std::string_view name) {
  if (name == "yes") return YesNo::kYes;
  if (name == "no") return YesNo::kNo;
  if (name == "compensating") return YesNo::kCompensating;
  return std::nullopt;
}

Status CheckAnswer(const Item& item, const AnswerValue& value) {
  if (std::holds_alternative<NotApplicable>(value)) {
    if (!IsScored(item) || !item.allow_not_applicable) {
      return Bad(item, "answer.not_applicable_not_allowed");
    }
    return OkStatus();
  }
  switch (item.type) {
    case AnswerType::kMaturity: {
      const int* level = std::get_if<int>(&value);
      if (level == nullptr) return Bad(item, "answer.expected_maturity");
      if (*level < 0 || *level > kMaxMaturityLevel) {
        return Bad(item, "answer.maturity_outside", {{"level", std::to_string(*level)}});
      }
      return OkStatus();
    }
    case AnswerType::kYesNo:
      if (!std::holds_alternative<YesNo>(value)) {
        return Bad(item, "answer.expected_yes_no");
      }
      return OkStatus();
    case AnswerType::kNumber: {
      const double* number = std::get_if<double>(&value);
      if (number == nullptr || !std::isfinite(*number)) return Bad(item, "answer.expected_number");
      if (item.number && (*number < item.number->min || *number > item.number->max)) {
        return Bad(item, "answer.number_outside",
                   {{"value", fmt::format("{}", *number)},
                    {"min", fmt::format("{}", item.number->min)},
                    {"max", fmt::format("{}", item.number->max)}});
      }
      return OkStatus();
    }
    case AnswerType::kSingleChoice: {
      const std::string* id = std::get_if<std::string>(&value);
      if (id == nullptr) return Bad(item, "answer.expected_choice");
      if (!HasChoice(item, *id)) return Bad(item, "answer.unknown_choice");
      return OkStatus();
    }
    case AnswerType::kMultipleChoice: {
      const auto* ids = std::get_if<std::vector<std::string>>(&value);
      if (ids == nullptr) return Bad(item, "answer.expected_choice_list");
      std::set<std::string_view> seen;
      for (const auto& id : *ids) {
        if (!HasChoice(item, id)) return Bad(item, "answer.unknown_choice");
        if (!seen.insert(id).second) return Bad(item, "answer.choice_twice");
      }
      return OkStatus();
    }
    case AnswerType::kEvidence: {
      const auto* names = std::get_if<std::vector<std::string>>(&value);
      if (names == nullptr || names->empty()) return Bad(item, "answer.evidence_by_upload");
      return OkStatus();
    }
    case AnswerType::kText: {
      const std::string* text = std::get_if<std::string>(&value);
      if (text == nullptr) return Bad(item, "answer.expected_text");
      if (text->size() > kMaxTextAnswerBytes) {
        return Bad(item, "answer.text_too_long", {{"max", std::to_string(kMaxTextAnswerBytes)}});
      }
      if (FindInvalidUtf8(*text)) return Bad(item, "answer.text_bad_utf8");
      return OkStatus();
    }
  }
  return Bad(item, "answer.unknown_type");
}

Json AnswerToJson(const AnswerValue& value) {
  struct Visitor {
    Json operator()(const NotApplicable&) const { return "not_applicable"; }
    Json operator()(int level) const { return level; }
    Json operator()(YesNo yes_no) const { return std::string(YesNoName(yes_no)); }
    Json operator()(double number) const { return number; }
    Json operator()(const std::string& text) const { return text; }
    Json operator()(const std::vector<std::string>& ids) const { return ids; }
  };
  return std::visit(Visitor{}, value);
}

Result<AnswerValue> AnswerFromJson(const Item& item, const Json& json) {
  AnswerValue value;
  if (json.is_string() && json.get_ref<const std::string&>() == "not_applicable" &&
      IsScored(item)) {  // choice ids may not be "not_applicable" (CompiledBank)
    value = NotApplicable{};
  } else {
    switch (item.type) {
      case AnswerType::kMaturity:
        if (!json.is_number_integer()) return Bad(item, "answer.expected_maturity");
        if (json.get<std::int64_t>() < 0 || json.get<std::int64_t>() > kMaxMaturityLevel) {
          return Bad(item, "answer.maturity_outside",
                     {{"level", std::to_string(json.get<std::int64_t>())}});
        }
        value = json.get<int>();
        break;
      case AnswerType::kYesNo: {
        std::optional<YesNo> yes_no;
        if (json.is_string()) yes_no = ParseYesNo(json.get_ref<const std::string&>());
        if (!yes_no) return Bad(item, "answer.expected_yes_no_name");
        value = *yes_no;
        break;
      }
      case AnswerType::kNumber:
        if (!json.is_number()) return Bad(item, "answer.expected_number");
        value = json.get<double>();
        break;
      case AnswerType::kEvidence:
        return Bad(item, "answer.evidence_by_upload");
      case AnswerType::kSingleChoice:
      case AnswerType::kText:
        if (!json.is_string()) return Bad(item, "answer.expected_string");
        value = json.get<std::string>();
        break;
      case AnswerType::kMultipleChoice: {
        if (!json.is_array() || json.size() > item.choices.size()) {
          return Bad(item, "answer.expected_choice_list");
        }
        std::vector<std::string> ids;
        for (const auto& id : json) {
          if (!id.is_string()) return Bad(item, "answer.expected_choice_list");
          ids.push_back(id.get<std::string>());
        }
        value = std::move(ids);
        break;
      }
    }
  }
  FC_RETURN_IF_ERROR(CheckAnswer(item, value));
  return value;
}

}  // namespace fincyber::survey
