#include "app/demo_survey_seed.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "base/clock.h"
#include "survey/mission_bank.h"
#include "survey/scoring.h"

namespace fincyber::app {
namespace {

using survey::AnswerType;
using survey::Item;

// Typical maturity (0-4) of each business category's answers.
const std::map<std::string, double, std::less<>> kCategoryMaturity = {
    {"major_bank", 3.3},           {"market_infrastructure", 3.4}, {"regional_bank", 2.6},
    {"second_regional_bank", 2.3}, {"shinkin_bank", 1.9},          {"credit_cooperative", 1.6},
    {"securities", 2.7},           {"life_insurance", 2.8},        {"nonlife_insurance", 2.7},
    {"funds_transfer", 2.1},       {"crypto_asset", 2.2},
};

// FNV-1a: stable across compilers and runs, unlike std::hash.
std::uint64_t Hash(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

// A fixed offset in [-1, 1] for `key`.
double Offset(std::string_view key) {
  return static_cast<double>(Hash(key) % 20001) / 10000.0 - 1.0;
}

// The answer an institution of `level` (0-4) gives to `item`; null for items it leaves
// blank (free text and evidence).
Json AnswerFor(const Item& item, double level) {
  const double share = std::clamp(level / 4.0, 0.0, 1.0);
  switch (item.type) {
    case AnswerType::kMaturity:
      return static_cast<int>(std::clamp(std::lround(level), 0L, 4L));
    case AnswerType::kYesNo:
      return level >= 2.4 ? "yes" : level >= 2.0 ? "compensating" : "no";
    case AnswerType::kNumber: {
      const auto& spec = *item.number;
      const double low = spec.met_min.value_or(spec.min);
      const double high = spec.met_max.value_or(spec.max);
      const bool meets = level >= 2.4;
      double value = meets ? low + (high - low) * share : spec.min + (low - spec.min) * share;
      if (!meets && low <= spec.min) value = high + (spec.max - high) * (1 - share);
      return std::round(std::clamp(value, spec.min, spec.max));
    }
    case AnswerType::kSingleChoice: {
      // The choice whose credit is nearest the institution's level (or by rank without
      // credits).
      std::size_t best = 0;
      double best_distance = 2;
      for (std::size_t i = 0; i < item.choices.size(); ++i) {
        const double rank =
            item.choices.size() > 1 ? static_cast<double>(i) / (item.choices.size() - 1) : 1.0;
        const double credit = item.choices[i].credit.value_or(rank);
        const double distance = std::abs(credit - share);
        if (distance < best_distance) {
          best = i;
          best_distance = distance;
        }
      }
      return item.choices[best].id;
    }
    case AnswerType::kMultipleChoice: {
      Json ids = Json::array();
      const auto count = static_cast<std::size_t>(std::lround(share * item.choices.size()));
      for (std::size_t i = 0; i < count; ++i) ids.push_back(item.choices[i].id);
      return ids;
    }
    case AnswerType::kText:
    case AnswerType::kEvidence:
      return nullptr;
  }
  return nullptr;
}

struct Institution {
  identity::Principal admin;
  std::string category;
};

// Answers every item the institution is shown, in order (conditions read earlier
// answers), up to `share_of_items`; returns how many were saved.
Result<std::int64_t> Answer(survey::SurveyService& service, const survey::Campaign& campaign,
                            const Institution& institution, double improvement,
                            double share_of_items) {
  const survey::RequestInfo info{"demo-seed", ""};
  FC_ASSIGN_OR_RETURN(auto questionnaire, service.GetQuestionnaire(institution.admin, campaign.id,
                                                                   institution.admin.org_id));
  const survey::CompiledBank& bank = *questionnaire.bank;
  const double base = kCategoryMaturity.count(institution.category)
                          ? kCategoryMaturity.find(institution.category)->second
                          : 2.5;
  const double own = base + 0.9 * Offset(institution.admin.username) + improvement;
  const auto last = static_cast<int>(std::lround(share_of_items * bank.item_count()));
  survey::Answers given;
  const survey::Respondent respondent{institution.category, questionnaire.assignment.size};
  std::int64_t saved = 0;
  for (int index = 0; index < last; ++index) {
    const Item& item = bank.item(index);
    if (!survey::ShownItems(bank, respondent, given)[index]) continue;
    const double level = own + 0.8 * Offset(institution.admin.username + item.id);
    Json value = AnswerFor(item, level);
    if (value.is_null()) continue;
    FC_ASSIGN_OR_RETURN(auto stored,
                        service.PutAnswer(institution.admin, campaign.id, institution.admin.org_id,
                                          item.id, {value, "", "", {}}, info));
    if (stored) given.emplace(item.id, stored->value);
    ++saved;
  }
  return saved;
}

}  // namespace

Result<DemoSurveySummary> SeedDemoSurvey(accounts::AccountsService& accounts,
                                         survey::SurveyService& service, const Clock& clock) {
  const identity::Principal op = identity::OperatorPrincipal();
  const survey::RequestInfo info{"demo-seed", ""};
  DemoSurveySummary summary;
  identity::OrgQuery query;
  query.kind = identity::OrgKind::kInstitution;
  query.limit = 1000;
  FC_ASSIGN_OR_RETURN(auto orgs, accounts.ListOrgs(op, query));
  std::vector<Institution> institutions;
  std::vector<std::string> categories;
  for (const auto& org : orgs.items) {
    FC_ASSIGN_OR_RETURN(auto users, accounts.ListUsers(op, org.id));
    for (const auto& u : users.items) {
      if (u.role != identity::Role::kInstitutionAdmin) continue;
      identity::Principal p;
      p.user_id = u.id;
      p.username = u.username;
      p.display_name = u.display_name;
      p.org_id = org.id;
      p.org_kind = org.kind;
      p.role = u.role;
      institutions.push_back({p, org.sector.value_or("")});
      break;
    }
  }
  for (const auto& sector : identity::Sectors()) categories.push_back(sector.code);

  FC_ASSIGN_OR_RETURN(auto bank, service.LoadMissionBank(op, info));
  const int year = std::stoi(FormatRfc3339(clock.Now()).substr(0, 4));
  const auto now = clock.Now();
  auto open = [&](int campaign_year, TimePoint deadline) {
    survey::NewCampaign nc;
    nc.bank_storage_id = bank.id;
    nc.title = {fmt::format("{}年度 サイバーセキュリティ・セルフアセスメント", campaign_year),
                fmt::format("Cybersecurity self-assessment {}", campaign_year)};
    nc.year = campaign_year;
    nc.categories = categories;
    nc.deadline = deadline;
    return service.OpenCampaign(op, nc, info);
  };
  // Invented executives who sign the attestation.
  constexpr const char* kSurnames[] = {"佐藤", "鈴木", "高橋", "田中", "伊藤",
                                       "渡辺", "山本", "中村", "小林", "加藤"};
  auto attestation = [&](const Institution& institution) {
    const auto pick = Hash(institution.admin.username) % std::size(kSurnames);
    return survey::Attestation{fmt::format("{} 一郎", kSurnames[pick]), "代表取締役社長"};
  };

  // Last year: everybody answered and submitted; then it closed.
  FC_ASSIGN_OR_RETURN(auto last_year, open(year - 1, now + std::chrono::hours(1)));
  for (const auto& institution : institutions) {
    FC_ASSIGN_OR_RETURN(auto saved, Answer(service, last_year, institution, 0.0, 1.0));
    summary.answers += saved;
    FC_RETURN_IF_ERROR(service.Submit(institution.admin, last_year.id, institution.admin.org_id,
                                      attestation(institution), info));
    ++summary.submitted;
  }
  FC_RETURN_IF_ERROR(service.CloseCampaign(op, last_year.id, info));

  // This year: open for six weeks; a third submitted, the rest part-way through.
  FC_ASSIGN_OR_RETURN(auto this_year, open(year, now + std::chrono::hours(24 * 42)));
  for (std::size_t i = 0; i < institutions.size(); ++i) {
    const auto& institution = institutions[i];
    const bool done = i % 3 == 0;
    const double share =
        done ? 1.0 : 0.15 + 0.7 * (Offset(institution.admin.username + "/progress") + 1) / 2;
    FC_ASSIGN_OR_RETURN(auto saved, Answer(service, this_year, institution, 0.3, share));
    summary.answers += saved;
    if (done) {
      FC_RETURN_IF_ERROR(service.Submit(institution.admin, this_year.id, institution.admin.org_id,
                                        attestation(institution), info));
      ++summary.submitted;
    }
  }
  summary.campaigns = 2;
  return summary;
}

}  // namespace fincyber::app
