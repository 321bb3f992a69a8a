// The live hub stream (GET /api/v1/hub/stream) on the real server, read by a streaming
// client while other organisations share: each sees exactly what the visibility rule
// allows, resumes after a reconnect without loss or duplicates, and bad input, missing
// credentials and too many streams are refused.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "sharing_env.h"

namespace fincyber {
namespace {

using namespace std::chrono_literals;
using testing::HubEnv;
using testing::Indicator;
using testing::NewId;
using testing::PostEnvelope;

using testing::Marking;

struct SseEvent {
  std::string id;
  std::string kind;
  Json data;
};

// An EventSource-like client on libcurl, reading on its own thread until stopped.
class StreamClient {
 public:
  StreamClient(std::uint16_t port, const std::string& token, const std::string& query = "",
               const std::string& last_event_id = "") {
    url_ = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/hub/stream" + query;
    headers_ = curl_slist_append(headers_, ("Authorization: Bearer " + token).c_str());
    headers_ = curl_slist_append(headers_, "Accept: text/event-stream");
    if (!last_event_id.empty()) {
      headers_ = curl_slist_append(headers_, ("Last-Event-ID: " + last_event_id).c_str());
    }
    thread_ = std::thread([this] { Run(); });
  }
  ~StreamClient() { Stop(); }
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    curl_slist_free_all(headers_);
    headers_ = nullptr;
  }

  // The response status once the headers are in (0 if they never came).
  int Status(std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [this] { return status_ != 0 || done_; });
    return status_;
  }
  // The whole body of a response that ends (an error), once it has.
  std::string FinalBody(std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [this] { return done_; });
    return buffer_;
  }
  std::string Body() {
    std::lock_guard lock(mutex_);
    return buffer_;
  }
  // Waits until `ready` holds for (events, last id) or the timeout passes.
  template <class Ready>
  bool WaitUntil(Ready ready, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return ready(events_, last_id_); });
  }
  std::vector<SseEvent> Events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::string LastId() {
    std::lock_guard lock(mutex_);
    return last_id_;
  }

 private:
  void Run() {
    CURL* curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &OnProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, this);
    curl_easy_perform(curl);
    curl_easy_cleanup(curl);
    std::lock_guard lock(mutex_);
    done_ = true;
    changed_.notify_all();
  }

  static std::size_t OnHeader(char* data, std::size_t size, std::size_t n, void* self_ptr) {
    auto* self = static_cast<StreamClient*>(self_ptr);
    const std::string line(data, size * n);
    if (line.starts_with("HTTP/")) {
      std::lock_guard lock(self->mutex_);
      self->status_ = std::atoi(line.substr(line.find(' ') + 1).c_str());
      self->changed_.notify_all();
    }
    return size * n;
  }

  static std::size_t OnBody(char* data, std::size_t size, std::size_t n, void* self_ptr) {
    auto* self = static_cast<StreamClient*>(self_ptr);
    std::lock_guard lock(self->mutex_);
    self->buffer_.append(data, size * n);
    self->Parse();
    self->changed_.notify_all();
    return size * n;
  }

  static int OnProgress(void* self_ptr, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<StreamClient*>(self_ptr)->stop_ ? 1 : 0;
  }

  // Requires mutex_. Whole messages only, as EventSource dispatches them.
  void Parse() {
    std::size_t end;
    while ((end = buffer_.find("\n\n", parsed_)) != std::string::npos) {
      const std::string block = buffer_.substr(parsed_, end - parsed_);
      parsed_ = end + 2;
      SseEvent event;
      std::string data;
      bool has_id = false;
      std::size_t start = 0;
      while (start <= block.size()) {
        std::size_t stop = block.find('\n', start);
        if (stop == std::string::npos) stop = block.size();
        const std::string line = block.substr(start, stop - start);
        start = stop + 1;
        if (line.starts_with("id: ")) {
          event.id = line.substr(4);
          has_id = true;
        } else if (line.starts_with("event: ")) {
          event.kind = line.substr(7);
        } else if (line.starts_with("data: ")) {
          data += line.substr(6);
        }
      }
      if (has_id) last_id_ = event.id;
      if (!data.empty()) {
        event.data = Json::parse(data, nullptr, false);
        events_.push_back(std::move(event));
      }
    }
  }

  std::string url_;
  curl_slist* headers_ = nullptr;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int status_ = 0;                // guarded by mutex_
  bool done_ = false;             // guarded by mutex_
  std::string buffer_;            // guarded by mutex_
  std::size_t parsed_ = 0;        // guarded by mutex_
  std::vector<SseEvent> events_;  // guarded by mutex_
  std::string last_id_;           // guarded by mutex_
};

std::vector<std::string> KindsAndIds(const std::vector<SseEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.kind + " " + e.data.value("id", ""));
  return out;
}

bool HasId(const std::vector<SseEvent>& events, const std::string& id) {
  return std::any_of(events.begin(), events.end(),
                     [&](const SseEvent& e) { return e.data.value("id", "") == id; });
}

// The event id part of a position "E" or "E.I".
std::int64_t EventOf(const std::string& position) {
  return position.empty() ? 0 : std::stoll(position.substr(0, position.find('.')));
}

