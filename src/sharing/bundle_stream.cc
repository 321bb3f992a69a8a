#include "sharing/bundle_stream.h"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <istream>
#include <ostream>
#include <set>

namespace fincyber::sharing {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr std::size_t kMaxMemberNameBytes = 256;
constexpr std::size_t kMaxMetadataValueBytes = 1024;

// Reads the stream in chunks and counts the bytes consumed.
class ByteSource {
 public:
  explicit ByteSource(std::istream& in) : in_(in) {}

  // The next byte without consuming it, or -1 at the end.
  int Peek() {
    if (pos_ == len_ && !Fill()) return -1;
    return static_cast<unsigned char>(buffer_[pos_]);
  }
  int Get() {
    const int c = Peek();
    if (c >= 0) {
      ++pos_;
      ++offset_;
    }
    return c;
  }
  void SkipWhitespace() {
    for (int c = Peek(); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = Peek()) Get();
  }
  // The bytes read and not yet consumed, reading more when there are none; empty at the
  // end of the stream.
  std::string_view Buffered() {
    if (pos_ == len_ && !Fill()) return {};
    return {buffer_.data() + pos_, len_ - pos_};
  }
  void Consume(std::size_t n) {
    pos_ += n;
    offset_ += n;
  }
  std::uint64_t offset() const { return offset_; }
  bool failed() const { return in_.bad(); }

 private:
  bool Fill() {
    if (!in_) return false;
    in_.read(buffer_.data(), buffer_.size());
    len_ = static_cast<std::size_t>(in_.gcount());
    pos_ = 0;
    return len_ > 0;
  }

