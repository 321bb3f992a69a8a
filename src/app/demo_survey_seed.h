// The sector survey of `fincyber demo`, on the sector SeedDemoSector made: the mission's
// bank, last year's campaign to every business category, answered and submitted by every
// institution and closed (so results, peer figures and the sector view show at once), and
// this year's campaign, open, with some institutions part-way through and a few submitted.
//
// Answers are generated, the same on every run: each business category has a typical
// maturity, each institution and item a fixed offset from a hash of their names, and
// this year is a little better than last, so the spread per category and the change
// since last year look like a real sector's.
#pragma once

#include <cstdint>

#include "accounts/service.h"
#include "survey/service.h"

namespace fincyber::app {

struct DemoSurveySummary {
  std::int64_t campaigns = 0;
  std::int64_t answers = 0;
  std::int64_t submitted = 0;  // over both campaigns
};

// Seeds through the services, so every answer is validated and audited. Internal if
// anything is refused: the demo data is ours and must be valid.
Result<DemoSurveySummary> SeedDemoSurvey(accounts::AccountsService& accounts,
                                         survey::SurveyService& survey, const Clock& clock);

}  // namespace fincyber::app
