#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "sharing/warninglist.h"

namespace fincyber::sharing {
namespace {

stix::Observable Observe(std::string_view type, std::string_view path, std::string_view value) {
  auto observable = stix::NormaliseObservable(type, path, value);
  EXPECT_TRUE(observable.ok()) << value;
  return observable.ok() ? *observable : stix::Observable{};
}
stix::Observable Domain(std::string_view value) { return Observe("domain-name", "value", value); }
stix::Observable Ipv4(std::string_view value) { return Observe("ipv4-addr", "value", value); }
stix::Observable Ipv6(std::string_view value) { return Observe("ipv6-addr", "value", value); }

std::vector<std::string> ListsHit(const WarningLists& lists, const stix::Observable& observable) {
  std::vector<std::string> names;
  for (const WarningHit& hit : lists.Check(observable)) names.push_back(hit.list);
  return names;
}

const WarningLists& Defaults() {
  static const WarningLists lists = WarningLists::Defaults();
  return lists;
}

TEST(WarningListTest, ShippedListsLoadCompletely) {
  const auto lists = Defaults().Lists();
  ASSERT_EQ(lists.size(), 5u);
  std::size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(WARNINGLIST_DIR)) {
    std::ifstream in(entry.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto list = ParseMispWarningList(text);
    ASSERT_TRUE(list.ok()) << entry.path().filename() << ": " << list.error().safe_message();
    WarningLists one;
    auto load = one.Add(*list);
    ASSERT_TRUE(load.ok());
    EXPECT_EQ(load->rejected, 0u) << entry.path().filename() << ": " << load->rejected_examples[0];
    EXPECT_FALSE(list->description.empty());
    entries += load->entries;
  }
  EXPECT_GE(entries, 250u);
  for (const auto& [name, description] : lists) EXPECT_TRUE(name.starts_with("fincyber: ")) << name;
}

TEST(WarningListTest, DomainsHitOnLabelBoundaries) {
  EXPECT_EQ(ListsHit(Defaults(), Domain("google.com")),
            std::vector<std::string>{"fincyber: well-known sites"});
  EXPECT_EQ(ListsHit(Defaults(), Domain("Mail.Google.COM.")),
            std::vector<std::string>{"fincyber: well-known sites"});
  const auto hits = Defaults().Check(Domain("a.b.login.microsoftonline.com"));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].entry, "microsoftonline.com");
  EXPECT_TRUE(Defaults().Check(Domain("notgoogle.com")).empty());
  EXPECT_TRUE(Defaults().Check(Domain("google.com.evil.example")).empty());
  EXPECT_TRUE(Defaults().Check(Domain("com")).empty());
  EXPECT_EQ(ListsHit(Defaults(), Domain("tenant.s3.amazonaws.com")),
            std::vector<std::string>{"fincyber: cloud and CDN platforms"});
}

TEST(WarningListTest, AddressesHitByOverlapAndDocumentationRangesDoNot) {
  const std::vector<std::string> special{"fincyber: private and special-use addresses"};
  const std::vector<std::string> resolvers{"fincyber: public DNS resolvers"};
  EXPECT_EQ(ListsHit(Defaults(), Ipv4("10.20.30.40")), special);
  EXPECT_EQ(ListsHit(Defaults(), Ipv4("192.168.1.0/24")), special);
  EXPECT_EQ(ListsHit(Defaults(), Ipv4("127.0.0.1")), special);
  EXPECT_EQ(ListsHit(Defaults(), Ipv4("8.8.8.8")), resolvers);
  EXPECT_EQ(ListsHit(Defaults(), Ipv6("2001:4860:4860::8888")), resolvers);
  EXPECT_EQ(ListsHit(Defaults(), Ipv6("::1")), special);
  EXPECT_EQ(ListsHit(Defaults(), Ipv6("fe80::1")), special);
  EXPECT_EQ(ListsHit(Defaults(), Ipv4("8.0.0.0/7")), resolvers) << "a range holding 8.8.8.8";
  EXPECT_EQ(ListsHit(Defaults(), Ipv4("0.0.0.0/0")),
            (std::vector<std::string>{"fincyber: public DNS resolvers",
                                      "fincyber: private and special-use addresses"}))
      << "in the order the lists were added: the shipped files by name";
  for (const char* documentation : {"192.0.2.1", "198.51.100.7", "203.0.113.0/24"}) {
    EXPECT_TRUE(Defaults().Check(Ipv4(documentation)).empty()) << documentation;
  }
  EXPECT_TRUE(Defaults().Check(Ipv6("2001:db8::1")).empty());
  EXPECT_TRUE(Defaults().Check(Ipv4("11.0.0.1")).empty());
  EXPECT_TRUE(Defaults().Check(Ipv4("172.32.0.1")).empty()) << "just past 172.16.0.0/12";
}

TEST(WarningListTest, UrlsAreCheckedByTheirHost) {
  EXPECT_EQ(ListsHit(Defaults(), Observe("url", "value", "https://user@drive.google.com:8443/x")),
            std::vector<std::string>{"fincyber: well-known sites"});
  EXPECT_EQ(ListsHit(Defaults(), Observe("url", "value", "http://10.0.0.5/admin")),
            std::vector<std::string>{"fincyber: private and special-use addresses"});
  EXPECT_EQ(ListsHit(Defaults(), Observe("url", "value", "http://[::1]:8080/")),
            std::vector<std::string>{"fincyber: private and special-use addresses"});
  EXPECT_TRUE(Defaults().Check(Observe("url", "value", "http://evil.example/google.com")).empty());
}

TEST(WarningListTest, EmptyFileHashesHitExactly) {
  const std::vector<std::string> empty{"fincyber: hashes of the empty file"};
  EXPECT_EQ(ListsHit(Defaults(), Observe("file", "hashes.MD5", "D41D8CD98F00B204E9800998ECF8427E")),
            empty);
  EXPECT_EQ(ListsHit(Defaults(),
                     Observe("file", "hashes.'SHA-256'",
                             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")),
            empty);
  EXPECT_TRUE(
      Defaults()
          .Check(Observe("file", "hashes.'SHA-256'",
                         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856"))
          .empty());
}

TEST(WarningListTest, MispListsLoadAndMatch) {
  auto list = ParseMispWarningList(R"({
    "name": "List of known Office 365 URLs", "version": 20240101,
    "description": "Office 365 URLs and IP address ranges",
    "matching_attributes": ["domain", "hostname", "url"],
    "type": "hostname",
    "list": [".office365.com", "*.sharepoint.example", "outlook.example", "not a domain!", ""]
  })");
  ASSERT_TRUE(list.ok()) << list.error().safe_message();
  WarningLists lists;
  auto load = lists.Add(*list);
  ASSERT_TRUE(load.ok());
  EXPECT_EQ(load->entries, 3u);
  EXPECT_EQ(load->rejected, 2u);
  EXPECT_EQ(load->rejected_examples, (std::vector<std::string>{"not a domain!", ""}));
  EXPECT_EQ(ListsHit(lists, Domain("x.sharepoint.example")),
            std::vector<std::string>{"List of known Office 365 URLs"});
  EXPECT_EQ(ListsHit(lists, Domain("sharepoint.example")),
            std::vector<std::string>{"List of known Office 365 URLs"});

  auto substrings = ParseMispWarningList(
      R"({"name":"tracking","description":"","type":"substring","list":["utm_source="]})");
  ASSERT_TRUE(substrings.ok());
  ASSERT_TRUE(lists.Add(*substrings).ok());
  EXPECT_EQ(ListsHit(lists, Observe("url", "value", "http://a.example/?UTM_SOURCE=x")),
            std::vector<std::string>{"tracking"});

  auto untyped = ParseMispWarningList(R"({"name":"strings","list":["Evil-Mutex"]})");
  ASSERT_TRUE(untyped.ok()) << "type defaults to string, as in MISP";
  ASSERT_TRUE(lists.Add(*untyped).ok());
  EXPECT_EQ(ListsHit(lists, Observe("mutex", "name", "evil-mutex")),
            std::vector<std::string>{"strings"});

  EXPECT_EQ(lists.Add(*list).error().code(), ErrorCode::kAlreadyExists);
}

TEST(WarningListTest, MalformedListsAreRefusedWithAReason) {
  auto error = [](std::string_view text) {
    auto list = ParseMispWarningList(text);
    return list.ok() ? std::string() : list.error().safe_message();
  };
  EXPECT_EQ(error(R"({"name":"r","type":"regex","list":["^a"]})"),
            "warning list r: type 'regex' is not supported (hostname, cidr, string, substring)");
  EXPECT_EQ(error(R"({"type":"cidr","list":[]})"),
            "warning list: 'name' must be a non-empty string");
  EXPECT_EQ(error(R"({"name":7,"list":[]})"), "warning list: 'name' must be a non-empty string");
  EXPECT_EQ(error(R"({"name":"x","list":"10.0.0.0/8"})"),
            "warning list x: 'list' must be a list of strings");
  EXPECT_EQ(error(R"({"name":"x","list":["a",1]})"),
            "warning list x: 'list' must be a list of strings");
  EXPECT_EQ(error(R"({"name":"x","type":5,"list":[]})"), "warning list x: 'type' must be a string");
  EXPECT_EQ(error(R"([1,2])"), "warning list: expected a JSON object");
  EXPECT_NE(error(R"({"name":"x","list":["a")").find("malformed JSON"), std::string::npos);
  EXPECT_NE(error(std::string(100, '[')).find("nested deeper"), std::string::npos);
  auto big = ParseMispWarningList(R"({"name":"x","list":[")" + std::string(200, 'a') + "\"]}", 100);
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted);
}

TEST(WarningListTest, CidrListsIgnoreBadEntriesAndIndexManyRanges) {
  WarningList list{"ranges", "many ranges", WarningListType::kCidr, {"10.0.0.0/33", "300.1.1.1"}};
  for (int i = 0; i < 5000; ++i) {
    list.entries.push_back(fmt::format("100.{}.{}.0/24", 100 + i / 256, i % 256));
  }
  WarningLists lists;
  auto load = lists.Add(list);
  ASSERT_TRUE(load.ok());
  EXPECT_EQ(load->entries, 5000u);
  EXPECT_EQ(load->rejected, 2u);
  const auto hit = lists.Check(Ipv4("100.110.7.9"));
  ASSERT_EQ(hit.size(), 1u);
  EXPECT_EQ(hit[0].entry, "100.110.7.0/24");
  EXPECT_TRUE(lists.Check(Ipv4("100.99.255.255")).empty());
  EXPECT_TRUE(lists.Check(Ipv4("100.119.136.0")).empty()) << "just past the last range";
  EXPECT_EQ(lists.Check(Ipv4("100.0.0.0/8")).size(), 1u);
}

TEST(WarningListTest, FilesLoadAndMissingFilesAreNotFound) {
  WarningLists lists;
  auto load = lists.AddFile(std::filesystem::path(WARNINGLIST_DIR) / "public-dns-resolvers.json");
  ASSERT_TRUE(load.ok()) << load.error().safe_message();
  EXPECT_EQ(ListsHit(lists, Ipv4("9.9.9.9")),
            std::vector<std::string>{"fincyber: public DNS resolvers"});
  EXPECT_EQ(lists.AddFile(std::filesystem::path(WARNINGLIST_DIR) / "missing.json").error().code(),
            ErrorCode::kNotFound);
}

}  // namespace
}  // namespace fincyber::sharing
