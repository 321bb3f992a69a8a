// Evidence items answered by their files, on both databases: the first upload answers
// the item (progress per section and in total, the answer read back, conditions'
// answered()), deleting the last file leaves it unanswered, no value can be saved for
// it, a reference text stored for it before files answered it reads as no answer, the
// answers lock at submission, and another institution neither uploads to it nor sees it.
#include <gtest/gtest.h>

#include "survey/test_survey.h"
#include "testing/db_targets.h"

namespace fincyber::survey {
namespace {

// A bank whose second section asks for evidence; a follow-up is shown once it is given.
constexpr std::string_view kEvidenceBankYaml = R"(id: evidence-bank
version: "1"
title: {ja: 証跡調査, en: Evidence survey}
maturity_scale:
  - {ja: 〇, en: zero}
  - {ja: 一, en: one}
  - {ja: 二, en: two}
  - {ja: 三, en: three}
  - {ja: 四, en: four}
sections:
  - id: gov
    title: {ja: 統治, en: Governance}
    items:
      - id: gv.policy
        text: {ja: "方針がありますか。", en: "Is there a policy?"}
        type: yes_no
        function: govern
  - id: docs
    title: {ja: 文書, en: Documents}
    items:
      - id: doc.report
        text: {ja: "評価報告書を添付してください。", en: "Attach the assessment report."}
        type: evidence
        function: identify
      - id: doc.follow_up
        text: {ja: "報告書の指摘は対応済みですか。", en: "Are the report's findings addressed?"}
        type: text
        function: identify
        condition: answered(doc.report)
)";

class SurveyEvidenceAnswerTest : public ::testing::TestWithParam<std::string> {
 protected:
  SurveyEvidenceAnswerTest() : t_(GetParam()) {
    auto imported = t_.service.ImportBank(
        t_.P(s().coord), {BankSourceFormat::kYaml, std::string(kEvidenceBankYaml)}, t_.info);
    EXPECT_TRUE(imported.ok()) << imported.error().internal_message();
    if (!imported.ok()) return;
    EXPECT_TRUE(t_.service.PublishBank(t_.P(s().coord), imported->id, t_.info).ok());
    NewCampaign nc;
    nc.bank_storage_id = imported->id;
    nc.title = {"証跡調査", "Evidence survey"};
    nc.year = 2026;
    nc.categories = {"major_bank", "regional_bank"};
    nc.deadline = s().clock.Now() + std::chrono::hours(24 * 30);
    auto opened = t_.service.OpenCampaign(t_.P(s().coord), nc, t_.info);
    EXPECT_TRUE(opened.ok()) << opened.error().internal_message();
    if (opened.ok()) campaign_ = *opened;
  }
  TestSurvey t_;
  Campaign campaign_;
  identity::TestSector& s() { return t_.s; }
  const std::string& a() { return s().bank_a.id; }

  Questionnaire Q(const identity::User& user) {
    auto q = t_.service.GetQuestionnaire(t_.P(user), campaign_.id, a());
    EXPECT_TRUE(q.ok()) << q.error().internal_message();
    return q.ok() ? *q : Questionnaire{};
  }
  static const SectionProgress& Docs(const Questionnaire& q) { return q.sections.at(1); }
  Result<EvidenceFile> Upload(const identity::User& user, const std::string& name) {
    return t_.service.UploadEvidence(t_.P(user), campaign_.id, a(), "doc.report", name, kMinimalPdf,
                                     t_.info);
  }
  Assignment OwnAssignment() {
    auto listed = t_.service.ListAssignments(t_.P(s().coord), campaign_.id);
    EXPECT_TRUE(listed.ok());
    for (const auto& assignment : *listed) {
      if (assignment.org_id == a()) return assignment;
    }
    ADD_FAILURE() << "no assignment of bank A";
    return {};
  }
};

TEST_P(SurveyEvidenceAnswerTest, FilesAnswerTheItemAndTheLastDeletionUnanswersIt) {
  Questionnaire before = Q(s().a_member);
  EXPECT_EQ(Docs(before).shown, 1);  // the follow-up waits for the evidence
  EXPECT_EQ(Docs(before).answered, 0);
  EXPECT_EQ(before.answers.count("doc.report"), 0u);

  auto first = Upload(s().a_member, "report.pdf");
  ASSERT_TRUE(first.ok()) << first.error().internal_message();
  Questionnaire one = Q(s().a_member);
  EXPECT_EQ(Docs(one).answered, 1);
  EXPECT_EQ(Docs(one).shown, 2) << "answered(doc.report) now shows the follow-up";
  EXPECT_EQ(one.assignment.answered, 1);
  const StoredAnswer& answer = one.answers.at("doc.report");
  EXPECT_EQ(std::get<std::vector<std::string>>(answer.value),
            std::vector<std::string>{"report.pdf"});
  EXPECT_EQ(answer.updated_by, s().a_member.username);
  EXPECT_EQ(AnswerToJson(answer.value), Json::array({"report.pdf"}));
  EXPECT_EQ(OwnAssignment().answered, 1) << "the regulator's list counts it too";

  s().clock.Advance(std::chrono::seconds(1));  // files are listed oldest first
  auto second = Upload(s().a_admin, "annex.pdf");
  ASSERT_TRUE(second.ok()) << second.error().internal_message();
  auto read = t_.service.GetAnswer(t_.P(s().a_member), campaign_.id, a(), "doc.report");
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(std::get<std::vector<std::string>>((*read)->value),
            (std::vector<std::string>{"report.pdf", "annex.pdf"}));

  ASSERT_TRUE(
      t_.service
          .DeleteEvidence(t_.P(s().a_member), campaign_.id, a(), "doc.report", first->id, t_.info)
          .ok());
  EXPECT_EQ(Docs(Q(s().a_member)).answered, 1) << "one file is still there";
  ASSERT_TRUE(
      t_.service
          .DeleteEvidence(t_.P(s().a_member), campaign_.id, a(), "doc.report", second->id, t_.info)
          .ok());
  Questionnaire none = Q(s().a_member);
  EXPECT_EQ(Docs(none).answered, 0);
  EXPECT_EQ(Docs(none).shown, 1);
  EXPECT_EQ(none.answers.count("doc.report"), 0u);
  EXPECT_EQ(OwnAssignment().answered, 0);
}

TEST_P(SurveyEvidenceAnswerTest, NoValueAnswersAnEvidenceItemAndAnOldReferenceReadsAsNone) {
  for (const Json& value :
       {Json("https://docs.example.jp/report"), Json::array({"x.pdf"}), Json(nullptr), Json(3)}) {
    auto put = t_.Put(s().a_member, campaign_, a(), "doc.report", value);
    ASSERT_FALSE(put.ok()) << value.dump();
    EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);
    ASSERT_FALSE(put.error().details().empty());
    EXPECT_EQ(put.error().details()[0].field, "doc.report");
  }
  // A reference text stored for the item before files answered it.
  ASSERT_TRUE(s().db()
                  .Transact([&](store::Connection& c) -> Status {
                    FC_RETURN_IF_ERROR(c.Execute(
                        "INSERT INTO survey_answers (campaign_id, org_id, item_id, value, "
                        "comment, evidence, version, updated_at, updated_by) VALUES (?, ?, "
                        "'doc.report', '\"DMS-1234\"', '', '', 1, '2026-01-01T00:00:00Z', 'x')",
                        {campaign_.id, a()}));
                    return OkStatus();
                  })
                  .ok());
  Questionnaire q = Q(s().a_member);
  EXPECT_EQ(q.answers.count("doc.report"), 0u);
  EXPECT_EQ(Docs(q).answered, 0);
  ASSERT_TRUE(Upload(s().a_member, "report.pdf").ok());
  EXPECT_EQ(std::get<std::vector<std::string>>(Q(s().a_member).answers.at("doc.report").value),
            std::vector<std::string>{"report.pdf"});
}

