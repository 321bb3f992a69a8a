#include "survey/bank.h"

#include <fmt/format.h>

#include "base/crypto.h"

namespace fincyber::survey {
namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> FindByName(const std::array<std::string_view, N>& names,
                               std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, kThreatCount> kThreatNames = {
    "outage", "data_leak", "fraud_institution", "fraud_customer"};
constexpr std::array<std::string_view, kFunctionCount> kFunctionNames = {
    "govern", "identify", "protect", "detect", "respond", "recover"};
constexpr std::array<std::string_view, kAreaCount> kAreaNames = {"controls", "services",
                                                                 "customer_outreach"};
constexpr std::array<std::string_view, 7> kAnswerTypeNames = {
    "maturity", "yes_no", "number", "single_choice", "multiple_choice", "text", "evidence"};
constexpr std::array<std::string_view, 3> kBankStatusNames = {"draft", "published", "frozen"};
constexpr std::array<std::string_view, 3> kSizeTierNames = {"small", "medium", "large"};

// Length-prefixed so that no two different field lists hash alike.
void AddField(std::string& out, std::string_view value) {
  out += fmt::format("{}:", value.size());
  out += value;
}

void AddText(std::string& out, const Text& text) {
  AddField(out, text.ja);
  AddField(out, text.en);
}

void AddOptionalNumber(std::string& out, const std::optional<double>& value) {
  AddField(out, value ? fmt::format("{}", *value) : std::string("-"));
}

}  // namespace

std::string_view ThreatName(Threat threat) { return kThreatNames[static_cast<int>(threat)]; }
std::string_view FunctionName(Function function) {
  return kFunctionNames[static_cast<int>(function)];
}
std::string_view AreaName(Area area) { return kAreaNames[static_cast<int>(area)]; }
std::string_view AnswerTypeName(AnswerType type) {
  return kAnswerTypeNames[static_cast<int>(type)];
}
std::string_view BankStatusName(BankStatus status) {
  return kBankStatusNames[static_cast<int>(status)];
}
std::string_view SizeTierName(SizeTier tier) { return kSizeTierNames[static_cast<int>(tier)]; }

std::optional<Threat> ParseThreat(std::string_view name) {
  return FindByName<Threat>(kThreatNames, name);
}
std::optional<Function> ParseFunction(std::string_view name) {
  return FindByName<Function>(kFunctionNames, name);
}
std::optional<Area> ParseArea(std::string_view name) { return FindByName<Area>(kAreaNames, name); }
std::optional<AnswerType> ParseAnswerType(std::string_view name) {
  return FindByName<AnswerType>(kAnswerTypeNames, name);
}
std::optional<BankStatus> ParseBankStatus(std::string_view name) {
  return FindByName<BankStatus>(kBankStatusNames, name);
}
std::optional<SizeTier> ParseSizeTier(std::string_view name) {
  return FindByName<SizeTier>(kSizeTierNames, name);
}

const Text& ThreatLabel(Threat threat) {
  static const std::array<Text, kThreatCount> kLabels = {{
      {"金融機関・金融市場インフラの機能停止", "Outage of institutions and market infrastructure"},
      {"機密漏洩", "Leak of confidential data"},
      {"不正送金等の不正取引（金融機関への攻撃）",
       "Fraudulent transactions (attacks on the institution)"},
      {"不正送金等の不正取引（顧客への攻撃）", "Fraudulent transactions (attacks on customers)"},
  }};
  return kLabels[static_cast<int>(threat)];
}

const Text& FunctionLabel(Function function) {
  static const std::array<Text, kFunctionCount> kLabels = {{
      {"統治", "Govern"},
      {"特定", "Identify"},
      {"防御", "Protect"},
      {"検知", "Detect"},
      {"対応", "Respond"},
      {"復旧", "Recover"},
  }};
  return kLabels[static_cast<int>(function)];
}

const Text& AreaLabel(Area area) {
  static const std::array<Text, kAreaCount> kLabels = {{
      {"管理態勢", "Controls"},
      {"サービス提供の状況", "State of services offered"},
      {"顧客への働きかけ", "Outreach to customers"},
  }};
  return kLabels[static_cast<int>(area)];
}

bool IsScored(const Item& item) {
  switch (item.type) {
    case AnswerType::kMaturity:
    case AnswerType::kYesNo:
      return true;
    case AnswerType::kNumber:
      return item.number && (item.number->met_min || item.number->met_max);
    case AnswerType::kSingleChoice:
    case AnswerType::kMultipleChoice:
      for (const auto& choice : item.choices) {
        if (choice.credit) return true;
      }
      return false;
    case AnswerType::kText:
    case AnswerType::kEvidence:
      return false;
  }
  return false;
}

std::string MeaningFingerprint(const Item& item, const Bank& bank) {
  std::string canonical;
  AddText(canonical, item.text);
  AddField(canonical, AnswerTypeName(item.type));
  if (item.type == AnswerType::kMaturity) {
    const auto& levels = item.levels.empty() ? bank.maturity_scale : item.levels;
    for (const auto& level : levels) AddText(canonical, level);
    AddField(canonical, fmt::format("{}", bank.target_level));  // decides what is met
  }
  for (const auto& choice : item.choices) {
    AddField(canonical, choice.id);
    AddText(canonical, choice.label);
    AddOptionalNumber(canonical, choice.credit);
  }
  if (item.number) {
    AddField(canonical, fmt::format("{}", item.number->min));
    AddField(canonical, fmt::format("{}", item.number->max));
    AddText(canonical, item.number->unit);
    AddOptionalNumber(canonical, item.number->met_min);
    AddOptionalNumber(canonical, item.number->met_max);
  }
  return Sha256Hex(canonical);
}

}  // namespace fincyber::survey
