// The problems the survey reports about what an institution or the coordination office
// sent (workbook rows, question bank validation, conditions), each under a stable code
// with parameters beside its English text (base/error.h FieldProblem), so the web UI
// says them in Japanese or English while the command line and API clients keep the
// English. Every code is listed here with its English text; the web UI's catalogue
// (web/src/i18n, keys "problem.<code>") has each in both languages, and
// web/src/problemCodes.ts repeats this list (survey_problems_test checks both).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace fincyber::survey {

struct ProblemCode {
  std::string_view code;     // "workbook.formula"
  std::string_view english;  // with {name} where a parameter goes
};

// Every code, grouped by where it arises (workbook., answer., bank., oscal., condition.).
const std::vector<ProblemCode>& ProblemCodes();

using ProblemParams = std::vector<std::pair<std::string, std::string>>;

// The English text of `code` with its parameters in place. A code not listed in
// ProblemCodes() is a programming error; it yields the code itself.
std::string ProblemText(std::string_view code, const ProblemParams& params = {});

// The field problem for `field`: English text, code and parameters.
FieldProblem Problem(std::string field, std::string_view code, ProblemParams params = {});

}  // namespace fincyber::survey
