#include "app/demo_sharing_seed.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <random>

#include "base/crypto.h"
#include "identity/directory.h"
#include "stix/tlp.h"

namespace fincyber::app {
namespace {

using identity::OrgKind;

constexpr const char* kBrands[] = {"shinonome", "akatsuki", "suirei", "shirasagi", "seiran",
                                   "suzaku",    "wakaba",   "kikyo",  "hekikai",   "ginga",
                                   "chitose",   "kohaku",   "ruri",   "fujinami",  "kaede"};
constexpr const char* kLures[] = {"netbank-login", "secure-verify",  "account-update",
                                  "card-support",  "point-campaign", "otp-confirm",
                                  "direct-signin", "security-check"};
constexpr const char* kTlds[] = {"example", "test"};

// Campaigns the indicators belong to: Japanese and English, as members would write them.
struct Campaign {
  const char* name_ja;
  const char* name_en;
  const char* kind;  // which observable its indicators carry
};
constexpr Campaign kCampaigns[] = {
    {"インターネットバンキング利用者を狙うフィッシング", "Phishing against internet banking users",
     "domain"},
    {"ワンタイムパスワード窃取を狙う偽サイト", "Fake sites harvesting one-time passwords", "url"},
    {"不正送金マルウェアの通信先", "Banking trojan command and control", "ipv4"},
    {"証券口座の乗っ取り (リスト型攻撃)", "Securities account takeover (credential stuffing)",
     "ipv4"},
    {"請求書を装ったマルウェア付きメール", "Invoice-themed malspam", "sha256"},
    {"暗号資産交換業者を装うSMSフィッシング", "Smishing impersonating crypto-asset exchanges",
     "domain"},
    {"ランサムウェア攻撃者の送信元", "Ransomware operator infrastructure", "ipv6"},
    {"サポート詐欺のメール送信元", "Tech-support scam senders", "email"},
};

struct MalwarePlan {
  const char* name;
  const char* type;
  const char* description;
};
constexpr MalwarePlan kMalware[] = {
    {"SakuraStealer", "spyware",
     "ブラウザの認証情報とOTPを窃取する / steals browser credentials and OTPs"},
    {"HarborRAT", "remote-access-trojan", "遠隔操作型トロイの木馬 / remote-access trojan"},
    {"NetBankInjector", "trojan",
     "オンラインバンキング画面への不正注入 / web injects for online banking"},
    {"KoiLocker", "ransomware", "二重恐喝型ランサムウェア / double-extortion ransomware"},
};
constexpr const char* kActors[] = {"Kagerou Group (陽炎)", "Silent Carp", "Tide Spider"};

// Everything generated comes from one seeded engine, so the demo is the same each time.
class Generator {
 public:
  explicit Generator(stix::Timestamp now) : now_(now) {}

  std::string Domain() {
    return fmt::format("{}-{}{}.{}", Pick(kBrands), Pick(kLures), Number(1, 99), Pick(kTlds));
  }
  std::string Ipv4() {
    constexpr const char* kRanges[] = {"192.0.2", "198.51.100", "203.0.113"};
    return fmt::format("{}.{}", Pick(kRanges), Number(1, 254));
  }
  std::string Ipv6() {
    return fmt::format("2001:db8:{:x}::{:x}", Number(1, 0xffff), Number(1, 0xffff));
  }
  std::string Sha256() {
    std::string hex;
    for (int i = 0; i < 8; ++i) hex += fmt::format("{:08x}", static_cast<std::uint32_t>(engine_()));
    return hex;
  }
  int Number(int low, int high) { return std::uniform_int_distribution<int>(low, high)(engine_); }
  template <typename T, std::size_t N>
  const T& Pick(const T (&list)[N]) {
    return list[static_cast<std::size_t>(Number(0, static_cast<int>(N) - 1))];
  }
  // A time within the last `days` days.
  stix::Timestamp DaysAgo(int days) {
    return now_ - static_cast<stix::Timestamp>(Number(1, days * 24)) * 3'600'000'000LL;
  }
  stix::Timestamp now() const { return now_; }

 private:
  std::mt19937 engine_{20260401};
  stix::Timestamp now_;
};

std::string Time(stix::Timestamp t) { return stix::FormatTimestamp(t); }

std::string PatternOf(const std::string& kind, const std::string& value) {
  if (kind == "domain") return fmt::format("[domain-name:value = '{}']", value);
  if (kind == "url") return fmt::format("[url:value = '{}']", value);
  if (kind == "ipv4") return fmt::format("[ipv4-addr:value = '{}']", value);
  if (kind == "ipv6") return fmt::format("[ipv6-addr:value = '{}']", value);
  if (kind == "email") return fmt::format("[email-addr:value = '{}']", value);
  return fmt::format("[file:hashes.'SHA-256' = '{}']", value);
}

std::string ValueOf(Generator& g, const std::string& kind) {
  if (kind == "domain") return g.Domain();
  if (kind == "url")
    return fmt::format("https://{}/login/verify.php?session={}", g.Domain(), g.Number(1000, 9999));
  if (kind == "ipv4") return g.Ipv4();
  if (kind == "ipv6") return g.Ipv6();
  if (kind == "email") return fmt::format("support{}@{}", g.Number(1, 9), g.Domain());
  return g.Sha256();
}

Json Indicator(Generator& g, const Campaign& campaign, const std::string& value,
               const std::string& kind) {
  const stix::Timestamp created = g.DaysAgo(60);
  return {{"type", "indicator"},
          {"spec_version", "2.1"},
          {"id", "indicator--" + NewUuid()},
          {"created", Time(created)},
          {"modified", Time(created)},
          {"name", fmt::format("{} / {}", campaign.name_ja, campaign.name_en)},
          {"description", fmt::format("{}: {}", kind, value)},
          {"indicator_types", {"malicious-activity"}},
          {"pattern", PatternOf(kind, value)},
          {"pattern_type", "stix"},
          {"valid_from", Time(created)},
          {"labels", {campaign.name_en}}};
}

Json Relationship(Generator& g, const std::string& type, const std::string& source,
                  const std::string& target) {
  const std::string created = Time(g.DaysAgo(30));
  return {{"type", "relationship"}, {"spec_version", "2.1"}, {"id", "relationship--" + NewUuid()},
          {"created", created},     {"modified", created},   {"relationship_type", type},
          {"source_ref", source},   {"target_ref", target}};
}

Json Sighting(Generator& g, const std::string& of) {
  const stix::Timestamp first = g.DaysAgo(20);
  const std::string created = Time(g.now());
  return {{"type", "sighting"},
          {"spec_version", "2.1"},
          {"id", "sighting--" + NewUuid()},
          {"created", created},
          {"modified", created},
          {"sighting_of_ref", of},
          {"count", g.Number(1, 40)},
          {"first_seen", Time(first)},
          {"last_seen",
           Time(std::min<stix::Timestamp>(g.now(), first + 86'400'000'000LL * g.Number(0, 5)))}};
}

// The sector as SeedDemoSector made it, with a principal for each user.
struct Sector {
  identity::Org regulator, coordination, isac;
  std::vector<identity::Org> bureaus;
  std::vector<identity::Org> institutions;
  std::map<std::string, std::vector<identity::Org>> by_category;
  std::map<std::string, identity::Principal> member_of_org;  // org id → its member user
  identity::Principal coord, isac_analyst;
};

identity::Principal PrincipalOf(const identity::User& user, const identity::Org& org) {
  identity::Principal p;
  p.user_id = user.id;
  p.username = user.username;
  p.display_name = user.display_name;
  p.org_id = org.id;
  p.org_kind = org.kind;
  p.role = user.role;
  p.locale = user.locale;
  return p;
}

Result<Sector> LoadSector(accounts::AccountsService& accounts) {
  const identity::Principal op = identity::OperatorPrincipal();
  identity::OrgQuery query;
  query.limit = 1000;
  FC_ASSIGN_OR_RETURN(auto orgs, accounts.ListOrgs(op, query));
  Sector s;
  for (const auto& org : orgs.items) {
    switch (org.kind) {
      case OrgKind::kRegulator:
        s.regulator = org;
        break;
      case OrgKind::kIsac:
        s.isac = org;
        break;
      case OrgKind::kBureau:
        s.bureaus.push_back(org);
        if (org.name_en == "Cybersecurity Coordination Office") s.coordination = org;
        break;
      case OrgKind::kInstitution:
        s.institutions.push_back(org);
        s.by_category[org.sector.value_or("")].push_back(org);
        break;
    }
  }
  if (s.isac.id.empty() || s.coordination.id.empty() || s.institutions.empty()) {
    return FailedPrecondition("the demo sector must be seeded before its sharing hub");
  }
  auto users_of = [&](const identity::Org& org) { return accounts.ListUsers(op, org.id); };
  for (const auto& org : s.institutions) {
    FC_ASSIGN_OR_RETURN(auto users, users_of(org));
    for (const auto& u : users.items) {
      if (u.role == identity::Role::kInstitutionMember)
        s.member_of_org[org.id] = PrincipalOf(u, org);
    }
  }
  FC_ASSIGN_OR_RETURN(auto isac_users, users_of(s.isac));
  for (const auto& u : isac_users.items) {
    if (u.role == identity::Role::kIsacAnalyst) s.isac_analyst = PrincipalOf(u, s.isac);
  }
  FC_ASSIGN_OR_RETURN(auto coord_users, users_of(s.coordination));
  for (const auto& u : coord_users.items) {
    if (u.role == identity::Role::kCoordinationOffice) s.coord = PrincipalOf(u, s.coordination);
  }
  if (s.isac_analyst.user_id.empty() || s.coord.user_id.empty()) {
    return FailedPrecondition("the demo sector has no ISAC analyst or coordination office user");
  }
  return s;
}

}  // namespace

Result<DemoSharingSummary> SeedDemoSharing(accounts::AccountsService& accounts,
                                           sharing::SharingService& hub, const Clock& clock) {
  FC_ASSIGN_OR_RETURN(Sector s, LoadSector(accounts));
  DemoSharingSummary summary;
  const identity::Principal op = identity::OperatorPrincipal();
  const accounts::RequestInfo account_info{"demo-seed", ""};
  const sharing::RequestInfo info{"demo-seed", ""};

  // Trust groups.
  auto group = [&](std::string ja, std::string en, std::string description,
                   std::vector<std::string> members) -> Result<identity::TrustGroup> {
    ++summary.groups;
    return accounts.CreateGroup(
        op, {std::move(ja), std::move(en), std::move(description), std::move(members)},
        account_info);
  };
  std::vector<std::string> all_members{s.isac.id, s.coordination.id};
  for (const auto& org : s.institutions) all_members.push_back(org.id);
  FC_ASSIGN_OR_RETURN(auto isac_members, group("ISAC会員", "ISAC members",
                                               "全加盟金融機関、ISAC、当局の調整室 / every member "
                                               "institution, the ISAC and the coordination office",
                                               all_members));
  std::vector<std::string> regulator_members{s.regulator.id};
  for (const auto& b : s.bureaus) regulator_members.push_back(b.id);
  FC_ASSIGN_OR_RETURN(auto regulator,
                      group("金融当局", "Regulator", "当局と各局 / the regulator and its bureaus",
                            regulator_members));
  FC_ASSIGN_OR_RETURN(auto partners,
                      group("国内連携機関", "National partners",
                            "国内の関係機関との連携窓口 / liaison with national partners",
                            {s.coordination.id, s.isac.id}));
  (void)partners;
  std::vector<std::pair<identity::Sector, identity::TrustGroup>> ceptoars;
  for (const auto& sector : identity::Sectors()) {
    std::vector<std::string> members{s.isac.id, s.coordination.id};
    for (const auto& org : s.by_category[sector.code]) members.push_back(org.id);
    FC_ASSIGN_OR_RETURN(
        auto g, group(sector.name_ja + " CEPTOAR", sector.name_en + " CEPTOAR",
                      "業界内の情報共有 / information sharing within the category", members));
    ceptoars.emplace_back(sector, std::move(g));
  }

  // Collections, created by the ISAC's curator.
  auto collection = [&](sharing::NewCollection c) -> Result<sharing::Collection> {
    ++summary.collections;
    return hub.CreateCollection(s.isac_analyst, c, info);
  };
  FC_ASSIGN_OR_RETURN(
      auto isac_indicators,
      collection({"ISAC: indicators", "加盟機関が共有する指標 / indicators shared by members",
                  "isac-indicators", isac_members.id, isac_members.id, stix::Tlp::kGreen}));
  // Written by the regulator (the coordination office is in both groups), read by all.
  FC_ASSIGN_OR_RETURN(
      auto early_warnings,
      collection({"早期警戒 / Early warnings",
                  "当局からの早期警戒情報 / early warnings from the regulator", "early-warnings",
                  isac_members.id, regulator.id, stix::Tlp::kAmber}));

  auto add = [&](const identity::Principal& who, const sharing::Collection& into,
                 const std::vector<Json>& objects) -> Status {
    std::vector<sharing::IncomingObject> incoming;
    incoming.reserve(objects.size());
    for (const auto& o : objects) incoming.push_back({o, DumpJson(o)});
    FC_ASSIGN_OR_RETURN(auto report, hub.AddObjects(who, into.id, incoming, info));
    if (!report.failures.empty()) {
      return Internal(fmt::format("demo object {} refused: {}", report.failures[0].id,
                                  report.failures[0].message));
    }
    summary.objects += static_cast<std::int64_t>(report.successes.size());
    return OkStatus();
  };

  Generator g(std::chrono::duration_cast<std::chrono::microseconds>(clock.Now().time_since_epoch())
                  .count());

  // Malware and threat actors, described by the ISAC.
  std::vector<Json> catalogue;
  std::vector<std::string> malware_ids, actor_ids;
  for (const auto& m : kMalware) {
    const std::string created = Time(g.DaysAgo(90));
    catalogue.push_back({{"type", "malware"},
                         {"spec_version", "2.1"},
                         {"id", "malware--" + NewUuid()},
                         {"created", created},
                         {"modified", created},
                         {"name", m.name},
                         {"description", m.description},
                         {"malware_types", {m.type}},
                         {"is_family", true}});
    malware_ids.push_back(catalogue.back()["id"]);
  }
  for (const char* name : kActors) {
    const std::string created = Time(g.DaysAgo(90));
    catalogue.push_back({{"type", "threat-actor"},
                         {"spec_version", "2.1"},
                         {"id", "threat-actor--" + NewUuid()},
                         {"created", created},
                         {"modified", created},
                         {"name", name},
                         {"threat_actor_types", {"crime-syndicate"}}});
    actor_ids.push_back(catalogue.back()["id"]);
  }
  for (std::size_t i = 0; i < malware_ids.size(); ++i) {
    catalogue.push_back(Relationship(g, "uses", actor_ids[i % actor_ids.size()], malware_ids[i]));
  }
  FC_RETURN_IF_ERROR(add(s.isac_analyst, isac_indicators, catalogue));

  // Indicators from the first two institutions of each category, each tied to a
  // malware family or an actor.
  std::vector<std::pair<identity::Principal, std::vector<std::string>>> posted;
  for (const auto& [category, orgs] : s.by_category) {
    for (std::size_t k = 0; k < orgs.size() && k < 2; ++k) {
      const identity::Principal& poster = s.member_of_org.at(orgs[k].id);
      std::vector<Json> objects;
      std::vector<std::string> ids;
      for (int n = 0; n < 12; ++n) {
        const Campaign& campaign = g.Pick(kCampaigns);
        objects.push_back(Indicator(g, campaign, ValueOf(g, campaign.kind), campaign.kind));
        ids.push_back(objects.back()["id"]);
        // Every third indicator points at a malware family or, now and then, an actor.
        if (n % 3 == 0) {
          const std::vector<std::string>& targets = n % 2 == 0 ? malware_ids : actor_ids;
          const auto pick = static_cast<std::size_t>(g.Number(0, int(targets.size()) - 1));
          objects.push_back(Relationship(g, "indicates", ids.back(), targets[pick]));
        }
      }
      FC_RETURN_IF_ERROR(add(poster, isac_indicators, objects));
      posted.emplace_back(poster, std::move(ids));
    }
  }

  // The same phishing domains reported by two banks: the hub correlates them.
  const auto& majors = s.by_category["major_bank"];
  const auto& regionals = s.by_category["regional_bank"];
  for (int n = 0; n < 5 && majors.size() > 2 && regionals.size() > 3; ++n) {
    const std::string domain = g.Domain();
    const Campaign& campaign = kCampaigns[0];
    FC_RETURN_IF_ERROR(add(s.member_of_org.at(majors[2].id), isac_indicators,
                           {Indicator(g, campaign, domain, "domain")}));
    FC_RETURN_IF_ERROR(add(s.member_of_org.at(regionals[3].id), isac_indicators,
                           {Indicator(g, campaign, domain, "domain")}));
  }
  // A member's false positive: the warning lists flag it when it is stored.
  FC_RETURN_IF_ERROR(add(s.member_of_org.at(regionals[4 % regionals.size()].id), isac_indicators,
                         {Indicator(g, kCampaigns[0], "login.microsoftonline.com", "domain")}));

  // Sightings: institutions report seeing others' indicators.
  for (std::size_t n = 0; n < posted.size(); ++n) {
    const std::vector<std::string>& ids = posted[(n + 1) % posted.size()].second;
    const identity::Principal& seer = posted[n].first;
    std::vector<Json> sightings;
    for (int k = 0; k < 2; ++k)
      sightings.push_back(Sighting(g, ids[static_cast<std::size_t>(k * 5)]));
    FC_RETURN_IF_ERROR(add(seer, isac_indicators, sightings));
  }

  // Early warnings from the coordination office: indicators and the reports naming them.
  std::vector<Json> warnings;
  for (int r = 0; r < 3; ++r) {
    const Campaign& campaign = kCampaigns[static_cast<std::size_t>(r * 2)];
    std::vector<std::string> refs;
    for (int n = 0; n < 4; ++n) {
      warnings.push_back(Indicator(g, campaign, ValueOf(g, campaign.kind), campaign.kind));
      refs.push_back(warnings.back()["id"]);
    }
    const std::string published = Time(g.DaysAgo(10));
    warnings.push_back({{"type", "report"},
                        {"spec_version", "2.1"},
                        {"id", "report--" + NewUuid()},
                        {"created", published},
                        {"modified", published},
                        {"published", published},
                        {"name", fmt::format("早期警戒: {} / Early warning: {}", campaign.name_ja,
                                             campaign.name_en)},
                        {"report_types", {"threat-report"}},
                        {"object_refs", refs}});
  }
  FC_RETURN_IF_ERROR(add(s.coord, early_warnings, warnings));

  // One collection per CEPTOAR, with a few indicators from a member of the category.
  for (const auto& [sector, ceptoar] : ceptoars) {
    FC_ASSIGN_OR_RETURN(
        auto c, collection({"CEPTOAR: " + sector.name_en,
                            sector.name_ja + " CEPTOAR の共有情報 / shared within the category",
                            "ceptoar-" + sector.code, ceptoar.id, ceptoar.id, stix::Tlp::kAmber}));
    const auto& orgs = s.by_category[sector.code];
    if (orgs.empty()) continue;
    std::vector<Json> objects;
    for (int n = 0; n < 4; ++n) {
      const Campaign& campaign = g.Pick(kCampaigns);
      objects.push_back(Indicator(g, campaign, ValueOf(g, campaign.kind), campaign.kind));
    }
    FC_RETURN_IF_ERROR(add(s.member_of_org.at(orgs.back().id), c, objects));
  }
  return summary;
}

}  // namespace fincyber::app
