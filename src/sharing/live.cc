// The live feed: the sharing events of the outbox. An addition's objects are read once for
// every viewer (internal::LiveCache) with the facts of the visibility rule, which each
// viewer then applies in memory (identity::MaySeeSharedObject, the rule SharedObjectFilter
// writes in SQL); deletions are checked with the same rule from the access facts the
// deletion event records (the rows are gone).
#include "sharing/live.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "events/events.h"
#include "identity/groups.h"
#include "sharing/internal/common.h"
#include "sharing/internal/live_cache.h"
#include "sharing/service.h"

namespace fincyber::sharing {
namespace {

constexpr std::string_view kAdded = "sharing.objects_added";
constexpr std::string_view kDeleted = "sharing.object_deleted";
constexpr std::string_view kSighted = "sharing.sighted";
// Outbox events examined per ReadLive call, visible or not, and in its first read.
constexpr int kEventsPerRead = 200;
constexpr int kFirstEventsRead = 4;
// Objects of one addition event looked up per query.
constexpr std::size_t kObjectsPerQuery = 100;

bool AllDigits(std::string_view text, std::size_t max_digits) {
  return !text.empty() && text.size() <= max_digits &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::int64_t ToInt(std::string_view digits) {
  std::int64_t value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

template <class T>
bool Selects(const std::vector<T>& filter, const T& value) {
  return filter.empty() || std::find(filter.begin(), filter.end(), value) != filter.end();
}

std::string TypeOfId(std::string_view id) {
  const std::size_t dashes = id.find("--");
  return std::string(id.substr(0, dashes == std::string_view::npos ? 0 : dashes));
}

// What one ReadLive call knows of the viewer and the collections it met.
class Viewer {
 public:
  Viewer(store::Connection& conn, const identity::Principal& principal)
      : conn_(conn), principal_(principal) {}

  // The collection if the viewer may read it, else nullptr.
  Result<const Collection*> Readable(const std::string& id) {
    auto it = collections_.find(id);
    if (it == collections_.end()) {
      auto loaded = internal::LoadCollection(conn_, principal_, id);
      if (!loaded.ok() && loaded.error().code() != ErrorCode::kNotFound) {
        return std::move(loaded).error();
      }
      std::optional<Collection> readable;
      if (loaded.ok() && loaded->can_read) readable = std::move(*loaded);
      it = collections_.emplace(id, std::move(readable)).first;
    }
    return it->second ? &*it->second : nullptr;
  }

  Result<const std::vector<std::string>*> Groups() {
    if (!groups_) {
      FC_ASSIGN_OR_RETURN(groups_, identity::GroupIdsOfOrg(conn_, principal_.org_id));
    }
    return &*groups_;
  }

 private:
  store::Connection& conn_;
  const identity::Principal& principal_;
  std::map<std::string, std::optional<Collection>> collections_;
  std::optional<std::vector<std::string>> groups_;
};

// The event data of one object version: its stored JSON (`object`, parsed from `body`)
// spliced in as received when it is on one line, as SSE needs, else re-serialised.
std::string ObjectDataText(const std::string& collection_id, const std::string& id,
                           const std::string& type, stix::Timestamp version, stix::Tlp tlp,
                           bool revoked, const std::string& body, const Json& object,
                           const Json* extra = nullptr) {
  Json head = {{"collection_id", collection_id},
               {"id", id},
               {"type", type},
               {"version", stix::FormatTimestamp(version)},
               {"tlp", stix::TlpName(tlp)},
               {"revoked", revoked}};
  if (extra != nullptr) head.update(*extra);
  std::string text = DumpJson(head);
  text.pop_back();  // the closing brace
  text += ",\"object\":";
  if (object.is_discarded()) {
    text += "null";
  } else if (body.find_first_of("\r\n") == std::string::npos) {
    text += body;
  } else {
    text += DumpJson(object);
  }
  text += '}';
  return text;
}

// A later version carries a modified time past its created time (STIX 2.1, 3.2).
std::string KindOf(bool revoked, const Json& object) {
  if (revoked) return "revoked";
  if (object.is_object() && object.contains("modified") && object.contains("created") &&
      object["modified"] != object["created"]) {
    return "updated";
  }
  return "added";
}

// Reads an addition event's objects for every viewer: each version it names, whoever may
// see it, with the facts the visibility rule needs. Ids are looked up kObjectsPerQuery
// at a time.
Result<std::shared_ptr<const internal::LiveAddition>> ReadAddition(store::Connection& conn,
                                                                   const std::string& collection_id,
                                                                   const Json& objects) {
  auto addition = std::make_shared<internal::LiveAddition>(objects.size());
  for (std::size_t start = 0; start < objects.size(); start += kObjectsPerQuery) {
    const std::size_t end = std::min(objects.size(), start + kObjectsPerQuery);
    std::map<std::pair<std::string, stix::Timestamp>, std::size_t> wanted;
    std::set<std::string> ids;
    std::set<stix::Timestamp> versions;
    for (std::size_t i = start; i < end; ++i) {
      const Json& item = objects[i];
      if (!item.is_object()) continue;
      auto version = stix::ParseTimestamp(item.value("version", ""));
      if (!version.ok()) continue;
      const std::string id = item.value("id", "");
      wanted.emplace(std::make_pair(id, *version), i);
      ids.insert(id);
      versions.insert(*version);
    }
    if (wanted.empty()) continue;
    store::Params params{collection_id};
    params.insert(params.end(), ids.begin(), ids.end());
    for (stix::Timestamp v : versions) params.push_back(v);
    FC_ASSIGN_OR_RETURN(
        auto rows,
        conn.Query(fmt::format("SELECT o.row_id, o.stix_id, o.type, o.version, o.tlp, o.revoked, "
                               "o.author_org, o.named_recipients_only, o.body "
                               "FROM shared_objects o WHERE o.collection_id = ? AND "
                               "o.stix_id IN ({}) AND o.version IN ({})",
                               internal::Placeholders(ids.size()),
                               internal::Placeholders(versions.size())),
                   params));
    std::map<std::int64_t, std::size_t> named_rows;  // row_id -> index in the event
    for (const auto& row : rows) {
      const std::string id = row.GetString(1);
      const stix::Timestamp version = row.GetInt(3);
      auto it = wanted.find({id, version});
      if (it == wanted.end()) continue;  // another pairing of the ids and versions asked
      internal::LiveObject o;
      o.type = row.GetString(2);
      o.tlp = static_cast<stix::Tlp>(std::clamp<std::int64_t>(row.GetInt(4), 0, 4));
      const bool revoked = row.GetInt(5) != 0;
      o.author_org = row.GetString(6);
      o.named_recipients_only = row.GetInt(7) != 0;
      const std::string body = row.GetString(8);
      const Json object = Json::parse(body, nullptr, /*allow_exceptions=*/false);
      o.kind = KindOf(revoked, object);
      o.data = std::make_shared<const std::string>(
          ObjectDataText(collection_id, id, o.type, version, o.tlp, revoked, body, object));
      if (o.named_recipients_only) named_rows.emplace(row.GetInt(0), it->second);
      (*addition)[it->second] = std::move(o);
    }
    if (named_rows.empty()) continue;
    store::Params rows_named;
    for (const auto& [row_id, index] : named_rows) rows_named.push_back(row_id);
    FC_ASSIGN_OR_RETURN(
        auto recipients,
        conn.Query(fmt::format("SELECT object_row, org_id FROM shared_object_recipients "
                               "WHERE object_row IN ({})",
                               internal::Placeholders(rows_named.size())),
                   rows_named));
    for (const auto& row : recipients) {
      auto& o = (*addition)[named_rows.at(row.GetInt(0))];
      o->named_recipients.push_back(row.GetString(1));
    }
  }
  return std::shared_ptr<const internal::LiveAddition>(std::move(addition));
}

class LiveReader {
 public:
  LiveReader(store::Connection& conn, internal::LiveCache& cache,
             const identity::Principal& principal, const LiveFilter& filter, int max_events)
      : conn_(conn),
        cache_(cache),
        principal_(principal),
        filter_(filter),
        viewer_(conn, principal),
        max_events_(static_cast<std::size_t>(max_events)) {}

  // Outbox events are read a few at first, then twice as many each time, up to
  // kEventsPerRead: a stream behind a burst of large envelopes reads (and parses) about
  // as many as it sends, not kEventsPerRead per call, which made a burst's cost grow with
  // its square.
  Result<LiveBatch> Read(LivePosition after) {
    LiveBatch batch;
    batch.next = after;
    // The event the position is inside of is read again, from the object after it.
    std::int64_t from =
        after.index == LivePosition::kWholeEvent ? after.event_id : after.event_id - 1;
    int examined = 0;
    for (int chunk = kFirstEventsRead; examined < kEventsPerRead; chunk *= 2) {
      const int limit = std::min(chunk, kEventsPerRead - examined);
      FC_ASSIGN_OR_RETURN(
          std::vector<events::Event> events,
          events::ReadEvents(conn_, from,
                             {std::string(kAdded), std::string(kDeleted), std::string(kSighted)},
                             limit));
      for (const events::Event& event : events) {
        const std::int64_t first =
            event.id == after.event_id && after.index != LivePosition::kWholeEvent ? after.index + 1
                                                                                   : 0;
        FC_ASSIGN_OR_RETURN(bool whole, Visit(event, first, batch));
        if (!whole) return batch;  // full within this event; batch.next is inside it
        batch.next = {event.id, LivePosition::kWholeEvent};
        if (batch.events.size() >= max_events_) return batch;
      }
      if (events.size() < static_cast<std::size_t>(limit)) {
        batch.caught_up = true;
        return batch;
      }
      examined += limit;
      from = events.back().id;
    }
    return batch;
  }

 private:
  // Adds what the viewer may see of `event` from object `first` on; false when the
  // batch filled up before the event's end.
  Result<bool> Visit(const events::Event& event, std::int64_t first, LiveBatch& batch) {
    if (!event.payload.is_object()) return true;
    const std::string collection_id = event.payload.value("collection_id", "");
    if (!Selects(filter_.collection_ids, collection_id)) return true;
    if (event.type == kAdded) return VisitAdded(event, collection_id, first, batch);
    if (first > 0) return true;
    if (event.type == kDeleted) FC_RETURN_IF_ERROR(VisitDeleted(event, collection_id, batch));
    if (event.type == kSighted) FC_RETURN_IF_ERROR(VisitSighted(event, collection_id, batch));
    return true;
  }

  // The event's objects come from the shared read; the viewer's rights (the collection
  // as it reads it now, its organisation's groups now) decide which it gets.
  Result<bool> VisitAdded(const events::Event& event, const std::string& collection_id,
                          std::int64_t first, LiveBatch& batch) {
    FC_ASSIGN_OR_RETURN(const Collection* collection, viewer_.Readable(collection_id));
    const Json& objects = event.payload.value("objects", Json::array());
    if (collection == nullptr || !objects.is_array()) return true;
    std::shared_ptr<const internal::LiveAddition> addition = cache_.Find(event.id);
    if (addition == nullptr) {
      FC_ASSIGN_OR_RETURN(addition, ReadAddition(conn_, collection_id, objects));
      cache_.Keep(event.id, addition);
    }
    FC_ASSIGN_OR_RETURN(const std::vector<std::string>* groups, viewer_.Groups());
    const auto count = static_cast<std::int64_t>(addition->size());
    for (std::int64_t i = first; i < count; ++i) {
      batch.next = {event.id, i};
      // Absent: deleted since, or named wrongly in the event.
      const std::optional<internal::LiveObject>& o = (*addition)[static_cast<std::size_t>(i)];
      if (!o || !Selects(filter_.types, o->type) || !Selects(filter_.tlps, o->tlp)) continue;
      const identity::SharedObjectAccess access{o->author_org, collection->read_group_id,
                                                o->named_recipients_only, o->named_recipients};
      if (!identity::MaySeeSharedObject(principal_, *groups, access)) continue;
      batch.events.push_back({batch.next, o->kind, o->data});
      if (batch.events.size() >= max_events_ && i + 1 < count) return false;
    }
    return true;
  }

  // The objects are gone: the event records, per deleted version, its TLP and whether
  // it was for named recipients only, and whom it named; the viewer sees the deletion
  // when it could see one of them under the rule, with its groups as they are now.
  Status VisitDeleted(const events::Event& event, const std::string& collection_id,
                      LiveBatch& batch) {
    FC_ASSIGN_OR_RETURN(const Collection* collection, viewer_.Readable(collection_id));
    if (collection == nullptr) return OkStatus();
    const std::string id = event.payload.value("id", "");
    const std::string type = TypeOfId(id);
    if (!Selects(filter_.types, type)) return OkStatus();
    const Json& access = event.payload.value("access", Json::array());
    if (!access.is_array()) return OkStatus();
    FC_ASSIGN_OR_RETURN(const std::vector<std::string>* groups, viewer_.Groups());
    std::optional<stix::Tlp> seen_tlp;
    for (const Json& version : access) {
      if (!version.is_object()) continue;
      const auto tlp = stix::ParseTlpName(version.value("tlp", ""));
      if (!tlp || !Selects(filter_.tlps, *tlp)) continue;
      identity::SharedObjectAccess facts{
          event.org_id, collection->read_group_id, version.value("named_only", true), {}};
      const Json& recipients = version.value("recipients", Json::array());
      for (const Json& r : recipients) {
        if (r.is_string()) facts.named_recipients.push_back(r.get<std::string>());
      }
      if (identity::MaySeeSharedObject(principal_, *groups, facts)) {
        seen_tlp = tlp;
        break;
      }
    }
    if (!seen_tlp) return OkStatus();
    batch.next = {event.id, 0};
    batch.events.push_back(
        {batch.next, "deleted",
         std::make_shared<const std::string>(DumpJson({{"collection_id", collection_id},
                                                       {"id", id},
                                                       {"type", type},
                                                       {"tlp", stix::TlpName(*seen_tlp)}}))});
    return OkStatus();
  }

  // Published for each author of the sighted object that may see the sighting; shown to
  // that organisation while the sighting is still visible to it. Read for that viewer
  // alone, as only its organisation gets it.
  Status VisitSighted(const events::Event& event, const std::string& collection_id,
                      LiveBatch& batch) {
    if (event.org_id != principal_.org_id || principal_.org_id.empty()) return OkStatus();
    if (!Selects(filter_.types, std::string("sighting"))) return OkStatus();
    auto collection = internal::LoadCollection(conn_, principal_, collection_id);
    if (!collection.ok()) {
      if (collection.error().code() == ErrorCode::kNotFound) return OkStatus();
      return std::move(collection).error();
    }
    ObjectQuery query;
    query.ids = {event.payload.value("sighting_id", "")};
    query.limit = 1;
    FC_ASSIGN_OR_RETURN(ObjectPage page,
                        internal::QueryObjects(conn_, principal_, *collection, query));
    if (page.objects.empty() || !Selects(filter_.tlps, page.objects[0].tlp)) return OkStatus();
    const StoredObject& o = page.objects[0];
    const Json object = Json::parse(o.body, nullptr, /*allow_exceptions=*/false);
    const Json extra = {{"sighting_of_ref", event.payload.value("sighting_of_ref", "")}};
    batch.next = {event.id, 0};
    batch.events.push_back(
        {batch.next, "sighted",
         std::make_shared<const std::string>(ObjectDataText(
             o.collection_id, o.id, o.type, o.version, o.tlp, o.revoked, o.body, object, &extra))});
    return OkStatus();
  }

  store::Connection& conn_;
  internal::LiveCache& cache_;
  const identity::Principal& principal_;
  const LiveFilter& filter_;
  Viewer viewer_;
  std::size_t max_events_;
};

}  // namespace

Result<LivePosition> ParseLivePosition(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view event = text.substr(0, dot);
  const std::string_view index =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (!AllDigits(event, 18) || (dot != std::string_view::npos && !AllDigits(index, 9))) {
    return InvalidArgument("an event id is a number, or two joined by a dot",
                           {{"last_event_id", "E or E.I, in digits"}});
  }
  LivePosition position;
  position.event_id = ToInt(event);
  if (dot != std::string_view::npos) position.index = ToInt(index);
  return position;
}

std::shared_ptr<const internal::LiveAddition> internal::LiveCache::Find(std::int64_t event_id) {
  std::lock_guard lock(mutex_);
  auto it = additions_.find(event_id);
  return it == additions_.end() ? nullptr : it->second;
}

void internal::LiveCache::Keep(std::int64_t event_id,
                               std::shared_ptr<const LiveAddition> addition) {
  std::lock_guard lock(mutex_);
  const std::size_t size = addition->size();
  if (!additions_.emplace(event_id, std::move(addition)).second) return;
  objects_ += size;
  while (objects_ > max_objects_ && additions_.size() > 1) {
    objects_ -= additions_.begin()->second->size();
    additions_.erase(additions_.begin());
  }
}

std::string FormatLivePosition(const LivePosition& position) {
  if (position.index == LivePosition::kWholeEvent) return std::to_string(position.event_id);
  return fmt::format("{}.{}", position.event_id, position.index);
}

std::int64_t LiveWakeups::Register(std::function<void()> wake) {
  std::lock_guard lock(mutex_);
  const std::int64_t id = next_id_++;
  wakes_.emplace(id, std::move(wake));
  return id;
}

void LiveWakeups::Unregister(std::int64_t id) {
  std::lock_guard lock(mutex_);
  wakes_.erase(id);
}

void LiveWakeups::WakeAll() {
  std::lock_guard lock(mutex_);
  for (const auto& [id, wake] : wakes_) wake();
}

Result<LivePosition> SharingService::StartLive(const identity::Principal& principal,
                                               const LiveFilter& filter,
                                               std::optional<LivePosition> after) {
  for (std::size_t size : {filter.collection_ids.size(), filter.types.size(), filter.tlps.size()}) {
    if (size > kMaxLiveFilterValues) {
      return InvalidArgument(fmt::format("at most {} values per filter", kMaxLiveFilterValues));
    }
  }
  return db_.ReadValue<LivePosition>([&](store::Connection& conn) -> Result<LivePosition> {
    for (const std::string& id : filter.collection_ids) {
      FC_ASSIGN_OR_RETURN(Collection collection, internal::LoadCollection(conn, principal, id));
      if (!collection.can_read) return NotFound("collection not found");
    }
    FC_ASSIGN_OR_RETURN(std::int64_t newest, events::NewestEventId(conn));
    if (!after) return LivePosition{newest, LivePosition::kWholeEvent};
    if (after->event_id > newest) {
      return InvalidArgument("the event id is not one of this hub's",
                             {{"last_event_id", "an id this stream sent"}});
    }
    return *after;
  });
}

Result<LiveBatch> SharingService::ReadLive(const identity::Principal& principal,
                                           const LiveFilter& filter, LivePosition after,
                                           int max_events) {
  if (max_events < 1 || max_events > kMaxPageSize) {
    return InvalidArgument(fmt::format("max_events must be between 1 and {}", kMaxPageSize));
  }
  return db_.ReadValue<LiveBatch>([&](store::Connection& conn) -> Result<LiveBatch> {
    return LiveReader(conn, *live_cache_, principal, filter, max_events).Read(after);
  });
}

}  // namespace fincyber::sharing
