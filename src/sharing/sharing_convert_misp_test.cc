#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sharing/convert_misp.h"
#include "stix/object.h"
#include "stix/tlp.h"

namespace fincyber::sharing {
namespace {

const std::filesystem::path kFeed = MISP_TESTDATA;
constexpr std::string_view kBankEvent = "5f0c8e2a-3b1d-4c7e-9a2f-6d8e1b4c7a90";
constexpr std::string_view kSecuritiesEvent = "7d2e4f6a-8b0c-4d1e-a3f5-b7c9d1e3f5a7";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Json LoadEvent(std::string_view uuid) {
  auto parsed = ParseJson(ReadFile(kFeed / fmt::format("{}.json", uuid)));
  EXPECT_TRUE(parsed.ok());
  return parsed.ok() ? *parsed : Json();
}

struct Converted {
  std::vector<Json> objects;
  std::map<std::string, Json> by_id;
  std::vector<std::string> notes;
  Result<MispEventSummary> summary = MispEventSummary{};
};

Converted Convert(const Json& document, const MispImportOptions& options = {}) {
  Converted out;
  out.summary = ConvertMispEvent(
      document, options,
      [&](Json object) {
        out.by_id[object["id"]] = object;
        out.objects.push_back(std::move(object));
        return OkStatus();
      },
      [&](const MispNote& note) { out.notes.push_back(note.ToString()); });
  return out;
}

// Every object is valid STIX 2.1 and comes after the objects it refers to, other than
// `known` ones the caller has.
void ExpectValidAndOrdered(const std::vector<Json>& objects, std::set<std::string> known = {}) {
  std::set<std::string> seen = std::move(known);
  for (const Json& object : objects) {
    const auto validated = stix::Validate(object);
    if (const auto* invalid = std::get_if<stix::Invalid>(&validated)) {
      ADD_FAILURE() << object.dump() << "\n" << invalid->violations[0].ToString();
      continue;
    }
    for (const std::string& ref : std::get<stix::Validated>(validated).facts.references) {
      if (ref.starts_with("marking-definition--")) continue;
      EXPECT_TRUE(seen.contains(ref)) << object["id"] << " refers to " << ref << " before it";
    }
    EXPECT_TRUE(seen.insert(object["id"]).second) << "emitted twice: " << object["id"];
  }
}

TEST(ConvertMispTest, BankingEventBecomesAReportWithIndicatorsAndObservedData) {
  const Converted out = Convert(LoadEvent(kBankEvent));
  ASSERT_TRUE(out.summary.ok()) << out.summary.error().safe_message();
  ExpectValidAndOrdered(out.objects);
  const std::string amber(stix::Tlp2MarkingId(stix::Tlp::kAmber));
  const std::string identity = "identity--0c9a7b3e-2d41-4f5a-8e6b-1a2b3c4d5e6f";

  ASSERT_FALSE(out.objects.empty());
  EXPECT_EQ(out.objects.front()["id"], identity);
  EXPECT_EQ(out.objects.front()["name"], "Example Banking ISAC");
  EXPECT_EQ(out.objects.front()["identity_class"], "organization");

  const Json& domain = out.by_id.at("indicator--a1b2c3d4-0001-4a1b-8c2d-3e4f5a6b7c01");
  EXPECT_EQ(domain["pattern"], "[domain-name:value = 'login-bank.example']");
  EXPECT_EQ(domain["valid_from"], "2026-01-10T08:30:00.000000Z");
  EXPECT_EQ(domain["valid_until"], "2026-01-12T18:00:00.000000Z");
  EXPECT_EQ(domain["created"], "2026-01-12T10:16:40.000000Z");
  EXPECT_EQ(domain["name"], "Phishing kit targeting internet banking customers");
  EXPECT_EQ(domain["description"], "Landing page of the kit");
  EXPECT_EQ(domain["object_marking_refs"], Json::array({amber}));
  EXPECT_EQ(domain["created_by_ref"], identity);
  EXPECT_EQ(domain["x_misp_type"], "domain");
  EXPECT_EQ(domain["x_misp_category"], "Network activity");

  EXPECT_EQ(out.by_id.at("indicator--a1b2c3d4-0002-4a1b-8c2d-3e4f5a6b7c02")["pattern"],
            "[url:value = 'https://login-bank.example/secure/index.php?session=1']");
  const Json& port = out.by_id.at("indicator--a1b2c3d4-0003-4a1b-8c2d-3e4f5a6b7c03");
  EXPECT_EQ(port["pattern"],
            "[network-traffic:dst_ref.value = '203.0.113.45' AND network-traffic:dst_port = 8443]");
  EXPECT_EQ(port["object_marking_refs"][0], stix::Tlp2MarkingId(stix::Tlp::kRed))
      << "the attribute's own TLP tag wins over the event's";
  EXPECT_EQ(out.by_id.at("indicator--a1b2c3d4-0004-4a1b-8c2d-3e4f5a6b7c04")["pattern"],
            "[email-addr:value = 'security-notice@login-bank.example']");

  const Json& resolution = out.by_id.at("observed-data--a1b2c3d4-0005-4a1b-8c2d-3e4f5a6b7c05");
  ASSERT_EQ(resolution["object_refs"].size(), 2u);
  const Json& address = out.by_id.at(resolution["object_refs"][0]);
  const Json& name = out.by_id.at(resolution["object_refs"][1]);
  EXPECT_EQ(address["type"], "ipv4-addr");
  EXPECT_EQ(address["value"], "198.51.100.23");
  EXPECT_EQ(name["value"], "login-bank.example");
  EXPECT_EQ(name["resolves_to_refs"], Json::array({address["id"]}));
  EXPECT_EQ(address["id"], stix::DeterministicScoId(address).value());
  EXPECT_EQ(address["object_marking_refs"], Json::array({amber}));
  EXPECT_EQ(resolution["number_observed"], 1);
  EXPECT_EQ(resolution["first_observed"], "2026-01-12T10:16:40.000000Z");

  const Json& dropper_name = out.by_id.at("observed-data--b2c3d4e5-1001-4b2c-9d3e-4f5a6b7c8d91");
  EXPECT_EQ(out.by_id.at(dropper_name["object_refs"][0])["name"], "Invoice_2026-01.pdf.exe");
  EXPECT_EQ(dropper_name["x_misp_object_name"], "file");
  EXPECT_EQ(out.by_id.at("indicator--b2c3d4e5-1002-4b2c-9d3e-4f5a6b7c8d92")["pattern"],
            "[file:hashes.'SHA-256' = "
            "'9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08']");
  EXPECT_EQ(out.by_id.at("indicator--b2c3d4e5-1003-4b2c-9d3e-4f5a6b7c8d93")["pattern"],
            "[file:name = 'it\\'s.exe' AND file:hashes.MD5 = '098f6bcd4621d373cade4e832627b4f6']");

  const Json& report = out.objects.back();
  EXPECT_EQ(report["id"], "report--5f0c8e2a-3b1d-4c7e-9a2f-6d8e1b4c7a90");
  EXPECT_EQ(report["name"], "Phishing kit targeting internet banking customers");
  EXPECT_EQ(report["published"], "2026-01-12T10:40:00.000000Z");
  EXPECT_EQ(report["labels"], Json::array({"misp-galaxy:sector=\"Finance\"", "type:OSINT"}));
  EXPECT_EQ(report["external_references"][0]["url"], "https://blog.example/analysis/phishing-kit");
  EXPECT_EQ(report["object_marking_refs"], Json::array({amber}));
  EXPECT_EQ(report["object_refs"].size(), out.objects.size() - 2)
      << "everything but the identity and the report itself";

  EXPECT_EQ(out.summary->indicators, 6u);
  EXPECT_EQ(out.summary->observed_data, 2u);
  EXPECT_EQ(out.summary->skipped_attributes, 3u);
  EXPECT_EQ(out.summary->objects, out.objects.size());
  ASSERT_EQ(out.notes.size(), 3u);
  const std::string prefix = "event 5f0c8e2a-3b1d-4c7e-9a2f-6d8e1b4c7a90, attribute ";
  EXPECT_EQ(out.notes[0],
            prefix + "a1b2c3d4-0007-4a1b-8c2d-3e4f5a6b7c07: text: no mapping for MISP type 'text'");
  EXPECT_EQ(out.notes[1], prefix + "a1b2c3d4-0008-4a1b-8c2d-3e4f5a6b7c08: deleted in MISP");
  EXPECT_TRUE(out.notes[2].starts_with(
      prefix +
      "a1b2c3d4-0009-4a1b-8c2d-3e4f5a6b7c09: ip-dst: '198.51.100.300' is not a valid IPv4"))
      << out.notes[2];
}

TEST(ConvertMispTest, OlderShapesAndIpv6) {
  const Converted out = Convert(LoadEvent(kSecuritiesEvent));
  ASSERT_TRUE(out.summary.ok()) << out.summary.error().safe_message();
  ExpectValidAndOrdered(out.objects);
  const Json& report = out.objects.back();
  EXPECT_EQ(report["id"], "report--7d2e4f6a-8b0c-4d1e-a3f5-b7c9d1e3f5a7") << "UUIDs lower-cased";
  EXPECT_EQ(report["published"], "2026-01-05T08:00:00.000000Z")
      << "publish_timestamp 0 falls back to the timestamp";
  EXPECT_EQ(report["object_marking_refs"][0], stix::Tlp2MarkingId(stix::Tlp::kClear));
  EXPECT_EQ(out.by_id.at("indicator--c4d5e6f7-2001-4c3d-8e4f-5a6b7c8d9e01")["pattern"],
            "[ipv6-addr:value = '2001:db8::17']");
  EXPECT_EQ(out.by_id.at("indicator--c4d5e6f7-2002-4c3d-8e4f-5a6b7c8d9e02")["pattern"],
            "[ipv4-addr:value = '192.0.2.0/26']");
  const Json& as = out.by_id.at("observed-data--c4d5e6f7-2003-4c3d-8e4f-5a6b7c8d9e03");
  EXPECT_EQ(out.by_id.at(as["object_refs"][0])["number"], 64500);
  EXPECT_TRUE(out.notes.empty());
}

TEST(ConvertMispTest, OptionsNameTheCreatorAndLeaveOutObservedData) {
  MispImportOptions options;
  options.created_by_ref = "identity--11111111-2222-4333-8444-555555555555";
  options.include_observed_data = false;
  const Converted out = Convert(LoadEvent(kBankEvent), options);
  ASSERT_TRUE(out.summary.ok());
  ExpectValidAndOrdered(out.objects, {options.created_by_ref});
  for (const Json& object : out.objects) {
    EXPECT_NE(object["type"], "identity");
    EXPECT_NE(object["type"], "observed-data");
    EXPECT_EQ(object["created_by_ref"], options.created_by_ref);
  }
  EXPECT_EQ(out.summary->observed_data, 0u);
}

TEST(ConvertMispTest, DefaultTlpAppliesWithoutATag) {
  Json event = LoadEvent(kSecuritiesEvent);
  event["Event"]["Tag"] = Json::array();
  MispImportOptions options;
  options.default_tlp = stix::Tlp::kGreen;
  const Converted out = Convert(event, options);
  ASSERT_TRUE(out.summary.ok());
  for (const Json& object : out.objects) {
    if (object["type"] == "identity") continue;
    EXPECT_EQ(object["object_marking_refs"][0], stix::Tlp2MarkingId(stix::Tlp::kGreen));
  }
  const Converted untagged = Convert(event);
  EXPECT_FALSE(untagged.objects.back().contains("object_marking_refs"));
}

TEST(ConvertMispTest, DocumentsThatAreNotEventsAreRefused) {
  auto error = [](std::string_view text) {
    const Converted out = Convert(ParseJson(text).value());
    return out.summary.ok() ? std::string() : out.summary.error().safe_message();
  };
  EXPECT_EQ(error("[]"), "MISP event: expected {\"Event\": {...}}");
  EXPECT_EQ(error(R"({"event":{}})"), "MISP event: expected {\"Event\": {...}}");
  EXPECT_EQ(error(R"({"Event":"x"})"), "MISP event: expected {\"Event\": {...}}");
  EXPECT_EQ(error(R"({"Event":{"uuid":"../../etc","timestamp":"1"}})"),
            "MISP event: 'uuid' is missing or not a UUID");
  for (const char* timestamp : {R"("abc")", "-5", R"("1e9")", "99999999999999", "null", "1.5"}) {
    EXPECT_EQ(error(fmt::format(
                  R"({{"Event":{{"uuid":"5f0c8e2a-3b1d-4c7e-9a2f-6d8e1b4c7a90","timestamp":{}}}}})",
                  timestamp)),
              "MISP event 5f0c8e2a-3b1d-4c7e-9a2f-6d8e1b4c7a90: 'timestamp' is missing or not Unix "
              "seconds")
        << timestamp;
  }
  EXPECT_EQ(
      error(
          R"({"Event":{"uuid":"5f0c8e2a-3b1d-4c7e-9a2f-6d8e1b4c7a90","timestamp":"1","Attribute":{}}})"),
      "MISP event 5f0c8e2a-3b1d-4c7e-9a2f-6d8e1b4c7a90: 'Attribute' is not a list");
}

TEST(ConvertMispTest, HostileAttributesAreNotedAndSkipped) {
  Json event = {
      {"Event",
       {{"uuid", "5f0c8e2a-3b1d-4c7e-9a2f-6d8e1b4c7a90"},
        {"timestamp", "1768213800"},
        {"Orgc", {{"uuid", 7}, {"name", {1}}}},
        {"Tag", "tlp:red"},
        {"Attribute",
         {7,
          {{"type", "domain"}, {"value", "no-uuid.example"}, {"to_ids", true}},
          {{"uuid", "a1b2c3d4-0001-4a1b-8c2d-3e4f5a6b7c01"}, {"type", "domain"}, {"value", 42}},
          {{"uuid", "a1b2c3d4-0002-4a1b-8c2d-3e4f5a6b7c02"},
           {"type", "domain"},
           {"to_ids", true},
           {"value", std::string(100000, 'a') + ".example"}},
          {{"uuid", "a1b2c3d4-0003-4a1b-8c2d-3e4f5a6b7c03"},
           {"type", "ip-dst|port"},
           {"to_ids", true},
           {"value", "198.51.100.1|70000"}},
          {{"uuid", "a1b2c3d4-0004-4a1b-8c2d-3e4f5a6b7c04"},
           {"type", "domain|ip"},
           {"to_ids", true},
           {"value", "no-bar.example"}},
          {{"uuid", "a1b2c3d4-0005-4a1b-8c2d-3e4f5a6b7c05"},
           {"type", "link"},
           {"value", "javascript:alert(1)"}},
          {{"uuid", "a1b2c3d4-0006-4a1b-8c2d-3e4f5a6b7c06"},
           {"type", "domain"},
           {"to_ids", true},
           {"value", "evil.example'] OR [ipv4-addr:value = '0.0.0.0/0"}},
          {{"uuid", "a1b2c3d4-0007-4a1b-8c2d-3e4f5a6b7c07"},
           {"type", "mutex"},
           {"to_ids", true},
           {"Tag", {{{"name", 5}}, "x"}},
           {"value", "Global\\evil' OR 1=1"}}}},
        {"Object", {"not an object", {{"name", "file"}, {"Attribute", Json::array()}}}}}}};
  const Converted out = Convert(event);
  ASSERT_TRUE(out.summary.ok()) << out.summary.error().safe_message();
  ExpectValidAndOrdered(out.objects);
  ASSERT_EQ(out.objects.size(), 2u) << "only the mutex indicator and the report";
  EXPECT_EQ(out.objects[0]["pattern"], "[mutex:name = 'Global\\\\evil\\' OR 1=1']")
      << "quotes and backslashes cannot leave the string literal";
  EXPECT_FALSE(out.objects[0].contains("created_by_ref")) << "a malformed Orgc is ignored";
  EXPECT_EQ(out.summary->skipped_attributes, 8u);
  EXPECT_EQ(out.notes.size(), 9u);
  const std::string all = fmt::format("{}", fmt::join(out.notes, "\n"));
  for (const char* expected :
       {"an attribute is not an object", "an attribute has no valid uuid",
        "'type' or 'value' is missing or not a string", "value longer than 65536 bytes",
        "'70000' is not a port number", "a composite value needs two parts",
        "link is not an http(s) URL", "is not a valid domain name",
        "an entry of 'Object' is not an object"}) {
    EXPECT_NE(all.find(expected), std::string::npos) << expected << " not in\n" << all;
  }
}

TEST(ConvertMispTest, EventWithNothingToConvertIsANote) {
  const Converted out =
      Convert(ParseJson(R"({"Event":{"uuid":"5f0c8e2a-3b1d-4c7e-9a2f-6d8e1b4c7a90",
      "timestamp":"1768213800","Orgc":{"uuid":"0c9a7b3e-2d41-4f5a-8e6b-1a2b3c4d5e6f","name":"X"},
      "Attribute":[]}})")
                  .value());
  ASSERT_TRUE(out.summary.ok());
  EXPECT_TRUE(out.objects.empty()) << "not even the identity";
  EXPECT_EQ(out.summary->report_id, "");
  ASSERT_EQ(out.notes.size(), 1u);
  EXPECT_EQ(out.notes[0],
            "event 5f0c8e2a-3b1d-4c7e-9a2f-6d8e1b4c7a90: nothing in the event could be converted");
}

TEST(ConvertMispTest, HandlerErrorStopsTheConversion) {
  int calls = 0;
  auto summary = ConvertMispEvent(LoadEvent(kBankEvent), {},
                                  [&](Json) -> Status {
                                    ++calls;
                                    return Aborted("stop");
                                  },
                                  {});
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().code(), ErrorCode::kAborted);
  EXPECT_EQ(calls, 1);
}

struct FeedRun {
  std::vector<Json> objects;
  std::vector<std::string> notes;
  std::vector<MispFeedProgress> progress;
  Result<MispFeedSummary> summary = MispFeedSummary{};
};

FeedRun RunFeed(const MispFeedFetcher& fetch, const MispImportOptions& options = {}) {
  FeedRun run;
  run.summary = ImportMispFeed(
      fetch, options,
      [&](Json object) {
        run.objects.push_back(std::move(object));
        return OkStatus();
      },
      [&](const MispNote& note) { run.notes.push_back(note.ToString()); },
      [&](const MispFeedProgress& progress) { run.progress.push_back(progress); });
  return run;
}

TEST(ConvertMispFeedTest, FolderFeedIsImportedOldestFirst) {
  const FeedRun run = RunFeed(MispFeedFromDirectory(kFeed));
  ASSERT_TRUE(run.summary.ok()) << run.summary.error().safe_message();
  EXPECT_EQ(run.summary->events, 2u);
  EXPECT_EQ(run.summary->failed_events, 1u);
  EXPECT_EQ(run.summary->newest_timestamp, 1768213800);
  EXPECT_EQ(run.summary->objects, run.objects.size());
  ASSERT_EQ(run.progress.size(), 3u);
  EXPECT_EQ(run.progress.back().events_done, 3u);
  EXPECT_EQ(run.progress.back().events_total, 3u);
  std::vector<std::string> reports;
  for (const Json& object : run.objects) {
    if (object["type"] == "report") reports.push_back(object["id"]);
  }
  EXPECT_EQ(reports, (std::vector<std::string>{"report--7d2e4f6a-8b0c-4d1e-a3f5-b7c9d1e3f5a7",
                                               "report--5f0c8e2a-3b1d-4c7e-9a2f-6d8e1b4c7a90"}));
  ASSERT_FALSE(run.notes.empty());
  EXPECT_EQ(run.notes.back(),
            "event c3b5a7e9-1d2f-4a6b-8c0e-2f4a6c8e0a2c: feed file "
            "c3b5a7e9-1d2f-4a6b-8c0e-2f4a6c8e0a2c.json not found");
}

TEST(ConvertMispFeedTest, SinceFetchesOnlyNewerEvents) {
  MispImportOptions options;
  options.since = 1767600000;
  const FeedRun run = RunFeed(MispFeedFromDirectory(kFeed), options);
  ASSERT_TRUE(run.summary.ok());
  EXPECT_EQ(run.summary->events, 1u);
  EXPECT_EQ(run.progress.back().events_total, 2u);
}

// Serves named files, counting requests; anything else is 404.
class FakeFeedServer : public OutboundHttp {
 public:
  std::map<std::string, OutboundResponse> files;
  std::vector<OutboundRequest> requests;
  Result<OutboundResponse> Send(const OutboundRequest& request) override {
    requests.push_back(request);
    const auto it = files.find(request.url);
    if (it == files.end()) return OutboundResponse{404, "not found"};
    if (it->second.body.size() > request.max_response_bytes) {
      return ResourceExhausted("response body too large");
    }
    return it->second;
  }
};

TEST(ConvertMispFeedTest, UrlFeedFetchesManifestAndEvents) {
  FakeFeedServer server;
  const std::string base = "https://feeds.example/misp/";
  server.files[base + "manifest.json"] = {200, ReadFile(kFeed / "manifest.json")};
  for (std::string_view uuid : {kBankEvent, kSecuritiesEvent}) {
    server.files[fmt::format("{}{}.json", base, uuid)] = {
        200, ReadFile(kFeed / fmt::format("{}.json", uuid))};
  }
  MispImportOptions options;
  options.max_event_bytes = 1 << 20;
  const FeedRun run = RunFeed(MispFeedFromUrl(server, "https://feeds.example/misp"), options);
  ASSERT_TRUE(run.summary.ok()) << run.summary.error().safe_message();
  EXPECT_EQ(run.summary->events, 2u);
  EXPECT_EQ(run.summary->failed_events, 1u);
  ASSERT_EQ(server.requests.size(), 4u);
  EXPECT_EQ(server.requests[0].url, base + "manifest.json");
  EXPECT_EQ(server.requests[0].method, "GET");
  EXPECT_EQ(server.requests[1].url, fmt::format("{}{}.json", base, kSecuritiesEvent));
  EXPECT_EQ(server.requests[1].max_response_bytes, 1u << 20);
}

TEST(ConvertMispFeedTest, UnreachableFeedStopsTheImport) {
  FakeFeedServer server;
  server.files["https://feeds.example/manifest.json"] = {200, ReadFile(kFeed / "manifest.json")};
  server.files[fmt::format("https://feeds.example/{}.json", kSecuritiesEvent)] = {503, ""};
  const FeedRun run = RunFeed(MispFeedFromUrl(server, "https://feeds.example/"));
  ASSERT_FALSE(run.summary.ok());
  EXPECT_EQ(run.summary.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(run.summary.error().safe_message(),
            "MISP feed answered HTTP 503 for 7d2e4f6a-8b0c-4d1e-a3f5-b7c9d1e3f5a7.json");
}

TEST(ConvertMispFeedTest, HostileManifestsAndEventFiles) {
  std::map<std::string, std::string> files;
  const MispFeedFetcher fetch = [&](std::string_view name,
                                    std::size_t max_bytes) -> Result<std::string> {
    const auto it = files.find(std::string(name));
    if (it == files.end()) return NotFound(fmt::format("feed file {} not found", name));
    if (it->second.size() > max_bytes) return ResourceExhausted("too large");
    return it->second;
  };
  files["manifest.json"] = R"({"Event": [1,2)";
  EXPECT_EQ(RunFeed(fetch).summary.error().code(), ErrorCode::kInvalidArgument);
  files["manifest.json"] = "[]";
  EXPECT_EQ(RunFeed(fetch).summary.error().safe_message(),
            "MISP manifest.json: expected an object of event UUIDs");
  files["manifest.json"] = std::string(2000, ' ') + "{}";
  MispImportOptions small;
  small.max_manifest_bytes = 1000;
  EXPECT_EQ(RunFeed(fetch, small).summary.error().code(), ErrorCode::kResourceExhausted);

  const std::string a = "5f0c8e2a-3b1d-4c7e-9a2f-6d8e1b4c7a90";
  const std::string b = "7d2e4f6a-8b0c-4d1e-a3f5-b7c9d1e3f5a7";
  const std::string c = "c3b5a7e9-1d2f-4a6b-8c0e-2f4a6c8e0a2c";
  const std::string d = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  files["manifest.json"] = fmt::format(
      R"({{"../../etc/passwd": {{"timestamp": 1}}, "{}": {{"timestamp": "x"}},
          "{}": {{"timestamp": 1}}, "{}": {{"timestamp": 2}}, "{}": {{"timestamp": 3}}}})",
      d, a, b, c);
  files[a + ".json"] = ReadFile(kFeed / fmt::format("{}.json", a)).substr(0, 500);  // truncated
  files[b + ".json"] = ReadFile(kFeed / fmt::format("{}.json", kBankEvent));        // another event
  files[c + ".json"] = std::string(100, '[') + std::string(100, ']');
  const FeedRun run = RunFeed(fetch);
  ASSERT_TRUE(run.summary.ok()) << run.summary.error().safe_message();
  EXPECT_EQ(run.summary->events, 0u);
  EXPECT_EQ(run.summary->failed_events, 3u);
  EXPECT_FALSE(run.summary->newest_timestamp.has_value());
  EXPECT_TRUE(run.objects.empty());
  ASSERT_EQ(run.notes.size(), 5u);
  const std::string all = fmt::format("{}", fmt::join(run.notes, "\n"));
  for (const std::string& expected :
       {std::string("event ../../etc/passwd: manifest entry without a UUID key and a timestamp"),
        fmt::format("event {}: manifest entry without a UUID key and a timestamp", d),
        fmt::format("event {}: malformed JSON", a),
        fmt::format("event {}: the event file holds another event's uuid", b),
        fmt::format("event {}: JSON nested deeper than 32 levels", c)}) {
    EXPECT_NE(all.find(expected), std::string::npos) << expected << " not in\n" << all;
  }
}

