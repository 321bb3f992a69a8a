// Remediation items, reminders, survey contact addresses and the sector report end to end:
// the real server on both databases, the survey test sector of survey_env.h. Every
// endpoint gets malformed, oversized, mistyped and hostile input; the isolation tests prove
// an institution never reads, changes or probes another's remediation items, progress,
// reminders or contact, nor reads the sector report, and bureau staff see only the
// institution they supervise.
#include <gtest/gtest.h>

#include <set>
#include <variant>

#include "documents/xlsx_reader.h"
#include "survey/reminders.h"
#include "survey_env.h"

namespace fincyber {
namespace {

using testing::HttpResult;
using testing::SurveyEnv;
using testing::TestClient;

constexpr const char* kRemediation = "/api/v1/survey/remediation";

class SurveyRemediationApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  SurveyRemediationApiTest() : env_(SurveyEnv::For(GetParam())) {}
  SurveyEnv& env_;

  std::string Closed(const std::string& tail = "") const {
    return "/api/v1/survey/campaigns/" + env_.closed + tail;
  }
  static std::string CampaignPath(const std::string& id, const std::string& tail = "") {
    return "/api/v1/survey/campaigns/" + id + tail;
  }
  static std::string Code(const HttpResult& r) {
    const Json body = r.json();
    return body.contains("error") ? body["error"].value("code", "") : "";
  }
  // A date a year from the server's today, so it is never in the past.
  std::string DueDate() const {
    return FormatRfc3339(env_.platform->clock().Now() + std::chrono::hours(24 * 365)).substr(0, 10);
  }
  Json NewItem(const std::vector<std::string>& item_ids) const {
    return {{"title", "監視範囲を広げる"},
            {"item_ids", item_ids},
            {"owner", {{"name", "情報システム部 佐藤"}}},
            {"due_date", DueDate()}};
  }
  // `user`'s institution creates an item for gaps of the closed campaign; its id.
  std::string CreateItem(const std::string& user, const std::vector<std::string>& item_ids) {
    HttpResult created = env_.As(user).Post(Closed("/my/remediation"), NewItem(item_ids));
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json().value("id", "");
  }
  std::set<std::string> ListedIds(const std::string& user, const std::string& query = "") {
    HttpResult listed = env_.As(user).Get(std::string(kRemediation) + query);
    EXPECT_EQ(listed.status, 200) << listed.body;
    std::set<std::string> ids;
    const Json body = listed.json();
    for (const auto& item : body["items"]) ids.insert(item.value("id", ""));
    return ids;
  }
  std::string UserId(const std::string& user) const {
    return env_.As(user).Get("/api/v1/me").json()["user"].value("id", "");
  }
  // Every answer of the bank given and submitted by `admin` in campaign `id`.
  void AnswerAndSubmit(const std::string& admin, const std::string& id, int maturity,
                       double coverage) {
    TestClient client = env_.As(admin);
    const std::string answers = CampaignPath(id, "/my/answers/");
    EXPECT_EQ(client.Send("PUT", answers + "gv.policy", R"({"value": "yes"})").status, 200);
    EXPECT_EQ(client.Send("PUT", answers + "gv.maturity", Json{{"value", maturity}}.dump()).status,
              200);
    EXPECT_EQ(client.Send("PUT", answers + "op.coverage", Json{{"value", coverage}}.dump()).status,
              200);
    HttpResult submitted =
        client.Post(CampaignPath(id, "/my/submit"),
                    {{"executive_name", "山田 太郎"}, {"executive_title", "頭取"}});
    EXPECT_EQ(submitted.status, 200) << submitted.body;
  }
};

// A's gaps in the closed campaign are gv.maturity (level 0) and op.coverage (0 %); its
// policy is met. B's are gv.policy and gv.maturity; R3's gv.maturity and op.coverage.

TEST_P(SurveyRemediationApiTest, CreatingAnItemRefusesMalformedOversizedAndHostileInput) {
  TestClient a = env_.As("A.admin");
  const std::string path = Closed("/my/remediation");
  const auto before = ListedIds("A.admin");
  EXPECT_EQ(a.Send("POST", path, "{not json").status, 400);
  EXPECT_EQ(a.Send("POST", path, "[]").status, 400);
  EXPECT_EQ(a.Send("POST", path, std::string(100, '[') + std::string(100, ']')).status, 400);
  EXPECT_EQ(a.Send("POST", path, NewItem({"gv.maturity"}).dump(), "text/plain").status, 415);
  HttpResult bad_utf8 = a.Send("POST", path,
                               "{\"title\": \"\xff\xfe\", \"item_ids\": [\"gv.maturity\"], "
                               "\"owner\": {\"name\": \"x\"}, \"due_date\": \"" +
                                   DueDate() + "\"}");
  EXPECT_EQ(bad_utf8.status, 400) << bad_utf8.body;
  const std::string other_user = UserId("B.member");
  ASSERT_FALSE(other_user.empty());
  for (const auto& [field, value] : std::vector<std::pair<std::string, Json>>{
           {"title", ""},
           {"title", 5},
           {"title", nullptr},
           {"title", std::string(201, 't')},
           {"item_ids", "gv.maturity"},
           {"item_ids", Json::array()},
           {"item_ids", Json::array({1})},
           {"item_ids", Json::array({""})},
           {"item_ids", Json::array({std::string(101, 'i')})},
           {"item_ids", Json(std::vector<std::string>(51, "gv.maturity"))},
           {"item_ids", Json::array({"gv.maturity", "gv.maturity"})},
           {"item_ids", Json::array({"no.such.item"})},
           {"item_ids", Json::array({"gv.policy"})},  // met: not a gap
           {"item_ids", Json::array({"gv.maturity'; DROP TABLE survey_remediation_items; --"})},
           {"owner", "佐藤"},
           {"owner", Json::object()},
           {"owner", {{"name", "佐藤"}, {"user_id", other_user}}},
           {"owner", {{"name", std::string(201, 'o')}}},
           {"owner", {{"name", 7}}},
           {"owner", {{"user_id", other_user}}},  // a user of another institution
           {"owner", {{"user_id", "no-such-user"}}},
           {"owner", {{"name", "x"}, {"role", "admin"}}},
           {"due_date", "next year"},
           {"due_date", "2020-01-01"},
           {"due_date", "2099-02-30"},
           {"due_date", "2099-1-1"},
           {"due_date", 20990101},
           {"status", "closed"},
           {"status", true},
           {"note", std::string(4001, 'n')},
           {"org_id", env_.org.at("B")},  // no creating for another institution
           {"version", 7}}) {
    Json body = NewItem({"gv.maturity"});
    body[field] = value;
    HttpResult refused = a.Post(path, body);
    EXPECT_EQ(refused.status, 400) << field << " " << value.dump().substr(0, 60) << refused.body;
    EXPECT_EQ(Code(refused), "invalid_argument");
  }
  // Past the server's body limit, whatever the route.
  Json huge = NewItem({"gv.maturity"});
  huge["note"] = std::string(16 << 20, 'n');
  EXPECT_EQ(a.Post(path, huge).status, 413);
  EXPECT_EQ(ListedIds("A.admin"), before) << "a refused request stored an item";

  // Hostile text is stored as text and comes back unchanged.
  Json hostile = NewItem({"gv.maturity", "op.coverage"});
  hostile["title"] = "<script>alert(1)</script> ' OR 1=1 -- \u202e";
  hostile["note"] = "{{7*7}} ${jndi:ldap://x} \r\nX-Injected: 1";
  hostile["status"] = "in_progress";
  HttpResult created = a.Post(path, hostile);
  ASSERT_EQ(created.status, 201) << created.body;
  const Json item = created.json();
  EXPECT_EQ(item["title"], hostile["title"]);
  EXPECT_EQ(item["note"], hostile["note"]);
  EXPECT_EQ(item["status"], "in_progress");
  EXPECT_EQ(item["org_id"], env_.org.at("A"));
  EXPECT_EQ(item["version"], 1);
  EXPECT_FALSE(item["overdue"].get<bool>());
  HttpResult read = a.Get(std::string(kRemediation) + "/" + item["id"].get<std::string>());
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.json()["title"], hostile["title"]);
  ASSERT_EQ(read.json()["history"].size(), 1u);

