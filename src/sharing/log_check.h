// Checking a member's log sample against the indicators of a collection, on the hub: the
// indicators the member may see (TLP, named recipients, trust groups, exactly as for
// listing) compiled by detect/ and the sample scanned from memory by detect::ScanText, as
// `fincyber match` scans a file at the institution. The sample is neither stored nor
// logged; a gzip sample is refused (it may expand without bound).
//
// Compiled indicator sets are kept per collection and organisation (what one member of an
// organisation may see, every member may) and compiled again when a newer object is
// visible in the collection, when an object was deleted from it, or after kMaxMatcherAge
// (indicators whose valid_until has passed since are not otherwise seen).
// One set is compiled at a time, on a thread of the checker's own: a check waits for it
// at most compile_wait and is otherwise answered Unavailable (the set is kept when it is
// ready, for the check asked again), so that a large collection (a million indicators
// take a few seconds) does not hold the server's request threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "detect/log_format.h"
#include "detect/matcher.h"
#include "identity/principal.h"
#include "sharing/service.h"

namespace fincyber::sharing {

struct LogCheckMatch {
  std::uint64_t line = 0;    // 1-based
  std::uint64_t offset = 0;  // of the matched text in the sample (of the line when not located)
  std::string matched;       // the text in the line; "" when found in a decoded value
  std::string indicator_id;
  std::string kind;        // domain, url, ipv4, ipv6, email, hash
  std::string observable;  // the indicator's normalised value
  std::string record;      // the line, cut at kMaxRecordBytes
  bool record_truncated = false;
};

struct LogCheckIndicator {
  std::string indicator_id;
  // The indicator's `name`, read from the collection for the first kMaxNamedIndicators
  // (by first line); "" when it has none or is no longer visible.
  std::string name;
  std::uint64_t count = 0;  // matching lines
  std::uint64_t first_line = 0;
};

struct LogCheckResult {
  detect::LogFormat format = detect::LogFormat::kText;
  std::uint64_t indicators = 0;  // compiled from the collection
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;
  std::uint64_t over_long_lines = 0;  // skipped
  std::uint64_t matches = 0;          // all of them; `listed` holds the first kMaxListedMatches
  std::vector<LogCheckMatch> listed;
  std::vector<LogCheckIndicator> by_indicator;  // ordered by first line
};
Json ToJson(const LogCheckResult& result);

class LogChecker {
 public:
  static constexpr std::size_t kMaxSampleBytes = std::size_t{16} << 20;
  static constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;
  static constexpr std::size_t kMaxListedMatches = 1000;
  static constexpr std::size_t kMaxNamedIndicators = 1000;
  static constexpr std::size_t kMaxRecordBytes = 4096;
  static constexpr std::chrono::minutes kMaxMatcherAge{5};
  // Compiled sets kept, least recently used dropped first: at most this many, of at most
  // this many bytes together (a set of 1,000,000 indicators takes about 160 MB).
  static constexpr std::size_t kMaxKeptMatchers = 8;
  static constexpr std::size_t kMaxKeptMatcherBytes = std::size_t{512} << 20;

  static constexpr std::chrono::milliseconds kCompileWait{2000};

  // `compile_wait` zero: a check that needs a set compiled is answered Unavailable at once.
  LogChecker(SharingService& hub, const Clock& clock,
             std::chrono::milliseconds compile_wait = kCompileWait)
      : hub_(hub), clock_(clock), compile_wait_(compile_wait) {}
  ~LogChecker();
  LogChecker(const LogChecker&) = delete;
  LogChecker& operator=(const LogChecker&) = delete;

  // NotFound for a collection the principal may not see, PermissionDenied for one it may
  // write but not read (as ListObjects); InvalidArgument for a sample over
  // kMaxSampleBytes or compressed with gzip; Unavailable while its set is compiled. `format` kAuto:
  // from the sample's first line.
  Result<LogCheckResult> Check(const identity::Principal& principal, std::string_view collection_id,
                               std::string_view sample, detect::LogFormat format);

 private:
  struct Kept {
    std::string collection_id;
    std::string org_id;
    std::shared_ptr<const detect::Matcher> matcher;
    std::int64_t newest_date_added = 0;  // microseconds, of the objects it was built from
    std::int64_t deletions = 0;          // SharingService::CollectionDeletions before it was built
    TimePoint built_at;
  };
  Result<std::shared_ptr<const detect::Matcher>> MatcherFor(const identity::Principal& principal,
                                                            std::string_view collection_id);
  // The kept set, when there is one, it is young enough and nothing newer is visible;
  // null otherwise.
  Result<std::shared_ptr<const detect::Matcher>> KeptMatcher(const identity::Principal& principal,
                                                             std::string_view collection_id);
  // Fills in the names of the first kMaxNamedIndicators of result->by_indicator.
  Status NameIndicators(const identity::Principal& principal, std::string_view collection_id,
                        LogCheckResult* result);
  Result<Kept> Compile(const identity::Principal& principal, std::string_view collection_id);
  Result<bool> NewerObjectVisible(const identity::Principal& principal,
                                  std::string_view collection_id, std::int64_t after);

  SharingService& hub_;
  const Clock& clock_;
  // A set compiled on compiler_; its fields after the names are guarded by mutex_.
  struct Job {
    std::string collection_id;
    std::string org_id;
    bool done = false;
    Status status;                                   // when done
    std::shared_ptr<const detect::Matcher> matcher;  // when done and ok
  };
  void RunJob(const std::shared_ptr<Job>& job, const identity::Principal& principal);
  // Adds a compiled set, dropping the least recently used beyond the limits. Called with
  // mutex_ held.
  void Keep(Kept built);

  const std::chrono::milliseconds compile_wait_;
  std::mutex mutex_;
  std::list<Kept> kept_;      // guarded by mutex_; most recently used first
  std::shared_ptr<Job> job_;  // guarded by mutex_: the set being compiled, if one is
  std::condition_variable job_done_;
  std::thread compiler_;  // guarded by mutex_
  std::atomic<bool> stopping_ = false;
};

}  // namespace fincyber::sharing