TEST_P(SurveyEvidenceAnswerTest, AWorkbookRowOfAnEvidenceItemIsNotReadBack) {
  AnswerWorkbookRows workbook{campaign_.id, a(), {}};
  auto row = [&](std::uint32_t number, const std::string& item, const std::string& answer) {
    AnswerWorkbookRow r;
    r.sheet = "Answers";
    r.row = number;
    r.item_id = item;
    r.answer = answer;
    r.comment = std::string("see the DMS");
    workbook.rows.push_back(std::move(r));
  };
  row(2, "gv.policy", "yes");
  row(3, "doc.report", "DMS-1");
  auto imported =
      t_.service.ImportAnswers(t_.P(s().a_member), campaign_.id, a(), workbook, t_.info);
  ASSERT_TRUE(imported.ok()) << imported.error().internal_message();
  EXPECT_EQ(imported->saved, 1);
  EXPECT_EQ(imported->unchanged, 1);
  Questionnaire q = Q(s().a_member);
  EXPECT_EQ(q.answers.count("doc.report"), 0u);
  EXPECT_EQ(q.answers.count("gv.policy"), 1u);
}

TEST_P(SurveyEvidenceAnswerTest, SubmissionLocksTheFilesAndCountsThem) {
  ASSERT_TRUE(t_.Put(s().a_admin, campaign_, a(), "gv.policy", "yes").ok());
  auto file = Upload(s().a_member, "report.pdf");
  ASSERT_TRUE(file.ok());
  auto submitted =
      t_.service.Submit(t_.P(s().a_admin), campaign_.id, a(), {"山田 太郎", "頭取"}, t_.info);
  ASSERT_TRUE(submitted.ok()) << submitted.error().internal_message();
  EXPECT_EQ(submitted->answered, 2);
  EXPECT_EQ(submitted->shown, 3);  // the follow-up text is optional
  auto late = Upload(s().a_member, "late.pdf");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(
      t_.service
          .DeleteEvidence(t_.P(s().a_admin), campaign_.id, a(), "doc.report", file->id, t_.info)
          .error()
          .code(),
      ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Docs(Q(s().a_member)).answered, 1) << "the file still answers the item";
}

TEST_P(SurveyEvidenceAnswerTest, AnotherInstitutionNeitherUploadsToItNorSeesIt) {
  auto own = Upload(s().a_member, "report.pdf");
  ASSERT_TRUE(own.ok());
  auto foreign = t_.service.UploadEvidence(t_.P(s().b_admin), campaign_.id, a(), "doc.report",
                                           "fake.pdf", kMinimalPdf, t_.info);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(t_.service.GetQuestionnaire(t_.P(s().b_admin), campaign_.id, a()).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(t_.service.GetAnswer(t_.P(s().b_admin), campaign_.id, a(), "doc.report").error().code(),
            ErrorCode::kNotFound);
  // B's own questionnaire: its evidence item unanswered, A's file nowhere.
  auto b = t_.service.GetQuestionnaire(t_.P(s().b_admin), campaign_.id, s().bank_b.id);
  ASSERT_TRUE(b.ok()) << b.error().internal_message();
  EXPECT_EQ(b->answers.count("doc.report"), 0u);
  EXPECT_EQ(b->sections.at(1).answered, 0);
  EXPECT_EQ(Q(s().a_member).answers.at("doc.report").value,
            AnswerValue(std::vector<std::string>{"report.pdf"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyEvidenceAnswerTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber::survey
