// The inlined hash of short labels gives HashBytes' hash, for every length, case and read
// limit: the scan's filters are built with one and probed with the other.
#include <gtest/gtest.h>

#include <string>

#include "detect/internal/tables.h"

namespace fincyber::detect::internal {
namespace {

TEST(TablesTest, ShortHashIsHashBytes) {
  const std::string text = "Evil.EXAMPLE.co.jp/x?y=\xff\x80 0123456789abcdefghij";
  for (std::size_t begin = 0; begin < text.size(); ++begin) {
    for (std::size_t n = 0; begin + n <= text.size() && n <= 12; ++n) {
      const std::size_t readable = text.size() - begin;
      for (const std::size_t limit : {n, readable}) {
        const char* p = text.data() + begin;
        ASSERT_EQ(HashShortBytes<true>(p, n, limit), HashBytes<true>(p, n, limit))
            << begin << " " << n << " " << limit;
        ASSERT_EQ(HashShortBytes<false>(p, n, limit), HashBytes<false>(p, n))
            << begin << " " << n << " " << limit;
      }
    }
  }
  EXPECT_EQ(HashShortBytes<true>("EXAMPLE", 7, 8), HashBytes<false>("example", 7));
  EXPECT_NE(HashShortBytes<true>("example", 7, 8), HashShortBytes<true>("example", 6, 8));
}

}  // namespace
}  // namespace fincyber::detect::internal