TEST(ConvertMispFeedTest, HundredMegabyteEventIsRefusedBeforeReading) {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / fmt::format("misp-feed-{}", ::getpid());
  std::filesystem::create_directories(folder);
  const std::string uuid = "5f0c8e2a-3b1d-4c7e-9a2f-6d8e1b4c7a90";
  {
    std::ofstream manifest(folder / "manifest.json");
    manifest << fmt::format(R"({{"{}": {{"timestamp": "1768213800"}}}})", uuid);
    std::ofstream event(folder / (uuid + ".json"), std::ios::binary);
    event << R"({"Event":{"uuid":")" << uuid << R"(","timestamp":"1","Attribute":[{"value":")";
    const std::string chunk(1 << 20, 'a');
    for (int i = 0; i < 100; ++i) event << chunk;
    event << R"("}]}})";
  }
  const FeedRun run = RunFeed(MispFeedFromDirectory(folder));
  std::filesystem::remove_all(folder);
  ASSERT_TRUE(run.summary.ok()) << run.summary.error().safe_message();
  EXPECT_EQ(run.summary->failed_events, 1u);
  ASSERT_EQ(run.notes.size(), 1u);
  EXPECT_TRUE(
      run.notes[0].starts_with(fmt::format("event {}: feed file {}.json has 1048", uuid, uuid)))
      << run.notes[0];
  EXPECT_TRUE(run.notes[0].ends_with("bytes, over the limit of 67108864")) << run.notes[0];
}

TEST(ConvertMispFeedTest, FolderFetcherRefusesPathsAndOversizedFiles) {
  const MispFeedFetcher fetch = MispFeedFromDirectory(kFeed);
  EXPECT_EQ(fetch("../CMakeLists.txt", 1 << 20).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(fetch("/etc/passwd", 1 << 20).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(fetch("manifest.json", 10).error().code(), ErrorCode::kResourceExhausted);
  EXPECT_TRUE(fetch("manifest.json", 1 << 20).ok());
}

}  // namespace
}  // namespace fincyber::sharing
