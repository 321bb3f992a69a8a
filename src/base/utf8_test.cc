#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace fincyber {
namespace {

TEST(Utf8Test, AcceptsValidText) {
  EXPECT_FALSE(FindInvalidUtf8("").has_value());
  EXPECT_FALSE(FindInvalidUtf8("plain ascii").has_value());
  EXPECT_FALSE(FindInvalidUtf8("金融分野のサイバーセキュリティ 🏦").has_value());
}

TEST(Utf8Test, FindsTheFirstInvalidByte) {
  EXPECT_EQ(FindInvalidUtf8("ab\xff"), 2u);
  EXPECT_EQ(FindInvalidUtf8("\xc0\xaf"), 0u) << "overlong";
  EXPECT_EQ(FindInvalidUtf8("a\xed\xa0\x80"), 1u) << "surrogate";
  EXPECT_EQ(FindInvalidUtf8("\xf4\x90\x80\x80"), 0u) << "above U+10FFFF";
  EXPECT_EQ(FindInvalidUtf8("ok\xe3\x81"), 2u) << "truncated";
  EXPECT_EQ(FindInvalidUtf8("\x80"), 0u) << "lone continuation";
}

// Texts long enough for the word-at-a-time and vectorised paths: a fault at every
// position, after ASCII or multi-byte text, is found where it is.
TEST(Utf8Test, FindsAFaultAtAnyPositionOfALongText) {
  for (const std::string_view filler :
       {std::string_view("a"), std::string_view("é"), std::string_view("金")}) {
    for (std::size_t length = 0; length < 160; ++length) {
      std::string valid;
      while (valid.size() < length) valid += filler;
      EXPECT_FALSE(FindInvalidUtf8(valid).has_value()) << valid.size();
      for (std::size_t at = 0; at <= valid.size(); at += filler.size()) {
        for (const std::string_view fault :
             {std::string_view("\xff"), std::string_view("\xc0\xaf"), std::string_view("\xe3\x81"),
              std::string_view("\xed\xa0\x80"), std::string_view("\xf4\x90\x80\x80")}) {
          std::string text = valid;
          text.insert(at, fault);
          EXPECT_EQ(FindInvalidUtf8(text), at) << "length " << text.size() << " fault at " << at;
        }
      }
    }
  }
}

}  // namespace
}  // namespace fincyber