  // An owner who is a user of the institution is named from the directory.
  Json owned = NewItem({"gv.maturity"});
  owned["owner"] = {{"user_id", UserId("A.member")}};
  HttpResult by_user = a.Post(path, owned);
  ASSERT_EQ(by_user.status, 201) << by_user.body;
  EXPECT_EQ(by_user.json()["owner"]["name"], "A.member");

  // Only a closed campaign has gaps; an unknown one is not found.
  EXPECT_EQ(a.Post(CampaignPath(env_.campaign, "/my/remediation"), NewItem({"gv.maturity"})).status,
            409);
  EXPECT_EQ(a.Post(CampaignPath(NewUuid(), "/my/remediation"), NewItem({"gv.maturity"})).status,
            404);
  // Nobody but the institution's users makes items; an institution not surveyed has none.
  for (const char* user : {"coord", "auditor", "sup", "isac"}) {
    EXPECT_EQ(env_.As(user).Post(path, NewItem({"gv.maturity"})).status, 403) << user;
  }
  EXPECT_EQ(env_.As("S.admin").Post(path, NewItem({"gv.maturity"})).status, 404);
}

TEST_P(SurveyRemediationApiTest, UpdatingAnItemKeepsHistoryAndRefusesBadChanges) {
  TestClient member = env_.As("A.member");
  const std::string id = CreateItem("A.member", {"op.coverage"});
  const std::string path = std::string(kRemediation) + "/" + id;
  EXPECT_EQ(member.Send("PATCH", path, "{not json").status, 400);
  EXPECT_EQ(member.Send("PATCH", path, "[1]").status, 400);
  for (const Json& body :
       {Json::object(),  // changes nothing
        Json{{"status", "finished"}}, Json{{"status", 3}}, Json{{"title", ""}},
        Json{{"title", std::string(201, 't')}}, Json{{"note", std::string(4001, 'n')}},
        Json{{"note", Json::array()}}, Json{{"due_date", "2001-01-01"}},
        Json{{"due_date", "31/12/2099"}}, Json{{"owner", {{"user_id", UserId("B.admin")}}}},
        Json{{"owner", nullptr}}, Json{{"version", "1"}}, Json{{"version", 0}},
        Json{{"version", 1.5}}, Json{{"status", "accepted_risk"}},  // needs a note saying why
        Json{{"item_ids", {"gv.maturity"}}}, Json{{"org_id", env_.org.at("B")}}}) {
    HttpResult refused = member.Send("PATCH", path, body.dump());
    EXPECT_EQ(refused.status, 400) << body.dump().substr(0, 60) << refused.body;
  }
  HttpResult changed =
      member.Send("PATCH", path,
                  Json{{"status", "in_progress"}, {"note", "予算承認済み"}, {"version", 1}}.dump());
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json()["version"], 2);
  EXPECT_EQ(changed.json()["status"], "in_progress");
  // A stale version is refused rather than overwriting the newer change.
  HttpResult stale = member.Send("PATCH", path, Json{{"status", "done"}, {"version", 1}}.dump());
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(Code(stale), "aborted");
  HttpResult accepted = env_.As("A.admin").Send(
      "PATCH", path, Json{{"status", "accepted_risk"}, {"version", 2}}.dump());
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.json()["updated_by"], "a.admin");

  HttpResult read = member.Get(path);
  ASSERT_EQ(read.status, 200);
  const Json history = read.json()["history"];
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0]["changes"]["item_ids"], Json::array({"op.coverage"}));
  EXPECT_EQ(history[1]["changes"]["status"]["from"], "open");
  EXPECT_EQ(history[1]["changes"]["status"]["to"], "in_progress");
  EXPECT_EQ(history[2]["changes"]["status"]["to"], "accepted_risk");
  EXPECT_FALSE(history[2]["changes"].contains("note"));

  EXPECT_EQ(
      member.Send("PATCH", std::string(kRemediation) + "/" + NewUuid(), R"({"status": "done"})")
          .status,
      404);
  // Filters: by status, and refused when malformed.
  EXPECT_TRUE(ListedIds("A.member", "?status=accepted_risk").count(id));
  EXPECT_FALSE(ListedIds("A.member", "?status=open").count(id));
  EXPECT_TRUE(ListedIds("A.member", "?campaign=" + env_.closed).count(id));
  EXPECT_TRUE(ListedIds("A.member", "?campaign=" + env_.campaign).empty());
  EXPECT_EQ(member.Get(std::string(kRemediation) + "?status=whatever").status, 400);
  EXPECT_EQ(member.Get(std::string(kRemediation) + "?org=" + std::string(200, 'o')).status, 400);
}

