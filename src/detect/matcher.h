// The indicator matcher: a set of indicators compiled once (MatcherBuilder) into an
// immutable Matcher, and a RecordMatcher per thread that finds which indicators a log
// record satisfies. Pure: no I/O, no clock.
//
// What an observable matches in a record (values normalised as stix/observable.h says):
// - domain: a host name in the record equal to it or ending in "." + it, so
//   "evil.example" matches "a.evil.example" but never "notevil.example" (a host name is a
//   run of letters, digits, '-', '_', '.' and non-ASCII bytes; non-ASCII names go through
//   IDNA). A single-label domain ("zip") matches the last label of host names.
// - url: a URL in the record ("scheme://host..." up to a space, quote, '<', '>', '`' or
//   '\') whose normal form equals it; trailing sentence punctuation is tried without.
// - ipv4/ipv6: an address in the record inside the range (a single address is a range of
//   one); "::ffff:a.b.c.d" is the IPv4 address a.b.c.d. Dotted quads with leading zeros
//   are not addresses (see stix/observable.h).
// - email: "local@domain" in the record, the local part as written (case-sensitive), the
//   domain normalised; the local part is the run of RFC 5322 atom characters before '@'
//   except "=/'`{|}", which logs use as separators.
// - hash: a run of exactly 32, 40, 56, 64, 96 or 128 hex digits, any case, with no
//   letter or digit on either side, so a hash inside a longer hex string never matches.
// A pattern is compiled when it can be decided on one record: comparisons joined by
// AND/OR inside one observation, and observations joined by OR. Each comparison is
// `=`, `IN` or `ISSUBSET` on one of the kinds above. A comparison that cannot be decided
// on a log record (a file name, `!=`, `MATCHES`, ...) is false: left out of an OR, it makes
// an AND false; an indicator that can never match is not used. FOLLOWEDBY, WITHIN,
// REPEATS, START/STOP and AND between observations need state across records: such
// indicators are not used. Every indicator not used, or used in part, is reported by id
// in the LoadReport.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "stix/observable.h"
#include "stix/pattern.h"

namespace fincyber::detect {

namespace internal {
struct Compiled;
}

// How a value of a structured record (a JSON field, a Zeek column) is read.
enum class ValueKind { kText, kUrl, kDomain, kIp, kEmail, kHash };

// One indicator not used, or used only in part, and why.
struct LoadWarning {
  std::string indicator_id;
  std::string message;
};

struct LoadReport {
  static constexpr std::size_t kMaxWarnings = 1000;

  std::uint64_t indicators = 0;  // compiled and used
  std::uint64_t domains = 0;     // distinct observables compiled, by kind
  std::uint64_t urls = 0;
  std::uint64_t ip_ranges = 0;  // addresses and CIDR ranges, IPv4 and IPv6
  std::uint64_t emails = 0;
  std::uint64_t hashes = 0;
  std::uint64_t invalid = 0;            // not used: bad pattern or no usable value
  std::uint64_t needs_state = 0;        // not used: FOLLOWEDBY, WITHIN, REPEATS, ...
  std::uint64_t partly_used = 0;        // used without some comparisons
  std::uint64_t not_stix_patterns = 0;  // indicators with another pattern_type
  std::uint64_t revoked_or_expired = 0;
  std::uint64_t superseded = 0;  // an older version of an indicator also given
  std::vector<LoadWarning> warnings;  // the first kMaxWarnings
  std::uint64_t warnings_dropped = 0;
};

// What AddStixObject reads of a STIX object: a property is given when it has the type
// shown (a string, or the boolean true), as if absent otherwise.
struct StixObjectFields {
  bool is_indicator = false;                    // "type" is "indicator"
  std::optional<std::string_view> id;
  bool revoked = false;                         // "revoked" is true
  std::optional<std::string_view> valid_until;
  bool has_pattern_type = false;                // "pattern_type" present, of any type,
  bool stix_pattern_type = false;               // and it is "stix"
  std::optional<std::string_view> pattern;
  std::optional<std::string_view> modified;
};
// The fields of a parsed object; they point into it. Nothing is set for a non-object.
StixObjectFields StixObjectFieldsOf(const Json& object);

// A compiled indicator set. Immutable and thread-safe: share one between threads, each
// with its own RecordMatcher.
class Matcher {
 public:
  explicit Matcher(std::unique_ptr<internal::Compiled> compiled);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  std::size_t indicator_count() const;
  std::string IndicatorId(std::uint32_t indicator) const;
  std::size_t observable_count() const;
  stix::ObservableKind ObservableKind(std::uint32_t observable) const;
  std::string_view ObservableValue(std::uint32_t observable) const;  // normalised
  // Resident size of the compiled tables and strings.
  std::size_t MemoryBytes() const;

