// Scoring one institution's answers against a compiled bank.
//
// Per item (scored items only: IsScored):
//   attainment  maturity: level / 4; yes and compensating: 1 (a compensating control
//               counts as meeting the item, as CSET counts "alternative" answers); no: 0;
//               number: 1 inside met_min..met_max, else 0; choices: their credits
//               (capped at 1).
//   met         maturity: level >= the bank's target_level; others: attainment == 1.
//   reached     the cumulative maturity level the item allows: a maturity answer's own
//               level; for other items, 4 when met, else the item's `level` - 1.
// Items not shown (their condition is false) and not-applicable answers are left out of
// every denominator. Shown, scored items without an answer count as not met, level 0.
// Per aggregate (each threat x function cell, function, threat, area, overall):
//   percent_met  100 x weight of met items / weight of applicable items
//   score        100 x weighted mean attainment
//   maturity     the highest level L such that every applicable item reaches L (a level
//                counts only when every item at and below it is met); 0 when empty.
// An item counts in every cell of its threats x its function.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "survey/answers.h"
#include "survey/compiled_bank.h"

namespace fincyber::survey {

struct ItemScore {
  bool shown = false;
  bool scored = false;  // shown, scored type
  bool answered = false;
  bool not_applicable = false;
  bool met = false;
  std::int8_t reached = 0;  // cumulative maturity level this item allows, 0..4
  float attainment = 0;     // 0..1

  bool applicable() const { return scored && !not_applicable; }
};

struct Aggregate {
  int items = 0;  // applicable scored items
  int items_met = 0;
  int items_unanswered = 0;
  int items_not_applicable = 0;
  double weight = 0;  // of applicable items
  double weight_met = 0;
  double weighted_attainment = 0;
  int maturity = 0;

  bool empty() const { return items == 0; }
  double PercentMet() const { return weight > 0 ? 100.0 * weight_met / weight : 0; }
  double Score() const { return weight > 0 ? 100.0 * weighted_attainment / weight : 0; }
};

struct ScoreCard {
  std::vector<ItemScore> items;  // in the bank's document order
  std::array<std::array<Aggregate, kFunctionCount>, kThreatCount> cells;
  std::array<Aggregate, kFunctionCount> functions;
  std::array<Aggregate, kThreatCount> threats;
  std::array<Aggregate, kAreaCount> areas;
  Aggregate overall;

  const Aggregate& cell(Threat threat, Function function) const {
    return cells[static_cast<int>(threat)][static_cast<int>(function)];
  }
};

// Which items the respondent is shown, in document order: an item is shown when its
// condition holds over the answers to earlier shown items (answers to hidden items are
// ignored). Answers to unknown ids are ignored.
std::vector<bool> ShownItems(const CompiledBank& bank, const Respondent& respondent,
                             const Answers& answers);

// Answers are trusted to fit their items (CheckAnswer when they were stored); one that
// does not is scored as unanswered.
ScoreCard Score(const CompiledBank& bank, const Respondent& respondent, const Answers& answers);

// The self-assessment and, beside it, the supervisor's rating: the same shown items
// (decided by the institution's answers), with the supervisor's answer where given and
// the institution's elsewhere. `differing_items` are the indexes where the two disagree
// on met or on the maturity reached.
struct RatedScoreCards {
  ScoreCard self;
  ScoreCard supervisor;
  std::vector<int> differing_items;
};
RatedScoreCards ScoreWithSupervisor(const CompiledBank& bank, const Respondent& respondent,
                                    const Answers& self, const Answers& supervisor_ratings);

}  // namespace fincyber::survey
