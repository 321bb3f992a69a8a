#include "app/demo_seed.h"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>

namespace fincyber::app {
namespace {

using identity::OrgKind;
using identity::Role;

// Invented place-like names, paired Japanese / romanised.
constexpr std::pair<const char*, const char*> kNames[] = {
    {"東雲", "Shinonome"}, {"暁", "Akatsuki"},   {"翠嶺", "Suirei"},   {"白鷺", "Shirasagi"},
    {"青嵐", "Seiran"},   {"朱雀", "Suzaku"},     {"若葉", "Wakaba"},   {"桔梗", "Kikyo"},
    {"碧海", "Hekikai"},  {"銀河", "Ginga"},      {"千歳", "Chitose"},  {"花梨", "Karin"},
    {"琥珀", "Kohaku"},   {"瑠璃", "Ruri"},       {"茜", "Akane"},      {"藤波", "Fujinami"},
    {"柊", "Hiiragi"},    {"楓", "Kaede"},        {"朝凪", "Asanagi"},  {"夕凪", "Yunagi"},
    {"潮騒", "Shiosai"},  {"風早", "Kazahaya"},   {"星野", "Hoshino"},  {"月影", "Tsukikage"},
    {"天空", "Tenku"},    {"大河", "Taiga"},      {"深山", "Miyama"},   {"清流", "Seiryu"},
    {"葵", "Aoi"},        {"菫", "Sumire"},       {"椿", "Tsubaki"},    {"橘", "Tachibana"},
    {"萌黄", "Moegi"},    {"紺碧", "Konpeki"},    {"黎明", "Reimei"},   {"曙", "Akebono"},
    {"彩雲", "Saiun"},    {"飛鳥", "Asuka"},      {"雲雀", "Hibari"},   {"山吹", "Yamabuki"},
};

struct SectorPlan {
  const char* code;
  const char* username_prefix;
  int count;
  const char* suffix_ja;
  const char* suffix_en;
  // Own size tiers, in numbering order: the first `large` institutions are large, the
  // next `medium` medium, the next `small` small; any left take their category's default.
  int large;
  int medium;
  int small;
};

constexpr SectorPlan kPlan[] = {
    {"major_bank", "mb", 5, "フィナンシャル銀行", "Financial Bank", 5, 0, 0},
    {"regional_bank", "rb", 25, "銀行", "Bank", 4, 15, 6},
    {"second_regional_bank", "sr", 12, "第二銀行", "Second Bank", 0, 4, 8},
    {"shinkin_bank", "sk", 20, "信用金庫", "Shinkin Bank", 0, 3, 17},
    {"credit_cooperative", "cc", 10, "信用組合", "Credit Cooperative", 0, 0, 0},
    {"securities", "sec", 15, "証券", "Securities", 3, 6, 6},
    {"life_insurance", "li", 8, "生命保険", "Life Insurance", 3, 5, 0},
    {"nonlife_insurance", "nl", 8, "損害保険", "Fire & Marine Insurance", 3, 3, 2},
    {"market_infrastructure", "mi", 6, "", "", 4, 2, 0},
    {"funds_transfer", "ft", 6, "ペイメント", "Payments", 0, 2, 4},
    {"crypto_asset", "ca", 5, "デジタルアセット取引所", "Digital Asset Exchange", 0, 1, 4},
};

// The own size tier of the plan's `number`th institution (from 1), if it has one.
std::optional<std::string> PlannedSizeTier(const SectorPlan& plan, int number) {
  if (number <= plan.large) return "large";
  if (number <= plan.large + plan.medium) return "medium";
  if (number <= plan.large + plan.medium + plan.small) return "small";
  return std::nullopt;
}

// Market infrastructures have names of their own.
constexpr std::pair<const char*, const char*> kInfrastructures[] = {
    {"東都証券取引所", "Toto Stock Exchange"},
    {"中央証券清算機構", "Central Securities Clearing Corporation"},
    {"全国資金決済ネットワーク", "National Funds Settlement Network"},
    {"証券保管振替センター", "Securities Depository Center"},
    {"西都商品取引所", "Saito Commodity Exchange"},
    {"電子手形交換機構", "Electronic Clearing House"},
};

struct BureauPlan {
  const char* key;
  const char* name_ja;
  const char* name_en;
};

constexpr BureauPlan kBureaus[] = {
    {"coordination", "サイバーセキュリティ対策企画調整室", "Cybersecurity Coordination Office"},
    {"supervision", "監督局", "Supervision Bureau"},
    {"inspection", "検査局", "Inspection Bureau"},
    {"markets", "市場局", "Markets Bureau"},
    {"disclosure", "企画市場局 企業開示課", "Corporate Disclosure Division"},
    {"it_office", "IT室", "IT Office"},
    {"international", "国際室", "International Office"},
    {"surveillance", "証券取引等監視部", "Securities Surveillance Department"},
};

}  // namespace

Result<std::vector<DemoLogin>> SeedDemoSector(accounts::AccountsService& service,
                                              const std::string& password) {
  const identity::Principal op = identity::OperatorPrincipal();
  const accounts::RequestInfo info{"demo-seed", ""};
  std::vector<DemoLogin> logins;

  FC_ASSIGN_OR_RETURN(auto regulator,
                      service.CreateOrg(op, {OrgKind::kRegulator, {}, "金融当局",
                                             "Financial Regulator", {}},
                                        info));
  std::map<std::string, identity::Org> bureaus;
  for (const auto& b : kBureaus) {
    FC_ASSIGN_OR_RETURN(bureaus[b.key], service.CreateOrg(op, {OrgKind::kBureau, {}, b.name_ja,
                                                               b.name_en, regulator.id},
                                                          info));
  }
  FC_ASSIGN_OR_RETURN(auto isac, service.CreateOrg(op, {OrgKind::kIsac, {}, "金融情報共有センター",
                                                        "Financial Sector ISAC", {}},
                                                   info));

  auto add_user = [&](const identity::Org& org, std::string username, std::string display,
                      Role role, bool print) -> Status {
    FC_RETURN_IF_ERROR(service.CreateUser(
        op, {org.id, username, std::move(display), role, password, "ja"}, info));
    if (print) logins.push_back({username, std::string(identity::RoleName(role)), org.name_en});
    return OkStatus();
  };
  FC_RETURN_IF_ERROR(add_user(bureaus["coordination"], "coord", "調整室 担当者",
                              Role::kCoordinationOffice, true));
  FC_RETURN_IF_ERROR(add_user(regulator, "auditor", "監査 担当者", Role::kAuditor, true));
  FC_RETURN_IF_ERROR(add_user(regulator, "evaluator", "演習評価 担当者", Role::kEvaluator, true));
  FC_RETURN_IF_ERROR(add_user(bureaus["supervision"], "supervisor", "監督局 担当者",
                              Role::kBureauStaff, true));
  FC_RETURN_IF_ERROR(add_user(bureaus["markets"], "markets", "市場局 担当者", Role::kBureauStaff,
                              true));
  FC_RETURN_IF_ERROR(add_user(bureaus["inspection"], "inspector", "検査局 担当者",
                              Role::kBureauStaff, true));
  FC_RETURN_IF_ERROR(add_user(isac, "isac", "ISAC アナリスト", Role::kIsacAnalyst, true));
  FC_RETURN_IF_ERROR(add_user(isac, "exercise", "演習統制 担当者", Role::kExerciseController,
                              true));

  std::size_t name_index = 0;
  for (const auto& plan : kPlan) {
    for (int i = 1; i <= plan.count; ++i) {
      identity::NewOrg org{OrgKind::kInstitution, std::string(plan.code), "", "", {},
                           PlannedSizeTier(plan, i)};
      if (std::string_view(plan.code) == "market_infrastructure") {
        org.name_ja = kInfrastructures[i - 1].first;
        org.name_en = kInfrastructures[i - 1].second;
      } else {
        const auto& name = kNames[name_index++ % std::size(kNames)];
        org.name_ja = fmt::format("{}{}", name.first, plan.suffix_ja);
        org.name_en = fmt::format("{} {}", name.second, plan.suffix_en);
      }
      FC_ASSIGN_OR_RETURN(auto created, service.CreateOrg(op, org, info));
      const std::string code = fmt::format("{}{:02}", plan.username_prefix, i);
      const bool print = i == 1;
      FC_RETURN_IF_ERROR(add_user(created, code + ".admin", org.name_ja + " 管理者",
                                  Role::kInstitutionAdmin, print));
      FC_RETURN_IF_ERROR(add_user(created, code + ".member", org.name_ja + " 担当者",
                                  Role::kInstitutionMember, print && plan.code == kPlan[0].code));

      // Who supervises whom, roughly as in the regulator's organisation.
      const std::string_view sector = plan.code;
      std::vector<std::string> supervisors{"inspection"};
      if (sector == "securities" || sector == "market_infrastructure") {
        supervisors.push_back("markets");
        supervisors.push_back("surveillance");
      } else {
        supervisors.push_back("supervision");
      }
      for (const auto& key : supervisors) {
        FC_RETURN_IF_ERROR(service.AddSupervision(op, bureaus[key].id, created.id, info));
      }
    }
  }
  return logins;
}

}  // namespace fincyber::app
