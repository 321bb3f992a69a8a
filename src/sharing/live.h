// The hub's live feed: what happened to shared objects, read from the durable event
// outbox (events::ReadEvents) and filtered for one viewer with the one visibility rule,
// so that a stream shows exactly what the viewer could read through TAXII or the
// browser, and resumes from any position the outbox still holds.
//
// A position is (outbox event id, index of the object within that event). An addition
// event names many objects (one envelope), so streams resume inside it. Written as
// "E.I" (after object I of event E) or "E" (after all of event E).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "stix/tlp.h"

namespace fincyber::sharing {

struct LivePosition {
  static constexpr std::int64_t kWholeEvent = std::numeric_limits<std::int64_t>::max();
  std::int64_t event_id = 0;
  std::int64_t index = kWholeEvent;  // the last object read within event_id
  bool operator==(const LivePosition&) const = default;
};
// "E" or "E.I" with E up to 18 digits and I up to 9; InvalidArgument otherwise.
Result<LivePosition> ParseLivePosition(std::string_view text);
std::string FormatLivePosition(const LivePosition& position);

// What a viewer asks to see; empty lists mean any. At most kMaxLiveFilterValues each.
struct LiveFilter {
  std::vector<std::string> collection_ids;
  std::vector<std::string> types;  // STIX types, e.g. "indicator"
  std::vector<stix::Tlp> tlps;
};
inline constexpr std::size_t kMaxLiveFilterValues = 20;

// One thing that happened, as a viewer may see it.
struct LiveEvent {
  LivePosition position;
  // "added" (a first version), "updated" (a later one), "revoked", "deleted" (an object
  // the viewer could see was deleted: every version of it matching the deletion), or
  // "sighted" (a sighting of one of the viewer's own objects).
  std::string kind;
  // JSON text on one line: collection_id, id, type, tlp; version, revoked and object (the
  // STIX JSON) except for deletions. Shared by every viewer of the same object.
  std::shared_ptr<const std::string> data;
};

struct LiveBatch {
  std::vector<LiveEvent> events;
  LivePosition next;       // read up to here, invisible events included
  bool caught_up = false;  // nothing newer was committed when read
};

// Wakes the streams waiting for the feed. The platform calls WakeAll() for every
// "sharing." event its Dispatcher sees (from any replica); streams then read the
// outbox, so a wake-up lost or doubled costs nothing but a read. Thread-safe.
class LiveWakeups {
 public:
  // Returns an id for Unregister. `wake` must be quick: it runs under the registry's lock.
  std::int64_t Register(std::function<void()> wake);
  // After it returns `wake` is not called again.
  void Unregister(std::int64_t id);
  void WakeAll();

 private:
  std::mutex mutex_;
  std::map<std::int64_t, std::function<void()>> wakes_;  // guarded by mutex_
  std::int64_t next_id_ = 1;                             // guarded by mutex_
};

}  // namespace fincyber::sharing
