#include "identity/internal/fields.h"

#include <fmt/format.h>

namespace fincyber::identity::internal {

void ValidateName(std::string_view field, std::string_view value,
                  std::vector<FieldProblem>& problems) {
  if (value.empty()) {
    problems.push_back({std::string(field), "required"});
  } else if (value.size() > 200) {
    problems.push_back({std::string(field), "longer than 200 bytes"});
  }
}

Error Invalid(std::vector<FieldProblem> problems) {
  std::string message = "invalid input:";
  for (const auto& p : problems) message += fmt::format(" {} {};", p.field, p.problem);
  message.pop_back();
  return InvalidArgument(std::move(message), std::move(problems));
}

}  // namespace fincyber::identity::internal