class HubStreamTest : public ::testing::TestWithParam<std::string> {
 protected:
  HubStreamTest() : env_(HubEnv::For(GetParam())) {}

  void Post(const std::string& user, const std::string& collection,
            const std::vector<Json>& objects) {
    auto client = env_.As(user);
    auto posted = PostEnvelope(client, collection, objects);
    ASSERT_EQ(posted.status, 202) << posted.body;
    ASSERT_EQ(posted.json()["success_count"], objects.size()) << posted.body;
  }

  std::unique_ptr<StreamClient> Open(const std::string& user, const std::string& query = "",
                                     const std::string& last_event_id = "") {
    auto stream = std::make_unique<StreamClient>(env_.running->port(), env_.token.at(user), query,
                                                 last_event_id);
    EXPECT_EQ(stream->Status(), 200) << stream->Body();
    return stream;
  }

  HubEnv& env_;
};

TEST_P(HubStreamTest, ASharedObjectAppearsLiveOnlyWhereTheRuleAllows) {
  auto b = Open("b");
  auto d = Open("d");
  auto coord = Open("coord");
  auto a = Open("a");

  const std::string green = NewId("indicator");
  const std::string red_for_c = NewId("indicator");
  const std::string strict_to_regulator = NewId("indicator");
  const std::string sentinel = NewId("indicator");
  Post("a", env_.indicators,
       {Indicator(green, "live-green.example"),
        Indicator(red_for_c, "live-red.example", "2024-05-01T00:00:00.000Z",
                  {Marking(stix::Tlp::kRed)}, {env_.org.at("C")})});
  Post("a", env_.to_regulator,
       {Indicator(strict_to_regulator, "live-strict.example", "2024-05-01T00:00:00.000Z",
                  {Marking(stix::Tlp::kAmberStrict)})});
  // C sights the RED object, for A's eyes only; then A deletes it.
  Json sighting = {{"type", "sighting"},
                   {"spec_version", "2.1"},
                   {"id", NewId("sighting")},
                   {"created", "2024-05-02T00:00:00.000Z"},
                   {"modified", "2024-05-02T00:00:00.000Z"},
                   {"sighting_of_ref", red_for_c},
                   {"object_marking_refs", {Marking(stix::Tlp::kRed)}},
                   {"x_fincyber_recipients", {env_.org.at("A")}}};
  Post("c", env_.indicators, {sighting});
  // The feed re-reads objects when it sends them: A's stream must have sent the RED
  // object and its sighting before the deletion, or it rightly leaves them out.
  const std::string sighting_id = sighting["id"];
  ASSERT_TRUE(a->WaitUntil([&](const auto& events, const auto&) {
    const auto seen = KindsAndIds(events);
    return std::find(seen.begin(), seen.end(), "sighted " + sighting_id) != seen.end();
  })) << a->Body();
  auto a_client = env_.As("a");
  auto deleted = a_client.Send("DELETE", std::string(testing::kTaxiiRoot) + "collections/" +
                                             env_.indicators + "/objects/" + red_for_c + "/");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  Post("a", env_.indicators, {Indicator(sentinel, "live-sentinel.example")});

  ASSERT_TRUE(b->WaitUntil([&](const auto& events, const auto&) {
    return HasId(events, sentinel);
  })) << b->Body();
  EXPECT_EQ(KindsAndIds(b->Events()),
            (std::vector<std::string>{"added " + green, "added " + sentinel}));
  const SseEvent first = b->Events()[0];
  EXPECT_EQ(first.data["tlp"], "green");
  EXPECT_EQ(first.data["object"]["pattern"], "[domain-name:value = 'live-green.example']");

  // D is in no group: nothing, though its position moves past what it may not see.
  const std::int64_t sentinel_event = EventOf(b->Events().back().id);
  EXPECT_TRUE(d->WaitUntil([&](const auto&, const std::string& last) {
    return EventOf(last) >= sentinel_event;
  })) << d->Body();
  EXPECT_TRUE(d->Events().empty()) << d->Body();

  // The regulator reads only "to the regulator".
  EXPECT_TRUE(coord->WaitUntil(
      [&](const auto&, const std::string& last) { return EventOf(last) >= sentinel_event; }));
  EXPECT_EQ(KindsAndIds(coord->Events()),
            (std::vector<std::string>{"added " + strict_to_regulator}));

  // A sees its own objects, the sighting of its RED one (it is named), and the deletion.
  ASSERT_TRUE(
      a->WaitUntil([&](const auto& events, const auto&) { return HasId(events, sentinel); }));
  const auto for_a = KindsAndIds(a->Events());
  for (const std::string& expected :
       {"added " + green, "added " + red_for_c, "sighted " + sighting_id, "added " + sighting_id,
        "deleted " + red_for_c, "added " + sentinel}) {
    EXPECT_NE(std::find(for_a.begin(), for_a.end(), expected), for_a.end()) << expected;
  }
  EXPECT_FALSE(HasId(a->Events(), strict_to_regulator));  // A writes but does not read there
}

