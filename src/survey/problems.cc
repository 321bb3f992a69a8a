#include "survey/problems.h"

#include <algorithm>

namespace fincyber::survey {

const std::vector<ProblemCode>& ProblemCodes() {
  static const std::vector<ProblemCode> kCodes = {
      // Answer workbook rows (answer_workbook.cc).
      {"workbook.formula", "a cell holds a formula; type the value instead"},
      {"workbook.no_item_id", "the row has no item id"},
      {"workbook.version_changed", "the version column was changed"},
      {"workbook.unknown_item", "no such item in this questionnaire"},
      {"workbook.duplicate_item", "the item appears on an earlier row too"},
      {"workbook.comment_needs_answer", "a comment needs an answer"},
      {"workbook.changed_since_export",
       "the answer was changed since the export (now version {version} by {user}); export "
       "again"},
      {"workbook.not_asked", "not asked given the other answers"},
      {"workbook.cell_error", "the cell shows the error {error}"},
      {"workbook.date", "a date is not an answer to this item"},
      {"workbook.expected_maturity", "expected a maturity level 0-4"},
      {"workbook.expected_yes_no", "expected yes, no, a compensating control or not applicable"},
      {"workbook.expected_number", "expected a number"},
      {"workbook.expected_choice", "expected one of the choices"},
      {"workbook.expected_choices", "expected choices separated by ;"},
      {"workbook.expected_text", "expected text"},
      {"workbook.evidence_by_upload",
       "evidence is answered by uploading files on the questionnaire page"},
      {"workbook.unknown_type", "unknown answer type"},
      {"workbook.not_a_choice", "\"{value}\" is not one of the choices"},
      {"workbook.comment_not_text", "a comment is text"},
      {"workbook.comment_too_long", "the comment is longer than {max} bytes"},
      // The whole answer workbook (answer_workbook.cc), under the field "workbook".
      {"workbook.no_sheets",
       "not an answer workbook: it needs the sheets 回答 (Answers) and 説明 (Read me) as "
       "exported"},
      {"workbook.columns_changed",
       "not an answer workbook: sheet {sheet} must keep the exported columns (item id in A, "
       "answer in G)"},
      {"workbook.no_campaign",
       "not an answer workbook: sheet {sheet} must name the campaign (B2) and institution (B3)"},
      {"workbook.other_campaign",
       "this workbook was exported for another campaign or institution; export yours"},

      // An answer's value (answers.cc), saved alone or on a workbook row.
      {"answer.not_applicable_not_allowed", "not applicable is not allowed for this item"},
      {"answer.expected_maturity", "expected a maturity level 0-4"},
      {"answer.maturity_outside", "maturity level {level} is outside 0-4"},
      {"answer.expected_yes_no", "expected yes, no or compensating"},
      {"answer.expected_yes_no_name", "expected yes, no, compensating or not_applicable"},
      {"answer.expected_number", "expected a number"},
      {"answer.number_outside", "{value} is outside {min}-{max}"},
      {"answer.expected_choice", "expected one choice id"},
      {"answer.unknown_choice", "unknown choice"},
      {"answer.expected_choice_list", "expected a list of choice ids"},
      {"answer.choice_twice", "choice listed twice"},
      {"answer.evidence_by_upload", "answered by uploading files"},
      {"answer.expected_string", "expected a string"},
      {"answer.expected_text", "expected text"},
      {"answer.text_too_long", "text longer than {max} bytes"},
      {"answer.text_bad_utf8", "text is not valid UTF-8"},
      {"answer.unknown_type", "unknown answer type"},

      // Question bank structure (bank_format.cc).
      {"bank.not_mapping", "{what} must be a mapping"},
      {"bank.unknown_field", "unknown field '{field}'"},
      {"bank.field_required", "'{field}' is required"},
      {"bank.not_string", "'{field}' must be a string"},
      {"bank.not_number", "'{field}' must be a number"},
      {"bank.not_small_integer", "'{field}' must be a small integer"},
      {"bank.not_boolean", "'{field}' must be true or false"},
      {"bank.not_list", "'{field}' must be a list"},
      {"bank.not_name", "'{field}' must be a name"},
      {"bank.unknown_name", "'{value}' is not a known {field}"},
      {"bank.not_text", "'{field}' must be a mapping with ja and en"},
      {"bank.text_not_string", "'{field}.{language}' must be a string"},
      {"bank.unknown_language", "'{field}' has unknown language '{language}'"},
      {"bank.number_needs_range", "number needs min and max"},
      {"bank.csf_not_list", "'csf' must list subcategory ids"},

      // OSCAL catalogs imported as a bank (oscal.cc), under the field "source".
      {"oscal.malformed_xml", "malformed XML at byte {byte}: {reason}"},
      {"oscal.doctype", "XML with a document type declaration is not accepted"},
      {"oscal.root_not_catalog", "not an OSCAL catalog: the root element is not <catalog>"},
      {"oscal.no_catalog_object", "not an OSCAL catalog: no \"catalog\" object"},
      {"oscal.control_not_object", "OSCAL control must be an object"},
      {"oscal.group_not_object", "OSCAL group must be an object"},
      {"oscal.too_deep", "OSCAL catalog nested deeper than {max} levels"},
      {"oscal.no_controls", "OSCAL catalog has no assessable control"},
      {"oscal.bad_utf8", "invalid UTF-8 at byte {byte}"},

      // Question bank content (compiled_bank.cc).
      {"bank.too_many_sections", "more than {max} sections"},
      {"bank.too_many_items", "more than {max} items"},
      {"bank.bad_bank_id", "bank id must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}"},
      {"bank.bad_section_id", "section id must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}"},
      {"bank.bad_item_id", "item id must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}"},
      {"bank.duplicate_section_id", "section id used twice"},
      {"bank.duplicate_item_id", "item id used twice"},
      {"bank.empty_section", "a section needs at least one item"},
      {"bank.no_sections", "a bank needs at least one section"},
      {"bank.version", "version must be 1-64 characters"},
      {"bank.target_level", "target_level must be 1-4"},
      {"bank.text_too_long_ja", "{field} (Japanese) longer than {max} bytes"},
      {"bank.text_too_long_en", "{field} (English) longer than {max} bytes"},
      {"bank.text_bad_utf8_ja", "{field} (Japanese) is not valid UTF-8"},
      {"bank.text_bad_utf8_en", "{field} (English) is not valid UTF-8"},
      {"bank.text_missing_ja", "{field} needs its Japanese text"},
      {"bank.text_missing_en", "{field} needs its English text"},
      {"bank.text_missing", "{field} needs a Japanese or English text"},
      {"bank.level_count", "maturity levels need exactly 5 descriptions (0-4)"},
      {"bank.weight", "weight must be above 0 and at most {max}"},
      {"bank.item_level", "level must be 1-4"},
      {"bank.no_levels", "maturity item without levels in a bank without a maturity_scale"},
      {"bank.levels_not_maturity", "only maturity items have levels"},
      {"bank.choices_not_choice", "only choice items have choices"},
      {"bank.range_not_number", "only number items have a range"},
      {"bank.threat_twice", "a threat is listed twice"},
      {"bank.too_many_csf", "more than {max} CSF references"},
      {"bank.unknown_csf", "'{ref}' is not a NIST CSF 2.0 subcategory"},
      {"bank.csf_twice", "CSF reference {ref} is listed twice"},
      {"bank.too_few_choices", "a choice item needs at least two choices"},
      {"bank.too_many_choices", "more than {max} choices"},
      {"bank.bad_choice_id", "choice id '{choice}' is not allowed"},
      {"bank.duplicate_choice_id", "choice id '{choice}' used twice"},
      {"bank.choice_credit", "credit of choice '{choice}' must be 0-1"},
      {"bank.no_range", "a number item needs min and max"},
      {"bank.min_above_max", "min must not exceed max"},
      {"bank.met_outside_range", "met_min and met_max must lie within min and max"},
      {"bank.met_min_above_max", "met_min must not exceed met_max"},

      // Conditions (condition.cc): syntax, then what they refer to.
      {"condition.syntax_empty", "condition: position {position}: empty condition"},
      {"condition.syntax_escape",
       "condition: position {position}: only \\\" and \\\\ escapes are allowed"},
      {"condition.syntax_unterminated", "condition: position {position}: unterminated string"},
      {"condition.syntax_character", "condition: position {position}: unexpected character"},
      {"condition.syntax_expected_end", "condition: position {position}: expected end"},
      {"condition.syntax_expected_symbol", "condition: position {position}: expected '{symbol}'"},
      {"condition.syntax_expected_item", "condition: position {position}: expected an item id"},
      {"condition.syntax_expected_value",
       "condition: position {position}: expected a quoted string or a number"},
      {"condition.syntax_expected_test",
       "condition: position {position}: expected answer(...), answered(...), category or size"},
      {"condition.syntax_expected_comparison",
       "condition: position {position}: expected a comparison, 'in' or 'contains'"},
      {"condition.syntax_list_too_long", "condition: position {position}: list too long"},
      {"condition.too_long", "condition longer than {max} bytes"},
      {"condition.too_deep", "condition nested deeper than {max} levels"},
      {"condition.too_many_tests", "condition has more than {max} tests"},
      {"condition.contains_needs_answer",
       "condition position {position}: contains applies only to answer(...)"},
      {"condition.quoted_names",
       "condition position {position}: category and size compare with quoted names"},
      {"condition.unknown_size",
       "condition position {position}: '{value}' is not a size tier (small, medium, large)"},
      {"condition.unknown_category",
       "condition position {position}: '{value}' is not a business category"},
      {"condition.category_operators",
       "condition position {position}: category takes only ==, != and in"},
      {"condition.unknown_item", "condition position {position}: no item '{item}'"},
      {"condition.later_item",
       "condition position {position}: item '{item}' is not before this item"},
      {"condition.contains_needs_multiple",
       "condition position {position}: contains applies only to multiple-choice items"},
      {"condition.no_such_choice",
       "condition position {position}: item '{item}' has no such choice"},
      {"condition.use_contains",
       "condition position {position}: item '{item}' is {type}: use contains"},
      {"condition.use_answered",
       "condition position {position}: item '{item}' is {type}: use answered()"},
      {"condition.equality_only",
       "condition position {position}: item '{item}' is {type}: only ==, != and in"},
      {"condition.compare_number",
       "condition position {position}: item '{item}' is {type}: compare with a number"},
      {"condition.compare_quoted",
       "condition position {position}: item '{item}' is {type}: compare with a quoted value"},
      {"condition.maturity_range", "condition position {position}: maturity levels are 0-4"},
      {"condition.unknown_yes_no",
       "condition position {position}: '{value}' is not yes, no, compensating or "
       "not_applicable"},
      {"condition.unknown_choice",
       "condition position {position}: item '{item}' has no choice '{value}'"},
  };
  return kCodes;
}

std::string ProblemText(std::string_view code, const ProblemParams& params) {
  const auto& codes = ProblemCodes();
  const auto found = std::find_if(codes.begin(), codes.end(),
                                  [&](const ProblemCode& c) { return c.code == code; });
  if (found == codes.end()) return std::string(code);
  std::string out;
  const std::string_view text = found->english;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      const std::size_t end = text.find('}', i);
      if (end != std::string_view::npos) {
        const std::string_view name = text.substr(i + 1, end - i - 1);
        const auto param = std::find_if(params.begin(), params.end(),
                                        [&](const auto& p) { return p.first == name; });
        if (param != params.end()) {
          out += param->second;
          i = end;
          continue;
        }
      }
    }
    out += text[i];
  }
  return out;
}

FieldProblem Problem(std::string field, std::string_view code, ProblemParams params) {
  std::string text = ProblemText(code, params);
  return {std::move(field), std::move(text), std::string(code), std::move(params)};
}

}  // namespace fincyber::survey
