// The sharing hub benchmark's driver (see bench/hub/README.md). Each subcommand measures
// one figure and prints it as `key=value` lines for run.sh:
//   setup      an ISAC, an analyst, a trust group, a collection and an API token
//   import     a bundle into a collection through SharingService::AddObjects, in batches
//   post       a bundle to a running server through TAXII POST, one envelope per batch,
//              timed until every envelope is stored (pending statuses are polled)
//   page       every object of a collection through TAXII GET, `limit` per page
//   correlate  SharingService::Correlate on a sample of stored indicators: latency
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/platform.h"
#include "base/outbound_http.h"
#include "identity/auth.h"
#include "identity/directory.h"
#include "identity/groups.h"
#include "sharing/bundle_stream.h"
#include "sharing/import_pipeline.h"
#include "sharing/service.h"
#include "taxii/client.h"

namespace fincyber {
namespace {

using Seconds = std::chrono::duration<double>;
const identity::Principal kOperator = identity::OperatorPrincipal();
const sharing::RequestInfo kInfo{"127.0.0.1", "hub-bench"};

int Fail(const Error& error) {
  std::cerr << "hub_bench: " << error.internal_message() << "\n";
  return 1;
}

Result<std::unique_ptr<app::Platform>> OpenDatabase(const std::string& database) {
  app::Config config;
  config.database = database;
  return app::Platform::Open(config);
}

Result<identity::Principal> PrincipalOf(store::Database& db, const std::string& username) {
  return db.ReadValue<identity::Principal>(
      [&](store::Connection& c) -> Result<identity::Principal> {
        FC_ASSIGN_OR_RETURN(identity::User user,
                            identity::FindUserByUsername(c, kOperator, username));
        FC_ASSIGN_OR_RETURN(identity::Org org, identity::GetOrg(c, kOperator, user.org_id));
        identity::Principal p;
        p.user_id = user.id;
        p.username = user.username;
        p.org_id = org.id;
        p.org_kind = org.kind;
        p.role = user.role;
        return p;
      });
}

void PrintRate(std::uint64_t objects, Seconds elapsed) {
  std::printf("objects=%llu\nseconds=%.3f\nobjects_per_second=%.0f\n",
              static_cast<unsigned long long>(objects), elapsed.count(),
              elapsed.count() > 0 ? static_cast<double>(objects) / elapsed.count() : 0.0);
}

int Setup(const std::string& database, const std::string& username) {
  auto platform = OpenDatabase(database);
  if (!platform.ok()) return Fail(platform.error());
  app::Platform& p = **platform;
  std::string token;
  Status seeded = p.db().Transact([&](store::Connection& c) -> Status {
    FC_ASSIGN_OR_RETURN(
        identity::Org isac,
        identity::CreateOrg(c, p.clock(), kOperator,
                            {identity::OrgKind::kIsac, {}, "ベンチISAC", "Benchmark ISAC", {}}));
    FC_ASSIGN_OR_RETURN(
        identity::User analyst,
        identity::CreateUser(c, p.clock(), kOperator,
                             {isac.id, username, username, identity::Role::kIsacAnalyst,
                              "benchmark-password-not-secret", "en"},
                             /*password_hash_fast=*/true));
    FC_ASSIGN_OR_RETURN(auto created, identity::CreateToken(c, p.clock(), kOperator, analyst.id,
                                                            "benchmark", std::nullopt));
    token = created.second;
    return OkStatus();
  });
  if (!seeded.ok()) return Fail(seeded.error());
  auto analyst = PrincipalOf(p.db(), username);
  if (!analyst.ok()) return Fail(analyst.error());
  auto group = p.db().TransactValue<identity::TrustGroup>([&](store::Connection& c) {
    return identity::CreateGroup(c, p.clock(), *analyst,
                                 {"ベンチ会員", "bench members", "", {analyst->org_id}});
  });
  if (!group.ok()) return Fail(group.error());
  auto collection = p.sharing().CreateCollection(
      *analyst, {"Benchmark", "", "bench", group->id, group->id, stix::Tlp::kGreen}, kInfo);
  if (!collection.ok()) return Fail(collection.error());
  std::printf("collection=%s\ntoken=%s\n", collection->id.c_str(), token.c_str());
  return 0;
}

// Reads the bundle and hands its objects to `add` in batches of `batch`.
Result<std::uint64_t> InBatches(
    const std::string& bundle, std::size_t batch,
    const std::function<Result<std::uint64_t>(std::vector<sharing::IncomingObject>&)>& add) {
  std::vector<sharing::IncomingObject> pending;
  std::uint64_t failed = 0;
  auto flush = [&]() -> Status {
    if (pending.empty()) return OkStatus();
    FC_ASSIGN_OR_RETURN(std::uint64_t batch_failures, add(pending));
    failed += batch_failures;
    pending.clear();
    return OkStatus();
  };
  FC_ASSIGN_OR_RETURN(auto summary,
                      sharing::ReadBundleFile(bundle, {}, [&](sharing::BundleObject& o) -> Status {
                        if (!o.json.ok()) return o.json.error();
                        pending.push_back({std::move(*o.json), std::string(o.raw)});
                        if (pending.size() >= batch) return flush();
                        return OkStatus();
                      }));
  FC_RETURN_IF_ERROR(flush());
  if (failed > 0) std::printf("failed=%llu\n", static_cast<unsigned long long>(failed));
  return summary.objects;
}

// As `fincyber import` does: the bundle read and validated on this thread while the
// batch before is stored on another (sharing::ImportPipeline); `one_thread` stores each
// batch with AddObjects before reading on, as ingest did before the pipeline.
int Import(const std::string& database, const std::string& username, const std::string& collection,
           const std::string& bundle, std::size_t batch, bool one_thread,
           std::size_t objects_per_transaction) {
  auto platform = OpenDatabase(database);
  if (!platform.ok()) return Fail(platform.error());
  auto principal = PrincipalOf((*platform)->db(), username);
  if (!principal.ok()) return Fail(principal.error());
  const auto start = std::chrono::steady_clock::now();
  Result<std::uint64_t> objects = std::uint64_t{0};
  if (one_thread) {
    objects = InBatches(
        bundle, batch, [&](std::vector<sharing::IncomingObject>& objects) -> Result<std::uint64_t> {
          FC_ASSIGN_OR_RETURN(
              sharing::AddReport report,
              (*platform)->sharing().AddObjects(*principal, collection, objects, kInfo));
          if (!report.failures.empty()) std::cerr << report.failures[0].message << "\n";
          return report.failures.size();
        });
  } else {
    std::uint64_t failed = 0;
    sharing::ImportPipeline pipeline(
        (*platform)->sharing(), *principal, collection, kInfo,
        {.max_objects = batch,
         .max_bytes = std::size_t{16} << 20,
         .queued_batches = 1,
         .max_objects_per_transaction =
             objects_per_transaction > 0 ? std::optional(objects_per_transaction) : std::nullopt,
         .max_transaction_time = std::chrono::milliseconds(1000)},
        [&](const sharing::AddReport& report) {
          if (!report.failures.empty()) std::cerr << report.failures[0].message << "\n";
          failed += report.failures.size();
        });
    auto summary = sharing::ReadBundleFile(bundle, {}, [&](sharing::BundleObject& o) -> Status {
      if (!o.json.ok()) return o.json.error();
      return pipeline.Add(std::move(*o.json), std::string(o.raw));
    });
    Status flushed = pipeline.Flush();
    if (!summary.ok()) return Fail(summary.error());
    if (!flushed.ok()) return Fail(flushed.error());
    if (failed > 0) std::printf("failed=%llu\n", static_cast<unsigned long long>(failed));
    objects = summary->objects;
  }
  if (!objects.ok()) return Fail(objects.error());
  PrintRate(*objects, std::chrono::steady_clock::now() - start);
  return 0;
}

taxii::ClientOptions ClientFor(const std::string& token) {
  taxii::ClientOptions options;
  options.bearer_token = token;
  options.timeout = std::chrono::minutes(10);
  options.max_attempts = 1;
  return options;
}

// Envelopes are read from the bundle on this thread and POSTed by `connections` threads,
// each with its own client, at most one envelope waiting per thread.
int Post(const std::string& url, const std::string& token, const std::string& collection,
         const std::string& bundle, std::size_t batch, int connections) {
  const std::string api_root = url + "/taxii2/api1/";
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::vector<Json>> queue;
  bool done = false;
  std::uint64_t failed = 0;
  std::vector<std::string> pending;  // status ids answered "pending"
  std::optional<Error> error;
  std::vector<std::thread> posters;
  for (int i = 0; i < connections; ++i) {
    posters.emplace_back([&] {
      auto http = MakeCurlHttp();
      taxii::ClientOptions options = ClientFor(token);
      // As a federation peer would: a 503 (a POST that waited too long for another's
      // lock on the collection) is retried after a pause, which counts in the rate.
      options.max_attempts = 5;
      taxii::TaxiiClient client(*http, options);
      while (true) {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return !queue.empty() || done; });
        if (queue.empty()) return;
        std::vector<Json> envelope = std::move(queue.front());
        queue.pop_front();
        changed.notify_all();
        lock.unlock();
        auto status = client.AddObjects(api_root, collection, envelope);
        lock.lock();
        if (!status.ok()) {
          if (!error) error = status.error();
        } else if (!status->complete()) {
          pending.push_back(status->id);
        } else {
          if (!status->failures.empty()) std::cerr << status->failures[0].message << "\n";
          failed += static_cast<std::uint64_t>(status->failure_count);
        }
      }
    });
  }
  const auto start = std::chrono::steady_clock::now();
  auto objects = InBatches(
      bundle, batch, [&](std::vector<sharing::IncomingObject>& objects) -> Result<std::uint64_t> {
        std::vector<Json> envelope;
        envelope.reserve(objects.size());
        for (auto& o : objects) envelope.push_back(std::move(o.object));
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return queue.size() < static_cast<std::size_t>(connections); });
        queue.push_back(std::move(envelope));
        changed.notify_all();
        return std::uint64_t{0};
      });
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  changed.notify_all();
  for (auto& poster : posters) poster.join();
  if (!objects.ok()) return Fail(objects.error());
  if (error) return Fail(*error);
  // The rate counts until every envelope is stored: each pending status is polled until
  // complete (the server stores them in the order it accepted them).
  if (!pending.empty()) {
    auto http = MakeCurlHttp();
    taxii::TaxiiClient client(*http, ClientFor(token));
    for (const std::string& id : pending) {
      auto status = client.WaitForStatus(api_root, id, std::chrono::milliseconds(20), 1'000'000);
      if (!status.ok()) return Fail(status.error());
      failed += static_cast<std::uint64_t>(status->failure_count);
    }
    std::printf("answered_pending=%zu\n", pending.size());
  }
  if (failed > 0) std::printf("failed=%llu\n", static_cast<unsigned long long>(failed));
  PrintRate(*objects, std::chrono::steady_clock::now() - start);
  return 0;
}

int Page(const std::string& url, const std::string& token, const std::string& collection,
         int limit) {
  auto http = MakeCurlHttp();
  taxii::ClientOptions options = ClientFor(token);
  options.max_response_bytes = std::size_t{256} << 20;
  taxii::TaxiiClient client(*http, options);
  taxii::ObjectFilter filter;
  filter.limit = limit;
  const auto start = std::chrono::steady_clock::now();
  auto pulled = client.PullObjects(url + "/taxii2/api1/", collection, filter,
                                   [](taxii::ObjectsPage&) { return OkStatus(); });
  if (!pulled.ok()) return Fail(pulled.error());
  PrintRate(pulled->objects, std::chrono::steady_clock::now() - start);
  std::printf("pages=%llu\n", static_cast<unsigned long long>(pulled->pages));
  return 0;
}

int Correlate(const std::string& database, const std::string& username, int samples) {
  auto platform = OpenDatabase(database);
  if (!platform.ok()) return Fail(platform.error());
  auto principal = PrincipalOf((*platform)->db(), username);
  if (!principal.ok()) return Fail(principal.error());
  // Indicators spread evenly over the store, the first page of each stride.
  auto ids = (*platform)->db().ReadValue<std::vector<std::string>>(
      [&](store::Connection& c) -> Result<std::vector<std::string>> {
        FC_ASSIGN_OR_RETURN(auto count, c.QueryOne("SELECT COUNT(*) FROM shared_objects WHERE "
                                                   "type = 'indicator'",
                                                   {}, "count"));
        const std::int64_t stride = std::max<std::int64_t>(1, count.GetInt(0) / samples);
        FC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT stix_id FROM shared_objects WHERE type = "
                                               "'indicator' AND row_id % ? = 0 LIMIT ?",
                                               {stride, std::int64_t{samples}}));
        std::vector<std::string> out;
        for (const auto& row : rows) out.push_back(row.GetString(0));
        return out;
      });
  if (!ids.ok()) return Fail(ids.error());
  if (ids->empty()) return Fail(NotFound("no indicators stored"));
  std::vector<double> millis;
  std::uint64_t related = 0;
  for (const auto& id : *ids) {
    const auto start = std::chrono::steady_clock::now();
    auto correlation = (*platform)->sharing().Correlate(*principal, id);
    millis.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    if (!correlation.ok()) return Fail(correlation.error());
    related += correlation->related.size();
  }
  std::sort(millis.begin(), millis.end());
  auto at = [&](double q) {
    return millis[std::min(millis.size() - 1, static_cast<std::size_t>(q * millis.size()))];
  };
  std::printf("lookups=%zu\nwith_related=%llu\np50_ms=%.3f\np99_ms=%.3f\nmax_ms=%.3f\n",
              millis.size(), static_cast<unsigned long long>(related), at(0.5), at(0.99),
              millis.back());
  return 0;
}

}  // namespace
}  // namespace fincyber

int main(int argc, char** argv) {
  using namespace fincyber;
  CLI::App cli{"sharing hub benchmark driver"};
  cli.require_subcommand(1);
  int exit_code = 0;
  std::string database, username = "bench.analyst", collection, bundle, url, token;
  std::size_t batch = 1000;
  int limit = 1000, samples = 1000;

  auto* setup = cli.add_subcommand("setup", "Create the ISAC, analyst, group, collection, token");
  setup->add_option("--database", database)->required();
  setup->add_option("--user", username);
  setup->callback([&] { exit_code = Setup(database, username); });

  auto* import_command =
      cli.add_subcommand("import", "Store a bundle through SharingService::AddObjects");
  import_command->add_option("--database", database)->required();
  import_command->add_option("--user", username);
  import_command->add_option("--collection", collection)->required();
  import_command->add_option("--bundle", bundle)->required();
  import_command->add_option("--batch", batch)->capture_default_str();
  bool one_thread = false;
  import_command->add_flag("--one-thread", one_thread, "Store each batch before reading on");
  std::size_t objects_per_transaction = 0;
  import_command->add_option("--objects-per-transaction", objects_per_transaction,
                             "Batches stored together in one transaction up to this many objects "
                             "(default: as fincyber import does on the backend)");
  import_command->callback([&] {
    exit_code =
        Import(database, username, collection, bundle, batch, one_thread, objects_per_transaction);
  });

  auto* post = cli.add_subcommand("post", "POST a bundle over TAXII, one envelope per batch");
  post->add_option("--url", url, "http://HOST:PORT")->required();
  post->add_option("--token", token)->required();
  post->add_option("--collection", collection)->required();
  post->add_option("--bundle", bundle)->required();
  post->add_option("--batch", batch)->capture_default_str();
  int connections = 1;
  post->add_option("--connections", connections, "Envelopes POSTed at once")->capture_default_str();
  post->callback([&] { exit_code = Post(url, token, collection, bundle, batch, connections); });

  auto* page = cli.add_subcommand("page", "GET every object of a collection over TAXII");
  page->add_option("--url", url, "http://HOST:PORT")->required();
  page->add_option("--token", token)->required();
  page->add_option("--collection", collection)->required();
  page->add_option("--limit", limit)->capture_default_str();
  page->callback([&] { exit_code = Page(url, token, collection, limit); });

  auto* correlate = cli.add_subcommand("correlate", "Correlate sampled indicators: latency");
  correlate->add_option("--database", database)->required();
  correlate->add_option("--user", username);
  correlate->add_option("--samples", samples)->capture_default_str();
  correlate->callback([&] { exit_code = Correlate(database, username, samples); });

  CLI11_PARSE(cli, argc, argv);
  return exit_code;
}
