// A synthetic but realistic sector for `fincyber demo`: the regulator with its
// bureaus and coordination office, the ISAC, and 120 institutions across every
// business category, each with an admin and a member. All names are invented.
#pragma once

#include <string>
#include <vector>

#include "accounts/service.h"

namespace fincyber::app {

struct DemoLogin {
  std::string username;
  std::string role;
  std::string org_name;
};

// Seeds an empty database through the account service (so every row is audited).
// All demo users share `password`. Returns the logins worth printing.
Result<std::vector<DemoLogin>> SeedDemoSector(accounts::AccountsService& service,
                                              const std::string& password);

}  // namespace fincyber::app
