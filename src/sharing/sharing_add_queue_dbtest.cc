// Additions accepted before they are stored: answered "pending" once spooled, stored
// under the report id they were given, several envelopes to a transaction, refused
// whole when they can no longer be stored, visible as pending to their organisation
// only, and stored at the next start when a run left them in the spool.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include "identity/principal.h"
#include "sharing/add_queue.h"
#include "sharing/test_hub.h"
#include "testing/held_transaction.h"
#include "testing/scratch_dir.h"

namespace fincyber::sharing {
namespace {

namespace fs = std::filesystem;

class AddQueueTest : public ::testing::TestWithParam<std::string> {
 protected:
  AddQueueTest() : hub_(GetParam()) {}

  AddQueueOptions Spooled(std::chrono::milliseconds wait = std::chrono::milliseconds(0)) {
    return {.spool_dir = spool_.path(), .wait = wait};
  }

  std::unique_ptr<AddQueue> Start(AddQueueOptions options) {
    auto queue = AddQueue::Start(hub_.service, hub_.s.clock, std::move(options));
    EXPECT_TRUE(queue.ok()) << queue.error().internal_message();
    return queue.ok() ? std::move(*queue) : nullptr;
  }

  static std::vector<IncomingObject> Envelope(const std::vector<Json>& objects) {
    std::vector<IncomingObject> incoming;
    for (const Json& o : objects) incoming.push_back({o, o.dump()});
    return incoming;
  }

  static std::string Body(const std::vector<Json>& objects) {
    return Json{{"objects", objects}}.dump();
  }

  Result<AddQueue::Accepted> Submit(AddQueue& queue, const identity::User& user,
                                    const std::vector<Json>& objects) {
    return queue.Submit(hub_.P(user), hub_.indicators.id, Body(objects), Envelope(objects),
                        hub_.info);
  }

  std::vector<Json> Indicators(int n, const std::string& name) {
    std::vector<Json> objects;
    for (int i = 0; i < n; ++i) {
      objects.push_back(
          TestHub::Indicator(TestHub::NewIndicatorId(), name + std::to_string(i) + ".example"));
    }
    return objects;
  }

  std::vector<fs::path> SpoolFiles(std::string_view extension = ".envelope") const {
    std::vector<fs::path> files;
    for (const auto& item : fs::directory_iterator(spool_.path())) {
      if (item.path().extension() == extension) files.push_back(item.path());
    }
    return files;
  }

  // Holds the collection's row in a transaction of its own until released, so that the
  // queue's writer, which locks it first, cannot store anything meanwhile.
  static testing::HeldTransaction CollectionHeld(TestHub& hub) {
    return testing::HeldTransaction(
        hub.s.db(), "UPDATE sharing_collections SET last_date_added = last_date_added WHERE id = ?",
        {hub.indicators.id});
  }

  // Queues three envelopes, each with one invalid object, while the writer is held, then
  // checks that each has its own report and that all are stored in order of acceptance.
  void ExpectHeldEnvelopesStoredInOrder(AddQueueOptions options);

