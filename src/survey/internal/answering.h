// The rules and the save path of answering, shared by the single-item autosave
// (answering.cc), the workbook import (answer_workbook.cc) and evidence files
// (evidence.cc), so that every way in checks and records a change the same way.
// Private to survey/.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "identity/principal.h"
#include "store/database.h"
#include "survey/service.h"

namespace fincyber::survey::internal {

// The institution's own admins and members, who answer its questionnaire.
bool IsInstitutionUser(const identity::Principal& principal, std::string_view org_id);

// The campaign is open, has begun, the institution's deadline has not passed and its
// answers are not locked by a submission. FailedPrecondition saying which.
Status CheckAnswerable(const Campaign& campaign, const Assignment& assignment, TimePoint now);

// Everything a change to one assignment needs, read in the change's transaction.
struct AssignmentState {
  Campaign campaign;
  Assignment assignment;
  std::shared_ptr<const CompiledBank> bank;
  std::unordered_map<std::string, StoredAnswer> answers;
  std::vector<bool> shown;
};

using CompiledLoader = std::function<Result<std::shared_ptr<const CompiledBank>>(
    store::Connection&, std::string_view storage_id)>;

// Loads the assignment the principal may see (NotFound otherwise), its campaign, bank,
// answers and which items they show, taking the assignment's lock when `for_change`.
Result<AssignmentState> LoadState(store::Connection& conn, const identity::Principal& principal,
                                  std::string_view campaign_id, std::string_view org_id,
                                  bool for_change, const CompiledLoader& compiled);

// Upserts one answer or rating (`table` survey_answers or survey_ratings), or deletes it
// for a null value, keeps the version in survey_answer_history, and returns what is
// stored. The caller has checked who and when, and writes the audit entry.
Result<std::optional<StoredAnswer>> StoreValue(store::Connection& conn, const Clock& clock,
                                               const identity::Principal& principal,
                                               const AssignmentState& state, std::string_view table,
                                               int index, const AnswerInput& input);

}  // namespace fincyber::survey::internal
