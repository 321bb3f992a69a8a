// Answer workbooks and evidence files end to end: the real server on both databases, API
// tokens, the survey's API test sector (survey_env.h) with small evidence limits. Workbooks
// and uploads get malformed, oversized and hostile input (a ZIP bomb, formulas, foreign and
// unknown item ids, an executable renamed .pdf, path traversal names); nothing is saved
// from a refused workbook; no institution lists, downloads, deletes or imports into
// another's records, and bureau staff read only the institution they supervise.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "base/crypto.h"
#include "documents/xlsx_reader.h"
#include "documents/xlsx_writer.h"
#include "survey_env.h"
#include "testing/zip_parts.h"

namespace fincyber {
namespace {

using testing::HttpResult;
using testing::SurveyEnv;
using testing::TestClient;

constexpr std::size_t kFileLimit = 64 << 10;
constexpr std::size_t kTotalLimit = 160 << 10;
const testing::SurveyEnvOptions kEvidenceLimits{.evidence_max_file_bytes = kFileLimit,
                                                .evidence_max_total_bytes = kTotalLimit};

const std::string kPdf = "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

// A row of an answer workbook as a user leaves it.
struct Row {
  std::string item;
  documents::CellValue answer;
  documents::CellValue comment;
  documents::CellValue version;
};

// A workbook laid out as the export's, built here so each test says what it holds.
std::string Workbook(const std::string& campaign, const std::string& org,
                     const std::vector<Row>& rows) {
  documents::XlsxWorkbook book;
  documents::XlsxSheet answers{.name = "Answers", .columns = {}, .rows = {}};
  for (const char* header : {"Item id", "Section", "Question", "Answer type", "How to answer",
                             "Asked", "Answer", "Comment", "Version"}) {
    answers.columns.push_back({.header = header});
  }
  for (const auto& row : rows) {
    answers.rows.push_back({row.item, {}, {}, {}, {}, {}, row.answer, row.comment, row.version});
  }
  documents::XlsxSheet read_me{.name = "Read me", .columns = {}, .rows = {}};
  read_me.rows = {{std::string("Survey")},
                  {std::string("Campaign id"), campaign},
                  {std::string("Institution id"), org}};
  book.sheets = {answers, read_me};
  auto bytes = documents::WriteXlsx(book);
  EXPECT_TRUE(bytes.ok()) << bytes.error().internal_message();
  return bytes.ok() ? *bytes : "";
}

class SurveyFilesApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  SurveyFilesApiTest() : env_(SurveyEnv::For(GetParam(), kEvidenceLimits)) {}
  SurveyEnv& env_;

