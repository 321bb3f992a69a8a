// The survey API end to end: the real server, both databases, API tokens. A small sector:
// the regulator (coord: coordination office; auditor), a bureau (sup: bureau staff)
// supervising bank A, the ISAC, and regional banks A, B, R3..R7 (each with `<x>.admin`
// and `<x>.member`) plus securities firm S. Every endpoint gets malformed, oversized and
// hostile input, and the isolation tests prove an institution never reads or writes
// another's answers or scores, nor learns them through an aggregate, an error, a count
// or an id probe; bureau staff see only the institutions they supervise.
#include <gtest/gtest.h>

#include <functional>

#include "documents/xlsx_reader.h"
#include "survey_env.h"

namespace fincyber {
namespace {

using testing::HttpResult;
using testing::kBankYaml;
using testing::kRegional;
using testing::SurveyEnv;
using testing::TestClient;

class SurveyApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  SurveyApiTest() : env_(SurveyEnv::For(GetParam())) {}
  SurveyEnv& env_;
  std::string Campaign(const std::string& tail = "") const {
    return "/api/v1/survey/campaigns/" + env_.campaign + tail;
  }
  std::string Closed(const std::string& tail = "") const {
    return "/api/v1/survey/campaigns/" + env_.closed + tail;
  }
  static std::string Code(const HttpResult& r) {
    const Json body = r.json();
    return body.contains("error") ? body["error"].value("code", "") : "";
  }
};

TEST_P(SurveyApiTest, BankEndpointsRefuseMalformedOversizedAndHostileInput) {
  TestClient coord = env_.As("coord");
  EXPECT_EQ(coord.Send("POST", "/api/v1/survey/banks", "{not json").status, 400);
  EXPECT_EQ(coord.Send("POST", "/api/v1/survey/banks", "[]").status, 400);
  EXPECT_EQ(coord.Send("POST", "/api/v1/survey/banks", R"({"format":"yaml"})").status, 400);
  EXPECT_EQ(coord.Post("/api/v1/survey/banks", {{"format", "exe"}, {"text", "x"}}).status, 400);
  EXPECT_EQ(coord.Post("/api/v1/survey/banks", {{"format", "yaml"}, {"text", 5}}).status, 400);
  EXPECT_EQ(coord.Post("/api/v1/survey/banks", {{"format", "yaml"}, {"text", "x"}, {"admin", true}})
                .status,
            400);
  // An alias bomb, a DTD with entities, deep nesting, bad UTF-8: refused, nothing stored.
  for (const Json& body :
       {Json{{"format", "yaml"}, {"text", "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"}},
        Json{{"format", "oscal_xml"},
             {"text", "<!DOCTYPE c [<!ENTITY e 'x'>]><catalog>&e;</catalog>"}},
        Json{{"format", "json"}, {"text", std::string(200, '[') + std::string(200, ']')}},
        Json{{"format", "oscal_json"}, {"text", "{\"catalog\": []}"}}}) {
    HttpResult refused = coord.Post("/api/v1/survey/banks", body);
    EXPECT_EQ(refused.status, 400) << refused.body;
  }
  HttpResult bad_utf8 =
      coord.Send("POST", "/api/v1/survey/banks", "{\"format\":\"yaml\",\"text\":\"id: \xff\"}");
  EXPECT_EQ(bad_utf8.status, 400);
  // Past the server's body limit, which evidence uploads raise to 10 MiB.
  HttpResult huge = coord.Post("/api/v1/survey/banks",
                               {{"format", "yaml"}, {"text", std::string(11 << 20, 'x')}});
  EXPECT_EQ(huge.status, 413);
  // Within the body limit but past the YAML reader's 200,000 values: too large, not 429.
  std::string many_values = "x: [0";
  for (int i = 0; i < 200'000; ++i) many_values += ",0";
  HttpResult too_many =
      coord.Post("/api/v1/survey/banks", {{"format", "yaml"}, {"text", many_values + "]\n"}});
  EXPECT_EQ(too_many.status, 413) << too_many.body;
  EXPECT_EQ(too_many.json()["error"]["details"][0],
            (Json{{"field", "source"}, {"problem", "too_large"}}));
  HttpResult listed = coord.Get("/api/v1/survey/banks");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json()["items"].size(), 1u);

  // Only the coordination office writes banks; institutions do not read them directly.
  for (const char* user : {"A.admin", "sup", "auditor", "isac"}) {
    EXPECT_EQ(env_.As(user)
                  .Post("/api/v1/survey/banks", {{"format", "yaml"}, {"text", kBankYaml}})
                  .status,
              403)
        << user;
  }
  EXPECT_EQ(env_.As("A.admin").Get("/api/v1/survey/banks").status, 403);
  EXPECT_EQ(env_.As("A.admin").Get("/api/v1/survey/banks/" + env_.bank).status, 403);
  EXPECT_EQ(env_.As("sup").Get("/api/v1/survey/banks/" + env_.bank).status, 200);
  EXPECT_EQ(coord.Get("/api/v1/survey/banks/no-such-bank").status, 404);
  // The bank is frozen by the closed campaign: it cannot change.
  EXPECT_EQ(coord
                .Send("PUT", "/api/v1/survey/banks/" + env_.bank,
                      Json{{"format", "yaml"}, {"text", kBankYaml}}.dump())
                .status,
            409);
  HttpResult mission = coord.Post("/api/v1/survey/banks/mission", Json::object());
  EXPECT_EQ(mission.status, 200) << mission.body;
  EXPECT_EQ(mission.json()["status"], "published");
}

TEST_P(SurveyApiTest, CampaignEndpointsRefuseBadInputAndShowEachOnlyItsOwn) {
  TestClient coord = env_.As("coord");
  const Json good = {{"bank", env_.bank},
                     {"title", {{"ja", "調査"}, {"en", "Survey"}}},
                     {"year", 2030},
                     {"categories", {"securities"}},
                     {"deadline", "2099-01-01T00:00:00Z"}};
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, Json>>{{"year", "2030"},
                                                 {"year", 1e12},
                                                 {"categories", "securities"},
                                                 {"categories", Json::array({1})},
                                                 {"categories", Json::array({"nope"})},
                                                 {"deadline", "tomorrow"},
                                                 {"deadline", "2001-01-01T00:00:00Z"},
                                                 {"title", {{"ja", ""}, {"en", "x"}}},
                                                 {"title", "x"},
                                                 {"bank", "no-such-bank"},
                                                 {"bank", std::string(5000, 'b')}}) {
    Json body = good;
    body[field] = value;
    HttpResult refused = coord.Post("/api/v1/survey/campaigns", body);
    EXPECT_EQ(refused.status, 400) << field << " " << value.dump().substr(0, 40) << refused.body;
  }
  EXPECT_EQ(env_.As("sup").Post("/api/v1/survey/campaigns", good).status, 403);
  EXPECT_EQ(env_.As("A.admin").Post("/api/v1/survey/campaigns", good).status, 403);

