#include "app/match_command.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "app/match_hub.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "detect/indicator_files.h"
#include "detect/matcher_slot.h"
#include "detect/report.h"
#include "detect/scan.h"

namespace fincyber::app {
namespace {

constexpr int kExitNoMatch = 0;
constexpr int kExitMatches = 1;
constexpr int kExitUsage = 2;
constexpr int kExitPartial = 3;
constexpr int kExitNoIndicators = 4;
constexpr int kExitNotReported = 5;
constexpr std::size_t kShownWarnings = 50;
constexpr char kTokenVariable[] = "FINCYBER_MATCH_TOKEN";

struct MatchFlags {
  std::vector<std::string> indicator_files;
  std::string taxii_url;
  std::string collection;
  std::string token;
  std::string state;
  int refresh_seconds = 0;
  bool follow = false;
  std::string report_to;
  std::string report_collection;
  std::string report_token;
  int report_every_seconds = 60;
  std::vector<std::string> logs;
  std::string format = "auto";
  std::vector<std::string> json_fields;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string output = "-";
  std::string sightings;
  std::string identity;
  std::size_t max_line_bytes = std::size_t{1} << 20;
  std::size_t record_bytes = 4096;
  bool quiet = false;
};

std::string Bytes(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// stderr is shared by the progress line and the messages of the refresh and report
// threads: one line at a time, the progress line cleared first.
class Terminal {
 public:
  explicit Terminal(bool quiet) : quiet_(quiet) {}
  void Say(const std::string& line) {
    std::lock_guard lock(mutex_);
    std::fprintf(stderr, "%s%s\n", progress_shown_ ? "\r\033[K" : "", line.c_str());
    progress_shown_ = false;
  }
  // Informational: not shown with --quiet.
  void Tell(const std::string& line) {
    if (!quiet_) Say(line);
  }
  void Progress(const std::string& line) {
    std::lock_guard lock(mutex_);
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    progress_shown_ = !line.empty();
  }
  bool quiet() const { return quiet_; }

 private:
  std::mutex mutex_;
  bool progress_shown_ = false;  // guarded by mutex_
  const bool quiet_;
};

// Writes match lines to a file or stdout through a large buffer; in follow mode each
// batch is flushed, so that a reader of the output sees matches as they are found.
class JsonLinesSink final : public detect::MatchSink {
 public:
  JsonLinesSink(const std::vector<std::string>& names, std::FILE* out, bool flush_each)
      : names_(names), out_(out), flush_each_(flush_each) {}
  void Write(const std::vector<detect::Match>& matches) override {
    for (const detect::Match& match : matches) {
      const std::string line = detect::MatchToJsonLine(names_[match.input], match);
      std::fwrite(line.data(), 1, line.size(), out_);
      std::fputc('\n', out_);
    }
    if (flush_each_) std::fflush(out_);
  }

 private:
  const std::vector<std::string>& names_;
  std::FILE* out_;
  bool flush_each_;
};

// Ends the wait of background loops when the scan is over.
class Stopper {
 public:
  // False when stopped before `duration` passed.
  bool WaitFor(std::chrono::milliseconds duration) {
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, duration, [this] { return stopped_; });
  }
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    wake_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;  // guarded by mutex_
};

// SIGINT and SIGTERM stop the scan (control.stop) instead of killing the process, so that
// what was found is written and reported. Blocks them in the calling thread, and so in
// every thread started after it; one thread waits for them.
class StopOnSignals {
 public:
  explicit StopOnSignals(detect::ScanControl& control, Terminal& terminal) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
    thread_ = std::thread([this, &control, &terminal] {
      const timespec slice{0, 100'000'000};
      while (!done_.load()) {
        const int signal = sigtimedwait(&signals_, nullptr, &slice);
        if (signal == SIGINT || signal == SIGTERM) {
          terminal.Tell(std::string("stopping (") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + ")");
          control.stop = true;
        }
      }
    });
  }
  ~StopOnSignals() {
    done_ = true;
    thread_.join();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }

 private:
  sigset_t signals_{};
  sigset_t previous_{};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// "12.3 GB of 40.0 GB, 850 MB/s, ETA 0:33" on one terminal line, twice a second.
class ProgressLine {
 public:
  ProgressLine(const detect::ScanControl& control, Terminal& terminal, bool follow)
      : control_(control), terminal_(terminal), follow_(follow),
        start_(std::chrono::steady_clock::now()), thread_([this] { Run(); }) {}
  ~ProgressLine() {
    stopper_.Stop();
    thread_.join();
    terminal_.Progress("");
  }

 private:
  void Run() {
    while (stopper_.WaitFor(std::chrono::milliseconds(500))) {
      const double read = static_cast<double>(control_.bytes_read.load(std::memory_order_relaxed));
      const double elapsed = Seconds(std::chrono::steady_clock::now() - start_);
      const double rate = elapsed > 0 ? read / elapsed : 0;
      std::string line = Bytes(read);
      // A followed file has no end to reach.
      const double total = follow_ ? 0 : static_cast<double>(control_.bytes_total);
      if (total > 0) line += " of " + Bytes(total);
      line += ", " + Bytes(rate) + "/s";
      if (total > 0 && rate > 0 && read < total) {
        const auto eta = static_cast<long>((total - read) / rate);
        char text[32];
        std::snprintf(text, sizeof text, ", ETA %ld:%02ld", eta / 60, eta % 60);
        line += text;
      }
      terminal_.Progress(line);
    }
  }

  const detect::ScanControl& control_;
  Terminal& terminal_;
  const bool follow_;
  const std::chrono::steady_clock::time_point start_;
  Stopper stopper_;
  std::thread thread_;
};

int Usage(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return kExitUsage;
}

// The load report; warnings already shown (by an earlier load of a refreshed set) are not
// repeated.
void PrintLoadReport(const detect::LoadReport& report, Terminal& terminal,
                     std::set<std::string>& shown) {
  if (terminal.quiet()) return;
  std::size_t printed = 0;
  std::uint64_t hidden = report.warnings_dropped;
  for (const detect::LoadWarning& w : report.warnings) {
    std::string line = "warning: " + (w.indicator_id.empty() ? "" : "indicator " + w.indicator_id + ": ") +
                       w.message;
    if (!shown.insert(line).second) continue;
    if (printed++ < kShownWarnings) {
      terminal.Say(line);
    } else {
      ++hidden;
    }
  }
  if (hidden > 0) terminal.Say("warning: ... and " + std::to_string(hidden) + " more");
  std::ostringstream line;
  line << "indicators used: " << report.indicators << " (domains " << report.domains << ", URLs "
       << report.urls << ", IP addresses and ranges " << report.ip_ranges << ", e-mail addresses "
       << report.emails << ", hashes " << report.hashes << ")";
  const std::uint64_t not_used = report.invalid + report.needs_state;
  if (not_used > 0) {
    line << "; not used: " << not_used << " (" << report.invalid << " invalid or not found in logs, "
         << report.needs_state << " needing several records)";
  }
  if (report.partly_used > 0) line << "; used in part: " << report.partly_used;
  if (report.revoked_or_expired > 0) line << "; revoked or expired: " << report.revoked_or_expired;
  if (report.not_stix_patterns > 0) line << "; other pattern types: " << report.not_stix_patterns;
  terminal.Say(line.str());
}

// A file's identity and size, to notice that it changed.
struct FileStamp {
  std::int64_t mtime_ns = 0;
  std::int64_t size = 0;
  bool operator==(const FileStamp&) const = default;
};

FileStamp StampOf(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {};
  return {static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec,
          static_cast<std::int64_t>(info.st_size)};
}

// Where indicators come from: files (read again when they change) and a TAXII feed.
class IndicatorSources {
 public:
  IndicatorSources(std::vector<std::string> files, std::unique_ptr<TaxiiIndicatorFeed> feed)
      : files_(std::move(files)), feed_(std::move(feed)) {}