  testing::ScratchDir spool_{"fincyber-spool"};
  TestHub hub_;
};

TEST_P(AddQueueTest, WithoutASpoolTheAnswerWaitsForTheStore) {
  auto queue = Start({});
  ASSERT_NE(queue, nullptr);
  const auto objects = Indicators(3, "sync");
  auto accepted = Submit(*queue, hub_.s.a_member, objects);
  ASSERT_TRUE(accepted.ok()) << accepted.error().internal_message();
  EXPECT_FALSE(accepted->pending);
  EXPECT_EQ(accepted->report.successes.size(), 3u);
  EXPECT_EQ(hub_.VisibleIds(hub_.s.a_member).size(), 3u);
  auto stored = hub_.service.GetAddReport(hub_.P(hub_.s.a_member), accepted->report.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->requested_at, accepted->report.requested_at);
  EXPECT_FALSE(queue->Pending(hub_.P(hub_.s.a_member), accepted->report.id));
}

TEST_P(AddQueueTest, ASpooledEnvelopeIsPendingToItsOrganisationOnlyUntilStored) {
  auto queue = Start(Spooled());
  ASSERT_NE(queue, nullptr);
  const auto objects = Indicators(4, "pending");
  std::string report_id;
  stix::Timestamp requested_at = 0;
  {
    auto held = CollectionHeld(hub_);
    auto accepted = Submit(*queue, hub_.s.a_member, objects);
    ASSERT_TRUE(accepted.ok()) << accepted.error().internal_message();
    ASSERT_TRUE(accepted->pending);
    report_id = accepted->report.id;
    requested_at = accepted->report.requested_at;
    EXPECT_EQ(accepted->report.total_count, 4);
    EXPECT_EQ(SpoolFiles().size(), 1u);

    auto pending = queue->Pending(hub_.P(hub_.s.a_member), report_id);
    ASSERT_TRUE(pending.has_value());
    EXPECT_EQ(pending->total_count, 4);
    EXPECT_EQ(pending->collection_id, hub_.indicators.id);
    // Another institution learns nothing of it, not even that it exists.
    EXPECT_FALSE(queue->Pending(hub_.P(hub_.d_member), report_id));
    EXPECT_FALSE(queue->Pending(hub_.P(hub_.s.b_admin), report_id));
    EXPECT_FALSE(hub_.service.GetAddReport(hub_.P(hub_.s.a_member), report_id).ok());
    EXPECT_TRUE(hub_.VisibleIds(hub_.s.a_member).empty());
  }
  queue.reset();  // stores everything accepted
  auto stored = hub_.service.GetAddReport(hub_.P(hub_.s.a_member), report_id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->requested_at, requested_at);
  EXPECT_EQ(stored->successes.size(), 4u);
  EXPECT_EQ(hub_.VisibleIds(hub_.s.a_member).size(), 4u);
  EXPECT_TRUE(SpoolFiles().empty());
}

TEST_P(AddQueueTest, AWaitLongEnoughAnswersComplete) {
  auto queue = Start(Spooled(std::chrono::minutes(1)));
  ASSERT_NE(queue, nullptr);
  auto accepted = Submit(*queue, hub_.s.a_member, Indicators(2, "waited"));
  ASSERT_TRUE(accepted.ok());
  EXPECT_FALSE(accepted->pending);
  EXPECT_EQ(accepted->report.successes.size(), 2u);
  EXPECT_TRUE(SpoolFiles().empty());
}

TEST_P(AddQueueTest, EnvelopesStoredTogetherKeepTheirOwnReportsAndOrder) {
  ExpectHeldEnvelopesStoredInOrder(Spooled());
}

// With no time for a transaction, each stores one envelope and the rest follow in order.
TEST_P(AddQueueTest, ATransactionPastItsTimeLeavesTheNextEnvelopesQueued) {
  AddQueueOptions options = Spooled();
  options.max_transaction_time = std::chrono::milliseconds(0);
  ExpectHeldEnvelopesStoredInOrder(options);
}

TEST_P(AddQueueTest, AddAcceptedPastItsTimeStoresTheFirstAddsOnly) {
  std::vector<AcceptedAdd> adds;
  for (int i = 0; i < 3; ++i) {
    const std::vector<Json> objects = Indicators(2, "timed" + std::to_string(i) + "-");
    adds.push_back({.principal = hub_.P(hub_.s.a_member),
                    .collection_id = hub_.indicators.id,
                    .info = hub_.info,
                    .report_id = NewUuid(),
                    .requested_at = 0,
                    .objects = hub_.service.ValidateObjects(Envelope(objects))});
  }
  auto reports =
      hub_.service.AddAccepted({&adds[0], &adds[1], &adds[2]}, std::chrono::milliseconds(0));
  ASSERT_TRUE(reports.ok()) << reports.error().internal_message();
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_EQ(reports->front().id, adds[0].report_id);
  EXPECT_EQ(reports->front().successes.size(), 2u);
  EXPECT_TRUE(hub_.service.AddReportExists(adds[0].report_id).value());
  EXPECT_FALSE(hub_.service.AddReportExists(adds[1].report_id).value());
  EXPECT_EQ(hub_.VisibleIds(hub_.s.a_member).size(), 2u);
  auto rest = hub_.service.AddAccepted({&adds[1], &adds[2]});
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(), 2u);
  EXPECT_EQ(hub_.VisibleIds(hub_.s.a_member).size(), 6u);
}

void AddQueueTest::ExpectHeldEnvelopesStoredInOrder(AddQueueOptions options) {
  auto queue = Start(std::move(options));
  ASSERT_NE(queue, nullptr);
  std::vector<std::vector<Json>> envelopes;
  std::vector<std::string> report_ids;
  {
    auto held = CollectionHeld(hub_);
    for (int i = 0; i < 3; ++i) {
      envelopes.push_back(Indicators(2 + i, "group" + std::to_string(i) + "-"));
      envelopes.back().push_back(TestHub::Indicator(TestHub::NewIndicatorId(), "bad.example"));
      envelopes.back().back()["pattern"] = "[domain-name:value = ";
      auto accepted = Submit(*queue, hub_.s.a_member, envelopes.back());
      ASSERT_TRUE(accepted.ok());
      ASSERT_TRUE(accepted->pending);
      report_ids.push_back(accepted->report.id);
    }
  }
  queue.reset();
  std::vector<std::string> expected;
  for (std::size_t i = 0; i < envelopes.size(); ++i) {
    auto report = hub_.service.GetAddReport(hub_.P(hub_.s.a_member), report_ids[i]);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->total_count, static_cast<std::int64_t>(envelopes[i].size()));
    EXPECT_EQ(report->successes.size(), envelopes[i].size() - 1);
    ASSERT_EQ(report->failures.size(), 1u);
    EXPECT_EQ(report->failures[0].message.rfind("pattern: ", 0), 0u);
    for (std::size_t j = 0; j + 1 < envelopes[i].size(); ++j) {
      expected.push_back(envelopes[i][j]["id"]);
    }
  }
  ObjectQuery all;
  all.limit = kMaxPageSize;
  auto page = hub_.service.ListObjects(hub_.P(hub_.s.a_member), hub_.indicators.id, all);
  ASSERT_TRUE(page.ok());
  std::vector<std::string> stored;
  for (const auto& o : page->objects) stored.push_back(o.id);
  EXPECT_EQ(stored, expected);  // date_added follows the order of acceptance
}