  // Each institution lists only the campaigns it is assigned and counts only itself.
  HttpResult mine = env_.As("B.member").Get("/api/v1/survey/campaigns");
  ASSERT_EQ(mine.status, 200);
  for (const auto& c : mine.json()["items"]) EXPECT_EQ(c["assignments"], 1);
  EXPECT_EQ(env_.As("S.admin").Get(Campaign()).status, 404);
  EXPECT_EQ(env_.As("isac").Get(Campaign()).status, 404);
  EXPECT_TRUE(env_.As("isac").Get("/api/v1/survey/campaigns").json()["items"].empty());
  HttpResult all = coord.Get(Campaign("/assignments"));
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.json()["items"].size(), kRegional.size());
  HttpResult supervised = env_.As("sup").Get(Campaign("/assignments"));
  ASSERT_EQ(supervised.status, 200);
  ASSERT_EQ(supervised.json()["items"].size(), 1u);
  EXPECT_EQ(supervised.json()["items"][0]["org_id"], env_.org.at("A"));
  HttpResult own = env_.As("B.member").Get(Campaign("/assignments"));
  ASSERT_EQ(own.json()["items"].size(), 1u);
  EXPECT_EQ(own.json()["items"][0]["org_id"], env_.org.at("B"));
}

TEST_P(SurveyApiTest, AnsweringRefusesBadValuesAndOtherInstitutionsNeverReachEachOther) {
  TestClient a = env_.As("A.member");
  HttpResult questionnaire = a.Get(Campaign("/my"));
  ASSERT_EQ(questionnaire.status, 200) << questionnaire.body;
  const Json q = questionnaire.json();
  EXPECT_TRUE(q["editable"].get<bool>());
  ASSERT_EQ(q["sections"].size(), 1u);
  EXPECT_FALSE(q["sections"][0]["items"][2]["shown"].get<bool>());  // coverage waits

  const std::string answers = Campaign("/my/answers/");
  for (const std::string& body :
       {std::string("{}"), std::string("{\"value\": \"yes\", \"extra\": 1}"),
        std::string("{\"value\": \"perhaps\"}"), std::string("{\"value\": [\"yes\"]}"),
        std::string("{\"value\": \"yes\", \"comment\": 5}"),
        std::string("{\"value\": \"yes\", \"version\": -1}"),
        "{\"value\": \"yes\", \"comment\": \"" + std::string(5000, 'c') + "\"}",
        std::string("{\"value\": \"yes\", \"evidence\": \"\xc3\x28\"}")}) {
    HttpResult refused = a.Send("PUT", answers + "gv.policy", body);
    EXPECT_EQ(refused.status, 400) << body.substr(0, 60) << " " << refused.body;
  }
  // An answer's problem names its code and values, for the UI to word in Japanese.
  HttpResult outside = a.Send("PUT", answers + "gv.maturity", R"({"value": 9})");
  EXPECT_EQ(outside.status, 400);
  EXPECT_EQ(outside.json()["error"]["details"][0],
            (Json{{"field", "gv.maturity"},
                  {"problem", "maturity level 9 is outside 0-4"},
                  {"code", "answer.maturity_outside"},
                  {"params", {{"level", "9"}}}}));
  EXPECT_EQ(a.Send("PUT", answers + "gv.maturity", R"({"value": 2.5})").status, 400);
  EXPECT_EQ(a.Send("PUT", answers + "op.coverage", R"({"value": 50})").status, 409);  // hidden
  EXPECT_EQ(a.Send("PUT", answers + "no.such", R"({"value": 1})").status, 404);
  // An encoded slash is refused before routing.
  EXPECT_EQ(a.Send("PUT", answers + "..%2F..%2Fbanks", R"({"value": 1})").status, 400);
  EXPECT_EQ(a.Send("PUT", answers + std::string(3000, 'i'), R"({"value": 1})").status, 404);
  HttpResult saved =
      a.Send("PUT", answers + "gv.policy", R"({"value": "yes", "comment": "規程あり"})");
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(saved.json()["answer"]["version"], 1);
  HttpResult stale = a.Send("PUT", answers + "gv.policy", R"({"value": "no", "version": 0})");
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(Code(stale), "aborted");
  EXPECT_EQ(a.Send("PUT", answers + "op.coverage", R"({"value": 50})").status, 200);
  HttpResult read = a.Get(answers + "gv.policy");
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.json()["answer"]["comment"], "規程あり");
  HttpResult history = a.Get(answers + "gv.policy/history");
  ASSERT_EQ(history.status, 200);
  EXPECT_EQ(history.json()["versions"].size(), 1u);

  // B cannot read or write A's answers: every path says "not found", exactly as for an
  // organisation that does not exist.
  TestClient b = env_.As("B.admin");
  const std::string a_path = Campaign("/assignments/" + env_.org.at("A"));
  const std::string nobody = Campaign("/assignments/" + NewUuid());
  for (const std::string& path : {a_path, a_path + "/results", nobody, nobody + "/results"}) {
    HttpResult probe = b.Get(path);
    EXPECT_EQ(probe.status, 404) << path;
    EXPECT_EQ(probe.json()["error"]["message"], "assignment not found") << path;
  }
  for (const std::string& path :
       {a_path + "/answers/gv.policy/history", nobody + "/answers/gv.policy/history"}) {
    HttpResult probe = b.Get(path);
    EXPECT_EQ(probe.status, 404) << path;
    EXPECT_EQ(probe.json()["error"]["message"], "assignment not found") << path;
  }
  EXPECT_EQ(b.Send("PUT", a_path + "/ratings/gv.policy", R"({"value": "no"})").status, 403);
  EXPECT_EQ(b.Send("PUT", nobody + "/ratings/gv.policy", R"({"value": "no"})").status, 403);
  HttpResult b_view = b.Get(Campaign("/my"));
  ASSERT_EQ(b_view.status, 200);
  for (const auto& item : b_view.json()["sections"][0]["items"]) {
    EXPECT_TRUE(item["answer"].is_null()) << item.dump();
  }
  // The bureau supervises A: it reads A's answers but cannot write them; B is unseen.
  TestClient sup = env_.As("sup");
  HttpResult supervised = sup.Get(a_path);
  ASSERT_EQ(supervised.status, 200);
  EXPECT_EQ(supervised.json()["sections"][0]["items"][0]["answer"]["value"], "yes");
  EXPECT_EQ(sup.Get(Campaign("/assignments/" + env_.org.at("B"))).status, 404);
  EXPECT_EQ(sup.Send("PUT", Campaign("/my/answers/gv.policy"), R"({"value": "no"})").status, 404);
}

