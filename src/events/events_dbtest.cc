#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/crypto.h"
#include "events/events.h"
#include "events/signature.h"
#include "identity/test_sector.h"
#include "store/migrations.h"

namespace fincyber::events {
namespace {

// The webhook calls run in the caller's transaction; these give each its own.
Result<std::pair<Webhook, std::string>> RegisterIn(store::Database& db, const Clock& clock,
                                                   const identity::Principal& principal,
                                                   const NewWebhook& hook) {
  return db.TransactValue<std::pair<Webhook, std::string>>(
      [&](store::Connection& conn) { return RegisterWebhook(conn, clock, principal, hook); });
}

Status DeleteIn(store::Database& db, const identity::Principal& principal, std::string_view id) {
  return db.Transact(
      [&](store::Connection& conn) { return DeleteWebhook(conn, principal, id); });
}

using namespace std::chrono_literals;
using identity::TestSector;

// Records every request; answers with `status`, or Unavailable when it is nullopt.
class FakeHttp final : public OutboundHttp {
 public:
  Result<OutboundResponse> Send(const OutboundRequest& request) override {
    std::optional<int> status;
    std::chrono::milliseconds delay{};
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      status = status_;
      delay = delay_;
    }
    std::this_thread::sleep_for(delay);
    if (!status) {
      return Unavailable("peer unreachable", request.method + " " + request.url + ": refused");
    }
    return OutboundResponse{*status, ""};
  }

  void SetStatus(std::optional<int> status) {
    std::lock_guard lock(mutex_);
    status_ = status;
  }
  void SetDelay(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    delay_ = delay;
  }
  std::vector<OutboundRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<OutboundRequest> requests_;  // guarded by mutex_
  std::optional<int> status_ = 204;        // guarded by mutex_
  std::chrono::milliseconds delay_{0};     // guarded by mutex_
};

class EventsTest : public ::testing::TestWithParam<std::string> {
 protected:
  EventsTest() : s_(GetParam()) {
    auto migrated = store::Migrate(s_.db(), Migrations());
    EXPECT_TRUE(migrated.ok()) << migrated.error().internal_message();
  }

  std::int64_t PublishOne(std::string_view type, std::string_view org_id,
                          const Json& payload = Json::object()) {
    return PublishOn(s_.db(), type, org_id, payload);
  }

  std::int64_t PublishOn(store::Database& db, std::string_view type, std::string_view org_id,
                         const Json& payload = Json::object()) {
    std::int64_t id = 0;
    Status st = db.Transact([&](store::Connection& c) -> Status {
      FC_ASSIGN_OR_RETURN(id, Publish(c, s_.clock, type, org_id, payload));
      return OkStatus();
    });
    EXPECT_TRUE(st.ok()) << st.error().internal_message();
    return id;
  }

  // Registers a webhook as `user` and returns it with its secret.
  std::pair<Webhook, std::string> Register(const identity::User& user, const std::string& org_id,
                                           const std::string& url,
                                           std::vector<std::string> types = {}) {
    auto registered = RegisterIn(s_.db(), s_.clock, s_.P(user), {org_id, url, types});
    EXPECT_TRUE(registered.ok()) << registered.error().internal_message();
    return registered.ok() ? *registered : std::pair<Webhook, std::string>{};
  }

  static void ExpectOk(const Status& status) {
    EXPECT_TRUE(status.ok()) << status.error().internal_message();
  }

  TestSector s_;
  FakeHttp http_;
};

TEST_P(EventsTest, PublishCommitsWithTheTransactionAndVanishesOnRollback) {
  Dispatcher dispatcher(s_.db(), s_.clock, http_);
  std::vector<Event> seen;
  dispatcher.Subscribe("", [&](const Event& e) { seen.push_back(e); });
  ExpectOk(dispatcher.RunOnce());  // fixes the starting point

  const std::int64_t kept = PublishOne("case.opened", s_.bank_a.id, {{"case", "C-1"}});
  Status rolled_back = s_.db().Transact([&](store::Connection& c) -> Status {
    FC_RETURN_IF_ERROR(Publish(c, s_.clock, "case.opened", s_.bank_a.id, {{"case", "C-2"}}));
    return Aborted("changed my mind");
  });
  ASSERT_FALSE(rolled_back.ok());
  ExpectOk(dispatcher.RunOnce());

  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].id, kept);
  EXPECT_EQ(seen[0].type, "case.opened");
  EXPECT_EQ(seen[0].org_id, s_.bank_a.id);
  EXPECT_EQ(seen[0].payload, (Json{{"case", "C-1"}}));
  EXPECT_EQ(seen[0].created_at, FormatRfc3339(s_.clock.Now()));
}

