#include "app/match_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "base/clock.h"
#include "base/crypto.h"
#include "detect/indicator_files.h"
#include "detect/report.h"
#include "detect/scan.h"

namespace fincyber::app {
namespace {

constexpr int kExitNoMatch = 0;
constexpr int kExitMatches = 1;
constexpr int kExitUsage = 2;
constexpr int kExitPartial = 3;
constexpr std::size_t kShownWarnings = 50;

struct MatchFlags {
  std::vector<std::string> indicator_files;
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

// Writes match lines to a file or stdout through a large buffer.
class JsonLinesSink final : public detect::MatchSink {
 public:
  JsonLinesSink(const detect::Matcher& matcher, const std::vector<std::string>& names,
                std::FILE* out)
      : matcher_(matcher), names_(names), out_(out) {}
  void Write(const std::vector<detect::Match>& matches) override {
    for (const detect::Match& match : matches) {
      const std::string line = detect::MatchToJsonLine(matcher_, names_[match.input], match);
      std::fwrite(line.data(), 1, line.size(), out_);
      std::fputc('\n', out_);
    }
  }

 private:
  const detect::Matcher& matcher_;
  const std::vector<std::string>& names_;
  std::FILE* out_;
};

// "12.3 GB of 40.0 GB, 850 MB/s, ETA 0:33" on one terminal line, twice a second.
class ProgressLine {
 public:
  explicit ProgressLine(const detect::ScanProgress& progress)
      : progress_(progress), start_(std::chrono::steady_clock::now()), thread_([this] { Run(); }) {}
  ~ProgressLine() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
    std::fprintf(stderr, "\r\033[K");
  }

 private:
  void Run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(500), [this] { return done_; })) {
      const double read = static_cast<double>(progress_.bytes_read.load(std::memory_order_relaxed));
      const double elapsed = Seconds(std::chrono::steady_clock::now() - start_);
      const double rate = elapsed > 0 ? read / elapsed : 0;
      std::string line = Bytes(read);
      const double total = static_cast<double>(progress_.bytes_total);
      if (total > 0) line += " of " + Bytes(total);
      line += ", " + Bytes(rate) + "/s";
      if (total > 0 && rate > 0 && read < total) {
        const auto eta = static_cast<long>((total - read) / rate);
        char text[32];
        std::snprintf(text, sizeof text, ", ETA %ld:%02ld", eta / 60, eta % 60);
        line += text;
      }
      std::fprintf(stderr, "\r\033[K%s", line.c_str());
      std::fflush(stderr);
    }
  }

  const detect::ScanProgress& progress_;
  const std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;  // guarded by mutex_
  std::thread thread_;
};

int Usage(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return kExitUsage;
}

void PrintLoadReport(const detect::LoadReport& report) {
  for (std::size_t i = 0; i < report.warnings.size() && i < kShownWarnings; ++i) {
    const detect::LoadWarning& w = report.warnings[i];
    std::cerr << "warning: " << (w.indicator_id.empty() ? "" : "indicator " + w.indicator_id + ": ")
              << w.message << "\n";
  }
  const std::uint64_t hidden =
      report.warnings_dropped + (report.warnings.size() > kShownWarnings
                                     ? report.warnings.size() - kShownWarnings
                                     : 0);
  if (hidden > 0) std::cerr << "warning: ... and " << hidden << " more\n";
  std::cerr << "indicators used: " << report.indicators << " (domains " << report.domains
            << ", URLs " << report.urls << ", IP addresses and ranges " << report.ip_ranges
            << ", e-mail addresses " << report.emails << ", hashes " << report.hashes << ")";
  const std::uint64_t not_used = report.invalid + report.needs_state;
  if (not_used > 0) {
    std::cerr << "; not used: " << not_used << " (" << report.invalid << " invalid or not found in logs, "
              << report.needs_state << " needing several records)";
  }
  if (report.partly_used > 0) std::cerr << "; used in part: " << report.partly_used;
  if (report.revoked_or_expired > 0) std::cerr << "; revoked or expired: " << report.revoked_or_expired;
  if (report.not_stix_patterns > 0) std::cerr << "; other pattern types: " << report.not_stix_patterns;
  std::cerr << "\n";
}

