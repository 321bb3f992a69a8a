// The survey as the regulator runs it: banks stored and published, campaigns opened
// for business categories, one assignment per institution, answers saved item by item,
// submission under a management attestation, reopening on request, supervisor ratings,
// and results frozen when a campaign closes. Built on the pure core (bank.h, scoring.h,
// analytics.h); this file adds storage, rules and access.
//
// Access (identity's policy; no role bypasses it):
//   banks        read by the coordination office, auditors and bureau staff; created,
//                edited and published by the coordination office. Institutions read a
//                bank only through their assignment's questionnaire.
//   campaigns    opened, extended and closed by the coordination office; listed to the
//                regulator's roles, and to an institution only when it is assigned.
//   assignments  identity::ReadableOrgs(kInstitutionRecords): an institution its own,
//                bureau staff the institutions they supervise, the coordination office
//                and auditors all. Another institution's assignment is NotFound, never
//                PermissionDenied, so its existence is not revealed.
//   answers      written by the institution's own admins and members; submitted and
//                reopen requested by its admins; reopening granted by the coordination
//                office; supervisor ratings by bureau staff (supervised institutions)
//                and the coordination office.
//   results      an institution its own feedback (own scores, peer figures under the
//                confidentiality rule of analytics.h); the regulator's roles the
//                category view, bureau staff's drill-down limited to what they supervise.
//
// Each change runs in one transaction with its audit entry (action "survey.*") and,
// for campaign and submission milestones, its event ("survey.campaign_opened",
// "survey.campaign_closed", "survey.submitted", "survey.reopen_requested",
// "survey.reopened", "survey.deadline_extended"). Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "identity/principal.h"
#include "store/database.h"
#include "store/migrations.h"
#include "survey/answer_workbook.h"
#include "survey/answers.h"
#include "survey/bank.h"
#include "survey/compiled_bank.h"
#include "survey/evidence.h"