TEST_P(SurveyRemediationApiTest, OtherInstitutionsNeverReachAnItemAndBureausSeeOnlyTheirOwn) {
  const std::string a_item = CreateItem("A.admin", {"gv.maturity"});
  const std::string b_item = CreateItem("B.admin", {"gv.policy"});
  const std::string a_path = std::string(kRemediation) + "/" + a_item;
  const std::string b_path = std::string(kRemediation) + "/" + b_item;
  const std::string a_org = env_.org.at("A");
  const std::string b_org = env_.org.at("B");

  // B learns nothing of A's item: the same "not found" as an id that does not exist.
  TestClient b = env_.As("B.admin");
  HttpResult probe = b.Get(a_path);
  HttpResult nothing = b.Get(std::string(kRemediation) + "/" + NewUuid());
  EXPECT_EQ(probe.status, 404);
  EXPECT_EQ(nothing.status, 404);
  EXPECT_EQ(Code(probe), Code(nothing));
  EXPECT_EQ(probe.json()["error"]["message"], nothing.json()["error"]["message"]);
  EXPECT_EQ(b.Send("PATCH", a_path, R"({"status": "done"})").status, 404);
  EXPECT_EQ(b.Send("PATCH", a_path, R"({"title": "乗っ取り"})").status, 404);
  EXPECT_TRUE(ListedIds("B.admin", "?org=" + a_org).empty());
  for (const auto& id : ListedIds("B.member")) EXPECT_NE(id, a_item);
  EXPECT_TRUE(ListedIds("B.member").count(b_item));
  EXPECT_EQ(
      b.Get(CampaignPath(env_.campaign, "/assignments/" + a_org + "/remediation-progress")).status,
      404);
  for (const char* user : {"S.admin", "isac"}) {
    EXPECT_EQ(env_.As(user).Get(a_path).status, 404) << user;
    EXPECT_TRUE(ListedIds(user).empty()) << user;
  }
  // A's item is unchanged by the attempts.
  HttpResult a_read = env_.As("A.member").Get(a_path);
  ASSERT_EQ(a_read.status, 200);
  EXPECT_EQ(a_read.json()["version"], 1);

  // Bureau staff read the institution they supervise, change nothing, and see no other.
  TestClient sup = env_.As("sup");
  EXPECT_EQ(sup.Get(a_path).status, 200);
  EXPECT_EQ(sup.Send("PATCH", a_path, R"({"status": "done"})").status, 403);
  EXPECT_EQ(sup.Get(b_path).status, 404);
  EXPECT_EQ(sup.Send("PATCH", b_path, R"({"status": "done"})").status, 404);
  HttpResult supervised = sup.Get(kRemediation);
  ASSERT_EQ(supervised.status, 200);
  EXPECT_FALSE(supervised.json()["items"].empty());
  const Json supervised_items = supervised.json()["items"];
  for (const auto& item : supervised_items) EXPECT_EQ(item["org_id"], a_org);
  EXPECT_TRUE(ListedIds("sup", "?org=" + b_org).empty());
  EXPECT_EQ(sup.Get(CampaignPath(env_.campaign, "/assignments/" + a_org + "/remediation-progress"))
                .status,
            200);
  EXPECT_EQ(sup.Get(CampaignPath(env_.campaign, "/assignments/" + b_org + "/remediation-progress"))
                .status,
            404);

  // The coordination office and auditors read every institution's items, and change none.
  for (const char* user : {"coord", "auditor"}) {
    const auto all = ListedIds(user);
    EXPECT_TRUE(all.count(a_item) && all.count(b_item)) << user;
    EXPECT_EQ(env_.As(user).Get(b_path).status, 200) << user;
    EXPECT_EQ(env_.As(user).Send("PATCH", b_path, R"({"status": "done"})").status, 403) << user;
  }
  EXPECT_TRUE(ListedIds("coord", "?org=" + b_org).count(b_item));
  EXPECT_FALSE(ListedIds("coord", "?org=" + b_org).count(a_item));
}

