// A log file read as it grows, like `tail -F`: at its end, wait for more; when the path
// comes to name another file (rotation: renamed and recreated) or the file becomes
// shorter than what was read (truncation, copytruncate), the current file ends and the
// caller opens the path again, reading the new file from its start. A missing path is
// waited for. Private to detect/.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "base/result.h"

namespace fincyber::detect::internal {

class FollowedFile {
 public:
  // `stop` ends every wait (checked at least every `poll`). `stop` must outlive this.
  FollowedFile(std::string path, std::chrono::milliseconds poll, const std::atomic<bool>& stop);
  ~FollowedFile();
  FollowedFile(const FollowedFile&) = delete;
  FollowedFile& operator=(const FollowedFile&) = delete;

  // Called once each time a read reaches the end and starts waiting (to flush output).
  void set_on_wait(std::function<void()> on_wait) { on_wait_ = std::move(on_wait); }

  // Opens the path (the next file after a rotation), waiting until it exists. False when
  // stopped first.
  bool Open();
  // The next bytes of the open file, waiting at its end. 0 when the file ended (rotated
  // away or truncated: call Open again) or when stopped. Unavailable on a read error.
  Result<std::size_t> Read(char* out, std::size_t capacity);
  bool stopped() const { return stop_.load(std::memory_order_relaxed); }

 private:
  // True when the path now names another file, or the open file is shorter than read.
  bool Replaced() const;
  void Close();
  void Wait() const;

  const std::string path_;
  const std::chrono::milliseconds poll_;
  const std::atomic<bool>& stop_;
  std::function<void()> on_wait_;
  int fd_ = -1;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  std::uint64_t position_ = 0;
};

}  // namespace fincyber::detect::internal
