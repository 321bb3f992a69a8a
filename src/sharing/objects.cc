// Adding and deleting objects: validation, TLP, recipients, versions, the
// per-collection date_added clock, observables for correlation, sightings, the
// report, the audit entry and the events, all in one transaction.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <variant>

#include "audit/audit.h"
#include "base/crypto.h"
#include "base/log.h"
#include "events/events.h"
#include "identity/access.h"
#include "identity/directory.h"
#include "identity/groups.h"
#include "sharing/internal/common.h"
#include "sharing/service.h"
#include "sharing/warninglist.h"
#include "stix/observable.h"

namespace fincyber::sharing {
namespace {

constexpr std::size_t kMaxRecipients = 200;

// What validation found out about one object before anything is written.
struct Prepared {
  const IncomingObject* incoming = nullptr;
  stix::ObjectFacts facts;
  // Of the markings, else IncomingObject::tlp_if_unmarked; nullopt: the collection's
  // default applies.
  std::optional<stix::Tlp> marked_tlp;
  std::vector<std::string> recipients;
  std::vector<stix::Observable> observables;
  std::vector<WarningHit> warnings;  // indicators only, one per list
  internal::RelationshipEnds ends;   // relationships only
  // Sightings only.
  std::string sighting_of_ref;
  std::int64_t sighting_count = 1;
  std::optional<stix::Timestamp> first_seen;
  std::optional<stix::Timestamp> last_seen;
};

// Where the object `p` was prepared from is in its batch.
std::size_t IndexIn(const std::vector<IncomingObject>& objects, const Prepared& p) {
  return static_cast<std::size_t>(p.incoming - objects.data());
}

std::string JoinViolations(const std::vector<stix::Violation>& violations) {
  std::string out;
  for (const auto& v : violations) {
    if (!out.empty()) out += "; ";
    out +=
        fmt::format("{}: {}: {}", v.property.empty() ? "(object)" : v.property, v.rule, v.message);
  }
  return out;
}

std::string_view KindName(stix::ObservableKind kind) {
  switch (kind) {
    case stix::ObservableKind::kDomain:
      return "domain";
    case stix::ObservableKind::kUrl:
      return "url";
    case stix::ObservableKind::kIpv4:
      return "ipv4";
    case stix::ObservableKind::kIpv6:
      return "ipv6";
    case stix::ObservableKind::kEmail:
      return "email";
    case stix::ObservableKind::kHash:
      return "hash";
    case stix::ObservableKind::kOther:
      return "other";
  }
  return "other";
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

std::optional<stix::Timestamp> OptionalTimestamp(const Json& object, const char* field,
                                                 std::string& problem) {
  auto it = object.find(field);
  if (it == object.end()) return std::nullopt;
  if (!it->is_string()) {
    problem = fmt::format("{}: timestamp: not a string", field);
    return std::nullopt;
  }
  auto parsed = stix::ParseTimestamp(it->get<std::string>());
  if (!parsed.ok()) {
    problem = fmt::format("{}: timestamp: {}", field, parsed.error().safe_message());
    return std::nullopt;
  }
  return *parsed;
}

// Everything about one object that needs no database: STIX validity, its TLP,
// recipients' form, observables, sighting facts. A failure is the message to report.
std::variant<Prepared, std::string> Prepare(const IncomingObject& incoming,
                                            const WarningLists* warning_lists) {
  Prepared p;
  p.incoming = &incoming;
  const Json& object = incoming.object;
  auto validation = stix::Validate(object);
  if (auto* invalid = std::get_if<stix::Invalid>(&validation)) {
    return JoinViolations(invalid->violations);
  }
  stix::Validated& validated = std::get<stix::Validated>(validation);
  p.facts = std::move(validated.facts);
  p.ends = internal::EndsOfRelationship(object);
  p.marked_tlp = stix::MostRestrictiveTlp(p.facts.object_marking_refs);
  if (!p.marked_tlp) p.marked_tlp = incoming.tlp_if_unmarked;

  auto recipients = object.find(kRecipientsProperty);
  if (recipients != object.end()) {
    if (!recipients->is_array() || recipients->size() > kMaxRecipients) {
      return fmt::format("{}: recipients: must be a list of at most {} organisation ids",
                         kRecipientsProperty, kMaxRecipients);
    }
    for (const auto& r : *recipients) {
      if (!r.is_string() || r.get<std::string>().empty() || r.get<std::string>().size() > 100) {
        return fmt::format("{}: recipients: every entry must be an organisation id",
                           kRecipientsProperty);
      }
      p.recipients.push_back(r.get<std::string>());
    }
    std::sort(p.recipients.begin(), p.recipients.end());
    p.recipients.erase(std::unique(p.recipients.begin(), p.recipients.end()), p.recipients.end());
  }

  // An indicator's STIX pattern, parsed by validation.
  if (validated.pattern) {
    p.observables = stix::ObservablesOf(*validated.pattern).observables;
    if (warning_lists != nullptr) {
      for (const auto& observable : p.observables) {
        for (auto& hit : warning_lists->Check(observable)) {
          const bool new_list =
              std::none_of(p.warnings.begin(), p.warnings.end(),
                           [&](const WarningHit& h) { return h.list == hit.list; });
          if (new_list) p.warnings.push_back(std::move(hit));
        }
      }
    }
  } else if (p.facts.category == stix::Category::kSco) {
    p.observables = stix::ObservablesOfSco(object);
  }

  if (p.facts.type == "sighting") {
    p.sighting_of_ref = object.value("sighting_of_ref", "");
    auto count = object.find("count");
    if (count != object.end()) {
      if (!count->is_number_integer() || count->get<std::int64_t>() < 0) {
        return std::string("count: integer: must be a non-negative integer");
      }
      p.sighting_count = count->get<std::int64_t>();
    }
    std::string problem;
    p.first_seen = OptionalTimestamp(object, "first_seen", problem);
    p.last_seen = OptionalTimestamp(object, "last_seen", problem);
    if (!problem.empty()) return problem;
  }
  return p;
}

// What the poster's organisation stored under one id in the collection (its versions of
// the id), read once per envelope and kept current while the envelope's objects are
// decided, so that an id repeated within the envelope sees its earlier occurrences.
struct Known {
  std::set<stix::Timestamp> versions;
  stix::Timestamp latest_version = 0;
  std::string latest_body;
  // Where the latest version is: a stored row, or an object of this envelope.
  std::optional<std::int64_t> latest_row;
  std::optional<std::size_t> latest_new;
};

struct StoredIds {
  std::map<std::string, Known> own;  // by id: the poster's organisation's versions
  // Ids with a version of another organisation that the poster may see: adding to them
  // is refused. Versions it may not see are not looked at, so that the answer never tells
  // it that they exist; it keeps its own versions of the id beside them.
  std::set<std::string> others_visible;
};

// Every stored version of the envelope's ids, with the body of the latest only.
Result<StoredIds> LoadKnown(store::Connection& conn, const identity::Principal& principal,
                            const std::string& collection_id,
                            const std::vector<Prepared>& prepared) {
  std::set<std::string> distinct;
  for (const Prepared& p : prepared) distinct.insert(p.facts.id);
  store::Params ids(distinct.begin(), distinct.end());
  const identity::OrgFilter visible = internal::VisibleObjects(principal);
  store::Params leading = visible.params;
  leading.push_back(collection_id);
  FC_ASSIGN_OR_RETURN(
      auto rows, internal::RunInChunks(conn, leading, 1, std::move(ids), [&](std::size_t n) {
        return fmt::format(
            "SELECT o.stix_id, o.row_id, o.version, o.is_latest, o.author_org, CASE WHEN "
            "o.is_latest = 1 THEN o.body ELSE '' END, CASE WHEN {} THEN 1 ELSE 0 END FROM {} "
            "WHERE o.collection_id = ? AND o.stix_id IN ({})",
            visible.sql, internal::kObjectsFrom, internal::Placeholders(n));
      }));
  StoredIds stored;
  for (const auto& row : rows) {
    if (row.GetString(4) != principal.org_id) {
      if (row.GetInt(6) == 1) stored.others_visible.insert(row.GetString(0));
      continue;
    }
    Known& k = stored.own[row.GetString(0)];
    k.versions.insert(row.GetInt(2));
    if (row.GetInt(3) == 1) {
      k.latest_row = row.GetInt(1);
      k.latest_version = row.GetInt(2);
      k.latest_body = row.GetString(5);
    }
  }
  return stored;
}

// An object of the envelope that will be stored, and what was decided for it.
struct NewObject {
  const Prepared* prepared = nullptr;
  std::size_t index = 0;  // in the envelope
  stix::Timestamp version = 0;
  std::string version_text;  // RFC 3339, as reported
  stix::Timestamp date_added = 0;
  stix::Tlp tlp = stix::Tlp::kClear;
  bool is_latest = false;
  bool was_latest_when_added = false;  // sightings notify only then
  bool new_version = false;
  std::int64_t row = 0;  // once inserted
};

// Inserts the objects and fills in their rows. The (stix_id, version) pair is unique
// in a collection, so it tells which returned row is which.
Status InsertObjects(store::Connection& conn, const Collection& collection,
                     const identity::Principal& principal, std::vector<NewObject>& objects) {
  constexpr std::size_t kColumns = 17;
  auto optional_ts = [](const std::optional<stix::Timestamp>& t) {
    return t ? store::Value(*t) : store::Value(nullptr);
  };
  store::Params values;
  values.reserve(objects.size() * kColumns);
  std::map<std::pair<std::string_view, stix::Timestamp>, NewObject*> by_version;
  for (NewObject& o : objects) {
    const Prepared& p = *o.prepared;
    values.insert(
        values.end(),
        {collection.id, p.facts.id, p.facts.type, p.facts.spec_version,
         optional_ts(p.facts.created), optional_ts(p.facts.modified), o.version, o.date_added,
         static_cast<std::int64_t>(o.tlp), std::int64_t{o.tlp == stix::Tlp::kRed},
         std::int64_t{p.facts.revoked}, principal.org_id, principal.user_id,
         std::int64_t{o.is_latest}, p.incoming->raw, p.ends.source, p.ends.target});
    by_version[{p.facts.id, o.version}] = &o;
  }
  FC_ASSIGN_OR_RETURN(
      auto rows,
      internal::RunInChunks(conn, {}, kColumns, std::move(values), [&conn](std::size_t n) {
        return fmt::format(
            "{} shared_objects (collection_id, stix_id, type, spec_version, created, "
            "modified, version, date_added, tlp, named_recipients_only, revoked, author_org, "
            "author_user, is_latest, body, source_ref, target_ref) VALUES {} RETURNING row_id, "
            "stix_id, version",
            internal::InsertInto(conn), internal::ValuesRows(n, kColumns));
      }));
  if (rows.size() != objects.size()) return Internal("inserted objects: row count differs");
  for (const auto& row : rows) {
    const std::string id = row.GetString(1);
    auto it = by_version.find({id, row.GetInt(2)});
    if (it == by_version.end()) return Internal("inserted objects: unexpected row");
    it->second->row = row.GetInt(0);
  }
  return OkStatus();
}

// Links the objects to their observables, creating the observables not yet known.
// Keys are created in sorted order, so that concurrent envelopes sharing new keys
// wait for each other instead of deadlocking.
Status LinkObservables(store::Connection& conn, const std::vector<NewObject>& objects) {
  std::map<std::string, const stix::Observable*> wanted;
  std::vector<std::pair<std::string, std::int64_t>> links;  // key, object row
  for (const NewObject& o : objects) {
    std::set<std::string> seen;
    for (const auto& observable : o.prepared->observables) {
      std::string key = observable.Key();
      if (!seen.insert(key).second) continue;
      wanted.emplace(key, &observable);
      links.emplace_back(std::move(key), o.row);
    }
  }
  if (links.empty()) return OkStatus();

  std::unordered_map<std::string, std::int64_t> ids;
  auto find = [&](store::Params keys) -> Status {
    FC_ASSIGN_OR_RETURN(auto rows,
                        internal::RunInChunks(conn, {}, 1, std::move(keys), [](std::size_t n) {
                          return fmt::format("SELECT key, id FROM observables WHERE key IN ({})",
                                             internal::Placeholders(n));
                        }));
    for (const auto& row : rows) ids[row.GetString(0)] = row.GetInt(1);
    return OkStatus();
  };
  store::Params keys;
  for (const auto& [key, observable] : wanted) keys.push_back(key);
  // Most keys of a large import are new and most of a small one known: look up
  // first, insert only the missing, and look up again only those a concurrent
  // transaction inserted in between.
  FC_RETURN_IF_ERROR(find(std::move(keys)));
  store::Params missing;
  for (const auto& [key, observable] : wanted) {
    if (ids.contains(key)) continue;
    missing.insert(missing.end(), {std::string(KindName(observable->kind)), key,
                                   Hex(observable->range_first), Hex(observable->range_last)});
  }
  FC_ASSIGN_OR_RETURN(
      auto inserted, internal::RunInChunks(conn, {}, 4, std::move(missing), [&conn](std::size_t n) {
        return fmt::format(
            "{} observables (kind, key, range_first, range_last) VALUES "
            "{} ON CONFLICT (key) DO NOTHING RETURNING key, id",
            internal::InsertInto(conn), internal::ValuesRows(n, 4));
      }));
  for (const auto& row : inserted) ids[row.GetString(0)] = row.GetInt(1);
  store::Params raced;
  for (const auto& [key, observable] : wanted) {
    if (!ids.contains(key)) raced.push_back(key);
  }
  FC_RETURN_IF_ERROR(find(std::move(raced)));

  store::Params pairs;
  pairs.reserve(links.size() * 2);
  for (const auto& [key, row] : links) {
    auto id = ids.find(key);
    if (id == ids.end()) return Internal("observable not found after insert: " + key);
    pairs.insert(pairs.end(), {id->second, row});
  }
  FC_RETURN_IF_ERROR(internal::RunInChunks(conn, {}, 2, std::move(pairs), [&conn](std::size_t n) {
    return fmt::format("{} object_observables (observable_id, object_row) VALUES {}",
                       internal::InsertInto(conn), internal::ValuesRows(n, 2));
  }));
  return OkStatus();
}

// Tells the authors of the sighted object, when they may see the sighting.
Status NotifySighted(store::Connection& conn, const Clock& clock, const Collection& collection,
                     const Prepared& p, stix::Tlp tlp, const std::string& sighting_author,
                     bool named_only) {
  FC_ASSIGN_OR_RETURN(auto authors, conn.Query("SELECT DISTINCT author_org FROM shared_objects "
                                               "WHERE stix_id = ? ORDER BY author_org",
                                               {p.sighting_of_ref}));
  for (const auto& row : authors) {
    identity::Principal author;
    author.org_id = row.GetString(0);
    FC_ASSIGN_OR_RETURN(std::vector<std::string> groups,
                        identity::GroupIdsOfOrg(conn, author.org_id));
    const identity::SharedObjectAccess access{sighting_author, collection.read_group_id, named_only,
                                              p.recipients};
    if (!identity::MaySeeSharedObject(author, groups, access)) continue;
    FC_RETURN_IF_ERROR(events::Publish(conn, clock, "sharing.sighted", author.org_id,
                                       {{"sighting_id", p.facts.id},
                                        {"sighting_of_ref", p.sighting_of_ref},
                                        {"collection_id", collection.id},
                                        {"tlp", stix::TlpName(tlp)}},
                                       events::Audience::kOrgOnly));
  }
  return OkStatus();
}

std::vector<AddOutcome> OutcomesFromJson(const Json& list) {
  std::vector<AddOutcome> out;
  if (!list.is_array()) return out;
  for (const auto& entry : list) {
    out.push_back({entry.value("id", ""), entry.value("version", ""), entry.value("message", "")});
  }
  return out;
}

// A status resource's details as GetAddReport reads them. Written as text on the writer
// thread, one entry per object of the envelope: building a Json value of them first cost
// about a twentieth of that thread's time in a large import.
std::string ReportDetailsJson(const AddReport& report) {
  std::string out;
  const auto member = [&out](std::string_view name, std::string_view value, bool first = false) {
    if (!first) out += ',';
    out += '"';
    out += name;
    out += "\":";
    AppendJsonString(out, value);
  };
  const auto outcomes = [&](std::string_view name, const std::vector<AddOutcome>& list) {
    out += '"';
    out += name;
    out += "\":[";
    for (std::size_t i = 0; i < list.size(); ++i) {
      out += i == 0 ? "{" : ",{";
      member("id", list[i].id, true);
      member("message", list[i].message);
      if (!list[i].version.empty()) member("version", list[i].version);
      out += '}';
    }
    out += ']';
  };
  out.reserve(128 * (report.successes.size() + report.failures.size() + report.warnings.size()));
  out += '{';
  outcomes("failures", report.failures);
  out += ',';
  outcomes("successes", report.successes);
  out += ",\"warnings\":[";
  for (std::size_t i = 0; i < report.warnings.size(); ++i) {
    const ObjectWarning& w = report.warnings[i];
    out += i == 0 ? "{" : ",{";
    member("entry", w.entry, true);
    member("id", w.id);
    member("list", w.list);
    member("version", w.version);
    out += '}';
  }
  out += "]}";
  return out;
}

std::vector<ObjectWarning> WarningsFromJson(const Json& list) {
  std::vector<ObjectWarning> out;
  if (!list.is_array()) return out;
  for (const auto& w : list) {
    out.push_back(
        {w.value("id", ""), w.value("version", ""), w.value("list", ""), w.value("entry", "")});
  }
  return out;
}

}  // namespace

// What validation decided about a batch: the objects to try storing, and the failures
// known without the database, by position in the batch.
struct internal::Validation {
  std::vector<Prepared> prepared;
  std::vector<std::pair<std::size_t, AddOutcome>> early_failures;
};

struct ValidatedObjects::State {
  // Their parsed trees are dropped once validated (only `raw` is read after).
  std::vector<IncomingObject> objects;
  internal::Validation validation;
};

ValidatedObjects::ValidatedObjects(std::unique_ptr<State> state) : state_(std::move(state)) {}
ValidatedObjects::ValidatedObjects(ValidatedObjects&&) noexcept = default;
ValidatedObjects& ValidatedObjects::operator=(ValidatedObjects&&) noexcept = default;
ValidatedObjects::~ValidatedObjects() = default;
std::size_t ValidatedObjects::size() const { return state_->objects.size(); }

internal::Validation SharingService::Validate(const std::vector<IncomingObject>& objects) const {
  internal::Validation validation;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    auto result = Prepare(objects[i], warning_lists_);
    if (auto* message = std::get_if<std::string>(&result)) {
      const Json& object = objects[i].object;
      const auto id = object.find("id");
      validation.early_failures.push_back(
          {i,
           {id != object.end() && id->is_string() ? id->get<std::string>() : "", "",
            std::move(*message)}});
    } else {
      validation.prepared.push_back(std::move(std::get<Prepared>(result)));
    }
  }
  return validation;
}

ValidatedObjects SharingService::ValidateObjects(std::vector<IncomingObject> objects) const {
  auto state = std::make_unique<ValidatedObjects::State>();
  // Moved in first: the validation points into the vector's elements.
  state->objects = std::move(objects);
  state->validation = Validate(state->objects);
  // A queued object then holds its text and what validation extracted, about a third of
  // its parsed tree, and the tree is freed on the validating thread, not the writer's.
  for (IncomingObject& object : state->objects) object.object = Json();
  return ValidatedObjects(std::move(state));
}

Result<AddReport> SharingService::AddObjects(const identity::Principal& principal,
                                             std::string_view collection_id,
                                             const std::vector<IncomingObject>& objects,
                                             const RequestInfo& info) {
  return Store(principal, collection_id, objects, Validate(objects), info);
}

Result<AddReport> SharingService::AddValidated(const identity::Principal& principal,
                                               std::string_view collection_id,
                                               const ValidatedObjects& objects,
                                               const RequestInfo& info) {
  return Store(principal, collection_id, objects.state_->objects, objects.state_->validation, info);
}

Result<AddReport> SharingService::Store(const identity::Principal& principal,
                                        std::string_view collection_id,
                                        const std::vector<IncomingObject>& objects,
                                        const internal::Validation& validation,
                                        const RequestInfo& info) {
  AddReport report;
  FC_RETURN_IF_ERROR(db_.Transact([&](store::Connection& conn) -> Status {
    return StoreIn(conn, principal, collection_id, objects, validation, info,
                   {NewUuid(), internal::NowMicros(clock_)}, report);
  }));
  PruneAddReportsWhenDue();
  return report;
}

Result<std::vector<AddReport>> SharingService::AddValidatedTogether(
    const identity::Principal& principal, std::string_view collection_id, const NextBatch& next,
    const RequestInfo& info) {
  std::vector<AddReport> reports;
  FC_RETURN_IF_ERROR(db_.Transact([&](store::Connection& conn) -> Status {
    reports.clear();
    while (const ValidatedObjects* batch = next()) {
      FC_RETURN_IF_ERROR(StoreIn(conn, principal, collection_id, batch->state_->objects,
                                 batch->state_->validation, info,
                                 {NewUuid(), internal::NowMicros(clock_)}, reports.emplace_back()));
    }
    return OkStatus();
  }));
  PruneAddReportsWhenDue();
  return reports;
}

Result<std::vector<AddReport>> SharingService::AddAccepted(
    const std::vector<const AcceptedAdd*>& adds, std::chrono::steady_clock::duration max_time) {
  std::vector<AddReport> reports;
  FC_RETURN_IF_ERROR(db_.Transact([&](store::Connection& conn) -> Status {
    const auto opened = std::chrono::steady_clock::now();
    reports.clear();
    for (const AcceptedAdd* add : adds) {
      if (!reports.empty() && std::chrono::steady_clock::now() - opened >= max_time) break;
      FC_RETURN_IF_ERROR(StoreIn(conn, add->principal, add->collection_id,
                                 add->objects.state_->objects, add->objects.state_->validation,
                                 add->info, {add->report_id, add->requested_at},
                                 reports.emplace_back()));
    }
    return OkStatus();
  }));
  PruneAddReportsWhenDue();
  return reports;
}

Result<AddReport> SharingService::RecordRefusedAdd(const AcceptedAdd& add,
                                                   std::string_view message) {
  AddReport report;
  report.id = add.report_id;
  report.collection_id = add.collection_id;
  report.requested_at = add.requested_at;
  const std::vector<IncomingObject>& objects = add.objects.state_->objects;
  const internal::Validation& validation = add.objects.state_->validation;
  report.total_count = static_cast<std::int64_t>(objects.size());
  // Ids from validation: the parsed objects are gone.
  std::vector<std::string> ids(objects.size());
  for (const Prepared& p : validation.prepared) ids[IndexIn(objects, p)] = p.facts.id;
  for (const auto& [index, outcome] : validation.early_failures) ids[index] = outcome.id;
  for (std::string& id : ids) report.failures.push_back({std::move(id), "", std::string(message)});
  FC_RETURN_IF_ERROR(db_.Transact([&](store::Connection& conn) -> Status {
    FC_RETURN_IF_ERROR(InsertReport(conn, add.principal, report));
    return audit::Append(conn, clock_,
                         {add.principal.user_id, add.principal.org_id, "sharing.objects_add",
                          "collection", add.collection_id,
                          Json{{"report_id", report.id},
                               {"total", report.total_count},
                               {"succeeded", 0},
                               {"failed", report.failures.size()},
                               {"refused", message}},
                          add.info.remote_address, add.info.request_id});
  }));
  return report;
}

Result<bool> SharingService::AddReportExists(std::string_view id) {
  return db_.ReadValue<bool>([&](store::Connection& conn) -> Result<bool> {
    FC_ASSIGN_OR_RETURN(
        auto row,
        conn.QueryOptional("SELECT 1 FROM sharing_add_reports WHERE id = ?", {std::string(id)}));
    return row.has_value();
  });
}

Status SharingService::InsertReport(store::Connection& conn, const identity::Principal& principal,
                                    const AddReport& report) {
  FC_RETURN_IF_ERROR(conn.Execute(
      "INSERT INTO sharing_add_reports (id, collection_id, org_id, user_id, requested_at, "
      "total_count, success_count, failure_count, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {report.id, report.collection_id, principal.org_id, principal.user_id, report.requested_at,
       report.total_count, static_cast<std::int64_t>(report.successes.size()),
       static_cast<std::int64_t>(report.failures.size()), ReportDetailsJson(report)}));
  return OkStatus();
}

