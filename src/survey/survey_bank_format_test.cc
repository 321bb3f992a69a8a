#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "survey/bank_format.h"
#include "survey/mission_bank.h"

namespace fincyber::survey {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool IsYaml(const fs::path& path) { return path.extension() == ".yaml"; }

Result<CompiledBank> ParseFile(const fs::path& path) {
  const std::string text = ReadFile(path);
  return IsYaml(path) ? ParseBankYaml(text) : ParseBankJson(text);
}

std::vector<fs::path> Files(const std::string& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(SURVEY_TESTDATA) / "banks" / folder)) {
    const auto extension = entry.path().extension();
    if (extension == ".yaml" || extension == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Expected problems: "# expect: ..." lines of a YAML file, or the lines of <file>.expect.
std::vector<std::string> Expectations(const fs::path& path) {
  std::vector<std::string> expected;
  std::istringstream lines(
      fs::exists(path.string() + ".expect") ? ReadFile(path.string() + ".expect") : ReadFile(path));
  const std::string prefix = "# expect: ";
  const bool sidecar = fs::exists(path.string() + ".expect");
  for (std::string line; std::getline(lines, line);) {
    if (sidecar && !line.empty()) expected.push_back(line);
    if (!sidecar && line.rfind(prefix, 0) == 0) expected.push_back(line.substr(prefix.size()));
  }
  return expected;
}

// Everything the error says: the message and each detail as "where: problem".
std::string Describe(const Error& error) {
  std::string text = error.safe_message();
  for (const auto& detail : error.details()) text += "\n" + detail.field + ": " + detail.problem;
  return text;
}

TEST(SurveyBankFormat, ValidBanksParse) {
  const auto files = Files("valid");
  ASSERT_GE(files.size(), 3u);
  for (const auto& path : files) {
    auto bank = ParseFile(path);
    EXPECT_TRUE(bank.ok()) << path << ": " << Describe(bank.error());
  }
}

TEST(SurveyBankFormat, InvalidBanksNameItemAndRule) {
  const auto files = Files("invalid");
  ASSERT_GE(files.size(), 30u);
  for (const auto& path : files) {
    const auto expected = Expectations(path);
    ASSERT_FALSE(expected.empty()) << path << " has no expectation";
    auto bank = ParseFile(path);
    ASSERT_FALSE(bank.ok()) << path << " was accepted";
    const std::string described = Describe(bank.error());
    for (const auto& expectation : expected) {
      EXPECT_NE(described.find(expectation), std::string::npos)
          << path.filename() << ": expected '" << expectation << "' in:\n"
          << described;
    }
  }
}

TEST(SurveyBankFormat, EveryAnswerTypeIsRead) {
  auto bank = ParseFile(fs::path(SURVEY_TESTDATA) / "banks/valid/every_answer_type.json");
  ASSERT_TRUE(bank.ok()) << Describe(bank.error());
  EXPECT_EQ(bank->bank().version, "3");
  EXPECT_EQ(bank->bank().status, BankStatus::kFrozen);
  ASSERT_EQ(bank->item_count(), 7);
  const Item& maturity = bank->item(0);
  EXPECT_EQ(maturity.weight, 2.5);
  EXPECT_EQ(maturity.threats, (std::vector<Threat>{Threat::kOutage, Threat::kDataLeak}));
  EXPECT_EQ(maturity.function, Function::kGovern);
  EXPECT_EQ(maturity.help.en, "Help");
  const Item& yes_no = bank->item(1);
  EXPECT_FALSE(yes_no.allow_not_applicable);
  EXPECT_EQ(yes_no.level, 3);
  EXPECT_EQ(yes_no.area, Area::kServices);
  ASSERT_TRUE(bank->item(2).number.has_value());
  EXPECT_EQ(bank->item(2).number->met_max, 30);
  EXPECT_EQ(bank->item(2).number->unit.ja, "日");
  EXPECT_EQ(bank->item(4).choices[1].credit, 0.5);
  EXPECT_NE(bank->condition(6), nullptr);
  EXPECT_EQ(bank->condition(0), nullptr);
  EXPECT_EQ(bank->IndexOf("c2"), 4);
}

void ExpectRoundTrip(const CompiledBank& compiled) {
  const Bank& bank = compiled.bank();
  auto from_yaml = ParseBankYaml(BankToYaml(bank));
  ASSERT_TRUE(from_yaml.ok()) << Describe(from_yaml.error()) << "\n" << BankToYaml(bank);
  EXPECT_EQ(from_yaml->bank(), bank);
  auto from_json = ParseBankJson(DumpJson(BankToJson(bank)));
  ASSERT_TRUE(from_json.ok()) << Describe(from_json.error());
  EXPECT_EQ(from_json->bank(), bank);
}

TEST(SurveyBankFormat, RoundTripsThroughYamlAndJson) {
  for (const auto& path : Files("valid")) {
    SCOPED_TRACE(path.string());
    auto bank = ParseFile(path);
    ASSERT_TRUE(bank.ok());
    ExpectRoundTrip(*bank);
  }
  ExpectRoundTrip(MissionBank());
}

TEST(SurveyBankFormat, YamlStringsThatLookLikeOtherTypesStayStrings) {
  Bank bank = MissionBank().bank();
  bank.version = "2026";
  bank.sections[0].title.en = "no";
  bank.sections[0].title.ja = "1.5";
  auto back = ParseBankYaml(BankToYaml(bank));
  ASSERT_TRUE(back.ok()) << Describe(back.error());
  EXPECT_EQ(back->bank().version, "2026");
  EXPECT_EQ(back->bank().sections[0].title.en, "no");
  EXPECT_EQ(back->bank().sections[0].title.ja, "1.5");
}

TEST(SurveyBankFormat, HostileInputIsRefused) {
  const std::string deep_yaml = std::string(5000, '[') + std::string(5000, ']');
  auto deep = ParseBankYaml(deep_yaml);
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().safe_message().find("nested deeper than 16"), std::string::npos)
      << deep.error().safe_message();

  std::string block_yaml;
  for (int depth = 0; depth < 100; ++depth) block_yaml += std::string(depth * 2, ' ') + "a:\n";
  EXPECT_NE(ParseBankYaml(block_yaml).error().safe_message().find("nested deeper"),
            std::string::npos);

  auto deep_json = ParseBankJson(std::string(5000, '[') + std::string(5000, ']'));
  ASSERT_FALSE(deep_json.ok());
  EXPECT_NE(deep_json.error().safe_message().find("deeper"), std::string::npos);

  const std::string huge(BankFormatLimits{}.max_bytes + 1, ' ');
  EXPECT_EQ(ParseBankYaml(huge).error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(ParseBankJson(huge).error().code(), ErrorCode::kResourceExhausted);

  std::string many = "[";
  for (int i = 0; i < 250000; ++i) many += "0,";
  many += "0]";
  auto wide = ParseBankYaml(many);
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.error().code(), ErrorCode::kResourceExhausted);

  auto bad_utf8 = ParseBankYaml("id: \"\xc3\x28\"\n");
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_NE(bad_utf8.error().safe_message().find("invalid UTF-8 at byte 5"), std::string::npos);

  EXPECT_FALSE(ParseBankYaml("").ok());
  EXPECT_FALSE(ParseBankYaml("? [a, b]\n: c\n").ok());
  EXPECT_FALSE(ParseBankJson("\"just a string\"").ok());
}

// Truncated and corrupted copies of a real bank: every one is read or refused with an
// input error, never a crash or an internal error.
TEST(SurveyBankFormat, CorruptedBanksAreRefusedCleanly) {
  const std::string original(MissionBankYaml());
  const std::string json = DumpJson(BankToJson(MissionBank().bank()));
  std::mt19937 random(7);
  for (int round = 0; round < 300; ++round) {
    for (const std::string* source : {&original, &json}) {
      std::string text = *source;
      if (round % 3 == 0) text.resize(1 + random() % (text.size() - 1));
      for (int edit = 0; edit < 1 + round % 5; ++edit) {
        const std::size_t at = random() % text.size();
        const char bytes[] = {'[', '{', ':', '-', '&', '*', '!', '"', '\n', ' ', 'x', '\x80'};
        text[at] = bytes[random() % sizeof(bytes)];
      }
      auto bank = source == &original ? ParseBankYaml(text) : ParseBankJson(text);
      if (!bank.ok()) {
        EXPECT_TRUE(bank.error().code() == ErrorCode::kInvalidArgument ||
                    bank.error().code() == ErrorCode::kResourceExhausted)
            << bank.error().internal_message();
        EXPECT_FALSE(bank.error().safe_message().empty());
      }
    }
  }
}

TEST(SurveyBankFormat, TooManyItemsIsOneProblemNotAnOutage) {
  Bank bank = MissionBank().bank();
  Item item = bank.sections[1].items[0];
  bank.sections[1].items.clear();
  for (int i = 0; i <= kMaxItems; ++i) {
    item.id = "bulk." + std::to_string(i);
    bank.sections[1].items.push_back(item);
  }
  const auto problems = ValidateBank(bank);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems.back().rule, "too_many");
}

TEST(SurveyBankFormat, DraftAllowsOneLanguagePublishedNeedsBoth) {
  Bank bank = MissionBank().bank();
  bank.sections[1].items[0].text.ja.clear();
  bank.status = BankStatus::kDraft;
  EXPECT_TRUE(ValidateBank(bank).empty());
  bank.status = BankStatus::kPublished;
  const auto problems = ValidateBank(bank);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].ToString(),
            "item gv.management_awareness: missing_text: text needs its Japanese text");
}

TEST(SurveyBankFormat, ConditionCategoriesCheckedAgainstKnownList) {
  BankValidationOptions options;
  options.known_categories = {"major_bank", "regional_bank"};
  const auto problems = ValidateBank(MissionBank().bank(), options);
  ASSERT_EQ(problems.size(), 2u);  // market_infrastructure in two conditions
  EXPECT_EQ(problems[0].rule, "unknown_value");
  options.known_categories.push_back("market_infrastructure");
  EXPECT_TRUE(ValidateBank(MissionBank().bank(), options).empty());
}

}  // namespace
}  // namespace fincyber::survey
