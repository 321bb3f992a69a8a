#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stix/observable.h"
#include "stix/pattern.h"

namespace fincyber::stix {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The normal form of a value, or "error: <message>".
std::string Norm(std::string_view type, std::string_view path, std::string_view value) {
  auto observable = NormaliseObservable(type, path, value);
  if (!observable.ok()) return "error: " + observable.error().safe_message();
  return observable->value;
}

bool Rejected(std::string_view type, std::string_view path, std::string_view value) {
  auto observable = NormaliseObservable(type, path, value);
  if (observable.ok()) return false;
  EXPECT_EQ(observable.error().code(), ErrorCode::kInvalidArgument);
  return true;
}

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (const int v : values) out.push_back(static_cast<char>(v));
  return out;
}

std::vector<std::string> Keys(const std::vector<Observable>& observables) {
  std::vector<std::string> keys;
  for (const Observable& o : observables) keys.push_back(o.Key());
  return keys;
}

std::vector<std::string> KeysOfPattern(std::string_view pattern) {
  auto observables = ObservablesOfPattern(pattern);
  EXPECT_TRUE(observables.ok()) << pattern;
  if (!observables.ok()) return {};
  return Keys(*observables);
}

TEST(StixObservableTest, DomainNames) {
  EXPECT_EQ(Norm("domain-name", "value", "Evil.Example.COM."), "evil.example.com");
  EXPECT_EQ(Norm("domain-name", "value", "_dmarc.example.com"), "_dmarc.example.com");
  EXPECT_EQ(Norm("domain-name", "value", "bücher.example"), "xn--bcher-kva.example");
  EXPECT_EQ(Norm("domain-name", "value", "BÜCHER.example"), "xn--bcher-kva.example");
  EXPECT_EQ(Norm("domain-name", "value", "XN--BCHER-KVA.example"), "xn--bcher-kva.example");
  EXPECT_EQ(Norm("domain-name", "value", "日本銀行.jp"), "xn--wgv71a404ersi.jp");
  // Non-transitional: ß stays a letter of its own.
  EXPECT_EQ(Norm("domain-name", "value", "faß.de"), "xn--fa-hia.de");
  EXPECT_EQ(Norm("domain-name", "value", "fass.de"), "fass.de");
  EXPECT_EQ(Norm("domain-name", "value", "localhost"), "localhost");

  EXPECT_TRUE(Rejected("domain-name", "value", ""));
  EXPECT_TRUE(Rejected("domain-name", "value", "."));
  EXPECT_TRUE(Rejected("domain-name", "value", "a..example"));
  EXPECT_TRUE(Rejected("domain-name", "value", "-evil.example"));
  EXPECT_TRUE(Rejected("domain-name", "value", "evil-.example"));
  EXPECT_TRUE(Rejected("domain-name", "value", "evil example"));
  EXPECT_TRUE(Rejected("domain-name", "value", "*.example.com"));
  EXPECT_TRUE(Rejected("domain-name", "value", "999.1.1.1"));
  EXPECT_TRUE(Rejected("domain-name", "value", std::string(64, 'a') + ".example"));
  EXPECT_TRUE(Rejected("domain-name", "value", "xn--zz.example"));  // broken punycode
  std::string longest;
  for (int i = 0; i < 50; ++i) longest += "abcd.";
  longest += "com";  // 253 bytes, the limit
  EXPECT_EQ(Norm("domain-name", "value", longest), longest);
  EXPECT_TRUE(Rejected("domain-name", "value", "x" + longest));
  EXPECT_THAT(Norm("domain-name", "value", "a b.example"), HasSubstr("a b.example"));
}

TEST(StixObservableTest, Ipv4AndCidr) {
  EXPECT_EQ(Norm("ipv4-addr", "value", "192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(Norm("ipv4-addr", "value", "192.0.2.1/32"), "192.0.2.1");
  EXPECT_EQ(Norm("ipv4-addr", "value", "10.1.2.3/16"), "10.1.0.0/16");
  EXPECT_EQ(Norm("ipv4-addr", "value", "10.1.2.3/0"), "0.0.0.0/0");
  EXPECT_EQ(Norm("ipv4-addr", "value", "255.255.255.255/31"), "255.255.255.254/31");
  for (const char* bad :
       {"010.0.0.1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "999.1.1.1", "1.2.3.4/33", "1.2.3.4/",
        "1.2.3.4/08", "1.2.3.4/-1", " 1.2.3.4", "1.2.3.4 ", "::1", "0x7f.0.0.1", "1..2.3", ""}) {
    EXPECT_TRUE(Rejected("ipv4-addr", "value", bad)) << bad;
  }
}

TEST(StixObservableTest, Ipv4RangeIsMappedIntoSixteenBytes) {
  auto single = NormaliseObservable("ipv4-addr", "value", "192.0.2.1");
  ASSERT_TRUE(single.ok());
  const std::string prefix = Bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF});
  EXPECT_EQ(single->range_first, prefix + Bytes({192, 0, 2, 1}));
  EXPECT_EQ(single->range_last, single->range_first);
  auto net = NormaliseObservable("ipv4-addr", "value", "10.1.2.3/16");
  ASSERT_TRUE(net.ok());
  EXPECT_EQ(net->range_first, prefix + Bytes({10, 1, 0, 0}));
  EXPECT_EQ(net->range_last, prefix + Bytes({10, 1, 255, 255}));
  auto all = NormaliseObservable("ipv4-addr", "value", "0.0.0.0/0");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->range_first, prefix + Bytes({0, 0, 0, 0}));
  EXPECT_EQ(all->range_last, prefix + Bytes({255, 255, 255, 255}));
  // Containment is two comparisons.
  EXPECT_FALSE(net->range_first <= single->range_first && single->range_last <= net->range_last);
  EXPECT_TRUE(all->range_first <= single->range_first && single->range_last <= all->range_last);
}

TEST(StixObservableTest, Ipv6Rfc5952AndCidr) {
  EXPECT_EQ(Norm("ipv6-addr", "value", "2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  EXPECT_EQ(Norm("ipv6-addr", "value", "2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  EXPECT_EQ(Norm("ipv6-addr", "value", "2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(Norm("ipv6-addr", "value", "0:0:0:0:0:0:0:0"), "::");
  EXPECT_EQ(Norm("ipv6-addr", "value", "::ffff:192.0.2.1"), "::ffff:192.0.2.1");
  EXPECT_EQ(Norm("ipv6-addr", "value", "2001:db8:dead:beef:0000:0000:0000:0000/64"),
            "2001:db8:dead:beef::/64");
  EXPECT_EQ(Norm("ipv6-addr", "value", "2001:db8::1/128"), "2001:db8::1");
  EXPECT_EQ(Norm("ipv6-addr", "value", "2001:db8::1/0"), "::/0");
  EXPECT_EQ(Norm("ipv6-addr", "value", "2001:db8:ffff::1/33"), "2001:db8:8000::/33");
  for (const char* bad : {"2001:db8::1::1", "fe80::1%eth0", "2001:db8::1/129",
                          "12345::", "192.0.2.1", "2001:db8::1/", "gggg::1", ":::"}) {
    EXPECT_TRUE(Rejected("ipv6-addr", "value", bad)) << bad;
  }
  auto all = NormaliseObservable("ipv6-addr", "value", "::/0");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->range_first, std::string(16, '\0'));
  EXPECT_EQ(all->range_last, std::string(16, '\xFF'));
  // An IPv4-mapped IPv6 address covers the same range as the IPv4 address.
  auto mapped = NormaliseObservable("ipv6-addr", "value", "::ffff:192.0.2.1");
  auto v4 = NormaliseObservable("ipv4-addr", "value", "192.0.2.1");
  ASSERT_TRUE(mapped.ok() && v4.ok());
  EXPECT_EQ(mapped->range_first, v4->range_first);
}

TEST(StixObservableTest, Urls) {
  EXPECT_EQ(Norm("url", "value", "HTTP://Evil.Example:80"), "http://evil.example/");
  EXPECT_EQ(Norm("url", "value", "https://evil.example:443/a"), "https://evil.example/a");
  EXPECT_EQ(Norm("url", "value", "https://evil.example:8443/a"), "https://evil.example:8443/a");
  EXPECT_EQ(Norm("url", "value", "http://evil.example:443/"), "http://evil.example:443/");
  EXPECT_EQ(Norm("url", "value", "http://evil.example:/"), "http://evil.example/");
  EXPECT_EQ(Norm("url", "value", "http://evil.example.:080/x"), "http://evil.example/x");
  EXPECT_EQ(Norm("url", "value", "http://evil.example/%7efoo/%2fbar%3a?q=%41%2f%zz#Frag"),
            "http://evil.example/~foo/%2Fbar%3A?q=A%2F%zz#Frag");
  EXPECT_EQ(Norm("url", "value", "http://evil.example/Path/../X?Q=A B"),
            "http://evil.example/Path/../X?Q=A%20B");
  EXPECT_EQ(Norm("url", "value", "http://bücher.example/ä"), "http://xn--bcher-kva.example/%C3%A4");
  EXPECT_EQ(Norm("url", "value", "http://User:Pw@EVIL.example/"), "http://User:Pw@evil.example/");
  EXPECT_EQ(Norm("url", "value", "http://[2001:DB8::0001]:80/"), "http://[2001:db8::1]/");
  EXPECT_EQ(Norm("url", "value", "http://[2001:db8::1]:8080"), "http://[2001:db8::1]:8080/");
  EXPECT_EQ(Norm("url", "value", "http://192.0.2.1:8080/a"), "http://192.0.2.1:8080/a");
  EXPECT_EQ(Norm("url", "value", "http://evil.example?x"), "http://evil.example/?x");
  EXPECT_EQ(Norm("url", "value", "MAILTO:Someone@Example.com"), "mailto:Someone@Example.com");
  EXPECT_EQ(Norm("url", "value", "file:///etc/passwd"), "file:///etc/passwd");
  for (const char* bad :
       {"evil.example/path", "://evil.example", "http://", "http:///x", "http://evil example/",
        "http://evil.example:99999/", "http://evil.example:8o/", "http://[2001:db8::1/",
        "http://999.1.1.1/", "http://evil.example/\n", "1http://x.example/"}) {
    EXPECT_TRUE(Rejected("url", "value", bad)) << bad;
  }
}

TEST(StixObservableTest, EmailAddresses) {
  EXPECT_EQ(Norm("email-addr", "value", "John.Doe@Example.COM"), "John.Doe@example.com");
  EXPECT_EQ(Norm("email-addr", "value", "info@bücher.example"), "info@xn--bcher-kva.example");
  EXPECT_EQ(Norm("email-addr", "value", "\"a@b\"@example.com"), "\"a@b\"@example.com");
  EXPECT_EQ(Norm("email-addr", "value", "x@[192.0.2.1]"), "x@[192.0.2.1]");
  EXPECT_EQ(Norm("email-addr", "value", "x@[IPv6:2001:DB8::1]"), "x@[IPv6:2001:db8::1]");
  for (const char* bad : {"no-at-sign", "@example.com", "user@", "us er@example.com",
                          "user@exa mple.com", "user@[999.1.1.1]", "user@-x.example"}) {
    EXPECT_TRUE(Rejected("email-addr", "value", bad)) << bad;
  }
}

TEST(StixObservableTest, Hashes) {
  const std::string sha256(64, 'A');
  auto hash = NormaliseObservable("file", "hashes.'SHA-256'", sha256);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->kind, ObservableKind::kHash);
  EXPECT_EQ(hash->value, std::string(64, 'a'));
  EXPECT_EQ(hash->path, "hashes.'SHA-256'");
  EXPECT_EQ(hash->Key(), "sha-256:" + std::string(64, 'a'));
  // Other spellings of the algorithm name the same hash.
  for (const char* path :
       {"hashes.SHA256", "hashes.sha256", "hashes.'sha-256'", "hashes.SHA_256"}) {
    auto other = NormaliseObservable("file", path, sha256);
    ASSERT_TRUE(other.ok()) << path;
    EXPECT_EQ(other->Key(), hash->Key()) << path;
  }
  EXPECT_EQ(Norm("file", "hashes.MD5", "D41D8CD98F00B204E9800998ECF8427E"),
            "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Norm("file", "hashes.'SHA-1'", std::string(40, 'f')), std::string(40, 'f'));
  EXPECT_EQ(Norm("file", "hashes.'SHA-512'", std::string(128, '0')), std::string(128, '0'));
  EXPECT_EQ(Norm("file", "hashes.'SHA3-256'", std::string(64, 'b')), std::string(64, 'b'));
  EXPECT_EQ(Norm("x509-certificate", "hashes.'SHA-1'", std::string(40, 'C')), std::string(40, 'c'));
  EXPECT_TRUE(Rejected("file", "hashes.MD5", std::string(31, 'a')));
  EXPECT_TRUE(Rejected("file", "hashes.MD5", std::string(33, 'a')));
  EXPECT_TRUE(Rejected("file", "hashes.MD5", std::string(31, 'a') + "g"));
  EXPECT_TRUE(Rejected("file", "hashes.'SHA-256'", std::string(40, 'a')));  // a SHA-1
  EXPECT_TRUE(Rejected("file", "hashes.'SHA-1'", ""));
  EXPECT_THAT(Norm("file", "hashes.'SHA-256'", "f00"), HasSubstr("64 hex digits"));
  // Fuzzy hashes are kept as written.
  auto ssdeep =
      NormaliseObservable("file", "hashes.SSDEEP", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C");
  ASSERT_TRUE(ssdeep.ok());
  EXPECT_EQ(ssdeep->kind, ObservableKind::kHash);
  EXPECT_EQ(ssdeep->value, "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C");
  EXPECT_EQ(ssdeep->Key(), "ssdeep:3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C");
  auto tlsh = NormaliseObservable("file", "hashes.TLSH", "T1ABCD");
  ASSERT_TRUE(tlsh.ok());
  EXPECT_EQ(tlsh->Key(), "tlsh:T1ABCD");
  // An algorithm outside the vocabulary is a literal.
  auto custom = NormaliseObservable("file", "hashes.'x-crc32'", "ABCD");
  ASSERT_TRUE(custom.ok());
  EXPECT_EQ(custom->kind, ObservableKind::kOther);
  EXPECT_EQ(custom->Key(), "file:hashes.'x-crc32'=ABCD");
}

TEST(StixObservableTest, OtherPathsAreLiterals) {
  auto name = NormaliseObservable("file", "name", "Evil.EXE");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->kind, ObservableKind::kOther);
  EXPECT_EQ(name->Key(), "file:name=Evil.EXE");
  auto mac = NormaliseObservable("mac-addr", "value", "00-1A-2B-3C-4D-5E");
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(mac->value, "00:1a:2b:3c:4d:5e");
  EXPECT_TRUE(Rejected("mac-addr", "value", "00:1a:2b"));
  EXPECT_TRUE(Rejected("file", "not a path", "x"));
  EXPECT_TRUE(Rejected("Bad_Type", "value", "x"));
}

TEST(StixObservableTest, ReferencesResolveToTheReferencedObject) {
  auto from = NormaliseObservable("email-message", "from_ref.value", "Boss@Example.COM");
  ASSERT_TRUE(from.ok());
  EXPECT_EQ(from->kind, ObservableKind::kEmail);
  EXPECT_EQ(from->type, "email-addr");
  EXPECT_EQ(from->path, "value");
  EXPECT_EQ(from->Key(), "email:Boss@example.com");
  auto dst = NormaliseObservable("network-traffic", "dst_ref.value", "203.0.113.33/32");
  ASSERT_TRUE(dst.ok());
  EXPECT_EQ(dst->Key(), "ipv4:203.0.113.33");
  EXPECT_EQ(dst->type, "ipv4-addr");
  auto dst6 = NormaliseObservable("network-traffic", "dst_ref.value", "2001:DB8::1");
  ASSERT_TRUE(dst6.ok());
  EXPECT_EQ(dst6->Key(), "ipv6:2001:db8::1");
  auto dst_name = NormaliseObservable("network-traffic", "src_ref.value", "C2.Example");
  ASSERT_TRUE(dst_name.ok());
  EXPECT_EQ(dst_name->Key(), "domain:c2.example");
  auto resolved = NormaliseObservable("domain-name", "resolves_to_refs[*].value", "198.51.100.1");
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->Key(), "ipv4:198.51.100.1");
  EXPECT_TRUE(Rejected("network-traffic", "dst_ref.value", "999.1.1.1"));
}

TEST(StixObservableTest, ObservablesOfPatternCommonKinds) {
  EXPECT_THAT(KeysOfPattern("[domain-name:value = 'Evil.Example.']"),
              ElementsAre("domain:evil.example"));
  EXPECT_THAT(KeysOfPattern("[url:value = 'HTTP://Evil.Example:80'] OR [url:value = "
                            "'http://evil.example/']"),
              ElementsAre("url:http://evil.example/"));
  EXPECT_THAT(KeysOfPattern("[ipv4-addr:value IN ('10.0.0.1', '10.0.0.0/8')] FOLLOWEDBY "
                            "[ipv6-addr:value = '2001:db8::/32'] WITHIN 60 SECONDS"),
              ElementsAre("ipv4:10.0.0.1", "ipv4:10.0.0.0/8", "ipv6:2001:db8::/32"));
  EXPECT_THAT(
      KeysOfPattern("[file:hashes.'SHA-256' = "
                    "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' OR "
                    "file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']"),
      ElementsAre("sha-256:aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f",
                  "md5:cead3f77f6cda6ec00f57d76c9a6879f"));
  EXPECT_THAT(KeysOfPattern("[email-message:from_ref.value = 'a@Example.com' AND "
                            "email-message:to_refs[*].value = 'b@example.com']"),
              ElementsAre("email:a@example.com", "email:b@example.com"));
  EXPECT_THAT(KeysOfPattern("[network-traffic:dst_ref.type = 'ipv4-addr' AND "
                            "network-traffic:dst_ref.value = '203.0.113.33/32']"),
              ElementsAre("network-traffic:dst_ref.type=ipv4-addr", "ipv4:203.0.113.33"));
  EXPECT_THAT(KeysOfPattern("[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:"
                            "0000:0000:0000/64']"),
              ElementsAre("ipv6:2001:db8:dead:beef::/64"));
  EXPECT_THAT(KeysOfPattern("[x509-certificate:hashes.'SHA-1' = "
                            "'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']"),
              ElementsAre("sha-1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
  EXPECT_THAT(KeysOfPattern("[file:size = 1280 AND file:name = 'a.exe']"),
              ElementsAre("file:size=1280", "file:name=a.exe"));
}

TEST(StixObservableTest, ObservablesOfPatternSkipsTestsThatAreNotEquality) {
  EXPECT_THAT(KeysOfPattern("[domain-name:value != 'a.example' AND domain-name:value NOT = "
                            "'b.example' AND domain-name:value NOT IN ('c.example') AND "
                            "domain-name:value LIKE '%.example' AND domain-name:value MATCHES "
                            "'^x' AND file:size > 10 AND EXISTS file:name AND "
                            "ipv4-addr:value NOT ISSUBSET '10.0.0.0/8' AND "
                            "ipv4-addr:value ISSUPERSET '10.0.0.0/8']"),
              IsEmpty());
}

TEST(StixObservableTest, ValuesThatDoNotNormaliseAreReported) {
  auto found = ObservablesOfPatternWithRejects(
      "[ipv4-addr:value = '999.1.1.1' OR ipv4-addr:value = '10.0.0.1' OR "
      "file:hashes.'SHA-256' = 'f00' OR domain-name:value = 1]");
  ASSERT_TRUE(found.ok());
  EXPECT_THAT(Keys(found->observables), ElementsAre("ipv4:10.0.0.1"));
  ASSERT_EQ(found->rejected.size(), 3u);
  EXPECT_EQ(found->rejected[0].type, "ipv4-addr");
  EXPECT_EQ(found->rejected[0].path, "value");
  EXPECT_EQ(found->rejected[0].value, "999.1.1.1");
  EXPECT_THAT(found->rejected[0].reason, HasSubstr("IPv4"));
  EXPECT_EQ(found->rejected[1].path, "hashes.'SHA-256'");
  EXPECT_EQ(found->rejected[2].value, "1");
  EXPECT_THAT(found->rejected[2].reason, HasSubstr("string"));
}

TEST(StixObservableTest, ObservablesOfPatternNamesTheSyntaxError) {
  auto found = ObservablesOfPattern("[domain-name:value = 'x'");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(found.error().safe_message(), "position 24: expected ']'");
}

TEST(StixObservableTest, ObservablesOfSco) {
  EXPECT_THAT(Keys(ObservablesOfSco(Json::parse(
                  R"({"type":"domain-name","id":"domain-name--1","value":"Evil.Example"})"))),
              ElementsAre("domain:evil.example"));
  EXPECT_THAT(Keys(ObservablesOfSco(Json::parse(R"({"type":"ipv4-addr","value":"10.0.0.0/8"})"))),
              ElementsAre("ipv4:10.0.0.0/8"));
  EXPECT_THAT(Keys(ObservablesOfSco(Json::parse(R"({"type":"url","value":"HTTP://A.example"})"))),
              ElementsAre("url:http://a.example/"));
  EXPECT_THAT(
      Keys(ObservablesOfSco(Json::parse(R"({"type":"email-addr","value":"x@Example.com"})"))),
      ElementsAre("email:x@example.com"));
  EXPECT_THAT(Keys(ObservablesOfSco(Json::parse(
                  R"({"type":"file","name":"a.exe","size":10,
                      "hashes":{"MD5":"CEAD3F77F6CDA6EC00F57D76C9A6879F","SHA-1":"short",
                                "x-custom":"abc"}})"))),
              ElementsAre("md5:cead3f77f6cda6ec00f57d76c9a6879f", "file:hashes.'x-custom'=abc",
                          "file:name=a.exe"));
  EXPECT_THAT(Keys(ObservablesOfSco(Json::parse(R"({"type":"autonomous-system","number":15169})"))),
              ElementsAre("autonomous-system:number=15169"));
  // The same fact from a pattern and from an SCO has the same key.
  EXPECT_THAT(KeysOfPattern("[autonomous-system:number = 15169]"),
              ElementsAre("autonomous-system:number=15169"));
  // Nothing to take, or not an SCO at all: empty, never a crash.
  EXPECT_THAT(ObservablesOfSco(Json::parse(R"({"type":"process","pid":4})")), IsEmpty());
  EXPECT_THAT(ObservablesOfSco(Json::parse(R"({"type":"ipv4-addr","value":"999.1.1.1"})")),
              IsEmpty());
  EXPECT_THAT(ObservablesOfSco(Json::parse(R"({"type":5,"value":"a.example"})")), IsEmpty());
  EXPECT_THAT(ObservablesOfSco(Json::parse(R"([1,2])")), IsEmpty());
  EXPECT_THAT(ObservablesOfSco(Json::parse(R"({"type":"file","hashes":[1]})")), IsEmpty());
}

}  // namespace
}  // namespace fincyber::stix
