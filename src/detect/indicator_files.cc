#include "detect/indicator_files.h"

#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "base/ascii.h"
#include "base/json.h"
#include "detect/internal/batch_pipeline.h"
#include "detect/internal/text_classes.h"
#include "stix/observable.h"
#include "stix/pattern.h"

namespace fincyber::detect {
namespace {

using internal::BatchPipeline;

constexpr std::size_t kFileReadBytes = 1 << 20;
constexpr std::size_t kMaxCsvFieldBytes = 64 * 1024;
// A batch of CSV rows or bundle objects ends at this many bytes, whatever its count, so
// that it is still in the cache when the other thread takes it (about 3,000 CSV rows or
// 900 bundle objects of a typical list).
constexpr std::size_t kMaxBatchBytes = std::size_t{256} << 10;
// Tables are sized ahead for at most this many indicators (about 150 MB), so that a file
// of empty lines does not reserve memory for rows it does not have; beyond it they grow.
constexpr std::size_t kMaxReservedIndicators = std::size_t{1} << 21;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// The warning for an object over IndicatorFileOptions::max_object_bytes, after its position.
std::string OversizedObject(std::size_t max_object_bytes) {
  return "an object larger than " + std::to_string(max_object_bytes) + " bytes was skipped";
}

// What a STIX bundle's objects come to, read by one thread at a time: simdjson's parser
// and the object paths of simple patterns, kept from object to object.
class BundleReader {
 public:
  // `position_unit` names what positions count in warnings: "byte" in a bundle.
  explicit BundleReader(const IndicatorFileOptions& options, const char* position_unit = "byte")
      : options_(options), position_unit_(position_unit) {
    // Sized for a typical object; grows (keeping the depth limit) for larger ones.
    fast_reader_ = parser_.allocate(4096, kFastMaxDepth) == simdjson::SUCCESS;
  }

  // `object` must be followed by SIMDJSON_PADDING readable bytes. A non-empty `warning`
  // is what the builder is to report instead.
  void Read(std::string_view object, std::uint64_t position,
            MatcherBuilder::PreparedStixObject* out, std::string* warning) {
    warning->clear();
    // simdjson reads a well-formed object several times faster than building a tree.
    // Whatever it refuses, and any object with a \u escape (a lone surrogate only
    // ParseJson refuses), goes to ParseJson, whose verdict and messages stand.
    if (fast_reader_ && object.find("\\u") == std::string_view::npos) {
      StixObjectFields fields;
      if (ReadFields(object, &fields)) {
        MatcherBuilder::PrepareStixObject(fields, options_.now_millis, paths_, out);
        return;
      }
    }
    auto parsed = ParseJson(object, JsonLimits{options_.max_object_bytes, 64});
    if (!parsed.ok()) {
      *warning = std::string(position_unit_) + " " + std::to_string(position) +
                 ": an object was skipped: " + parsed.error().safe_message();
      return;
    }
    MatcherBuilder::PrepareStixObject(StixObjectFieldsOf(*parsed), options_.now_millis, paths_,
                                      out);
  }

 private:
  // The properties of `object` that the builder reads; false when simdjson refuses it.
  // A repeated key counts with its last value, as in ParseJson.
  bool ReadFields(std::string_view object, StixObjectFields* fields) {
    simdjson::dom::element root;
    if (parser_.parse(object.data(), object.size(), false).get(root) != simdjson::SUCCESS) {
      return false;
    }
    simdjson::dom::object members;
    if (root.get_object().get(members) != simdjson::SUCCESS) return false;
    const auto string_of = [](simdjson::dom::element value) -> std::optional<std::string_view> {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
      return text;
    };
    // A comparison of constant length compiles to a few instructions where
    // std::string_view's == calls memcmp.
    const auto is = []<std::size_t N>(std::string_view text, const char(&name)[N]) {
      return text.size() == N - 1 && std::memcmp(text.data(), name, N - 1) == 0;
    };
    const auto string_is = [&]<std::size_t N>(simdjson::dom::element value, const char(&name)[N]) {
      const std::optional<std::string_view> text = string_of(value);
      return text && is(*text, name);
    };
    for (const simdjson::dom::key_value_pair field : members) {
      // By length first: most keys of an object are compared with one name at most.
      const std::string_view key = field.key;
      switch (key.size()) {
        case 2:
          if (is(key, "id")) fields->id = string_of(field.value);
          break;
        case 4:
          if (is(key, "type")) fields->is_indicator = string_is(field.value, "indicator");
          break;
        case 7:
          if (is(key, "pattern")) {
            fields->pattern = string_of(field.value);
          } else if (is(key, "revoked")) {
            bool revoked = false;
            fields->revoked = field.value.get_bool().get(revoked) == simdjson::SUCCESS && revoked;
          }
          break;
        case 8:
          if (is(key, "modified")) fields->modified = string_of(field.value);
          break;
        case 11:
          if (is(key, "valid_until")) fields->valid_until = string_of(field.value);
          break;
        case 12:
          if (is(key, "pattern_type")) {
            fields->has_pattern_type = true;
            fields->stix_pattern_type = string_is(field.value, "stix");
          }
          break;
        default:
          break;
      }
    }
    return true;
  }