  const internal::Compiled& compiled() const { return *compiled_; }

 private:
  std::unique_ptr<internal::Compiled> compiled_;
};

// Collects indicators and compiles them. Not thread-safe.
class MatcherBuilder {
 public:
  MatcherBuilder();
  ~MatcherBuilder();
  MatcherBuilder(const MatcherBuilder&) = delete;
  MatcherBuilder& operator=(const MatcherBuilder&) = delete;

  // One object of a STIX bundle. Indicators with pattern_type "stix" are compiled;
  // revoked indicators and those whose valid_until is not after `now_millis` (Unix ms)
  // are counted and left out; when an id repeats, the version with the latest
  // `modified` is used. Other object types are ignored.
  void AddStixObject(const Json& object, std::int64_t now_millis);
  // The same for an object whose properties a loader has read itself (see below).
  void AddStixObject(const StixObjectFields& object, std::int64_t now_millis);
  // A STIX pattern of an indicator. Problems go to the report, naming the indicator.
  void AddPattern(std::string_view indicator_id, std::string_view pattern);
  // One observable of an indicator (a CSV row). Several for the same id are alternatives
  // (OR), as in a CSV export with one row per observable.
  void AddObservable(std::string_view indicator_id, const stix::Observable& observable);
  // AddObservable in steps, for a loader that prepares rows on another thread: Prepare
  // (thread-safe) hashes the id and the observable, Prefetch brings their table slots
  // into the cache a few rows ahead, and AddObservable with them adds the row exactly as
  // without them.
  struct Prepared {
    std::uint64_t id_hash = 0;
    std::uint64_t observable_hash = 0;
  };
  static Prepared Prepare(std::string_view indicator_id, const stix::Observable& observable);
  void Prefetch(const Prepared& prepared) const;
  void AddObservable(std::string_view indicator_id, const stix::Observable& observable,
                     const Prepared& prepared);
  // AddStixObject in steps, for a loader that reads objects on another thread:
  // PrepareStixObject (thread-safe, each thread with its own SimplePaths) decides what
  // needs no builder state: the checks of the fields, the timestamps, and for a pattern
  // of the form [type:path = 'value'] its value normalised and hashed. AddPrepared then
  // adds the object exactly as AddStixObject would.
  class SimplePaths;
  struct PreparedStixObject {
    enum class Verdict { kIgnored, kNoId, kRevokedOrExpired, kNotStix, kNoPattern, kIndicator };
    Verdict verdict = Verdict::kIgnored;
    std::string id;       // for kNoPattern and kIndicator
    std::string pattern;  // for kIndicator
    std::int64_t modified = 0;
    bool simple = false;  // `observable` and `prepared` hold the pattern's one value
    stix::Observable observable;
    Prepared prepared;  // the id's hash, and the observable's when `simple`
  };
  static void PrepareStixObject(const StixObjectFields& object, std::int64_t now_millis,
                                SimplePaths& paths, PreparedStixObject* out);
  void AddPrepared(const PreparedStixObject& object);
  // A problem a loader found with an indicator (e.g. a CSV row), reported with the rest.
  void Warn(std::string_view indicator_id, std::string message);
  // Sizes the tables for about `indicators` more indicators, so they do not grow in steps.
  void Reserve(std::size_t indicators);

  const LoadReport& report() const { return report_; }

  // InvalidArgument when no indicator is usable; ResourceExhausted when memory runs out.
  // The builder is empty afterwards (but for running out before compiling began). A large
  // set is compiled on two threads unless `threads` is 1; the matcher is the same.
  Result<std::unique_ptr<const Matcher>> Build(int threads = 2);

 private:
  struct State;
  Result<std::unique_ptr<const Matcher>> Compile(std::unique_ptr<State> state, int threads);
  // AddPattern for an indicator already looked up: `id_hash` is the hash of its id,
  // `existing` its index or none. Returns its index afterwards (none when not added).
  std::uint32_t AddPatternTo(std::string_view indicator_id, std::uint64_t id_hash,
                             std::uint32_t existing, std::string_view pattern);
  // A pattern of the form [type:path = 'value'] added without building its tree, setting
  // `indicator`; false when the pattern has another form or a problem, which the full
  // parser then reports.
  bool AddSimplePattern(std::string_view indicator_id, std::uint64_t id_hash,
                        std::uint32_t existing, std::string_view pattern,
                        std::uint32_t* indicator);
  // AddPatternTo through the pattern parser, without trying the simple form.
  std::uint32_t AddParsedPattern(std::string_view indicator_id, std::uint64_t id_hash,
                                 std::uint32_t existing, std::string_view pattern);
  // The end of AddSimplePattern, for a value already normalised and hashed.
  bool AddNormalisedValue(std::string_view indicator_id, std::uint64_t id_hash,
                          std::uint32_t existing, const stix::Observable& observable,
                          std::uint64_t observable_hash, std::uint32_t* indicator);

