// Helpers the survey service's files share: role rules, row readers and the one
// visible-assignment query. Private to survey/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "identity/access.h"
#include "identity/principal.h"
#include "store/database.h"
#include "survey/service.h"

namespace fincyber::survey::internal {

// PermissionDenied unless the principal is the coordination office (and may write).
Status RequireCoordination(const identity::Principal& principal);
// The regulator's roles that read banks, campaigns and the sector view.
bool IsRegulatorReader(const identity::Principal& principal);

// Campaign columns and reader: "id, bank_storage_id, b.bank_id, b.version, title_ja,
// title_en, year, categories, opens_at, deadline, status, created_at, closed_at" from
// `survey_campaigns c JOIN survey_banks b`.
extern const char* const kCampaignSelect;
Campaign CampaignFromRow(const store::Row& row);
// The campaign, unfiltered: callers decide who may see it. NotFound.
Result<Campaign> LoadCampaign(store::Connection& conn, std::string_view id);
// The campaign as the principal may see it: the regulator's roles any campaign, an
// institution one it is assigned to. NotFound otherwise. Counts filled.
Result<Campaign> LoadVisibleCampaign(store::Connection& conn, const identity::Principal& principal,
                                     std::string_view id);

// Assignments with the organisation's names, ANDed with identity::ReadableOrgs for
// kInstitutionRecords, so nothing of an institution the principal may not see comes back.
Result<std::vector<Assignment>> QueryAssignments(store::Connection& conn,
                                                 const identity::Principal& principal,
                                                 std::string_view campaign_id,
                                                 std::string_view org_id /* "" for all */);
// One visible assignment; NotFound when absent or not visible.
Result<Assignment> LoadAssignment(store::Connection& conn, const identity::Principal& principal,
                                  std::string_view campaign_id, std::string_view org_id);

// Stored answers (or ratings, from `table`) of one institution, by item id; values that
// no longer read for their item are left out (so is a reference text stored for an
// evidence item before its files answered it). Answers also hold each evidence item's
// files (AddEvidenceAnswers); ratings never do.
Result<std::unordered_map<std::string, StoredAnswer>> LoadAnswers(store::Connection& conn,
                                                                  const CompiledBank& bank,
                                                                  std::string_view table,
                                                                  std::string_view campaign_id,
                                                                  std::string_view org_id);
// Adds to `answers` the answer of every evidence item with at least one uploaded file:
// the files' names, oldest first, changed when the newest was uploaded (evidence.cc).
Status AddEvidenceAnswers(store::Connection& conn, const CompiledBank& bank,
                          std::string_view campaign_id, std::string_view org_id,
                          std::unordered_map<std::string, StoredAnswer>& answers);
Answers ValuesOf(const std::unordered_map<std::string, StoredAnswer>& answers);
Respondent RespondentOf(const Assignment& assignment);

// Shown and answered items per section and in total.
void FillProgress(const CompiledBank& bank, const std::vector<bool>& shown,
                  const std::unordered_map<std::string, StoredAnswer>& answers,
                  Assignment& assignment, std::vector<SectionProgress>* sections);

Json TextJson(const Text& text);
std::string Now(const Clock& clock);

}  // namespace fincyber::survey::internal
