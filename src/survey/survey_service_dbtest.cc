// The survey service on both databases: bank lifecycle, campaigns and assignments,
// the answering rules, submission and reopening, deadlines, supervisor ratings, frozen
// results and who sees what of them.
#include <gtest/gtest.h>

#include <chrono>

#include "survey/mission_bank.h"
#include "survey/test_survey.h"
#include "testing/db_targets.h"

namespace fincyber::survey {
namespace {

using std::chrono::hours;

class SurveyServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  SurveyServiceTest() : t_(GetParam()) {}
  TestSurvey t_;
  identity::TestSector& s() { return t_.s; }
};

TEST_P(SurveyServiceTest, BankDraftIsEditedThenPublishedAndThenImmutable) {
  const BankSource source{BankSourceFormat::kYaml,
                          std::string(kTestBankYaml).replace(0, 13, "id: draft-one")};
  for (const auto* user : {&s().a_admin, &s().bureau_staff, &s().auditor}) {
    EXPECT_EQ(t_.service.ImportBank(t_.P(*user), source, t_.info).error().code(),
              ErrorCode::kPermissionDenied);
  }
  auto draft = t_.service.ImportBank(t_.P(s().coord), source, t_.info);
  ASSERT_TRUE(draft.ok()) << draft.error().internal_message();
  EXPECT_EQ(draft->status, BankStatus::kDraft);
  EXPECT_EQ(draft->items, 4);
  EXPECT_EQ(t_.service.ImportBank(t_.P(s().coord), source, t_.info).error().code(),
            ErrorCode::kAlreadyExists);

  BankSource edited = source;
  edited.text +=
      "      - id: op.extra\n        text: {en: \"Only English in a draft\"}\n"
      "        type: yes_no\n        function: detect\n";
  auto updated = t_.service.UpdateDraft(t_.P(s().coord), draft->id, edited, t_.info);
  ASSERT_TRUE(updated.ok()) << updated.error().internal_message();
  EXPECT_EQ(updated->revision, 2);
  EXPECT_EQ(updated->items, 5);
  // Publishing needs both languages everywhere.
  auto refused = t_.service.PublishBank(t_.P(s().coord), draft->id, t_.info);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(t_.service.UpdateDraft(t_.P(s().coord), draft->id, source, t_.info).ok());
  auto published = t_.service.PublishBank(t_.P(s().coord), draft->id, t_.info);
  ASSERT_TRUE(published.ok()) << published.error().internal_message();
  EXPECT_EQ(published->status, BankStatus::kPublished);
  EXPECT_EQ(t_.service.UpdateDraft(t_.P(s().coord), draft->id, source, t_.info).error().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(t_.service.PublishBank(t_.P(s().coord), draft->id, t_.info).error().code(),
            ErrorCode::kFailedPrecondition);

  auto stored = t_.service.GetBank(t_.P(s().bureau_staff), draft->id);
  ASSERT_TRUE(stored.ok()) << stored.error().internal_message();
  EXPECT_EQ(stored->source, source.text);
  EXPECT_EQ(stored->bank->item_count(), 4);
  EXPECT_EQ(t_.service.GetBank(t_.P(s().a_admin), draft->id).error().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(t_.service.ListBanks(t_.P(s().a_member)).error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(t_.AuditActions("survey.bank"),
            (std::vector<std::string>{"survey.bank_import", "survey.bank_publish",
                                      "survey.bank_import", "survey.bank_update",
                                      "survey.bank_update", "survey.bank_publish"}));
}

TEST_P(SurveyServiceTest, MalformedAndHostileBanksAreRefusedWithoutStoringAnything) {
  const auto coord = t_.P(s().coord);
  struct Case {
    BankSourceFormat format;
    std::string text;
    ErrorCode code;
  };
  const std::vector<Case> cases = {
      {BankSourceFormat::kYaml, "", ErrorCode::kInvalidArgument},
      {BankSourceFormat::kYaml, "id: [unclosed", ErrorCode::kInvalidArgument},
      {BankSourceFormat::kYaml, "a: &x [1]\nb: *x\n", ErrorCode::kInvalidArgument},
      {BankSourceFormat::kJson, "{\"id\": \"x\", \"sections\": 5}", ErrorCode::kInvalidArgument},
      {BankSourceFormat::kJson, std::string(100, '[') + std::string(100, ']'),
       ErrorCode::kInvalidArgument},
      {BankSourceFormat::kJson, std::string(5 << 20, ' '), ErrorCode::kResourceExhausted},
      {BankSourceFormat::kOscalXml, "<!DOCTYPE x [<!ENTITY a 'b'>]><catalog/>",
       ErrorCode::kInvalidArgument},
      {BankSourceFormat::kOscalJson, "{\"catalog\": {}}", ErrorCode::kInvalidArgument},
      {BankSourceFormat::kYaml, std::string(kTestBankYaml) + "\xff\n", ErrorCode::kInvalidArgument},
  };
  for (const auto& c : cases) {
    auto refused = t_.service.ImportBank(coord, {c.format, c.text}, t_.info);
    ASSERT_FALSE(refused.ok()) << c.text.substr(0, 40);
    EXPECT_EQ(refused.error().code(), c.code) << refused.error().internal_message();
  }
  auto banks = t_.service.ListBanks(coord);
  ASSERT_TRUE(banks.ok());
  EXPECT_EQ(banks->size(), 1u);
}

TEST_P(SurveyServiceTest, MissionBankLoadsWithOneCallAndOnlyOnce) {
  auto loaded = t_.service.LoadMissionBank(t_.P(s().coord), t_.info);
  ASSERT_TRUE(loaded.ok()) << loaded.error().internal_message();
  EXPECT_EQ(loaded->status, BankStatus::kPublished);
  EXPECT_EQ(loaded->items, MissionBank().item_count());
  auto again = t_.service.LoadMissionBank(t_.P(s().coord), t_.info);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, loaded->id);
  EXPECT_EQ(t_.service.LoadMissionBank(t_.P(s().a_admin), t_.info).error().code(),
            ErrorCode::kPermissionDenied);
}

TEST_P(SurveyServiceTest, CampaignAssignsEveryInstitutionOfItsCategoriesAndEachSeesItsOwn) {
  NewCampaign bad;
  bad.bank_storage_id = t_.bank_id;
  bad.title = {"", "Survey"};
  bad.year = 1999;
  bad.categories = {"regional_bank", "regional_bank", "no_such"};
  bad.deadline = s().clock.Now() - hours(1);
  auto refused = t_.service.OpenCampaign(t_.P(s().coord), bad, t_.info);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_GE(refused.error().details().size(), 4u);
  EXPECT_EQ(t_.service.OpenCampaign(t_.P(s().bureau_staff), bad, t_.info).error().code(),
            ErrorCode::kPermissionDenied);

  const Campaign campaign = t_.Open();
  EXPECT_EQ(campaign.assignments, 8);  // A, B and R1..R6
  EXPECT_EQ(t_.EventTypes("survey."), std::vector<std::string>{"survey.campaign_opened"});

  auto own = t_.service.ListAssignments(t_.P(s().b_admin), campaign.id);
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->size(), 1u);
  EXPECT_EQ((*own)[0].org_id, s().bank_b.id);
  EXPECT_EQ((*own)[0].shown, 3);  // the conditional item waits for its answer
  auto supervised = t_.service.ListAssignments(t_.P(s().bureau_staff), campaign.id);
  ASSERT_TRUE(supervised.ok());
  ASSERT_EQ(supervised->size(), 1u);
  EXPECT_EQ((*supervised)[0].org_id, s().bank_a.id);
  EXPECT_EQ((*supervised)[0].size, SizeTier::kLarge);
  auto all = t_.service.ListAssignments(t_.P(s().coord), campaign.id);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 8u);

  // The ISAC is not assigned: the campaign does not exist for it.
  EXPECT_EQ(t_.service.GetCampaign(t_.P(s().isac_analyst), campaign.id).error().code(),
            ErrorCode::kNotFound);
  auto listed = t_.service.ListCampaigns(t_.P(s().isac_analyst));
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  auto seen_by_b = t_.service.GetCampaign(t_.P(s().b_admin), campaign.id);
  ASSERT_TRUE(seen_by_b.ok());
  EXPECT_EQ(seen_by_b->assignments, 1);  // counts only what it may see
}

TEST_P(SurveyServiceTest, AnswersFollowTheRules) {
  const Campaign campaign = t_.Open();
  const std::string a = s().bank_a.id;
  // Hidden until the policy is answered "yes".
  EXPECT_EQ(t_.Put(s().a_member, campaign, a, "op.coverage", 60).error().code(),
            ErrorCode::kFailedPrecondition);
  auto saved = t_.Put(s().a_member, campaign, a, "gv.policy", "yes");
  ASSERT_TRUE(saved.ok()) << saved.error().internal_message();
  EXPECT_EQ((*saved)->version, 1);
  auto out_of_range = t_.Put(s().a_member, campaign, a, "op.coverage", 101);
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_EQ(out_of_range.error().code(), ErrorCode::kInvalidArgument);
  ASSERT_EQ(out_of_range.error().details().size(), 1u);
  EXPECT_EQ(out_of_range.error().details()[0].field, "op.coverage");
  EXPECT_EQ(t_.Put(s().a_member, campaign, a, "gv.maturity", 5).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(t_.Put(s().a_member, campaign, a, "gv.policy", "maybe").error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(t_.Put(s().a_member, campaign, a, "gv.maturity", "2").error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(t_.Put(s().a_member, campaign, a, "no.such", 1).error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(t_.Put(s().a_member, campaign, a, "op.coverage", 60).ok());

  // Another institution's answers do not exist for B; the bureau may read but not answer.
  EXPECT_EQ(t_.Put(s().b_admin, campaign, a, "gv.policy", "no").error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(t_.service.GetQuestionnaire(t_.P(s().b_admin), campaign.id, a).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(t_.Put(s().bureau_staff, campaign, a, "gv.policy", "no").error().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(t_.Put(s().auditor, campaign, a, "gv.policy", "no").error().code(),
            ErrorCode::kPermissionDenied);

  // Comments and evidence references are bounded and UTF-8.
  auto long_comment =
      t_.service.PutAnswer(t_.P(s().a_member), campaign.id, a, "gv.policy",
                           {"yes", std::string(kMaxCommentBytes + 1, 'x'), "", {}}, t_.info);
  ASSERT_FALSE(long_comment.ok());
  EXPECT_EQ(long_comment.error().details()[0].field, "comment");
  EXPECT_EQ(t_.service
                .PutAnswer(t_.P(s().a_member), campaign.id, a, "gv.policy",
                           {"yes", "", "\xc3\x28", {}}, t_.info)
                .error()
                .code(),
            ErrorCode::kInvalidArgument);

  // Autosave with a stale version is refused; the current one goes through.
  EXPECT_EQ(t_.service
                .PutAnswer(t_.P(s().a_member), campaign.id, a, "gv.policy",
                           {"no", "", "", std::int64_t{0}}, t_.info)
                .error()
                .code(),
            ErrorCode::kAborted);
  auto changed = t_.service.PutAnswer(t_.P(s().a_admin), campaign.id, a, "gv.policy",
                                      {"no", "見直し中", "doc-17", std::int64_t{1}}, t_.info);
  ASSERT_TRUE(changed.ok()) << changed.error().internal_message();
  EXPECT_EQ((*changed)->version, 2);
  EXPECT_EQ((*changed)->evidence, "doc-17");

  // The earlier coverage answer stays stored but its item is no longer shown.
  auto questionnaire = t_.service.GetQuestionnaire(t_.P(s().a_member), campaign.id, a);
  ASSERT_TRUE(questionnaire.ok());
  EXPECT_TRUE(questionnaire->editable);
  EXPECT_FALSE(questionnaire->shown[*questionnaire->bank->IndexOf("op.coverage")]);
  EXPECT_EQ(questionnaire->assignment.shown, 3);
  EXPECT_EQ(questionnaire->assignment.answered, 1);
  ASSERT_EQ(questionnaire->sections.size(), 2u);
  EXPECT_EQ(questionnaire->sections[0].answered, 1);

  // Clearing keeps the history.
  auto cleared = t_.service.PutAnswer(t_.P(s().a_member), campaign.id, a, "gv.policy",
                                      {nullptr, "", "", {}}, t_.info);
  ASSERT_TRUE(cleared.ok());
  EXPECT_FALSE(cleared->has_value());
  std::int64_t history = 0;
  ASSERT_TRUE(s().db()
                  .Read([&](store::Connection& c) -> Status {
                    FC_ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM "
                                                             "survey_answer_history WHERE "
                                                             "item_id = 'gv.policy'",
                                                             {}, "history"));
                    history = row.GetInt(0);
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(history, 3);
  auto versions = t_.service.AnswerHistory(t_.P(s().a_member), campaign.id, a, "gv.policy");
  ASSERT_TRUE(versions.ok()) << versions.error().internal_message();
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0].value, "yes");
  EXPECT_EQ((*versions)[1].comment, "見直し中");
  EXPECT_TRUE((*versions)[2].value.is_null());
  EXPECT_EQ(t_.service.AnswerHistory(t_.P(s().b_admin), campaign.id, a, "gv.policy").error().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(t_.service.AnswerHistory(t_.P(s().bureau_staff), campaign.id, a, "gv.policy").ok());
  EXPECT_EQ(t_.service.AnswerHistory(t_.P(s().a_member), campaign.id, a, "no.such").error().code(),
            ErrorCode::kNotFound);
  // The refused saves above are recorded as refusals (survey_refusals_dbtest.cc).
  std::vector<std::string> changes = t_.AuditActions("survey.answer");
  std::erase_if(changes, [](const std::string& a) { return a.ends_with("_refused"); });
  EXPECT_EQ(changes, (std::vector<std::string>{"survey.answer_save", "survey.answer_save",
                                               "survey.answer_save", "survey.answer_clear"}));
}

TEST_P(SurveyServiceTest, SubmissionLocksAnswersUntilTheRegulatorGrantsAReopening) {
  const Campaign campaign = t_.Open();
  const std::string b = s().bank_b.id;
  ASSERT_TRUE(t_.Put(s().b_admin, campaign, b, "gv.policy", "yes").ok());
  auto incomplete = t_.service.Submit(t_.P(s().b_admin), campaign.id, b, {"山田", "頭取"}, t_.info);
  ASSERT_FALSE(incomplete.ok());
  EXPECT_EQ(incomplete.error().code(), ErrorCode::kFailedPrecondition);
  ASSERT_EQ(incomplete.error().details().size(), 2u);  // maturity and coverage
  EXPECT_EQ(
      t_.service.Submit(t_.P(s().b_admin), campaign.id, b, {"", "頭取"}, t_.info).error().code(),
      ErrorCode::kInvalidArgument);
  ASSERT_TRUE(t_.Put(s().b_admin, campaign, b, "gv.maturity", 3).ok());
  ASSERT_TRUE(t_.Put(s().b_admin, campaign, b, "op.coverage", 80).ok());
  auto submitted = t_.service.Submit(t_.P(s().b_admin), campaign.id, b, {"山田", "頭取"}, t_.info);
  ASSERT_TRUE(submitted.ok()) << submitted.error().internal_message();
  EXPECT_EQ(submitted->status, AssignmentStatus::kSubmitted);
  EXPECT_EQ(submitted->attestation.executive_title, "頭取");

  EXPECT_EQ(t_.Put(s().b_admin, campaign, b, "gv.maturity", 4).error().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(t_.service.GrantReopen(t_.P(s().coord), campaign.id, b, t_.info).error().code(),
            ErrorCode::kFailedPrecondition);  // nobody asked
  EXPECT_EQ(t_.service.RequestReopen(t_.P(s().b_admin), campaign.id, b, "", t_.info).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      t_.service.RequestReopen(t_.P(s().a_admin), campaign.id, b, "typo", t_.info).error().code(),
      ErrorCode::kNotFound);
  auto requested =
      t_.service.RequestReopen(t_.P(s().b_admin), campaign.id, b, "成熟度の誤記", t_.info);
  ASSERT_TRUE(requested.ok()) << requested.error().internal_message();
  EXPECT_EQ(requested->status, AssignmentStatus::kReopenRequested);
  EXPECT_EQ(t_.Put(s().b_admin, campaign, b, "gv.maturity", 4).error().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(t_.service.GrantReopen(t_.P(s().bureau_staff), campaign.id, b, t_.info).error().code(),
            ErrorCode::kPermissionDenied);
  // Declined first: the answers stay locked; asked again, then granted.
  EXPECT_EQ(t_.service.DeclineReopen(t_.P(s().coord), campaign.id, b, "", t_.info).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(t_.service.DeclineReopen(t_.P(s().bureau_staff), campaign.id, b, "no", t_.info)
                .error()
                .code(),
            ErrorCode::kPermissionDenied);
  auto declined = t_.service.DeclineReopen(t_.P(s().coord), campaign.id, b, "軽微", t_.info);
  ASSERT_TRUE(declined.ok()) << declined.error().internal_message();
  EXPECT_EQ(declined->status, AssignmentStatus::kSubmitted);
  EXPECT_EQ(t_.Put(s().b_admin, campaign, b, "gv.maturity", 4).error().code(),
            ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(
      t_.service.RequestReopen(t_.P(s().b_admin), campaign.id, b, "再度の依頼", t_.info).ok());
  auto granted = t_.service.GrantReopen(t_.P(s().coord), campaign.id, b, t_.info);
  ASSERT_TRUE(granted.ok()) << granted.error().internal_message();
  EXPECT_EQ(granted->status, AssignmentStatus::kInProgress);
  EXPECT_TRUE(t_.Put(s().b_admin, campaign, b, "gv.maturity", 4).ok());
  EXPECT_EQ(t_.EventTypes("survey."),
            (std::vector<std::string>{"survey.campaign_opened", "survey.submitted",
                                      "survey.reopen_requested", "survey.reopen_declined",
                                      "survey.reopen_requested", "survey.reopened"}));
  EXPECT_EQ(t_.AuditActions("survey.reopen"),
            (std::vector<std::string>{"survey.reopen_request", "survey.reopen_decline",
                                      "survey.reopen_request", "survey.reopen_grant"}));
}

TEST_P(SurveyServiceTest, DeadlinesAndPerInstitutionExtensions) {
  const Campaign campaign = t_.Open();
  s().clock.Advance(hours(24 * 31));
  EXPECT_EQ(t_.Put(s().a_member, campaign, s().bank_a.id, "gv.policy", "yes").error().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(t_.service
                .ExtendDeadline(t_.P(s().bureau_staff), campaign.id, s().bank_a.id,
                                s().clock.Now() + hours(48), t_.info)
                .error()
                .code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(t_.service
                .ExtendDeadline(t_.P(s().coord), campaign.id, s().bank_a.id,
                                s().clock.Now() - hours(1), t_.info)
                .error()
                .code(),
            ErrorCode::kInvalidArgument);
  auto extended = t_.service.ExtendDeadline(t_.P(s().coord), campaign.id, s().bank_a.id,
                                            s().clock.Now() + hours(48), t_.info);
  ASSERT_TRUE(extended.ok()) << extended.error().internal_message();
  EXPECT_TRUE(t_.Put(s().a_member, campaign, s().bank_a.id, "gv.policy", "yes").ok());
  EXPECT_EQ(t_.Put(s().b_admin, campaign, s().bank_b.id, "gv.policy", "yes").error().code(),
            ErrorCode::kFailedPrecondition);
}

TEST_P(SurveyServiceTest, CloseFreezesResultsAndEachSeesOnlyWhatItMay) {
  const Campaign campaign = t_.Open();
  // B and R1..R6 submit a spread of answers; A does not submit.
  t_.AnswerAndSubmit(s().b_admin, s().bank_b.id, campaign, "yes", 2, 40);
  for (int i = 0; i < 6; ++i) {
    t_.AnswerAndSubmit(t_.regional_admins[i], t_.regional[i].id, campaign,
                       i % 3 == 0 ? "no" : "yes", i % 5, 20.0 * i);
  }
  ASSERT_TRUE(t_.Put(s().a_member, campaign, s().bank_a.id, "gv.policy", "yes").ok());
  // Ratings: the bureau supervises A only; the coordination office rates anyone.
  EXPECT_EQ(t_.service
                .PutRating(t_.P(s().bureau_staff), campaign.id, s().bank_b.id, "gv.maturity",
                           {1, "", "", {}}, t_.info)
                .error()
                .code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(t_.service
                .PutRating(t_.P(s().b_admin), campaign.id, s().bank_b.id, "gv.maturity",
                           {4, "", "", {}}, t_.info)
                .error()
                .code(),
            ErrorCode::kPermissionDenied);
  ASSERT_TRUE(t_.service
                  .PutRating(t_.P(s().coord), campaign.id, s().bank_b.id, "gv.maturity",
                             {1, "検査結果", "", {}}, t_.info)
                  .ok());
  EXPECT_EQ(
      t_.service.InstitutionResults(t_.P(s().b_admin), campaign.id, s().bank_b.id).error().code(),
      ErrorCode::kFailedPrecondition);
  EXPECT_EQ(t_.service.CloseCampaign(t_.P(s().bureau_staff), campaign.id, t_.info).error().code(),
            ErrorCode::kPermissionDenied);
  auto closed = t_.service.CloseCampaign(t_.P(s().coord), campaign.id, t_.info);
  ASSERT_TRUE(closed.ok()) << closed.error().internal_message();
  EXPECT_EQ(closed->status, CampaignStatus::kClosed);
  EXPECT_EQ(t_.service.CloseCampaign(t_.P(s().coord), campaign.id, t_.info).error().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(t_.Put(s().a_member, campaign, s().bank_a.id, "gv.maturity", 2).error().code(),
            ErrorCode::kFailedPrecondition);
  auto bank = t_.service.GetBank(t_.P(s().coord), t_.bank_id);
  ASSERT_TRUE(bank.ok());
  EXPECT_EQ(bank->info.status, BankStatus::kFrozen);

  auto own = t_.service.InstitutionResults(t_.P(s().b_admin), campaign.id, s().bank_b.id);
  ASSERT_TRUE(own.ok()) << own.error().internal_message();
  EXPECT_EQ((*own)["org_id"], s().bank_b.id);
  EXPECT_TRUE((*own)["own"]["overall"].is_object());
  // Six other regional banks submitted: the peer distribution shows, without extremes.
  const Json& peers = (*own)["peers"]["overall"];
  EXPECT_TRUE(peers.contains("median")) << peers.dump();
  EXPECT_FALSE(peers.contains("min"));
  EXPECT_FALSE(peers.contains("max"));
  EXPECT_TRUE((*own).contains("supervisor"));
  EXPECT_EQ((*own)["supervisor"]["differing_items"], Json::array({"gv.maturity"}));
  // Frozen: a later read gives the same document.
  auto again = t_.service.InstitutionResults(t_.P(s().b_admin), campaign.id, s().bank_b.id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *own);

  // Neither another institution's results nor the sector view leak to an institution.
  EXPECT_EQ(t_.service.InstitutionResults(t_.P(t_.regional_admins[0]), campaign.id, s().bank_b.id)
                .error()
                .code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(
      t_.service.CategoryResults(t_.P(s().b_admin), campaign.id, "regional_bank").error().code(),
      ErrorCode::kPermissionDenied);
  // A did not submit: no results, and nothing about it in the category view.
  EXPECT_EQ(
      t_.service.InstitutionResults(t_.P(s().a_member), campaign.id, s().bank_a.id).error().code(),
      ErrorCode::kNotFound);

  auto category = t_.service.CategoryResults(t_.P(s().coord), campaign.id, "regional_bank");
  ASSERT_TRUE(category.ok()) << category.error().internal_message();
  EXPECT_EQ((*category)["institutions"], 7);
  EXPECT_EQ((*category)["institution_bands"].size(), 7u);
  auto bureau_view =
      t_.service.CategoryResults(t_.P(s().bureau_staff), campaign.id, "regional_bank");
  ASSERT_TRUE(bureau_view.ok());
  EXPECT_TRUE((*bureau_view)["institution_bands"].empty());  // it supervises none of them
  EXPECT_EQ(t_.service.CategoryResults(t_.P(s().coord), campaign.id, "major_bank").error().code(),
            ErrorCode::kNotFound);
  auto sector = t_.service.SectorResults(t_.P(s().auditor), campaign.id);
  ASSERT_TRUE(sector.ok());
  ASSERT_EQ((*sector)["categories"].size(), 2u);
  for (const auto& c : (*sector)["categories"]) EXPECT_FALSE(c.contains("institution_bands"));
}

TEST_P(SurveyServiceTest, NextYearComparesWithTheLastClosedCampaign) {
  const Campaign first = t_.Open(2026, {"regional_bank"});
  for (int i = 0; i < 6; ++i) {
    t_.AnswerAndSubmit(t_.regional_admins[i], t_.regional[i].id, first, "yes", 1 + i % 3, 30);
  }
  ASSERT_TRUE(t_.service.CloseCampaign(t_.P(s().coord), first.id, t_.info).ok());
  // A frozen bank may be sent again.
  const Campaign second = t_.Open(2027, {"regional_bank"});
  for (int i = 0; i < 6; ++i) {
    t_.AnswerAndSubmit(t_.regional_admins[i], t_.regional[i].id, second, "yes", 2 + i % 3, 70);
  }
  ASSERT_TRUE(t_.service.CloseCampaign(t_.P(s().coord), second.id, t_.info).ok());
  auto report = t_.service.CategoryResults(t_.P(s().coord), second.id, "regional_bank");
  ASSERT_TRUE(report.ok()) << report.error().internal_message();
  EXPECT_EQ((*report)["previous_campaign_id"], first.id);
  EXPECT_FALSE((*report)["year_over_year"].empty());
  auto own =
      t_.service.InstitutionResults(t_.P(t_.regional_admins[0]), second.id, t_.regional[0].id);
  ASSERT_TRUE(own.ok());
  ASSERT_TRUE((*own)["own_overall_change"].is_number()) << (*own).dump();
  EXPECT_GT((*own)["own_overall_change"].get<double>(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyServiceTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::survey