TEST_P(EventsTest, APayloadPublishedAsTextIsReadAsItsJson) {
  Dispatcher dispatcher(s_.db(), s_.clock, http_);
  std::vector<Event> seen;
  dispatcher.Subscribe("", [&](const Event& e) { seen.push_back(e); });
  ExpectOk(dispatcher.RunOnce());
  ExpectOk(s_.db().Transact([&](store::Connection& c) -> Status {
    FC_RETURN_IF_ERROR(PublishText(c, s_.clock, "case.opened", s_.bank_a.id,
                                   R"({"case":"C-3","notes":["a \"quoted\" word","改行\n"]})"));
    return OkStatus();
  }));
  ExpectOk(dispatcher.RunOnce());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].payload, (Json{{"case", "C-3"}, {"notes", {"a \"quoted\" word", "改行\n"}}}));
  // The same checks as Publish.
  ExpectOk(s_.db().Transact([&](store::Connection& c) -> Status {
    EXPECT_FALSE(PublishText(c, s_.clock, "", s_.bank_a.id, "{}").ok());
    EXPECT_FALSE(PublishText(c, s_.clock, "case.opened", std::string(101, 'o'), "{}").ok());
    return OkStatus();
  }));
}

TEST_P(EventsTest, PublishRejectsBadTypeAndOrg) {
  Status st = s_.db().Transact([&](store::Connection& c) -> Status {
    auto empty = Publish(c, s_.clock, "", s_.bank_a.id, {});
    EXPECT_FALSE(empty.ok());
    if (!empty.ok()) {
      EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
    }
    auto long_type = Publish(c, s_.clock, std::string(101, 'a'), s_.bank_a.id, {});
    EXPECT_FALSE(long_type.ok());
    auto long_org = Publish(c, s_.clock, "case.opened", std::string(101, 'o'), {});
    EXPECT_FALSE(long_org.ok());
    return OkStatus();
  });
  ExpectOk(st);
}

TEST_P(EventsTest, SubscribersReceiveLaterEventsInOrderFilteredByPrefix) {
  PublishOne("case.opened", s_.bank_a.id);  // before the starting point: not delivered
  Dispatcher dispatcher(s_.db(), s_.clock, http_);
  std::vector<std::int64_t> all, cases;
  dispatcher.Subscribe("", [&](const Event& e) { all.push_back(e.id); });
  const std::int64_t case_sub =
      dispatcher.Subscribe("case.", [&](const Event& e) { cases.push_back(e.id); });
  ExpectOk(dispatcher.RunOnce());

  const std::int64_t a = PublishOne("case.opened", s_.bank_a.id);
  const std::int64_t b = PublishOne("warning.published", "");
  const std::int64_t c = PublishOne("case.closed", s_.bank_b.id);
  ExpectOk(dispatcher.RunOnce());
  EXPECT_EQ(all, (std::vector<std::int64_t>{a, b, c}));
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(cases, (std::vector<std::int64_t>{a, c}));

  dispatcher.Unsubscribe(case_sub);
  const std::int64_t d = PublishOne("case.reopened", s_.bank_a.id);
  ExpectOk(dispatcher.RunOnce());
  EXPECT_EQ(all.back(), d);
  EXPECT_EQ(cases.size(), 2u);
  ExpectOk(dispatcher.RunOnce());  // nothing new: nothing delivered twice
  EXPECT_EQ(all.size(), 4u);
}

TEST_P(EventsTest, EventPublishedOnOneReplicaWakesAnotherWellBeforeThePollInterval) {
  std::unique_ptr<store::Database> other = s_.database->OpenAnother();
  ASSERT_NE(other, nullptr);
  DispatcherOptions slow_poll;
  slow_poll.poll_interval = 30s;
  Dispatcher replica_a(s_.db(), s_.clock, http_, slow_poll);
  Dispatcher replica_b(*other, s_.clock, http_, slow_poll);

  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<Event> seen_by_b;
  replica_b.Subscribe("warning.", [&](const Event& e) {
    std::lock_guard lock(mutex);
    seen_by_b.push_back(e);
    arrived.notify_all();
  });
  ExpectOk(replica_a.Start());
  ExpectOk(replica_b.Start());

  const auto published_at = std::chrono::steady_clock::now();
  const std::int64_t id = PublishOn(s_.db(), "warning.published", "", {{"level", "high"}});
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(arrived.wait_for(lock, 3s, [&] { return !seen_by_b.empty(); }))
        << "replica B was not woken by the notification";
  }
  EXPECT_LT(std::chrono::steady_clock::now() - published_at, 3s);
  std::lock_guard lock(mutex);
  ASSERT_EQ(seen_by_b.size(), 1u);
  EXPECT_EQ(seen_by_b[0].id, id);
  EXPECT_EQ(seen_by_b[0].payload, (Json{{"level", "high"}}));
  replica_a.Stop();
  replica_b.Stop();
}

