#include "detect/scan.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "detect/internal/followed_file.h"
#include "detect/internal/text_classes.h"

namespace fincyber::detect {
namespace {

constexpr std::size_t kReadBytes = std::size_t{4} << 20;
constexpr std::size_t kFlushMatches = 256;

std::string Describe(int error_number) { return std::strerror(error_number); }

// A stream of bytes; Read returns 0 at the end.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual Result<std::size_t> Read(char* out, std::size_t capacity) = 0;
};

// A file descriptor from a position (pread for regular files, so threads can share one).
// When `stop` is set, reading ends: as the end of the input when `stop_is_end`, otherwise
// as an error.
class FileSource final : public ByteSource {
 public:
  FileSource(int fd, bool seekable, std::uint64_t position, std::atomic<std::uint64_t>* counter,
             const std::atomic<bool>* stop, bool stop_is_end)
      : fd_(fd), seekable_(seekable), position_(position), counter_(counter), stop_(stop),
        stop_is_end_(stop_is_end) {}

  Result<std::size_t> Read(char* out, std::size_t capacity) override {
    while (true) {
      if (stop_ != nullptr && !seekable_) {
        // A pipe may stay silent for long: wait in slices so that a stop is seen.
        pollfd ready{fd_, POLLIN, 0};
        while (!Stopped() && ::poll(&ready, 1, 100) == 0) {
        }
      }
      if (Stopped()) {
        if (stop_is_end_) return std::size_t{0};
        return Unavailable("the scan was stopped before the end");
      }
      const ssize_t n = seekable_ ? ::pread(fd_, out, capacity, static_cast<off_t>(position_))
                                  : ::read(fd_, out, capacity);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Unavailable("read failed: " + Describe(errno));
      position_ += static_cast<std::uint64_t>(n);
      if (counter_ != nullptr) counter_->fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
      return static_cast<std::size_t>(n);
    }
  }

 private:
  bool Stopped() const { return stop_ != nullptr && stop_->load(std::memory_order_relaxed); }

  int fd_;
  bool seekable_;
  std::uint64_t position_;
  std::atomic<std::uint64_t>* counter_;
  const std::atomic<bool>* stop_;
  bool stop_is_end_;
};

// Bytes held in memory.
class MemorySource final : public ByteSource {
 public:
  MemorySource(std::string_view text, std::atomic<std::uint64_t>* counter)
      : rest_(text), counter_(counter) {}
  Result<std::size_t> Read(char* out, std::size_t capacity) override {
    const std::size_t n = std::min(capacity, rest_.size());
    std::memcpy(out, rest_.data(), n);
    rest_.remove_prefix(n);
    if (counter_ != nullptr) counter_->fetch_add(n, std::memory_order_relaxed);
    return n;
  }

 private:
  std::string_view rest_;
  std::atomic<std::uint64_t>* counter_;
};

// A followed file (see internal/followed_file.h) as a byte stream: its end is a rotation,
// a truncation or the stop.
class FollowSource final : public ByteSource {
 public:
  FollowSource(internal::FollowedFile& file, std::atomic<std::uint64_t>* counter)
      : file_(file), counter_(counter) {}
  Result<std::size_t> Read(char* out, std::size_t capacity) override {
    FC_ASSIGN_OR_RETURN(const std::size_t n, file_.Read(out, capacity));
    if (counter_ != nullptr) counter_->fetch_add(n, std::memory_order_relaxed);
    return n;
  }

 private:
  internal::FollowedFile& file_;
  std::atomic<std::uint64_t>* counter_;
};

// gzip (RFC 1952), several members one after another as `cat a.gz b.gz` makes them.
class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(ByteSource& raw) : raw_(raw), input_(kInputBytes) {}
  ~GzipSource() override {
    if (initialised_) inflateEnd(&stream_);
  }

