#include "base/json.h"

#include <gtest/gtest.h>

namespace fincyber {
namespace {

TEST(JsonTest, ParsesValidObjects) {
  auto v = ParseJson(R"({"name":"金融庁","n":[1,2,3]})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)["name"], "金融庁");
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

}  // namespace
}  // namespace fincyber