TEST_P(EventsTest, StopJoinsPromptlyDespiteALongPollInterval) {
  DispatcherOptions slow_poll;
  slow_poll.poll_interval = 60s;
  Dispatcher dispatcher(s_.db(), s_.clock, http_, slow_poll);
  ExpectOk(dispatcher.Start());
  ExpectOk(dispatcher.Start());  // no-op
  const auto before = std::chrono::steady_clock::now();
  dispatcher.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
}

TEST_P(EventsTest, WebhookReceivesItsOrganisationsEventsSigned) {
  PublishOne("case.opened", s_.bank_a.id);  // older than the webhook: never sent to it
  const auto [hook, secret] = Register(s_.a_admin, s_.bank_a.id, "https://a.example/hook");
  EXPECT_FALSE(hook.all_orgs);
  Dispatcher dispatcher(s_.db(), s_.clock, http_);
  ExpectOk(dispatcher.RunOnce());

  const std::int64_t id = PublishOne("case.opened", s_.bank_a.id, {{"case", "C-9"}});
  PublishOne("case.opened", s_.bank_b.id);  // another organisation's event
  ExpectOk(dispatcher.RunOnce());

  const auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const OutboundRequest& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://a.example/hook");
  EXPECT_EQ(r.headers.at("Content-Type"), "application/json");
  EXPECT_EQ(r.headers.at("X-Fincyber-Event"), "case.opened");
  EXPECT_FALSE(r.headers.at("X-Fincyber-Delivery").empty());
  EXPECT_EQ(r.headers.at("X-Fincyber-Signature"),
            SignatureHeaderValue(secret, s_.clock.Now(), r.body));
  EXPECT_NE(r.headers.at("X-Fincyber-Signature"),
            SignatureHeaderValue("wrong secret", s_.clock.Now(), r.body));
  auto body = ParseJson(r.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body, (Json{{"id", id},
                         {"type", "case.opened"},
                         {"org_id", s_.bank_a.id},
                         {"created_at", FormatRfc3339(s_.clock.Now())},
                         {"payload", {{"case", "C-9"}}}}));

  s_.clock.Advance(1h);
  ExpectOk(dispatcher.RunOnce());
  EXPECT_EQ(http_.requests().size(), 1u) << "a delivered event is not sent again";
}

TEST_P(EventsTest, RegulatorWebhookReceivesEveryOrganisationAndTypeFiltersApply) {
  const auto [all_hook, all_secret] =
      Register(s_.coord, s_.regulator.id, "https://regulator.example/all");
  EXPECT_TRUE(all_hook.all_orgs);
  const auto [b_hook, b_secret] =
      Register(s_.coord, s_.bank_b.id, "https://b.example/cases", {"case.*"});
  EXPECT_FALSE(b_hook.all_orgs);
  Dispatcher dispatcher(s_.db(), s_.clock, http_);

  PublishOne("case.opened", s_.bank_a.id);
  PublishOne("case.opened", s_.bank_b.id);
  PublishOne("warning.published", s_.bank_b.id);
  PublishOne("warning.published", "");
  ExpectOk(dispatcher.RunOnce());

  std::multiset<std::string> sent;
  for (const auto& r : http_.requests()) {
    auto body = ParseJson(r.body);
    ASSERT_TRUE(body.ok());
    sent.insert(r.url + " " + (*body)["type"].get<std::string>() + "@" +
                (*body)["org_id"].get<std::string>());
  }
  EXPECT_EQ(sent, (std::multiset<std::string>{
                      "https://regulator.example/all case.opened@" + s_.bank_a.id,
                      "https://regulator.example/all case.opened@" + s_.bank_b.id,
                      "https://regulator.example/all warning.published@" + s_.bank_b.id,
                      "https://regulator.example/all warning.published@",
                      "https://b.example/cases case.opened@" + s_.bank_b.id,
                  }));
}

