// Refused survey writes on both databases: each refused answer save, submission,
// workbook import and evidence upload or removal leaves exactly one audit entry with
// who, which assignment and item, the error code and a short reason, never the refused
// payload itself, while the refused change is not stored.
#include <gtest/gtest.h>

#include <chrono>

#include "survey/test_survey.h"
#include "testing/db_targets.h"

namespace fincyber::survey {
namespace {

struct Refusal {
  std::string actor_user_id;
  std::string actor_org_id;
  std::string action;
  Json details;
};

// The start of a Windows executable: "MZ", then NUL bytes.
const std::string kExe = std::string("MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0", 16);

class SurveyRefusalTest : public ::testing::TestWithParam<std::string> {
 protected:
  SurveyRefusalTest() : t_(GetParam()) {}
  TestSurvey t_;
  identity::TestSector& s() { return t_.s; }

  std::vector<Refusal> Refusals() {
    std::vector<Refusal> out;
    Status st = s().db().Read([&](store::Connection& c) -> Status {
      FC_ASSIGN_OR_RETURN(auto rows,
                          c.Query("SELECT actor_user_id, actor_org_id, action, details FROM "
                                  "audit_log WHERE action LIKE '%_refused' "
                                  "ORDER BY seq",
                                  {}));
      for (const auto& row : rows) {
        auto details = ParseJson(row.GetString(3));
        out.push_back({row.GetString(0), row.GetString(1), row.GetString(2),
                       details.ok() ? *details : Json(nullptr)});
      }
      return OkStatus();
    });
    EXPECT_TRUE(st.ok());
    return out;
  }