  Result<std::size_t> Read(char* out, std::size_t capacity) override {
    if (pending_error_) return *pending_error_;
    capacity = std::min<std::size_t>(capacity, 1u << 30);  // zlib counts in 32 bits
    auto produced = Inflate(out, capacity);
    if (produced.ok()) return produced;
    // Deliver what was decompressed before the problem; report it on the next call.
    if (stream_.avail_out < capacity) {
      pending_error_ = std::move(produced).error();
      return capacity - stream_.avail_out;
    }
    return produced;
  }

 private:
  Result<std::size_t> Inflate(char* out, std::size_t capacity) {
    if (!initialised_) {
      stream_ = {};
      if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK) return Internal("zlib inflateInit2 failed");
      initialised_ = true;
    }
    stream_.next_out = reinterpret_cast<Bytef*>(out);
    stream_.avail_out = static_cast<uInt>(capacity);
    while (stream_.avail_out > 0 && !finished_) {
      if (stream_.avail_in == 0) {
        // Hand over what is decompressed before reading on: a followed file may not have
        // more for a long time.
        if (stream_.avail_out < capacity) break;
        FC_ASSIGN_OR_RETURN(const std::size_t n, raw_.Read(input_.data(), input_.size()));
        if (n == 0) {
          if (member_started_) {
            return InvalidArgument("truncated gzip data: the file ends inside a compressed stream");
          }
          finished_ = true;
          break;
        }
        stream_.next_in = reinterpret_cast<Bytef*>(input_.data());
        stream_.avail_in = static_cast<uInt>(n);
      }
      if (!member_started_) {
        // Another member must start with the gzip magic; anything else is not gzip data.
        if (stream_.avail_in >= 1 && stream_.next_in[0] != 0x1F) {
          return InvalidArgument("data after the end of the gzip stream is not gzip");
        }
        member_started_ = true;
      }
      const int rc = inflate(&stream_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_started_ = false;
        inflateReset(&stream_);
        continue;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return InvalidArgument(std::string("corrupt gzip data: ") +
                               (stream_.msg != nullptr ? stream_.msg : "inflate failed"));
      }
    }
    return capacity - stream_.avail_out;
  }

  static constexpr std::size_t kInputBytes = 256 * 1024;
  ByteSource& raw_;
  std::vector<char> input_;
  z_stream stream_{};
  bool initialised_ = false;
  bool member_started_ = false;
  bool finished_ = false;
  std::optional<Error> pending_error_;
};

struct LineStats {
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;
  std::uint64_t over_long = 0;
};