TEST_P(SurveyRemediationApiTest, AnItemForEveryGapIsMadeOnceAndRefusesBadInput) {
  TestClient r3 = env_.As("R3.member");
  const std::string path = Closed("/my/remediation/all-gaps");
  const Json good = {
      {"owner", {{"name", "リスク管理部"}}}, {"due_date", DueDate()}, {"lang", "en"}};
  EXPECT_EQ(r3.Send("POST", path, "{\"owner\":").status, 400);
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, Json>>{{"lang", "fr"},
                                                 {"lang", 5},
                                                 {"lang", "english"},
                                                 {"due_date", "2000-01-01"},
                                                 {"due_date", nullptr},
                                                 {"owner", "x"},
                                                 {"owner", {{"name", ""}}},
                                                 {"item_ids", {"gv.maturity"}}}) {
    Json body = good;
    body[field] = value;
    HttpResult refused = r3.Post(path, body);
    EXPECT_EQ(refused.status, 400) << field << " " << value.dump() << refused.body;
  }
  EXPECT_TRUE(ListedIds("R3.member", "?campaign=" + env_.closed).empty());
  for (const char* user : {"coord", "sup"}) {
    EXPECT_EQ(env_.As(user).Post(path, good).status, 403) << user;
  }

  HttpResult created = r3.Post(path, good);
  ASSERT_EQ(created.status, 201) << created.body;
  const Json items = created.json()["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["item_ids"], Json::array({"gv.maturity"}));
  EXPECT_EQ(items[0]["title"], "gv.maturity How mature is it?");
  EXPECT_EQ(items[1]["item_ids"], Json::array({"op.coverage"}));
  for (const auto& item : items) EXPECT_EQ(item["org_id"], env_.org.at("R3"));
  // Every gap is covered now: a second request makes nothing.
  HttpResult again = r3.Post(path, good);
  ASSERT_EQ(again.status, 201);
  EXPECT_TRUE(again.json()["items"].empty());
  EXPECT_EQ(ListedIds("R3.member", "?campaign=" + env_.closed).size(), 2u);
  // Nothing of R3 reached another institution's list.
  for (const auto& item : items) EXPECT_FALSE(ListedIds("A.admin").count(item.value("id", "")));
}