namespace fincyber::survey {

// Module "survey": banks, campaigns, assignments, answers with their history,
// submissions, reopen requests, supervisor ratings and frozen results; followed by the
// remediation, reminder and evidence modules' migrations, which answers and reports read.
std::vector<store::Migration> Migrations();

inline constexpr std::size_t kMaxCommentBytes = 4000;
inline constexpr std::size_t kMaxEvidenceRefBytes = 500;
inline constexpr std::size_t kMaxAttestationBytes = 200;
inline constexpr std::size_t kMaxReasonBytes = 2000;
inline constexpr std::size_t kMaxCampaignCategories = 20;

// Where a request came from, recorded in the audit log.
struct RequestInfo {
  std::string remote_address;
  std::string request_id;
};

enum class BankSourceFormat { kYaml, kJson, kOscalXml, kOscalJson };
// "yaml", "json", "oscal_xml", "oscal_json".
std::string_view BankSourceFormatName(BankSourceFormat format);
std::optional<BankSourceFormat> ParseBankSourceFormat(std::string_view name);

struct BankSource {
  BankSource() = default;
  BankSource(BankSourceFormat source_format, std::string source_text)
      : format(source_format), text(std::move(source_text)) {}
  BankSourceFormat format = BankSourceFormat::kYaml;
  std::string text;  // as authored; kept beside the model
  // For OSCAL catalogs, which carry no bank id or version: empty takes the importer's
  // defaults (oscal.h).
  std::string oscal_bank_id;
  std::string oscal_version;
};

struct StoredBankInfo {
  std::string id;  // storage id (UUID); one per bank id and version
  std::string bank_id;
  std::string version;
  BankStatus status = BankStatus::kDraft;
  Text title;
  int sections = 0;
  int items = 0;
  std::int64_t revision = 1;  // drafts count their edits
  std::string created_at;
  std::string updated_at;
  std::string published_at;  // "" for drafts
};

struct StoredBank {
  StoredBankInfo info;
  BankSourceFormat source_format = BankSourceFormat::kYaml;
  std::string source;
  std::shared_ptr<const CompiledBank> bank;
};

enum class CampaignStatus { kOpen, kClosed };
std::string_view CampaignStatusName(CampaignStatus status);  // "open", "closed"

struct Campaign {
  std::string id;
  std::string bank_storage_id;
  std::string bank_id;
  std::string bank_version;
  Text title;
  int year = 0;
  std::vector<std::string> categories;  // business category codes (identity::Sectors)
  std::string opens_at;
  std::string deadline;
  CampaignStatus status = CampaignStatus::kOpen;
  std::string created_at;
  std::string closed_at;  // "" while open
  // Of the assignments the principal may see.
  int assignments = 0;
  int submitted = 0;
};

struct NewCampaign {
  std::string bank_storage_id;  // a published or frozen bank
  Text title;                   // both languages, 1..200 bytes each
  int year = 0;                 // 2000..2100
  std::vector<std::string> categories;
  std::optional<TimePoint> opens_at;  // default: now
  TimePoint deadline;                 // after opens_at and after now
};

enum class AssignmentStatus { kInProgress, kSubmitted, kReopenRequested };
// "in_progress", "submitted", "reopen_requested".
std::string_view AssignmentStatusName(AssignmentStatus status);

struct Attestation {
  std::string executive_name;   // 1..kMaxAttestationBytes
  std::string executive_title;  // 1..kMaxAttestationBytes
};

struct Assignment {
  std::string campaign_id;
  std::string org_id;
  Text org_name;
  std::string category;
  SizeTier size = SizeTier::kMedium;
  std::string deadline;  // the campaign's, or this institution's extension
  AssignmentStatus status = AssignmentStatus::kInProgress;
  std::string submitted_at;  // of the last submission, "" when none
  Attestation attestation;   // of the last submission
  std::string reopen_reason;
  // Progress: shown items and the answered ones among them.
  int shown = 0;
  int answered = 0;
};

// An evidence item's answer is not stored but read from its files (answers.h): their
// names, no comment or reference, version 0, changed with the newest file.
struct StoredAnswer {
  std::string item_id;
  AnswerValue value;
  std::string comment;
  std::string evidence;  // a reference to evidence held elsewhere (document id, URL)
  std::int64_t version = 0;
  std::string updated_at;
  std::string updated_by;  // user name
};

// One item's autosave. `value` is the answer's JSON form (answers.h), or null to clear
// it. When `expected_version` is set it must equal the stored version (0: none yet).
struct AnswerInput {
  Json value;
  std::string comment;
  std::string evidence;
  std::optional<std::int64_t> expected_version;
};

// One saved version of an answer; `value` is null when the answer was cleared.
struct AnswerVersion {
  std::int64_t version = 0;
  Json value;
  std::string comment;
  std::string evidence;
  std::string changed_at;
  std::string changed_by;
};

struct SectionProgress {
  std::string section_id;
  Text title;
  int shown = 0;
  int answered = 0;
};

// The questionnaire as one institution sees it, conditions evaluated over its answers.
struct Questionnaire {
  Campaign campaign;
  Assignment assignment;
  std::shared_ptr<const CompiledBank> bank;
  std::vector<bool> shown;  // per item, document order
  std::unordered_map<std::string, StoredAnswer> answers;
  std::unordered_map<std::string, StoredAnswer> ratings;  // supervisor's, by item
  std::vector<SectionProgress> sections;
  bool editable = false;  // the principal may answer now
};

class SurveyService {
 public:
  // `db` and `clock` must outlive the service.
  SurveyService(store::Database& db, const Clock& clock);

  // Banks. Import/UpdateDraft parse, validate (as a draft) and store; TooLarge
  // (base/too_large.h) for a source past the format's caps; InvalidArgument listing
  // every problem; AlreadyExists for a bank id and version already stored;
  // FailedPrecondition when the bank is not a draft. PublishBank requires both
  // languages everywhere (InvalidArgument listing what is missing).
  Result<StoredBankInfo> ImportBank(const identity::Principal& principal, const BankSource& source,
                                    const RequestInfo& info);
  Result<StoredBankInfo> UpdateDraft(const identity::Principal& principal, std::string_view id,
                                     const BankSource& source, const RequestInfo& info);
  Result<StoredBankInfo> PublishBank(const identity::Principal& principal, std::string_view id,
                                     const RequestInfo& info);
  // Stores and publishes the mission's bank (mission_bank.h); returns the stored one
  // when this version is already there.
  Result<StoredBankInfo> LoadMissionBank(const identity::Principal& principal,
                                         const RequestInfo& info);
  Result<std::vector<StoredBankInfo>> ListBanks(const identity::Principal& principal);
  Result<StoredBank> GetBank(const identity::Principal& principal, std::string_view id);