  std::string Campaign(const std::string& tail = "", const std::string& id = "") const {
    return "/api/v1/survey/campaigns/" + (id.empty() ? env_.campaign : id) + tail;
  }
  HttpResult Import(const std::string& user, const std::string& bytes,
                    const std::string& campaign = "") {
    return env_.As(user).Send("POST", Campaign("/my/workbook", campaign), bytes,
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  }
  HttpResult Upload(const std::string& user, const std::string& item, const std::string& name,
                    const std::string& bytes, const std::string& campaign = "") {
    TestClient client = env_.As(user);
    client.extra_headers["X-Filename"] = name;
    return client.Send("POST", Campaign("/my/answers/" + item + "/evidence", campaign), bytes,
                       "application/octet-stream");
  }
  Json Answers(const std::string& user, const std::string& campaign = "") {
    HttpResult q = env_.As(user).Get(Campaign("/my", campaign));
    EXPECT_EQ(q.status, 200) << q.body;
    const Json body = q.json();  // kept: the loops below refer into it
    Json out = Json::object();
    for (const auto& section : body["sections"]) {
      for (const auto& item : section["items"]) out[item["id"].get<std::string>()] = item["answer"];
    }
    return out;
  }
  static std::vector<std::string> Fields(const HttpResult& r) {
    std::vector<std::string> out;
    for (const auto& d : r.json()["error"].value("details", Json::array())) {
      out.push_back(d.value("field", "") + " " + d.value("problem", ""));
    }
    return out;
  }
  static bool AnyContains(const std::vector<std::string>& lines, const std::string& part) {
    for (const auto& line : lines) {
      if (line.find(part) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<std::string> AuditActions(const std::string& user, const std::string& prefix) {
    HttpResult audit = env_.As(user).Get("/api/v1/audit?action=" + prefix + "&limit=500");
    EXPECT_EQ(audit.status, 200) << audit.body;
    const Json body = audit.json();
    std::vector<std::string> out;
    for (const auto& e : body["items"]) out.push_back(e.value("action", ""));
    return out;
  }
};

TEST_P(SurveyFilesApiTest, ExportedWorkbookHoldsTheQuestionnaireInEitherLanguage) {
  for (const auto& [lang, sheet] : {std::pair{"ja", "回答"}, std::pair{"en", "Answers"}}) {
    HttpResult exported = env_.As("A.member").Get(Campaign("/my/workbook?lang=") + lang);
    ASSERT_EQ(exported.status, 200) << exported.body;
    EXPECT_EQ(exported.header("content-type"),
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    EXPECT_EQ(exported.header("content-disposition").rfind("attachment;", 0), 0u);
    EXPECT_EQ(exported.header("x-content-type-options"), "nosniff");
    auto contents = documents::ReadXlsx(exported.body);
    ASSERT_TRUE(contents.ok()) << contents.error().internal_message();
    const documents::SheetCells* answers = contents->Find(sheet);
    ASSERT_NE(answers, nullptr) << lang;
    EXPECT_EQ(*answers->At(1, 0), documents::CellValue(std::string("gv.policy")));
    EXPECT_EQ(*answers->At(3, 0), documents::CellValue(std::string("op.coverage")));
  }
  EXPECT_EQ(env_.As("A.member").Get(Campaign("/my/workbook?lang=fr")).status, 400);
  EXPECT_EQ(env_.As("S.admin").Get(Campaign("/my/workbook")).status, 404);
  EXPECT_EQ(env_.As("sup").Get(Campaign("/my/workbook")).status, 404);
}

TEST_P(SurveyFilesApiTest, ImportSavesEveryRowThroughTheAnswerPathOrNothing) {
  const std::string a = env_.org.at("A");
  // A's answers to the closed campaign are in the audit log already.
  const auto saves_before = AuditActions("A.admin", "survey.answer");
  // One good row and one bad one: nothing is saved and the bad row is named.
  HttpResult mixed =
      Import("A.member",
             Workbook(env_.campaign, a,
                      {{"gv.policy", std::string("はい"), {}, {}}, {"gv.maturity", 9.0, {}, {}}}));
  ASSERT_EQ(mixed.status, 400) << mixed.body;
  EXPECT_TRUE(AnyContains(Fields(mixed), "Answers!3:gv.maturity")) << mixed.body;
  EXPECT_TRUE(Answers("A.member")["gv.policy"].is_null());

  // The conditional item is asked because the same workbook answers yes.
  HttpResult good = Import(
      "A.member", Workbook(env_.campaign, a,
                           {{"gv.policy", std::string("はい"), std::string("取締役会で承認"), {}},
                            {"gv.maturity", std::string("3"), {}, {}},
                            {"op.coverage", 70.0, {}, {}}}));
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(good.json()["saved"], 3);
  Json answers = Answers("A.member");
  EXPECT_EQ(answers["gv.policy"]["value"], "yes");
  EXPECT_EQ(answers["gv.policy"]["comment"], "取締役会で承認");
  EXPECT_EQ(answers["gv.maturity"]["value"], 3);
  EXPECT_EQ(answers["op.coverage"]["value"], 70.0);
  HttpResult history = env_.As("A.member").Get(Campaign("/my/answers/gv.policy/history"));
  ASSERT_EQ(history.json()["versions"].size(), 1u);
  EXPECT_EQ(history.json()["versions"][0]["changed_by"], "a.member");
  const auto actions = AuditActions("A.admin", "survey.answer");
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "survey.answers_import"), 1);
  EXPECT_GE(std::count(actions.begin(), actions.end(), "survey.answer_save") -
                std::count(saves_before.begin(), saves_before.end(), "survey.answer_save"),
            3);

  // The export carries the versions; the same workbook again changes nothing, and empty
  // cells leave what is stored.
  HttpResult exported = env_.As("A.member").Get(Campaign("/my/workbook?lang=en"));
  ASSERT_EQ(exported.status, 200);
  HttpResult again = Import("A.member", exported.body);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["unchanged"], 3);
  EXPECT_EQ(again.json()["saved"], 0);
  HttpResult empty_cells =
      Import("A.member", Workbook(env_.campaign, a, {{"gv.policy", {}, {}, 1.0}}));
  EXPECT_EQ(empty_cells.json()["unchanged"], 1) << empty_cells.body;
  EXPECT_EQ(Answers("A.member")["gv.policy"]["comment"], "取締役会で承認");

  // A row changed in the UI since the export is refused, not overwritten.
  EXPECT_EQ(env_.As("A.admin")
                .Send("PUT", Campaign("/my/answers/gv.maturity"),
                      Json{{"value", 4}, {"version", 1}}.dump())
                .status,
            200);
  HttpResult stale =
      Import("A.member", Workbook(env_.campaign, a, {{"gv.maturity", 1.0, {}, 1.0}}));
  ASSERT_EQ(stale.status, 400) << stale.body;
  EXPECT_TRUE(AnyContains(Fields(stale), "changed since the export")) << stale.body;
  EXPECT_EQ(Answers("A.member")["gv.maturity"]["value"], 4);

  // The clear marker removes an answer; "no" hides the conditional item, which may not be
  // answered then.
  HttpResult hidden =
      Import("A.member",
             Workbook(env_.campaign, a,
                      {{"gv.policy", std::string("No"), {}, 1.0}, {"op.coverage", 20.0, {}, 1.0}}));
  ASSERT_EQ(hidden.status, 400) << hidden.body;
  EXPECT_TRUE(AnyContains(Fields(hidden), "op.coverage not asked")) << hidden.body;
  HttpResult cleared = Import(
      "A.member", Workbook(env_.campaign, a, {{"op.coverage", std::string("(clear)"), {}, 1.0}}));
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(cleared.json()["cleared"], 1);
  EXPECT_TRUE(Answers("A.member")["op.coverage"].is_null());
}

TEST_P(SurveyFilesApiTest, ImportRefusesMalformedOversizedAndHostileWorkbooks) {
  const std::string b = env_.org.at("B");
  const Json before = Answers("B.member");
  const Json before_a = Answers("A.member");
  // Not a workbook, an empty body, a workbook of another kind.
  EXPECT_EQ(Import("B.member", "not a workbook").status, 400);
  EXPECT_EQ(Import("B.member", "").status, 400);
  documents::XlsxWorkbook other;
  other.sheets.push_back({.name = "Sheet1", .columns = {{.header = "x"}}, .rows = {}});
  EXPECT_EQ(Import("B.member", *documents::WriteXlsx(other)).status, 400);
  // Unknown and repeated item ids, a row without an id, an out-of-range value.
  HttpResult wrong = Import("B.member", Workbook(env_.campaign, b,
                                                 {{"no.such.item", std::string("はい"), {}, {}},
                                                  {"gv.policy", std::string("はい"), {}, {}},
                                                  {"gv.policy", std::string("いいえ"), {}, {}},
                                                  {"", std::string("はい"), {}, {}},
                                                  {"gv.maturity", 9.0, {}, {}}}));
  ASSERT_EQ(wrong.status, 400) << wrong.body;
  const auto fields = Fields(wrong);
  EXPECT_TRUE(AnyContains(fields, "Answers!2:no.such.item no such item")) << wrong.body;
  EXPECT_TRUE(AnyContains(fields, "Answers!4:gv.policy the item appears on an earlier row"));
  EXPECT_TRUE(AnyContains(fields, "Answers!5: the row has no item id"));
  EXPECT_TRUE(AnyContains(fields, "Answers!6:gv.maturity"));
  // A formula in an answer cell: its saved result is not trusted.
  testing::ZipParts parts =
      testing::Unzip(Workbook(env_.campaign, b, {{"gv.maturity", 2.0, {}, {}}}));
  std::string& sheet = parts["xl/worksheets/sheet1.xml"];
  const std::size_t at = sheet.find("<c r=\"G2\"");
  ASSERT_NE(at, std::string::npos);
  sheet.replace(at, sheet.find("</c>", at) + 4 - at, "<c r=\"G2\"><f>1+1</f><v>2</v></c>");
  HttpResult formula = Import("B.member", testing::Zip(parts));
  ASSERT_EQ(formula.status, 400) << formula.body;
  EXPECT_TRUE(AnyContains(Fields(formula), "formula")) << formula.body;
  // A ZIP bomb: a sheet that inflates to 48 MiB.
  parts["xl/worksheets/sheet1.xml"] =
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>" +
      std::string(48 << 20, ' ') + "</sheetData></worksheet>";
  HttpResult bomb = Import("B.member", testing::Zip(parts));
  EXPECT_EQ(bomb.status, 413) << bomb.body;
  EXPECT_TRUE(AnyContains(Fields(bomb), "workbook too_large")) << bomb.body;
  // More cells than the reader takes, in a small file: too large as well.
  std::string cells;
  for (int r = 1; r <= 200'001; ++r) {
    const std::string n = std::to_string(r);
    cells += "<row r=\"" + n + "\"><c r=\"A" + n + "\"><v>1</v></c></row>";
  }
  parts["xl/worksheets/sheet1.xml"] =
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>" +
      cells + "</sheetData></worksheet>";
  HttpResult crowded = Import("B.member", testing::Zip(parts));
  EXPECT_EQ(crowded.status, 413) << crowded.body;
  // Larger than any body the server takes.
  EXPECT_EQ(Import("B.member", std::string(9 << 20, 'x')).status, 413);
  // A workbook exported for another institution or campaign is refused whole.
  HttpResult foreign = Import("B.member", Workbook(env_.campaign, env_.org.at("A"),
                                                   {{"gv.policy", std::string("はい"), {}, {}}}));
  EXPECT_EQ(foreign.status, 400) << foreign.body;
  EXPECT_EQ(foreign.json()["error"]["details"][0]["code"], "workbook.other_campaign");
  EXPECT_EQ(Answers("B.member"), before) << "nothing saved";
  EXPECT_EQ(Answers("A.member"), before_a) << "nothing reaches A";
  // Roles that do not answer, and an institution that is not surveyed.
  EXPECT_EQ(Import("sup", Workbook(env_.campaign, b, {})).status, 404);
  EXPECT_EQ(Import("S.admin", Workbook(env_.campaign, b, {})).status, 404);
}

TEST_P(SurveyFilesApiTest, EvidenceIsStoredCheckedAndDownloadedAsAnAttachment) {
  HttpResult uploaded = Upload("A.member", "gv.policy", "%E8%A6%8F%E7%A8%8B.pdf", kPdf);
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const Json file = uploaded.json();
  EXPECT_EQ(file["filename"], "規程.pdf");
  EXPECT_EQ(file["content_type"], "application/pdf");
  EXPECT_EQ(file["size"], kPdf.size());
  EXPECT_EQ(file["sha256"], Sha256Hex(kPdf));
  const std::string id = file["id"];
  HttpResult listed = env_.As("A.admin").Get(Campaign("/my/answers/gv.policy/evidence"));
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.json()["items"].size(), 1u);
  HttpResult download = env_.As("A.admin").Get(Campaign("/my/answers/gv.policy/evidence/" + id));
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.body, kPdf);
  EXPECT_EQ(download.header("content-type"), "application/pdf");
  EXPECT_EQ(download.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(download.header("content-disposition"),
            "attachment; filename=\"__.pdf\"; filename*=UTF-8''%E8%A6%8F%E7%A8%8B.pdf");

  // Path traversal and control characters leave only a plain name.
  HttpResult traversal =
      Upload("A.member", "gv.policy", "..%2F..%2Fetc%2Fpasswd%0A.txt", "plain text\n");
  ASSERT_EQ(traversal.status, 201) << traversal.body;
  EXPECT_EQ(traversal.json()["filename"], "passwd.txt");
  EXPECT_EQ(traversal.json()["content_type"], "text/plain; charset=utf-8");
  // Refused: an executable renamed .pdf, a PDF named .png, HTML, an empty file, no name,
  // a broken escape, an unknown item.
  const std::string exe = std::string("MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0", 16);
  EXPECT_EQ(Upload("A.member", "gv.policy", "invoice.pdf", exe).status, 400);
  EXPECT_EQ(Upload("A.member", "gv.policy", "scan.png", kPdf).status, 400);
  EXPECT_EQ(Upload("A.member", "gv.policy", "page.html", "<script>alert(1)</script>").status, 400);
  EXPECT_EQ(Upload("A.member", "gv.policy", "empty.txt", "").status, 400);
  EXPECT_EQ(Upload("A.member", "gv.policy", "", kPdf).status, 400);
  EXPECT_EQ(Upload("A.member", "gv.policy", "bad%G1.pdf", kPdf).status, 400);
  EXPECT_EQ(Upload("A.member", "no.such.item", "a.pdf", kPdf).status, 404);
  // Over the file limit, then over the institution's total.
  // The upload route's body limit is the file limit: refused while read, as 413.
  HttpResult large = Upload("A.member", "gv.maturity", "big.txt", std::string(kFileLimit + 1, 'x'));
  EXPECT_EQ(large.status, 413) << large.body;
  // A JSON route keeps the server's 1 MiB, however large uploads may be.
  EXPECT_EQ(env_.As("A.member")
                .Send("PUT", Campaign("/my/answers/gv.policy"),
                      Json{{"value", "yes"}, {"comment", std::string(2 << 20, 'c')}}.dump())
                .status,
            413);
  EXPECT_EQ(Upload("A.member", "gv.maturity", "1.txt", std::string(kFileLimit - 10, 'x')).status,
            201);
  EXPECT_EQ(Upload("A.member", "gv.maturity", "2.txt", std::string(kFileLimit - 10, 'x')).status,
            201);
  HttpResult total = Upload("A.member", "gv.maturity", "3.txt", std::string(kFileLimit - 10, 'x'));
  EXPECT_EQ(total.status, 413) << total.body;
  EXPECT_TRUE(AnyContains(Fields(total), "file too_large")) << total.body;
  HttpResult all = env_.As("A.member").Get(Campaign("/my/evidence"));
  ASSERT_EQ(all.status, 200);
  const Json files = all.json();
  EXPECT_EQ(files["items"].size(), 4u);
  for (const auto& f : files["items"]) {
    if (f["item_id"] == "gv.maturity") {
      EXPECT_EQ(env_.As("A.member")
                    .Send("DELETE", Campaign("/my/answers/gv.maturity/evidence/") +
                                        f["id"].get<std::string>())
                    .status,
                204);
    }
  }
  // Deleting through another item's path finds nothing.
  EXPECT_EQ(
      env_.As("A.member").Send("DELETE", Campaign("/my/answers/gv.maturity/evidence/" + id)).status,
      404);
  const auto actions = AuditActions("A.admin", "survey.evidence");
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "survey.evidence_upload"), 4);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "survey.evidence_delete"), 2);

  // gv.policy holds two files; the limit is 20 per item, a count: 409, neither 413 nor 429.
  for (int i = 3; i <= 20; ++i) {
    ASSERT_EQ(Upload("A.member", "gv.policy", std::to_string(i) + ".txt", "x\n").status, 201);
  }
  HttpResult crowded = Upload("A.member", "gv.policy", "21.txt", "x\n");
  EXPECT_EQ(crowded.status, 409) << crowded.body;
  EXPECT_TRUE(AnyContains(Fields(crowded), "file too many files")) << crowded.body;
}