TEST_P(EventsTest, OrgOnlyEventsReachOnlyTheOrganisationsOwnWebhooks) {
  Register(s_.coord, s_.regulator.id, "https://regulator.example/all");
  Register(s_.a_admin, s_.bank_a.id, "https://a.example/hook");
  Dispatcher dispatcher(s_.db(), s_.clock, http_);
  Status published = s_.db().Transact([&](store::Connection& c) -> Status {
    FC_RETURN_IF_ERROR(Publish(c, s_.clock, "sharing.objects_added", s_.bank_a.id,
                               Json::object(), Audience::kOrgOnly));
    return OkStatus();
  });
  ASSERT_TRUE(published.ok()) << published.error().internal_message();
  ExpectOk(dispatcher.RunOnce());
  ASSERT_EQ(http_.requests().size(), 1u);
  EXPECT_EQ(http_.requests()[0].url, "https://a.example/hook");
}

TEST_P(EventsTest, FailedDeliveryRetriesWithBackOffThenGivesUp) {
  DispatcherOptions options;
  options.max_attempts = 4;
  options.first_retry = 1000ms;
  options.max_retry = 3000ms;
  Dispatcher dispatcher(s_.db(), s_.clock, http_, options);
  Register(s_.a_admin, s_.bank_a.id, "https://a.example/hook");
  http_.SetStatus(500);
  PublishOne("case.opened", s_.bank_a.id);

  auto attempts_after = [&](std::chrono::milliseconds advance) {
    s_.clock.Advance(advance);
    ExpectOk(dispatcher.RunOnce());
    return http_.requests().size();
  };
  EXPECT_EQ(attempts_after(0ms), 1u);
  // Retry delays: 1 s, 2 s, then capped at 3 s, each less up to half as jitter.
  EXPECT_EQ(attempts_after(0ms), 1u);
  EXPECT_EQ(attempts_after(499ms), 1u);
  EXPECT_EQ(attempts_after(501ms), 2u);
  EXPECT_EQ(attempts_after(999ms), 2u);
  EXPECT_EQ(attempts_after(1001ms), 3u);
  http_.SetStatus(std::nullopt);  // unreachable counts as a failure too
  EXPECT_EQ(attempts_after(1499ms), 3u);
  EXPECT_EQ(attempts_after(1501ms), 4u);
  EXPECT_EQ(attempts_after(24h), 4u) << "gave up after max_attempts";

  const auto requests = http_.requests();
  for (const auto& r : requests) {
    EXPECT_EQ(r.headers.at("X-Fincyber-Delivery"), requests[0].headers.at("X-Fincyber-Delivery"))
        << "retries keep the delivery id so receivers can de-duplicate";
  }
  Status st = s_.db().Read([&](store::Connection& c) -> Status {
    FC_ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT status, attempts, last_error "
                                             "FROM events_deliveries",
                                             {}, "delivery"));
    EXPECT_EQ(row.GetString(0), "failed");
    EXPECT_EQ(row.GetInt(1), 4);
    EXPECT_EQ(row.GetString(2), "POST <webhook url>: refused") << "the URL may hold a token";
    return OkStatus();
  });
  ExpectOk(st);
}

TEST_P(EventsTest, RetryThatSucceedsIsNotRepeated) {
  Dispatcher dispatcher(s_.db(), s_.clock, http_);
  Register(s_.a_admin, s_.bank_a.id, "https://a.example/hook");
  http_.SetStatus(503);
  PublishOne("case.opened", s_.bank_a.id);
  ExpectOk(dispatcher.RunOnce());
  http_.SetStatus(200);
  s_.clock.Advance(1s);
  ExpectOk(dispatcher.RunOnce());
  s_.clock.Advance(1h);
  ExpectOk(dispatcher.RunOnce());
  EXPECT_EQ(http_.requests().size(), 2u);
}

TEST_P(EventsTest, DeletedWebhookGetsNoFurtherDeliveries) {
  Dispatcher dispatcher(s_.db(), s_.clock, http_);
  const auto [hook, secret] = Register(s_.a_admin, s_.bank_a.id, "https://a.example/hook");
  http_.SetStatus(500);
  PublishOne("case.opened", s_.bank_a.id);
  ExpectOk(dispatcher.RunOnce());
  ASSERT_EQ(http_.requests().size(), 1u);
  ExpectOk(DeleteIn(s_.db(), s_.P(s_.a_admin), hook.id));
  PublishOne("case.closed", s_.bank_a.id);
  s_.clock.Advance(1h);
  ExpectOk(dispatcher.RunOnce());
  EXPECT_EQ(http_.requests().size(), 1u);
}