TEST_P(SurveyRemediationApiTest, TheNextCampaignShowsWhichItemsWereClosedAndWhichAreStillOpen) {
  const std::string coverage_item = CreateItem("A.admin", {"op.coverage"});
  const std::string maturity_item = CreateItem("A.admin", {"gv.maturity"});
  const std::string next = env_.OpenCampaign(2027);
  const std::string progress = CampaignPath(next, "/my/remediation-progress");

  // While the campaign is open, nothing is known to be closed yet.
  HttpResult open = env_.As("A.member").Get(progress);
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_FALSE(open.json()["results_available"].get<bool>());
  EXPECT_TRUE(open.json()["closed"].empty());

  // A meets the coverage item this year, still not the maturity target (3).
  AnswerAndSubmit("A.admin", next, 1, 80);
  ASSERT_EQ(env_.As("coord").Post(CampaignPath(next, "/close"), Json::object()).status, 200);

  const auto ids = [](const Json& list) {
    std::set<std::string> out;
    for (const auto& item : list) out.insert(item.value("id", ""));
    return out;
  };
  HttpResult closed = env_.As("A.member").Get(progress);
  ASSERT_EQ(closed.status, 200) << closed.body;
  const Json p = closed.json();
  EXPECT_TRUE(p["results_available"].get<bool>());
  EXPECT_TRUE(ids(p["closed"]).count(coverage_item));
  EXPECT_FALSE(ids(p["closed"]).count(maturity_item));
  EXPECT_TRUE(ids(p["still_open"]).count(maturity_item));
  for (const auto& item : p["closed"]) {
    if (item["id"] == coverage_item) {
      EXPECT_EQ(item["met"], Json::array({"op.coverage"}));
    }
  }
  // The institution's results carry the same, and so does the supervisor's view.
  HttpResult results = env_.As("A.member").Get(CampaignPath(next, "/my/results"));
  ASSERT_EQ(results.status, 200) << results.body;
  EXPECT_TRUE(ids(results.json()["remediation"]["closed"]).count(coverage_item));
  HttpResult supervised = env_.As("sup").Get(
      CampaignPath(next, "/assignments/" + env_.org.at("A") + "/remediation-progress"));
  ASSERT_EQ(supervised.status, 200);
  EXPECT_TRUE(ids(supervised.json()["still_open"]).count(maturity_item));

  // B did not submit: no results, and A's items are never B's.
  HttpResult b = env_.As("B.admin").Get(progress);
  ASSERT_EQ(b.status, 200);
  EXPECT_FALSE(b.json()["results_available"].get<bool>());
  for (const char* list : {"closed", "still_open"}) {
    const Json items = b.json()[list];
    for (const auto& item : items) EXPECT_EQ(item["org_id"], env_.org.at("B"));
  }
  EXPECT_EQ(
      env_.As("B.admin")
          .Get(CampaignPath(next, "/assignments/" + env_.org.at("A") + "/remediation-progress"))
          .status,
      404);
  EXPECT_EQ(env_.As("S.admin").Get(progress).status, 404);
  EXPECT_EQ(env_.As("A.admin").Get(CampaignPath(NewUuid(), "/my/remediation-progress")).status,
            404);
}

