// Listener bookkeeping shared by both backends: channel-name validation and a
// thread-safe map from channel to callbacks.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/database.h"

namespace fincyber::store::internal {

// Channel names are used verbatim as PostgreSQL identifiers, so they are limited to
// [a-z_][a-z0-9_]{0,62}. InvalidArgument otherwise.
Status ValidateChannel(std::string_view channel);

// Thread-safe. Callbacks run outside the lock, so a listener may register another.
class ListenerSet {
 public:
  void Add(std::string_view channel, Listener listener);
  // The channels with at least one listener.
  std::vector<std::string> Channels() const;
  // Calls every listener of `channel` with `payload`, in registration order.
  void Dispatch(std::string_view channel, std::string_view payload) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Listener>, std::less<>> listeners_;  // guarded by mutex_
};

}  // namespace fincyber::store::internal
