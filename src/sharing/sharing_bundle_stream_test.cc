#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sstream>

#include "sharing/bundle_stream.h"
#include "sharing/test_generated_stream.h"

namespace fincyber::sharing {
namespace {

struct Collected {
  std::vector<std::string> raw;
  std::vector<Json> objects;
  std::vector<Error> errors;
  std::vector<std::uint64_t> offsets;
};

Result<BundleSummary> Read(std::string_view text, Collected& out,
                           const BundleReadOptions& options = {},
                           const BundleProgressHandler& progress = {}) {
  std::istringstream in{std::string(text)};
  return ReadBundle(
      in, text.size(), options,
      [&](BundleObject& object) {
        out.offsets.push_back(object.offset);
        out.raw.emplace_back(object.raw);
        if (object.json.ok()) {
          out.objects.push_back(std::move(object.json).value());
        } else {
          out.errors.push_back(object.json.error());
        }
        return OkStatus();
      },
      progress);
}

std::string ErrorOf(std::string_view text, const BundleReadOptions& options = {}) {
  Collected out;
  auto summary = Read(text, out, options);
  return summary.ok() ? "" : summary.error().safe_message();
}

TEST(BundleStreamTest, DeliversEachObjectWithItsRawBytes) {
  const std::string text =
      R"({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [)"
      "\n  {\"type\":\"indicator\", \"id\":\"indicator--1\",\"name\":\"\\u91d1 ]}\\\"\"},\n"
      R"(  {"type": "identity", "id": "identity--2", "x": [1, {"y": [2]}]})"
      "\n]}\n";
  Collected out;
  auto summary = Read(text, out);
  ASSERT_TRUE(summary.ok()) << summary.error().safe_message();
  EXPECT_EQ(summary->id, "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d");
  EXPECT_EQ(summary->objects, 2u);
  EXPECT_EQ(summary->bytes, text.size());
  ASSERT_EQ(out.objects.size(), 2u);
  EXPECT_EQ(out.objects[0]["name"], "金 ]}\"");
  EXPECT_EQ(out.raw[0],
            "{\"type\":\"indicator\", \"id\":\"indicator--1\",\"name\":\"\\u91d1 ]}\\\"\"}")
      << "raw bytes are exactly as received, escapes untouched";
  EXPECT_EQ(text.substr(out.offsets[1], out.raw[1].size()), out.raw[1]);
  EXPECT_EQ(out.objects[1]["x"][1]["y"][0], 2);
}

TEST(BundleStreamTest, MembersInAnyOrderAndUnknownMembersSkipped) {
  Collected out;
  auto summary = Read(
      R"({"objects":[{"type":"x","id":"x--1"}],"x_big":{"a":[1,2,{"b":"]"}]},"id":"bundle--1","spec_version":"2.0","type":"bundle"})",
      out);
  ASSERT_TRUE(summary.ok()) << summary.error().safe_message();
  EXPECT_EQ(out.objects.size(), 1u);
  EXPECT_EQ(summary->id, "bundle--1");
}

TEST(BundleStreamTest, EmptyBundles) {
  Collected out;
  EXPECT_TRUE(Read(R"({"type":"bundle","id":"bundle--1"})", out).ok());
  EXPECT_TRUE(Read(R"(  {"type":"bundle","id":"bundle--1","objects":[ ]}  )", out).ok());
  EXPECT_TRUE(out.objects.empty());
}

TEST(BundleStreamTest, StructuralErrorsNameTheByte) {
  EXPECT_EQ(ErrorOf(""), "bundle: empty input, expected a bundle at byte 0");
  EXPECT_EQ(ErrorOf("[1]"), "bundle: a bundle must be a JSON object at byte 0");
  EXPECT_EQ(ErrorOf(R"({"type":"report","id":"r"})"),
            "bundle: 'type' is 'report', expected 'bundle' at byte 0");
  EXPECT_EQ(ErrorOf(R"({"id":"bundle--1"})"), "bundle: 'type' is missing at byte 0");
  EXPECT_EQ(ErrorOf(R"({"type":"bundle","objects":{}})"),
            "bundle: 'objects' must be an array at byte 27");
  EXPECT_EQ(ErrorOf(R"({"type":"bundle","type":"bundle"})"),
            "bundle: member 'type' appears twice at byte 17");
  EXPECT_EQ(ErrorOf(R"({"type":"bundle"} {})"),
            "bundle: unexpected data after the bundle at byte 18");
  EXPECT_EQ(ErrorOf(R"({"type":"bundle","objects":[{},]})"), "bundle: unexpected ']' at byte 31");
  EXPECT_EQ(ErrorOf(R"({"type":"bundle","objects":[{} {}]})"),
            "bundle: unexpected '{', expected ',' or ']' at byte 31");
  EXPECT_EQ(ErrorOf(R"({"type":7})"), "bundle: 'type' must be a string at byte 1");
  EXPECT_EQ(ErrorOf(R"({type:"bundle"})"),
            "bundle: unexpected 't', expected a member name at byte 1");
  EXPECT_NE(ErrorOf(R"({"type":"bundle" "id":"x"})"), "");
}

TEST(BundleStreamTest, TruncatedInputAnywhereIsAnErrorNeverACrash) {
  const std::string whole =
      R"({"type":"bundle","id":"bundle--1","objects":[{"type":"indicator","id":"indicator--1","p":"a\"b"},{"type":"x","id":"x--2","n":[1.5e3,true,null]}]})";
  for (std::size_t cut = 0; cut < whole.size(); ++cut) {
    Collected out;
    auto summary = Read(whole.substr(0, cut), out);
    EXPECT_FALSE(summary.ok()) << "accepted a bundle cut at byte " << cut;
  }
  Collected out;
  EXPECT_TRUE(Read(whole, out).ok());
  EXPECT_EQ(out.objects.size(), 2u);
}

