#include "http/internal/static_files.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <optional>
#include <utility>

namespace fincyber::http::internal {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kContentTypes{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".txt", "text/plain; charset=utf-8"},
    {".csv", "text/csv; charset=utf-8"},
}};

std::string_view ContentTypeFor(const fs::path& file) {
  const std::string extension = file.extension().string();
  for (const auto& [ext, type] : kContentTypes) {
    if (ext == extension) return type;
  }
  return "application/octet-stream";
}

bool IsWithin(const fs::path& root, const fs::path& file) {
  auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  return root_end == root.end() && file_it != file.end();
}

Result<std::string> ReadFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Internal("cannot open static file " + file.string());
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Internal("cannot read static file " + file.string());
  return content;
}

}  // namespace

Result<StaticFiles> StaticFiles::Open(const std::string& root) {
  std::error_code ec;
  fs::path canonical = fs::canonical(root, ec);
  if (ec || !fs::is_directory(canonical, ec)) {
    return InvalidArgument("static directory is not a readable directory: " + root);
  }
  return StaticFiles(std::move(canonical));
}

std::optional<fs::path> StaticFiles::Resolve(const fs::path& candidate) const {
  std::error_code ec;
  fs::path resolved = fs::canonical(candidate, ec);
  if (ec || !IsWithin(root_, resolved) || !fs::is_regular_file(resolved, ec)) {
    return std::nullopt;
  }
  return resolved;
}

Result<Response> StaticFiles::Serve(std::string_view path) const {
  // Built segment by segment: appending an absolute path would replace the root.
  fs::path candidate = root_;
  std::string_view rest = path;
  while (!rest.empty()) {
    const std::size_t slash = std::min(rest.find('/'), rest.size());
    if (slash > 0) candidate /= fs::path(rest.substr(0, slash));
    rest.remove_prefix(std::min(slash + 1, rest.size()));
  }
  const bool asset = path.starts_with("/assets/");
  std::optional<fs::path> file = Resolve(candidate);
  if (!file && !asset) file = Resolve(root_ / "index.html");
  if (!file) return NotFound("no such file");

  FC_ASSIGN_OR_RETURN(std::string content, ReadFile(*file));
  Response response;
  response.body = std::move(content);
  response.SetHeader("Content-Type", std::string(ContentTypeFor(*file)));
  // Built assets carry a content hash in their names, so they never change; every
  // other file (index.html first) is revalidated so a deploy takes effect at once.
  response.SetHeader("Cache-Control", asset ? "public, max-age=31536000, immutable" : "no-cache");
  return response;
}

}  // namespace fincyber::http::internal