// Calls on_line(line, offset) for each line of `source` (without '\n' and a '\r' before
// it), `first_offset` being the offset of the first byte read. With `skip_partial`, the
// bytes up to the first '\n' belong to the previous chunk. Lines starting at or after
// `stop_at` are not read. Lines longer than max_line are counted, not passed.
// Before the lines of each read are passed, on_lines(lines) sees them together (whole
// lines, each with its '\n') and returns either nullptr, when every line is to be passed,
// or offsets within `lines`, ascending: a line then is passed only when one lies in it,
// and counted otherwise.
template <typename OnLine, typename OnLines>
Status ForEachLine(ByteSource& source, std::vector<char>& buffer, std::size_t max_line,
                   std::uint64_t first_offset, bool skip_partial, std::uint64_t stop_at,
                   LineStats* stats, const OnLine& on_line, const OnLines& on_lines) {
  char* data = buffer.data();
  const std::size_t capacity = buffer.size();
  std::size_t filled = 0;
  std::uint64_t buffer_offset = first_offset;
  bool discarding = skip_partial;  // inside a line that is not ours or too long
  bool rest_of_long_line = false;  // discarding the rest of a line counted as too long
  auto index_of = [&](const void* byte) {
    return static_cast<std::size_t>(static_cast<const char*>(byte) - data);
  };
  // A line [begin, end) and its '\n' (none for the last line of the input); false: past
  // stop_at.
  auto emit = [&](std::size_t begin, std::size_t end, bool pass, bool ended = true) -> bool {
    const std::uint64_t offset = buffer_offset + begin;
    if (offset >= stop_at) return false;
    ++stats->lines;
    stats->bytes += end - begin + (ended ? 1 : 0);
    if (end - begin > max_line) {
      ++stats->over_long;
      return true;
    }
    if (!pass) return true;
    std::size_t content_end = end;
    if (content_end > begin && data[content_end - 1] == '\r') --content_end;
    on_line(std::string_view(data + begin, content_end - begin), offset);
    return true;
  };
  while (true) {
    FC_ASSIGN_OR_RETURN(const std::size_t n, source.Read(data + filled, capacity - filled));
    filled += n;
    const bool at_end = n == 0;
    std::size_t position = 0;
    if (discarding) {
      const void* newline = std::memchr(data, '\n', filled);
      const std::size_t skipped = newline != nullptr ? index_of(newline) : filled;
      if (rest_of_long_line) stats->bytes += skipped;
      if (newline != nullptr) {
        discarding = false;
        rest_of_long_line = false;
        position = skipped + 1;
      }
    }
    // The whole lines read, up to the last one that starts before stop_at.
    const std::size_t lines_begin = position;
    std::size_t lines_end = position;
    if (!discarding && position < filled) {
      const void* last = memrchr(data + position, '\n', filled - position);
      if (last != nullptr) lines_end = index_of(last) + 1;
      if (stop_at <= buffer_offset + lines_begin) {
        lines_end = lines_begin;
      } else if (stop_at - buffer_offset < lines_end) {
        const std::size_t last_start = static_cast<std::size_t>(stop_at - buffer_offset) - 1;
        lines_end = index_of(std::memchr(data + last_start, '\n', lines_end - last_start)) + 1;
      }
    }
    const std::vector<std::uint32_t>* candidates = nullptr;
    if (lines_end > lines_begin) {
      candidates = on_lines(std::string_view(data + lines_begin, lines_end - lines_begin));
    }
    std::size_t next_candidate = 0;
    while (position < filled) {
      if (candidates != nullptr && position < lines_end) {
        // Lines up to the one holding the next candidate are only counted, many at once.
        while (next_candidate < candidates->size() &&
               (*candidates)[next_candidate] + lines_begin < position) {
          ++next_candidate;
        }
        std::size_t quiet_end = lines_end;
        if (next_candidate < candidates->size()) {
          const std::size_t candidate = (*candidates)[next_candidate] + lines_begin;
          const void* before = memrchr(data + position, '\n', candidate - position);
          quiet_end = before == nullptr ? position : index_of(before) + 1;
        }
        if (quiet_end - position > max_line + 1) {  // in steps that no line can outgrow
          const void* newline = memrchr(data + position, '\n', max_line + 1);
          quiet_end = newline == nullptr ? position : index_of(newline) + 1;
        }
        if (quiet_end > position) {
          stats->lines += internal::CountNewlines(data + position, quiet_end - position);
          stats->bytes += quiet_end - position;
          position = quiet_end;
          continue;
        }
      }
      const void* newline = std::memchr(data + position, '\n', filled - position);
      if (newline == nullptr) break;
      const auto end = static_cast<std::size_t>(static_cast<const char*>(newline) - data);
      bool pass = true;
      if (candidates != nullptr && end < lines_end) {
        while (next_candidate < candidates->size() &&
               (*candidates)[next_candidate] + lines_begin < position) {
          ++next_candidate;
        }
        pass = next_candidate < candidates->size() &&
               (*candidates)[next_candidate] + lines_begin < end;
      }
      if (!emit(position, end, pass)) return OkStatus();
      position = end + 1;
    }
    if (at_end) {
      if (position < filled && !discarding) emit(position, filled, true, false);
      return OkStatus();
    }
    if (discarding) {
      position = filled;
    } else if (filled - position > max_line) {
      // Too long to keep: count it now, then skip to its end.
      if (!emit(position, filled, true)) return OkStatus();
      discarding = true;
      rest_of_long_line = true;
      position = filled;
    }
    std::memmove(data, data + position, filled - position);
    filled -= position;
    buffer_offset += position;
  }
}