TEST(BundleStreamTest, BadElementsAreReportedAndReadingContinues) {
  Collected out;
  auto summary = Read(
      R"({"type":"bundle","objects":[1, "s", [], {"a":tru}, {"ok":1}, {"bad":"\u00"}, {"b":"x"}]})",
      out);
  ASSERT_TRUE(summary.ok()) << summary.error().safe_message();
  EXPECT_EQ(summary->objects, 7u);
  EXPECT_EQ(out.objects.size(), 2u);
  ASSERT_EQ(out.errors.size(), 5u);
  EXPECT_EQ(out.errors[0].safe_message(), "bundle: object 0 at byte 28 is not a JSON object");
  EXPECT_NE(out.errors[3].safe_message().find("object 3 at byte 40: malformed JSON"),
            std::string::npos)
      << out.errors[3].safe_message();
}

TEST(BundleStreamTest, InvalidUtf8InAnObjectIsReported) {
  Collected out;
  auto summary = Read("{\"type\":\"bundle\",\"objects\":[{\"a\":\"\xff\"}]}", out);
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_NE(out.errors[0].safe_message().find("invalid UTF-8"), std::string::npos);
}

// The reader fills a 64 KiB buffer at a time; every byte of these elements is made to
// fall at the end of the first buffer in turn: escapes, quotes, brackets inside strings,
// a backslash outside a string (invalid JSON, read as an ordinary byte) and an array.
TEST(BundleStreamTest, ElementsAreCutOutWhereverABufferEnds) {
  const std::vector<std::string> elements = {
      R"({"s":"\\\"}{][\\","t":[{"u":"\"\\"}],"v":"\\"})",
      R"({"k":[1,\]})",
      R"([{"a":"]"},"\\"])",
  };
  const std::string prefix = R"({"type":"bundle","objects":[)";
  const std::string filler_start = R"({"pad":")";
  std::size_t elements_bytes = 0;
  for (const auto& e : elements) elements_bytes += e.size() + 1;
  constexpr std::size_t kBuffer = 64 * 1024;
  for (std::size_t shift = 0; shift <= elements_bytes + 2; ++shift) {
    const std::size_t first_element_at = kBuffer - elements_bytes + shift;
    const std::string filler =
        filler_start +
        std::string(first_element_at - prefix.size() - filler_start.size() - 3, 'a') + "\"}";
    std::string text = prefix + filler;
    for (int round = 0; round < 2; ++round) {
      for (const auto& e : elements) text += "," + e;
    }
    text += "]}";
    ASSERT_EQ(text.find(elements[0]), first_element_at);
    Collected out;
    auto summary = Read(text, out);
    ASSERT_TRUE(summary.ok()) << "shift " << shift << ": " << summary.error().safe_message();
    ASSERT_EQ(out.raw.size(), 1 + 2 * elements.size()) << "shift " << shift;
    for (std::size_t i = 1; i < out.raw.size(); ++i) {
      EXPECT_EQ(out.raw[i], elements[(i - 1) % elements.size()]) << "shift " << shift;
    }
    ASSERT_EQ(out.objects.size(), 3u) << "shift " << shift;
    EXPECT_EQ(out.objects[1], Json::parse(elements[0]));
    EXPECT_EQ(out.objects[1]["s"], "\\\"}{][\\");
    EXPECT_EQ(out.objects[1]["t"][0]["u"], "\"\\");
    ASSERT_EQ(out.errors.size(), 4u) << "shift " << shift;
    EXPECT_EQ(out.errors[1].safe_message(),
              fmt::format("bundle: object 3 at byte {} is not a JSON object",
                          first_element_at + elements[0].size() + elements[1].size() + 2));
  }
}

