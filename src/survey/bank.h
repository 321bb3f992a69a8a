// The question bank: a versioned questionnaire of sections and items, each item tagged
// with the mission's threats, a NIST CSF 2.0 function and subcategories. Plain values:
// parse them from YAML/JSON (bank_format.h), check and index them with CompiledBank
// (compiled_bank.h), score answers against them (scoring.h).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fincyber::survey {

// Every user-visible text exists in Japanese and English. A draft may lack one
// language; a published or frozen bank may not (see CompiledBank).
struct Text {
  std::string ja;
  std::string en;
  bool empty() const { return ja.empty() && en.empty(); }
  bool operator==(const Text&) const = default;
};

// The four threats of the mission's survey matrix (rows).
enum class Threat { kOutage, kDataLeak, kFraudInstitution, kFraudCustomer };
inline constexpr int kThreatCount = 4;
inline constexpr std::array<Threat, kThreatCount> kAllThreats = {
    Threat::kOutage, Threat::kDataLeak, Threat::kFraudInstitution, Threat::kFraudCustomer};

// The NIST CSF 2.0 functions (columns). The mission's matrix joins Respond and Recover
// in one column; the bank keeps CSF 2.0's six so references stay exact.
enum class Function { kGovern, kIdentify, kProtect, kDetect, kRespond, kRecover };
inline constexpr int kFunctionCount = 6;
inline constexpr std::array<Function, kFunctionCount> kAllFunctions = {
    Function::kGovern, Function::kIdentify, Function::kProtect,
    Function::kDetect, Function::kRespond,  Function::kRecover};

// Which part of the matrix an item belongs to: the institution's own controls, the
// state of services offered (サービス提供の状況) or outreach to customers (顧客への働きかけ).
enum class Area { kControls, kServices, kCustomerOutreach };
inline constexpr int kAreaCount = 3;

enum class AnswerType {
  kMaturity,  // 0-4 with a description per level
  kYesNo,     // yes / no / yes with a compensating control (+ not applicable)
  kNumber,    // within [min, max]
  kSingleChoice,
  kMultipleChoice,
  kText,      // free text, never scored
  kEvidence,  // answered by uploading files (service.h), never scored
};

// draft: editable; published: answered by institutions, no longer editable;
// frozen: the campaign closed, answers and aggregates are fixed.
enum class BankStatus { kDraft, kPublished, kFrozen };

// Institution size tier, used by conditions.
enum class SizeTier { kSmall, kMedium, kLarge };

// Names used in files, conditions and the API ("outage", "data_leak",
// "fraud_institution", "fraud_customer"; "govern" ... "recover"; "controls",
// "services", "customer_outreach"; "maturity", "yes_no", "number", "single_choice",
// "multiple_choice", "text", "evidence"; "draft", "published", "frozen"; "small",
// "medium", "large").
std::string_view ThreatName(Threat threat);
std::string_view FunctionName(Function function);
std::string_view AreaName(Area area);
std::string_view AnswerTypeName(AnswerType type);
std::string_view BankStatusName(BankStatus status);
std::string_view SizeTierName(SizeTier tier);
std::optional<Threat> ParseThreat(std::string_view name);
std::optional<Function> ParseFunction(std::string_view name);
std::optional<Area> ParseArea(std::string_view name);
std::optional<AnswerType> ParseAnswerType(std::string_view name);
std::optional<BankStatus> ParseBankStatus(std::string_view name);
std::optional<SizeTier> ParseSizeTier(std::string_view name);

// Labels for the UI and reports, in the mission's terms.
const Text& ThreatLabel(Threat threat);
const Text& FunctionLabel(Function function);
const Text& AreaLabel(Area area);

struct Choice {
  std::string id;
  Text label;
  // Share of the item's credit this choice earns, 0..1. Choice items are scored only
  // when at least one choice has a credit; a multiple choice adds its credits (capped
  // at 1). An answer is met when its credit reaches 1.
  std::optional<double> credit;
  bool operator==(const Choice&) const = default;
};

struct NumberSpec {
  double min = 0;
  double max = 0;
  Text unit;
  // When either bound is set the item is scored: met when the answer lies within them.
  std::optional<double> met_min;
  std::optional<double> met_max;
  bool operator==(const NumberSpec&) const = default;
};

inline constexpr int kMaxMaturityLevel = 4;
inline constexpr double kMaxWeight = 10.0;

struct Item {
  std::string id;  // stable across years: [A-Za-z0-9][A-Za-z0-9._-]{0,63}
  Text text;
  Text help;  // optional guidance shown beside the question
  AnswerType type = AnswerType::kYesNo;
  // Maturity items: descriptions of levels 0..4 for this item; empty uses the bank's.
  std::vector<Text> levels;
  std::vector<Choice> choices;       // single and multiple choice
  std::optional<NumberSpec> number;  // number items
  // Non-maturity scored items: the maturity level (1..4) the item belongs to; a
  // cumulative level L is reached only when every item of level <= L is met.
  int level = 1;
  double weight = 1.0;  // (0, kMaxWeight]
  bool allow_not_applicable = true;
  std::vector<Threat> threats;  // may be empty (counts in functions and overall)
  Function function = Function::kIdentify;
  Area area = Area::kControls;
  std::vector<std::string> csf;  // CSF 2.0 subcategory ids, e.g. "ID.AM-01"
  std::string condition;         // condition.h language; empty: always shown
  bool operator==(const Item&) const = default;
};

struct Section {
  std::string id;
  Text title;
  std::vector<Item> items;
  bool operator==(const Section&) const = default;
};

struct Bank {
  std::string id;       // e.g. "fsa-cyber-survey"
  std::string version;  // e.g. "2026"
  BankStatus status = BankStatus::kDraft;
  Text title;
  Text description;
  // A maturity answer is met at or above this level (1..4).
  int target_level = 3;
  // Descriptions of maturity levels 0..4 used when an item has none of its own.
  std::vector<Text> maturity_scale;
  std::vector<Section> sections;
  bool operator==(const Bank&) const = default;
};

// True for items that produce a score: maturity, yes/no, and number or choice items that
// define what counts as met.
bool IsScored(const Item& item);

// What an item means, for year-over-year comparison: lower-case hex SHA-256 over the
// question text (both languages), the answer type, level descriptions, choices (ids,
// labels, credits), number range and met bounds, and for maturity items the bank's
// target level. Weight, tags, help, section and
// condition are not part of it: changing them keeps the item comparable; rewording the
// question or its scale does not.
std::string MeaningFingerprint(const Item& item, const Bank& bank);

}  // namespace fincyber::survey