  // Campaigns. OpenCampaign assigns every institution of the categories; InvalidArgument
  // for bad fields; FailedPrecondition for a draft bank or no institution to assign.
  Result<Campaign> OpenCampaign(const identity::Principal& principal, const NewCampaign& campaign,
                                const RequestInfo& info);
  Result<std::vector<Campaign>> ListCampaigns(const identity::Principal& principal);
  Result<Campaign> GetCampaign(const identity::Principal& principal, std::string_view id);
  // Extends one institution's deadline (later than its current one) on an open campaign.
  Result<Assignment> ExtendDeadline(const identity::Principal& principal,
                                    std::string_view campaign_id, std::string_view org_id,
                                    TimePoint deadline, const RequestInfo& info);
  // Closes the campaign, freezes its bank and stores the results of every submitted
  // institution and every category, computed now (scoring.h, analytics.h), with the
  // previous closed campaign before it as last year. FailedPrecondition when closed.
  Result<Campaign> CloseCampaign(const identity::Principal& principal, std::string_view id,
                                 const RequestInfo& info);

  // Assignments of a campaign the principal may see, by category and name, with progress.
  Result<std::vector<Assignment>> ListAssignments(const identity::Principal& principal,
                                                  std::string_view campaign_id);
  Result<Questionnaire> GetQuestionnaire(const identity::Principal& principal,
                                         std::string_view campaign_id, std::string_view org_id);
  Result<std::optional<StoredAnswer>> GetAnswer(const identity::Principal& principal,
                                                std::string_view campaign_id,
                                                std::string_view org_id, std::string_view item_id);

  // Every saved version of one answer, oldest first (the supervisor's ratings are not
  // part of it). NotFound as GetAnswer.
  Result<std::vector<AnswerVersion>> AnswerHistory(const identity::Principal& principal,
                                                   std::string_view campaign_id,
                                                   std::string_view org_id,
                                                   std::string_view item_id);

  // Saves one item. NotFound for an assignment the principal may not see or an unknown
  // item; PermissionDenied for a role that may not answer; FailedPrecondition when the
  // campaign is closed, the deadline passed, the answers are submitted or the item is
  // not shown; InvalidArgument (field = item id, "comment" or "evidence") for a value
  // that does not fit and for an evidence item, which only uploaded files answer
  // (UploadEvidence); Aborted when expected_version is stale. Returns the stored
  // answer, or nullopt when cleared.
  Result<std::optional<StoredAnswer>> PutAnswer(const identity::Principal& principal,
                                                std::string_view campaign_id,
                                                std::string_view org_id, std::string_view item_id,
                                                const AnswerInput& input, const RequestInfo& info);
  // Locks the answers under the attestation. FailedPrecondition (details: the unanswered
  // shown items) unless every shown scored item is answered; the answer rules above.
  Result<Assignment> Submit(const identity::Principal& principal, std::string_view campaign_id,
                            std::string_view org_id, const Attestation& attestation,
                            const RequestInfo& info);
  Result<Assignment> RequestReopen(const identity::Principal& principal,
                                   std::string_view campaign_id, std::string_view org_id,
                                   std::string_view reason, const RequestInfo& info);
  Result<Assignment> GrantReopen(const identity::Principal& principal, std::string_view campaign_id,
                                 std::string_view org_id, const RequestInfo& info);
  // Refuses the request: the answers stay submitted and locked. `reason` 1..kMaxReasonBytes.
  Result<Assignment> DeclineReopen(const identity::Principal& principal,
                                   std::string_view campaign_id, std::string_view org_id,
                                   std::string_view reason, const RequestInfo& info);
  // The supervisor's own rating of one item (same value rules as answers; null clears).
  Result<std::optional<StoredAnswer>> PutRating(const identity::Principal& principal,
                                                std::string_view campaign_id,
                                                std::string_view org_id, std::string_view item_id,
                                                const AnswerInput& input, const RequestInfo& info);

