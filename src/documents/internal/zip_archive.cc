#include "documents/internal/zip_archive.h"

#include <zip.h>

namespace fincyber::documents::internal {

struct ZipArchive::State {
  zip_t* archive = nullptr;
  ZipLimits limits;
  std::size_t total_read = 0;
};

ZipArchive::ZipArchive(std::unique_ptr<State> state) : state_(std::move(state)) {}

ZipArchive::~ZipArchive() {
  if (state_ && state_->archive) zip_discard(state_->archive);
}

Result<std::unique_ptr<ZipArchive>> ZipArchive::Open(std::string_view bytes,
                                                     const ZipLimits& limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!source) {
    zip_error_fini(&error);
    return Internal("libzip could not wrap the buffer");
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!archive) {
    zip_source_free(source);
    std::string reason = zip_error_strerror(&error);
    zip_error_fini(&error);
    return InvalidArgument("not a readable ZIP archive (XLSX is one)", {{"file", reason}});
  }
  zip_error_fini(&error);
  auto state = std::make_unique<State>();
  state->archive = archive;
  state->limits = limits;
  std::unique_ptr<ZipArchive> result(new ZipArchive(std::move(state)));
  const zip_int64_t entries = zip_get_num_entries(archive, 0);
  if (entries < 0 || static_cast<std::uint64_t>(entries) > limits.max_entries) {
    return ResourceExhausted("the archive has more than " + std::to_string(limits.max_entries) +
                             " entries");
  }
  return result;
}

Result<std::string> ZipArchive::Read(std::string_view name) {
  const std::string entry(name);
  const zip_int64_t index = zip_name_locate(state_->archive, entry.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return NotFound("the archive has no part " + entry);
  const ZipLimits& limits = state_->limits;
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(state_->archive, static_cast<zip_uint64_t>(index), 0, &stat) != 0) {
    return InvalidArgument("unreadable archive entry " + entry);
  }
  if ((stat.valid & ZIP_STAT_SIZE) && stat.size > limits.max_entry_bytes) {
    return ResourceExhausted("part " + entry + " is larger than " +
                             std::to_string(limits.max_entry_bytes) + " bytes uncompressed");
  }
  zip_file_t* file = zip_fopen_index(state_->archive, static_cast<zip_uint64_t>(index), 0);
  if (!file) {
    return InvalidArgument("cannot open part " + entry + " (encrypted or unknown compression)",
                           {{"file", zip_strerror(state_->archive)}});
  }
  std::string data;
  char buffer[64 * 1024];
  Status status;
  // The declared size may lie: the caps count what decompression actually yields.
  while (true) {
    const zip_int64_t got = zip_fread(file, buffer, sizeof buffer);
    if (got < 0) {
      status =
          InvalidArgument("part " + entry + " is corrupt", {{"file", zip_file_strerror(file)}});
      break;
    }
    if (got == 0) break;
    const auto count = static_cast<std::size_t>(got);
    if (data.size() + count > limits.max_entry_bytes ||
        state_->total_read + count > limits.max_total_bytes) {
      status = ResourceExhausted("part " + entry + " decompresses to more than allowed");
      break;
    }
    state_->total_read += count;
    data.append(buffer, count);
  }
  zip_fclose(file);
  if (!status.ok()) return std::move(status).error();
  return data;
}

}  // namespace fincyber::documents::internal
