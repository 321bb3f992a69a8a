// STIX bundles of any size, read and written one object at a time. The reader scans the
// bundle's bytes for the `objects` array and hands each element, as the bytes received
// and parsed with limits, to a callback; memory stays bounded by the largest object
// allowed, whatever the size of the bundle. The writer emits a bundle object by object.
// Pure: works on streams; no storage.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"

namespace fincyber::sharing {

struct BundleReadOptions {
  // An element of `objects` larger than this is reported to the callback as
  // ResourceExhausted and skipped without being held in memory.
  std::size_t max_object_bytes = 8 << 20;
  int max_depth = 32;  // of one object
  // Progress is reported after at least this many bytes (and once at the end).
  std::uint64_t progress_interval_bytes = 1 << 20;
};

// One element of the bundle's `objects` array.
struct BundleObject {
  std::uint64_t index = 0;   // 0-based position in `objects`
  std::uint64_t offset = 0;  // byte offset of its first byte in the bundle
  // The element's bytes exactly as received; empty when it was too large to keep.
  std::string_view raw;
  // The parsed object, or why this element cannot be used: ResourceExhausted when larger
  // than max_object_bytes; InvalidArgument when malformed, too deep, not valid UTF-8, or
  // not a JSON object. The reader continues with the next element either way.
  Result<Json> json;
};

struct BundleProgress {
  std::uint64_t bytes_read = 0;
  std::uint64_t total_bytes = 0;  // 0 when unknown
  std::uint64_t objects = 0;      // elements handed to the callback so far
};

struct BundleSummary {
  std::string id;  // the bundle's id, "" when absent
  std::uint64_t objects = 0;
  std::uint64_t bytes = 0;
};

// The callback may move `json` out of the object. Returning an error stops reading and
// ReadBundle returns that error.
using BundleObjectHandler = std::function<Status(BundleObject&)>;
using BundleProgressHandler = std::function<void(const BundleProgress&)>;

// Reads a bundle: `{"type": "bundle", "id": "bundle--…", "objects": [...]}`, members in
// any order, other members skipped. Errors (InvalidArgument, naming the byte offset):
// not a JSON object, truncated, bytes after the bundle, `type` other than "bundle",
// `objects` not an array, a member given twice. Elements are delivered as they are read,
// so a bundle found broken after some elements has already delivered them: callers that
// need all or nothing run the import in a transaction. `total_bytes` is only reported
// back in the progress (0 when unknown); `on_progress` may be empty.
Result<BundleSummary> ReadBundle(std::istream& in, std::uint64_t total_bytes,
                                 const BundleReadOptions& options,
                                 const BundleObjectHandler& on_object,
                                 const BundleProgressHandler& on_progress = {});

// The same over a file; NotFound when it cannot be opened.
Result<BundleSummary> ReadBundleFile(const std::filesystem::path& path,
                                     const BundleReadOptions& options,
                                     const BundleObjectHandler& on_object,
                                     const BundleProgressHandler& on_progress = {});

// True when `text` is exactly one JSON object (surrounding whitespace allowed), judged by
// its structure only: balanced brackets outside strings, nothing after it. Linear, no
// allocation; for JSON already validated once and stored.
bool IsSingleJsonObject(std::string_view text);

// Writes `{"type":"bundle","id":…,"objects":[…]}` one object per line. Not thread-safe.
// Errors: Internal when the stream fails; InvalidArgument when AddRaw is given anything
// but one JSON object; FailedPrecondition when used after Finish.
class BundleWriter {
 public:
  // `bundle_id` is written as given ("bundle--<uuid>").
  BundleWriter(std::ostream& out, std::string bundle_id);
  BundleWriter(const BundleWriter&) = delete;
  BundleWriter& operator=(const BundleWriter&) = delete;

  Status Add(const Json& object);
  // An object's JSON text as stored; written unchanged.
  Status AddRaw(std::string_view object_json);
  // Closes the array and the bundle; a bundle with no objects is written without the
  // `objects` member, as STIX 2.1 requires of an empty bundle.
  Status Finish();

  std::uint64_t objects() const { return objects_; }

 private:
  Status WriteObjectText(std::string_view text);

  std::ostream& out_;
  std::string bundle_id_;
  std::uint64_t objects_ = 0;
  bool finished_ = false;
};

}  // namespace fincyber::sharing