TEST(BundleStreamTest, SizeLimitIsExactAndComesBeforeDepth) {
  const std::string fits = R"({"type":"x","v":"aaaa"})";
  // Its fourth level opens after more bytes than `fits` has.
  const std::string deep = R"({"type":"x","v":"aaaaaaaaaaaa","w":[[[[]]]]})";
  const std::string text = R"({"type":"bundle","objects":[)" + fits + "," + deep + "]}";
  Collected out;
  ASSERT_TRUE(Read(text, out, {.max_object_bytes = fits.size(), .max_depth = 3}).ok());
  ASSERT_EQ(out.objects.size(), 1u);
  EXPECT_EQ(out.raw[0], fits);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].code(), ErrorCode::kResourceExhausted)
      << "past the size limit before its fourth level: " << out.errors[0].safe_message();

  Collected tighter;
  ASSERT_TRUE(Read(text, tighter, {.max_object_bytes = fits.size() - 1, .max_depth = 3}).ok());
  ASSERT_EQ(tighter.errors.size(), 2u);
  EXPECT_EQ(tighter.errors[0].code(), ErrorCode::kResourceExhausted);

  Collected deeper;
  ASSERT_TRUE(Read(text, deeper, {.max_object_bytes = deep.size(), .max_depth = 3}).ok());
  ASSERT_EQ(deeper.errors.size(), 1u);
  EXPECT_EQ(deeper.errors[0].safe_message(),
            "bundle: object 1 at byte 52 is nested deeper than 3 levels");
}

TEST(BundleStreamTest, DeepNestingIsRefusedPerObject) {
  Collected out;
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto summary = Read(R"({"type":"bundle","objects":[{"a":)" + deep + R"(},{"ok":true}]})", out);
  ASSERT_TRUE(summary.ok()) << summary.error().safe_message();
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].safe_message(),
            "bundle: object 0 at byte 28 is nested deeper than 32 levels");
  EXPECT_EQ(out.objects.size(), 1u);
}

TEST(BundleStreamTest, HundredMegabyteValueIsRefusedWithoutHoldingIt) {
  constexpr std::uint64_t kHundredMb = 100ull << 20;
  GeneratedStream generated(R"({"type":"bundle","objects":[{"type":"x","id":"x--1","v":")", 'a',
                            kHundredMb, R"("},{"type":"y","id":"y--2"}]})");
  std::istream in(&generated);
  std::vector<std::string> errors;
  std::vector<std::string> ids;
  std::size_t largest_raw = 0;
  std::vector<BundleProgress> progress;
  auto summary = ReadBundle(
      in, 0, {},
      [&](BundleObject& object) {
        largest_raw = std::max(largest_raw, object.raw.size());
        if (object.json.ok()) {
          ids.push_back((*object.json)["id"]);
        } else {
          EXPECT_EQ(object.json.error().code(), ErrorCode::kResourceExhausted);
          errors.push_back(object.json.error().safe_message());
        }
        return OkStatus();
      },
      [&](const BundleProgress& p) { progress.push_back(p); });
  ASSERT_TRUE(summary.ok()) << summary.error().safe_message();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "bundle: object 0 at byte 28 is larger than the limit of 8388608 bytes");
  EXPECT_EQ(ids, std::vector<std::string>{"y--2"});
  EXPECT_EQ(largest_raw, std::string_view(R"({"type":"y","id":"y--2"})").size());
  ASSERT_FALSE(progress.empty());
  EXPECT_GT(progress.back().bytes_read, kHundredMb);
  EXPECT_EQ(progress.back().objects, 2u);
}

TEST(BundleStreamTest, HugeUnknownMemberIsSkippedAndHugeIdRefused) {
  GeneratedStream skipped(R"({"type":"bundle","x_note":")", 'b', 20ull << 20,
                          R"(","objects":[{"type":"z","id":"z--1"}]})");
  std::istream in(&skipped);
  std::uint64_t delivered = 0;
  auto summary = ReadBundle(in, 0, {}, [&](BundleObject&) {
    ++delivered;
    return OkStatus();
  });
  ASSERT_TRUE(summary.ok()) << summary.error().safe_message();
  EXPECT_EQ(delivered, 1u);

  GeneratedStream huge_id(R"({"type":"bundle","id":")", 'c', 10ull << 20, R"("})");
  std::istream in2(&huge_id);
  auto refused = ReadBundle(in2, 0, {}, [](BundleObject&) { return OkStatus(); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().safe_message(), "bundle: id is too long at byte 22");
}

