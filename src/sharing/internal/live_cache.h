// The live feed's shared read: the objects of an addition event, read once from the
// store with the facts the visibility rule needs, then filtered for each viewer in memory
// with identity::MaySeeSharedObject (the rule SharedObjectFilter applies in SQL). N
// viewers of E events so cost E reads and N x E comparisons, not N x E queries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "stix/tlp.h"

namespace fincyber::sharing::internal {

// One object version of an addition event, as every viewer allowed to see it gets it.
struct LiveObject {
  std::string type;
  stix::Tlp tlp = stix::Tlp::kClear;
  std::string author_org;
  bool named_recipients_only = false;
  std::vector<std::string> named_recipients;  // organisation ids
  std::string kind;                           // "added", "updated" or "revoked"
  std::shared_ptr<const std::string> data;    // the event's JSON text, on one line
};

// An addition event's objects by their index in the event; empty where the version is
// no longer stored (deleted since) or the event names it wrongly.
using LiveAddition = std::vector<std::optional<LiveObject>>;

// About 1 KiB each: up to a hundred envelopes of a hundred objects in about 10 MiB.
inline constexpr std::size_t kLiveCacheObjects = 10'000;

// The additions read most recently, shared by every stream of the server. Holds up to
// `max_objects` objects; the oldest events go first, since live viewers read the newest.
// Thread-safe. An object deleted after its event was read here is still shown as added
// to a viewer that reads the event from here, followed by its deletion.
class LiveCache {
 public:
  explicit LiveCache(std::size_t max_objects) : max_objects_(max_objects) {}

  // nullptr when the event is not held.
  std::shared_ptr<const LiveAddition> Find(std::int64_t event_id);
  void Keep(std::int64_t event_id, std::shared_ptr<const LiveAddition> addition);

 private:
  std::mutex mutex_;
  std::map<std::int64_t, std::shared_ptr<const LiveAddition>> additions_;  // guarded by mutex_
  std::size_t objects_ = 0;                                                // guarded by mutex_
  const std::size_t max_objects_;
};

}  // namespace fincyber::sharing::internal
