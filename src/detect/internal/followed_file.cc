#include "detect/internal/followed_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace fincyber::detect::internal {

FollowedFile::FollowedFile(std::string path, std::chrono::milliseconds poll,
                           const std::atomic<bool>& stop)
    : path_(std::move(path)), poll_(poll), stop_(stop) {}

FollowedFile::~FollowedFile() { Close(); }

void FollowedFile::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void FollowedFile::Wait() const {
  // Short slices, so that a stop is seen soon whatever the poll interval.
  const auto slice = std::min<std::chrono::milliseconds>(poll_, std::chrono::milliseconds(50));
  for (auto waited = std::chrono::milliseconds(0); waited < poll_ && !stopped(); waited += slice) {
    std::this_thread::sleep_for(slice);
  }
}

bool FollowedFile::Open() {
  Close();
  while (!stopped()) {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (fd >= 0 && ::fstat(fd, &info) == 0) {
      fd_ = fd;
      device_ = info.st_dev;
      inode_ = info.st_ino;
      position_ = 0;
      return true;
    }
    if (fd >= 0) ::close(fd);
    Wait();
  }
  return false;
}

bool FollowedFile::Replaced() const {
  struct stat open_info {};
  if (::fstat(fd_, &open_info) == 0 && static_cast<std::uint64_t>(open_info.st_size) < position_) {
    return true;
  }
  struct stat path_info {};
  // While the path is missing (renamed, not yet recreated), the old file is still ours.
  if (::stat(path_.c_str(), &path_info) != 0) return false;
  return path_info.st_dev != device_ || path_info.st_ino != inode_;
}

Result<std::size_t> FollowedFile::Read(char* out, std::size_t capacity) {
  bool told = false;
  while (!stopped()) {
    const ssize_t n = ::pread(fd_, out, capacity, static_cast<off_t>(position_));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unavailable("read failed: " + std::string(std::strerror(errno)));
    if (n > 0) {
      position_ += static_cast<std::uint64_t>(n);
      return static_cast<std::size_t>(n);
    }
    if (Replaced()) {
      // Bytes written to the old file just before it was replaced are still read.
      const ssize_t last = ::pread(fd_, out, capacity, static_cast<off_t>(position_));
      if (last > 0) {
        position_ += static_cast<std::uint64_t>(last);
        return static_cast<std::size_t>(last);
      }
      return 0;
    }
    if (!told && on_wait_) on_wait_();
    told = true;
    Wait();
  }
  return 0;
}

}  // namespace fincyber::detect::internal
