#include "store/internal/listeners.h"

#include <utility>

namespace fincyber::store::internal {

Status ValidateChannel(std::string_view channel) {
  auto is_lower_or_underscore = [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; };
  bool ok = !channel.empty() && channel.size() <= 63 && is_lower_or_underscore(channel[0]);
  for (char c : channel) ok = ok && (is_lower_or_underscore(c) || (c >= '0' && c <= '9'));
  if (!ok) return InvalidArgument("invalid notification channel name");
  return OkStatus();
}

void ListenerSet::Add(std::string_view channel, Listener listener) {
  std::lock_guard lock(mutex_);
  listeners_[std::string(channel)].push_back(std::move(listener));
}

std::vector<std::string> ListenerSet::Channels() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> channels;
  for (const auto& [channel, unused] : listeners_) channels.push_back(channel);
  return channels;
}

void ListenerSet::Dispatch(std::string_view channel, std::string_view payload) const {
  std::vector<Listener> targets;
  {
    std::lock_guard lock(mutex_);
    auto it = listeners_.find(channel);
    if (it == listeners_.end()) return;
    targets = it->second;
  }
  for (const auto& listener : targets) listener(payload);
}

}  // namespace fincyber::store::internal