TEST_P(SurveyRemediationApiTest, ReminderDaysAreTheRegulatorsAndRefuseBadInput) {
  const std::string campaign = env_.OpenCampaign(2028);
  const std::string path = CampaignPath(campaign, "/reminders");
  TestClient coord = env_.As("coord");
  HttpResult defaults = coord.Get(path);
  ASSERT_EQ(defaults.status, 200) << defaults.body;
  EXPECT_EQ(defaults.json()["days"], Json::array({14, 7, 1}));
  EXPECT_TRUE(defaults.json()["default"].get<bool>());

  EXPECT_EQ(coord.Send("PUT", path, "{\"days\": [7,").status, 400);
  EXPECT_EQ(coord.Send("PUT", path, "7").status, 400);
  for (const Json& body :
       {Json::object(), Json{{"days", "14,7,1"}}, Json{{"days", Json::array()}},
        Json{{"days", {0}}}, Json{{"days", {-1}}}, Json{{"days", {366}}}, Json{{"days", {1.5}}},
        Json{{"days", {"7"}}}, Json{{"days", {7, 7}}}, Json{{"days", {nullptr}}},
        Json{{"days", {1e12}}}, Json{{"days", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}},
        Json{{"days", {7}}, {"campaign_id", env_.closed}}}) {
    HttpResult refused = coord.Send("PUT", path, body.dump());
    EXPECT_EQ(refused.status, 400) << body.dump() << refused.body;
  }
  for (const char* user : {"sup", "auditor", "A.admin", "isac"}) {
    EXPECT_EQ(env_.As(user).Send("PUT", path, R"({"days": [3]})").status, 403) << user;
  }
  for (const char* user : {"A.admin", "A.member", "S.admin", "isac"}) {
    EXPECT_EQ(env_.As(user).Get(path).status, 403) << user;
  }
  EXPECT_EQ(env_.As("sup").Get(path).status, 200);
  EXPECT_EQ(coord.Get(CampaignPath(NewUuid(), "/reminders")).status, 404);
  EXPECT_EQ(coord.Send("PUT", CampaignPath(NewUuid(), "/reminders"), R"({"days": [3]})").status,
            404);
  EXPECT_EQ(coord.Send("PUT", Closed("/reminders"), R"({"days": [3]})").status, 409);

  HttpResult set = coord.Send("PUT", path, R"({"days": [1, 30, 7]})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["days"], Json::array({30, 7, 1}));
  EXPECT_FALSE(set.json()["default"].get<bool>());
  EXPECT_EQ(coord.Get(path).json()["days"], Json::array({30, 7, 1}));
  EXPECT_EQ(coord.Get(path).json()["updated_by"], "coord");
}

TEST_P(SurveyRemediationApiTest, EachInstitutionSeesOnlyItsOwnReminders) {
  // 31 days before a deadline 30 days away has passed: the reminder is due at once.
  const std::string campaign = env_.OpenCampaign(2029);
  ASSERT_EQ(env_.As("coord")
                .Send("PUT", CampaignPath(campaign, "/reminders"), R"({"days": [31]})")
                .status,
            200);
  survey::ReminderService reminders(env_.platform->db(), env_.platform->clock());
  auto round = reminders.EmitDue();
  ASSERT_TRUE(round.ok()) << round.error().internal_message();

  const auto reminded = [&](const std::string& user) {
    HttpResult mine = env_.As(user).Get("/api/v1/survey/reminders/my");
    EXPECT_EQ(mine.status, 200) << user << mine.body;
    const Json items = mine.json()["items"];
    for (const auto& reminder : items) {
      if (reminder["campaign_id"] == campaign) return reminder;
    }
    return Json();
  };
  const Json a = reminded("A.member");
  ASSERT_TRUE(a.is_object());
  EXPECT_EQ(a["days_before"], 31);
  EXPECT_EQ(a["year"], 2029);
  EXPECT_EQ(a["title"]["ja"], "2029年度調査");
  EXPECT_TRUE(reminded("B.admin").is_object());
  // Not surveyed, or no institution at all: no reminder.
  for (const char* user : {"S.admin", "coord", "sup", "isac", "auditor"}) {
    EXPECT_TRUE(reminded(user).is_null()) << user;
  }
  // A submits: its reminder goes, B's stays.
  AnswerAndSubmit("A.admin", campaign, 3, 90);
  EXPECT_TRUE(reminded("A.member").is_null());
  EXPECT_TRUE(reminded("B.member").is_object());
  // Emitting again sends nothing twice.
  auto again = reminders.EmitDue();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->reminders, 0);

  // The regulator follows up: every institution reminded; bureau staff only A.
  const std::string sent = CampaignPath(campaign, "/reminders/sent");
  HttpResult all = env_.As("coord").Get(sent);
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_EQ(all.json()["items"].size(), testing::kRegional.size());
  const Json all_items = all.json()["items"];
  for (const auto& reminder : all_items) {
    EXPECT_EQ(reminder["days_before"], 31);
    if (reminder["org_id"] == env_.org.at("B")) {
      EXPECT_EQ(reminder["mail"], "none");  // no contact address
    }
    EXPECT_EQ(reminder["submitted"].get<bool>(), reminder["org_id"] == env_.org.at("A"));
  }
  HttpResult supervised = env_.As("sup").Get(sent);
  ASSERT_EQ(supervised.status, 200);
  ASSERT_EQ(supervised.json()["items"].size(), 1u);
  EXPECT_EQ(supervised.json()["items"][0]["org_id"], env_.org.at("A"));
  EXPECT_EQ(env_.As("auditor").Get(sent).status, 200);
  for (const char* user : {"A.admin", "B.member", "S.admin", "isac"}) {
    EXPECT_EQ(env_.As(user).Get(sent).status, 403) << user;
  }
  EXPECT_EQ(env_.As("coord").Get(CampaignPath(NewUuid(), "/reminders/sent")).status, 404);
}

TEST_P(SurveyRemediationApiTest, ContactAddressesRefuseHostileInputAndStayWithTheirInstitution) {
  const std::string a_org = env_.org.at("A");
  const std::string r4_org = env_.org.at("R4");
  const std::string a_path = "/api/v1/survey/contacts/" + a_org;
  const std::string r4_path = "/api/v1/survey/contacts/" + r4_org;
  TestClient admin = env_.As("A.admin");
  EXPECT_EQ(admin.Send("PUT", a_path, "{\"email\": ").status, 400);
  EXPECT_EQ(admin.Send("PUT", a_path, R"(["a@example.jp"])").status, 400);
  for (const Json& body :
       {Json::object(), Json{{"email", 5}}, Json{{"email", nullptr}},
        Json{{"email", "not an address"}}, Json{{"email", "a@example.jp\r\nBcc: x@evil.example"}},
        Json{{"email", "a@example.jp\nSubject: x"}}, Json{{"email", "A <a@example.jp>"}},
        Json{{"email", "a@example.jp, b@example.jp"}}, Json{{"email", "a@b@example.jp"}},
        Json{{"email", "担当@example.jp"}}, Json{{"email", std::string(250, 'a') + "@x.jp"}},
        Json{{"email", "a@example.jp"}, {"org_id", env_.org.at("B")}}}) {
    HttpResult refused = admin.Send("PUT", a_path, body.dump());
    EXPECT_EQ(refused.status, 400) << body.dump().substr(0, 60) << refused.body;
  }
  EXPECT_TRUE(admin.Get(a_path).json()["email"].is_null());

  HttpResult set = admin.Send("PUT", a_path, R"({"email": "survey@bank-a.example.jp"})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(admin.Get(a_path).json()["email"], "survey@bank-a.example.jp");
  EXPECT_EQ(env_.As("A.member").Get(a_path).json()["email"], "survey@bank-a.example.jp");
  // Members read it but do not change it.
  EXPECT_EQ(env_.As("A.member").Send("PUT", a_path, R"({"email": "m@example.jp"})").status, 403);

  // Another institution neither reads nor changes it, and cannot tell it from nothing.
  TestClient b = env_.As("B.admin");
  HttpResult probe = b.Get(a_path);
  EXPECT_EQ(probe.status, 404);
  EXPECT_EQ(Code(probe), Code(b.Get("/api/v1/survey/contacts/" + NewUuid())));
  EXPECT_EQ(b.Send("PUT", a_path, R"({"email": "evil@example.jp"})").status, 404);
  EXPECT_EQ(b.Send("PUT", a_path, R"({"email": ""})").status, 404);
  EXPECT_EQ(env_.As("isac").Get(a_path).status, 404);
  EXPECT_EQ(admin.Get(a_path).json()["email"], "survey@bank-a.example.jp");

  // Bureau staff read the supervised institution's address only, and change none.
  EXPECT_EQ(env_.As("sup").Get(a_path).json()["email"], "survey@bank-a.example.jp");
  EXPECT_EQ(env_.As("sup").Send("PUT", a_path, R"({"email": "s@example.jp"})").status, 403);
  EXPECT_EQ(env_.As("sup").Get(r4_path).status, 404);

  // The coordination office sets any institution's, and only institutions have one.
  TestClient coord = env_.As("coord");
  EXPECT_EQ(coord.Send("PUT", r4_path, R"({"email": "r4@example.jp"})").status, 200);
  EXPECT_EQ(env_.As("R4.member").Get(r4_path).json()["email"], "r4@example.jp");
  EXPECT_EQ(coord
                .Send("PUT", "/api/v1/survey/contacts/" + env_.org.at("REG"),
                      R"({"email": "reg@example.jp"})")
                .status,
            404);
  EXPECT_EQ(env_.As("auditor").Send("PUT", r4_path, R"({"email": "x@example.jp"})").status, 403);
  // An empty address removes it.
  EXPECT_EQ(admin.Send("PUT", a_path, R"({"email": ""})").status, 200);
  EXPECT_TRUE(admin.Get(a_path).json()["email"].is_null());
}

TEST_P(SurveyRemediationApiTest, TheSectorReportIsTheRegulatorsAndNamesNoInstitution) {
  TestClient coord = env_.As("coord");
  HttpResult pdf = coord.Get(Closed("/sector/report"));
  ASSERT_EQ(pdf.status, 200) << pdf.body.substr(0, 200);
  EXPECT_EQ(pdf.body.substr(0, 5), "%PDF-");
  EXPECT_EQ(pdf.header("content-type"), "application/pdf");
  EXPECT_NE(pdf.header("content-disposition").find("sector-2025-ja.pdf"), std::string::npos);

  HttpResult xlsx = env_.As("sup").Get(Closed("/sector/report?format=xlsx&lang=en"));
  ASSERT_EQ(xlsx.status, 200) << xlsx.body.substr(0, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  EXPECT_NE(xlsx.header("content-disposition").find("sector-2025-en.xlsx"), std::string::npos);
  // Every cell of the workbook: aggregates only, never an institution's name.
  auto book = documents::ReadXlsx(xlsx.body);
  ASSERT_TRUE(book.ok()) << book.error().internal_message();
  std::size_t cells = 0;
  for (const auto& sheet : book->sheets) {
    for (const auto& cell : sheet.cells()) {
      ++cells;
      const auto* text = std::get_if<std::string>(&cell.value);
      if (text == nullptr) continue;
      for (const auto& [key, id] : env_.org) {
        EXPECT_EQ(text->find("Bank " + key), std::string::npos) << *text;
        EXPECT_EQ(text->find(id), std::string::npos) << *text;
      }
    }
  }
  EXPECT_GT(cells, 10u);

  // Institutions, auditors and the ISAC do not read it.
  for (const char* user : {"A.admin", "B.member", "S.admin", "auditor", "isac"}) {
    EXPECT_EQ(env_.As(user).Get(Closed("/sector/report")).status, 403) << user;
  }
  // Bad parameters, an open campaign, an unknown one.
  for (const char* query : {"?format=docx", "?lang=fr", "?format=", "?lang=ja%0d%0aX-Injected:%201",
                            "?format=pdf%00.exe"}) {
    EXPECT_EQ(coord.Get(Closed("/sector/report") + query).status, 400) << query;
  }
  EXPECT_EQ(coord.Get(CampaignPath(env_.campaign, "/sector/report")).status, 409);
  EXPECT_EQ(coord.Get(CampaignPath(NewUuid(), "/sector/report")).status, 404);
  EXPECT_EQ(coord.Get(CampaignPath(std::string(3000, 'c'), "/sector/report")).status, 404);
}

TEST_P(SurveyRemediationApiTest, EveryRouteRefusesAnonymousCallersAndOversizedBodies) {
  const std::string item = std::string(kRemediation) + "/" + CreateItem("B.admin", {"gv.policy"});
  const std::string contact = "/api/v1/survey/contacts/" + env_.org.at("B");
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", kRemediation},
      {"GET", item},
      {"PATCH", item},
      {"POST", Closed("/my/remediation")},
      {"POST", Closed("/my/remediation/all-gaps")},
      {"GET", Closed("/my/remediation-progress")},
      {"GET", Closed("/assignments/" + env_.org.at("B") + "/remediation-progress")},
      {"GET", "/api/v1/survey/reminders/my"},
      {"GET", CampaignPath(env_.campaign, "/reminders")},
      {"PUT", CampaignPath(env_.campaign, "/reminders")},
      {"GET", CampaignPath(env_.campaign, "/reminders/sent")},
      {"GET", contact},
      {"PUT", contact},
      {"GET", Closed("/sector/report")}};
  TestClient anonymous(env_.running->port());
  for (const auto& [method, path] : routes) {
    HttpResult refused = anonymous.Send(method, path, method == "GET" ? "" : "{}");
    EXPECT_EQ(refused.status, 401) << method << " " << path;
  }
  // A forged token is no better than none.
  TestClient forged(env_.running->port());
  forged.UseBearer("fct_" + std::string(40, 'x'));
  EXPECT_EQ(forged.Get(item).status, 401);
  // Past the server's body limit every write is refused before its handler runs.
  const std::string huge = Json{{"note", std::string(16 << 20, 'n')}}.dump();
  for (const auto& [method, path] : routes) {
    if (method == "GET") continue;
    const char* user = path.find("/reminders") != std::string::npos ? "coord" : "B.admin";
    EXPECT_EQ(env_.As(user).Send(method, path, huge).status, 413) << method << " " << path;
  }
  HttpResult unchanged = env_.As("B.admin").Get(item);
  ASSERT_EQ(unchanged.status, 200);
  EXPECT_EQ(unchanged.json()["version"], 1);
}

TEST_P(SurveyRemediationApiTest, RoutesAreInTheOpenApiDocument) {
  HttpResult doc = TestClient(env_.running->port()).Get("/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  const Json paths = doc.json()["paths"];
  for (const char* path :
       {"/api/v1/survey/remediation", "/api/v1/survey/remediation/{rid}",
        "/api/v1/survey/campaigns/{id}/my/remediation",
        "/api/v1/survey/campaigns/{id}/my/remediation/all-gaps",
        "/api/v1/survey/campaigns/{id}/my/remediation-progress", "/api/v1/survey/reminders/my",
        "/api/v1/survey/campaigns/{id}/reminders", "/api/v1/survey/campaigns/{id}/reminders/sent",
        "/api/v1/survey/contacts/{org}", "/api/v1/survey/campaigns/{id}/sector/report"}) {
    EXPECT_TRUE(paths.contains(path)) << path;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyRemediationApiTest,
                         ::testing::ValuesIn(fincyber::testing::DbBackends()));

}  // namespace
}  // namespace fincyber
