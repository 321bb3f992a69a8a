// The live feed: the sharing events of the outbox, each object re-read through the one
// object query (so the visibility rule decides), deletions checked with the same rule
// in memory (the rows are gone) from the access facts the deletion event records.
#include "sharing/live.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "events/events.h"
#include "identity/groups.h"
#include "sharing/internal/common.h"
#include "sharing/service.h"

namespace fincyber::sharing {
namespace {

constexpr std::string_view kAdded = "sharing.objects_added";
constexpr std::string_view kDeleted = "sharing.object_deleted";
constexpr std::string_view kSighted = "sharing.sighted";
// Outbox events examined per ReadLive call, visible or not.
constexpr int kEventsPerRead = 200;
// Objects of one addition event looked up per query (QueryObjects takes 100 ids).
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

Json ObjectData(const StoredObject& o) {
  Json object = Json::parse(o.body, nullptr, /*allow_exceptions=*/false);
  return {{"collection_id", o.collection_id},
          {"id", o.id},
          {"type", o.type},
          {"version", stix::FormatTimestamp(o.version)},
          {"tlp", stix::TlpName(o.tlp)},
          {"revoked", o.revoked},
          {"object", object.is_discarded() ? Json() : std::move(object)}};
}

// A later version carries a modified time past its created time (STIX 2.1, 3.2).
std::string KindOf(const StoredObject& o, const Json& object) {
  if (o.revoked) return "revoked";
  if (object.is_object() && object.contains("modified") && object.contains("created") &&
      object["modified"] != object["created"]) {
    return "updated";
  }
  return "added";
}

class LiveReader {
 public:
  LiveReader(store::Connection& conn, const identity::Principal& principal,
             const LiveFilter& filter, int max_events)
      : conn_(conn),
        principal_(principal),
        filter_(filter),
        viewer_(conn, principal),
        max_events_(static_cast<std::size_t>(max_events)) {}

  Result<LiveBatch> Read(LivePosition after) {
    LiveBatch batch;
    batch.next = after;
    // The event the position is inside of is read again, from the object after it.
    const std::int64_t from =
        after.index == LivePosition::kWholeEvent ? after.event_id : after.event_id - 1;
    FC_ASSIGN_OR_RETURN(
        std::vector<events::Event> events,
        events::ReadEvents(conn_, from,
                           {std::string(kAdded), std::string(kDeleted), std::string(kSighted)},
                           kEventsPerRead));
    for (const events::Event& event : events) {
      const std::int64_t first =
          event.id == after.event_id && after.index != LivePosition::kWholeEvent ? after.index + 1
                                                                                 : 0;
      FC_ASSIGN_OR_RETURN(bool whole, Visit(event, first, batch));
      if (!whole) return batch;  // full within this event; batch.next is inside it
      batch.next = {event.id, LivePosition::kWholeEvent};
      if (batch.events.size() >= max_events_) return batch;
    }
    batch.caught_up = events.size() < static_cast<std::size_t>(kEventsPerRead);
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

  Result<bool> VisitAdded(const events::Event& event, const std::string& collection_id,
                          std::int64_t first, LiveBatch& batch) {
    FC_ASSIGN_OR_RETURN(const Collection* collection, viewer_.Readable(collection_id));
    const Json& objects = event.payload.value("objects", Json::array());
    if (collection == nullptr || !objects.is_array()) return true;
    const auto count = static_cast<std::int64_t>(objects.size());
    for (std::int64_t start = first; start < count;
         start += static_cast<std::int64_t>(kObjectsPerQuery)) {
      const std::int64_t end = std::min(count, start + static_cast<std::int64_t>(kObjectsPerQuery));
      ObjectQuery query;
      query.limit = kMaxPageSize;
      query.types = filter_.types;
      std::set<std::string> ids;
      std::set<stix::Timestamp> versions;
      for (std::int64_t i = start; i < end; ++i) {
        const Json& item = objects[static_cast<std::size_t>(i)];
        if (!item.is_object()) continue;
        auto version = stix::ParseTimestamp(item.value("version", ""));
        if (!version.ok()) continue;
        ids.insert(item.value("id", ""));
        versions.insert(*version);
      }
      query.ids.assign(ids.begin(), ids.end());
      query.versions.at.assign(versions.begin(), versions.end());
      std::map<std::pair<std::string, stix::Timestamp>, StoredObject> found;
      if (!query.ids.empty()) {
        bool more = true;
        while (more) {
          FC_ASSIGN_OR_RETURN(ObjectPage page,
                              internal::QueryObjects(conn_, principal_, *collection, query));
          for (auto& o : page.objects) {
            found.emplace(std::make_pair(o.id, o.version), std::move(o));
          }
          more = page.more;
          query.after = page.next;
        }
      }
      for (std::int64_t i = start; i < end; ++i) {
        const Json& item = objects[static_cast<std::size_t>(i)];
        batch.next = {event.id, i};
        if (!item.is_object()) continue;
        auto version = stix::ParseTimestamp(item.value("version", ""));
        if (!version.ok()) continue;
        // Absent: deleted since, another type, or not visible to this viewer.
        auto it = found.find({item.value("id", ""), *version});
        if (it == found.end() || !Selects(filter_.tlps, it->second.tlp)) continue;
        Json data = ObjectData(it->second);
        std::string kind = KindOf(it->second, data["object"]);
        batch.events.push_back({batch.next, std::move(kind), std::move(data)});
        if (batch.events.size() >= max_events_ && i + 1 < count) return false;
      }
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
    batch.events.push_back({batch.next,
                            "deleted",
                            {{"collection_id", collection_id},
                             {"id", id},
                             {"type", type},
                             {"tlp", stix::TlpName(*seen_tlp)}}});
    return OkStatus();
  }

  // Published for each author of the sighted object that may see the sighting; shown to
  // that organisation while the sighting is still visible to it.
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
    Json data = ObjectData(page.objects[0]);
    data["sighting_of_ref"] = event.payload.value("sighting_of_ref", "");
    batch.next = {event.id, 0};
    batch.events.push_back({batch.next, "sighted", std::move(data)});
    return OkStatus();
  }

  store::Connection& conn_;
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
    return LiveReader(conn, principal, filter, max_events).Read(after);
  });
}

}  // namespace fincyber::sharing