TEST_P(SurveyFilesApiTest, NoInstitutionReachesAnothersEvidenceAndSupervisorsOnlyTheirs) {
  HttpResult uploaded = Upload("A.admin", "gv.maturity", "inventory.csv", "id,name\n1,db\n");
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const std::string id = uploaded.json()["id"];
  const std::string a = env_.org.at("A");
  const std::string b = env_.org.at("B");
  // B through its own paths, through A's assignment paths, and by deleting.
  EXPECT_EQ(env_.As("B.admin").Get(Campaign("/my/answers/gv.maturity/evidence/" + id)).status, 404);
  HttpResult b_list = env_.As("B.admin").Get(Campaign("/my/answers/gv.maturity/evidence"));
  ASSERT_EQ(b_list.status, 200);
  EXPECT_TRUE(b_list.json()["items"].empty());
  EXPECT_EQ(env_.As("B.admin").Get(Campaign("/assignments/" + a + "/evidence")).status, 404);
  EXPECT_EQ(env_.As("B.admin")
                .Get(Campaign("/assignments/" + a + "/answers/gv.maturity/evidence/" + id))
                .status,
            404);
  EXPECT_EQ(
      env_.As("B.admin").Send("DELETE", Campaign("/my/answers/gv.maturity/evidence/" + id)).status,
      404);
  EXPECT_EQ(env_.As("S.admin").Get(Campaign("/assignments/" + a + "/evidence")).status, 404);
  EXPECT_EQ(env_.As("isac").Get(Campaign("/assignments/" + a + "/evidence")).status, 404);
  // The bureau supervises A, not B; the coordination office sees both.
  HttpResult sup = env_.As("sup").Get(Campaign("/assignments/" + a + "/evidence"));
  ASSERT_EQ(sup.status, 200);
  EXPECT_FALSE(sup.json()["items"].empty());
  HttpResult sup_download =
      env_.As("sup").Get(Campaign("/assignments/" + a + "/answers/gv.maturity/evidence/" + id));
  EXPECT_EQ(sup_download.status, 200);
  EXPECT_EQ(sup_download.body, "id,name\n1,db\n");
  EXPECT_EQ(env_.As("sup").Get(Campaign("/assignments/" + b + "/evidence")).status, 404);
  EXPECT_EQ(env_.As("coord").Get(Campaign("/assignments/" + b + "/evidence")).status, 200);
  // Supervisors read but neither upload nor delete: they have no questionnaire of their own.
  EXPECT_EQ(Upload("sup", "gv.maturity", "x.txt", "x").status, 404);
  EXPECT_EQ(
      env_.As("sup").Send("DELETE", Campaign("/my/answers/gv.maturity/evidence/" + id)).status,
      404);
  EXPECT_EQ(env_.As("A.admin").Get(Campaign("/my/answers/gv.maturity/evidence/" + id)).status, 200);
}

