// GET /api/v1/hub/stream: the live feed as Server-Sent Events. The handler checks the
// filters and the starting position; the stream then reads the feed whenever the
// Dispatcher reports a sharing event (or at the heartbeat) and writes what the viewer
// may see.
#include <fmt/format.h>

#include <algorithm>

#include "sharing/routes.h"

namespace fincyber::sharing {
namespace {

using http::BodyStream;

// Feed reads per call of Next() while the viewer sees nothing, so that one call stays
// short; the position still moves on (an id-only message) and the server calls again.
constexpr int kReadsPerWrite = 5;
constexpr std::size_t kMaxFilterValueLength = 100;
constexpr std::size_t kMaxPositionLength = 40;
// How long a browser waits before reconnecting after the stream ends.
constexpr std::string_view kRetry = "retry: 3000\n\n";

class LiveStream final : public BodyStream {
 public:
  LiveStream(SharingService& service, LiveWakeups& wakeups, int events_per_write,
             identity::Principal principal, LiveFilter filter, LivePosition position)
      : service_(service),
        wakeups_(wakeups),
        events_per_write_(events_per_write),
        principal_(std::move(principal)),
        filter_(std::move(filter)),
        position_(position),
        sent_position_(position) {}
  ~LiveStream() override {
    if (registration_ != 0) wakeups_.Unregister(registration_);
  }

  void Attach(std::function<void()> wake) override {
    registration_ = wakeups_.Register(std::move(wake));
  }

  Result<std::string> Next(Reason reason) override {
    std::string out = reason == Reason::kStart ? std::string(kRetry) : std::string();
    for (int read = 0; read < kReadsPerWrite; ++read) {
      FC_ASSIGN_OR_RETURN(LiveBatch batch,
                          service_.ReadLive(principal_, filter_, position_, events_per_write_));
      for (const LiveEvent& event : batch.events) {
        out += fmt::format("id: {}\nevent: {}\ndata: {}\n\n", FormatLivePosition(event.position),
                           event.kind, *event.data);
        sent_position_ = event.position;
      }
      position_ = batch.next;
      if (!batch.events.empty() || batch.caught_up) break;
    }
    if (reason == Reason::kHeartbeat) out += ": heartbeat\n";
    // Past events this viewer may not see: an id-only message moves the client's
    // Last-Event-ID on, so that a reconnect does not read them again.
    if (position_ != sent_position_) {
      out += fmt::format("id: {}\n\n", FormatLivePosition(position_));
      sent_position_ = position_;
    } else if (reason == Reason::kHeartbeat) {
      out += "\n";
    }
    return out;
  }

 private:
  SharingService& service_;
  LiveWakeups& wakeups_;
  const int events_per_write_;  // per call of Next(); the server asks again once sent
  const identity::Principal principal_;
  const LiveFilter filter_;
  LivePosition position_;       // read up to here
  LivePosition sent_position_;  // the client's Last-Event-ID
  std::int64_t registration_ = 0;
};

Result<std::vector<std::string>> FilterValues(const http::Request& req, const std::string& name) {
  std::vector<std::string> values;
  const auto [begin, end] = req.query.equal_range(name);
  for (auto it = begin; it != end; ++it) {
    if (it->second.empty()) continue;
    if (it->second.size() > kMaxFilterValueLength || values.size() >= kMaxLiveFilterValues) {
      return InvalidArgument(fmt::format("{}: at most {} values of at most {} characters", name,
                                         kMaxLiveFilterValues, kMaxFilterValueLength),
                             {{name, "too many or too long"}});
    }
    values.push_back(it->second);
  }
  return values;
}

Result<LiveFilter> ParseLiveFilter(const http::Request& req) {
  LiveFilter filter;
  FC_ASSIGN_OR_RETURN(filter.collection_ids, FilterValues(req, "collection"));
  FC_ASSIGN_OR_RETURN(filter.types, FilterValues(req, "type"));
  for (const std::string& type : filter.types) {
    const bool valid = std::all_of(type.begin(), type.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!valid) return InvalidArgument("type must be a STIX type", {{"type", "a STIX type"}});
  }
  FC_ASSIGN_OR_RETURN(auto tlps, FilterValues(req, "tlp"));
  for (const std::string& name : tlps) {
    const auto tlp = stix::ParseTlpName(name);
    if (!tlp) {
      return InvalidArgument("tlp must be clear, green, amber, amber+strict or red",
                             {{"tlp", "a TLP level"}});
    }
    filter.tlps.push_back(*tlp);
  }
  return filter;
}

// Last-Event-ID (a reconnecting EventSource) wins over ?after= (the first connection).
Result<std::optional<LivePosition>> ParseStart(const http::Request& req) {
  std::string text(req.Header("last-event-id"));
  if (text.empty()) text = req.QueryParam("after").value_or("");
  if (text.empty()) return std::optional<LivePosition>();
  if (text.size() > kMaxPositionLength) {
    return InvalidArgument("the event id is too long", {{"last_event_id", "too long"}});
  }
  FC_ASSIGN_OR_RETURN(LivePosition position, ParseLivePosition(text));
  return std::optional<LivePosition>(position);
}

}  // namespace

void AddLiveRoutes(http::Router& router, SharingService& service, LiveWakeups& wakeups,
                   LiveStreamOptions options) {
  router.Add({http::Method::kGet, "/api/v1/hub/stream", http::Auth::kRequired,
              [&service, &wakeups, options](http::Request& req) -> Result<http::Response> {
                FC_ASSIGN_OR_RETURN(const identity::Principal* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(LiveFilter filter, ParseLiveFilter(req));
                FC_ASSIGN_OR_RETURN(std::optional<LivePosition> after, ParseStart(req));
                FC_ASSIGN_OR_RETURN(LivePosition start,
                                    service.StartLive(*principal, filter, after));
                return http::Response::MakeStream(
                    "text/event-stream; charset=utf-8",
                    std::make_shared<LiveStream>(service, wakeups, options.events_per_write,
                                                 *principal, std::move(filter), start));
              },
              "Live stream (text/event-stream) of shared objects the caller may see: events "
              "added, updated, revoked, deleted, sighted; filters collection, type, tlp "
              "(repeatable); Last-Event-ID or after= resumes"});
}

}  // namespace fincyber::sharing