TEST_P(EventsTest, EachDeliveryIsAttemptedOnceWithTwoDispatchersRacing) {
  std::unique_ptr<store::Database> other = s_.database->OpenAnother();
  ASSERT_NE(other, nullptr);
  Register(s_.a_admin, s_.bank_a.id, "https://a.example/hook");
  Dispatcher replica_a(s_.db(), s_.clock, http_);
  Dispatcher replica_b(*other, s_.clock, http_);
  http_.SetDelay(2ms);  // widens the window in which both replicas look for work
  constexpr int kEvents = 30;
  std::set<std::int64_t> published;
  for (int i = 0; i < kEvents; ++i) published.insert(PublishOne("case.opened", s_.bank_a.id));

  auto rounds = [](Dispatcher& d) {
    for (int i = 0; i < 5; ++i) ExpectOk(d.RunOnce());
  };
  std::thread a(rounds, std::ref(replica_a));
  std::thread b(rounds, std::ref(replica_b));
  a.join();
  b.join();
  ExpectOk(replica_a.RunOnce());  // picks up anything a lost race left for later

  std::multiset<std::int64_t> sent_events;
  std::set<std::string> delivery_ids;
  for (const auto& r : http_.requests()) {
    auto body = ParseJson(r.body);
    ASSERT_TRUE(body.ok());
    sent_events.insert((*body)["id"].get<std::int64_t>());
    delivery_ids.insert(r.headers.at("X-Fincyber-Delivery"));
  }
  EXPECT_EQ(sent_events.size(), static_cast<std::size_t>(kEvents));
  EXPECT_EQ(std::set<std::int64_t>(sent_events.begin(), sent_events.end()), published);
  EXPECT_EQ(delivery_ids.size(), static_cast<std::size_t>(kEvents));
}

// A one-shot HTTP/1.1 receiver on 127.0.0.1 that records the raw request.
class TinyReceiver {
 public:
  TinyReceiver() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd_, 4) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TinyReceiver() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    if (thread_.joinable()) thread_.join();
  }

  int port() const { return port_; }
  // Waits for the request: headers (names lower-cased) and body.
  bool Wait(std::map<std::string, std::string>& headers, std::string& body) {
    std::unique_lock lock(mutex_);
    if (!done_.wait_for(lock, 10s, [&] { return received_; })) return false;
    headers = headers_;
    body = body_;
    return true;
  }

 private:
  void Serve() {
    const int client = accept(fd_, nullptr, nullptr);
    if (client < 0) return;
    std::string data;
    char buffer[4096];
    std::size_t header_end = std::string::npos;
    std::size_t content_length = 0;
    while (true) {
      if (header_end == std::string::npos) {
        header_end = data.find("\r\n\r\n");
        if (header_end != std::string::npos)
          content_length = ParseHeaders(data.substr(0, header_end));
      }
      if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) break;
      const ssize_t n = recv(client, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      data.append(buffer, static_cast<std::size_t>(n));
    }
    const std::string reply =
        "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
    close(client);
    std::lock_guard lock(mutex_);
    if (header_end != std::string::npos) body_ = data.substr(header_end + 4);
    received_ = true;
    done_.notify_all();
  }

  std::size_t ParseHeaders(const std::string& head) {
    std::lock_guard lock(mutex_);
    std::size_t pos = head.find("\r\n");
    headers_[":request-line"] = head.substr(0, pos);
    while (pos != std::string::npos) {
      const std::size_t next = head.find("\r\n", pos + 2);
      const std::string line =
          head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        headers_[name] = line.substr(line.find_first_not_of(' ', colon + 1));
      }
      pos = next;
    }
    return headers_.contains("content-length") ? std::stoul(headers_["content-length"]) : 0;
  }

  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable done_;
  bool received_ = false;                       // guarded by mutex_
  std::map<std::string, std::string> headers_;  // guarded by mutex_
  std::string body_;                            // guarded by mutex_
};

