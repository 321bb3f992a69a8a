// Adding and deleting objects: validation, TLP, recipients, versions, the
// per-collection date_added clock, observables for correlation, sightings, the
// report, the audit entry and the events, all in one transaction.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <variant>

#include "audit/audit.h"
#include "base/crypto.h"
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
  std::optional<stix::Tlp> marked_tlp;  // nullopt: the collection's default applies
  std::vector<std::string> recipients;
  std::vector<stix::Observable> observables;
  std::vector<WarningHit> warnings;  // indicators only, one per list
  // Sightings only.
  std::string sighting_of_ref;
  std::int64_t sighting_count = 1;
  std::optional<stix::Timestamp> first_seen;
  std::optional<stix::Timestamp> last_seen;
};

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
  auto validated = stix::Validate(object);
  if (auto* invalid = std::get_if<stix::Invalid>(&validated)) {
    return JoinViolations(invalid->violations);
  }
  p.facts = std::get<stix::Validated>(validated).facts;
  p.marked_tlp = stix::MostRestrictiveTlp(p.facts.object_marking_refs);

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

  if (p.facts.type == "indicator" && object.value("pattern_type", "") == "stix" &&
      object.contains("pattern") && object["pattern"].is_string()) {
    auto observables = stix::ObservablesOfPattern(object["pattern"].get<std::string>());
    if (!observables.ok()) {
      return fmt::format("pattern: pattern: {}", observables.error().safe_message());
    }
    p.observables = std::move(*observables);
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

// The newest and the same-version rows already stored for an id in a collection.
struct Existing {
  std::string author_org;
  std::int64_t latest_row = 0;
  stix::Timestamp latest_version = 0;
  std::string latest_body;
  bool same_version = false;
};

Result<std::optional<Existing>> FindExisting(store::Connection& conn,
                                             std::string_view collection_id,
                                             std::string_view stix_id,
                                             std::optional<stix::Timestamp> version) {
  FC_ASSIGN_OR_RETURN(auto rows,
                      conn.Query("SELECT row_id, version, is_latest, author_org, body FROM "
                                 "shared_objects WHERE collection_id = ? AND stix_id = ? AND "
                                 "(is_latest = 1 OR version = ?)",
                                 {std::string(collection_id), std::string(stix_id),
                                  version ? store::Value(*version) : store::Value(nullptr)}));
  if (rows.empty()) return std::optional<Existing>();
  Existing e;
  for (const auto& row : rows) {
    e.author_org = row.GetString(3);
    if (version && row.GetInt(1) == *version) e.same_version = true;
    if (row.GetInt(2) == 1) {
      e.latest_row = row.GetInt(0);
      e.latest_version = row.GetInt(1);
      e.latest_body = row.GetString(4);
    }
  }
  return std::optional<Existing>(std::move(e));
}

stix::Timestamp NowMicros(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock.Now().time_since_epoch())
      .count();
}

Status LinkObservables(store::Connection& conn, std::int64_t row,
                       const std::vector<stix::Observable>& observables) {
  std::set<std::string> seen;
  for (const auto& o : observables) {
    std::string key = o.Key();
    if (!seen.insert(key).second) continue;
    // Most keys of a large import are new and most of a small one known: look up
    // first, insert only when missing, and look up again only when a concurrent
    // transaction inserted the same key in between.
    static constexpr std::string_view kFind = "SELECT id FROM observables WHERE key = ?";
    FC_ASSIGN_OR_RETURN(auto id, conn.QueryOptional(kFind, {key}));
    if (!id) {
      FC_ASSIGN_OR_RETURN(
          id, conn.QueryOptional(
                  "INSERT INTO observables (kind, key, range_first, range_last) VALUES (?, ?, ?, "
                  "?) ON CONFLICT (key) DO NOTHING RETURNING id",
                  {std::string(KindName(o.kind)), key, Hex(o.range_first), Hex(o.range_last)}));
    }
    if (!id) {
      FC_ASSIGN_OR_RETURN(id, conn.QueryOne(kFind, {key}, "observable"));
    }
    FC_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO object_observables (observable_id, object_row) VALUES (?, ?)",
                     {id->GetInt(0), row}));
  }
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

Json OutcomesToJson(const std::vector<AddOutcome>& outcomes) {
  Json out = Json::array();
  for (const auto& o : outcomes) {
    Json entry = {{"id", o.id}, {"message", o.message}};
    if (!o.version.empty()) entry["version"] = o.version;
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<AddOutcome> OutcomesFromJson(const Json& list) {
  std::vector<AddOutcome> out;
  if (!list.is_array()) return out;
  for (const auto& entry : list) {
    out.push_back({entry.value("id", ""), entry.value("version", ""), entry.value("message", "")});
  }
  return out;
}

Json WarningsToJson(const std::vector<ObjectWarning>& warnings) {
  Json out = Json::array();
  for (const auto& w : warnings) {
    out.push_back({{"id", w.id}, {"version", w.version}, {"list", w.list}, {"entry", w.entry}});
  }
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

Result<AddReport> SharingService::AddObjects(const identity::Principal& principal,
                                             std::string_view collection_id,
                                             const std::vector<IncomingObject>& objects,
                                             const RequestInfo& info) {
  AddReport report;
  report.id = NewUuid();
  report.collection_id = std::string(collection_id);
  report.requested_at = NowMicros(clock_);
  report.total_count = static_cast<std::int64_t>(objects.size());

  std::vector<Prepared> prepared;
  std::vector<std::pair<std::size_t, AddOutcome>> early_failures;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    auto result = Prepare(objects[i], warning_lists_);
    if (auto* message = std::get_if<std::string>(&result)) {
      const Json& object = objects[i].object;
      const auto id = object.find("id");
      early_failures.push_back(
          {i,
           {id != object.end() && id->is_string() ? id->get<std::string>() : "", "",
            std::move(*message)}});
    } else {
      prepared.push_back(std::move(std::get<Prepared>(result)));
    }
  }

  FC_RETURN_IF_ERROR(db_.Transact([&](store::Connection& conn) -> Status {
    report.successes.clear();
    report.failures.clear();
    report.warnings.clear();
    FC_ASSIGN_OR_RETURN(Collection collection,
                        internal::LoadCollection(conn, principal, collection_id));
    FC_RETURN_IF_ERROR(identity::CheckCanWrite(principal));
    if (!collection.can_write) return PermissionDenied("you may not add to this collection");
    // Locks the collection's row until commit: date_added is assigned in commit order,
    // so a reader paging by date_added never misses an object committed later.
    FC_RETURN_IF_ERROR(conn.Execute(
        "UPDATE sharing_collections SET last_date_added = last_date_added WHERE id = ?",
        {collection.id}));
    FC_ASSIGN_OR_RETURN(
        auto clock_row,
        conn.QueryOne("SELECT last_date_added FROM sharing_collections WHERE id = ?",
                      {collection.id}, "collection"));
    stix::Timestamp last_date_added = clock_row.GetInt(0);

    std::vector<std::pair<std::size_t, AddOutcome>> successes;
    std::vector<std::pair<std::size_t, AddOutcome>> failures = early_failures;
    // One event for the envelope, not one per object: a large import would otherwise
    // cost an outbox row and a notification per object.
    Json added = Json::array();
    auto index_of = [&](const Prepared& p) {
      return static_cast<std::size_t>(p.incoming - objects.data());
    };
    for (const Prepared& p : prepared) {
      const std::size_t index = index_of(p);
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
          if (!identity::GetOrg(conn, identity::OperatorPrincipal(), org_id).ok()) {
            unknown.push_back(org_id);
          }
        }
        if (!unknown.empty()) {
          fail(fmt::format("{}: unknown-recipient: no organisation with id {}", kRecipientsProperty,
                           fmt::join(unknown, ", ")));
          continue;
        }
      }

      FC_ASSIGN_OR_RETURN(auto existing,
                          FindExisting(conn, collection.id, p.facts.id, stated_version));
      if (existing && existing->author_org != principal.org_id) {
        fail(
            "id: version-author: only the organisation that shared this id in the collection "
            "may add versions of it");
        continue;
      }
      const bool duplicate =
          existing && (stated_version ? existing->same_version
                                      : Json::parse(existing->latest_body, nullptr, false) ==
                                            p.incoming->object);
      if (duplicate) {
        const std::string version =
            stated_version ? version_text : stix::FormatTimestamp(existing->latest_version);
        successes.push_back({index, {p.facts.id, version, "already present; unchanged"}});
        continue;
      }

      const stix::Timestamp date_added = std::max(NowMicros(clock_), last_date_added + 1);
      last_date_added = date_added;
      const stix::Timestamp version = stated_version.value_or(date_added);
      const stix::Tlp tlp = p.marked_tlp.value_or(collection.default_tlp);
      const bool named_only = tlp == stix::Tlp::kRed;
      const bool is_latest = !existing || version > existing->latest_version;
      if (is_latest && existing) {
        FC_RETURN_IF_ERROR(conn.Execute("UPDATE shared_objects SET is_latest = 0 WHERE row_id = ?",
                                        {existing->latest_row}));
      }
      auto optional_ts = [](const std::optional<stix::Timestamp>& t) {
        return t ? store::Value(*t) : store::Value(nullptr);
      };
      FC_ASSIGN_OR_RETURN(
          auto inserted,
          conn.QueryOne(
              "INSERT INTO shared_objects (collection_id, stix_id, type, spec_version, created, "
              "modified, version, date_added, tlp, named_recipients_only, revoked, author_org, "
              "author_user, is_latest, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "RETURNING row_id",
              {collection.id, p.facts.id, p.facts.type, p.facts.spec_version,
               optional_ts(p.facts.created), optional_ts(p.facts.modified), version, date_added,
               static_cast<std::int64_t>(tlp), std::int64_t{named_only},
               std::int64_t{p.facts.revoked}, principal.org_id, principal.user_id,
               std::int64_t{is_latest}, p.incoming->raw},
              "inserted object"));
      const std::int64_t row = inserted.GetInt(0);
      for (const auto& org_id : p.recipients) {
        FC_RETURN_IF_ERROR(
            conn.Execute("INSERT INTO shared_object_recipients (object_row, org_id) VALUES (?, ?)",
                         {row, org_id}));
      }
      FC_RETURN_IF_ERROR(LinkObservables(conn, row, p.observables));
      std::string stored_message = existing ? "stored as a new version" : "stored";
      for (const auto& hit : p.warnings) {
        FC_RETURN_IF_ERROR(conn.Execute(
            "INSERT INTO shared_object_warnings (object_row, list_name, entry) VALUES (?, ?, ?)",
            {row, hit.list, hit.entry}));
        report.warnings.push_back(
            {p.facts.id, stix::FormatTimestamp(version), hit.list, hit.entry});
        stored_message += fmt::format("; on warning list '{}' ({})", hit.list, hit.entry);
      }
      if (p.facts.type == "sighting") {
        FC_RETURN_IF_ERROR(conn.Execute(
            "INSERT INTO sightings (object_row, sighting_of_ref, count, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?)",
            {row, p.sighting_of_ref, p.sighting_count, optional_ts(p.first_seen),
             optional_ts(p.last_seen)}));
      }
      added.push_back({{"id", p.facts.id},
                       {"version", stix::FormatTimestamp(version)},
                       {"tlp", stix::TlpName(tlp)}});
      if (p.facts.type == "sighting" && is_latest) {
        FC_RETURN_IF_ERROR(
            NotifySighted(conn, clock_, collection, p, tlp, principal.org_id, named_only));
      }
      successes.push_back(
          {index, {p.facts.id, stix::FormatTimestamp(version), std::move(stored_message)}});
    }
    FC_RETURN_IF_ERROR(
        conn.Execute("UPDATE sharing_collections SET last_date_added = ? WHERE id = ?",
                     {last_date_added, collection.id}));
    if (!added.empty()) {
      FC_RETURN_IF_ERROR(events::Publish(conn, clock_, "sharing.objects_added", principal.org_id,
                                         {{"collection_id", collection.id},
                                          {"report_id", report.id},
                                          {"objects", std::move(added)}},
                                         events::Audience::kOrgOnly));
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
    FC_RETURN_IF_ERROR(conn.Execute(
        "INSERT INTO sharing_add_reports (id, collection_id, org_id, user_id, requested_at, "
        "total_count, success_count, failure_count, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {report.id, report.collection_id, principal.org_id, principal.user_id, report.requested_at,
         report.total_count, static_cast<std::int64_t>(report.successes.size()),
         static_cast<std::int64_t>(report.failures.size()),
         DumpJson({{"successes", OutcomesToJson(report.successes)},
                   {"failures", OutcomesToJson(report.failures)},
                   {"warnings", WarningsToJson(report.warnings)}})}));
    return audit::Append(
        conn, clock_,
        {principal.user_id, principal.org_id, "sharing.objects_add", "collection", collection.id,
         Json{{"report_id", report.id},
              {"total", report.total_count},
              {"succeeded", report.successes.size()},
              {"failed", report.failures.size()},
              {"warning_list_hits", report.warnings.size()}},
         info.remote_address, info.request_id});
  }));
  return report;
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

Result<std::int64_t> SharingService::DeleteObject(const identity::Principal& principal,
                                                  std::string_view collection_id,
                                                  std::string_view id, const ObjectQuery& query,
                                                  const RequestInfo& info) {
  return db_.TransactValue<std::int64_t>([&](store::Connection& conn) -> Result<std::int64_t> {
    FC_ASSIGN_OR_RETURN(Collection collection,
                        internal::LoadCollection(conn, principal, collection_id));
    FC_RETURN_IF_ERROR(conn.Execute(
        "UPDATE sharing_collections SET last_date_added = last_date_added WHERE id = ?",
        {collection.id}));
    ObjectQuery match = query;
    match.ids = {std::string(id)};
    if (match.versions.empty()) match.versions.all = true;
    match.with_body = false;
    match.after.reset();
    match.added_after.reset();
    match.limit = kMaxPageSize;
    std::vector<std::int64_t> rows;
    bool more = true;
    while (more) {
      FC_ASSIGN_OR_RETURN(ObjectPage page,
                          internal::QueryObjects(conn, principal, collection, match));
      for (const auto& o : page.objects) {
        if (o.author_org != principal.org_id || !collection.can_write) {
          return PermissionDenied("only the organisation that shared an object may delete it");
        }
        rows.push_back(o.row);
      }
      more = page.more;
      match.after = page.next;
    }
    if (rows.empty()) return NotFound("object not found");
    FC_RETURN_IF_ERROR(identity::CheckCanWrite(principal));
    for (std::int64_t row : rows) {
      for (const char* table : {"object_observables", "shared_object_recipients", "sightings",
                                "shared_object_warnings"}) {
        FC_RETURN_IF_ERROR(
            conn.Execute(fmt::format("DELETE FROM {} WHERE object_row = ?", table), {row}));
      }
      FC_RETURN_IF_ERROR(conn.Execute("DELETE FROM shared_objects WHERE row_id = ?", {row}));
    }
    // The newest remaining version, if any, becomes the latest.
    FC_RETURN_IF_ERROR(conn.Execute(
        "UPDATE shared_objects SET is_latest = 1 WHERE row_id = (SELECT row_id FROM "
        "shared_objects WHERE collection_id = ? AND stix_id = ? ORDER BY version DESC LIMIT 1)",
        {collection.id, std::string(id)}));
    const auto deleted = static_cast<std::int64_t>(rows.size());
    FC_RETURN_IF_ERROR(events::Publish(conn, clock_, "sharing.object_deleted", principal.org_id,
                                       {{"collection_id", collection.id}, {"id", id}},
                                       events::Audience::kOrgOnly));
    FC_RETURN_IF_ERROR(audit::Append(
        conn, clock_,
        {principal.user_id, principal.org_id, "sharing.object_delete", "shared_object",
         std::string(id), Json{{"collection_id", collection.id}, {"versions", deleted}},
         info.remote_address, info.request_id}));
    return deleted;
  });
}

}  // namespace fincyber::sharing
