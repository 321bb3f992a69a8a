// Loading and compiling indicator sets, in process (see bench/match/README.md):
//   cmake --build <build> --target match_load_bench
//   <build>/src/detect/match_load_bench [--repeat N] [--keep-previous] [--load-threads N]
//                                       [--scan LOG] [--threads N] FILE...
// Each round reads every FILE into one MatcherBuilder and builds the Matcher, as `fincyber
// match --indicators FILE...` does (CSV rows and bundle objects prepared on a second
// thread, or on the calling thread with --load-threads 1), and prints the CPU time (user +
// system, getrusage) and wall time of reading and of building, the CPU time of reading on
// the calling thread alone (about the wall time of reading when the second thread has a
// core of its own), the matcher's size and the process's peak resident memory so far. With
// --scan, the round then scans LOG on one thread, or N with --threads (as `fincyber match
// --threads N`, matches counted, not written), and prints that CPU time (of all threads),
// the wall time and the rates they give. With --keep-previous, each round's matcher is kept
// until the next one is built, as a refresh of `fincyber match` keeps the running one: the
// peak RSS of the second round is then that of a refresh. CPU time is what counts on a
// shared machine.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "detect/indicator_files.h"
#include "detect/matcher.h"
#include "detect/scan.h"

namespace {

struct Sample {
  double cpu_seconds = 0;         // of the process
  double main_cpu_seconds = 0;    // of the calling thread alone
  std::chrono::steady_clock::time_point wall;
};

Sample Now() {
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  rusage thread_usage{};
  getrusage(RUSAGE_THREAD, &thread_usage);
  return {seconds(usage.ru_utime) + seconds(usage.ru_stime),
          seconds(thread_usage.ru_utime) + seconds(thread_usage.ru_stime),
          std::chrono::steady_clock::now()};
}

double WallSeconds(const Sample& from, const Sample& to) {
  return std::chrono::duration<double>(to.wall - from.wall).count();
}

// Counts the matches instead of writing them.
class CountingSink final : public fincyber::detect::MatchSink {
 public:
  void Write(const std::vector<fincyber::detect::Match>& matches) override {
    count += matches.size();
  }
  std::size_t count = 0;
};

long PeakRssKib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 1;
  std::vector<std::string> files;
  std::string scan_log;
  bool keep_previous = false;
  int threads = 1;
  int load_threads = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--keep-previous") {
      keep_previous = true;
    } else if (arg == "--scan" && i + 1 < argc) {
      scan_log = argv[++i];
    } else if (arg == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (arg == "--load-threads" && i + 1 < argc) {
      load_threads = std::atoi(argv[++i]);
    } else if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else {
      files.emplace_back(arg);
    }
  }
  if (files.empty() || repeat < 1 || threads < 1 || load_threads < 1) {
    std::fprintf(stderr,
                 "usage: match_load_bench [--repeat N] [--keep-previous] [--load-threads N] "
                 "[--scan LOG] [--threads N] FILE...\n");
    return 2;
  }
  fincyber::detect::IndicatorFileOptions options;
  options.now_millis = fincyber::ToUnixMillis(fincyber::SystemClock().Now());
  options.threads = load_threads;
  std::unique_ptr<const fincyber::detect::Matcher> previous;
  for (int round = 0; round < repeat; ++round) {
    fincyber::detect::MatcherBuilder builder;
    const Sample start = Now();
    for (const std::string& file : files) {
      auto loaded = fincyber::detect::LoadIndicatorFile(file, options, builder);
      if (!loaded.ok()) {
        std::fprintf(stderr, "%s\n", loaded.error().internal_message().c_str());
        return 1;
      }
    }
    const Sample read = Now();
    auto matcher = builder.Build();
    const Sample built = Now();
    if (!matcher.ok()) {
      std::fprintf(stderr, "%s\n", matcher.error().internal_message().c_str());
      return 1;
    }
    std::printf(
        "round=%d indicators=%zu read_cpu_s=%.3f read_main_thread_cpu_s=%.3f build_cpu_s=%.3f "
        "total_cpu_s=%.3f read_wall_s=%.3f build_wall_s=%.3f total_wall_s=%.3f matcher_mb=%.1f "
        "peak_rss_mb=%.0f invalid=%llu\n",
        round + 1, (*matcher)->indicator_count(), read.cpu_seconds - start.cpu_seconds,
        read.main_cpu_seconds - start.main_cpu_seconds, built.cpu_seconds - read.cpu_seconds,
        built.cpu_seconds - start.cpu_seconds, WallSeconds(start, read), WallSeconds(read, built),
        WallSeconds(start, built), static_cast<double>((*matcher)->MemoryBytes()) / 1e6,
        static_cast<double>(PeakRssKib()) / 1024.0,
        static_cast<unsigned long long>(builder.report().invalid));
    if (keep_previous) previous = std::move(*matcher);
    if (scan_log.empty()) continue;
    CountingSink sink;
    const fincyber::SystemClock clock;
    const Sample scan_start = Now();
    fincyber::detect::ScanOptions scan_options;
    scan_options.threads = threads;
    const auto summary = fincyber::detect::Scan(keep_previous ? *previous : **matcher, {scan_log},
                                                scan_options, sink, clock);
    const Sample scanned = Now();
    const double cpu = scanned.cpu_seconds - scan_start.cpu_seconds;
    const double wall = WallSeconds(scan_start, scanned);
    const double megabytes = static_cast<double>(summary.bytes) / 1e6;
    std::printf(
        "round=%d threads=%d scan_bytes=%llu scan_cpu_s=%.3f scan_mb_per_cpu_s=%.0f "
        "scan_wall_s=%.3f scan_mb_per_wall_s=%.0f matches=%zu\n",
        round + 1, threads, static_cast<unsigned long long>(summary.bytes), cpu, megabytes / cpu,
        wall, megabytes / wall, sink.count);
  }
  return 0;
}