// A record of these formats is the whole line, read as free text (RecordReader::Read).
bool IsFreeTextFormat(LogFormat format) {
  return format == LogFormat::kText || format == LogFormat::kSquid || format == LogFormat::kClf ||
         format == LogFormat::kBind;
}

bool IsGzipMagic(const unsigned char* bytes, std::size_t n) {
  return n >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;
}

// One unit of work: a whole input, or a byte range of a plain file.
struct WorkItem {
  std::size_t input = 0;
  bool whole = true;
  std::uint64_t chunk = 0;  // index of the range within its input
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

struct InputState {
  std::string path;
  bool is_stdin = false;
  std::optional<std::string_view> text;  // an input held in memory, read whole
  bool seekable = false;
  std::uint64_t size = 0;
  std::uint64_t chunks = 0;     // 0: read whole
  LogFormat chunk_format = LogFormat::kText;  // of a split file, decided before reading
  std::uint64_t next_chunk_to_write = 0;
  std::uint64_t line_base = 0;  // lines in the chunks already written
  struct ChunkResult {
    std::vector<Match> matches;
    std::uint64_t lines = 0;
  };
  std::map<std::uint64_t, ChunkResult> finished;  // chunks done, waiting for earlier ones
};

class Scanner {
 public:
  Scanner(MatcherSlot& matchers, const std::vector<std::string>& inputs, const ScanOptions& options,
          MatchSink& sink, const Clock& clock, ScanControl* control,
          std::optional<std::string_view> text = std::nullopt)
      : matchers_(matchers),
        options_(options),
        sink_(sink),
        clock_(clock),
        control_(control),
        tally_(control != nullptr ? control->sightings : own_tally_) {
    summary_.inputs.resize(inputs.size());
    states_.resize(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      summary_.inputs[i].name = inputs[i];
      states_[i].path = inputs[i];
      states_[i].is_stdin = inputs[i] == "-";
      states_[i].text = text;
    }
  }

  ScanSummary Run() {
    Plan();
    // A followed input holds its thread until the end.
    const int wanted = options_.follow ? std::max<int>(options_.threads, static_cast<int>(items_.size()))
                                       : options_.threads;
    const int threads = std::max(1, std::min<int>(wanted, static_cast<int>(items_.size())));
    std::vector<std::thread> workers;
    for (int t = 1; t < threads; ++t) workers.emplace_back([this] { Work(); });
    Work();
    for (std::thread& worker : workers) worker.join();
    summary_.sightings = tally_.Snapshot();
    for (const InputSummary& input : summary_.inputs) {
      summary_.bytes += input.bytes;
      summary_.lines += input.lines;
      summary_.over_long_lines += input.over_long_lines;
      summary_.matches += input.matches;
    }
    return std::move(summary_);
  }

 private:
  struct Seen {
    std::uint64_t count = 0;
    std::int64_t first_millis = 0;
    std::int64_t last_millis = 0;
  };
  struct Worker {
    Worker(MatcherSlot& slot, std::size_t buffer_bytes) : buffer(buffer_bytes) { Take(slot); }
    void Take(MatcherSlot& slot) {
      // The generation first: a swap in between is seen at the next record.
      generation = slot.generation();
      matcher = slot.Current();
      record_matcher.emplace(*matcher);
    }
    std::uint64_t generation = 0;
    std::shared_ptr<const Matcher> matcher;
    std::optional<RecordMatcher> record_matcher;
    std::vector<char> buffer;
    std::unordered_map<std::uint32_t, Seen> sightings;  // by indicator index of `matcher`
  };

  // Moves a worker's sightings to the tally, by indicator id.
  void MergeSightings(Worker& worker) {
    for (const auto& [indicator, seen] : worker.sightings) {
      tally_.Merge(IndicatorSighting{worker.matcher->IndicatorId(indicator), seen.count,
                                     seen.first_millis, seen.last_millis});
    }
    worker.sightings.clear();
  }

  // Decides which inputs are split into ranges; opens nothing that stays open.
  void Plan() {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < states_.size(); ++i) {
      InputState& state = states_[i];
      if (state.is_stdin || state.text) {
        items_.push_back(WorkItem{i});
        continue;
      }
      struct stat info {};
      if (::stat(state.path.c_str(), &info) != 0) {
        if (options_.follow && errno == ENOENT) {  // waited for
          items_.push_back(WorkItem{i});
          continue;
        }
        summary_.inputs[i].error = NotFound("cannot read " + state.path + ": " + Describe(errno));
        continue;
      }
      if (S_ISDIR(info.st_mode)) {
        summary_.inputs[i].error = InvalidArgument(state.path + " is a directory");
        continue;
      }
      state.seekable = S_ISREG(info.st_mode);
      if (state.seekable) {
        state.size = static_cast<std::uint64_t>(info.st_size);
        total += state.size;
      }
      const bool splittable = !options_.follow && state.seekable && options_.threads > 1 &&
                              state.size > options_.chunk_bytes && PlainNonZeek(i);
      if (!splittable) {
        items_.push_back(WorkItem{i});
        continue;
      }
      state.chunks = (state.size + options_.chunk_bytes - 1) / options_.chunk_bytes;
      for (std::uint64_t c = 0; c < state.chunks; ++c) {
        const std::uint64_t begin = c * options_.chunk_bytes;
        items_.push_back(WorkItem{i, false, c, begin, std::min(state.size, begin + options_.chunk_bytes)});
      }
    }
    if (control_ != nullptr) control_->bytes_total = total;
  }

  // A plain (not gzip) file whose format allows reading from the middle; sets its format.
  bool PlainNonZeek(std::size_t input) {
    const int fd = ::open(states_[input].path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    std::vector<char> head(64 * 1024);
    const ssize_t n = ::pread(fd, head.data(), head.size(), 0);
    ::close(fd);
    if (n <= 0) return false;
    const auto* bytes = reinterpret_cast<const unsigned char*>(head.data());
    if (IsGzipMagic(bytes, static_cast<std::size_t>(n))) return false;
    std::string_view first(head.data(), static_cast<std::size_t>(n));
    first = first.substr(0, first.find('\n'));
    const LogFormat format =
        options_.format == LogFormat::kAuto ? DetectLogFormat(first) : options_.format;
    states_[input].chunk_format = format;
    return !NeedsHeader(format);
  }

  void Work() {
    Worker worker(matchers_, options_.max_line_bytes + kReadBytes);
    while (true) {
      std::size_t index = 0;
      {
        std::unique_lock lock(mutex_);
        if (next_item_ >= items_.size()) break;
        index = next_item_++;
        const WorkItem& item = items_[index];
        // Bound the results held for in-order writing: do not run far ahead of the
        // oldest unwritten chunk of the same input.
        const std::uint64_t window = 2 * static_cast<std::uint64_t>(std::max(1, options_.threads));
        written_.wait(lock, [&] {
          return item.whole || item.chunk < states_[item.input].next_chunk_to_write + window;
        });
      }
      ScanItem(items_[index], worker);
    }
  }

  const std::atomic<bool>* StopFlag() const { return control_ != nullptr ? &control_->stop : nullptr; }

  void ScanItem(const WorkItem& item, Worker& worker) {
    const InputState& state = states_[item.input];
    if (!options_.follow || state.is_stdin || state.text || control_ == nullptr) {
      // How it ended is in the summary.
      static_cast<void>(ScanPass(item, worker, nullptr));
      return;
    }
    internal::FollowedFile file(states_[item.input].path, options_.follow_poll, control_->stop);
    while (file.Open()) {
      const Status status = ScanPass(item, worker, &file);
      if (status.ok()) continue;
      if (file.stopped()) break;  // the summary has the error
      if (control_->on_input_error) control_->on_input_error(states_[item.input].path, status.error());
      // The rest of a file that failed is not readable: wait for the next one.
      while (true) {
        auto skipped = file.Read(worker.buffer.data(), worker.buffer.size());
        if (!skipped.ok() || *skipped == 0) break;
      }
    }
  }

  // Reads an item (or, when following, the followed path's current file) to its end.
  // Returns how reading ended; the summary has the first error of the input.
  Status ScanPass(const WorkItem& item, Worker& worker, internal::FollowedFile* followed) {
    InputState& state = states_[item.input];
    const bool opens_file = followed == nullptr && !state.is_stdin && !state.text;
    int fd = STDIN_FILENO;
    if (opens_file) {
      fd = ::open(state.path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        std::lock_guard lock(mutex_);
        InputSummary& summary = summary_.inputs[item.input];
        if (!summary.error) summary.error = NotFound("cannot read " + state.path + ": " + Describe(errno));
        if (!item.whole) FinishChunk(state, item.chunk, {});
        return summary.error.value();
      }
    }
    std::atomic<std::uint64_t>* counter = control_ != nullptr ? &control_->bytes_read : nullptr;
    const bool skip_partial = !item.whole && item.begin > 0;
    const std::uint64_t first = skip_partial ? item.begin - 1 : item.begin;
    FileSource plain(fd, state.seekable, first, counter, StopFlag(), options_.follow);
    std::optional<FollowSource> following;
    std::optional<MemorySource> memory;
    ByteSource* opened = &plain;
    if (followed != nullptr) opened = &following.emplace(*followed, counter);
    if (state.text) opened = &memory.emplace(*state.text, counter);
    ByteSource& file = *opened;
    std::unique_ptr<GzipSource> gzip;
    ByteSource* source = &file;
    std::vector<Match> matches;
    std::uint64_t match_count = 0;
    LineStats stats;
    std::optional<RecordReader> reader;
    LogFormat format = options_.format;
    if (!item.whole) format = state.chunk_format;
    Status read = OkStatus();
    PeekSource peek(file);
    if (item.whole) {
      // Peek at the first bytes: gzip is recognised by its magic number, not its name.
      auto head = peek.Fill();
      if (!head.ok()) {
        read = std::move(head).error();
      } else {
        const bool is_gzip = IsGzipMagic(reinterpret_cast<const unsigned char*>(peek.data()), peek.size());
        std::lock_guard lock(mutex_);
        summary_.inputs[item.input].gzip = is_gzip;
      }
      source = &peek;
      if (read.ok() && IsGzip(item.input)) {
        gzip = std::make_unique<GzipSource>(peek);
        source = gzip.get();
      }
    }
    if (followed != nullptr) {
      // Before waiting for more data, what was found so far is counted and written out.
      followed->set_on_wait([&] {
        std::lock_guard lock(mutex_);
        MergeSightings(worker);
        if (!matches.empty()) sink_.Write(matches);
        matches.clear();
      });
    }
    auto start_reader = [&](std::string_view first_line) {
      if (format == LogFormat::kAuto) format = DetectLogFormat(first_line);
      reader.emplace(format, options_.json_fields, options_.max_line_bytes);
    };
    auto take_new_matcher = [&] {
      if (matchers_.generation() == worker.generation) return;
      MergeSightings(worker);
      worker.Take(matchers_);
    };
    // Formats whose record is the line as free text are filtered many lines at once (see
    // RecordMatcher::FindCandidates); the matcher then changes between two reads, so that
    // all lines of a read are matched by the same one.
    bool filtered = false;
    std::vector<std::uint32_t> candidates;
    auto on_lines = [&](std::string_view lines) -> const std::vector<std::uint32_t>* {
      if (!reader) {
        std::string_view first_line = lines.substr(0, lines.find('\n'));
        if (first_line.size() > options_.max_line_bytes) return nullptr;  // not passed
        if (!first_line.empty() && first_line.back() == '\r') first_line.remove_suffix(1);
        start_reader(first_line);
      }
      filtered = IsFreeTextFormat(reader->format());
      if (!filtered) return nullptr;
      take_new_matcher();
      worker.record_matcher->FindCandidates(lines, &candidates);
      return &candidates;
    };
    auto on_line = [&](std::string_view line, std::uint64_t offset) {
      if (!reader) start_reader(line);
      if (!filtered) take_new_matcher();
      RecordMatcher& rm = *worker.record_matcher;
      if (!reader->Read(line, rm) || rm.empty()) return;
      const std::vector<IndicatorHit>& hits = rm.Resolve();
      if (hits.empty()) return;
      const std::optional<std::int64_t> log_time = reader->Time(line);
      const std::int64_t seen = log_time ? *log_time : ToUnixMillis(clock_.Now());
      for (const IndicatorHit& hit : hits) {
        Match match;
        match.input = item.input;
        match.line = stats.lines;
        match.offset = offset;
        match.hit = hit;
        match.record_truncated = line.size() > options_.record_bytes;
        match.record.assign(line.substr(0, options_.record_bytes));
        match.log_time_millis = log_time;
        match.matcher = worker.matcher;
        matches.push_back(std::move(match));
        ++match_count;
        auto [it, inserted] = worker.sightings.try_emplace(hit.indicator, Seen{0, seen, seen});
        ++it->second.count;
        it->second.first_millis = std::min(it->second.first_millis, seen);
        it->second.last_millis = std::max(it->second.last_millis, seen);
      }
      if (item.whole && matches.size() >= kFlushMatches) {
        std::lock_guard lock(mutex_);
        MergeSightings(worker);
        sink_.Write(matches);
        matches.clear();
      }
    };
    if (read.ok()) {
      const std::uint64_t stop_at = item.whole ? UINT64_MAX : item.end;
      read = ForEachLine(*source, worker.buffer, options_.max_line_bytes, first, skip_partial,
                         stop_at, &stats, on_line, on_lines);
    }
    if (followed != nullptr) followed->set_on_wait(nullptr);
    if (opens_file) ::close(fd);
    std::lock_guard lock(mutex_);
    InputSummary& summary = summary_.inputs[item.input];
    if (reader) summary.format = reader->format();
    summary.bytes += stats.bytes;
    summary.lines += stats.lines;
    summary.over_long_lines += stats.over_long;
    summary.matches += match_count;
    if (!read.ok() && !summary.error) summary.error = read.error();
    MergeSightings(worker);
    if (item.whole) {
      if (!matches.empty()) sink_.Write(matches);
      return read;
    }
    FinishChunk(state, item.chunk, InputState::ChunkResult{std::move(matches), stats.lines});
    return read;
  }

  // Writes the chunks of an input that are now next in line. Called with mutex_ held.
  void FinishChunk(InputState& state, std::uint64_t chunk, InputState::ChunkResult result) {
    state.finished[chunk] = std::move(result);
    while (!state.finished.empty() && state.finished.begin()->first == state.next_chunk_to_write) {
      InputState::ChunkResult& next = state.finished.begin()->second;
      for (Match& match : next.matches) match.line += state.line_base;
      if (!next.matches.empty()) sink_.Write(next.matches);
      state.line_base += next.lines;
      state.finished.erase(state.finished.begin());
      ++state.next_chunk_to_write;
    }
    written_.notify_all();
  }

  bool IsGzip(std::size_t input) {
    std::lock_guard lock(mutex_);
    return summary_.inputs[input].gzip;
  }

  // Reads ahead a little so the first bytes can be looked at, then passes everything on.
  class PeekSource final : public ByteSource {
   public:
    explicit PeekSource(ByteSource& inner) : inner_(inner) {}
    // Reads the first bytes, at least the two of a gzip magic number unless the input is
    // shorter (a followed file may not have more yet: it is not waited for).
    Result<std::size_t> Fill() {
      head_.resize(16);
      std::size_t filled = 0;
      while (filled < 2) {
        FC_ASSIGN_OR_RETURN(const std::size_t n, inner_.Read(head_.data() + filled, head_.size() - filled));
        if (n == 0) break;
        filled += n;
      }
      head_.resize(filled);
      return filled;
    }
    const char* data() const { return head_.data(); }
    std::size_t size() const { return head_.size(); }
    Result<std::size_t> Read(char* out, std::size_t capacity) override {
      if (position_ < head_.size()) {
        const std::size_t n = std::min(capacity, head_.size() - position_);
        std::memcpy(out, head_.data() + position_, n);
        position_ += n;
        return n;
      }
      return inner_.Read(out, capacity);
    }

   private:
    ByteSource& inner_;
    std::vector<char> head_;
    std::size_t position_ = 0;
  };

  MatcherSlot& matchers_;
  const ScanOptions& options_;
  MatchSink& sink_;
  const Clock& clock_;
  ScanControl* control_;
  SightingTally own_tally_;  // when the caller gives no ScanControl
  SightingTally& tally_;
  std::vector<WorkItem> items_;
  std::mutex mutex_;
  std::condition_variable written_;
  std::size_t next_item_ = 0;                // guarded by mutex_
  std::vector<InputState> states_;           // chunk bookkeeping guarded by mutex_
  ScanSummary summary_;                      // inputs guarded by mutex_
};

}  // namespace

bool ScanSummary::complete() const {
  return std::none_of(inputs.begin(), inputs.end(),
                      [](const InputSummary& input) { return input.error.has_value(); });
}

void SightingTally::Merge(const IndicatorSighting& sighting) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = by_id_.try_emplace(sighting.indicator_id, sighting);
  if (inserted) return;
  it->second.count += sighting.count;
  it->second.first_millis = std::min(it->second.first_millis, sighting.first_millis);
  it->second.last_millis = std::max(it->second.last_millis, sighting.last_millis);
}

std::vector<IndicatorSighting> SightingTally::Snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<IndicatorSighting> out;
  out.reserve(by_id_.size());
  for (const auto& [id, sighting] : by_id_) out.push_back(sighting);
  return out;
}

ScanSummary Scan(MatcherSlot& matchers, const std::vector<std::string>& inputs,
                 const ScanOptions& options, MatchSink& sink, const Clock& clock,
                 ScanControl* control) {
  return Scanner(matchers, inputs, options, sink, clock, control).Run();
}

ScanSummary Scan(const Matcher& matcher, const std::vector<std::string>& inputs,
                 const ScanOptions& options, MatchSink& sink, const Clock& clock,
                 ScanControl* control) {
  // Not owned: the caller keeps the matcher alive.
  MatcherSlot slot(std::shared_ptr<const Matcher>(&matcher, [](const Matcher*) {}));
  return Scanner(slot, inputs, options, sink, clock, control).Run();
}

ScanSummary ScanText(const Matcher& matcher, std::string_view text, const std::string& name,
                     const ScanOptions& options, MatchSink& sink, const Clock& clock) {
  MatcherSlot slot(std::shared_ptr<const Matcher>(&matcher, [](const Matcher*) {}));
  return Scanner(slot, {name}, options, sink, clock, nullptr, text).Run();
}

}  // namespace fincyber::detect
