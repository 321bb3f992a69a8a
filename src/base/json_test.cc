#include "base/json.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "base/utf8.h"

namespace fincyber {
namespace {

TEST(JsonTest, ParsesValidObjects) {
  auto v = ParseJson(R"({"name":"金融庁","n":[1,2,3]})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)["name"], "金融庁");
}

// ParseJson reads with simdjson and falls back to nlohmann for what simdjson refuses; both
// must give the value nlohmann alone gives.
TEST(JsonTest, GivesWhatNlohmannGives) {
  const char* texts[] = {
      R"({"a":1,"b":-2,"c":1.5,"d":1e300,"e":true,"f":null,"g":"\u00e9\n\ud83d\ude00"})",
      R"({"big":18446744073709551615,"bigger":184467440737095516150,"neg":-9223372036854775808})",
      R"({"k":1,"k":2})",  // a repeated key keeps its last value
      R"([{"x":[]},{},[[]],"",0,-0,0.0])",
      R"("just a string")",
      "  7  ",
  };
  for (const char* text : texts) {
    auto v = ParseJson(text);
    ASSERT_TRUE(v.ok()) << text;
    EXPECT_EQ(*v, Json::parse(text)) << text;
    EXPECT_EQ(v->dump(), Json::parse(text).dump()) << text;
  }
  EXPECT_EQ((*ParseJson(R"({"k":1,"k":2})"))["k"], 2);
}

TEST(JsonTest, ReadsBodiesLargerThanTheReusedParser) {
  std::string text = "[";
  for (int i = 0; i < 200000; ++i) text += fmt::format("{}\"item-{}\"", i == 0 ? "" : ",", i);
  text += "]";
  ASSERT_GT(text.size(), std::size_t{1} << 20);
  auto v = ParseJson(text, {.max_bytes = std::size_t{8} << 20, .max_depth = 4});
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 200000u);
  EXPECT_EQ((*v)[199999], "item-199999");
  // And a small one after it, on the same thread.
  EXPECT_EQ((*ParseJson(R"(["after"])"))[0], "after");
}

TEST(JsonTest, MalformedInputNamesTheByte) {
  auto v = ParseJson(R"({"a": })");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(v.error().safe_message().find("malformed JSON at byte"), std::string::npos);
  for (const char* bad : {"", "{", "[1,]", "{\"a\":1}}", "nul", "\"unterminated", "{'a':1}"}) {
    EXPECT_FALSE(ParseJson(bad).ok()) << bad;
  }
}

TEST(JsonTest, RejectsDeepNestingWithoutRecursing) {
  std::string deep(100000, '[');
  auto v = ParseJson(deep);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().safe_message().find("nested deeper"), std::string::npos);
  std::string ok = std::string(32, '[') + std::string(32, ']');
  EXPECT_TRUE(ParseJson(ok).ok());
  EXPECT_FALSE(ParseJson(std::string(33, '[') + std::string(33, ']')).ok());
  EXPECT_TRUE(ParseJson(R"({"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})").ok())
      << "brackets inside strings are not nesting";
}

TEST(JsonTest, RejectsOversizedAndBadUtf8) {
  JsonLimits small{.max_bytes = 10, .max_depth = 4};
  EXPECT_EQ(ParseJson(R"({"a":"0123456789"})", small).error().code(),
            ErrorCode::kResourceExhausted);
  auto bad = ParseJson("{\"a\":\"\xff\"}");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().safe_message().find("UTF-8 at byte 6"), std::string::npos);
}

TEST(JsonTest, FieldReadersNameTheField) {
  Json body = {{"name", 5}, {"flag", "yes"}, {"long", std::string(2000, 'x')}};
  auto name = RequireString(body, "name");
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.error().details().at(0).field, "name");
  EXPECT_FALSE(RequireString(body, "missing").ok());
  EXPECT_FALSE(OptionalBool(body, "flag", false).ok());
  EXPECT_FALSE(RequireString(body, "long").ok());
  EXPECT_TRUE(RequireString(body, "long", 4096).ok());
  auto unknown = RejectUnknownFields(body, {"name", "flag"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().details().at(0).field, "long");
  EXPECT_FALSE(RequireString(Json::array(), "x").ok());
}

TEST(JsonTest, DumpReplacesInvalidUtf8InsteadOfThrowing) {
  Json v = std::string("a\xff");
  EXPECT_NO_THROW(DumpJson(v));
}

// Every ASCII byte, alone and between others, multi-byte text and invalid bytes: the
// string appended is the one DumpJson writes, and it parses back to the text.
TEST(JsonTest, AppendJsonStringWritesWhatDumpJsonWrites) {
  std::vector<std::string> texts = {"",
                                    "plain",
                                    "金融 ISAC 🏦",
                                    "a\xff",
                                    "\xc0\xaf",
                                    "ok\xe3\x81",
                                    std::string("nul\0inside", 10)};
  for (int c = 0; c < 0x80; ++c) {
    texts.push_back(std::string(1, static_cast<char>(c)));
    texts.push_back("x" + std::string(1, static_cast<char>(c)) + "y");
    // At every place of texts long enough to be read eight bytes at a time.
    for (std::size_t at = 0; at < 20; ++at) {
      std::string text(20, 'a');
      text[at] = static_cast<char>(c);
      texts.push_back(text);
      texts.push_back(text + "é\"");
    }
  }
  for (const std::string& text : texts) {
    std::string appended = "[";
    AppendJsonString(appended, text);
    EXPECT_EQ(appended, "[" + DumpJson(Json(text)))
        << Json(text).dump(-1, ' ', true, Json::error_handler_t::replace);
    if (!FindInvalidUtf8(text)) {
      auto parsed = ParseJson(appended.substr(1));
      ASSERT_TRUE(parsed.ok()) << appended;
      EXPECT_EQ(parsed->get<std::string>(), text);
    }
  }
}

}  // namespace
}  // namespace fincyber
