// The web UI's files. Paths arrive decoded with dot segments already refused
// (internal/target.h); every file is still resolved through symlinks and must lie
// inside the root, so no link or later change can serve a file from elsewhere.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "http/http.h"

namespace fincyber::http::internal {

class StaticFiles {
 public:
  // InvalidArgument when `root` is not a readable directory.
  static Result<StaticFiles> Open(const std::string& root);

  // The file for `path`, with its Content-Type and Cache-Control. A path that names
  // no file serves index.html, so the single-page app routes it; except under
  // /assets/, where a missing file is NotFound (a script must never get HTML).
  // Thread-safe.
  Result<Response> Serve(std::string_view path) const;

 private:
  explicit StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}
  // The canonical regular file inside root_, or nullopt.
  std::optional<std::filesystem::path> Resolve(const std::filesystem::path& candidate) const;

  std::filesystem::path root_;  // canonical
};

}  // namespace fincyber::http::internal
