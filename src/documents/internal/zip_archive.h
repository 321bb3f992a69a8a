// A read-only ZIP archive in memory (libzip) that reads entries under caps, so that a
// small hostile file cannot make the reader allocate without bound.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace fincyber::documents::internal {

struct ZipLimits {
  std::size_t max_entries = 10'000;
  std::size_t max_entry_bytes = std::size_t{128} << 20;  // uncompressed, as actually read
  std::size_t max_total_bytes = std::size_t{512} << 20;  // everything read from the archive
};

class ZipArchive {
 public:
  // InvalidArgument if `bytes` is not a consistent ZIP archive; ResourceExhausted if it
  // has more entries than allowed. `bytes` must outlive the archive.
  static Result<std::unique_ptr<ZipArchive>> Open(std::string_view bytes, const ZipLimits& limits);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // Entry names compare without case, as OOXML part names do. NotFound if absent; ResourceExhausted
  // past a size cap (declared or actual); InvalidArgument if encrypted, corrupt or compressed with
  // an unknown method.
  Result<std::string> Read(std::string_view name);

 private:
  struct State;
  explicit ZipArchive(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace fincyber::documents::internal