TEST_P(HubStreamTest, AReconnectResumesWithoutLossOrDuplicates) {
  auto b = Open("b");
  const std::string before = NewId("indicator");
  Post("a", env_.indicators, {Indicator(before, "resume-1.example")});
  ASSERT_TRUE(b->WaitUntil([&](const auto& events, const auto&) { return HasId(events, before); }));
  const std::string last_id = b->LastId();
  b->Stop();

  // Shared while B is away.
  const std::string while_away_1 = NewId("indicator");
  const std::string while_away_2 = NewId("indicator");
  Post("a", env_.indicators,
       {Indicator(while_away_1, "resume-2.example"), Indicator(while_away_2, "resume-3.example")});

  auto again = Open("b", "", last_id);
  const std::string after = NewId("indicator");
  Post("c", env_.indicators, {Indicator(after, "resume-4.example")});
  ASSERT_TRUE(
      again->WaitUntil([&](const auto& events, const auto&) { return HasId(events, after); }));
  EXPECT_EQ(KindsAndIds(again->Events()),
            (std::vector<std::string>{"added " + while_away_1, "added " + while_away_2,
                                      "added " + after}));

  // ?after= does the same for a first connection; the header wins over it.
  auto by_query = Open("b", "?after=" + last_id);
  ASSERT_TRUE(
      by_query->WaitUntil([&](const auto& events, const auto&) { return HasId(events, after); }));
  EXPECT_EQ(by_query->Events().size(), 3u);
  auto header_wins = Open("b", "?after=0", again->Events().back().id);
  const std::string last = NewId("indicator");
  Post("a", env_.indicators, {Indicator(last, "resume-5.example")});
  ASSERT_TRUE(
      header_wins->WaitUntil([&](const auto& events, const auto&) { return HasId(events, last); }));
  EXPECT_EQ(KindsAndIds(header_wins->Events()), (std::vector<std::string>{"added " + last}));
}

TEST_P(HubStreamTest, FiltersApplyOnTheStream) {
  auto amber_only = Open("b", "?tlp=amber&type=indicator&collection=" + env_.indicators);
  const std::string green = NewId("indicator");
  const std::string amber = NewId("indicator");
  Post("a", env_.indicators,
       {Indicator(green, "f-green.example"),
        Indicator(amber, "f-amber.example", "2024-05-01T00:00:00.000Z",
                  {Marking(stix::Tlp::kAmber)})});
  ASSERT_TRUE(
      amber_only->WaitUntil([&](const auto& events, const auto&) { return HasId(events, amber); }));
  EXPECT_EQ(KindsAndIds(amber_only->Events()), (std::vector<std::string>{"added " + amber}));
}

TEST_P(HubStreamTest, BadRequestsAreRefusedBeforeAnyStream) {
  auto status = [&](const std::string& user, const std::string& query,
                    const std::string& last_event_id = "") {
    StreamClient stream(env_.running->port(), user.empty() ? "fct_forged" : env_.token.at(user),
                        query, last_event_id);
    const int code = stream.Status();
    return std::make_pair(code, Json::parse(stream.FinalBody(), nullptr, false));
  };
  // A malformed Last-Event-ID is a 400, not a silent restart that could skip events.
  for (const char* bad : {"abc", "1.2.3", "-5", "1.", "99999999999999999999999999"}) {
    auto [code, body] = status("b", "", bad);
    EXPECT_EQ(code, 400) << bad;
    EXPECT_EQ(body["error"]["code"], "invalid_argument") << bad;
  }
  EXPECT_EQ(status("b", "?after=x").first, 400);
  EXPECT_EQ(status("b", "?after=999999999999").first, 400);  // not one of this hub's
  std::string many_types;
  for (int i = 0; i < 21; ++i) many_types += (i ? "&type=t" : "?type=t") + std::to_string(i);
  EXPECT_EQ(status("b", many_types).first, 400);
  EXPECT_EQ(status("b", "?type=" + std::string(101, 'a')).first, 400);
  EXPECT_EQ(status("b", "?type=Indicator%00").first, 400);
  EXPECT_EQ(status("b", "?tlp=purple").first, 400);
  // A collection B may not read is "not found", as everywhere else.
  EXPECT_EQ(status("b", "?collection=" + env_.to_regulator).first, 404);
  EXPECT_EQ(status("b", "?collection=no-such").first, 404);
  EXPECT_EQ(status("", "").first, 401);
  StreamClient anonymous(env_.running->port(), "", "");
  EXPECT_EQ(anonymous.Status(), 401);
}

TEST_P(HubStreamTest, StreamsBeyondTheCapPerUserAre429) {
  std::vector<std::unique_ptr<StreamClient>> open;
  for (int i = 0; i < 8; ++i) open.push_back(Open("isac"));
  StreamClient ninth(env_.running->port(), env_.token.at("isac"));
  EXPECT_EQ(ninth.Status(), 429);
  EXPECT_EQ(Json::parse(ninth.FinalBody(), nullptr, false)["error"]["code"], "resource_exhausted");
  // Another user is not held back by it.
  auto other = Open("c");
}

INSTANTIATE_TEST_SUITE_P(Backends, HubStreamTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber
