// The mission's own question bank (banks/mission.yaml, built into the program): the
// regulator's survey matrix of four threats x CSF functions, plus services offered and
// outreach to customers, in Japanese and English.
#pragma once

#include <string_view>

#include "survey/compiled_bank.h"

namespace fincyber::survey {

// The YAML text as shipped, e.g. to seed storage or offer as a template to edit.
std::string_view MissionBankYaml();

// Parsed and compiled once. The shipped file is tested, so a failure here is a build
// defect: it aborts rather than returning an error nobody could act on.
const CompiledBank& MissionBank();

}  // namespace fincyber::survey
