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
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "detect/log_format.h"
#include "detect/matcher.h"

namespace fincyber::detect {

struct ScanOptions {
  LogFormat format = LogFormat::kAuto;  // kAuto: detected per input from its first line
  std::vector<JsonField> json_fields;
  std::size_t max_line_bytes = std::size_t{1} << 20;
  std::size_t record_bytes = 4096;  // of a matched record kept for the match output
  int threads = 1;
  std::size_t chunk_bytes = std::size_t{32} << 20;
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
  std::uint32_t indicator = 0;
  std::uint64_t count = 0;
  std::int64_t first_millis = 0;
  std::int64_t last_millis = 0;
};

struct ScanSummary {
  std::vector<InputSummary> inputs;
  std::vector<IndicatorSighting> sightings;  // by indicator index
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;
  std::uint64_t over_long_lines = 0;
  std::uint64_t matches = 0;
  bool complete() const;  // every input read to its end
};

// Bytes read from the inputs so far (compressed bytes for gzip files), for a progress
// display on another thread.
struct ScanProgress {
  std::atomic<std::uint64_t> bytes_read{0};
  std::uint64_t bytes_total = 0;  // sum of the regular files' sizes; 0 when unknown
};

// Scans `inputs` (paths; "-" is stdin). `progress` may be null; bytes_total is set before
// reading starts. The Matcher, sink and clock must outlive the call.
ScanSummary Scan(const Matcher& matcher, const std::vector<std::string>& inputs,
                 const ScanOptions& options, MatchSink& sink, const Clock& clock,
                 ScanProgress* progress = nullptr);

}  // namespace fincyber::detect