TEST_P(SurveyApiTest, SubmitReopenAndExtendFollowTheirRoles) {
  TestClient c_admin = env_.As("R3.admin");
  TestClient c_member = env_.As("R3.member");
  const std::string answers = Campaign("/my/answers/");
  ASSERT_EQ(c_member.Send("PUT", answers + "gv.policy", R"({"value": "no"})").status, 200);
  const Json attestation = {{"executive_name", "佐藤 花子"}, {"executive_title", "代表取締役"}};
  HttpResult early = c_admin.Post(Campaign("/my/submit"), attestation);
  EXPECT_EQ(early.status, 409);
  ASSERT_EQ(early.json()["error"]["details"].size(), 1u);
  EXPECT_EQ(early.json()["error"]["details"][0]["field"], "gv.maturity");
  ASSERT_EQ(c_member.Send("PUT", answers + "gv.maturity", R"({"value": 3})").status, 200);
  EXPECT_EQ(c_member.Post(Campaign("/my/submit"), attestation).status, 403);
  for (const Json& bad :
       {Json{{"executive_name", "x"}}, Json{{"executive_name", ""}, {"executive_title", "x"}},
        Json{{"executive_name", std::string(300, 'n')}, {"executive_title", "x"}},
        Json{{"executive_name", "x"}, {"executive_title", "y"}, {"z", 1}}}) {
    EXPECT_EQ(c_admin.Post(Campaign("/my/submit"), bad).status, 400) << bad.dump().substr(0, 50);
  }
  HttpResult submitted = c_admin.Post(Campaign("/my/submit"), attestation);
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  EXPECT_EQ(submitted.json()["status"], "submitted");
  EXPECT_EQ(c_member.Send("PUT", answers + "gv.maturity", R"({"value": 4})").status, 409);
  EXPECT_EQ(c_admin.Post(Campaign("/my/reopen-request"), {{"reason", ""}}).status, 400);
  EXPECT_EQ(
      c_admin.Post(Campaign("/my/reopen-request"), {{"reason", std::string(3000, 'r')}}).status,
      400);
  EXPECT_EQ(c_member.Post(Campaign("/my/reopen-request"), {{"reason", "誤記"}}).status, 403);
  ASSERT_EQ(c_admin.Post(Campaign("/my/reopen-request"), {{"reason", "誤記"}}).status, 200);
  const std::string decline = Campaign("/assignments/" + env_.org.at("R3") + "/reopen-decline");
  EXPECT_EQ(env_.As("coord").Post(decline, {{"reason", 5}}).status, 400);
  EXPECT_EQ(env_.As("coord").Post(decline, {{"reason", std::string(3000, 'r')}}).status, 400);
  EXPECT_EQ(env_.As("sup").Post(decline, {{"reason", "no"}}).status, 403);
  EXPECT_EQ(c_admin.Post(decline, {{"reason", "no"}}).status, 403);
  ASSERT_EQ(env_.As("coord").Post(decline, {{"reason", "軽微な誤記"}}).status, 200);
  EXPECT_EQ(c_member.Send("PUT", answers + "gv.maturity", R"({"value": 4})").status, 409);
  ASSERT_EQ(c_admin.Post(Campaign("/my/reopen-request"), {{"reason", "再依頼"}}).status, 200);
  const std::string grant = Campaign("/assignments/" + env_.org.at("R3") + "/reopen");
  EXPECT_EQ(env_.As("sup").Post(grant, Json::object()).status, 403);
  EXPECT_EQ(c_admin.Post(grant, Json::object()).status, 403);
  ASSERT_EQ(env_.As("coord").Post(grant, Json::object()).status, 200);
  EXPECT_EQ(c_member.Send("PUT", answers + "gv.maturity", R"({"value": 4})").status, 200);

  const std::string extend = Campaign("/assignments/" + env_.org.at("R3") + "/extend");
  EXPECT_EQ(env_.As("coord").Post(extend, {{"deadline", "soon"}}).status, 400);
  EXPECT_EQ(env_.As("coord").Post(extend, {{"deadline", "2000-01-01T00:00:00Z"}}).status, 400);
  EXPECT_EQ(env_.As("R3.admin").Post(extend, {{"deadline", "2099-01-01T00:00:00Z"}}).status, 403);
  HttpResult extended = env_.As("coord").Post(extend, {{"deadline", "2099-01-01T00:00:00Z"}});
  ASSERT_EQ(extended.status, 200) << extended.body;
  EXPECT_EQ(extended.json()["deadline"], "2099-01-01T00:00:00.000Z");
}