  TaxiiIndicatorFeed* feed() { return feed_.get(); }

  // True when an indicator file changed since the last Build.
  bool FilesChanged() const {
    for (std::size_t i = 0; i < files_.size(); ++i) {
      if (!(StampOf(files_[i]) == stamps_[i])) return true;
    }
    return false;
  }

  // Compiles every source. `report` is the builder's, also on failure. InvalidArgument
  // or NotFound for an indicator file that cannot be read or no usable indicator.
  Result<std::shared_ptr<const detect::Matcher>> Build(std::int64_t now_millis,
                                                        detect::LoadReport& report) {
    detect::MatcherBuilder builder;
    detect::IndicatorFileOptions file_options;
    file_options.now_millis = now_millis;
    stamps_.clear();
    for (const std::string& path : files_) {
      stamps_.push_back(StampOf(path));
      Status loaded = detect::LoadIndicatorFile(path, file_options, builder);
      if (!loaded.ok()) {
        report = builder.report();
        return Error(loaded.error().code(), loaded.error().internal_message());
      }
    }
    if (feed_) feed_->set().AddTo(builder, now_millis);
    auto built = builder.Build();
    report = builder.report();
    if (!built.ok()) return std::move(built).error();
    return std::shared_ptr<const detect::Matcher>(std::move(built).value());
  }

 private:
  std::vector<std::string> files_;
  std::vector<FileStamp> stamps_;
  std::unique_ptr<TaxiiIndicatorFeed> feed_;
};

// Back-off after failures: 1 s, 2 s, 4 s, ... up to `longest`.
std::chrono::milliseconds Backoff(int failures, std::chrono::milliseconds longest) {
  const auto wait = std::chrono::milliseconds(1000) * (1LL << std::min(failures - 1, 20));
  return std::min<std::chrono::milliseconds>(wait, longest);
}

// Pulls again and recompiles every `interval`; a changed set is swapped into `slot`.
// A failing source leaves the last good set in use; it is said once per failure streak.
void RefreshLoop(IndicatorSources& sources, detect::MatcherSlot& slot,
                 std::chrono::milliseconds interval, const Clock& clock, Terminal& terminal,
                 std::set<std::string>& shown, Stopper& stopper) {
  std::chrono::milliseconds wait = interval;
  int failures = 0;
  while (stopper.WaitFor(wait)) {
    wait = interval;
    bool changed = sources.FilesChanged();
    std::string what;
    if (TaxiiIndicatorFeed* feed = sources.feed()) {
      auto pulled = feed->Pull();
      if (!pulled.ok()) {
        if (failures++ == 0) {
          terminal.Say("warning: indicator source unavailable (" + pulled.error().safe_message() +
                       "); scanning on with the last good set; retrying");
        }
        wait = Backoff(failures, interval);
      } else {
        if (failures > 0) terminal.Say("indicator source reachable again");
        failures = 0;
        what = " (" + std::to_string(pulled->added) + " added, " + std::to_string(pulled->updated) +
               " updated, " + std::to_string(pulled->removed) + " removed)";
      }
      // Pages stored before a failure count too.
      changed = feed->TakeChanges() || changed;
    }
    if (!changed) continue;
    const auto build_start = std::chrono::steady_clock::now();
    detect::LoadReport report;
    auto matcher = sources.Build(ToUnixMillis(clock.Now()), report);
    PrintLoadReport(report, terminal, shown);
    if (!matcher.ok()) {
      terminal.Say("warning: the updated indicators were not used (" +
                   matcher.error().internal_message() + "); scanning on with the previous set");
      continue;
    }
    const auto swap_start = std::chrono::steady_clock::now();
    const std::size_t count = (*matcher)->indicator_count();
    slot.Swap(std::move(matcher).value());
    const auto swapped = std::chrono::steady_clock::now();
    char line[200];
    std::snprintf(line, sizeof line,
                  "indicator set updated%s: %zu indicators, compiled in %.3f s, swapped in %.1f us",
                  what.c_str(), count, Seconds(swap_start - build_start),
                  Seconds(swapped - swap_start) * 1e6);
    terminal.Tell(line);
  }
}

// Posts the sightings so far every `interval` while following; failures are said once
// per streak and retried with back-off.
void ReportLoop(SightingReporter& reporter, const detect::ScanControl& control,
                std::chrono::milliseconds interval, const Clock& clock, Terminal& terminal,
                const std::string& hub, Stopper& stopper) {
  std::chrono::milliseconds wait = interval;
  int failures = 0;
  while (stopper.WaitFor(wait)) {
    wait = interval;
    auto posted = reporter.Report(control.sightings.Snapshot(), ToUnixMillis(clock.Now()));
    if (!posted.ok()) {
      if (failures++ == 0) {
        terminal.Say("warning: sightings not reported to " + hub + " (" +
                     posted.error().safe_message() + "); kept and retried");
      }
      wait = Backoff(failures, interval);
      continue;
    }
    if (failures > 0) terminal.Say("sightings reported to " + hub + " again");
    failures = 0;
    if (*posted > 0) terminal.Tell("reported " + std::to_string(*posted) + " sighting(s) to " + hub);
  }
}

std::string DefaultStatePath(const std::string& url, const std::string& collection) {
  return ".fincyber-match-" + Sha256Hex(url + " " + collection).substr(0, 16) + ".state";
}

bool WriteFile(const std::string& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << content << "\n";
  file.close();
  return static_cast<bool>(file);
}

int RunMatch(MatchFlags flags) {
  const SystemClock clock;
  const std::int64_t started_millis = ToUnixMillis(clock.Now());
  Terminal terminal(flags.quiet);
  if (flags.indicator_files.empty() && flags.taxii_url.empty()) {
    return Usage("--indicators FILE or --taxii URL is required");
  }
  if (flags.token.empty()) {
    if (const char* from_env = std::getenv(kTokenVariable)) flags.token = from_env;
  }
  if (!flags.taxii_url.empty() && (flags.collection.empty() || flags.token.empty())) {
    return Usage(std::string("--taxii needs --collection and --token (or ") + kTokenVariable + ")");
  }
  if (flags.taxii_url.empty() && flags.report_to.empty() && !flags.collection.empty()) {
    return Usage("--collection goes with --taxii or --report-to");
  }
  if (flags.taxii_url.empty() && !flags.state.empty()) return Usage("--state goes with --taxii");
  if (flags.report_collection.empty()) flags.report_collection = flags.collection;
  if (flags.report_token.empty()) flags.report_token = flags.token;
  if (!flags.report_to.empty() && (flags.report_collection.empty() || flags.report_token.empty())) {
    return Usage("--report-to needs a collection (--report-collection or --collection) and a "
                 "token (--report-token, --token or " + std::string(kTokenVariable) + ")");
  }
  if (!flags.identity.empty() && !detect::IsStixIdentifier(flags.identity, "identity")) {
    return Usage("--identity must be a STIX identity id, identity--<UUID>");
  }
  detect::ScanOptions options;
  const auto format = detect::ParseLogFormat(flags.format);
  if (!format) return Usage("--format must be " + detect::LogFormatChoices());
  options.format = *format;
  for (const std::string& mapping : flags.json_fields) {
    auto field = detect::ParseJsonField(mapping);
    if (!field.ok()) return Usage(field.error().safe_message());
    options.json_fields.push_back(std::move(field).value());
  }
  options.threads = flags.threads;
  options.max_line_bytes = flags.max_line_bytes;
  options.record_bytes = flags.record_bytes;
  options.follow = flags.follow;
  if (flags.logs.empty()) flags.logs.push_back("-");
  if (std::count(flags.logs.begin(), flags.logs.end(), "-") > 1) {
    return Usage("stdin ('-') can be read once");
  }

  const auto http = MakeCurlHttp();
  std::unique_ptr<TaxiiIndicatorFeed> feed;
  if (!flags.taxii_url.empty()) {
    if (flags.state.empty()) flags.state = DefaultStatePath(flags.taxii_url, flags.collection);
    feed = std::make_unique<TaxiiIndicatorFeed>(
        *http, HubEndpoint{flags.taxii_url, flags.collection, flags.token}, flags.state);
    const std::string state = feed->LoadState();
    if (!state.empty()) terminal.Tell(state);
    auto pulled = feed->Pull();
    if (!pulled.ok()) {
      if (!feed->has_state()) {
        terminal.Say("error: no indicators: " + flags.taxii_url + " collection " + flags.collection +
                     ": " + pulled.error().safe_message());
        return kExitNoIndicators;
      }
      terminal.Say("warning: indicator source unavailable (" + pulled.error().safe_message() +
                   "); using the saved set of " + std::to_string(feed->set().size()) +
                   " indicators");
    } else {
      terminal.Tell("pulled " + std::to_string(pulled->objects) + " object(s) from " +
                    flags.taxii_url + ": " + std::to_string(pulled->added) + " added, " +
                    std::to_string(pulled->updated) + " updated, " +
                    std::to_string(pulled->removed) + " removed; state in " + flags.state);
    }
  }
  if (feed) feed->TakeChanges();  // compiled below
  IndicatorSources sources(flags.indicator_files, std::move(feed));

  const auto load_start = std::chrono::steady_clock::now();
  std::set<std::string> shown_warnings;
  detect::LoadReport load_report;
  auto built = sources.Build(ToUnixMillis(clock.Now()), load_report);
  PrintLoadReport(load_report, terminal, shown_warnings);
  if (!built.ok()) return Usage(built.error().internal_message());
  detect::MatcherSlot slot(std::move(built).value());
  {
    char line[120];
    std::snprintf(line, sizeof line, "loaded and compiled in %.2f s; matcher %s",
                  Seconds(std::chrono::steady_clock::now() - load_start),
                  Bytes(static_cast<double>(slot.Current()->MemoryBytes())).c_str());
    terminal.Tell(line);
  }

  std::FILE* out = stdout;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out_file(nullptr, &std::fclose);
  if (flags.output != "-") {
    out_file.reset(std::fopen(flags.output.c_str(), "w"));
    if (!out_file) return Usage("cannot write " + flags.output + ": " + std::strerror(errno));
    out = out_file.get();
  }
  std::vector<char> out_buffer(1 << 20);
  std::setvbuf(out, out_buffer.data(), _IOFBF, out_buffer.size());

  std::unique_ptr<SightingReporter> reporter;
  if (!flags.report_to.empty()) {
    reporter = std::make_unique<SightingReporter>(
        *http, HubEndpoint{flags.report_to, flags.report_collection, flags.report_token},
        flags.identity, started_millis);
  }

  JsonLinesSink sink(flags.logs, out, flags.follow);
  detect::ScanControl control;
  control.on_input_error = [&terminal](const std::string& input, const Error& error) {
    terminal.Say("error: " + input + ": " + error.safe_message() + "; following its next file");
  };
  const auto scan_start = std::chrono::steady_clock::now();
  detect::ScanSummary summary;
  {
    StopOnSignals signals(control, terminal);
    Stopper stopper;
    std::thread refresh, report;
    if (flags.refresh_seconds > 0) {
      refresh = std::thread([&] {
        RefreshLoop(sources, slot, std::chrono::seconds(flags.refresh_seconds), clock, terminal,
                    shown_warnings, stopper);
      });
    }
    if (reporter && flags.follow) {
      report = std::thread([&] {
        ReportLoop(*reporter, control, std::chrono::seconds(flags.report_every_seconds), clock,
                   terminal, flags.report_to, stopper);
      });
    }
    {
      std::unique_ptr<ProgressLine> progress_line;
      if (!flags.quiet && ::isatty(STDERR_FILENO)) {
        progress_line = std::make_unique<ProgressLine>(control, terminal, flags.follow);
      }
      summary = detect::Scan(slot, flags.logs, options, sink, clock, &control);
    }
    stopper.Stop();
    if (refresh.joinable()) refresh.join();
    if (report.joinable()) report.join();
  }
  const double elapsed = Seconds(std::chrono::steady_clock::now() - scan_start);
  std::fflush(out);
  if (out_file) {
    std::FILE* closing = out_file.release();
    if (std::fclose(closing) != 0) return Usage("cannot write " + flags.output);
  }

  for (const detect::InputSummary& input : summary.inputs) {
    if (!input.error) continue;
    std::string line = "error: " + input.name + ": " + input.error->safe_message();
    if (input.lines > 0) line += " (the " + std::to_string(input.lines) + " lines before were scanned)";
    terminal.Say(line);
  }
  {
    char line[400];
    std::snprintf(line, sizeof line,
                  "scanned %zu input(s), %s in %llu lines in %.2f s (%s/s): %llu match(es) of %zu "
                  "indicator(s)",
                  summary.inputs.size(), Bytes(static_cast<double>(summary.bytes)).c_str(),
                  static_cast<unsigned long long>(summary.lines), elapsed,
                  Bytes(elapsed > 0 ? static_cast<double>(summary.bytes) / elapsed : 0).c_str(),
                  static_cast<unsigned long long>(summary.matches), summary.sightings.size());
    std::string text = line;
    if (summary.over_long_lines > 0) {
      text += "; " + std::to_string(summary.over_long_lines) + " line(s) longer than " +
              std::to_string(flags.max_line_bytes) + " bytes skipped";
    }
    terminal.Tell(text);
  }

  const std::int64_t now_millis = ToUnixMillis(clock.Now());
  int exit_code = summary.matches > 0 ? kExitMatches : kExitNoMatch;
  std::string sightings_path = flags.sightings;
  std::optional<Json> unreported;
  if (reporter) {
    Result<std::size_t> posted = std::size_t{0};
    for (int attempt = 1; attempt <= 3; ++attempt) {
      posted = reporter->Report(summary.sightings, now_millis);
      if (posted.ok()) break;
      if (attempt < 3) std::this_thread::sleep_for(Backoff(attempt, std::chrono::seconds(4)));
    }
    if (posted.ok()) {
      terminal.Tell("reported " + std::to_string(*posted) + " sighting(s) to " + flags.report_to);
    } else {
      terminal.Say("error: sightings not reported to " + flags.report_to + ": " +
                   posted.error().safe_message());
      unreported = reporter->Bundle(summary.sightings, now_millis);
      if (sightings_path.empty()) {
        sightings_path = "fincyber-sightings-" + std::to_string(now_millis) + ".json";
      }
      exit_code = kExitNotReported;
    }
  }
  if (!sightings_path.empty()) {
    detect::SightingOptions sighting_options;
    sighting_options.identity = reporter ? reporter->identity() : flags.identity;
    sighting_options.now_millis = now_millis;
    sighting_options.new_uuid = [] { return NewUuid(); };
    detect::SightingsResult sightings = detect::SightingsBundle(summary.sightings, sighting_options);
    if (unreported) sightings.bundle = std::move(*unreported);
    if (!WriteFile(sightings_path, DumpJson(sightings.bundle))) {
      return Usage("cannot write " + sightings_path);
    }
    std::string line = "wrote " + std::to_string(sightings.sightings) + " sighting(s) to " + sightings_path;
    if (sightings.without_stix_id > 0) {
      line += " (" + std::to_string(sightings.without_stix_id) +
              " indicator(s) without a STIX id left out)";
    }
    if (unreported) terminal.Say(line); else terminal.Tell(line);
  }
  if (!summary.complete()) return kExitPartial;
  return exit_code;
}

}  // namespace

void AddMatchCommand(CLI::App& cli, int& exit_code) {
  auto flags = std::make_shared<MatchFlags>();
  auto* match = cli.add_subcommand(
      "match", "Scan logs for shared indicators; write matches and STIX sightings");
  match->footer(
      "Exit codes: 0 no match, 1 matches found, 2 usage or indicator problem (nothing "
      "scanned),\n3 an input not read to its end (or stopped by SIGINT/SIGTERM without "
      "--follow),\n4 no indicator set (TAXII source failed and no saved state), 5 sightings "
      "not posted\nto the hub (written to a file instead).");
  match->add_option("logs", flags->logs, "log files, plain or gzip ('-' or none: stdin)");
  match->add_option("--indicators", flags->indicator_files,
                    "STIX 2.1 bundle or CSV (type,value[,id]) of indicators (repeat)")
      ->allow_extra_args(false);
  match->add_option("--taxii", flags->taxii_url,
                    "pull indicators from this TAXII 2.1 server (discovery URL, .../taxii2/)");
  match->add_option("--collection", flags->collection, "TAXII collection id to pull");
  match->add_option("--token", flags->token,
                    std::string("API token for the hub (or ") + kTokenVariable + ")");
  match->add_option("--state", flags->state,
                    "file keeping the pulled indicators between runs (default: "
                    ".fincyber-match-<hash of URL and collection>.state here)");
  match->add_option("--refresh", flags->refresh_seconds,
                    "pull again (and re-read changed indicator files) every SECONDS while "
                    "scanning; 0: never")
      ->check(CLI::Range(0, 86400 * 7))
      ->capture_default_str();
  match->add_flag("--follow", flags->follow,
                  "keep reading the log files as they grow, across rotation and truncation, "
                  "until SIGINT or SIGTERM");
  match->add_option("--report-to", flags->report_to,
                    "post the sightings to this TAXII 2.1 server (discovery URL)");
  match->add_option("--report-collection", flags->report_collection,
                    "collection for the sightings (default: --collection)");
  match->add_option("--report-token", flags->report_token,
                    "API token for posting sightings (default: --token)");
  match->add_option("--report-every", flags->report_every_seconds,
                    "with --follow, post the sightings so far every SECONDS")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  match->add_option("--format", flags->format, "log format: " + detect::LogFormatChoices())
      ->capture_default_str();
  match->add_option("--json-field", flags->json_fields,
                    "KIND=PATH for JSON logs, e.g. url=request.url, time=ts (repeat)")
      ->allow_extra_args(false);
  match->add_option("--threads", flags->threads, "threads scanning (--follow: one per file)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  match->add_option("--output", flags->output, "file for the JSON match lines ('-': stdout)")
      ->capture_default_str();
  match->add_option("--sightings", flags->sightings, "write a STIX bundle of sightings here");
  match->add_option("--identity", flags->identity,
                    "identity--<UUID> of this institution, for the sightings (with "
                    "--report-to, default: the token's organisation on the hub)");
  match->add_option("--max-line-bytes", flags->max_line_bytes,
                    "lines longer than this are skipped and counted")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
      ->capture_default_str();
  match->add_option("--record-bytes", flags->record_bytes,
                    "bytes of a matched record kept in its match line")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 20))
      ->capture_default_str();
  match->add_flag("--quiet", flags->quiet,
                  "no progress, indicator warnings, summary or notices on stderr (errors and "
                  "failures of the hub still)");
  match->callback([flags, &exit_code] { exit_code = RunMatch(*flags); });
}

}  // namespace fincyber::app