TEST_P(EventsTest, DeliversOverRealHttpToALoopbackReceiver) {
  TinyReceiver receiver;
  ASSERT_NE(receiver.port(), 0);
  const auto [hook, secret] =
      Register(s_.a_admin, s_.bank_a.id,
               "http://127.0.0.1:" + std::to_string(receiver.port()) + "/fincyber");
  std::unique_ptr<OutboundHttp> curl = MakeCurlHttp();
  DispatcherOptions options;
  options.delivery_timeout = 5s;
  Dispatcher dispatcher(s_.db(), s_.clock, *curl, options);
  const std::int64_t id = PublishOne("incident.submitted", s_.bank_a.id, {{"severity", "high"}});
  ExpectOk(dispatcher.RunOnce());

  std::map<std::string, std::string> headers;
  std::string body;
  ASSERT_TRUE(receiver.Wait(headers, body));
  EXPECT_EQ(headers[":request-line"], "POST /fincyber HTTP/1.1");
  EXPECT_EQ(headers["content-type"], "application/json");
  EXPECT_EQ(headers["x-fincyber-event"], "incident.submitted");
  EXPECT_EQ(headers["x-fincyber-signature"], SignatureHeaderValue(secret, s_.clock.Now(), body));
  auto parsed = ParseJson(body);
  ASSERT_TRUE(parsed.ok()) << body;
  EXPECT_EQ((*parsed)["id"], id);
  EXPECT_EQ((*parsed)["payload"], (Json{{"severity", "high"}}));

  // The 204 marked it delivered: the receiver is gone, yet nothing is retried.
  s_.clock.Advance(1h);
  auto fake_dispatcher = std::make_unique<Dispatcher>(s_.db(), s_.clock, http_);
  ExpectOk(fake_dispatcher->RunOnce());
  EXPECT_TRUE(http_.requests().empty());
}