  const IndicatorFileOptions& options_;
  const char* position_unit_;
  // Objects nested deeper than this go to ParseJson (64 levels), which decides them.
  static constexpr std::size_t kFastMaxDepth = 32;
  simdjson::dom::parser parser_{simdjson::SIMDJSON_MAXSIZE_BYTES};
  bool fast_reader_ = false;
  MatcherBuilder::SimplePaths paths_;
};

// Objects cut out of a bundle, with the byte each ends at (for messages), read in chunks
// by a BundleReader per thread, then added to the builder in order.
class BundleBatch {
 public:
  std::size_t size() const { return entries_.size(); }
  std::size_t bytes() const { return bytes_.size(); }

  void Clear() {
    bytes_.clear();
    entries_.clear();
  }

  // An object, or with `is_warning` what the builder is to report in the place of one.
  void Add(std::string_view text, std::uint64_t position, bool is_warning) {
    entries_.push_back({static_cast<std::uint32_t>(bytes_.size()),
                        static_cast<std::uint32_t>(text.size()), position, is_warning});
    bytes_.append(text);
  }

  void ReadyToPrepare() {
    if (outcomes_.size() < entries_.size()) outcomes_.resize(entries_.size());
    // simdjson reads up to SIMDJSON_PADDING bytes past an object's end.
    bytes_.reserve(bytes_.size() + simdjson::SIMDJSON_PADDING);
  }

  // Reads entries [begin, end); after ReadyToPrepare.
  void Read(BundleReader& reader, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const Entry& entry = entries_[i];
      if (entry.is_warning) {
        outcomes_[i].warning.assign(Text(entry));
      } else {
        reader.Read(Text(entry), entry.position, &outcomes_[i].object, &outcomes_[i].warning);
      }
    }
  }

  void AddTo(MatcherBuilder& builder) const {
    // The table slots of an indicator a few ahead are fetched while this one is added:
    // with a million indicators nearly every probe misses the cache.
    constexpr std::size_t kAhead = 8;
    const auto prefetch = [&](std::size_t i) {
      const MatcherBuilder::PreparedStixObject& object = outcomes_[i].object;
      if (outcomes_[i].warning.empty() && object.simple &&
          object.verdict == MatcherBuilder::PreparedStixObject::Verdict::kIndicator) {
        builder.Prefetch(object.prepared);
      }
    };
    for (std::size_t i = 0; i < entries_.size() && i < kAhead; ++i) prefetch(i);
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (i + kAhead < entries_.size()) prefetch(i + kAhead);
      if (!outcomes_[i].warning.empty()) {
        builder.Warn("", outcomes_[i].warning);
      } else {
        builder.AddPrepared(outcomes_[i].object);
      }
    }
  }

 private:
  struct Entry {
    std::uint32_t begin = 0;  // in bytes_
    std::uint32_t length = 0;
    std::uint64_t position = 0;
    bool is_warning = false;  // the bytes are a warning's text, not an object
  };
  struct Outcome {
    std::string warning;  // reported instead of the object when not empty
    MatcherBuilder::PreparedStixObject object;
  };
  std::string_view Text(const Entry& entry) const {
    return std::string_view(bytes_).substr(entry.begin, entry.length);
  }

  std::string bytes_;
  std::vector<Entry> entries_;
  std::vector<Outcome> outcomes_;  // per entry, after Read
};

// The bytes of a 64-byte block that a backslash escapes: the second of each pair in a run
// of backslashes, and the byte after an odd run. `carry` is set when the first byte of
// the next block is escaped. (simdjson's method: runs are told apart by whether they
// start on an odd or an even bit.)
std::uint64_t EscapedBytes(std::uint64_t backslashes, std::uint64_t* carry) {
  backslashes &= ~*carry;  // an escaped backslash escapes nothing
  const std::uint64_t follows_backslash = (backslashes << 1) | *carry;
  constexpr std::uint64_t kEvenBits = 0x5555555555555555ULL;
  const std::uint64_t odd_starts = backslashes & ~kEvenBits & ~follows_backslash;
  std::uint64_t even_starts = 0;
  *carry = __builtin_add_overflow(odd_starts, backslashes, &even_starts) ? 1 : 0;
  return (kEvenBits ^ (even_starts << 1)) & follows_backslash;
}

// Bit i set when an odd number of bits 0 to i of `x` are set.
std::uint64_t PrefixXor(std::uint64_t x) {
  for (int shift = 1; shift < 64; shift *= 2) x ^= x << shift;
  return x;
}

// Cuts the elements of the top-level "objects" array out of a bundle: strings and escapes
// are followed so that brackets inside them do not count. Inside the array, whole blocks
// of 64 bytes are skimmed through their bitmaps of quotes, backslashes and brackets; the
// rest goes byte by byte. Each object goes to the pipeline's batch, handed over when full.
class BundleSplitter {
 public:
  BundleSplitter(const IndicatorFileOptions& options,
                 BatchPipeline<BundleBatch, MatcherBuilder>& pipeline)
      : options_(options), pipeline_(pipeline), classify_(internal::BestClassifyJson()) {}

  Status Feed(std::string_view bytes) {
    const char* data = bytes.data();
    const std::size_t n = bytes.size();
    std::size_t capture_from = 0;  // where the captured object's bytes in `bytes` start
    std::size_t bytewise_until = 0;  // a block Skim left to this loop ends here
    for (std::size_t i = 0; i < n; ++i) {
      if (in_objects_ && !in_string_ && i >= bytewise_until && n - i >= 64) {
        Status skimmed = Skim(data, n, &i, &capture_from);
        if (!skimmed.ok()) return skimmed;
        if (i == n) break;
        bytewise_until = i + 64;
      }
      if (in_string_) {
        if (escaped_) {
          escaped_ = false;
          continue;
        }
        if (depth_ != 1) {
          // Inside an object only a quote or a backslash changes anything: the first
          // quote, then the first backslash before it, each found with memchr.
          const auto* quote = static_cast<const char*>(std::memchr(data + i, '"', n - i));
          const std::size_t limit = quote != nullptr ? static_cast<std::size_t>(quote - data) : n;
          const auto* backslash =
              static_cast<const char*>(std::memchr(data + i, '\\', limit - i));
          i = backslash != nullptr ? static_cast<std::size_t>(backslash - data) : limit;
          if (i == n) break;
        }
        const char c = data[i];
        if (c == '\\') {
          escaped_ = true;
        } else if (c == '"') {
          in_string_ = false;
          if (depth_ == 1) key_candidate_ = std::move(string_);
        } else if (string_.size() < 64) {
          string_.push_back(c);
        }
        continue;
      }
      const char c = data[i];
      switch (c) {
        case '"':
          in_string_ = true;
          string_.clear();
          break;
        case ':':
          if (depth_ == 1) key_ = key_candidate_;
          break;
        case ',':
          if (depth_ == 1) key_.clear();
          break;
        case '{':
        case '[':
          position_ = fed_ + i + 1;
          if (depth_ == 0 && c != '{') return NotABundle();
          if (depth_ == 0) seen_top_ = true;
          if (depth_ == 1 && c == '[' && key_ == "objects") {
            in_objects_ = true;
            seen_objects_ = true;
          }
          if (depth_ == 2 && in_objects_ && c == '{') StartObject(i, &capture_from);
          if (++depth_ > kMaxDepth) return TooDeep();
          break;
        case '}':
        case ']':
          position_ = fed_ + i + 1;
          if (depth_ == 0) return InvalidArgument(Where() + "unbalanced '" + std::string(1, c) + "'");
          --depth_;
          if (depth_ == 2 && capturing_) EndObject(data, capture_from, i);
          if (depth_ == 1) in_objects_ = false;
          break;
        default:
          if (depth_ == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            position_ = fed_ + i + 1;
            return NotABundle();
          }
          break;
      }
    }
    if (capturing_) {
      Capture(std::string_view(data + capture_from, n - capture_from));
      carried_ = true;
    }
    fed_ += n;
    position_ = fed_;
    return OkStatus();
  }

  Status Finish() const {
    if (!seen_top_) return NotABundle();
    if (depth_ != 0 || in_string_) {
      return InvalidArgument("the bundle is truncated (it ends inside " +
                             std::string(in_objects_ ? "the objects array" : "the bundle") +
                             "); the objects before the end were loaded");
    }
    if (!seen_objects_) return InvalidArgument("not a STIX bundle: no \"objects\" array");
    return OkStatus();
  }

 private:
  static constexpr int kMaxDepth = 10000;

  // Inside the objects array, outside a string: the brackets of whole blocks of 64 bytes
  // from data[*at] that are not in a string, with what the byte-by-byte path does at each.
  // Leaves *at at the first byte left to that path: the start of the last, partial block,
  // of a block with a backslash outside a string (invalid JSON, where the bitmaps would
  // take it for an escape), or the byte after the array's closing bracket.
  Status Skim(const char* data, std::size_t n, std::size_t* at, std::size_t* capture_from) {
    std::uint64_t escape_carry = 0;     // 1 when the block's first byte is escaped
    std::uint64_t in_string_carry = 0;  // all ones when the block starts inside a string
    std::size_t i = *at;
    for (; n - i >= 64; i += 64) {
      const internal::JsonMasks m = classify_(data + i);
      std::uint64_t next_escape_carry = escape_carry;
      const std::uint64_t escaped = EscapedBytes(m.backslashes, &next_escape_carry);
      const std::uint64_t in_string = PrefixXor(m.quotes & ~escaped) ^ in_string_carry;
      if ((m.backslashes & ~in_string) != 0) break;
      escape_carry = next_escape_carry;
      in_string_carry = in_string >> 63 != 0 ? ~std::uint64_t{0} : 0;
      std::uint64_t brackets = (m.opens | m.closes) & ~in_string;
      for (; brackets != 0; brackets &= brackets - 1) {
        const int bit = std::countr_zero(brackets);
        const std::size_t p = i + static_cast<std::size_t>(bit);
        position_ = fed_ + p + 1;
        if ((m.opens >> bit) & 1) {
          if (depth_ == 2 && ((m.object_opens >> bit) & 1)) StartObject(p, capture_from);
          if (++depth_ > kMaxDepth) return TooDeep();
          continue;
        }
        --depth_;
        if (depth_ == 2 && capturing_) EndObject(data, *capture_from, p);
        if (depth_ == 1) {
          in_objects_ = false;
          *at = p + 1;
          return OkStatus();
        }
      }
    }
    in_string_ = in_string_carry != 0;
    escaped_ = escape_carry != 0;
    *at = i;
    return OkStatus();
  }

  Status NotABundle() const {
    return InvalidArgument(Where() + "not a STIX bundle (expected a JSON object)");
  }
  Status TooDeep() const {
    return InvalidArgument("the bundle nests deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  std::string Where() const { return "byte " + std::to_string(position_) + ": "; }

  void StartObject(std::size_t at, std::size_t* capture_from) {
    capturing_ = true;
    carried_ = false;
    oversized_ = false;
    object_.clear();
    *capture_from = at;
  }

  // The object being captured ends at data[end]. One that began in this buffer goes to
  // the batch straight from it; one carried over from the buffer before is completed in
  // object_ first.
  void EndObject(const char* data, std::size_t capture_from, std::size_t end) {
    std::string_view text(data + capture_from, end + 1 - capture_from);
    if (carried_) {
      Capture(text);
      text = object_;
    } else if (text.size() > options_.max_object_bytes) {
      oversized_ = true;
    }
    capturing_ = false;
    BundleBatch& batch = pipeline_.filling();
    if (oversized_) {
      batch.Add(Where() + OversizedObject(options_.max_object_bytes), 0, true);
    } else {
      batch.Add(text, position_, false);
    }
    if (batch.size() >= std::max<std::size_t>(1, options_.batch_entries) ||
        batch.bytes() >= kMaxBatchBytes) {
      pipeline_.Next();
    }
  }

  // Keeps the bytes of an object that goes on past this buffer, up to max_object_bytes.
  void Capture(std::string_view bytes) {
    const std::size_t room =
        options_.max_object_bytes - std::min(options_.max_object_bytes, object_.size());
    if (bytes.size() > room) oversized_ = true;
    object_.append(bytes.substr(0, room));
  }

  const IndicatorFileOptions& options_;
  BatchPipeline<BundleBatch, MatcherBuilder>& pipeline_;
  const internal::ClassifyJsonFn classify_;
  std::uint64_t fed_ = 0;       // bytes of the earlier calls to Feed
  std::uint64_t position_ = 0;  // bytes up to the one being looked at, for messages
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;  // the next byte of the string is escaped
  bool seen_top_ = false;
  bool seen_objects_ = false;
  bool in_objects_ = false;
  bool capturing_ = false;
  bool carried_ = false;  // the object being captured began in an earlier buffer
  bool oversized_ = false;
  std::string string_;         // the string being read at depth 1 (a key, maybe)
  std::string key_candidate_;  // the last string at depth 1
  std::string key_;            // the key whose value is being read at depth 1
  std::string object_;         // the start of a captured object, carried between buffers
};

// CSV records, one at a time, from a buffer of kFileReadBytes. A record that lies whole in
// the buffer on one line without a quote (nearly every row of an indicator list) is cut
// with memchr; any other goes through the byte-by-byte state machine.
class CsvReader {
 public:
  explicit CsvReader(std::FILE* file) : file_(file), buffer_(kFileReadBytes) {}

  // False at the end. `line` is the 1-based line the record starts on. The fields stay
  // valid until the next call.
  Result<bool> Next(std::vector<std::string_view>* fields, std::uint64_t* line) {
    fields->clear();
    owned_.clear();
    int c = Get();
    while (c == '\r' || c == '\n' || c == '#') {
      if (c == '#') {  // a comment line
        while (c != EOF && c != '\n') c = Get();
      }
      if (c == '\n') ++line_;
      c = Get();
    }
    if (c == EOF) return false;
    *line = line_;
    if (SplitPlainLine(fields)) {
      for (const std::string_view field : *fields) {
        if (field.size() > kMaxCsvFieldBytes) return FieldTooLong(*line);
      }
      return true;
    }
    std::string field;
    bool quoted = false;
    bool was_quoted = false;
    while (true) {
      if (quoted) {
        if (c == EOF) return InvalidArgument("line " + std::to_string(*line) + ": unterminated quote");
        if (c == '"') {
          const int next = Get();
          if (next == '"') {
            field.push_back('"');
          } else {
            quoted = false;
            c = next;
            continue;
          }
        } else {
          if (c == '\n') ++line_;
          field.push_back(static_cast<char>(c));
        }
      } else if (c == '"' && field.empty() && !was_quoted) {
        quoted = was_quoted = true;
      } else if (c == ',' || c == '\n' || c == EOF) {
        if (c == EOF && owned_.empty() && field.empty()) return false;
        owned_.push_back(std::move(field));
        field.clear();
        was_quoted = false;
        if (c != ',') {
          if (c == '\n') ++line_;
          fields->assign(owned_.begin(), owned_.end());
          return true;
        }
      } else if (c != '\r') {
        field.push_back(static_cast<char>(c));
      }
      if (field.size() > kMaxCsvFieldBytes) return FieldTooLong(*line);
      c = Get();
    }
  }

 private:
  int Get() {
    if (position_ == filled_) {
      position_ = 0;
      filled_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
      if (filled_ == 0) return EOF;
    }
    return static_cast<unsigned char>(buffer_[position_++]);
  }

  // The record whose first byte Get() just returned, when the rest of its line is in the
  // buffer and holds no quote: its fields as the state machine would cut them (split at
  // commas, '\r' dropped), and the line consumed.
  // A '\r' is allowed only as the line's last byte (CRLF); one elsewhere takes the state
  // machine, which drops it.
  bool SplitPlainLine(std::vector<std::string_view>* fields) {
    const char* begin = buffer_.data() + position_ - 1;
    const char* end = buffer_.data() + filled_;
    const auto* newline =
        static_cast<const char*>(std::memchr(begin, '\n', static_cast<std::size_t>(end - begin)));
    if (newline == nullptr) return false;
    const char* line_end = newline > begin && newline[-1] == '\r' ? newline - 1 : newline;
    const auto length = static_cast<std::size_t>(line_end - begin);
    if (std::memchr(begin, '"', length) != nullptr || std::memchr(begin, '\r', length) != nullptr) {
      return false;
    }
    for (const char* field = begin;;) {
      const auto* comma = static_cast<const char*>(
          std::memchr(field, ',', static_cast<std::size_t>(line_end - field)));
      const char* field_end = comma != nullptr ? comma : line_end;
      fields->emplace_back(field, static_cast<std::size_t>(field_end - field));
      if (comma == nullptr) break;
      field = comma + 1;
    }
    position_ = static_cast<std::size_t>(newline + 1 - buffer_.data());
    ++line_;
    return true;
  }

  static Error FieldTooLong(std::uint64_t line) {
    return InvalidArgument("line " + std::to_string(line) + ": a field is longer than " +
                           std::to_string(kMaxCsvFieldBytes) + " bytes");
  }

  std::FILE* file_;
  std::vector<char> buffer_;
  std::vector<std::string> owned_;  // fields of a record read by the state machine
  std::size_t position_ = 0;
  std::size_t filled_ = 0;
  std::uint64_t line_ = 1;
};

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The STIX type and property path of each CSV type, parsed once per file.
constexpr std::array<std::string_view, 9> kCsvPaths = {
    "domain-name:value", "url:value",           "ipv4-addr:value",
    "ipv6-addr:value",   "email-addr:value",    "file:hashes.MD5",
    "file:hashes.'SHA-1'", "file:hashes.'SHA-256'", "file:hashes.'SHA-512'"};

std::vector<stix::ObservablePath> CsvPaths() {
  std::vector<stix::ObservablePath> paths;
  for (const std::string_view text : kCsvPaths) {
    paths.emplace_back(stix::ParseObjectPath(text).value());
  }
  return paths;
}

// The index in kCsvPaths of a CSV type name.
Result<std::size_t> CsvType(std::string_view type, std::string_view value) {
  const std::string_view trimmed = Trim(type);
  // Nearly every row names its type in lower case already: no copy then.
  const bool lower = std::none_of(trimmed.begin(), trimmed.end(),
                                  [](char c) { return c >= 'A' && c <= 'Z'; });
  const std::string lowered = lower ? std::string() : AsciiLower(trimmed);
  const std::string_view name = lower ? trimmed : std::string_view(lowered);
  const bool v6 = value.find(':') != std::string_view::npos;
  if (name == "domain" || name == "domain-name" || name == "hostname") return 0;
  if (name == "url" || name == "uri") return 1;
  if (name == "ipv4" || name == "ipv4-addr") return 2;
  if (name == "ipv6" || name == "ipv6-addr") return 3;
  if (name == "ip" || name == "cidr") return v6 ? 3 : 2;
  if (name == "email" || name == "email-addr") return 4;
  if (name == "md5") return 5;
  if (name == "sha1" || name == "sha-1") return 6;
  if (name == "sha256" || name == "sha-256") return 7;
  if (name == "sha512" || name == "sha-512") return 8;
  return InvalidArgument("unknown type '" + std::string(type.substr(0, 40)) + "'");
}

// Where a CSV list's columns are: from its header row, or type,value,id without one.
struct CsvColumns {
  std::size_t type = 0;
  std::size_t value = 1;
  std::size_t id = 2;  // SIZE_MAX: no id column
};

// CSV rows read on the loading thread, normalised in chunks (on both threads, see
// BatchPipeline, while the loading thread also reads the next batch and adds the one
// before), then added to the builder in file order. Every row's outcome depends on the row alone,
// so the builder receives the same calls in the same order whichever thread normalised it. Reused
// from batch to batch: its strings and Observables keep their storage.
class CsvBatch {
 public:
  std::size_t size() const { return rows_.size(); }
  std::size_t bytes() const { return bytes_.size(); }

  void Clear() {
    bytes_.clear();
    rows_.clear();
  }

  void Add(std::uint64_t line, const std::vector<std::string_view>& fields,
           const CsvColumns& columns) {
    Row& row = rows_.emplace_back();
    row.line = line;
    if (fields.size() <= std::max(columns.type, columns.value)) {
      row.short_row = true;
      return;
    }
    row.type = Keep(fields[columns.type]);
    row.value = Keep(Trim(fields[columns.value]));
    if (columns.id < fields.size()) row.id = Keep(Trim(fields[columns.id]));
  }

  void ReadyToPrepare() {
    if (observables_.size() < rows_.size()) observables_.resize(rows_.size());
    if (outcomes_.size() < rows_.size()) outcomes_.resize(rows_.size());
  }

  // Normalises rows [begin, end), after ReadyToPrepare; reads only the batch and `paths`.
  void Normalise(const std::vector<stix::ObservablePath>& paths, std::size_t begin,
                 std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const Row& row = rows_[i];
      Outcome& outcome = outcomes_[i];
      outcome.used = false;
      outcome.text.clear();
      if (row.short_row) continue;
      const std::string_view value = Text(row.value);
      auto type = CsvType(Text(row.type), value);
      if (!type.ok()) {
        outcome.text = NotUsed(row.line, type.error().safe_message());
        continue;
      }
      stix::Observable& observable = observables_[i];
      const Status normalised = paths[*type].NormaliseInto(value, &observable);
      if (!normalised.ok()) {
        outcome.text = NotUsed(row.line, normalised.error().safe_message());
        continue;
      }
      outcome.used = true;
      if (row.id.length != 0) {
        outcome.prepared = MatcherBuilder::Prepare(Text(row.id), observable);
      } else {
        // A row without an id is its own indicator, named by its type and value.
        const std::string_view type_name = Trim(Text(row.type));
        outcome.text.reserve(type_name.size() + 1 + observable.value.size());
        for (const char c : type_name) {
          outcome.text.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
        }
        outcome.text += ':';
        outcome.text += observable.value;
        outcome.prepared = MatcherBuilder::Prepare(outcome.text, observable);
      }
    }
  }

  // The rows, in order, as warnings or observables of the builder. After Normalise.
  void AddTo(MatcherBuilder& builder) const {
    // The table slots of a row a few ahead are fetched while this one is added: with a
    // million indicators nearly every probe misses the cache.
    constexpr std::size_t kAhead = 8;
    for (std::size_t i = 0; i < rows_.size() && i < kAhead; ++i) {
      if (outcomes_[i].used) builder.Prefetch(outcomes_[i].prepared);
    }
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      if (i + kAhead < rows_.size() && outcomes_[i + kAhead].used) {
        builder.Prefetch(outcomes_[i + kAhead].prepared);
      }
      const Row& row = rows_[i];
      const std::string_view id = Text(row.id);
      if (row.short_row) {
        builder.Warn(Where(row.line), "not used: expected type,value[,id]");
      } else if (!outcomes_[i].used) {
        builder.Warn(id.empty() ? Where(row.line) : std::string(id), outcomes_[i].text);
      } else {
        builder.AddObservable(id.empty() ? std::string_view(outcomes_[i].text) : id,
                              observables_[i], outcomes_[i].prepared);
      }
    }
  }

 private:
  // A field of a row: its bytes in bytes_.
  struct Span {
    std::uint32_t begin = 0;
    std::uint32_t length = 0;
  };
  struct Row {
    std::uint64_t line = 0;
    bool short_row = false;  // fewer fields than the columns named
    Span type;
    Span value;
    Span id;
  };
  // A row used: `text` is the indicator name of a row without an id ("type:value"),
  // empty otherwise. A row not used: `text` says why.
  struct Outcome {
    bool used = false;
    std::string text;
    MatcherBuilder::Prepared prepared;  // when used
  };

  Span Keep(std::string_view field) {
    const Span span{static_cast<std::uint32_t>(bytes_.size()),
                    static_cast<std::uint32_t>(field.size())};
    bytes_.append(field);
    return span;
  }
  std::string_view Text(Span span) const {
    return std::string_view(bytes_).substr(span.begin, span.length);
  }
  static std::string Where(std::uint64_t line) { return "line " + std::to_string(line); }
  static std::string NotUsed(std::uint64_t line, const std::string& why) {
    return "not used: " + Where(line) + ": " + why;
  }

  std::string bytes_;
  std::vector<Row> rows_;
  // Per row after Normalise.
  std::vector<stix::Observable> observables_;
  std::vector<Outcome> outcomes_;
};