TEST_P(SurveyApiTest, ResultsShowOwnScoresAndOnlyPeerFiguresTheRuleAllows) {
  TestClient a = env_.As("A.admin");
  HttpResult own = a.Get(Closed("/my/results"));
  ASSERT_EQ(own.status, 200) << own.body;
  const Json results = own.json();
  EXPECT_EQ(results["org_id"], env_.org.at("A"));
  EXPECT_TRUE(results["own"]["overall"].is_object());
  EXPECT_TRUE(results["peers"]["overall"].contains("median"));
  EXPECT_TRUE(results.contains("supervisor"));
  // Nothing in the document names or identifies another institution.
  const std::string text = own.body;
  for (const auto& key : kRegional) {
    if (key == "A") continue;
    EXPECT_EQ(text.find(env_.org.at(key)), std::string::npos) << key;
  }
  EXPECT_EQ(text.find("\"min\""), std::string::npos);
  EXPECT_EQ(text.find("\"max\""), std::string::npos);
  // Every peer figure either shows with enough contributors or only says why not.
  std::function<void(const Json&)> check = [&](const Json& node) {
    if (node.is_object()) {
      if (node.contains("suppressed")) {
        EXPECT_EQ(node.size(), 2u) << node.dump();
        EXPECT_TRUE(node.contains("reason"));
        return;
      }
      if (node.contains("contributors")) {
        EXPECT_GE(node["contributors"].get<int>(), 5);
      }
      for (const auto& [key, value] : node.items()) check(value);
    } else if (node.is_array()) {
      for (const auto& value : node) check(value);
    }
  };
  check(results["peers"]);
  check(results["peer_year_over_year"]);

  // The same for every institution: its own only; B's results are not found for A.
  EXPECT_EQ(a.Get(Closed("/assignments/" + env_.org.at("B") + "/results")).status, 404);
  EXPECT_EQ(a.Get(Closed("/sector")).status, 403);
  EXPECT_EQ(a.Get(Closed("/sector/regional_bank")).status, 403);
  EXPECT_EQ(env_.As("S.admin").Get(Closed("/my/results")).status, 404);
  EXPECT_EQ(env_.As("isac").Get(Closed("/sector")).status, 403);
  // Open campaigns have no results yet.
  EXPECT_EQ(a.Get(Campaign("/my/results")).status, 409);

  // The regulator's view: the coordination office drills into every institution, the
  // bureau only into A.
  HttpResult sector = env_.As("auditor").Get(Closed("/sector"));
  ASSERT_EQ(sector.status, 200) << sector.body;
  EXPECT_EQ(sector.json()["categories"][0]["institutions"], kRegional.size());
  EXPECT_FALSE(sector.json()["categories"][0].contains("institution_bands"));
  HttpResult full = env_.As("coord").Get(Closed("/sector/regional_bank"));
  ASSERT_EQ(full.status, 200);
  EXPECT_EQ(full.json()["institution_bands"].size(), kRegional.size());
  HttpResult bureau = env_.As("sup").Get(Closed("/sector/regional_bank"));
  ASSERT_EQ(bureau.status, 200);
  ASSERT_EQ(bureau.json()["institution_bands"].size(), 1u);
  EXPECT_EQ(bureau.json()["institution_bands"][0]["org_id"], env_.org.at("A"));
  EXPECT_EQ(env_.As("sup").Get(Closed("/assignments/" + env_.org.at("A") + "/results")).status,
            200);
  EXPECT_EQ(env_.As("sup").Get(Closed("/assignments/" + env_.org.at("B") + "/results")).status,
            404);
  EXPECT_EQ(env_.As("coord").Get(Closed("/sector/no_such_category")).status, 404);
  // Closed: nothing changes any more.
  EXPECT_EQ(a.Send("PUT", Closed("/my/answers/gv.policy"), R"({"value": "no"})").status, 409);
  EXPECT_EQ(env_.As("coord").Post(Closed("/close"), Json::object()).status, 409);
}

