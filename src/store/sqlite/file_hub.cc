#include "store/sqlite/file_hub.h"

#include <algorithm>
#include <map>

namespace fincyber::store::sqlite {

Dispatcher::Dispatcher() : thread_([this] { Run(); }) {}

Dispatcher::~Dispatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Dispatcher::Add(std::string_view channel, Listener listener) {
  listeners_.Add(channel, std::move(listener));
}

void Dispatcher::Enqueue(const std::vector<Notification>& notifications) {
  {
    std::lock_guard lock(mutex_);
    queue_.insert(queue_.end(), notifications.begin(), notifications.end());
  }
  wake_.notify_one();
}

void Dispatcher::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Notification next = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    listeners_.Dispatch(next.first, next.second);
    lock.lock();
  }
}

std::shared_ptr<FileHub> FileHub::ForFile(const std::string& canonical_path) {
  static std::mutex registry_mutex;
  static std::map<std::string, std::weak_ptr<FileHub>> registry;  // guarded by registry_mutex
  std::lock_guard lock(registry_mutex);
  std::erase_if(registry, [](const auto& entry) { return entry.second.expired(); });
  std::weak_ptr<FileHub>& slot = registry[canonical_path];
  std::shared_ptr<FileHub> hub = slot.lock();
  if (!hub) {
    hub = std::make_shared<FileHub>();
    slot = hub;
  }
  return hub;
}

void FileHub::Subscribe(Dispatcher* dispatcher) {
  std::lock_guard lock(mutex_);
  subscribers_.push_back(dispatcher);
}

void FileHub::Unsubscribe(Dispatcher* dispatcher) {
  std::lock_guard lock(mutex_);
  std::erase(subscribers_, dispatcher);
}

void FileHub::Publish(const std::vector<Notification>& notifications) {
  std::lock_guard lock(mutex_);
  for (Dispatcher* dispatcher : subscribers_) dispatcher->Enqueue(notifications);
}

}  // namespace fincyber::store::sqlite