  // Imports the answers of a workbook read by ReadAnswerWorkbook (answer_workbook.h), all
  // or nothing: every row is checked as PutAnswer checks one item, with conditions
  // evaluated over the answers as the workbook leaves them, and nothing is saved unless
  // every row passes. Rows that change nothing are skipped, and so are evidence items'
  // rows, which list the item's files and are never read back (UploadEvidence answers
  // them); each change is saved with its history and audit entry as PutAnswer's, plus
  // one "survey.answers_import" entry.
  // Who: the institution's own users, or the operator on the command line (no user,
  // coordination office) for a workbook an institution sent in. InvalidArgument whose
  // details name every rejected row ("<sheet>!<row>:<item>", reason); NotFound,
  // PermissionDenied and FailedPrecondition (closed, past the deadline, submitted) as
  // PutAnswer, for the whole workbook.
  Result<AnswerImportSummary> ImportAnswers(const identity::Principal& principal,
                                            std::string_view campaign_id, std::string_view org_id,
                                            const AnswerWorkbookRows& workbook,
                                            const RequestInfo& info);
  // Reads the workbook's bytes (ReadAnswerWorkbook) and imports them as ImportAnswers;
  // a workbook that cannot be read is refused and audited like a rejected one (TooLarge
  // past the reader's caps).
  Result<AnswerImportSummary> ImportAnswerWorkbook(const identity::Principal& principal,
                                                   std::string_view campaign_id,
                                                   std::string_view org_id, std::string_view xlsx,
                                                   const RequestInfo& info);

  // Evidence files per item (evidence.h). Upload and delete follow PutAnswer's rules
  // (own users, open, before the deadline, not submitted, item asked); reads follow
  // GetAnswer's. The files of an evidence item are its answer: the first upload answers
  // it and deleting the last one leaves it unanswered (progress, conditions' answered(),
  // the workbook); any other item may carry files beside its answer. UploadEvidence:
  // InvalidArgument for a name or content refused by evidence.h; TooLarge
  // (base/too_large.h, HTTP 413) past the file size or the institution's total;
  // FailedPrecondition when the item has its limit of files. NotFound for a file of
  // another item or institution.
  void SetEvidenceLimits(const EvidenceLimits& limits) { evidence_limits_ = limits; }
  const EvidenceLimits& evidence_limits() const { return evidence_limits_; }
  Result<EvidenceFile> UploadEvidence(const identity::Principal& principal,
                                      std::string_view campaign_id, std::string_view org_id,
                                      std::string_view item_id, std::string_view filename,
                                      std::string_view content, const RequestInfo& info);
  Result<std::vector<EvidenceFile>> ListEvidence(const identity::Principal& principal,
                                                 std::string_view campaign_id,
                                                 std::string_view org_id, std::string_view item_id);
  Result<EvidenceDownload> GetEvidence(const identity::Principal& principal,
                                       std::string_view campaign_id, std::string_view org_id,
                                       std::string_view item_id, std::string_view evidence_id);
  Status DeleteEvidence(const identity::Principal& principal, std::string_view campaign_id,
                        std::string_view org_id, std::string_view item_id,
                        std::string_view evidence_id, const RequestInfo& info);

  // Frozen results (JSON documented in routes.h). FailedPrecondition while the campaign
  // is open; NotFound when the institution has none (not submitted) or is not visible.
  Result<Json> InstitutionResults(const identity::Principal& principal,
                                  std::string_view campaign_id, std::string_view org_id);
  // Every category of the campaign (no drill-down) or one with its drill-down.
  Result<Json> SectorResults(const identity::Principal& principal, std::string_view campaign_id);
  Result<Json> CategoryResults(const identity::Principal& principal, std::string_view campaign_id,
                               std::string_view category);

 private:
  store::Database& db_;
  const Clock& clock_;
  EvidenceLimits evidence_limits_;  // set before serving, then only read
  // Published and frozen banks never change, so their compiled form is kept.
  std::mutex cache_mutex_;
  std::unordered_map<std::string, std::shared_ptr<const CompiledBank>> compiled_;  // guarded

  Result<std::shared_ptr<const CompiledBank>> LoadCompiled(store::Connection& conn,
                                                           std::string_view storage_id);
};

// The size tier an institution of a business category has when it has none of its own
// (identity::Sectors(): large for major banks and market infrastructures, small for
// shinkin banks, credit cooperatives, funds-transfer operators and crypto-asset
// exchanges, medium otherwise).
SizeTier DefaultSizeTier(std::string_view category);
// The tier an assignment takes when a campaign opens: the institution's own, else its
// category's default.
SizeTier InstitutionSizeTier(const std::optional<std::string>& size_tier,
                             const std::optional<std::string>& category);

Json ToJson(const StoredBankInfo& bank);
Json ToJson(const Campaign& campaign);
Json ToJson(const Assignment& assignment);
Json ToJson(const StoredAnswer& answer);
Json ToJson(const AnswerVersion& version);

}  // namespace fincyber::survey
