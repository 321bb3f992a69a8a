// Remediation items on both databases: created from the gaps of a closed campaign, one by
// one or for every gap, changed with a history, who reads and who edits them, hostile
// input, and what the next campaign shows as closed.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>

#include "survey/remediation.h"
#include "survey/test_survey.h"
#include "testing/db_targets.h"

namespace fincyber::survey {
namespace {

using std::chrono::hours;

class RemediationTest : public ::testing::TestWithParam<std::string> {
 protected:
  RemediationTest() : t_(GetParam()) {}

  identity::TestSector& s() { return t_.s; }
  identity::Principal R(int i) { return t_.P(t_.regional_admins[i]); }
  std::string DaysFromNow(int days) {
    return FormatRfc3339(s().clock.Now() + hours(24 * days)).substr(0, 10);
  }

  // R1 answers "no" and maturity 1 (two gaps), the others meet everything; closed.
  Campaign ClosedCampaign(int year) {
    const Campaign campaign = t_.Open(year, {"regional_bank"});
    t_.AnswerAndSubmit(t_.regional_admins[0], t_.regional[0].id, campaign, "no", 1, 0);
    for (int i = 1; i < 6; ++i) {
      t_.AnswerAndSubmit(t_.regional_admins[i], t_.regional[i].id, campaign, "yes", 4, 90);
    }
    auto closed = t_.service.CloseCampaign(t_.P(s().coord), campaign.id, t_.info);
    EXPECT_TRUE(closed.ok()) << closed.error().internal_message();
    return campaign;
  }

  NewRemediation Policy() {
    NewRemediation in;
    in.title = "情報セキュリティ方針の策定";
    in.item_ids = {"gv.policy"};
    in.owner.user_id = t_.regional_admins[0].id;
    in.due_date = DaysFromNow(90);
    return in;
  }

  TestSurvey t_;
  RemediationService remediation_{s().db(), s().clock};
};

// nullopt when the call succeeded.
std::optional<ErrorCode> CodeOf(const Result<RemediationItem>& result) {
  if (result.ok()) return std::nullopt;
  return result.error().code();
}

TEST_P(RemediationTest, AGapBecomesAnItemThatOnlyTheInstitutionChanges) {
  const Campaign campaign = ClosedCampaign(2026);
  auto created = remediation_.Create(R(0), campaign.id, Policy(), t_.info);
  ASSERT_TRUE(created.ok()) << created.error().internal_message();
  EXPECT_EQ(created->org_id, t_.regional[0].id);
  EXPECT_EQ(created->owner.name, t_.regional_admins[0].display_name);
  EXPECT_EQ(created->status, RemediationStatus::kOpen);
  EXPECT_EQ(created->version, 1);
  EXPECT_FALSE(created->overdue);

  // Institution members edit; the status, note and owner change with a history.
  RemediationUpdate start;
  start.status = RemediationStatus::kInProgress;
  start.note = "規程案を作成中";
  start.owner = RemediationOwner{"", "情報システム部長"};
  start.expected_version = 1;
  auto updated = remediation_.Update(R(0), created->id, start, t_.info);
  ASSERT_TRUE(updated.ok()) << updated.error().internal_message();
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->owner.name, "情報システム部長");
  EXPECT_TRUE(updated->owner.user_id.empty());
  // A stale version, a change of nothing, accepting a risk without saying why.
  EXPECT_EQ(remediation_.Update(R(0), created->id, start, t_.info).error().code(),
            ErrorCode::kAborted);
  RemediationUpdate same;
  same.status = RemediationStatus::kInProgress;
  EXPECT_EQ(remediation_.Update(R(0), created->id, same, t_.info).error().code(),
            ErrorCode::kInvalidArgument);
  RemediationUpdate accept;
  accept.status = RemediationStatus::kAcceptedRisk;
  accept.note = "";
  EXPECT_EQ(remediation_.Update(R(0), created->id, accept, t_.info).error().code(),
            ErrorCode::kInvalidArgument);
  accept.note = "代替策で低減済み";
  ASSERT_TRUE(remediation_.Update(R(0), created->id, accept, t_.info).ok());