TEST_P(EventsTest, RegisterRejectsBadUrlsAndEventTypes) {
  const identity::Principal admin = s_.P(s_.a_admin);
  const std::vector<std::string> bad_urls = {
      "",
      "ftp://a.example/hook",
      "javascript:alert(1)",
      "JAVASCRIPT://a.example/%0aalert(1)",
      "file:///etc/passwd",
      "https://user:password@a.example/hook",
      "https://token@a.example/hook",
      "https://a.example/" + std::string(2040, 'x'),
      "https:///no-host",
      "https://a.example:99999/hook",
      "https://a.example:/hook",
      "https://a.example/with space",
      "https://a.example/\n",
      "a.example/hook",
  };
  for (const std::string& url : bad_urls) {
    auto r = RegisterIn(s_.db(), s_.clock, admin, {s_.bank_a.id, url, {}});
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << url;
  }
  for (const std::string& url :
       {std::string("https://a.example/hook?x=1#f"), std::string("HTTP://10.0.0.1:8080"),
        std::string("https://[::1]:8443/h"), "https://a.example/" + std::string(2000, 'x')}) {
    auto r = RegisterIn(s_.db(), s_.clock, admin, {s_.bank_a.id, url, {}});
    EXPECT_TRUE(r.ok()) << url << ": " << (r.ok() ? "" : r.error().internal_message());
  }
  const std::vector<std::vector<std::string>> bad_types = {
      {""},
      {"*"},
      {".*"},
      {"Case.Opened"},
      {"case opened"},
      {"case.*.x"},
      {std::string(101, 'a')},
      std::vector<std::string>(51, "case.opened")};
  for (const auto& types : bad_types) {
    auto r =
        RegisterIn(s_.db(), s_.clock, admin, {s_.bank_a.id, "https://a.example/hook", types});
    ASSERT_FALSE(r.ok()) << (types.empty() ? "" : types[0]);
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST_P(EventsTest, WebhookManagementFollowsTheAccessPolicy) {
  auto register_as = [&](const identity::User& user, const std::string& org_id) {
    return RegisterIn(s_.db(), s_.clock, s_.P(user),
                           {org_id, "https://hooks.example/" + user.username, {}});
  };
  for (const auto* user : {&s_.a_member, &s_.auditor, &s_.bureau_staff, &s_.isac_analyst}) {
    auto r = register_as(*user, user->org_id);
    ASSERT_FALSE(r.ok()) << user->username;
    EXPECT_EQ(r.error().code(), ErrorCode::kPermissionDenied) << user->username;
  }
  auto cross = register_as(s_.a_admin, s_.bank_b.id);
  ASSERT_FALSE(cross.ok());
  EXPECT_EQ(cross.error().code(), ErrorCode::kPermissionDenied);

  auto a_hook = register_as(s_.a_admin, s_.bank_a.id);
  auto b_hook = register_as(s_.b_admin, s_.bank_b.id);
  auto coord_b_hook = register_as(s_.coord, s_.bank_b.id);
  auto coord_hook = register_as(s_.coord, s_.regulator.id);
  ASSERT_TRUE(a_hook.ok() && b_hook.ok() && coord_b_hook.ok() && coord_hook.ok());
  EXPECT_NE(a_hook->second, b_hook->second);
  EXPECT_GE(a_hook->second.size(), 40u) << "secret has at least 32 random bytes";

  auto ids_listed_for = [&](const identity::User& user) {
    std::set<std::string> ids;
    auto hooks = ListWebhooks(s_.db(), s_.P(user));
    EXPECT_TRUE(hooks.ok()) << user.username;
    if (hooks.ok()) {
      for (const Webhook& h : *hooks) ids.insert(h.id);
    }
    return ids;
  };
  using Ids = std::set<std::string>;
  EXPECT_EQ(ids_listed_for(s_.a_admin), Ids{a_hook->first.id});
  EXPECT_EQ(ids_listed_for(s_.b_admin), (Ids{b_hook->first.id, coord_b_hook->first.id}));
  EXPECT_EQ(ids_listed_for(s_.coord), (Ids{a_hook->first.id, b_hook->first.id,
                                           coord_b_hook->first.id, coord_hook->first.id}));
  auto member_list = ListWebhooks(s_.db(), s_.P(s_.a_member));
  ASSERT_FALSE(member_list.ok());
  EXPECT_EQ(member_list.error().code(), ErrorCode::kPermissionDenied);
  auto listed = ListWebhooks(s_.db(), s_.P(s_.a_admin));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ((*listed)[0].url, "https://hooks.example/a.admin");
  EXPECT_EQ((*listed)[0].org_id, s_.bank_a.id);

  Status member_delete = DeleteIn(s_.db(), s_.P(s_.a_member), a_hook->first.id);
  ASSERT_FALSE(member_delete.ok());
  EXPECT_EQ(member_delete.error().code(), ErrorCode::kPermissionDenied);
  Status cross_delete = DeleteIn(s_.db(), s_.P(s_.b_admin), a_hook->first.id);
  ASSERT_FALSE(cross_delete.ok());
  EXPECT_EQ(cross_delete.error().code(), ErrorCode::kNotFound);
  ExpectOk(DeleteIn(s_.db(), s_.P(s_.a_admin), a_hook->first.id));
  EXPECT_TRUE(ids_listed_for(s_.a_admin).empty());
  Status again = DeleteIn(s_.db(), s_.P(s_.a_admin), a_hook->first.id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kNotFound);
  ExpectOk(DeleteIn(s_.db(), s_.P(s_.coord), b_hook->first.id));
}

// Outbox events and webhook deliveries left, in id order.
std::vector<std::int64_t> EventIds(store::Database& db) {
  std::vector<std::int64_t> ids;
  Status st = db.Read([&](store::Connection& c) -> Status {
    FC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id FROM events_outbox ORDER BY id"));
    for (const auto& row : rows) ids.push_back(row.GetInt(0));
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
  return ids;
}
std::int64_t DeliveryCount(store::Database& db) {
  std::int64_t count = -1;
  Status st = db.Read([&](store::Connection& c) -> Status {
    FC_ASSIGN_OR_RETURN(auto row,
                        c.QueryOne("SELECT COUNT(*) FROM events_deliveries", {}, "count"));
    count = row.GetInt(0);
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
  return count;
}

constexpr std::int64_t kAll = 1'000'000;

// Publishes `count` events of bank B in one transaction.
void PublishMany(TestSector& s, int count) {
  Status st = s.db().Transact([&](store::Connection& c) -> Status {
    for (int i = 0; i < count; ++i) {
      FC_RETURN_IF_ERROR(Publish(c, s.clock, "case.opened", s.bank_b.id, {}));
    }
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st.error().internal_message();
}

TEST_P(EventsTest, PruningDeletesOldEventsOnlyOnceWebhooksAreDoneWithThem) {
  // 2,500 events no webhook wants, then one a webhook receives, all fanned out.
  PublishMany(s_, 2500);
  Register(s_.a_admin, s_.bank_a.id, "https://a.example/hook");
  PublishOne("case.opened", s_.bank_a.id);
  Dispatcher dispatcher(s_.db(), s_.clock, http_, {.retention = std::chrono::hours(0)});
  ExpectOk(dispatcher.RunOnce());
  ASSERT_EQ(DeliveryCount(s_.db()), 1);
  const std::int64_t not_fanned_out = PublishOne("case.opened", s_.bank_b.id);
  s_.clock.Advance(2h);
  const std::int64_t recent = PublishOne("case.opened", s_.bank_b.id);

  auto pruned = PruneEvents(s_.db(), s_.clock.Now() - 1h, 1200);
  ASSERT_TRUE(pruned.ok()) << pruned.error().internal_message();
  EXPECT_EQ(*pruned, 1200) << "no more than asked";
  pruned = PruneEvents(s_.db(), s_.clock.Now() - 1h, kAll);
  ASSERT_TRUE(pruned.ok()) << pruned.error().internal_message();
  EXPECT_EQ(*pruned, 1301);
  EXPECT_EQ(EventIds(s_.db()), (std::vector<std::int64_t>{not_fanned_out, recent}));
  EXPECT_EQ(DeliveryCount(s_.db()), 0) << "the delivered event's delivery goes with it";

  ExpectOk(dispatcher.RunOnce());  // fans the old one out
  pruned = PruneEvents(s_.db(), s_.clock.Now() - 1h, kAll);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(EventIds(s_.db()), (std::vector<std::int64_t>{recent}));

  // A delivery still being retried keeps its event and every later one.
  http_.SetStatus(std::nullopt);
  const std::int64_t retried = PublishOne("case.opened", s_.bank_a.id);
  const std::int64_t after_it = PublishOne("case.opened", s_.bank_b.id);
  ExpectOk(dispatcher.RunOnce());
  s_.clock.Advance(2h);
  pruned = PruneEvents(s_.db(), s_.clock.Now() - 1h, kAll);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(EventIds(s_.db()), (std::vector<std::int64_t>{retried, after_it}));
  http_.SetStatus(204);
  ExpectOk(dispatcher.RunOnce());  // the retry, due by now, is delivered
  pruned = PruneEvents(s_.db(), s_.clock.Now() - 1h, kAll);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 2);
  EXPECT_TRUE(EventIds(s_.db()).empty());
  // A reader's cursor older than every event left resumes at the oldest one.
  const std::int64_t next = PublishOne("case.opened", s_.bank_b.id);
  Status st = s_.db().Read([&](store::Connection& c) -> Status {
    FC_ASSIGN_OR_RETURN(auto events, ReadEvents(c, 0, {"case.opened"}, 10));
    EXPECT_EQ(events.size(), 1u);
    if (!events.empty()) {
      EXPECT_EQ(events[0].id, next);
    }
    return OkStatus();
  });
  ExpectOk(st);
}

TEST_P(EventsTest, TheDispatcherPrunesEventsOlderThanItsRetentionAThousandPerRound) {
  PublishMany(s_, 2500);
  Dispatcher keeping(s_.db(), s_.clock, http_, {.retention = std::chrono::hours(0)});
  Dispatcher pruning(s_.db(), s_.clock, http_, {.retention = std::chrono::hours(1)});
  s_.clock.Advance(24h * 400);
  ExpectOk(keeping.RunOnce());
  ExpectOk(keeping.RunOnce());
  EXPECT_EQ(EventIds(s_.db()).size(), 2500u) << "a zero retention keeps every event";
  ExpectOk(pruning.RunOnce());
  EXPECT_EQ(EventIds(s_.db()).size(), 2500u) << "nothing is pruned in the first round";
  const std::int64_t recent = PublishOne("case.opened", s_.bank_b.id);
  for (const std::size_t left : {1501u, 501u, 1u}) {
    ExpectOk(pruning.RunOnce());
    EXPECT_EQ(EventIds(s_.db()).size(), left) << "a thousand a round while more are due";
  }
  EXPECT_EQ(EventIds(s_.db()), (std::vector<std::int64_t>{recent}));
  // After a round with fewer to prune, the next is an hour later.
  s_.clock.Advance(90min);
  const std::int64_t older = PublishOne("case.opened", s_.bank_b.id);
  s_.clock.Advance(30min);
  ExpectOk(pruning.RunOnce());
  EXPECT_EQ(EventIds(s_.db()), (std::vector<std::int64_t>{older}));
  s_.clock.Advance(40min);  // older than the retention, but pruning is 20 minutes away
  ExpectOk(pruning.RunOnce());
  EXPECT_EQ(EventIds(s_.db()), (std::vector<std::int64_t>{older}));
  s_.clock.Advance(20min);
  ExpectOk(pruning.RunOnce());
  EXPECT_TRUE(EventIds(s_.db()).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, EventsTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::events
