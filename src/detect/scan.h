// Scanning logs: files (plain or gzip, recognised by their first bytes) and stdin, read
// line by line in bounded memory and matched across threads.
//
// - A line longer than `max_line_bytes` is skipped and counted, whatever it holds; memory
//   stays at about max_line_bytes + 4 MiB per thread.
// - Plain files larger than `chunk_bytes` (except Zeek logs, whose header applies to
//   what follows) are split at line boundaries so that threads share one big file; other
//   inputs are read by one thread each, several at a time.
// - Matches reach the MatchSink in line order within each input (inputs interleave).
// - An input that cannot be opened or read to the end (a truncated or corrupt gzip file,
//   a read error) keeps what was read before the problem, and its summary says why.
// - Follow mode (ScanOptions::follow, like `tail -F`): each input has a thread of its own
//   and is read as it grows until ScanControl::stop; a rotated (renamed and recreated) or
//   truncated file is read again from the start of the new file (line numbers and
//   offsets restart with it), a missing file is waited for, and a file that fails (a
//   truncated gzip stream rotated away) is reported through on_input_error and followed
//   on from its next file. stdin is read to its end.
// - The matcher may be replaced while the scan runs (MatcherSlot): each thread takes the
//   new one between two records, or for free-text logs (text, Squid, CLF, BIND), whose
//   lines are filtered many at once, between two reads (at most 4 MiB apart; in follow
//   mode a read ends where the file does).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "detect/log_format.h"
#include "detect/matcher.h"
#include "detect/matcher_slot.h"

namespace fincyber::detect {

struct ScanOptions {
  LogFormat format = LogFormat::kAuto;  // kAuto: detected per input from its first line
  std::vector<JsonField> json_fields;
  std::size_t max_line_bytes = std::size_t{1} << 20;
  std::size_t record_bytes = 4096;  // of a matched record kept for the match output
  int threads = 1;
  std::size_t chunk_bytes = std::size_t{32} << 20;
  bool follow = false;
  std::chrono::milliseconds follow_poll{250};  // how often a followed file is looked at
};

// One indicator satisfied by one record.
struct Match {
  std::size_t input = 0;      // index into the inputs given to Scan
  std::uint64_t line = 0;     // 1-based
  std::uint64_t offset = 0;   // byte offset of the record in the (decompressed) input
  IndicatorHit hit;           // hit.offset is within the record; hit.length 0: not located
  std::string record;         // the record, at most ScanOptions::record_bytes
  bool record_truncated = false;
  std::optional<std::int64_t> log_time_millis;  // the record's time, when the format has one
  std::shared_ptr<const Matcher> matcher;  // the one that found it: hit indexes are its own
};

class MatchSink {
 public:
  virtual ~MatchSink() = default;
  // Consecutive matches of one input, in line order. Never called concurrently.
  virtual void Write(const std::vector<Match>& matches) = 0;
};

struct InputSummary {
  std::string name;
  LogFormat format = LogFormat::kText;
  bool gzip = false;
  std::uint64_t bytes = 0;  // of lines scanned (decompressed)
  std::uint64_t lines = 0;
  std::uint64_t over_long_lines = 0;  // skipped
  std::uint64_t matches = 0;
  std::optional<Error> error;  // not read, or not to the end
};

// What one indicator was seen as: the number of matching records and when. Times are the
// records' own when the log has them, otherwise when the scan found them.
struct IndicatorSighting {
  std::string indicator_id;
  std::uint64_t count = 0;
  std::int64_t first_millis = 0;
  std::int64_t last_millis = 0;
};

// Sightings by indicator id, merged from the scanning threads while a scan runs: when a
// thread swaps matcher, and before its matches reach the MatchSink (so a reader that has
// seen a match finds it counted, never the reverse). Thread-safe.
class SightingTally {
 public:
  void Merge(const IndicatorSighting& sighting);
  std::vector<IndicatorSighting> Snapshot() const;  // ordered by indicator id

 private:
  mutable std::mutex mutex_;
  std::map<std::string, IndicatorSighting> by_id_;  // guarded by mutex_
};

struct ScanSummary {
  std::vector<InputSummary> inputs;
  std::vector<IndicatorSighting> sightings;  // ordered by indicator id
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;
  std::uint64_t over_long_lines = 0;
  std::uint64_t matches = 0;
  bool complete() const;  // every input read to its end
};

// A running scan seen and steered from other threads.
struct ScanControl {
  // Bytes read from the inputs so far (compressed bytes for gzip files), for a progress
  // display; bytes_total is set before reading starts.
  std::atomic<std::uint64_t> bytes_read{0};
  std::uint64_t bytes_total = 0;  // sum of the regular files' sizes; 0 when unknown
  // Set to end the scan: follow mode ends (what was read is complete); otherwise inputs
  // not read to their end get an error saying the scan was stopped.
  std::atomic<bool> stop{false};
  // The sightings so far (the whole scan's at the end).
  SightingTally sightings;
  // Follow mode: called from a scanning thread when a followed file fails and following
  // goes on with its next file. May be empty.
  std::function<void(const std::string& input, const Error& error)> on_input_error;
};

// Scans `inputs` (paths; "-" is stdin) with the slot's matcher of the moment. `control`
// may be null (and must be given for follow mode, to stop it). The sink and clock must
// outlive the call.
ScanSummary Scan(MatcherSlot& matchers, const std::vector<std::string>& inputs,
                 const ScanOptions& options, MatchSink& sink, const Clock& clock,
                 ScanControl* control = nullptr);
// The same with one matcher throughout, which must outlive the matches' use.
ScanSummary Scan(const Matcher& matcher, const std::vector<std::string>& inputs,
                 const ScanOptions& options, MatchSink& sink, const Clock& clock,
                 ScanControl* control = nullptr);

// Scans a log held in memory as Scan scans a file holding it (gzip included), named
// `name` in the summary; follow mode does not apply.
ScanSummary ScanText(const Matcher& matcher, std::string_view text, const std::string& name,
                     const ScanOptions& options, MatchSink& sink, const Clock& clock);

}  // namespace fincyber::detect
