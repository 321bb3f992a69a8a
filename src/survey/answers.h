// Answers to a bank's items and who gives them. An institution's answers and a
// supervisor's own ratings use the same values.
#pragma once

#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "survey/bank.h"

namespace fincyber::survey {

// The institution answering: its business category (the identity directory's sector
// code, e.g. "regional_bank") and size tier. Conditions read both.
struct Respondent {
  std::string category;
  SizeTier size = SizeTier::kMedium;
};

struct NotApplicable {
  bool operator==(const NotApplicable&) const = default;
};
enum class YesNo { kYes, kNo, kCompensating };

// One answer. Which alternative fits which AnswerType:
//   NotApplicable                 any scored item with allow_not_applicable
//   int (0..4)                    maturity
//   YesNo                         yes_no
//   double                        number
//   std::string                   single_choice (a choice id), text
//   std::vector<std::string>      multiple_choice (distinct choice ids); evidence: the names
//                                 of the item's uploaded files, never given as a value (an
//                                 evidence item is answered by uploading files, service.h)
using AnswerValue =
    std::variant<NotApplicable, int, YesNo, double, std::string, std::vector<std::string>>;

// Answers keyed by item id.
using Answers = std::unordered_map<std::string, AnswerValue>;

inline constexpr std::size_t kMaxTextAnswerBytes = 16 * 1024;

// "yes", "no", "compensating"; ParseYesNo also reads them back.
std::string_view YesNoName(YesNo value);
std::optional<YesNo> ParseYesNo(std::string_view name);

// Checks that `value` fits `item`: right alternative, maturity 0..4, number within its
// range and finite, choice ids known and distinct, text within kMaxTextAnswerBytes,
// evidence at least one file name, not-applicable only when allowed. InvalidArgument
// naming the item and the problem.
Status CheckAnswer(const Item& item, const AnswerValue& value);

// JSON form used by the API and storage: maturity and number as numbers, yes/no as
// "yes"/"no"/"compensating", not applicable as "not_applicable", choices as a string
// or an array of strings, text as a string, evidence as the array of file names.
Json AnswerToJson(const AnswerValue& value);
// Reads the JSON form for `item` and checks it (CheckAnswer). InvalidArgument, also for
// every value of an evidence item, whose answer only uploaded files give (so a reference
// text stored for one before files answered them reads as no answer).
Result<AnswerValue> AnswerFromJson(const Item& item, const Json& json);

}  // namespace fincyber::survey