  // The one refusal recorded since `before` entries, checked for its common fields.
  Refusal OnlyNewRefusal(std::size_t before, const identity::User& actor,
                         const std::string& owner_org, const std::string& action,
                         const std::string& code) {
    const auto all = Refusals();
    EXPECT_EQ(all.size(), before + 1) << "expected exactly one new refusal for " << action;
    if (all.size() != before + 1) return {};
    const Refusal& r = all.back();
    EXPECT_EQ(r.actor_user_id, actor.id);
    EXPECT_EQ(r.actor_org_id, owner_org);
    EXPECT_EQ(r.action, action);
    EXPECT_EQ(r.details.value("code", ""), code);
    EXPECT_FALSE(r.details.value("reason", "").empty());
    EXPECT_LE(r.details.value("reason", "").size(), 200u);
    return r;
  }
};

TEST_P(SurveyRefusalTest, RefusedAnswerSavesAreAuditedOnceEachAndNothingIsStored) {
  const Campaign campaign = t_.Open();
  const std::string a = s().bank_a.id;
  ASSERT_TRUE(t_.Put(s().a_member, campaign, a, "gv.policy", "yes").ok());

  auto out_of_range = t_.Put(s().a_member, campaign, a, "op.coverage", 101);
  ASSERT_EQ(out_of_range.error().code(), ErrorCode::kInvalidArgument);
  Refusal r = OnlyNewRefusal(0, s().a_member, a, "survey.answer_save_refused", "invalid_argument");
  EXPECT_EQ(r.details.value("campaign_id", ""), campaign.id);
  EXPECT_EQ(r.details.value("org_id", ""), a);
  EXPECT_EQ(r.details.value("item_id", ""), "op.coverage");
  EXPECT_FALSE(
      t_.service.GetAnswer(t_.P(s().a_member), campaign.id, a, "op.coverage")->has_value());

  // The refused comment is not copied into the log.
  const std::string secret = "confidential network diagram " + std::string(5000, 'x');
  ASSERT_FALSE(t_.service
                   .PutAnswer(t_.P(s().a_member), campaign.id, a, "gv.policy",
                              {"yes", secret, "", {}}, t_.info)
                   .ok());
  r = OnlyNewRefusal(1, s().a_member, a, "survey.answer_save_refused", "invalid_argument");
  EXPECT_EQ(r.details.dump().find("confidential"), std::string::npos);

  // Another institution's assignment: NotFound to the caller, kept under the caller's
  // own organisation so that the entry reveals nothing of A to B.
  EXPECT_EQ(t_.Put(s().b_admin, campaign, a, "gv.policy", "no").error().code(),
            ErrorCode::kNotFound);
  r = OnlyNewRefusal(2, s().b_admin, s().bank_b.id, "survey.answer_save_refused", "not_found");
  EXPECT_EQ(r.details.value("reason", ""), "assignment not found");

  // The bureau may read but not answer.
  EXPECT_EQ(t_.Put(s().bureau_staff, campaign, a, "gv.policy", "no").error().code(),
            ErrorCode::kPermissionDenied);
  OnlyNewRefusal(3, s().bureau_staff, a, "survey.answer_save_refused", "permission_denied");

  // After the deadline.
  s().clock.Advance(std::chrono::hours(24 * 31));
  EXPECT_EQ(t_.Put(s().a_member, campaign, a, "gv.policy", "no").error().code(),
            ErrorCode::kFailedPrecondition);
  r = OnlyNewRefusal(4, s().a_member, a, "survey.answer_save_refused", "failed_precondition");
  EXPECT_NE(r.details.value("reason", "").find("deadline"), std::string::npos);
  EXPECT_EQ(t_.service.GetAnswer(t_.P(s().a_member), campaign.id, a, "gv.policy").value()->value,
            AnswerValue(YesNo::kYes));
}

TEST_P(SurveyRefusalTest, RefusedSubmissionsAreAudited) {
  const Campaign campaign = t_.Open();
  const std::string a = s().bank_a.id;
  auto incomplete = t_.service.Submit(t_.P(s().a_admin), campaign.id, a, {"山田", "社長"}, t_.info);
  ASSERT_EQ(incomplete.error().code(), ErrorCode::kFailedPrecondition);
  Refusal r = OnlyNewRefusal(0, s().a_admin, a, "survey.submit_refused", "failed_precondition");
  EXPECT_FALSE(r.details.contains("item_id"));
  EXPECT_EQ(t_.service.Submit(t_.P(s().a_admin), campaign.id, a, {"", ""}, t_.info).error().code(),
            ErrorCode::kInvalidArgument);
  OnlyNewRefusal(1, s().a_admin, a, "survey.submit_refused", "invalid_argument");
  EXPECT_EQ(t_.service.Submit(t_.P(s().a_member), campaign.id, a, {"山田", "社長"}, t_.info)
                .error()
                .code(),
            ErrorCode::kPermissionDenied);
  OnlyNewRefusal(2, s().a_member, a, "survey.submit_refused", "permission_denied");
  t_.AnswerAndSubmit(s().a_admin, a, campaign, "no", 2, 0);
  // A second submission of locked answers.
  EXPECT_EQ(t_.service.Submit(t_.P(s().a_admin), campaign.id, a, {"山田", "社長"}, t_.info)
                .error()
                .code(),
            ErrorCode::kFailedPrecondition);
  OnlyNewRefusal(3, s().a_admin, a, "survey.submit_refused", "failed_precondition");
  EXPECT_EQ(t_.AuditActions("survey.submit"),
            (std::vector<std::string>{"survey.submit_refused", "survey.submit_refused",
                                      "survey.submit_refused", "survey.submit",
                                      "survey.submit_refused"}));
}

TEST_P(SurveyRefusalTest, AFloodOfRejectedRowsIsOneEntryWithTheirCount) {
  const Campaign campaign = t_.Open();
  const std::string a = s().bank_a.id;
  AnswerWorkbookRows workbook{campaign.id, a, {}};
  for (std::uint32_t i = 0; i < 5000; ++i) {
    workbook.rows.push_back({"answers", i + 2, "no.such.item." + std::to_string(i),
                             documents::CellValue{}, documents::CellValue{}, 0, "", ""});
  }
  auto refused = t_.service.ImportAnswers(t_.P(s().a_admin), campaign.id, a, workbook, t_.info);
  ASSERT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  Refusal r =
      OnlyNewRefusal(0, s().a_admin, a, "survey.answers_import_refused", "invalid_argument");
  EXPECT_EQ(r.details.value("rows", 0), 5000);
  EXPECT_NE(r.details.value("reason", "").find("5000 row(s)"), std::string::npos);
  EXPECT_LT(r.details.dump().size(), 1000u);

  // A workbook that cannot be read at all.
  EXPECT_EQ(
      t_.service.ImportAnswerWorkbook(t_.P(s().a_admin), campaign.id, a, "not a workbook", t_.info)
          .error()
          .code(),
      ErrorCode::kInvalidArgument);
  r = OnlyNewRefusal(1, s().a_admin, a, "survey.answers_import_refused", "invalid_argument");
  EXPECT_EQ(r.details.value("bytes", 0), 14);

  // Another institution's workbook.
  EXPECT_EQ(
      t_.service.ImportAnswers(t_.P(s().b_admin), campaign.id, a, workbook, t_.info).error().code(),
      ErrorCode::kNotFound);
  OnlyNewRefusal(2, s().b_admin, s().bank_b.id, "survey.answers_import_refused", "not_found");
  EXPECT_TRUE(t_.AuditActions("survey.answer_save").empty());
}

TEST_P(SurveyRefusalTest, RefusedEvidenceUploadsAndRemovalsAreAuditedWithABoundedSummary) {
  const Campaign campaign = t_.Open();
  const std::string a = s().bank_a.id;
  EvidenceLimits limits;
  limits.max_file_bytes = 1000;
  t_.service.SetEvidenceLimits(limits);

  EXPECT_EQ(t_.service
                .UploadEvidence(t_.P(s().a_member), campaign.id, a, "gv.policy", "policy.pdf", kExe,
                                t_.info)
                .error()
                .code(),
            ErrorCode::kInvalidArgument);
  Refusal r =
      OnlyNewRefusal(0, s().a_member, a, "survey.evidence_upload_refused", "invalid_argument");
  EXPECT_EQ(r.details.value("filename", ""), "policy.pdf");
  EXPECT_EQ(r.details.value("size", 0), static_cast<int>(kExe.size()));
  EXPECT_EQ(r.details.value("item_id", ""), "gv.policy");

  const std::string big = kMinimalPdf + std::string(2000, ' ');
  EXPECT_EQ(t_.service
                .UploadEvidence(t_.P(s().a_member), campaign.id, a, "gv.policy",
                                std::string(1000, 'n') + ".pdf", big, t_.info)
                .error()
                .code(),
            ErrorCode::kResourceExhausted);
  r = OnlyNewRefusal(1, s().a_member, a, "survey.evidence_upload_refused", "resource_exhausted");
  EXPECT_EQ(r.details.value("size", 0), static_cast<int>(big.size()));
  EXPECT_LE(r.details.value("filename", "").size(), 200u);

  EXPECT_EQ(t_.service
                .UploadEvidence(t_.P(s().b_admin), campaign.id, a, "gv.policy", "policy.pdf",
                                kMinimalPdf, t_.info)
                .error()
                .code(),
            ErrorCode::kNotFound);
  OnlyNewRefusal(2, s().b_admin, s().bank_b.id, "survey.evidence_upload_refused", "not_found");

  auto stored = t_.service.UploadEvidence(t_.P(s().a_member), campaign.id, a, "gv.policy",
                                          "policy.pdf", kMinimalPdf, t_.info);
  ASSERT_TRUE(stored.ok()) << stored.error().internal_message();
  EXPECT_EQ(
      t_.service.DeleteEvidence(t_.P(s().b_admin), campaign.id, a, "gv.policy", stored->id, t_.info)
          .error()
          .code(),
      ErrorCode::kNotFound);
  r = OnlyNewRefusal(3, s().b_admin, s().bank_b.id, "survey.evidence_delete_refused", "not_found");
  EXPECT_EQ(r.details.value("evidence_id", ""), stored->id);
  EXPECT_EQ(
      t_.service
          .DeleteEvidence(t_.P(s().a_member), campaign.id, a, "gv.maturity", stored->id, t_.info)
          .error()
          .code(),
      ErrorCode::kNotFound);
  OnlyNewRefusal(4, s().a_member, a, "survey.evidence_delete_refused", "not_found");
  EXPECT_EQ(t_.service.ListEvidence(t_.P(s().a_member), campaign.id, a, "")->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyRefusalTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::survey
