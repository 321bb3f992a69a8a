#include <gtest/gtest.h>

#include "sharing/envelope.h"

namespace fincyber::sharing {
namespace {

TEST(SplitObjectsTest, KeepsEachObjectsExactBytes) {
  const std::string text =
      "{ \"more\" : false,\n \"objects\":[ {\"id\": \"a\",  \"x\":[1,{\"y\":\"]}\\\"\"}]} ,"
      "{\"id\":\"b\"}\n]}";
  auto split = SplitObjects(text, {});
  ASSERT_TRUE(split.ok()) << split.error().internal_message();
  ASSERT_EQ(split->size(), 2u);
  EXPECT_EQ((*split)[0].raw, "{\"id\": \"a\",  \"x\":[1,{\"y\":\"]}\\\"\"}]}");
  EXPECT_EQ((*split)[0].object["x"][1]["y"], "]}\"");
  EXPECT_EQ((*split)[1].raw, "{\"id\":\"b\"}");
}

TEST(SplitObjectsTest, EscapedAndRepeatedKeysFollowTheParser) {
  auto split = SplitObjects(R"({"objects":[{"id":"old"}],"\u006fbjects":[{"id":"new"}]})", {});
  ASSERT_TRUE(split.ok()) << split.error().internal_message();
  ASSERT_EQ(split->size(), 1u);
  EXPECT_EQ((*split)[0].object["id"], (*split)[0].raw == R"({"id":"new"})" ? "new" : "old");
  EXPECT_EQ((*split)[0].raw, (*split)[0].object.dump());
}

TEST(SplitObjectsTest, EmptyAndMissingObjects) {
  EXPECT_TRUE(SplitObjects("{}", {})->empty());
  EXPECT_TRUE(SplitObjects(R"({"objects":[]})", {})->empty());
}

TEST(SplitObjectsTest, RejectsWhatIsNotAnEnvelope) {
  for (const char* bad : {"[]", R"({"objects":{}})", R"({"objects":[1]})", R"({"objects":[)",
                          "\"text\"", "{\"objects\":[{\"a\":\"\xFF\"}]}"}) {
    auto split = SplitObjects(bad, {});
    ASSERT_FALSE(split.ok()) << bad;
    EXPECT_EQ(split.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
  auto big = SplitObjects(R"({"objects":[{"id":"a"}]})", {.max_bytes = 10});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace fincyber::sharing
