// Parsing and observable extraction of typical indicator patterns, one core:
//   cmake --build <build> --target stix_pattern_bench && <build>/src/stix/stix_pattern_bench
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "stix/observable.h"
#include "stix/pattern.h"

namespace {

// The shapes an import of a feed mostly holds: one equality on an address, name or hash.
std::vector<std::string> SimplePatterns() {
  std::vector<std::string> patterns;
  for (int i = 0; i < 1000; ++i) {
    const std::string n = std::to_string(i);
    switch (i % 4) {
      case 0:
        patterns.push_back("[domain-name:value = 'host" + n + ".evil.example']");
        break;
      case 1:
        patterns.push_back("[ipv4-addr:value = '203.0." + std::to_string(i % 250) + ".7']");
        break;
      case 2:
        patterns.push_back("[file:hashes.'SHA-256' = '" + std::string(60, 'a') +
                           std::to_string(1000 + i) + "']");
        break;
      default:
        patterns.push_back("[url:value = 'http://evil.example/p/" + n + "?q=1']");
        break;
    }
  }
  return patterns;
}

const std::string kCompound =
    "([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4' AND file:size > 1024] FOLLOWEDBY "
    "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar' OR "
    "network-traffic:dst_ref.value ISSUBSET '198.51.100.0/24']) WITHIN 300 SECONDS";

void BM_ParseSimplePattern(benchmark::State& state) {
  const std::vector<std::string> patterns = SimplePatterns();
  std::size_t i = 0;
  for (auto _ : state) {
    auto pattern = fincyber::stix::ParsePattern(patterns[i++ % patterns.size()]);
    benchmark::DoNotOptimize(pattern);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseSimplePattern);

void BM_ObservablesOfSimplePattern(benchmark::State& state) {
  const std::vector<std::string> patterns = SimplePatterns();
  std::size_t i = 0;
  for (auto _ : state) {
    auto observables = fincyber::stix::ObservablesOfPattern(patterns[i++ % patterns.size()]);
    benchmark::DoNotOptimize(observables);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ObservablesOfSimplePattern);

void BM_ParseCompoundPattern(benchmark::State& state) {
  for (auto _ : state) {
    auto pattern = fincyber::stix::ParsePattern(kCompound);
    benchmark::DoNotOptimize(pattern);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseCompoundPattern);

void BM_NormaliseInternationalDomain(benchmark::State& state) {
  for (auto _ : state) {
    auto observable = fincyber::stix::NormaliseObservable("domain-name", "value", "日本銀行.jp");
    benchmark::DoNotOptimize(observable);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NormaliseInternationalDomain);

}  // namespace