  std::unique_ptr<State> state_;
  LoadReport report_;
};

// Object paths of simple patterns, parsed once per distinct text (a set holds a few).
class MatcherBuilder::SimplePaths {
 public:
  // nullptr for a text that is not a path, and beyond kMax distinct texts (patterns then
  // take the full parser).
  const stix::ObservablePath* Find(std::string_view text);
  // Where this thread reads a pattern, then normalises its value before it is copied out.
  stix::SimpleEquality& equality() { return equality_; }
  stix::Observable& normalised() { return normalised_; }

 private:
  static constexpr std::size_t kMax = 64;
  std::vector<std::pair<std::string, std::optional<stix::ObservablePath>>> paths_;
  stix::SimpleEquality equality_;
  stix::Observable normalised_;
};

// One indicator satisfied by a record.
struct IndicatorHit {
  std::uint32_t indicator = 0;   // Matcher::IndicatorId
  std::uint32_t observable = 0;  // the observable found (the first, for compound patterns)
  std::uint32_t offset = 0;      // of the text that matched, within the record
  std::uint32_t length = 0;
};

// Finds indicators in one record at a time; reusable. One per thread; the Matcher must
// outlive it.
class RecordMatcher {
 public:
  explicit RecordMatcher(const Matcher& matcher);
  ~RecordMatcher();

  // Starts a new record.
  void Reset();
  // Free text (a log line, a field): host names, URLs, addresses, e-mail addresses and
  // hashes are found wherever they are. `offset` is added to reported offsets. When
  // `located` is false the text is not a slice of the record (a decoded JSON string, a
  // URL put together from fields): hits report `offset` and length 0. Texts up to 4 GiB.
  void AddText(std::string_view text, std::uint32_t offset = 0, bool located = true);
  // A value known to be of one kind (a JSON field mapped as url, say): besides what free
  // text finds in it, the whole value is normalised and looked up as that kind.
  void AddValue(ValueKind kind, std::string_view value, std::uint32_t offset = 0,
                bool located = true);
  // Many records at once, for logs whose record is a line read as free text (AddText of the
  // line): `lines` holds whole lines, each ended by '\n'. Replaces `candidates` with
  // offsets within `lines`, ascending: AddText of a line finds something only when one of
  // them lies inside that line, so a caller reads again, record by record, only the lines
  // holding one (few in most logs) and skips the rest, which costs much less than a
  // record at a time. Leaves the current record alone. Texts up to 4 GiB.
  void FindCandidates(std::string_view lines, std::vector<std::uint32_t>* candidates);
  // True when no observable was found since Reset (most records).
  bool empty() const { return found_.empty(); }
  // The indicators the record satisfies, each once, in the order first found.
  const std::vector<IndicatorHit>& Resolve();

 private:
  struct Found {
    std::uint32_t observable;
    std::uint32_t offset;
    std::uint32_t length;
  };
  friend class TextScan;
  void Emit(std::uint32_t observable, std::uint32_t offset, std::uint32_t length);
  bool Evaluate(std::uint32_t node) const;

  const internal::Compiled& compiled_;
  std::vector<Found> found_;
  std::vector<IndicatorHit> hits_;
  std::vector<IndicatorHit> compound_;  // hits of compound patterns, not yet evaluated
  // Per indicator / observable, the record number that last reported / found it, so that
  // deduplication costs O(1) whatever the number of hits in a record.
  std::vector<std::uint32_t> indicator_seen_;
  std::vector<std::uint32_t> observable_seen_;
  std::uint32_t record_ = 1;
  std::vector<std::uint64_t> bits_;  // TextScan's bitmaps, kept to avoid reallocating
  // FindCandidates: host names whose Bloom filter probes are still to be made.
  struct PendingHost {
    std::uint64_t two_labels_hash;
    std::uint64_t last_label_hash;  // when single_label
    std::uint32_t offset;
    bool single_label;
  };
  std::vector<PendingHost> pending_hosts_;
};

}  // namespace fincyber::detect
