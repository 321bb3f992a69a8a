#include "survey/mission_bank.h"

#include <cstdio>
#include <cstdlib>

#include "survey/bank_format.h"

namespace fincyber::survey {
namespace internal {
extern const std::string_view kMissionBankYaml;
}  // namespace internal

std::string_view MissionBankYaml() { return internal::kMissionBankYaml; }

const CompiledBank& MissionBank() {
  static const CompiledBank kBank = [] {
    auto bank = ParseBankYaml(internal::kMissionBankYaml);
    if (!bank.ok()) {
      std::fprintf(stderr, "built-in survey bank is invalid: %s\n",
                   bank.error().internal_message().c_str());
      std::abort();
    }
    return std::move(bank).value();
  }();
  return kBank;
}

}  // namespace fincyber::survey
