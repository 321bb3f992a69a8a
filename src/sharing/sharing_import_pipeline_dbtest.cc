// The two-stage import: batches stored in input order with their reports, invalid
// objects reported as AddObjects reports them, a storage error stopping the import.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>

#include "sharing/import_pipeline.h"
#include "sharing/test_hub.h"

namespace fincyber::sharing {
namespace {

class ImportPipelineTest : public ::testing::TestWithParam<std::string> {
 protected:
  ImportPipelineTest() : hub_(GetParam()) {}

  // Batches go together in transactions of up to `per_transaction` objects; the long
  // time bound leaves the object count and settling to end them.
  std::unique_ptr<ImportPipeline> Pipeline(const identity::User& user, std::size_t batch,
                                           std::vector<AddReport>& reports,
                                           std::size_t per_transaction = 20000) {
    return std::make_unique<ImportPipeline>(
        hub_.service, hub_.P(user), hub_.indicators.id, hub_.info,
        ImportBatching{.max_objects = batch,
                       .max_bytes = 16 << 20,
                       .queued_batches = 1,
                       .max_objects_per_transaction = per_transaction,
                       .max_transaction_time = std::chrono::seconds(60)},
        [&reports](const AddReport& report) { reports.push_back(report); });
  }

  TestHub hub_;
};

TEST_P(ImportPipelineTest, StoresBatchesInInputOrderAndReportsEachObject) {
  std::vector<Json> objects;
  for (int i = 0; i < 40; ++i) {
    Json o = TestHub::Indicator(TestHub::NewIndicatorId(), fmt::format("d{}.example", i));
    if (i % 9 == 4) o["pattern"] = "[domain-name:value = ";  // invalid, reported alone
    objects.push_back(std::move(o));
  }
  std::vector<AddReport> reports;
  auto pipeline = Pipeline(hub_.s.a_member, 6, reports);
  for (const Json& o : objects) ASSERT_TRUE(pipeline->Add(o, o.dump()).ok());
  ASSERT_TRUE(pipeline->Flush().ok());

  ASSERT_EQ(reports.size(), 7u);  // 6 full batches and the rest
  std::vector<std::string> reported;
  for (const AddReport& report : reports) {
    for (const auto& s : report.successes) reported.push_back(s.id);
    for (const auto& f : report.failures) {
      EXPECT_EQ(f.message.rfind("pattern: ", 0), 0u) << f.message;
      reported.push_back(f.id);
    }
  }
  ASSERT_EQ(reported.size(), objects.size());

  // The same objects through AddObjects in one envelope fail with the same messages.
  std::vector<IncomingObject> again;
  for (const Json& o : objects) again.push_back({o, o.dump()});
  auto direct =
      hub_.service.AddObjects(hub_.P(hub_.s.a_member), hub_.indicators.id, again, hub_.info);
  ASSERT_TRUE(direct.ok());
  std::vector<std::string> piped_failures, direct_failures;
  for (const AddReport& report : reports) {
    for (const auto& f : report.failures) piped_failures.push_back(f.id + " " + f.message);
  }
  for (const auto& f : direct->failures) direct_failures.push_back(f.id + " " + f.message);
  EXPECT_EQ(piped_failures, direct_failures);

  // date_added follows the input.
  ObjectQuery all;
  all.limit = kMaxPageSize;
  auto page = hub_.service.ListObjects(hub_.P(hub_.s.a_member), hub_.indicators.id, all);
  ASSERT_TRUE(page.ok());
  std::vector<std::string> stored, expected;
  for (const auto& o : page->objects) stored.push_back(o.id);
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (i % 9 != 4) expected.push_back(objects[i]["id"]);
  }
  EXPECT_EQ(stored, expected);
}

TEST_P(ImportPipelineTest, FlushStoresWhatWasGivenAndAddingGoesOn) {
  std::vector<AddReport> reports;
  auto pipeline = Pipeline(hub_.s.a_member, 3, reports);
  auto add = [&](int n) {
    for (int i = 0; i < n; ++i) {
      Json o = TestHub::Indicator(TestHub::NewIndicatorId(), "flush.example");
      ASSERT_TRUE(pipeline->Add(o, o.dump()).ok());
    }
  };
  add(5);
  ASSERT_TRUE(pipeline->Flush().ok());
  EXPECT_EQ(hub_.VisibleIds(hub_.s.a_member).size(), 5u);
  EXPECT_EQ(reports.size(), 2u);
  add(2);
  ASSERT_TRUE(pipeline->Flush().ok());
  EXPECT_EQ(hub_.VisibleIds(hub_.s.a_member).size(), 7u);
  EXPECT_EQ(reports.size(), 3u);
}

TEST_P(ImportPipelineTest, AStorageErrorStopsTheImport) {
  std::vector<AddReport> reports;
  // Bank D may not write the collection: the first batch fails and nothing is stored.
  auto pipeline = Pipeline(hub_.d_member, 2, reports);
  Status added = OkStatus();
  for (int i = 0; i < 20 && added.ok(); ++i) {
    Json o = TestHub::Indicator(TestHub::NewIndicatorId(), fmt::format("d{}.example", i));
    added = pipeline->Add(o, o.dump());
  }
  const Status finished = pipeline->Flush();
  ASSERT_FALSE(finished.ok());
  EXPECT_EQ(finished.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(reports.empty());
  EXPECT_TRUE(hub_.VisibleIds(hub_.s.a_member).empty());
}

TEST_P(ImportPipelineTest, AnImportStoppedHalfWayStoresItsWholeBatchesOnly) {
  std::vector<AddReport> reports;
  {
    auto pipeline = Pipeline(hub_.s.a_member, 3, reports);
    for (int i = 0; i < 10; ++i) {
      Json o = TestHub::Indicator(TestHub::NewIndicatorId(), fmt::format("d{}.example", i));
      ASSERT_TRUE(pipeline->Add(o, o.dump()).ok());
    }
    ASSERT_TRUE(pipeline->Settle().ok());
    EXPECT_EQ(reports.size(), 3u);
  }
  EXPECT_EQ(hub_.VisibleIds(hub_.s.a_member).size(), 9u);
}

TEST_P(ImportPipelineTest, BatchesSharingATransactionKeepTheirOwnReports) {
  std::vector<Json> objects;
  for (int i = 0; i < 10; ++i) {
    objects.push_back(TestHub::Indicator(TestHub::NewIndicatorId(), fmt::format("t{}.example", i)));
  }
  // The same objects stored a batch per transaction and many batches per transaction.
  for (std::size_t per_transaction : {std::size_t{1}, std::size_t{20000}}) {
    SCOPED_TRACE(per_transaction);
    std::vector<AddReport> reports;
    {
      auto pipeline = Pipeline(hub_.s.a_member, 3, reports, per_transaction);
      for (const Json& o : objects) ASSERT_TRUE(pipeline->Add(o, o.dump()).ok());
      ASSERT_TRUE(pipeline->Flush().ok());
    }
    ASSERT_EQ(reports.size(), 4u);
    std::set<std::string> report_ids;
    std::vector<std::string> reported;
    for (const AddReport& report : reports) {
      report_ids.insert(report.id);
      // Each batch's report is its own, as the TAXII status endpoint reads it back.
      auto stored = hub_.service.GetAddReport(hub_.P(hub_.s.a_member), report.id);
      ASSERT_TRUE(stored.ok());
      EXPECT_EQ(stored->successes.size(), report.successes.size());
      for (const auto& s : report.successes) reported.push_back(s.id + " " + s.message);
    }
    EXPECT_EQ(report_ids.size(), 4u);
    std::vector<std::string> expected;
    const std::string message = per_transaction == 1 ? "stored" : "already present; unchanged";
    for (const Json& o : objects) expected.push_back(o["id"].get<std::string>() + " " + message);
    // The second import finds every object of the first already stored.
    EXPECT_EQ(reported, expected);
  }
}

TEST_P(ImportPipelineTest, ALaterBatchOfTheSameTransactionSeesTheEarlierOnes) {
  const std::string id = TestHub::NewIndicatorId();
  std::vector<AddReport> reports;
  {
    auto pipeline = Pipeline(hub_.s.a_member, 1, reports);
    for (const char* modified : {"2024-05-01T00:00:00.000Z", "2024-06-01T00:00:00.000Z",
                                 "2024-06-01T00:00:00.000Z", "2024-05-15T00:00:00.000Z"}) {
      Json o = TestHub::Indicator(id, "versions.example", modified);
      ASSERT_TRUE(pipeline->Add(o, o.dump()).ok());
    }
    ASSERT_TRUE(pipeline->Flush().ok());
  }
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_EQ(reports[1].successes.at(0).message, "stored as a new version");
  EXPECT_EQ(reports[2].successes.at(0).message, "already present; unchanged");
  EXPECT_EQ(reports[3].successes.at(0).message, "stored as a new version");
  // Three versions kept; the newest, not the last stored, is the latest.
  EXPECT_EQ(hub_.VisibleIds(hub_.s.a_member).size(), 3u);
  ObjectQuery latest;
  latest.ids = {id};
  auto page = hub_.service.ListObjects(hub_.P(hub_.s.a_member), hub_.indicators.id, latest);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(stix::FormatTimestamp(page->objects[0].version), "2024-06-01T00:00:00.000000Z");
}

// A validated batch drops its parsed objects before the writer stores it: what storing
// reads from them comes from validation or from the text.
TEST_P(ImportPipelineTest, WhatStoringNeedsSurvivesTheParsedObjects) {
  const std::string indicator = TestHub::NewIndicatorId();
  const Json relationship = TestHub::Relationship(indicator, "malware--" + NewUuid());
  // An SCO has no version of its own: a repeat is told from a change by its content.
  const Json address = {
      {"type", "ipv4-addr"}, {"id", "ipv4-addr--" + NewUuid()}, {"value", "192.0.2.7"}};
  Json changed = address;
  changed["value"] = "192.0.2.8";
  std::vector<AddReport> reports;
  {
    auto pipeline = Pipeline(hub_.s.a_member, 1, reports);
    for (const Json& o :
         {TestHub::Indicator(indicator, "ends.example"), relationship, address, address, changed}) {
      ASSERT_TRUE(pipeline->Add(o, o.dump()).ok());
    }
    ASSERT_TRUE(pipeline->Flush().ok());
  }
  ASSERT_EQ(reports.size(), 5u);
  EXPECT_EQ(reports[2].successes.at(0).message, "stored");
  EXPECT_EQ(reports[3].successes.at(0).message, "already present; unchanged");
  EXPECT_EQ(reports[4].successes.at(0).message, "stored as a new version");
  auto detail = hub_.service.GetObjectDetail(hub_.P(hub_.s.a_member), indicator);
  ASSERT_TRUE(detail.ok());
  ASSERT_EQ(detail->relationships.size(), 1u);
  EXPECT_EQ(detail->relationships[0].id, relationship["id"].get<std::string>());
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportPipelineTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::sharing
