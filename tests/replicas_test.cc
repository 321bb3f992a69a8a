// Two server replicas on one database, as behind a load balancer: they share
// nothing but the database, a session opened on one is honoured by the other, and
// an event committed through one reaches a subscriber of the other (with PostgreSQL
// woken by LISTEN/NOTIFY).
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "app/platform.h"
#include "base/crypto.h"
#include "test_client.h"
#include "testing/db_targets.h"

namespace fincyber {
namespace {

// Two platforms (replicas) opened on one fresh database.
class ReplicasTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database_ = testing::TestDatabase::Create(GetParam());
    config_.database = database_->target();
    config_.listen = "127.0.0.1:0";
    // Far longer than the test waits: only the database's notification can wake B.
    config_.event_poll_interval_ms = 120'000;
    auto a = app::Platform::Open(config_);
    ASSERT_TRUE(a.ok()) << a.error().internal_message();
    auto b = app::Platform::Open(config_);
    ASSERT_TRUE(b.ok()) << b.error().internal_message();
    a_ = std::move(*a);
    b_ = std::move(*b);
    a_->accounts().UseFastPasswordHashing();
  }

  std::unique_ptr<testing::TestDatabase> database_;
  app::Config config_;
  std::unique_ptr<app::Platform> a_, b_;
};

TEST_P(ReplicasTest, EventFromOneReplicaReachesTheOther) {
  const identity::Principal op = identity::OperatorPrincipal();
  const accounts::RequestInfo info{"test", ""};
  auto& accounts = a_->accounts();
  auto bank = accounts.CreateOrg(op, {identity::OrgKind::kInstitution, "regional_bank", "甲銀行",
                                      "Bank Ko", {}},
                                 info);
  ASSERT_TRUE(bank.ok());
  const std::string password = RandomToken(12);
  ASSERT_TRUE(accounts
                  .CreateUser(op, {bank->id, "ko.admin", "admin",
                                   identity::Role::kInstitutionAdmin, password, "ja"},
                              info)
                  .ok());

  auto running_a = a_->Start(config_);
  ASSERT_TRUE(running_a.ok()) << running_a.error().internal_message();
  auto running_b = b_->Start(config_);
  ASSERT_TRUE(running_b.ok()) << running_b.error().internal_message();

  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<events::Event> seen_by_b;
  (*running_b)->dispatcher().Subscribe("user.", [&](const events::Event& e) {
    std::lock_guard lock(mutex);
    seen_by_b.push_back(e);
    arrived.notify_all();
  });

  testing::TestClient on_a((*running_a)->port());
  ASSERT_EQ(on_a.Login("ko.admin", password).status, 200);
  testing::HttpResult created =
      on_a.Post("/api/v1/orgs/" + bank->id + "/users",
                {{"username", "ko.analyst"}, {"display_name", "analyst"},
                 {"role", "institution_member"}, {"password", "a long enough password"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string new_user = created.json()["id"];

  std::unique_lock lock(mutex);
  ASSERT_TRUE(arrived.wait_for(lock, std::chrono::seconds(5), [&] {
    for (const auto& e : seen_by_b) {
      if (e.type == "user.created" && e.payload.value("target_id", "") == new_user) return true;
    }
    return false;
  })) << "replica B never saw the event committed through replica A";
}

TEST_P(ReplicasTest, ASessionOpenedOnOneReplicaWorksOnTheOther) {
  const identity::Principal op = identity::OperatorPrincipal();
  auto regulator = a_->accounts().CreateOrg(
      op, {identity::OrgKind::kRegulator, {}, "当局", "Authority", {}}, {"test", ""});
  ASSERT_TRUE(regulator.ok());
  const std::string password = RandomToken(12);
  ASSERT_TRUE(a_->accounts()
                  .CreateUser(op, {regulator->id, "coord", "coord",
                                   identity::Role::kCoordinationOffice, password, "ja"},
                              {"test", ""})
                  .ok());
  auto running_a = a_->Start(config_);
  auto running_b = b_->Start(config_);
  ASSERT_TRUE(running_a.ok() && running_b.ok());

  testing::TestClient client((*running_a)->port());
  ASSERT_EQ(client.Login("coord", password).status, 200);
  testing::TestClient same_session_on_b = client;
  same_session_on_b.SetPort((*running_b)->port());
  EXPECT_EQ(same_session_on_b.Get("/api/v1/me").status, 200);
  EXPECT_EQ(same_session_on_b.Post("/api/v1/auth/logout", Json::object()).status, 204);
  EXPECT_EQ(client.Get("/api/v1/me").status, 401) << "logout on B ends the session on A";
}

INSTANTIATE_TEST_SUITE_P(Backends, ReplicasTest, ::testing::ValuesIn(testing::DbBackends()));

}  // namespace
}  // namespace fincyber