// A header row names `type` and `value`; false for a data row. InvalidArgument for a
// header naming only one of them.
Result<bool> ReadCsvHeader(std::vector<std::string_view>& fields, CsvColumns* columns) {
  if (!fields.empty() && fields[0].starts_with("\xEF\xBB\xBF")) fields[0].remove_prefix(3);
  std::vector<std::string> names;
  for (const std::string_view f : fields) names.push_back(AsciiLower(Trim(f)));
  const auto type_it = std::find(names.begin(), names.end(), "type");
  const auto value_it = std::find(names.begin(), names.end(), "value");
  if (type_it == names.end() && value_it == names.end()) return false;
  if (type_it == names.end() || value_it == names.end()) {
    return InvalidArgument("line 1: the header must name both 'type' and 'value'");
  }
  columns->type = static_cast<std::size_t>(type_it - names.begin());
  columns->value = static_cast<std::size_t>(value_it - names.begin());
  const auto id_it = std::find(names.begin(), names.end(), "id");
  columns->id = id_it == names.end() ? SIZE_MAX : static_cast<std::size_t>(id_it - names.begin());
  return true;
}

// Reads rows in batches; with two threads a batch is normalised on a second thread while
// the next one is read and the one before is added. A read error (an unterminated quote,
// a field too long) ends the load after the rows before it are added, as with one thread.
Status LoadCsv(std::FILE* file, const IndicatorFileOptions& options, MatcherBuilder& builder) {
  CsvReader reader(file);
  const std::vector<stix::ObservablePath> paths = CsvPaths();
  const std::size_t batch_rows = std::max<std::size_t>(1, options.batch_entries);
  std::vector<std::string_view> fields;
  std::uint64_t line = 0;
  CsvColumns columns;
  BatchPipeline<CsvBatch, MatcherBuilder> pipeline(
      options.threads,
      [&paths](CsvBatch& batch, std::size_t begin, std::size_t end, int) {
        batch.Normalise(paths, begin, end);
      },
      builder);

  FC_ASSIGN_OR_RETURN(bool more, reader.Next(&fields, &line));
  if (!more) return OkStatus();
  FC_ASSIGN_OR_RETURN(const bool header, ReadCsvHeader(fields, &columns));
  if (!header) pipeline.filling().Add(line, fields, columns);
  Status read_status = OkStatus();
  while (more) {
    CsvBatch& batch = pipeline.filling();
    while (batch.size() < batch_rows && batch.bytes() < kMaxBatchBytes) {
      auto next = reader.Next(&fields, &line);
      if (!next.ok()) read_status = std::move(next).error();
      more = next.ok() && *next;
      if (!more) break;
      batch.Add(line, fields, columns);
    }
    if (more) pipeline.Next();
  }
  pipeline.Finish();
  return read_status;
}

// Objects are cut out on the loading thread and read in batches, on both threads with two
// (each with its own reader); a malformed bundle ends the load after the objects before the problem
// are added.
Status LoadBundle(const std::string& path, std::FILE* file, const IndicatorFileOptions& options,
                  MatcherBuilder& builder) {
  std::array<BundleReader, 2> readers = {BundleReader(options), BundleReader(options)};
  BatchPipeline<BundleBatch, MatcherBuilder> pipeline(
      options.threads,
      [&readers](BundleBatch& batch, std::size_t begin, std::size_t end, int thread) {
        batch.Read(readers[thread], begin, end);
      },
      builder);
  BundleSplitter splitter(options, pipeline);
  std::string buffer(kFileReadBytes, '\0');
  buffer[0] = '{';
  std::size_t n = 1 + std::fread(buffer.data() + 1, 1, kFileReadBytes - 1, file);
  while (n > 0) {
    Status fed = splitter.Feed(std::string_view(buffer.data(), n));
    if (!fed.ok()) {
      pipeline.Finish();
      return InvalidArgument(path + ": " + fed.error().safe_message());
    }
    n = std::fread(buffer.data(), 1, kFileReadBytes, file);
  }
  pipeline.Finish();
  if (std::ferror(file)) return Unavailable("read failed: " + path);
  Status finished = splitter.Finish();
  if (!finished.ok()) return InvalidArgument(path + ": " + finished.error().safe_message());
  return OkStatus();
}

