#include "survey/answers.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "base/utf8.h"

namespace fincyber::survey {
namespace {

Error Bad(const Item& item, std::string problem) {
  return InvalidArgument(fmt::format("answer to item '{}': {}", item.id, problem),
                         {{item.id, std::move(problem)}});
}

// Why an evidence item takes no value: its files are its answer.
constexpr std::string_view kEvidenceByFiles = "answered by uploading files";

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
      return Bad(item, "not applicable is not allowed for this item");
    }
    return OkStatus();
  }
  switch (item.type) {
    case AnswerType::kMaturity: {
      const int* level = std::get_if<int>(&value);
      if (level == nullptr) return Bad(item, "expected a maturity level 0-4");
      if (*level < 0 || *level > kMaxMaturityLevel) {
        return Bad(item, fmt::format("maturity level {} is outside 0-4", *level));
      }
      return OkStatus();
    }
    case AnswerType::kYesNo:
      if (!std::holds_alternative<YesNo>(value)) {
        return Bad(item, "expected yes, no or compensating");
      }
      return OkStatus();
    case AnswerType::kNumber: {
      const double* number = std::get_if<double>(&value);
      if (number == nullptr || !std::isfinite(*number)) return Bad(item, "expected a number");
      if (item.number && (*number < item.number->min || *number > item.number->max)) {
        return Bad(item,
                   fmt::format("{} is outside {}-{}", *number, item.number->min, item.number->max));
      }
      return OkStatus();
    }
    case AnswerType::kSingleChoice: {
      const std::string* id = std::get_if<std::string>(&value);
      if (id == nullptr) return Bad(item, "expected one choice id");
      if (!HasChoice(item, *id)) return Bad(item, "unknown choice");
      return OkStatus();
    }
    case AnswerType::kMultipleChoice: {
      const auto* ids = std::get_if<std::vector<std::string>>(&value);
      if (ids == nullptr) return Bad(item, "expected a list of choice ids");
      std::set<std::string_view> seen;
      for (const auto& id : *ids) {
        if (!HasChoice(item, id)) return Bad(item, "unknown choice");
        if (!seen.insert(id).second) return Bad(item, "choice listed twice");
      }
      return OkStatus();
    }
    case AnswerType::kEvidence: {
      const auto* names = std::get_if<std::vector<std::string>>(&value);
      if (names == nullptr || names->empty()) return Bad(item, std::string(kEvidenceByFiles));
      return OkStatus();
    }
    case AnswerType::kText: {
      const std::string* text = std::get_if<std::string>(&value);
      if (text == nullptr) return Bad(item, "expected text");
      if (text->size() > kMaxTextAnswerBytes) {
        return Bad(item, fmt::format("text longer than {} bytes", kMaxTextAnswerBytes));
      }
      if (FindInvalidUtf8(*text)) return Bad(item, "text is not valid UTF-8");
      return OkStatus();
    }
  }
  return Bad(item, "unknown answer type");
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
        if (!json.is_number_integer()) return Bad(item, "expected a maturity level 0-4");
        if (json.get<std::int64_t>() < 0 || json.get<std::int64_t>() > kMaxMaturityLevel) {
          return Bad(item, "maturity level is outside 0-4");
        }
        value = json.get<int>();
        break;
      case AnswerType::kYesNo: {
        std::optional<YesNo> yes_no;
        if (json.is_string()) yes_no = ParseYesNo(json.get_ref<const std::string&>());
        if (!yes_no) return Bad(item, "expected yes, no, compensating or not_applicable");
        value = *yes_no;
        break;
      }
      case AnswerType::kNumber:
        if (!json.is_number()) return Bad(item, "expected a number");
        value = json.get<double>();
        break;
      case AnswerType::kEvidence:
        return Bad(item, std::string(kEvidenceByFiles));
      case AnswerType::kSingleChoice:
      case AnswerType::kText:
        if (!json.is_string()) return Bad(item, "expected a string");
        value = json.get<std::string>();
        break;
      case AnswerType::kMultipleChoice: {
        if (!json.is_array() || json.size() > item.choices.size()) {
          return Bad(item, "expected a list of choice ids");
        }
        std::vector<std::string> ids;
        for (const auto& id : json) {
          if (!id.is_string()) return Bad(item, "expected a list of choice ids");
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