Status SharingService::StoreIn(store::Connection& conn, const identity::Principal& principal,
                               std::string_view collection_id,
                               const std::vector<IncomingObject>& objects,
                               const internal::Validation& validation, const RequestInfo& info,
                               const ReportStamp& stamp, AddReport& report) {
  report = AddReport{};
  report.id = stamp.id;
  report.collection_id = std::string(collection_id);
  report.requested_at = stamp.requested_at;
  report.total_count = static_cast<std::int64_t>(objects.size());
  const std::vector<Prepared>& prepared = validation.prepared;
  const auto& early_failures = validation.early_failures;

  FC_ASSIGN_OR_RETURN(Collection collection,
                      internal::LoadCollection(conn, principal, collection_id));
  FC_RETURN_IF_ERROR(identity::CheckCanWrite(principal));
  if (!collection.can_write) return PermissionDenied("you may not add to this collection");
  // Locks the collection's row until commit: date_added is assigned in commit order,
  // so a reader paging by date_added never misses an object committed later.
  FC_RETURN_IF_ERROR(
      conn.Execute("UPDATE sharing_collections SET last_date_added = last_date_added WHERE id = ?",
                   {collection.id}));
  FC_ASSIGN_OR_RETURN(auto clock_row,
                      conn.QueryOne("SELECT last_date_added FROM sharing_collections WHERE id = ?",
                                    {collection.id}, "collection"));
  stix::Timestamp last_date_added = clock_row.GetInt(0);

  std::vector<std::pair<std::size_t, AddOutcome>> successes;
  std::vector<std::pair<std::size_t, AddOutcome>> failures = early_failures;
  // Decided in envelope order against what is stored, then written with a few
  // statements for the whole envelope.
  FC_ASSIGN_OR_RETURN(StoredIds stored_ids, LoadKnown(conn, principal, collection.id, prepared));
  std::map<std::string, Known>& known = stored_ids.own;
  std::set<std::string> known_orgs;
  std::vector<NewObject> to_store;
  std::vector<std::int64_t> no_longer_latest;
  for (const Prepared& p : prepared) {
    const std::size_t index = IndexIn(objects, p);
    const std::optional<stix::Timestamp> stated_version =
        p.facts.modified ? p.facts.modified : p.facts.created;
    const std::string version_text =
        stated_version ? stix::FormatTimestamp(*stated_version) : std::string();
    auto fail = [&](std::string message) {
      failures.push_back({index, {p.facts.id, version_text, std::move(message)}});
    };

    // Recipients must be organisations of the platform.
    if (!p.recipients.empty()) {
      std::vector<std::string> unknown;
      for (const auto& org_id : p.recipients) {
        if (known_orgs.contains(org_id)) continue;
        if (identity::GetOrg(conn, identity::OperatorPrincipal(), org_id).ok()) {
          known_orgs.insert(org_id);
        } else {
          unknown.push_back(org_id);
        }
      }
      if (!unknown.empty()) {
        fail(fmt::format("{}: unknown-recipient: no organisation with id {}", kRecipientsProperty,
                         fmt::join(unknown, ", ")));
        continue;
      }
    }

    auto existing = known.find(p.facts.id);
    Known* stored = existing == known.end() ? nullptr : &existing->second;
    if (stored == nullptr && stored_ids.others_visible.contains(p.facts.id)) {
      fail(
          "id: version-author: only the organisation that shared this id in the collection "
          "may add versions of it");
      continue;
    }
    const bool duplicate =
        stored && (stated_version ? stored->versions.contains(*stated_version)
                                  : Json::parse(stored->latest_body, nullptr, false) ==
                                        Json::parse(p.incoming->raw, nullptr, false));
    if (duplicate) {
      const std::string version =
          stated_version ? version_text : stix::FormatTimestamp(stored->latest_version);
      successes.push_back({index, {p.facts.id, version, "already present; unchanged"}});
      continue;
    }

    NewObject o;
    o.prepared = &p;
    o.index = index;
    o.date_added = std::max(internal::NowMicros(clock_), last_date_added + 1);
    last_date_added = o.date_added;
    o.version = stated_version.value_or(o.date_added);
    o.version_text = stated_version ? version_text : stix::FormatTimestamp(o.version);
    o.tlp = p.marked_tlp.value_or(collection.default_tlp);
    o.is_latest = !stored || o.version > stored->latest_version;
    o.was_latest_when_added = o.is_latest;
    o.new_version = stored != nullptr;
    if (o.is_latest && stored) {
      if (stored->latest_row) no_longer_latest.push_back(*stored->latest_row);
      if (stored->latest_new) to_store[*stored->latest_new].is_latest = false;
    }
    Known& now = stored ? *stored : known[p.facts.id];
    now.versions.insert(o.version);
    if (o.is_latest) {
      now.latest_version = o.version;
      now.latest_body = p.incoming->raw;
      now.latest_row.reset();
      now.latest_new = to_store.size();
    }
    to_store.push_back(std::move(o));
  }

  FC_RETURN_IF_ERROR(internal::RunInChunks(
      conn, {}, 1, store::Params(no_longer_latest.begin(), no_longer_latest.end()),
      [&conn](std::size_t n) {
        return fmt::format("{} shared_objects SET is_latest = 0 WHERE row_id IN ({})",
                           internal::UpdateMany(conn), internal::Placeholders(n));
      }));
  FC_RETURN_IF_ERROR(InsertObjects(conn, collection, principal, to_store));
  FC_RETURN_IF_ERROR(LinkObservables(conn, to_store));
  store::Params recipients, warnings, sightings;
  auto optional_ts = [](const std::optional<stix::Timestamp>& t) {
    return t ? store::Value(*t) : store::Value(nullptr);
  };
  // One event for the envelope, not one per object: a large import would otherwise
  // cost an outbox row and a notification per object. Its objects' list is written as
  // text (see events::PublishText).
  std::string added;
  for (const NewObject& o : to_store) {
    const Prepared& p = *o.prepared;
    const std::string& version = o.version_text;
    for (const auto& org_id : p.recipients) recipients.insert(recipients.end(), {o.row, org_id});
    std::string stored_message = o.new_version ? "stored as a new version" : "stored";
    for (const auto& hit : p.warnings) {
      warnings.insert(warnings.end(), {o.row, hit.list, hit.entry});
      report.warnings.push_back({p.facts.id, version, hit.list, hit.entry});
      stored_message += fmt::format("; on warning list '{}' ({})", hit.list, hit.entry);
    }
    if (p.facts.type == "sighting") {
      sightings.insert(sightings.end(), {o.row, p.sighting_of_ref, p.sighting_count,
                                         optional_ts(p.first_seen), optional_ts(p.last_seen)});
    }
    added += added.empty() ? "{\"id\":" : ",{\"id\":";
    AppendJsonString(added, p.facts.id);
    added += ",\"tlp\":";
    AppendJsonString(added, stix::TlpName(o.tlp));
    added += ",\"version\":";
    AppendJsonString(added, version);
    added += '}';
    successes.push_back({o.index, {p.facts.id, version, std::move(stored_message)}});
  }
  FC_RETURN_IF_ERROR(
      internal::RunInChunks(conn, {}, 2, std::move(recipients), [&conn](std::size_t n) {
        return fmt::format("{} shared_object_recipients (object_row, org_id) VALUES {}",
                           internal::InsertInto(conn), internal::ValuesRows(n, 2));
      }));
  FC_RETURN_IF_ERROR(
      internal::RunInChunks(conn, {}, 3, std::move(warnings), [&conn](std::size_t n) {
        return fmt::format("{} shared_object_warnings (object_row, list_name, entry) VALUES {}",
                           internal::InsertInto(conn), internal::ValuesRows(n, 3));
      }));
  FC_RETURN_IF_ERROR(
      internal::RunInChunks(conn, {}, 5, std::move(sightings), [&conn](std::size_t n) {
        return fmt::format(
            "{} sightings (object_row, sighting_of_ref, count, first_seen, last_seen) VALUES {}",
            internal::InsertInto(conn), internal::ValuesRows(n, 5));
      }));
  // Once the whole envelope is stored, so that a sighting of an object sent in the
  // same envelope reaches that object's authors too.
  for (const NewObject& o : to_store) {
    if (o.prepared->facts.type != "sighting" || !o.was_latest_when_added) continue;
    FC_RETURN_IF_ERROR(NotifySighted(conn, clock_, collection, *o.prepared, o.tlp, principal.org_id,
                                     o.tlp == stix::Tlp::kRed));
  }
  FC_RETURN_IF_ERROR(conn.Execute("UPDATE sharing_collections SET last_date_added = ? WHERE id = ?",
                                  {last_date_added, collection.id}));
  if (!added.empty()) {
    std::string payload = "{\"collection_id\":";
    AppendJsonString(payload, collection.id);
    payload += ",\"objects\":[";
    payload += added;
    payload += "],\"report_id\":";
    AppendJsonString(payload, report.id);
    payload += '}';
    FC_RETURN_IF_ERROR(events::PublishText(conn, clock_, "sharing.objects_added", principal.org_id,
                                           std::move(payload), events::Audience::kOrgOnly));
  }

  // Reported in envelope order.
  auto in_order = [](auto& list) {
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<AddOutcome> out;
    for (auto& [index, outcome] : list) out.push_back(std::move(outcome));
    return out;
  };
  report.successes = in_order(successes);
  report.failures = in_order(failures);
  FC_RETURN_IF_ERROR(InsertReport(conn, principal, report));
  return audit::Append(
      conn, clock_,
      {principal.user_id, principal.org_id, "sharing.objects_add", "collection", collection.id,
       Json{{"report_id", report.id},
            {"total", report.total_count},
            {"succeeded", report.successes.size()},
            {"failed", report.failures.size()},
            {"warning_list_hits", report.warnings.size()}},
       info.remote_address, info.request_id});
}