  auto history = remediation_.History(R(0), created->id);
  ASSERT_TRUE(history.ok()) << history.error().internal_message();
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].changes["item_ids"], Json::array({"gv.policy"}));
  EXPECT_EQ((*history)[1].changes["status"]["from"], "open");
  EXPECT_EQ((*history)[1].changes["status"]["to"], "in_progress");
  EXPECT_FALSE((*history)[1].changes.contains("title"));
  EXPECT_EQ((*history)[2].changes["status"]["to"], "accepted_risk");
  EXPECT_EQ(t_.AuditActions("survey.remediation"),
            (std::vector<std::string>{"survey.remediation_create", "survey.remediation_update",
                                      "survey.remediation_update"}));

  // Readers: the regulator's coordination office and auditors; not another institution,
  // not a bureau that does not supervise it. Only the institution edits.
  for (const auto& reader : {t_.P(s().coord), t_.P(s().auditor)}) {
    EXPECT_TRUE(remediation_.Get(reader, created->id).ok());
    auto listed = remediation_.List(reader, {t_.regional[0].id, "", {}});
    ASSERT_TRUE(listed.ok());
    EXPECT_EQ(listed->size(), 1u);
  }
  for (const auto& outsider : {R(1), t_.P(s().bureau_staff), t_.P(s().b_admin)}) {
    EXPECT_EQ(CodeOf(remediation_.Get(outsider, created->id)), ErrorCode::kNotFound);
    EXPECT_EQ(CodeOf(remediation_.Update(outsider, created->id, start, t_.info)),
              ErrorCode::kNotFound);
    auto listed = remediation_.List(outsider, {});
    ASSERT_TRUE(listed.ok());
    EXPECT_TRUE(listed->empty());
  }
  RemediationUpdate note;
  note.note = "規制当局による追記";
  EXPECT_EQ(CodeOf(remediation_.Update(t_.P(s().coord), created->id, note, t_.info)),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(remediation_.Update(t_.P(s().auditor), created->id, note, t_.info)),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(remediation_.Create(t_.P(s().coord), campaign.id, Policy(), t_.info)),
            ErrorCode::kPermissionDenied);

  // Overdue is computed when read: due in 90 days, 91 days later.
  RemediationUpdate reopen;
  reopen.status = RemediationStatus::kOpen;
  ASSERT_TRUE(remediation_.Update(R(0), created->id, reopen, t_.info).ok());
  s().clock.Advance(hours(24 * 91));
  auto late = remediation_.Get(R(0), created->id);
  ASSERT_TRUE(late.ok());
  EXPECT_TRUE(late->overdue);
  auto filtered = remediation_.List(R(0), {"", campaign.id, RemediationStatus::kDone});
  ASSERT_TRUE(filtered.ok());
  EXPECT_TRUE(filtered->empty());
}

TEST_P(RemediationTest, BadInputIsRefusedAndNothingIsStored) {
  const Campaign open = t_.Open(2025, {"regional_bank"});
  EXPECT_EQ(CodeOf(remediation_.Create(R(0), open.id, Policy(), t_.info)),
            ErrorCode::kFailedPrecondition);
  const Campaign campaign = ClosedCampaign(2026);
  struct Case {
    std::string name;
    std::function<void(NewRemediation&)> change;
    ErrorCode code;
  };
  const std::vector<Case> cases = {
      {"unknown item", [](NewRemediation& in) { in.item_ids = {"no.such.item"}; },
       ErrorCode::kInvalidArgument},
      {"hidden item", [](NewRemediation& in) { in.item_ids = {"op.coverage"}; },
       ErrorCode::kInvalidArgument},
      {"unscored item", [](NewRemediation& in) { in.item_ids = {"op.note"}; },
       ErrorCode::kInvalidArgument},
      {"twice",
       [](NewRemediation& in) {
         in.item_ids = {"gv.policy", "gv.policy"};
       },
       ErrorCode::kInvalidArgument},
      {"none", [](NewRemediation& in) { in.item_ids.clear(); }, ErrorCode::kInvalidArgument},
      {"too many",
       [](NewRemediation& in) { in.item_ids.assign(kMaxRemediationItemIds + 1, "gv.policy"); },
       ErrorCode::kInvalidArgument},
      {"past due", [this](NewRemediation& in) { in.due_date = DaysFromNow(-1); },
       ErrorCode::kInvalidArgument},
      {"no such day", [](NewRemediation& in) { in.due_date = "2027-02-30"; },
       ErrorCode::kInvalidArgument},
      {"not a date", [](NewRemediation& in) { in.due_date = "next week"; },
       ErrorCode::kInvalidArgument},
      {"empty title", [](NewRemediation& in) { in.title.clear(); }, ErrorCode::kInvalidArgument},
      {"long title",
       [](NewRemediation& in) { in.title.assign(kMaxRemediationTitleBytes + 1, 'x'); },
       ErrorCode::kInvalidArgument},
      {"bad UTF-8", [](NewRemediation& in) { in.title = "\xC3\x28"; }, ErrorCode::kInvalidArgument},
      {"long note", [](NewRemediation& in) { in.note.assign(kMaxRemediationNoteBytes + 1, 'n'); },
       ErrorCode::kInvalidArgument},
      {"both owners", [](NewRemediation& in) { in.owner.name = "部長"; },
       ErrorCode::kInvalidArgument},
      {"no owner", [](NewRemediation& in) { in.owner = {}; }, ErrorCode::kInvalidArgument},
      {"owner of another institution",
       [this](NewRemediation& in) { in.owner.user_id = t_.regional_admins[1].id; },
       ErrorCode::kInvalidArgument},
      {"unknown owner", [](NewRemediation& in) { in.owner.user_id = "nobody"; },
       ErrorCode::kInvalidArgument},
  };
  for (const auto& c : cases) {
    NewRemediation in = Policy();
    c.change(in);
    EXPECT_EQ(CodeOf(remediation_.Create(R(0), campaign.id, in, t_.info)), c.code) << c.name;
  }
  // R2 met the policy item: not a gap. An unknown campaign, another institution's
  // campaign it was not assigned to.
  NewRemediation met = Policy();
  met.owner = {"", "担当者"};
  EXPECT_EQ(CodeOf(remediation_.Create(R(1), campaign.id, met, t_.info)),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(remediation_.Create(R(0), "no-such-campaign", Policy(), t_.info)),
            ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(remediation_.Create(t_.P(s().a_admin), campaign.id, met, t_.info)),
            ErrorCode::kNotFound);
  // Bank B was assigned but never submitted: no results, no gaps.
  const Campaign with_b = t_.Open(2024, {"regional_bank"});
  for (int i = 0; i < 6; ++i) {
    t_.AnswerAndSubmit(t_.regional_admins[i], t_.regional[i].id, with_b, "yes", 4, 90);
  }
  ASSERT_TRUE(t_.service.CloseCampaign(t_.P(s().coord), with_b.id, t_.info).ok());
  EXPECT_EQ(CodeOf(remediation_.Create(t_.P(s().b_admin), with_b.id, met, t_.info)),
            ErrorCode::kNotFound);

  auto listed = remediation_.List(t_.P(s().coord), {});
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  EXPECT_TRUE(t_.AuditActions("survey.remediation").empty());
}

