// The authoring format of a question bank, as YAML or JSON (the same structure):
//
//   id: fsa-cyber-survey            version: "2026"        status: draft|published|frozen
//   title: {ja: ..., en: ...}       description: {ja, en}  target_level: 3
//   maturity_scale: [{ja, en} x 5]  (levels 0..4)
//   sections:
//     - id: identify
//       title: {ja, en}
//       items:
//         - id: id.asset_inventory      text: {ja, en}    help: {ja, en}
//           type: maturity|yes_no|number|single_choice|multiple_choice|text|evidence
//           levels: [{ja, en} x 5]      (maturity; else the bank's scale)
//           choices: [{id, label: {ja, en}, credit: 0..1}]
//           number: {min, max, unit: {ja, en}, met_min, met_max}
//           level: 1..4   weight: 1.0   not_applicable: true
//           threats: [outage, data_leak, fraud_institution, fraud_customer]
//           function: govern|identify|protect|detect|respond|recover
//           area: controls|services|customer_outreach
//           csf: [ID.AM-01]              condition: 'category in ["regional_bank"]'
//
// Readers report structural problems (wrong_type, unknown_field, unknown_tag, required)
// as BankProblems naming the item, all at once; ParseBank* then validate the result
// (compiled_bank.h) so one call says everything that is wrong.
#pragma once

#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "survey/bank.h"
#include "survey/compiled_bank.h"

namespace fincyber::survey {

struct BankFormatLimits {
  std::size_t max_bytes = 4 << 20;
  int max_depth = 16;
  std::size_t max_yaml_nodes = 200000;
};

// Structure only: InvalidArgument (BankProblemsError) listing every structural problem.
Result<Bank> BankFromJson(const Json& json);

// Parse, read and validate. Errors: ResourceExhausted over the limits; InvalidArgument
// for malformed text (with the byte or line) or a bank with problems (details list them).
Result<CompiledBank> ParseBankJson(std::string_view text, const BankValidationOptions& options = {},
                                   const BankFormatLimits& limits = {});
Result<CompiledBank> ParseBankYaml(std::string_view text, const BankValidationOptions& options = {},
                                   const BankFormatLimits& limits = {});

// The authoring form back; fields at their default are left out. BankFromJson of it
// gives an equal Bank.
Json BankToJson(const Bank& bank);
std::string BankToYaml(const Bank& bank);

}  // namespace fincyber::survey