// How often `needle` ("\n", or a key of 2 to 16 bytes) begins in [begin, end) of the
// regular file `fd`.
std::size_t CountOccurrences(int fd, off_t begin, off_t end, std::string_view needle) {
  std::string buffer(kFileReadBytes + needle.size(), '\0');
  std::size_t kept = 0;  // bytes carried over that may start an occurrence
  std::size_t count = 0;
  off_t offset = begin;  // of the next byte to read
  // One that begins before `end` may run past it; none read whole begins at or after it.
  const off_t read_end = end + static_cast<off_t>(needle.size()) - 1;
  while (offset < read_end) {
    const ssize_t n =
        pread(fd, buffer.data() + kept, std::min<off_t>(kFileReadBytes, read_end - offset), offset);
    if (n <= 0) return count;
    offset += n;
    const std::size_t filled = kept + static_cast<std::size_t>(n);
    // The kept bytes are shorter than the needle, so no occurrence is counted twice.
    count += needle == "\n" ? internal::CountNewlines(buffer.data() + kept, filled - kept)
                            : internal::CountNeedle(buffer.data(), filled, needle);
    kept = std::min(needle.size() - 1, filled);
    std::memmove(buffer.data(), buffer.data() + filled - kept, kept);
  }
  return count;
}

// How often `needle` occurs in the regular file `fd` of `size` bytes, on two threads
// when `threads` allows and the file is large enough to pay for the second: the count
// is read ahead of loading, while the loading threads wait.
std::size_t CountOccurrences(int fd, off_t size, std::string_view needle, int threads) {
  constexpr off_t kSplitFrom = off_t{16} << 20;
  if (threads > 1 && size >= kSplitFrom) {
    const off_t middle = size / 2;
    std::size_t second_half = 0;
    try {
      std::thread other([&] { second_half = CountOccurrences(fd, middle, size, needle); });
      const std::size_t first_half = CountOccurrences(fd, 0, middle, needle);
      other.join();
      return first_half + second_half;
    } catch (const std::system_error&) {
      // No thread to be had: count on this one.
    }
  }
  return CountOccurrences(fd, 0, size, needle);
}

Status LoadFile(const std::string& path, const IndicatorFileOptions& options,
                MatcherBuilder& builder) {
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) return NotFound("cannot read " + path + ": " + std::strerror(errno));
  int first = std::getc(file.get());
  while (first == ' ' || first == '\t' || first == '\r' || first == '\n') first = std::getc(file.get());
  if (first == 0xEF) {  // a UTF-8 byte order mark
    std::getc(file.get());
    std::getc(file.get());
    first = std::getc(file.get());
  }
  // Sizing the tables once from a count read ahead (a line per CSV row, a "pattern" key
  // per indicator: upper bounds) is cheaper than growing and rehashing them, and a size
  // guess from the file's bytes left either rehashes or spare capacity in the matcher.
  struct stat status {};
  if (fstat(fileno(file.get()), &status) == 0 && S_ISREG(status.st_mode)) {
    const std::size_t count = CountOccurrences(
        fileno(file.get()), status.st_size, first == '{' ? "\"pattern\"" : "\n", options.threads);
    builder.Reserve(std::min(count + 1, kMaxReservedIndicators));
  }
  if (first != '{') {
    std::rewind(file.get());
    Status loaded = LoadCsv(file.get(), options, builder);
    if (!loaded.ok()) return loaded.error().WithContext(path);
    return OkStatus();
  }
  return LoadBundle(path, file.get(), options, builder);
}

}  // namespace

struct StixObjectLoader::State {
  State(const IndicatorFileOptions& options, MatcherBuilder& builder)
      : reader(options, "object"), options(options), builder(builder) {}
  BundleReader reader;
  const IndicatorFileOptions& options;
  MatcherBuilder& builder;
  std::string padded;  // the object and simdjson's padding
  MatcherBuilder::PreparedStixObject prepared;
  std::string warning;
  std::uint64_t objects = 0;
};

StixObjectLoader::StixObjectLoader(const IndicatorFileOptions& options, MatcherBuilder& builder)
    : state_(std::make_unique<State>(options, builder)) {}

StixObjectLoader::~StixObjectLoader() = default;

void StixObjectLoader::Add(std::string_view object_json) {
  State& s = *state_;
  ++s.objects;
  if (object_json.size() > s.options.max_object_bytes) {
    s.builder.Warn("", "object " + std::to_string(s.objects) + ": " +
                           OversizedObject(s.options.max_object_bytes));
    return;
  }
  s.padded.reserve(object_json.size() + simdjson::SIMDJSON_PADDING);
  s.padded.assign(object_json);
  s.reader.Read(std::string_view(s.padded), s.objects, &s.prepared, &s.warning);
  if (s.warning.empty()) {
    s.builder.AddPrepared(s.prepared);
  } else {
    s.builder.Warn("", s.warning);
  }
}

Status LoadIndicatorFile(const std::string& path, const IndicatorFileOptions& options,
                         MatcherBuilder& builder) {
  try {
    return LoadFile(path, options, builder);
  } catch (const std::bad_alloc&) {
    return ResourceExhausted(path + ": not enough memory to load the indicators");
  }
}

}  // namespace fincyber::detect