TEST_P(SurveyApiTest, FeedbackReportIsOnlyTheCallersOwnOrASupervisedInstitutions) {
  TestClient a = env_.As("A.admin");
  HttpResult pdf = a.Get(Closed("/report?lang=en&format=pdf"));
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.header("content-type"), "application/pdf");
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(pdf.header("cache-control"), "no-store");
  EXPECT_NE(pdf.header("content-disposition").find("feedback-2025-en.pdf"), std::string::npos);
  // The workbook holds the same content: A's name, never another institution's.
  HttpResult xlsx = a.Get(Closed("/report?format=xlsx"));
  ASSERT_EQ(xlsx.status, 200) << xlsx.body;
  auto book = documents::ReadXlsx(xlsx.body);
  ASSERT_TRUE(book.ok()) << book.error().internal_message();
  bool own_name = false;
  for (const auto& sheet : book->sheets) {
    for (const auto& cell : sheet.cells()) {
      const auto* text = std::get_if<std::string>(&cell.value);
      if (text == nullptr) continue;
      own_name = own_name || *text == "A銀行";
      for (const auto& key : kRegional) {
        if (key == "A") continue;
        EXPECT_EQ(text->find(key + "銀行"), std::string::npos) << *text;
        EXPECT_EQ(text->find(env_.org.at(key)), std::string::npos) << *text;
      }
    }
  }
  EXPECT_TRUE(own_name);

  // Another institution's report is not found; bureau staff get only what they supervise.
  EXPECT_EQ(a.Get(Closed("/assignments/" + env_.org.at("B") + "/report")).status, 404);
  EXPECT_EQ(env_.As("B.member").Get(Closed("/assignments/" + env_.org.at("A") + "/report")).status,
            404);
  EXPECT_EQ(env_.As("sup").Get(Closed("/assignments/" + env_.org.at("A") + "/report")).status, 200);
  EXPECT_EQ(env_.As("sup").Get(Closed("/assignments/" + env_.org.at("B") + "/report")).status, 404);
  EXPECT_EQ(env_.As("S.admin").Get(Closed("/report")).status, 404);  // not assigned
  EXPECT_EQ(a.Get("/api/v1/survey/campaigns/no-such-campaign/report").status, 404);
  HttpResult open = a.Get(Campaign("/report"));
  EXPECT_EQ(open.status, 409) << open.body;
  EXPECT_EQ(Code(open), "failed_precondition");
  EXPECT_EQ(TestClient(env_.running->port()).Get(Closed("/report")).status, 401);

  // Malformed, oversized and hostile parameters.
  for (const std::string& query :
       std::vector<std::string>{"?lang=fr", "?lang=JA", "?lang=", "?format=exe", "?format=PDF",
                                "?format=pdf%00", "?lang=ja%0d%0aX-Injected:%201",
                                "?lang=" + std::string(10000, 'j'), "?format=../../etc/passwd"}) {
    HttpResult refused = a.Get(Closed("/report" + query));
    EXPECT_EQ(refused.status, 400) << query << " " << refused.body;
    EXPECT_EQ(Code(refused), "invalid_argument") << query;
    EXPECT_TRUE(refused.header("x-injected").empty());
  }
}

TEST_P(SurveyApiTest, RoutesAreInTheOpenApiDocument) {
  HttpResult doc = TestClient(env_.running->port()).Get("/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  const Json paths = doc.json()["paths"];
  for (const char* path :
       {"/api/v1/survey/banks", "/api/v1/survey/campaigns/{id}/my/answers/{item}",
        "/api/v1/survey/campaigns/{id}/sector/{category}",
        "/api/v1/survey/campaigns/{id}/report"}) {
    EXPECT_TRUE(paths.contains(path)) << path;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyApiTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber
