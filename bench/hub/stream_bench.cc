// Live stream benchmark (see bench/hub/README.md, "Live streams"): one process runs the
// platform's server on loopback, holds N streams of GET /api/v1/hub/stream open over raw
// sockets (one reader thread, poll), and shares M envelopes of K indicators through
// SharingService::AddObjects, one every --interval-ms. Prints key=value lines:
//   events/s delivered to all streams together, from the first share to the last event
//   received; and per envelope and stream, the time from AddObjects returning (the
//   commit) to the envelope's last event arriving: p50, p99, max.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/platform.h"
#include "base/crypto.h"
#include "events/events.h"
#include "identity/auth.h"
#include "identity/directory.h"
#include "identity/groups.h"

namespace fincyber {
namespace {

using Clock = std::chrono::steady_clock;
const identity::Principal kOperator = identity::OperatorPrincipal();

int Fail(const Error& error) {
  std::cerr << "stream_bench: " << error.internal_message() << "\n";
  return 1;
}

struct Viewer {
  int fd = -1;
  std::string pending;                                       // bytes not yet split into messages
  std::map<std::int64_t, Clock::time_point> last_object_at;  // outbox event -> received
  std::int64_t events = 0;
};

int Connect(std::uint16_t port, const std::string& token) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) return -1;
  const std::string request =
      "GET /api/v1/hub/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Authorization: Bearer " +
      token + "\r\n\r\n";
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    return -1;
  }
  return fd;
}

// Counts the `id: E.I` lines of events (those followed by `event:`), noting when the
// last object of each outbox event E arrived.
void Consume(Viewer& viewer, std::int64_t objects_per_envelope) {
  std::size_t start = 0;
  for (std::size_t at; (at = viewer.pending.find("\nevent: ", start)) != std::string::npos;) {
    const std::size_t id = viewer.pending.rfind("id: ", at);
    if (id != std::string::npos && id >= start) {
      const std::string position = viewer.pending.substr(id + 4, at - id - 4);
      const std::size_t dot = position.find('.');
      const std::int64_t event = std::stoll(position.substr(0, dot));
      const std::int64_t index =
          dot == std::string::npos ? 0 : std::stoll(position.substr(dot + 1));
      ++viewer.events;
      if (index + 1 == objects_per_envelope) viewer.last_object_at[event] = Clock::now();
    }
    start = at + 8;
  }
  viewer.pending.erase(0, start);
}

int Run(const std::string& database, int streams, int envelopes, int objects, int interval_ms) {
  app::Config config;
  config.database = database;
  config.listen = "127.0.0.1:0";
  config.event_poll_interval_ms = 1000;
  auto opened = app::Platform::Open(config);
  if (!opened.ok()) return Fail(opened.error());
  app::Platform& platform = **opened;

  // An ISAC analyst shares; viewers are members of a bank in the collection's group, one
  // user per stream (the server allows a few streams per user).
  identity::Principal analyst;
  std::vector<std::string> tokens;
  std::string group_id;
  Status seeded = platform.db().Transact([&](store::Connection& c) -> Status {
    FC_ASSIGN_OR_RETURN(
        identity::Org isac,
        identity::CreateOrg(c, platform.clock(), kOperator,
                            {identity::OrgKind::kIsac, {}, "ベンチISAC", "Bench ISAC", {}}));
    FC_ASSIGN_OR_RETURN(
        identity::Org bank,
        identity::CreateOrg(
            c, platform.clock(), kOperator,
            {identity::OrgKind::kInstitution, "regional_bank", "ベンチ銀行", "Bench bank", {}}));
    FC_ASSIGN_OR_RETURN(identity::User user,
                        identity::CreateUser(c, platform.clock(), kOperator,
                                             {isac.id, "bench.analyst", "bench.analyst",
                                              identity::Role::kIsacAnalyst, RandomToken(16), "en"},
                                             /*password_hash_fast=*/true));
    analyst.user_id = user.id;
    analyst.username = user.username;
    analyst.org_id = isac.id;
    analyst.org_kind = isac.kind;
    analyst.role = user.role;
    for (int i = 0; i < streams; ++i) {
      const std::string name = "viewer" + std::to_string(i);
      FC_ASSIGN_OR_RETURN(
          identity::User viewer,
          identity::CreateUser(
              c, platform.clock(), kOperator,
              {bank.id, name, name, identity::Role::kInstitutionMember, RandomToken(16), "en"},
              /*password_hash_fast=*/true));
      FC_ASSIGN_OR_RETURN(auto token, identity::CreateToken(c, platform.clock(), kOperator,
                                                            viewer.id, "bench", std::nullopt));
      tokens.push_back(token.second);
    }
    FC_ASSIGN_OR_RETURN(identity::TrustGroup group,
                        identity::CreateGroup(c, platform.clock(), analyst,
                                              {"ベンチ", "bench", "", {isac.id, bank.id}}));
    group_id = group.id;
    return OkStatus();
  });
  if (!seeded.ok()) return Fail(seeded.error());
  const sharing::RequestInfo info{"127.0.0.1", "stream-bench"};
  auto collection = platform.sharing().CreateCollection(
      analyst, {"Live bench", "", "live-bench", group_id, group_id, stix::Tlp::kGreen}, info);
  if (!collection.ok()) return Fail(collection.error());

  auto running = platform.Start(config);
  if (!running.ok()) return Fail(running.error());
  std::vector<Viewer> viewers(static_cast<std::size_t>(streams));
  for (int i = 0; i < streams; ++i) {
    viewers[static_cast<std::size_t>(i)].fd =
        Connect((*running)->port(), tokens[static_cast<std::size_t>(i)]);
    if (viewers[static_cast<std::size_t>(i)].fd < 0) {
      std::cerr << "stream_bench: cannot open stream " << i << "\n";
      return 1;
    }
  }

  const std::int64_t expected = static_cast<std::int64_t>(streams) * envelopes * objects;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    std::vector<pollfd> fds;
    for (const Viewer& v : viewers) fds.push_back({v.fd, POLLIN, 0});
    char buffer[65536];
    while (!stop) {
      if (poll(fds.data(), fds.size(), 100) <= 0) continue;
      for (std::size_t i = 0; i < fds.size(); ++i) {
        if ((fds[i].revents & POLLIN) == 0) continue;
        const ssize_t n = recv(fds[i].fd, buffer, sizeof(buffer), 0);
        if (n <= 0) {
          fds[i].fd = -1;
          continue;
        }
        viewers[i].pending.append(buffer, static_cast<std::size_t>(n));
        Consume(viewers[i], objects);
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // every stream is open

  std::map<std::int64_t, Clock::time_point> committed;  // outbox event -> AddObjects returned
  std::int64_t previous_newest = 0;
  const auto first_share = Clock::now();
  for (int e = 0; e < envelopes; ++e) {
    std::vector<sharing::IncomingObject> batch;
    for (int o = 0; o < objects; ++o) {
      const std::string id = "indicator--" + NewUuid();
      Json object = {{"type", "indicator"},
                     {"spec_version", "2.1"},
                     {"id", id},
                     {"created", "2026-11-27T00:00:00.000Z"},
                     {"modified", "2026-11-27T00:00:00.000Z"},
                     {"name", "bench"},
                     {"pattern", "[domain-name:value = 'b" + std::to_string(e) + "-" +
                                     std::to_string(o) + ".example']"},
                     {"pattern_type", "stix"},
                     {"valid_from", "2026-11-27T00:00:00Z"}};
      std::string raw = object.dump();
      batch.push_back({std::move(object), std::move(raw)});
    }
    auto added = platform.sharing().AddObjects(analyst, collection->id, batch, info);
    const auto done = Clock::now();
    if (!added.ok()) return Fail(added.error());
    auto newest = platform.db().ReadValue<std::int64_t>(
        [](store::Connection& c) { return events::NewestEventId(c); });
    if (!newest.ok()) return Fail(newest.error());
    // Only the addition's event was published since the last envelope.
    if (*newest != previous_newest) committed[*newest] = done;
    previous_newest = *newest;
    std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
  }

  const auto deadline = Clock::now() + std::chrono::seconds(60);
  auto received = [&] {
    std::int64_t total = 0;
    for (const Viewer& v : viewers) total += v.events;
    return total;
  };
  while (received() < expected && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop = true;
  reader.join();
  Clock::time_point last_receipt = first_share;
  std::vector<double> latencies_ms;
  for (const Viewer& v : viewers) {
    for (const auto& [event, at] : v.last_object_at) {
      last_receipt = std::max(last_receipt, at);
      auto commit = committed.find(event);
      if (commit == committed.end()) continue;
      latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(at - commit->second).count());
    }
    close(v.fd);
  }
  (*running)->Stop();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto at = [&](double q) {
    return latencies_ms.empty()
               ? 0.0
               : latencies_ms[std::min(latencies_ms.size() - 1,
                                       static_cast<std::size_t>(q * latencies_ms.size()))];
  };
  const double seconds = std::chrono::duration<double>(last_receipt - first_share).count();
  std::printf(
      "streams=%d\nenvelopes=%d\nobjects_per_envelope=%d\nexpected_events=%lld\n"
      "received_events=%lld\nseconds=%.3f\nevents_per_second=%.0f\n"
      "latency_p50_ms=%.2f\nlatency_p99_ms=%.2f\nlatency_max_ms=%.2f\n",
      streams, envelopes, objects, static_cast<long long>(expected),
      static_cast<long long>(received()), seconds,
      seconds > 0 ? static_cast<double>(received()) / seconds : 0.0, at(0.5), at(0.99),
      latencies_ms.empty() ? 0.0 : latencies_ms.back());
  return received() == expected ? 0 : 1;
}

}  // namespace
}  // namespace fincyber

int main(int argc, char** argv) {
  CLI::App cli{"live stream benchmark"};
  std::string database;
  int streams = 100, envelopes = 50, objects = 10, interval_ms = 20;
  cli.add_option("--database", database, "a fresh SQLite file or PostgreSQL URL")->required();
  cli.add_option("--streams", streams)->capture_default_str()->check(CLI::Range(1, 1000));
  cli.add_option("--envelopes", envelopes)->capture_default_str()->check(CLI::Range(1, 100000));
  cli.add_option("--objects", objects, "per envelope")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cli.add_option("--interval-ms", interval_ms, "between envelopes")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  return fincyber::Run(database, streams, envelopes, objects, interval_ms);
}