TEST_P(AddQueueTest, AnEnvelopeThatCanNeverBeStoredIsReportedFailedWhole) {
  auto queue = Start(Spooled(std::chrono::minutes(1)));
  ASSERT_NE(queue, nullptr);
  // Bank D may not write the collection (the TAXII route checks that first; here the
  // right is missing when the writer comes to it).
  const auto objects = Indicators(2, "refused");
  auto accepted = Submit(*queue, hub_.d_member, objects);
  ASSERT_TRUE(accepted.ok()) << accepted.error().internal_message();
  EXPECT_FALSE(accepted->pending);
  EXPECT_TRUE(accepted->report.successes.empty());
  ASSERT_EQ(accepted->report.failures.size(), 2u);
  EXPECT_EQ(accepted->report.failures[0].id, objects[0]["id"]);
  EXPECT_FALSE(accepted->report.failures[0].message.empty());
  EXPECT_TRUE(hub_.service.GetAddReport(hub_.P(hub_.d_member), accepted->report.id).ok());
  EXPECT_TRUE(hub_.VisibleIds(hub_.s.a_member).empty());
  EXPECT_TRUE(SpoolFiles().empty());
}

TEST_P(AddQueueTest, AFullQueueHoldsSubmittersBackThenRefusesThem) {
  AddQueueOptions options = Spooled();
  options.max_pending_objects = 3;
  options.max_backpressure_wait = std::chrono::milliseconds(50);
  auto queue = Start(options);
  ASSERT_NE(queue, nullptr);
  auto held = CollectionHeld(hub_);
  ASSERT_TRUE(Submit(*queue, hub_.s.a_member, Indicators(3, "full")).ok());
  auto refused = Submit(*queue, hub_.s.a_member, Indicators(1, "over"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(SpoolFiles().size(), 1u);  // the refused one was never acknowledged
  held.Release();
  queue.reset();
  EXPECT_EQ(hub_.VisibleIds(hub_.s.a_member).size(), 3u);
}

TEST_P(AddQueueTest, OneSpoolServesOneQueueAtATime) {
  auto first = Start(Spooled());
  ASSERT_NE(first, nullptr);
  auto second = AddQueue::Start(hub_.service, hub_.s.clock, Spooled());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kFailedPrecondition);
  first.reset();
  EXPECT_TRUE(AddQueue::Start(hub_.service, hub_.s.clock, Spooled()).ok());
}

// A spool file as a run that stopped before storing it leaves it.
void WriteSpoolFile(const fs::path& file, const Json& header, const std::string& envelope) {
  std::ofstream(file, std::ios::binary) << header.dump() << "\n" << envelope;
}

TEST_P(AddQueueTest, WhatARunLeftInTheSpoolIsStoredAtTheNextStart) {
  const identity::Principal member = hub_.P(hub_.s.a_member);
  auto header = [&](const std::string& report_id) {
    return Json{{"report_id", report_id},
                {"requested_at", 1'700'000'000'000'000},
                {"collection_id", hub_.indicators.id},
                {"user_id", member.user_id},
                {"username", member.username},
                {"org_id", member.org_id},
                {"org_kind", identity::OrgKindName(member.org_kind)},
                {"role", identity::RoleName(member.role)},
                {"token_id", ""},
                {"remote_address", "192.0.2.1"},
                {"request_id", "req-spooled"}};
  };
  const auto first = Indicators(2, "left");
  const auto second = Indicators(1, "later");
  const auto unanswered = Indicators(1, "unanswered");
  const std::string first_id = NewUuid(), second_id = NewUuid();
  WriteSpoolFile(fs::path(spool_.path()) / "00000000000000000007.envelope", header(first_id),
                 Body(first));
  WriteSpoolFile(fs::path(spool_.path()) / "00000000000000000009.envelope", header(second_id),
                 Body(second));
  // Written but never acknowledged, and damaged: neither is stored.
  WriteSpoolFile(fs::path(spool_.path()) / "00000000000000000010.part", header(NewUuid()),
                 Body(unanswered));
  std::ofstream(fs::path(spool_.path()) / "00000000000000000008.envelope") << "{not json\n{}";

  auto queue = Start(Spooled());
  ASSERT_NE(queue, nullptr);
  // A new envelope comes after those left over, and its file after theirs.
  auto accepted = Submit(*queue, hub_.s.a_member, Indicators(1, "new"));
  ASSERT_TRUE(accepted.ok());
  queue.reset();

  auto report = hub_.service.GetAddReport(member, first_id);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->requested_at, 1'700'000'000'000'000);
  EXPECT_EQ(report->successes.size(), 2u);
  ASSERT_TRUE(hub_.service.GetAddReport(member, second_id).ok());
  ObjectQuery all;
  all.limit = kMaxPageSize;
  auto page = hub_.service.ListObjects(member, hub_.indicators.id, all);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 4u);
  EXPECT_EQ(page->objects[0].id, first[0]["id"]);
  EXPECT_EQ(page->objects[2].id, second[0]["id"]);
  EXPECT_TRUE(SpoolFiles().empty());
  EXPECT_TRUE(SpoolFiles(".part").empty());
  EXPECT_EQ(SpoolFiles(".damaged").size(), 1u);

  // A file whose envelope was stored, the run stopping before removing it, is dropped.
  WriteSpoolFile(fs::path(spool_.path()) / "00000000000000000011.envelope", header(first_id),
                 Body(first));
  queue = Start(Spooled());
  ASSERT_NE(queue, nullptr);
  queue.reset();
  EXPECT_TRUE(SpoolFiles().empty());
  auto again = hub_.service.ListObjects(member, hub_.indicators.id, all);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->objects.size(), 4u);
}

INSTANTIATE_TEST_SUITE_P(Backends, AddQueueTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::sharing
