#include "base/ascii.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace fincyber {
namespace {

TEST(AsciiTest, HexDigitsOfEitherCaseAndNothingElse) {
  const std::string digits = "0123456789abcdef";
  for (int value = 0; value < 16; ++value) {
    EXPECT_EQ(HexDigitValue(digits[value]), value);
    EXPECT_EQ(HexDigitValue(static_cast<char>(std::toupper(digits[value]))), value);
  }
  int digit_bytes = 0;
  for (int c = -128; c < 128; ++c) {
    if (HexDigitValue(static_cast<char>(c)) >= 0) ++digit_bytes;
  }
  EXPECT_EQ(digit_bytes, 22);  // 0-9, a-f, A-F: no other byte, UTF-8 included
}

TEST(AsciiTest, LowersOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("Evil.EXAMPLE-9_Z"), "evil.example-9_z");
  // UTF-8 bytes, NUL and the characters either side of the letters stay as they are.
  const std::string other = std::string("\xC3\x89t\xC3\xA9@[`{") + '\0';
  EXPECT_EQ(AsciiLower(other), other);
  EXPECT_EQ(AsciiLower(""), "");
}

}  // namespace
}  // namespace fincyber