  std::istream& in_;
  std::array<char, kChunkBytes> buffer_{};
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
  std::uint64_t offset_ = 0;
};

Error At(std::uint64_t offset, std::string_view what) {
  return InvalidArgument(fmt::format("bundle: {} at byte {}", what, offset));
}

Error Truncated(const ByteSource& source) {
  if (source.failed()) return Internal("bundle: read error");
  return At(source.offset(), "unexpected end of input (truncated?)");
}

std::string Describe(int c) {
  if (c >= 0x21 && c < 0x7f) return fmt::format("unexpected '{}'", static_cast<char>(c));
  return fmt::format("unexpected byte 0x{:02x}", c);
}

struct ScannedValue {
  std::string bytes;       // kept while within the size and depth limits
  bool too_large = false;  // bytes incomplete: over the size limit
  bool too_deep = false;   // bytes incomplete: over the depth limit
};

bool IsScalarByte(int c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' ||
         c == 'E';
}

// The bytes that change the state of a scan for a value's end; runs of other bytes are
// kept with one append.
constexpr std::array<bool, 256> kStructuralBytes = [] {
  std::array<bool, 256> table{};
  for (const unsigned char c : {'"', '\\', '{', '}', '[', ']'}) table[c] = true;
  return table;
}();

// Consumes one JSON value's bytes, finding its end by bracket depth outside strings; the
// value's grammar is left to ParseJson. Keeps at most `limit` bytes and `max_depth` levels
// in `out`; past either, keeps scanning without storing so that the next value is found.
Status ScanValue(ByteSource& source, std::size_t limit, int max_depth, ScannedValue& out) {
  auto keep = [&](int c) {
    if (out.too_large || out.too_deep) return;
    if (out.bytes.size() >= limit) {
      out.too_large = true;
      out.bytes.clear();
      out.bytes.shrink_to_fit();
      return;
    }
    out.bytes.push_back(static_cast<char>(c));
  };
  const int first = source.Peek();
  if (first < 0) return Truncated(source);
  if (first == '"') {
    keep(source.Get());
    for (;;) {
      const int c = source.Get();
      if (c < 0) return Truncated(source);
      keep(c);
      if (c == '"') return OkStatus();
      if (c == '\\') {
        const int escaped = source.Get();
        if (escaped < 0) return Truncated(source);
        keep(escaped);
      }
    }
  }
  if (first != '{' && first != '[') {
    if (!IsScalarByte(first)) return At(source.offset(), Describe(first));
    while (IsScalarByte(source.Peek())) keep(source.Get());
    return OkStatus();
  }
  // An object or array, scanned a buffer at a time: the bytes up to where the scan
  // stops in a buffer are kept together, as `keep` would have kept them one by one.
  auto keep_run = [&](std::string_view run) {
    if (out.too_large || out.too_deep) return;
    if (out.bytes.size() + run.size() > limit) {
      out.too_large = true;
      out.bytes.clear();
      out.bytes.shrink_to_fit();
      return;
    }
    out.bytes.append(run);
  };
  std::int64_t depth = 0;
  bool in_string = false;
  bool escape_pending = false;  // a string's backslash ended the last buffer
  for (;;) {
    const std::string_view buffered = source.Buffered();
    if (buffered.empty()) return Truncated(source);
    const auto* bytes = reinterpret_cast<const unsigned char*>(buffered.data());
    const std::size_t n = buffered.size();
    std::size_t i = escape_pending ? 1 : 0;
    escape_pending = false;
    bool ended = false;
    for (; i < n; ++i) {
      const unsigned char c = bytes[i];
      if (!kStructuralBytes[c]) continue;
      if (in_string) {
        if (c == '"') {
          in_string = false;
        } else if (c == '\\' && ++i == n) {
          escape_pending = true;  // the escaped byte starts the next buffer
          break;
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        // Too deep only while the bytes before this one are within the size limit.
        const bool too_large = out.too_large || out.bytes.size() + i > limit;
        if (++depth > max_depth && !too_large && !out.too_deep) {
          out.too_deep = true;
          out.bytes.clear();
        }
      } else if ((c == '}' || c == ']') && --depth == 0) {
        ++i;
        ended = true;
        break;
      }
    }
    keep_run(buffered.substr(0, i));
    source.Consume(i);
    if (ended) return OkStatus();
  }
}

// A short member value or name: scanned with a small limit and decoded.
Result<Json> ReadSmallValue(ByteSource& source, std::string_view what) {
  const std::uint64_t offset = source.offset();
  ScannedValue value;
  FC_RETURN_IF_ERROR(ScanValue(source, kMaxMetadataValueBytes, 4, value));
  if (value.too_large || value.too_deep) return At(offset, fmt::format("{} is too long", what));
  auto parsed = ParseJson(value.bytes, {.max_bytes = kMaxMetadataValueBytes, .max_depth = 4});
  if (!parsed.ok()) {
    return At(offset, fmt::format("{}: {}", what, parsed.error().safe_message()));
  }
  return std::move(*parsed);
}

Result<std::string> ReadMemberName(ByteSource& source) {
  const std::uint64_t offset = source.offset();
  const int c = source.Peek();
  if (c < 0) return Truncated(source);
  if (c != '"') return At(offset, Describe(c) + ", expected a member name");
  ScannedValue name;
  FC_RETURN_IF_ERROR(ScanValue(source, kMaxMemberNameBytes, 1, name));
  if (name.too_large) return At(offset, "member name is too long");
  auto parsed = ParseJson(name.bytes, {.max_bytes = kMaxMemberNameBytes, .max_depth = 1});
  if (!parsed.ok()) return At(offset, "malformed member name");
  return parsed->get<std::string>();
}

Status Expect(ByteSource& source, char expected) {
  source.SkipWhitespace();
  const int c = source.Get();
  if (c < 0) return Truncated(source);
  if (c != expected) {
    return At(source.offset() - 1, fmt::format("{}, expected '{}'", Describe(c), expected));
  }
  return OkStatus();
}

Result<Json> ParseElement(const ScannedValue& value, std::uint64_t index, std::uint64_t offset,
                          const BundleReadOptions& options) {
  if (value.too_large) {
    return ResourceExhausted(
        fmt::format("bundle: object {} at byte {} is larger than the limit of {} bytes", index,
                    offset, options.max_object_bytes));
  }
  if (value.too_deep) {
    return InvalidArgument(
        fmt::format("bundle: object {} at byte {} is nested deeper than {} levels", index, offset,
                    options.max_depth));
  }
  auto parsed = ParseJson(value.bytes,
                          {.max_bytes = options.max_object_bytes, .max_depth = options.max_depth});
  if (!parsed.ok()) {
    return InvalidArgument(fmt::format("bundle: object {} at byte {}: {}", index, offset,
                                       parsed.error().safe_message()));
  }
  if (!parsed->is_object()) {
    return InvalidArgument(
        fmt::format("bundle: object {} at byte {} is not a JSON object", index, offset));
  }
  return std::move(*parsed);
}

class BundleScanner {
 public:
  BundleScanner(std::istream& in, std::uint64_t total_bytes, const BundleReadOptions& options,
                const BundleObjectHandler& on_object, const BundleProgressHandler& on_progress)
      : source_(in),
        total_bytes_(total_bytes),
        options_(options),
        on_object_(on_object),
        on_progress_(on_progress) {}

  Result<BundleSummary> Run() {
    source_.SkipWhitespace();
    const int first = source_.Peek();
    if (first < 0) return At(0, "empty input, expected a bundle");
    if (first != '{') return At(source_.offset(), "a bundle must be a JSON object");
    source_.Get();
    std::set<std::string> seen;
    std::optional<std::string> type;
    source_.SkipWhitespace();
    if (source_.Peek() == '}') {
      source_.Get();
    } else {
      for (;;) {
        source_.SkipWhitespace();
        const std::uint64_t member_offset = source_.offset();
        FC_ASSIGN_OR_RETURN(std::string name, ReadMemberName(source_));
        if (!seen.insert(name).second) {
          return At(member_offset, fmt::format("member '{}' appears twice", name));
        }
        FC_RETURN_IF_ERROR(Expect(source_, ':'));
        source_.SkipWhitespace();
        if (name == "objects") {
          FC_RETURN_IF_ERROR(ReadObjects());
        } else if (name == "type" || name == "id") {
          FC_ASSIGN_OR_RETURN(Json value, ReadSmallValue(source_, name));
          if (!value.is_string())
            return At(member_offset, fmt::format("'{}' must be a string", name));
          if (name == "type") {
            type = value.get<std::string>();
          } else {
            summary_.id = value.get<std::string>();
          }
        } else {
          ScannedValue ignored;
          FC_RETURN_IF_ERROR(ScanValue(source_, 0, 0, ignored));
        }
        source_.SkipWhitespace();
        const int c = source_.Get();
        if (c == '}') break;
        if (c < 0) return Truncated(source_);
        if (c != ',') return At(source_.offset() - 1, Describe(c) + ", expected ',' or '}'");
      }
    }
    source_.SkipWhitespace();
    if (source_.Peek() >= 0) return At(source_.offset(), "unexpected data after the bundle");
    if (!type) return At(0, "'type' is missing");
    if (*type != "bundle") return At(0, fmt::format("'type' is '{}', expected 'bundle'", *type));
    summary_.bytes = source_.offset();
    Report();
    return summary_;
  }

 private:
  Status ReadObjects() {
    const int open = source_.Get();
    if (open < 0) return Truncated(source_);
    if (open != '[') return At(source_.offset() - 1, "'objects' must be an array");
    source_.SkipWhitespace();
    if (source_.Peek() == ']') {
      source_.Get();
      return OkStatus();
    }
    for (;;) {
      source_.SkipWhitespace();
      const std::uint64_t offset = source_.offset();
      ScannedValue value;
      FC_RETURN_IF_ERROR(ScanValue(source_, options_.max_object_bytes, options_.max_depth, value));
      BundleObject object{.index = summary_.objects,
                          .offset = offset,
                          .raw = value.bytes,
                          .json = ParseElement(value, summary_.objects, offset, options_)};
      FC_RETURN_IF_ERROR(on_object_(object));
      ++summary_.objects;
      if (source_.offset() - last_report_ >= options_.progress_interval_bytes) Report();
      source_.SkipWhitespace();
      const int c = source_.Get();
      if (c == ']') return OkStatus();
      if (c < 0) return Truncated(source_);
      if (c != ',') return At(source_.offset() - 1, Describe(c) + ", expected ',' or ']'");
    }
  }

  void Report() {
    last_report_ = source_.offset();
    if (on_progress_) on_progress_({source_.offset(), total_bytes_, summary_.objects});
  }

  ByteSource source_;
  std::uint64_t total_bytes_;
  const BundleReadOptions& options_;
  const BundleObjectHandler& on_object_;
  const BundleProgressHandler& on_progress_;
  BundleSummary summary_;
  std::uint64_t last_report_ = 0;
};

}  // namespace

Result<BundleSummary> ReadBundle(std::istream& in, std::uint64_t total_bytes,
                                 const BundleReadOptions& options,
                                 const BundleObjectHandler& on_object,
                                 const BundleProgressHandler& on_progress) {
  return BundleScanner(in, total_bytes, options, on_object, on_progress).Run();
}

Result<BundleSummary> ReadBundleFile(const std::filesystem::path& path,
                                     const BundleReadOptions& options,
                                     const BundleObjectHandler& on_object,
                                     const BundleProgressHandler& on_progress) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(fmt::format("cannot open bundle file {}", path.string()));
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ReadBundle(in, ec ? 0 : size, options, on_object, on_progress);
}

