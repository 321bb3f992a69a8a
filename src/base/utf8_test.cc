#include "base/utf8.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace fincyber