int RunMatch(MatchFlags flags) {
  const SystemClock clock;
  if (flags.indicator_files.empty()) return Usage("--indicators FILE is required");
  if (!flags.identity.empty() && !detect::IsStixIdentifier(flags.identity, "identity")) {
    return Usage("--identity must be a STIX identity id, identity--<UUID>");
  }
  detect::ScanOptions options;
  const auto format = detect::ParseLogFormat(flags.format);
  if (!format) return Usage("--format must be auto, text, squid, clf, bind, zeek or json");
  options.format = *format;
  for (const std::string& mapping : flags.json_fields) {
    auto field = detect::ParseJsonField(mapping);
    if (!field.ok()) return Usage(field.error().safe_message());
    options.json_fields.push_back(std::move(field).value());
  }
  options.threads = flags.threads;
  options.max_line_bytes = flags.max_line_bytes;
  options.record_bytes = flags.record_bytes;
  if (flags.logs.empty()) flags.logs.push_back("-");
  if (std::count(flags.logs.begin(), flags.logs.end(), "-") > 1) {
    return Usage("stdin ('-') can be read once");
  }

  const auto load_start = std::chrono::steady_clock::now();
  detect::MatcherBuilder builder;
  detect::IndicatorFileOptions file_options;
  file_options.now_millis = ToUnixMillis(clock.Now());
  for (const std::string& path : flags.indicator_files) {
    Status loaded = detect::LoadIndicatorFile(path, file_options, builder);
    if (!loaded.ok()) {
      if (!flags.quiet) PrintLoadReport(builder.report());
      return Usage(loaded.error().internal_message());
    }
  }
  auto built = builder.Build();
  if (!flags.quiet) PrintLoadReport(builder.report());
  if (!built.ok()) return Usage(built.error().safe_message());
  const detect::Matcher& matcher = **built;
  if (!flags.quiet) {
    std::fprintf(stderr, "loaded and compiled in %.2f s; matcher %s\n",
                 Seconds(std::chrono::steady_clock::now() - load_start),
                 Bytes(static_cast<double>(matcher.MemoryBytes())).c_str());
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

  JsonLinesSink sink(matcher, flags.logs, out);
  detect::ScanProgress progress;
  const auto scan_start = std::chrono::steady_clock::now();
  detect::ScanSummary summary;
  {
    std::unique_ptr<ProgressLine> progress_line;
    if (!flags.quiet && ::isatty(STDERR_FILENO)) {
      progress_line = std::make_unique<ProgressLine>(progress);
    }
    summary = detect::Scan(matcher, flags.logs, options, sink, clock, &progress);
  }
  const double elapsed = Seconds(std::chrono::steady_clock::now() - scan_start);
  std::fflush(out);
  if (out_file) {
    std::FILE* closing = out_file.release();
    if (std::fclose(closing) != 0) return Usage("cannot write " + flags.output);
  }

  for (const detect::InputSummary& input : summary.inputs) {
    if (!input.error) continue;
    std::cerr << "error: " << input.name << ": " << input.error->safe_message();
    if (input.lines > 0) std::cerr << " (the " << input.lines << " lines before were scanned)";
    std::cerr << "\n";
  }
  if (!flags.quiet) {
    std::fprintf(stderr,
                 "scanned %zu input(s), %s in %llu lines in %.2f s (%s/s): %llu match(es) of %zu "
                 "indicator(s)",
                 summary.inputs.size(), Bytes(static_cast<double>(summary.bytes)).c_str(),
                 static_cast<unsigned long long>(summary.lines), elapsed,
                 Bytes(elapsed > 0 ? static_cast<double>(summary.bytes) / elapsed : 0).c_str(),
                 static_cast<unsigned long long>(summary.matches), summary.sightings.size());
    if (summary.over_long_lines > 0) {
      std::fprintf(stderr, "; %llu line(s) longer than %zu bytes skipped",
                   static_cast<unsigned long long>(summary.over_long_lines), flags.max_line_bytes);
    }
    std::fprintf(stderr, "\n");
  }

  if (!flags.sightings.empty()) {
    detect::SightingOptions sighting_options;
    sighting_options.identity = flags.identity;
    sighting_options.now_millis = ToUnixMillis(clock.Now());
    sighting_options.new_uuid = [] { return NewUuid(); };
    const detect::SightingsResult sightings =
        detect::SightingsBundle(matcher, summary.sightings, sighting_options);
    std::ofstream file(flags.sightings, std::ios::binary | std::ios::trunc);
    file << DumpJson(sightings.bundle) << "\n";
    file.close();
    if (!file) return Usage("cannot write " + flags.sightings);
    if (!flags.quiet) {
      std::cerr << "wrote " << sightings.sightings << " sighting(s) to " << flags.sightings;
      if (sightings.without_stix_id > 0) {
        std::cerr << " (" << sightings.without_stix_id
                  << " indicator(s) without a STIX id left out)";
      }
      std::cerr << "\n";
    }
  }
  if (!summary.complete()) return kExitPartial;
  return summary.matches > 0 ? kExitMatches : kExitNoMatch;
}

}  // namespace

void AddMatchCommand(CLI::App& cli, int& exit_code) {
  auto flags = std::make_shared<MatchFlags>();
  auto* match = cli.add_subcommand(
      "match", "Scan logs for shared indicators; write matches and STIX sightings");
  match->add_option("logs", flags->logs, "log files, plain or gzip ('-' or none: stdin)");
  match->add_option("--indicators", flags->indicator_files,
                    "STIX 2.1 bundle or CSV (type,value[,id]) of indicators (repeat)")
      ->allow_extra_args(false);
  match->add_option("--format", flags->format,
                    "log format: auto, text, squid, clf, bind, zeek, json")
      ->capture_default_str();
  match->add_option("--json-field", flags->json_fields,
                    "KIND=PATH for JSON logs, e.g. url=request.url, time=ts (repeat)")
      ->allow_extra_args(false);
  match->add_option("--threads", flags->threads, "threads scanning")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  match->add_option("--output", flags->output, "file for the JSON match lines ('-': stdout)")
      ->capture_default_str();
  match->add_option("--sightings", flags->sightings, "write a STIX bundle of sightings here");
  match->add_option("--identity", flags->identity,
                    "identity--<UUID> of this institution, for the sightings");
  match->add_option("--max-line-bytes", flags->max_line_bytes,
                    "lines longer than this are skipped and counted")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
      ->capture_default_str();
  match->add_option("--record-bytes", flags->record_bytes,
                    "bytes of a matched record kept in its match line")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 20))
      ->capture_default_str();
  match->add_flag("--quiet", flags->quiet, "no progress, warnings or summary on stderr");
  match->callback([flags, &exit_code] { exit_code = RunMatch(*flags); });
}

}  // namespace fincyber::app
