// The sharing hub: collections of STIX 2.1 objects tied to trust groups, every version
// of every object kept, TLP enforced on every read, correlation of the observables
// members share, and sightings counted per indicator.
//
// Visibility is identity::SharedObjectFilter, ANDed into every query: an organisation
// sees an object it authored, or one in a collection whose read group it belongs to,
// unless the object is TLP:RED and does not name it in `x_fincyber_recipients`. What is
// not visible is never returned, counted, correlated or used for a header or a cursor.
// There is no bypass, for any role.
//
// Each change runs in one transaction with its audit entry (audit/) and its events
// (events/: "sharing.objects_added" once per addition that stored something,
// "sharing.object_deleted", "sharing.sighted"), whose payloads carry only ids, the
// collection and the TLP, so subscribers re-check visibility. No HTTP types here: taxii/ and
// routes.cc adapt HTTP to these calls. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "identity/principal.h"
#include "sharing/envelope.h"
#include "sharing/live.h"
#include "stix/object.h"
#include "stix/observable.h"
#include "stix/tlp.h"
#include "store/database.h"
#include "store/migrations.h"

namespace fincyber::sharing {

class WarningLists;

// Module "sharing": collections, shared objects, recipients, observables, sightings and
// the reports of additions.
std::vector<store::Migration> Migrations();

// The custom property naming, on a TLP:RED object, the organisations (platform ids)
// that may see it besides its author.
inline constexpr std::string_view kRecipientsProperty = "x_fincyber_recipients";
// Most objects one page of a query returns.
inline constexpr int kMaxPageSize = 1000;

// Where a request came from, recorded in the audit log.
struct RequestInfo {
  std::string remote_address;
  std::string request_id;
};

struct Collection {
  std::string id;  // a UUID
  std::string title;
  std::string description;
  std::string alias;                          // "" when none
  std::string read_group_id;                  // trust group whose members read it
  std::string write_group_id;                 // trust group whose members add to it
  stix::Tlp default_tlp = stix::Tlp::kGreen;  // for objects without a TLP marking
  std::string created_at;
  // For the principal that asked.
  bool can_read = false;
  bool can_write = false;
};
Json ToJson(const Collection& collection);

struct NewCollection {
  std::string title;        // 1..200 characters, unique
  std::string description;  // up to 2000 characters
  std::string alias;        // "" or 1..64 of [a-z0-9_-], unique
  std::string read_group_id;
  std::string write_group_id;
  stix::Tlp default_tlp = stix::Tlp::kGreen;
};

// A position in a collection: objects are ordered by (date_added, row), and
// date_added is unique within a collection.
struct Cursor {
  std::int64_t date_added = 0;
  std::int64_t row = 0;
};

// TAXII's match[version]: any of these; none set means "last".
struct VersionFilter {
  bool first = false;
  bool last = false;
  bool all = false;
  std::vector<stix::Timestamp> at;
  bool empty() const { return !first && !last && !all && at.empty(); }
};

struct ObjectQuery {
  std::optional<stix::Timestamp> added_after;  // exclusive
  std::optional<Cursor> after;                 // the previous page's `next`
  int limit = 100;                             // 1..kMaxPageSize
  std::vector<std::string> ids;                // match[id]; empty: any (at most 100 each)
  std::vector<std::string> types;              // match[type]
  std::vector<std::string> spec_versions;      // match[spec_version]
  VersionFilter versions;                      // match[version]; empty: last
  bool with_body = true;                       // false for manifests
};

struct StoredObject {
  std::int64_t row = 0;
  std::string collection_id;
  std::string id;
  std::string type;
  std::string spec_version;
  stix::Timestamp version = 0;  // modified, else created, else date_added
  stix::Timestamp date_added = 0;
  stix::Tlp tlp = stix::Tlp::kGreen;
  bool revoked = false;
  std::string author_org;
  std::string body;  // the object's JSON as it was received; "" without with_body
};

// An object's stored JSON, parsed with the limits it was accepted under (any size the hub
// took, 64 levels deep as in a TAXII envelope), so that no stored object fails on its way
// out; the defaults of ParseJson (1 MiB, 32 levels) are for input.
Result<Json> ParseStoredBody(const StoredObject& object);

struct ObjectPage {
  std::vector<StoredObject> objects;
  bool more = false;
  Cursor next;  // meaningful when `more`
};

// One object's outcome in an addition, as TAXII's status resource reports it.
struct AddOutcome {
  std::string id;       // as given, "" when the object had none
  std::string version;  // RFC 3339, "" when unknown
  std::string message;  // names the rule for failures, e.g. "valid_from: timestamp: ..."
};

// A stored indicator whose observable is on a warning list (see UseWarningLists).
struct ObjectWarning {
  std::string id;
  std::string version;  // RFC 3339
  std::string list;     // the warning list's name
  std::string entry;    // the entry hit, normalised
};

struct AddReport {
  std::string id;  // status id, a UUID
  std::string collection_id;
  stix::Timestamp requested_at = 0;
  std::int64_t total_count = 0;
  std::vector<AddOutcome> successes;
  std::vector<AddOutcome> failures;
  // Stored indicators on a warning list, also named in their success's message.
  std::vector<ObjectWarning> warnings;
};

// An object's author as a viewer may know it: named when the object is the viewer's own
// organisation's or marked TLP:CLEAR or GREEN; otherwise `hidden`, with no id and a name
// that says only "another organisation" in the viewer's language.
struct AuthorAsSeen {
  std::string org_id;
  std::string name;
  bool hidden = false;
};

// An object sharing an observable with the one asked about.
struct CorrelatedObject {
  std::string id;
  std::string type;
  std::string collection_id;
  std::string observable;  // the shared observable's key, e.g. "domain:evil.example"
  // "same", or for address ranges "contains" (the other covers ours) / "within".
  std::string relation;
  stix::Tlp tlp = stix::Tlp::kGreen;
  AuthorAsSeen author;
};

struct Correlation {
  std::string id;
  std::vector<std::string> observables;   // keys of the object's observables
  std::vector<CorrelatedObject> related;  // at most 1000
  // Distinct authoring organisations among the visible objects carrying any of the
  // observables, the object itself included.
  std::int64_t organisations = 0;
};

struct SightingSummary {
  std::string sighting_of_ref;
  std::int64_t sightings = 0;  // visible sighting objects (newest versions)
  std::int64_t count = 0;      // sum of their `count` (1 when absent)
  std::optional<stix::Timestamp> first_seen;
  std::optional<stix::Timestamp> last_seen;
  std::int64_t organisations = 0;  // distinct organisations that posted them
};

// The hub's object browser: the newest visible versions across the collections the
// principal reads, newest first.
struct ObjectSearch {
  std::string collection_id;  // "" for every readable collection
  std::string type;           // "" for any
  // An observable ("evil.example", "198.51.100.7", a hash, a URL, an address) matches the
  // objects carrying it through the correlation index (addresses also match the ranges
  // containing them); a STIX id matches that object; anything else is a case-insensitive
  // substring of the object's JSON. Up to 200 characters.
  std::string text;
  std::string label;  // exact element of `labels`
  std::optional<stix::Tlp> tlp;
  std::optional<stix::Timestamp> added_after;  // exclusive
  int limit = 50;                              // 1..kMaxPageSize
  std::optional<std::int64_t> after_row;       // the previous page's `next_row`
};

struct SearchPage {
  std::vector<StoredObject> objects;
  std::int64_t total = 0;  // visible matches, all pages
  bool more = false;
  std::int64_t next_row = 0;  // meaningful when `more`
};

// One object with what points at it, all filtered by visibility.
// A warning-list hit recorded when a version was stored.
struct VersionWarning {
  std::int64_t row = 0;  // the version's StoredObject::row
  std::string list;      // the warning list's name
  std::string entry;     // the entry hit, normalised
};

// A version of an object. Each organisation keeps its own versions of an id in a
// collection; `latest` marks the newest of them, as TAXII's default filter does: a viewer
// who may not see that one sees no latest version of that organisation's.
struct ObjectVersion : StoredObject {
  AuthorAsSeen author;
  bool latest = false;
};

struct ObjectDetail {
  std::string id;
  // Every visible version, in any collection, by collection and then newest first.
  std::vector<ObjectVersion> versions;
  std::vector<VersionWarning> warnings;     // of those versions, by row then list
  std::vector<StoredObject> relationships;  // newest visible relationships to or from it
  std::vector<StoredObject> related;        // newest visible objects at their other ends
};

// An indicator written in the hub's form; the service builds the STIX object.
struct NewIndicator {
  std::string name;                           // 1..500 characters
  std::string description;                    // up to 10000 characters
  std::string pattern;                        // STIX pattern
  std::optional<stix::Timestamp> valid_from;  // default: now
  std::vector<std::string> labels;            // up to 50 of 1..100 characters
  stix::Tlp tlp = stix::Tlp::kGreen;
  std::vector<std::string> recipients;  // organisation ids, for TLP:RED only
};

// What the pattern editor shows: whether the text parses, where it does not, and the
// observables it names.
struct PatternCheck {
  bool ok = false;
  std::string error;            // the parser's message, "" when ok
  std::optional<int> position;  // 0-based code point of the error, when known
  std::vector<stix::Observable> observables;
  std::vector<stix::RejectedObservable> rejected;  // values that do not normalise
};
PatternCheck CheckPattern(std::string_view pattern);

namespace internal {
struct Validation;
class LiveCache;
}  // namespace internal

// A batch of objects validated for AddValidated: everything about them that needs no
// database (STIX validity, TLP, recipients' form, observables, warning-list hits).
// Move-only; owns the objects.
class ValidatedObjects {
 public:
  ValidatedObjects(ValidatedObjects&&) noexcept;
  ValidatedObjects& operator=(ValidatedObjects&&) noexcept;
  ~ValidatedObjects();

  std::size_t size() const;  // objects given, valid or not

 private:
  friend class SharingService;
  struct State;
  explicit ValidatedObjects(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// An addition accepted before it is stored (AddQueue): its report's id and request time
// are fixed when it is accepted, and the status resource answers "pending" until then.
struct AcceptedAdd {
  identity::Principal principal;
  std::string collection_id;
  RequestInfo info;
  std::string report_id;
  stix::Timestamp requested_at = 0;
  ValidatedObjects objects;
};

class SharingService {
 public:
  // `db` and `clock` must outlive the service.
  SharingService(store::Database& db, const Clock& clock);
  ~SharingService();

  store::Dialect dialect() const { return db_.dialect(); }

  // From now on, indicators added whose observables hit one of `lists` are stored as
  // usual (as MISP does) but flagged: the hits are kept with the object and reported in
  // AddReport::warnings. `lists` must outlive the service; call before concurrent use.
  void UseWarningLists(const WarningLists* lists) { warning_lists_ = lists; }

  // PermissionDenied unless the principal curates sharing (identity::IsCurator) and may
  // write; InvalidArgument for bad fields or unknown groups; AlreadyExists for a taken
  // title or alias.
  Result<Collection> CreateCollection(const identity::Principal& principal,
                                      const NewCollection& collection, const RequestInfo& info);
  // The collections the principal's organisation may read or write, by title.
  Result<std::vector<Collection>> ListCollections(const identity::Principal& principal);
  // NotFound unless the principal may read or write the collection.
  Result<Collection> GetCollection(const identity::Principal& principal, std::string_view id);

  // Validates and stores each object; an invalid object fails alone, with a message
  // naming the property and rule, and the others are stored. Everything, the report
  // included, is written in one transaction: a storage error stores nothing.
  // A same-id-same-version object already stored succeeds without change; an older
  // version is stored but the newest stays the latest. Only the organisation that
  // first shared an id in the collection may add versions of it.
  // Errors: NotFound for a collection the principal may not see, PermissionDenied when
  // it may not write to it; storage errors.
  Result<AddReport> AddObjects(const identity::Principal& principal, std::string_view collection_id,
                               const std::vector<IncomingObject>& objects, const RequestInfo& info);
  // AddObjects in two halves, so that a pipeline validates one batch while the one
  // before it is stored: ValidateObjects touches no database and may run on any thread
  // while AddValidated runs on another; AddValidated reports and stores exactly as
  // AddObjects would.
  ValidatedObjects ValidateObjects(std::vector<IncomingObject> objects) const;
  Result<AddReport> AddValidated(const identity::Principal& principal,
                                 std::string_view collection_id, const ValidatedObjects& objects,
                                 const RequestInfo& info);
  // AddValidated for consecutive batches in one transaction: stores each batch `next`
  // hands over until it returns nullptr, then commits and returns one report per batch,
  // in order. Each batch is decided, reported, audited and announced exactly as by
  // AddValidated; a storage error stores none of them. A batch may be freed once `next`
  // is called again. Large imports use it because SQLite rewrites every index page a
  // transaction touches at its commit, and the random keys of STIX ids and observables
  // touch a page per object: a commit per many batches writes several times less.
  using NextBatch = std::function<const ValidatedObjects*()>;
  Result<std::vector<AddReport>> AddValidatedTogether(const identity::Principal& principal,
                                                      std::string_view collection_id,
                                                      const NextBatch& next,
                                                      const RequestInfo& info);
  // Stores `adds` in one transaction, each decided, reported, audited and announced as by
  // AddValidated but under its own report id and request time; one report per add, in
  // order. Any error (storage, or an add refused as a whole: NotFound, PermissionDenied)
  // stores none of them. Once the transaction has been open `max_time`, it ends after the
  // add being stored (the first is always stored): the reports are then those of the adds
  // stored, the first ones.
  Result<std::vector<AddReport>> AddAccepted(
      const std::vector<const AcceptedAdd*>& adds,
      std::chrono::steady_clock::duration max_time = std::chrono::steady_clock::duration::max());
  // Records `add` as refused as a whole, for an add that can never be stored (its
  // collection gone or no longer writable): a report in which every object failed with
  // `message`, and its audit entry.
  Result<AddReport> RecordRefusedAdd(const AcceptedAdd& add, std::string_view message);
  // Whether a report with this id was stored, whoever made it.
  Result<bool> AddReportExists(std::string_view id);
  // NotFound unless the report exists and was made by the principal's organisation.
  Result<AddReport> GetAddReport(const identity::Principal& principal, std::string_view id);
  // From now on, reports (TAXII status resources) older than `retention` are deleted after
  // an add: at most kAddReportsPrunedPerRound at a time, then again at the next add while
  // more are due, else an hour later. Zero, the default, keeps them all. Call before
  // concurrent use.
  void KeepAddReportsFor(std::chrono::hours retention) { add_report_retention_ = retention; }
  static constexpr std::int64_t kAddReportsPrunedPerRound = 1000;
  // Deletes up to `max_reports` reports made before `before`, oldest first, whoever made
  // them; returns how many.
  Result<std::int64_t> PruneAddReports(stix::Timestamp before, std::int64_t max_reports);

  // The visible objects of a collection matching `query`, by (date_added, row).
  // NotFound for a collection the principal may not see, PermissionDenied for one it
  // may write but not read; InvalidArgument for a limit outside 1..kMaxPageSize or more
  // than 100 values in one match list.
  Result<ObjectPage> ListObjects(const identity::Principal& principal,
                                 std::string_view collection_id, const ObjectQuery& query);

  // How many deletions the collection has had: what is kept beside it (the log check's
  // compiled indicators) is stale once this changes. Not a read of the collection; no
  // principal. NotFound for an unknown collection.
  Result<std::int64_t> CollectionDeletions(std::string_view collection_id);

  // Deletes the versions of `id` matching query.versions (empty: all) and
  // query.spec_versions from the collection; returns how many were deleted.
  // NotFound when no visible version matches, PermissionDenied unless the principal
  // may write to the collection and its organisation authored the object.
  Result<std::int64_t> DeleteObject(const identity::Principal& principal,
                                    std::string_view collection_id, std::string_view id,
                                    const ObjectQuery& query, const RequestInfo& info);

  // The visible objects, in any collection, sharing an observable with the newest
  // visible versions of `id` (equal, or an address range containing or within one).
  // NotFound when the principal sees no version of `id`.
  Result<Correlation> Correlate(const identity::Principal& principal, std::string_view id);

  // The visible sightings of `id`, aggregated. NotFound when the principal sees no
  // version of `id`.
  Result<SightingSummary> SightingsOf(const identity::Principal& principal, std::string_view id);

  // The newest visible versions matching `search` in the collections the principal
  // reads. NotFound for a collection it may not read; InvalidArgument for a limit
  // outside 1..kMaxPageSize or text over 200 characters.
  Result<SearchPage> SearchObjects(const identity::Principal& principal,
                                   const ObjectSearch& search);

  // Versions, relationships and related objects of `id` as the principal may see them.
  // NotFound when it sees no version of `id`.
  Result<ObjectDetail> GetObjectDetail(const identity::Principal& principal, std::string_view id);

  // Where a live stream starts: after `after`, or after the newest event when none.
  // NotFound for a filtered collection the principal may not read; InvalidArgument for
  // more than kMaxLiveFilterValues values in a filter or a position past the newest event
  // (it cannot come from this hub).
  Result<LivePosition> StartLive(const identity::Principal& principal, const LiveFilter& filter,
                                 std::optional<LivePosition> after);
  // Up to `max_events` (1..1000) events after `after` that the principal may see and
  // `filter` selects, oldest first: objects added, updated, revoked or deleted in
  // collections it reads, when it may see them (the visibility rule, with group
  // membership and recipients as they are now), and sightings of its own objects that
  // it may see. Reads at most a few hundred outbox events per call. Storage errors.
  Result<LiveBatch> ReadLive(const identity::Principal& principal, const LiveFilter& filter,
                             LivePosition after, int max_events);

  // Builds an indicator from `indicator` (id, created, modified, TLP marking, recipients)
  // and adds it like any other object. InvalidArgument naming the rule when it is not
  // valid; the errors of AddObjects otherwise. Returns the stored object's report.
  Result<AddReport> CreateIndicator(const identity::Principal& principal,
                                    std::string_view collection_id, const NewIndicator& indicator,
                                    const RequestInfo& info);

 private:
  internal::Validation Validate(const std::vector<IncomingObject>& objects) const;
  Result<AddReport> Store(const identity::Principal& principal, std::string_view collection_id,
                          const std::vector<IncomingObject>& objects,
                          const internal::Validation& validation, const RequestInfo& info);
  struct ReportStamp {
    std::string id;
    stix::Timestamp requested_at = 0;
  };
  // Store's work inside the caller's transaction; fills `report`.
  Status StoreIn(store::Connection& conn, const identity::Principal& principal,
                 std::string_view collection_id, const std::vector<IncomingObject>& objects,
                 const internal::Validation& validation, const RequestInfo& info,
                 const ReportStamp& stamp, AddReport& report);
  static Status InsertReport(store::Connection& conn, const identity::Principal& principal,
                             const AddReport& report);
  // After an add: PruneAddReports when KeepAddReportsFor asks for it and a round is due.
  // A failure is logged; the add it follows has succeeded.
  void PruneAddReportsWhenDue();

  store::Database& db_;
  const Clock& clock_;
  const WarningLists* warning_lists_ = nullptr;
  std::chrono::hours add_report_retention_{0};
  std::atomic<stix::Timestamp> next_add_report_prune_{0};  // microseconds, as requested_at
  // The live feed's objects, read once for every stream (ReadLive).
  std::unique_ptr<internal::LiveCache> live_cache_;
};

}  // namespace fincyber::sharing