TEST_P(RemediationTest, EveryGapAtOnceSkipsThoseAlreadyCovered) {
  const Campaign campaign = ClosedCampaign(2026);
  ASSERT_TRUE(remediation_.Create(R(0), campaign.id, Policy(), t_.info).ok());
  BulkRemediation bulk;
  bulk.owner = {"", "CISO"};
  bulk.due_date = DaysFromNow(180);
  bulk.language = "en";
  auto created = remediation_.CreateForAllGaps(R(0), campaign.id, bulk, t_.info);
  ASSERT_TRUE(created.ok()) << created.error().internal_message();
  ASSERT_EQ(created->size(), 1u);
  EXPECT_EQ(created->front().item_ids, std::vector<std::string>{"gv.maturity"});
  EXPECT_EQ(created->front().title, "gv.maturity How mature is it?");
  auto again = remediation_.CreateForAllGaps(R(0), campaign.id, bulk, t_.info);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  // R2 has no gap at all.
  auto none = remediation_.CreateForAllGaps(R(1), campaign.id, bulk, t_.info);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  bulk.language = "fr";
  EXPECT_EQ(remediation_.CreateForAllGaps(R(0), campaign.id, bulk, t_.info).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(RemediationTest, TheNextCampaignShowsWhatWasClosed) {
  const Campaign first = ClosedCampaign(2026);
  auto policy = remediation_.Create(R(0), first.id, Policy(), t_.info);
  ASSERT_TRUE(policy.ok());
  NewRemediation maturity = Policy();
  maturity.title = "成熟度の向上";
  maturity.item_ids = {"gv.maturity"};
  auto raise = remediation_.Create(R(0), first.id, maturity, t_.info);
  ASSERT_TRUE(raise.ok());

  // While the next campaign is open there is nothing to compare with yet.
  const Campaign second = t_.Open(2027, {"regional_bank"});
  auto pending = remediation_.Progress(R(0), second.id, t_.regional[0].id);
  ASSERT_TRUE(pending.ok()) << pending.error().internal_message();
  EXPECT_FALSE(pending->results_available);
  EXPECT_EQ(pending->still_open.size(), 2u);

  // Next year R1 has a policy (closed) but its maturity is still 1 (still open).
  t_.AnswerAndSubmit(t_.regional_admins[0], t_.regional[0].id, second, "yes", 1, 80);
  for (int i = 1; i < 6; ++i) {
    t_.AnswerAndSubmit(t_.regional_admins[i], t_.regional[i].id, second, "yes", 4, 90);
  }
  ASSERT_TRUE(t_.service.CloseCampaign(t_.P(s().coord), second.id, t_.info).ok());
  auto progress = remediation_.Progress(R(0), second.id, t_.regional[0].id);
  ASSERT_TRUE(progress.ok()) << progress.error().internal_message();
  EXPECT_TRUE(progress->results_available);
  ASSERT_EQ(progress->closed.size(), 1u);
  EXPECT_EQ(progress->closed[0].item.id, policy->id);
  EXPECT_EQ(progress->closed[0].met, std::vector<std::string>{"gv.policy"});
  ASSERT_EQ(progress->still_open.size(), 1u);
  EXPECT_EQ(progress->still_open[0].item.id, raise->id);
  EXPECT_EQ(progress->still_open[0].unmet, std::vector<std::string>{"gv.maturity"});

  // The results carry it; the first campaign's own results have nothing earlier.
  auto results = t_.service.InstitutionResults(R(0), second.id, t_.regional[0].id);
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)["remediation"]["closed"].size(), 1u);
  EXPECT_EQ((*results)["remediation"]["still_open"].size(), 1u);
  auto earlier = t_.service.InstitutionResults(R(0), first.id, t_.regional[0].id);
  ASSERT_TRUE(earlier.ok());
  EXPECT_TRUE((*earlier)["remediation"]["closed"].empty());
  EXPECT_TRUE((*earlier)["remediation"]["still_open"].empty());

  // Visible to the coordination office, not to another institution or a bureau that does
  // not supervise R1.
  EXPECT_TRUE(remediation_.Progress(t_.P(s().coord), second.id, t_.regional[0].id).ok());
  EXPECT_EQ(remediation_.Progress(R(1), second.id, t_.regional[0].id).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(
      remediation_.Progress(t_.P(s().bureau_staff), second.id, t_.regional[0].id).error().code(),
      ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, RemediationTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::survey
