// NIST CSF 2.0 reference ids (NIST CSWP 29): the 106 subcategories in force. The CSF 1.1
// ids that CSF 2.0 withdrew or moved (PR.AC-01, ID.BE-01, DE.DP-01, ID.AM-06, ...) are
// not among them.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "survey/bank.h"

namespace fincyber::survey {

bool IsCsf2Subcategory(std::string_view id);
const std::vector<std::string_view>& Csf2Subcategories();
// The function of a CSF 2.0 id by its prefix ("GV" -> govern, ... "RC" -> recover).
std::optional<Function> CsfFunctionOf(std::string_view id);

}  // namespace fincyber::survey