TEST_P(SurveyFilesApiTest, NothingChangesAfterSubmissionOrAfterTheDeadline) {
  const std::string r3 = env_.org.at("R3");
  HttpResult uploaded = Upload("R3.admin", "gv.policy", "policy.pdf", kPdf);
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const std::string id = uploaded.json()["id"];
  ASSERT_EQ(Import("R3.admin", Workbook(env_.campaign, r3,
                                        {{"gv.policy", std::string("No"), {}, {}},
                                         {"gv.maturity", 2.0, {}, {}}}))
                .status,
            200);
  ASSERT_EQ(env_.As("R3.admin")
                .Post(Campaign("/my/submit"),
                      {{"executive_name", "山田 太郎"}, {"executive_title", "頭取"}})
                .status,
            200);
  EXPECT_EQ(Import("R3.admin", Workbook(env_.campaign, r3, {{"gv.maturity", 3.0, {}, 1.0}})).status,
            409);
  EXPECT_EQ(Upload("R3.admin", "gv.policy", "late.pdf", kPdf).status, 409);
  EXPECT_EQ(
      env_.As("R3.admin").Send("DELETE", Campaign("/my/answers/gv.policy/evidence/" + id)).status,
      409);
  EXPECT_EQ(env_.As("R3.admin").Get(Campaign("/my/answers/gv.policy/evidence/" + id)).status, 200);

  // A campaign due in two seconds: once past, nothing is taken.
  const std::string due = env_.OpenCampaign(2027, std::chrono::seconds(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const std::string b = env_.org.at("B");
  EXPECT_EQ(Import("B.admin", Workbook(due, b, {{"gv.maturity", 3.0, {}, {}}}), due).status, 409);
  EXPECT_EQ(Upload("B.admin", "gv.policy", "late.pdf", kPdf, due).status, 409);
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyFilesApiTest, ::testing::ValuesIn(testing::DbBackends()));

}  // namespace
}  // namespace fincyber
