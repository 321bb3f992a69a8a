// The vector classifiers of log text give the byte-by-byte classifier's bitmaps, for
// every byte value at every position of a block; the vector line counters count what the
// byte-by-byte one counts, and so do the counters of a key.
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>
#include <vector>

#include "detect/internal/text_classes.h"

namespace fincyber::detect::internal {
namespace {

struct Bitmaps {
  explicit Bitmaps(std::size_t blocks) : words(6 * blocks) {}
  void Fill(ClassifyFn classify, const std::vector<unsigned char>& text) {
    const std::size_t blocks = text.size() / 64;
    std::uint64_t* w = words.data();
    classify(text.data(), blocks, w, w + blocks, w + 2 * blocks, w + 3 * blocks, w + 4 * blocks,
             w + 5 * blocks);
  }
  std::vector<std::uint64_t> words;
};

std::vector<unsigned char> TestText() {
  std::vector<unsigned char> text;
  // Every byte value at every position of a block, then random bytes.
  for (int shift = 0; shift < 64; ++shift) {
    for (int c = 0; c < 256; ++c) text.push_back(static_cast<unsigned char>((c + shift) % 256));
  }
  std::mt19937 random(3);
  while (text.size() % 64 != 0 || text.size() < 64 * 1024) {
    text.push_back(static_cast<unsigned char>(random()));
  }
  return text;
}

TEST(TextClassesTest, PortableClassesOfSomeBytes) {
  std::array<unsigned char, 64> block{};
  const std::string sample = "aZ09-_.:\x80\xff g/Fx";
  std::copy(sample.begin(), sample.end(), block.begin());
  std::array<std::uint64_t, 6> w{};
  ClassifyPortable(block.data(), 1, &w[0], &w[1], &w[2], &w[3], &w[4], &w[5]);
  // Positions: a0 Z1 02 93 -4 _5 .6 :7 \x80 8 \xff 9, ' ' 10, g11 /12 F13 x14.
  EXPECT_EQ(w[0], 0x6B7Fu);  // host: all but ':', ' ' and '/'
  EXPECT_EQ(w[1], 0x40u);    // '.'
  EXPECT_EQ(w[2], 0x300u);   // 0x80, 0xff
  EXPECT_EQ(w[3], 0xCu);     // '0', '9'
  EXPECT_EQ(w[4], 0x80u);    // ':'
  EXPECT_EQ(w[5], 0x200Du);  // 'a', '0', '9', 'F'
}

TEST(TextClassesTest, VectorClassifiersAgreeWithPortable) {
  const std::vector<unsigned char> text = TestText();
  Bitmaps expected(text.size() / 64);
  expected.Fill(ClassifyPortable, text);
  int checked = 0;
  for (const ClassifyFn classify :
       {ClassifySse2(), ClassifyAvx2(), ClassifyAvx512(), BestClassify()}) {
    if (classify == nullptr) continue;  // not built for this CPU
    Bitmaps got(text.size() / 64);
    got.Fill(classify, text);
    EXPECT_EQ(got.words, expected.words);
    ++checked;
  }
  EXPECT_GE(checked, 1);
}

TEST(TextClassesTest, JsonClassesOfSomeBytes) {
  std::array<char, 64> block{};
  const std::string sample = R"({"a\\":[1,{}]}x)";
  std::copy(sample.begin(), sample.end(), block.begin());
  // Positions: {0 "1 a2 \\3 \\4 "5 :6 [7 18 ,9 {10 }11 ]12 }13 x14.
  JsonMasks expected;
  expected.quotes = 0x22;
  expected.backslashes = 0x18;
  expected.object_opens = 0x401;
  expected.opens = 0x481;
  expected.closes = 0x3800;
  EXPECT_EQ(ClassifyJsonPortable(block.data()), expected);
}

TEST(TextClassesTest, VectorJsonClassifiersAgreeWithPortable) {
  const std::vector<unsigned char> text = TestText();
  int checked = 0;
  for (const ClassifyJsonFn classify :
       {ClassifyJsonSse2(), ClassifyJsonAvx512(), BestClassifyJson()}) {
    if (classify == nullptr) continue;
    for (std::size_t at = 0; at < text.size(); at += 64) {
      const char* block = reinterpret_cast<const char*>(text.data() + at);
      ASSERT_EQ(classify(block), ClassifyJsonPortable(block)) << "block at " << at;
    }
    ++checked;
  }
  EXPECT_GE(checked, 1);
}

TEST(TextClassesTest, VectorLineCountersAgreeWithPortable) {
  std::mt19937 random(5);
  std::string text(70'000, 'x');
  // Runs of newlines long enough to overflow a byte counter, then sparse ones.
  for (std::size_t i = 0; i < 20'000; ++i) text[i] = '\n';
  for (std::size_t i = 20'000; i < text.size(); ++i) {
    if (random() % 7 == 0) text[i] = '\n';
    if (random() % 11 == 0) text[i] = static_cast<char>(random());
  }
  int checked = 0;
  for (const CountNewlinesFn count : {CountNewlinesSse2(), CountNewlinesAvx512()}) {
    if (count == nullptr) continue;
    // Every start within a vector and lengths around its multiples.
    for (std::size_t begin = 0; begin < 64; ++begin) {
      for (const std::size_t length :
           {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{63}, std::size_t{64},
            std::size_t{65}, std::size_t{5000}, text.size() - begin}) {
        ASSERT_EQ(count(text.data() + begin, length),
                  CountNewlinesPortable(text.data() + begin, length))
            << "begin " << begin << ", length " << length;
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 1);
  EXPECT_EQ(CountNewlines(text.data(), text.size()),
            CountNewlinesPortable(text.data(), text.size()));
  EXPECT_EQ(CountNewlinesPortable("a\nb\n\n", 5), 3u);
}

TEST(TextClassesTest, PortableNeedleCountOfSomeTexts) {
  const std::string_view key = "\"pattern\"";
  EXPECT_EQ(CountNeedlePortable("", 0, key), 0u);
  const std::string text = R"({"pattern":"[x]","pattern_type":"stix","pattern":"y"})";
  EXPECT_EQ(CountNeedlePortable(text.data(), text.size(), key), 2u);
  // Only what lies wholly within the range; overlapping ones each.
  EXPECT_EQ(CountNeedlePortable(text.data(), 10, key), 1u);
  EXPECT_EQ(CountNeedlePortable(text.data(), 9, key), 0u);
  EXPECT_EQ(CountNeedlePortable("abababa", 7, "aba"), 3u);
}

// Texts dense with the key, its near misses (the first bytes without the last, the last
// without the first) and random bytes, at every start within a vector.
TEST(TextClassesTest, VectorNeedleCounterAgreesWithPortable) {
  const CountNeedleFn count = CountNeedleSse2();
  if (count == nullptr) GTEST_SKIP() << "no SSE2 in this build";
  std::mt19937 random(9);
  const std::vector<std::string> pieces = {"\"pattern\"",     "\"pattern_type\"", "\"p", "n\"",
                                           "\"\"pattern\"\"", "pattern",          "x"};
  std::string text;
  while (text.size() < 20'000) {
    text += pieces[random() % pieces.size()];
    if (random() % 5 == 0) text += static_cast<char>(random());
  }
  for (const std::string_view key : {std::string_view("\"pattern\""), std::string_view("ab"),
                                     std::string_view("\"p"), std::string_view("n\"pattern\"")}) {
    for (std::size_t begin = 0; begin < 32; ++begin) {
      for (const std::size_t length :
           {std::size_t{0}, std::size_t{1}, key.size(), std::size_t{16}, std::size_t{17},
            key.size() + 15, key.size() + 16, std::size_t{1000}, text.size() - begin}) {
        ASSERT_EQ(count(text.data() + begin, length, key),
                  CountNeedlePortable(text.data() + begin, length, key))
            << "key " << key << ", begin " << begin << ", length " << length;
      }
    }
  }
  EXPECT_EQ(CountNeedle(text.data(), text.size(), "\"pattern\""),
            CountNeedlePortable(text.data(), text.size(), "\"pattern\""));
  EXPECT_GT(CountNeedle(text.data(), text.size(), "\"pattern\""), 500u);
}

}  // namespace
}  // namespace fincyber::detect::internal