Result<AddReport> SharingService::GetAddReport(const identity::Principal& principal,
                                               std::string_view id) {
  return db_.ReadValue<AddReport>([&](store::Connection& conn) -> Result<AddReport> {
    FC_ASSIGN_OR_RETURN(
        auto row,
        conn.QueryOptional("SELECT id, collection_id, requested_at, total_count, details FROM "
                           "sharing_add_reports WHERE id = ? AND org_id = ?",
                           {std::string(id), principal.org_id}));
    if (!row || principal.org_id.empty()) return NotFound("status not found");
    AddReport report;
    report.id = row->GetString(0);
    report.collection_id = row->GetString(1);
    report.requested_at = row->GetInt(2);
    report.total_count = row->GetInt(3);
    // Written by AddObjects, so trusted and unbounded.
    const Json details = Json::parse(row->GetString(4), nullptr, false);
    if (details.is_object()) {
      report.successes = OutcomesFromJson(details.value("successes", Json()));
      report.failures = OutcomesFromJson(details.value("failures", Json()));
      report.warnings = WarningsFromJson(details.value("warnings", Json()));
    }
    return report;
  });
}

Result<std::int64_t> SharingService::PruneAddReports(stix::Timestamp before,
                                                     std::int64_t max_reports) {
  return db_.TransactValue<std::int64_t>([&](store::Connection& conn) {
    return conn.Execute(
        "DELETE FROM sharing_add_reports WHERE id IN (SELECT id FROM sharing_add_reports "
        "WHERE requested_at < ? ORDER BY requested_at LIMIT ?)",
        {before, max_reports});
  });
}

void SharingService::PruneAddReportsWhenDue() {
  if (add_report_retention_.count() == 0) return;
  constexpr stix::Timestamp kHourMicros = std::chrono::microseconds(std::chrono::hours(1)).count();
  const stix::Timestamp now = internal::NowMicros(clock_);
  stix::Timestamp due = next_add_report_prune_.load();
  // One caller prunes; the adds that meet it meanwhile go on.
  if (now < due || !next_add_report_prune_.compare_exchange_strong(due, now + kHourMicros)) {
    return;
  }
  const stix::Timestamp before =
      now - std::chrono::duration_cast<std::chrono::microseconds>(add_report_retention_).count();
  auto pruned = PruneAddReports(before, kAddReportsPrunedPerRound);
  if (!pruned.ok()) {
    log::warn("pruning old TAXII status resources failed, next try in an hour: {}",
              pruned.error().internal_message());
  } else if (*pruned == kAddReportsPrunedPerRound) {
    next_add_report_prune_.store(now);
  }
}

Result<std::int64_t> SharingService::DeleteObject(const identity::Principal& principal,
                                                  std::string_view collection_id,
                                                  std::string_view id, const ObjectQuery& query,
                                                  const RequestInfo& info) {
  return db_.TransactValue<std::int64_t>([&](store::Connection& conn) -> Result<std::int64_t> {
    FC_ASSIGN_OR_RETURN(Collection collection,
                        internal::LoadCollection(conn, principal, collection_id));
    // Counted (and the collection's row locked) first; undone with the rest when nothing
    // is deleted.
    FC_RETURN_IF_ERROR(conn.Execute(
        "UPDATE sharing_collections SET deletions = deletions + 1 WHERE id = ?", {collection.id}));
    ObjectQuery match = query;
    match.ids = {std::string(id)};
    if (match.versions.empty()) match.versions.all = true;
    match.with_body = false;
    match.after.reset();
    match.added_after.reset();
    match.limit = kMaxPageSize;
    // The principal's organisation's versions only: another organisation's versions of
    // the id (ones it could not see when it shared its own) stay.
    std::vector<std::int64_t> rows;
    bool others = false;
    bool more = true;
    while (more) {
      FC_ASSIGN_OR_RETURN(ObjectPage page,
                          internal::QueryObjects(conn, principal, collection, match));
      for (const auto& o : page.objects) {
        if (o.author_org == principal.org_id) {
          rows.push_back(o.row);
        } else {
          others = true;
        }
      }
      more = page.more;
      match.after = page.next;
    }
    if (rows.empty() && !others) return NotFound("object not found");
    if (rows.empty() || !collection.can_write) {
      return PermissionDenied("only the organisation that shared an object may delete it");
    }
    FC_RETURN_IF_ERROR(identity::CheckCanWrite(principal));
    // Who could see the deleted versions, for live streams to decide who may learn of
    // the deletion once the rows are gone: one entry per distinct TLP and recipients.
    std::set<std::tuple<std::string, bool, std::vector<std::string>>> access;
    for (std::int64_t row : rows) {
      FC_ASSIGN_OR_RETURN(auto facts,
                          conn.QueryOne("SELECT tlp, named_recipients_only FROM shared_objects "
                                        "WHERE row_id = ?",
                                        {row}, "shared object"));
      FC_ASSIGN_OR_RETURN(auto named, conn.Query("SELECT org_id FROM shared_object_recipients "
                                                 "WHERE object_row = ? ORDER BY org_id",
                                                 {row}));
      std::vector<std::string> recipients;
      for (const auto& r : named) recipients.push_back(r.GetString(0));
      const auto tlp = static_cast<stix::Tlp>(std::clamp<std::int64_t>(facts.GetInt(0), 0, 4));
      access.emplace(std::string(stix::TlpName(tlp)), facts.GetInt(1) != 0, std::move(recipients));
    }
    Json access_json = Json::array();
    for (const auto& [tlp, named_only, recipients] : access) {
      access_json.push_back({{"tlp", tlp}, {"named_only", named_only}, {"recipients", recipients}});
    }
    for (std::int64_t row : rows) {
      for (const char* table : {"object_observables", "shared_object_recipients", "sightings",
                                "shared_object_warnings"}) {
        FC_RETURN_IF_ERROR(
            conn.Execute(fmt::format("DELETE FROM {} WHERE object_row = ?", table), {row}));
      }
      FC_RETURN_IF_ERROR(conn.Execute("DELETE FROM shared_objects WHERE row_id = ?", {row}));
    }
    // The organisation's newest remaining version, if any, becomes its latest.
    FC_RETURN_IF_ERROR(conn.Execute(
        "UPDATE shared_objects SET is_latest = 1 WHERE row_id = (SELECT row_id FROM "
        "shared_objects WHERE collection_id = ? AND stix_id = ? AND author_org = ? ORDER BY "
        "version DESC LIMIT 1)",
        {collection.id, std::string(id), principal.org_id}));
    const auto deleted = static_cast<std::int64_t>(rows.size());
    FC_RETURN_IF_ERROR(events::Publish(
        conn, clock_, "sharing.object_deleted", principal.org_id,
        {{"collection_id", collection.id}, {"id", id}, {"access", std::move(access_json)}},
        events::Audience::kOrgOnly));
    FC_RETURN_IF_ERROR(audit::Append(
        conn, clock_,
        {principal.user_id, principal.org_id, "sharing.object_delete", "shared_object",
         std::string(id), Json{{"collection_id", collection.id}, {"versions", deleted}},
         info.remote_address, info.request_id}));
    return deleted;
  });
}

Result<Json> ParseStoredBody(const StoredObject& object) {
  return ParseJson(object.body, {.max_bytes = object.body.size() + 1, .max_depth = 64});
}

}  // namespace fincyber::sharing
