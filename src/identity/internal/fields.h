// Input checks shared by the directory and trust groups.
#pragma once

#include <string_view>
#include <vector>

#include "base/error.h"

namespace fincyber::identity::internal {

// Adds a problem when a display name is empty or longer than 200 bytes.
void ValidateName(std::string_view field, std::string_view value,
                  std::vector<FieldProblem>& problems);

// InvalidArgument "invalid input: <field> <problem>; ..." carrying the problems.
Error Invalid(std::vector<FieldProblem> problems);

}  // namespace fincyber::identity::internal
