// Self-inspection: after a campaign closes, an institution turns its gaps (scored items
// it did not meet, from its frozen results) into remediation items with a title, the
// item ids addressed, an owner, a due date and a status with a note; every change is kept
// as a version in the item's history. The next campaign shows what was closed: an item
// whose every addressed question is met in that campaign's frozen results is "closed",
// the others "still open".
//
// Access (the same rule as answers):
//   read    identity::ReadableOrgs(kInstitutionRecords): the institution its own, bureau
//           staff the institutions they supervise, the coordination office and auditors
//           all. Another institution's item is NotFound.
//   change  the institution's own admins and members only; anyone else who may read it
//           gets PermissionDenied.
// Each change runs in one transaction with its audit entry ("survey.remediation_create",
// "survey.remediation_update"). Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "http/http.h"
#include "identity/principal.h"
#include "store/database.h"
#include "store/migrations.h"
#include "survey/service.h"

namespace fincyber::survey {

// Module "survey_remediation": remediation items and their history.
std::vector<store::Migration> RemediationMigrations();

inline constexpr std::size_t kMaxRemediationTitleBytes = 200;
inline constexpr std::size_t kMaxRemediationNoteBytes = 4000;
inline constexpr std::size_t kMaxRemediationOwnerBytes = 200;
inline constexpr std::size_t kMaxRemediationItemIds = 50;

enum class RemediationStatus { kOpen, kInProgress, kDone, kAcceptedRisk };
// "open", "in_progress", "done", "accepted_risk".
std::string_view RemediationStatusName(RemediationStatus status);
std::optional<RemediationStatus> ParseRemediationStatus(std::string_view name);

// Who owns an item: a user of the institution (its display name is kept beside it) or a
// free-text name. Exactly one of the two is given on input.
struct RemediationOwner {
  std::string user_id;
  std::string name;
};

struct RemediationItem {
  std::string id;
  std::string org_id;
  std::string campaign_id;  // the campaign whose gaps it addresses
  int campaign_year = 0;
  std::string title;
  std::vector<std::string> item_ids;
  RemediationOwner owner;
  std::string due_date;  // YYYY-MM-DD
  RemediationStatus status = RemediationStatus::kOpen;
  std::string note;
  std::int64_t version = 1;
  std::string created_at;
  std::string created_by;  // user name
  std::string updated_at;
  std::string updated_by;
  // Open or in progress with the due date before today (UTC), computed when read.
  bool overdue = false;
};

// One version: what it set (the whole item for the first, the changed fields after).
struct RemediationChange {
  std::int64_t version = 0;
  std::string changed_at;
  std::string changed_by;
  Json changes;  // {field: value} for version 1, {field: {from, to}} after
};

struct NewRemediation {
  std::string title;                  // 1..kMaxRemediationTitleBytes
  std::vector<std::string> item_ids;  // 1..kMaxRemediationItemIds gaps, distinct
  RemediationOwner owner;
  std::string due_date;  // YYYY-MM-DD, today or later
  RemediationStatus status = RemediationStatus::kOpen;
  std::string note;
};

// For every gap not yet covered by an item of the campaign: one item per gap, titled
// with the question's text in `language` ("ja" or "en").
struct BulkRemediation {
  RemediationOwner owner;
  std::string due_date;
  std::string language = "ja";
};

// Fields left unset keep their value. When `expected_version` is set it must equal the
// stored version.
struct RemediationUpdate {
  std::optional<std::string> title;
  std::optional<RemediationOwner> owner;
  std::optional<std::string> due_date;  // today or later when changed
  std::optional<RemediationStatus> status;
  std::optional<std::string> note;
  std::optional<std::int64_t> expected_version;
};

struct RemediationQuery {
  std::string org_id;       // "" for every institution the principal may read
  std::string campaign_id;  // "" for every campaign
  std::optional<RemediationStatus> status;
};

// An earlier campaign's item as the next campaign's frozen results see it.
struct RemediationOutcome {
  RemediationItem item;
  std::vector<std::string> met;        // addressed items met in this campaign
  std::vector<std::string> unmet;      // addressed items not met
  std::vector<std::string> not_asked;  // not in this campaign's results (hidden, n/a, gone)
  bool closed = false;                 // every addressed item that was asked is met
};

struct RemediationProgress {
  std::string campaign_id;
  std::string org_id;
  bool results_available = false;  // false while the campaign is open or not submitted
  std::vector<RemediationOutcome> closed;
  std::vector<RemediationOutcome> still_open;
};

class RemediationService {
 public:
  // `db` and `clock` must outlive the service.
  RemediationService(store::Database& db, const Clock& clock);

  // Creates one item for gaps of the principal's institution in a closed campaign.
  // NotFound for a campaign the principal's institution is not assigned to or has no
  // results in; FailedPrecondition while the campaign is open; PermissionDenied for a
  // role that may not edit; InvalidArgument (field details) for a title, note or owner
  // that does not fit, an unknown owner user, a malformed or past due date, an item id
  // unknown to the campaign's results or one that is not a gap.
  Result<RemediationItem> Create(const identity::Principal& principal, std::string_view campaign_id,
                                 const NewRemediation& input, const RequestInfo& info);
  // One item for every gap not covered by an item of this campaign yet; the created
  // ones, in bank order (none when every gap is covered). Errors as Create.
  Result<std::vector<RemediationItem>> CreateForAllGaps(const identity::Principal& principal,
                                                        std::string_view campaign_id,
                                                        const BulkRemediation& input,
                                                        const RequestInfo& info);
  // Items the principal may read, by due date.
  Result<std::vector<RemediationItem>> List(const identity::Principal& principal,
                                            const RemediationQuery& query);
  // NotFound when absent or not readable.
  Result<RemediationItem> Get(const identity::Principal& principal, std::string_view id);
  Result<std::vector<RemediationChange>> History(const identity::Principal& principal,
                                                 std::string_view id);
  // NotFound as Get; PermissionDenied for someone who may read but not edit;
  // InvalidArgument as Create (and for an update changing nothing); Aborted when
  // expected_version is stale.
  Result<RemediationItem> Update(const identity::Principal& principal, std::string_view id,
                                 const RemediationUpdate& update, const RequestInfo& info);
  // The institution's items of earlier campaigns against this campaign's frozen results.
  // NotFound for an assignment the principal may not see.
  Result<RemediationProgress> Progress(const identity::Principal& principal,
                                       std::string_view campaign_id, std::string_view org_id);

 private:
  store::Database& db_;
  const Clock& clock_;
};

Json ToJson(const RemediationItem& item);
Json ToJson(const RemediationChange& change);
Json ToJson(const RemediationProgress& progress);

// /api/v1/survey/:
//   GET   remediation?org=&campaign=&status=       items the caller may read
//   GET   remediation/{id}                         one item with its history
//   PATCH remediation/{id}                         {title?, owner?, due_date?, status?,
//                                                  note?, version?} (the institution)
//   POST  campaigns/{id}/my/remediation            {title, item_ids, owner, due_date,
//                                                  status?, note?}; owner {user_id} or {name}
//   POST  campaigns/{id}/my/remediation/all-gaps   {owner, due_date, lang?}
//   GET   campaigns/{id}/my/remediation-progress   earlier items closed / still open
//   GET   campaigns/{id}/assignments/{org}/remediation-progress   (own or supervised)
// `service` must outlive the router's server.
void AddRemediationRoutes(http::Router& router, RemediationService& service);

}  // namespace fincyber::survey