TEST(BundleStreamTest, ProgressIsReportedAsBytesArrive) {
  std::string text = R"({"type":"bundle","objects":[)";
  for (int i = 0; i < 100; ++i) {
    text += (i ? "," : "") +
            fmt::format(R"({{"type":"x","id":"x--{}","pad":"{}"}})", i, std::string(100, 'p'));
  }
  text += "]}";
  std::vector<BundleProgress> progress;
  Collected out;
  auto summary = Read(text, out, {.progress_interval_bytes = 1000},
                      [&](const BundleProgress& p) { progress.push_back(p); });
  ASSERT_TRUE(summary.ok());
  ASSERT_GE(progress.size(), 10u);
  for (std::size_t i = 1; i < progress.size(); ++i) {
    EXPECT_GE(progress[i].bytes_read, progress[i - 1].bytes_read);
    EXPECT_EQ(progress[i].total_bytes, text.size());
  }
  EXPECT_EQ(progress.back().bytes_read, text.size());
  EXPECT_EQ(progress.back().objects, 100u);
}

TEST(BundleStreamTest, CallbackErrorStopsReading) {
  std::istringstream in(R"({"type":"bundle","objects":[{"a":1},{"a":2},{"a":3}]})");
  int calls = 0;
  auto summary = ReadBundle(in, 0, {}, [&](BundleObject&) -> Status {
    if (++calls == 2) return Aborted("stop");
    return OkStatus();
  });
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().safe_message(), "stop");
  EXPECT_EQ(calls, 2);
}

TEST(BundleStreamTest, SingleObjectCheck) {
  EXPECT_TRUE(IsSingleJsonObject(R"( {"a":"}{","b":[{}]} )"));
  EXPECT_FALSE(IsSingleJsonObject(R"({"a":1},{"b":2})"));
  EXPECT_FALSE(IsSingleJsonObject(R"({"a":1)"));
  EXPECT_FALSE(IsSingleJsonObject(R"([1])"));
  EXPECT_FALSE(IsSingleJsonObject(""));
  EXPECT_TRUE(IsSingleJsonObject(R"({"a":"\"}"})"));
  EXPECT_FALSE(IsSingleJsonObject(R"({"a":"}")"));
}

TEST(BundleStreamTest, WriterRoundTripsThroughTheReader) {
  std::ostringstream out;
  BundleWriter writer(out, "bundle--6b1b2c2e-7a43-4d8f-9a8e-1d2c3b4a5f60");
  ASSERT_TRUE(writer.Add({{"type", "indicator"}, {"id", "indicator--1"}, {"name", "金融"}}).ok());
  ASSERT_TRUE(writer.AddRaw(R"({"type":"identity","id":"identity--2"})").ok());
  EXPECT_FALSE(writer.AddRaw(R"({"a":1},{"b":2})").ok());
  EXPECT_FALSE(writer.Add(Json::array()).ok());
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(writer.Add({{"type", "x"}}).error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(writer.objects(), 2u);

  Collected read;
  auto summary = Read(out.str(), read);
  ASSERT_TRUE(summary.ok()) << summary.error().safe_message();
  EXPECT_EQ(summary->id, "bundle--6b1b2c2e-7a43-4d8f-9a8e-1d2c3b4a5f60");
  ASSERT_EQ(read.objects.size(), 2u);
  EXPECT_EQ(read.objects[0]["name"], "金融");
  EXPECT_EQ(read.raw[1], R"({"type":"identity","id":"identity--2"})");
  auto whole = ParseJson(out.str());
  ASSERT_TRUE(whole.ok());
}

TEST(BundleStreamTest, EmptyWriterOmitsObjects) {
  std::ostringstream out;
  BundleWriter writer(out, "bundle--1");
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(out.str(), "{\"type\":\"bundle\",\"id\":\"bundle--1\"}\n");
}

TEST(BundleStreamTest, WriterReportsStreamFailure) {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  BundleWriter writer(out, "bundle--1");
  EXPECT_EQ(writer.Add({{"type", "x"}}).error().code(), ErrorCode::kInternal);
}

TEST(BundleStreamTest, MissingFileIsNotFound) {
  auto summary =
      ReadBundleFile("/nonexistent/bundle.json", {}, [](BundleObject&) { return OkStatus(); });
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace fincyber::sharing
