#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "survey/compiled_bank.h"
#include "survey/csf.h"
#include "survey/oscal.h"

namespace fincyber::survey {
namespace {

std::string ReadTestFile(const std::string& name) {
  std::ifstream in(std::string(SURVEY_TESTDATA) + "/oscal/" + name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<const Item*> AllItems(const Bank& bank) {
  std::vector<const Item*> items;
  for (const auto& section : bank.sections) {
    for (const auto& item : section.items) items.push_back(&item);
  }
  return items;
}

TEST(SurveyOscal, Csf2CatalogGivesExactlyTheSubcategoriesInForce) {
  const std::string xml = ReadTestFile("NIST_CSF_v2.0_catalog.xml");
  ASSERT_GT(xml.size(), 200000u);
  auto imported = ImportOscalCatalogXml(xml);
  ASSERT_TRUE(imported.ok()) << imported.error().safe_message();
  const Bank& bank = imported->bank;
  EXPECT_EQ(bank.title.en, "NIST Cybersecurity Framework 2.0");
  EXPECT_EQ(bank.status, BankStatus::kDraft);
  EXPECT_EQ(imported->withdrawn, 79);  // 185 subcategories in the file, 106 in force

  std::set<std::string> ids;
  std::map<Function, int> per_function;
  for (const Item* item : AllItems(bank)) {
    ids.insert(item->id);
    per_function[item->function] += 1;
    EXPECT_EQ(item->csf, std::vector<std::string>{item->id});
    EXPECT_EQ(item->type, AnswerType::kMaturity);
    EXPECT_FALSE(item->text.en.empty()) << item->id;
  }
  const auto& in_force = Csf2Subcategories();
  EXPECT_EQ(ids, std::set<std::string>(in_force.begin(), in_force.end()));
  EXPECT_EQ(per_function[Function::kGovern], 31);
  EXPECT_EQ(per_function[Function::kIdentify], 21);
  EXPECT_EQ(per_function[Function::kProtect], 22);
  EXPECT_EQ(per_function[Function::kDetect], 11);
  EXPECT_EQ(per_function[Function::kRespond], 13);
  EXPECT_EQ(per_function[Function::kRecover], 8);
  for (std::string withdrawn : {"ID.AM-06", "PR.AC-01", "ID.BE-01", "DE.DP-01", "PR.IP-01"}) {
    EXPECT_FALSE(ids.contains(withdrawn)) << withdrawn;
  }
  EXPECT_EQ(bank.sections.size(), 6u);
  EXPECT_EQ(bank.sections[0].id, "GV");
  EXPECT_EQ(bank.sections[0].title.en, "GOVERN");

  // Statement prose, whitespace collapsed.
  const Item* am01 = nullptr;
  for (const Item* item : AllItems(bank)) {
    if (item->id == "ID.AM-01") am01 = item;
  }
  ASSERT_NE(am01, nullptr);
  EXPECT_EQ(am01->text.en, "Inventories of hardware managed by the organization are maintained");

  // A draft in English only: it compiles as a draft, and needs Japanese to publish.
  EXPECT_TRUE(CompiledBank::Compile(bank).ok());
  Bank published = bank;
  published.status = BankStatus::kPublished;
  auto problems = ValidateBank(published);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].rule, "missing_text");
}

TEST(SurveyOscal, WithoutTheExampleRuleWithdrawnEntriesWouldBecomeQuestions) {
  OscalImportOptions options;
  options.withdrawn_without_examples = false;
  auto imported = ImportOscalCatalogXml(ReadTestFile("NIST_CSF_v2.0_catalog.xml"), options);
  ASSERT_TRUE(imported.ok());
  EXPECT_EQ(AllItems(imported->bank).size(), 185u);
}

TEST(SurveyOscal, JsonCatalogWithNestedGroupsAndWithdrawnStatus) {
  auto imported = ImportOscalCatalogJson(ReadTestFile("small_catalog.json"));
  ASSERT_TRUE(imported.ok()) << imported.error().safe_message();
  const auto items = AllItems(imported->bank);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]->id, "PR.AA-01");
  EXPECT_EQ(items[0]->text.en,
            "Identities and credentials for authorized users, services, and hardware are managed");
  EXPECT_EQ(items[0]->function, Function::kProtect);
  EXPECT_EQ(items[1]->id, "DE.CM-01");
  EXPECT_EQ(items[1]->text.en, "Networks are monitored including services");
  EXPECT_EQ(items[1]->function, Function::kDetect);
  EXPECT_EQ(imported->withdrawn, 2);  // PR.AC-01 by status, PR.AC-02 without examples
  EXPECT_EQ(imported->bank.sections[1].id, "ops");
}

TEST(SurveyOscal, HostileXmlIsRefused) {
  const std::string laughs =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE catalog [\n <!ENTITY lol \"lol\">\n"
      " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
      " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n"
      "<catalog><metadata><title>&lol3;</title></metadata></catalog>";
  auto bomb = ImportOscalCatalogXml(laughs);
  ASSERT_FALSE(bomb.ok());
  EXPECT_NE(bomb.error().safe_message().find("document type declaration"), std::string::npos);

  const std::string external =
      "<?xml version=\"1.0\"?><!DOCTYPE catalog [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
      "<catalog><group id=\"GV\"><control id=\"GV.OC-01\" class=\"subcategory\">"
      "<part name=\"statement\"><p>&x;</p></part><part name=\"example\"/></control></group>"
      "</catalog>";
  EXPECT_FALSE(ImportOscalCatalogXml(external).ok());

  std::string deep = "<catalog>";
  for (int i = 0; i < 10000; ++i) deep += "<group id=\"g\">";
  for (int i = 0; i < 10000; ++i) deep += "</group>";
  deep += "</catalog>";
  auto nested = ImportOscalCatalogXml(deep);
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().safe_message().find("deeper than 16"), std::string::npos);

  OscalImportOptions small;
  small.max_bytes = 1000;
  EXPECT_EQ(ImportOscalCatalogXml(std::string(1001, ' '), small).error().code(),
            ErrorCode::kResourceExhausted);
  EXPECT_EQ(ImportOscalCatalogJson(std::string(1001, ' '), small).error().code(),
            ErrorCode::kResourceExhausted);

  auto truncated = ImportOscalCatalogXml("<catalog><group id=\"GV\"><control");
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.error().safe_message().find("malformed XML at byte"), std::string::npos);
  EXPECT_NE(ImportOscalCatalogXml("<profile/>").error().safe_message().find("not an OSCAL catalog"),
            std::string::npos);
  EXPECT_NE(ImportOscalCatalogXml("<catalog/>").error().safe_message().find("no assessable"),
            std::string::npos);
  EXPECT_NE(ImportOscalCatalogXml("<catalog>\xff</catalog>").error().safe_message().find("UTF-8"),
            std::string::npos);
}

TEST(SurveyOscal, HostileJsonIsRefused) {
  EXPECT_NE(ImportOscalCatalogJson("{\"profile\": {}}")
                .error()
                .safe_message()
                .find("not an OSCAL catalog"),
            std::string::npos);
  EXPECT_FALSE(ImportOscalCatalogJson("{\"catalog\": ").ok());
  std::string deep = "{\"catalog\": {\"groups\": [";
  for (int i = 0; i < 30; ++i) deep += "{\"id\": \"g\", \"groups\": [";
  for (int i = 0; i < 30; ++i) deep += "]}";
  deep += "]}}";
  auto nested = ImportOscalCatalogJson(deep);
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().safe_message().find("deeper"), std::string::npos);
  EXPECT_FALSE(ImportOscalCatalogJson("{\"catalog\": {\"groups\": [7]}}").ok());
  EXPECT_FALSE(ImportOscalCatalogJson("{\"catalog\": {\"groups\": []}}").ok());
}

}  // namespace
}  // namespace fincyber::survey