bool IsSingleJsonObject(std::string_view text) {
  std::size_t i = 0;
  auto skip_ws = [&] {
    while (i < text.size() &&
           (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
      ++i;
    }
  };
  skip_ws();
  if (i == text.size() || text[i] != '{') return false;
  std::int64_t depth = 0;
  bool in_string = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) break;
    }
  }
  if (depth != 0 || i == text.size()) return false;
  ++i;
  skip_ws();
  return i == text.size();
}

BundleWriter::BundleWriter(std::ostream& out, std::string bundle_id)
    : out_(out), bundle_id_(std::move(bundle_id)) {}

Status BundleWriter::Add(const Json& object) {
  if (!object.is_object()) return InvalidArgument("bundle: only JSON objects can be added");
  return WriteObjectText(DumpJson(object));
}

Status BundleWriter::AddRaw(std::string_view object_json) {
  if (!IsSingleJsonObject(object_json)) {
    return InvalidArgument("bundle: stored object text is not one JSON object");
  }
  return WriteObjectText(object_json);
}

Status BundleWriter::WriteObjectText(std::string_view text) {
  if (finished_) return FailedPrecondition("bundle: already finished");
  if (objects_ == 0) {
    out_ << R"({"type":"bundle","id":)" << DumpJson(bundle_id_) << R"(,"objects":[)" << '\n';
  } else {
    out_ << ",\n";
  }
  out_ << text;
  ++objects_;
  if (!out_) return Internal("bundle: write failed");
  return OkStatus();
}

Status BundleWriter::Finish() {
  if (finished_) return FailedPrecondition("bundle: already finished");
  finished_ = true;
  if (objects_ == 0) {
    out_ << R"({"type":"bundle","id":)" << DumpJson(bundle_id_) << "}\n";
  } else {
    out_ << "\n]}\n";
  }
  out_.flush();
  if (!out_) return Internal("bundle: write failed");
  return OkStatus();
}

}  // namespace fincyber::sharing
