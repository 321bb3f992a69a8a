#include "survey/analytics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace fincyber::survey {
namespace {

// Metrics: overall, the functions, the threats, then the threat x function cells.
constexpr int kFirstFunction = 1;
constexpr int kFirstThreat = kFirstFunction + kFunctionCount;
constexpr int kFirstCell = kFirstThreat + kThreatCount;
constexpr int kMetricCount = kFirstCell + kThreatCount * kFunctionCount;
constexpr std::size_t kMostMissed = 10;
constexpr std::size_t kMissedWherePeersMeet = 20;

const Aggregate& MetricOf(const ScoreCard& card, int metric) {
  if (metric == 0) return card.overall;
  if (metric < kFirstThreat) return card.functions[metric - kFirstFunction];
  if (metric < kFirstCell) return card.threats[metric - kFirstThreat];
  const int cell = metric - kFirstCell;
  return card.cells[cell / kFunctionCount][cell % kFunctionCount];
}

// The peers' values of one figure, with at most one contributor (the viewer) left out.
// Values are 0..1; `sorted` ascending.
struct PeerValues {
  const std::vector<double>* sorted = nullptr;
  double sum = 0;
  int skip = -1;  // position in `sorted` left out

  int count() const { return static_cast<int>(sorted->size()) - (skip >= 0 ? 1 : 0); }
  double at(int k) const { return (*sorted)[skip >= 0 && k >= skip ? k + 1 : k]; }
  double peers_sum() const { return skip >= 0 ? sum - (*sorted)[skip] : sum; }
};

// The one place the threshold and dominance rules are decided (see analytics.h).
Suppression Judge(int count, double sum, double largest, double smallest) {
  if (count < kMinPeers) return Suppression::kTooFewPeers;
  const double lack = count - sum;
  // Rounding of sums of 0..1 values must not suppress a figure at exactly half.
  constexpr double kTolerance = 1e-9;
  if (largest > kDominanceShare * sum + kTolerance ||
      (1 - smallest) > kDominanceShare * lack + kTolerance) {
    return Suppression::kDominated;
  }
  return Suppression::kNone;
}

Suppression JudgeValues(const PeerValues& values) {
  const int n = values.count();
  if (n < kMinPeers) return Suppression::kTooFewPeers;
  return Judge(n, values.peers_sum(), values.at(n - 1), values.at(0));
}

double Quantile(const PeerValues& values, double p) {
  const double h = (values.count() - 1) * p;
  const int low = static_cast<int>(std::floor(h));
  const int high = std::min(low + 1, values.count() - 1);
  return values.at(low) + (h - low) * (values.at(high) - values.at(low));
}

PeerDistribution Distribution(const PeerValues& values) {
  PeerDistribution distribution;
  distribution.contributors = values.count();
  distribution.suppression = JudgeValues(values);
  if (distribution.shown()) {
    distribution.q1 = 100 * Quantile(values, 0.25);
    distribution.median = 100 * Quantile(values, 0.5);
    distribution.q3 = 100 * Quantile(values, 0.75);
  }
  return distribution;
}

PeerFigure Mean(const PeerValues& values) {
  PeerFigure figure;
  figure.contributors = values.count();
  figure.suppression = JudgeValues(values);
  if (figure.shown()) figure.value = 100 * values.peers_sum() / values.count();
  return figure;
}

// Share of `met` among `applicable` contributors (each a 1 or a 0).
PeerFigure Share(int applicable, int met, bool of_missed) {
  PeerFigure figure;
  figure.contributors = applicable;
  figure.suppression =
      Judge(applicable, met, met > 0 ? 1.0 : 0.0, applicable - met > 0 ? 0.0 : 1.0);
  if (figure.shown()) {
    const double share = static_cast<double>(met) / applicable;
    figure.value = of_missed ? 1 - share : share;
  }
  return figure;
}

Band BandOf(double value, const PeerDistribution& peers) {
  const double score = 100 * value;
  if (score < peers.q1) return Band::kBottomQuarter;
  if (score < peers.median) return Band::kLowerMiddle;
  if (score < peers.q3) return Band::kUpperMiddle;
  return Band::kTopQuarter;
}

}  // namespace

struct SectorAnalytics::Year {
  struct Group {
    std::vector<int> members;  // indexes into institutions
    std::array<std::vector<double>, kMetricCount> values;
    std::array<double, kMetricCount> sums{};
    std::vector<int> applicable;  // per item
    std::vector<int> met;         // per item
  };

  int year = 0;
  std::shared_ptr<const CompiledBank> bank;
  std::vector<InstitutionScores> institutions;
  std::unordered_map<std::string, int> by_id;
  std::map<std::string, Group, std::less<>> groups;
  std::vector<int> previous_index;  // per item: the comparable item last year, or -1

  PeerValues Values(const Group& group, int metric, const ScoreCard* exclude) const {
    PeerValues values{&group.values[metric], group.sums[metric], -1};
    if (exclude != nullptr) {
      const Aggregate& own = MetricOf(*exclude, metric);
      if (!own.empty()) {
        const auto& sorted = group.values[metric];
        const double value = own.Score() / 100;
        values.skip = static_cast<int>(std::lower_bound(sorted.begin(), sorted.end(), value) -
                                       sorted.begin());
      }
    }
    return values;
  }

  PeerScores Scores(const Group& group, const ScoreCard* exclude) const {
    PeerScores scores;
    scores.overall = Distribution(Values(group, 0, exclude));
    for (int f = 0; f < kFunctionCount; ++f) {
      scores.functions[f] = Distribution(Values(group, kFirstFunction + f, exclude));
    }
    for (int t = 0; t < kThreatCount; ++t) {
      scores.threats[t] = Distribution(Values(group, kFirstThreat + t, exclude));
      for (int f = 0; f < kFunctionCount; ++f) {
        scores.heatmap[t][f] = Mean(Values(group, kFirstCell + t * kFunctionCount + f, exclude));
      }
    }
    return scores;
  }

  // Share met of item `index` in `group`, leaving out `exclude`'s own answer.
  PeerFigure ItemShare(const Group& group, int index, const ScoreCard* exclude,
                       bool of_missed) const {
    int applicable = group.applicable[index];
    int met = group.met[index];
    if (exclude != nullptr && exclude->items[index].applicable()) {
      applicable -= 1;
      met -= exclude->items[index].met ? 1 : 0;
    }
    return Share(applicable, met, of_missed);
  }

  const Group* GroupOf(std::string_view category) const {
    auto found = groups.find(category);
    return found == groups.end() ? nullptr : &found->second;
  }

  const ScoreCard* Card(std::string_view institution_id) const {
    auto found = by_id.find(std::string(institution_id));
    return found == by_id.end() ? nullptr : &institutions[found->second].card;
  }
};

std::string_view SuppressionName(Suppression suppression) {
  switch (suppression) {
    case Suppression::kNone:
      return "";
    case Suppression::kTooFewPeers:
      return "too_few_peers";
    case Suppression::kDominated:
      return "dominated";
  }
  return "";
}

const Text& SuppressionReason(Suppression suppression) {
  static const Text kNone;
  static const Text kTooFew{"比較対象となる他の金融機関が5先未満のため、集計値を表示しません。",
                            "Not shown: fewer than 5 other institutions to compare with."};
  static const Text kDominated{
      "特定の1先の値が集計値の過半を占めるため、集計値を表示しません。",
      "Not shown: a single institution would account for more than half of the figure."};
  switch (suppression) {
    case Suppression::kNone:
      return kNone;
    case Suppression::kTooFewPeers:
      return kTooFew;
    case Suppression::kDominated:
      return kDominated;
  }
  return kNone;
}

std::string_view BandName(Band band) {
  switch (band) {
    case Band::kBottomQuarter:
      return "bottom_quarter";
    case Band::kLowerMiddle:
      return "lower_middle";
    case Band::kUpperMiddle:
      return "upper_middle";
    case Band::kTopQuarter:
      return "top_quarter";
  }
  return "bottom_quarter";
}

Result<SectorAnalytics> SectorAnalytics::Build(std::vector<CampaignScores> campaigns) {
  std::sort(campaigns.begin(), campaigns.end(),
            [](const CampaignScores& a, const CampaignScores& b) { return a.year < b.year; });
  SectorAnalytics analytics;
  for (auto& campaign : campaigns) {
    if (!analytics.years_.empty() && analytics.years_.back()->year == campaign.year) {
      return InvalidArgument(fmt::format("campaign year {} given twice", campaign.year));
    }
    if (campaign.bank == nullptr) {
      return InvalidArgument(fmt::format("campaign year {} has no bank", campaign.year));
    }
    auto year = std::make_shared<Year>();
    year->year = campaign.year;
    year->bank = campaign.bank;
    year->institutions = std::move(campaign.institutions);
    const CompiledBank& bank = *year->bank;
    const int items = bank.item_count();
    for (int i = 0; i < static_cast<int>(year->institutions.size()); ++i) {
      const auto& institution = year->institutions[i];
      if (static_cast<int>(institution.card.items.size()) != items) {
        return InvalidArgument(fmt::format("score card of {} in {} does not match the bank",
                                           institution.institution_id, campaign.year));
      }
      if (!year->by_id.emplace(institution.institution_id, i).second) {
        return InvalidArgument(fmt::format("institution {} appears twice in {}",
                                           institution.institution_id, campaign.year));
      }
      auto& group = year->groups[institution.category];
      if (group.members.empty()) {
        group.applicable.assign(items, 0);
        group.met.assign(items, 0);
      }
      group.members.push_back(i);
      for (int metric = 0; metric < kMetricCount; ++metric) {
        const Aggregate& aggregate = MetricOf(institution.card, metric);
        if (aggregate.empty()) continue;
        const double value = aggregate.Score() / 100;
        group.values[metric].push_back(value);
        group.sums[metric] += value;
      }
      for (int index = 0; index < items; ++index) {
        const ItemScore& score = institution.card.items[index];
        if (!score.applicable()) continue;
        group.applicable[index] += 1;
        group.met[index] += score.met ? 1 : 0;
      }
    }
    for (auto& [category, group] : year->groups) {
      for (auto& values : group.values) std::sort(values.begin(), values.end());
    }
    year->previous_index.assign(items, -1);
    if (!analytics.years_.empty()) {
      const CompiledBank& previous = *analytics.years_.back()->bank;
      for (int index = 0; index < items; ++index) {
        auto before = previous.IndexOf(bank.item(index).id);
        if (before && previous.fingerprint(*before) == bank.fingerprint(index)) {
          year->previous_index[index] = *before;
        }
      }
    }
    analytics.years_.push_back(std::move(year));
  }
  return analytics;
}

std::vector<int> SectorAnalytics::Years() const {
  std::vector<int> years;
  for (const auto& year : years_) years.push_back(year->year);
  return years;
}

std::vector<std::string> SectorAnalytics::Categories(int year) const {
  std::vector<std::string> categories;
  if (const Year* found = FindYear(year)) {
    for (const auto& [category, group] : found->groups) categories.push_back(category);
  }
  return categories;
}

const SectorAnalytics::Year* SectorAnalytics::FindYear(int year) const {
  for (const auto& candidate : years_) {
    if (candidate->year == year) return candidate.get();
  }
  return nullptr;
}

// The campaign just before `year`, which year-over-year figures compare with.
const SectorAnalytics::Year* SectorAnalytics::PreviousYear(int year) const {
  const Year* previous = nullptr;
  for (const auto& candidate : years_) {
    if (candidate->year < year) previous = candidate.get();
  }
  return previous;
}

Result<CategoryReport> SectorAnalytics::ForCategory(int year, std::string_view category) const {
  const Year* current = FindYear(year);
  if (current == nullptr) return NotFound(fmt::format("no campaign in {}", year));
  const Year::Group* group = current->GroupOf(category);
  if (group == nullptr) return NotFound(fmt::format("no institution of that category in {}", year));
  const CompiledBank& bank = *current->bank;
  CategoryReport report;
  report.year = year;
  report.category = std::string(category);
  report.institutions = static_cast<int>(group->members.size());
  report.scores = current->Scores(*group, nullptr);

  for (int index = 0; index < bank.item_count(); ++index) {
    PeerFigure missed = current->ItemShare(*group, index, nullptr, true);
    if (missed.shown() && missed.value > 0) {
      report.most_missed.push_back({bank.item(index).id, missed});
    }
  }
  std::stable_sort(
      report.most_missed.begin(), report.most_missed.end(),
      [](const ItemShare& a, const ItemShare& b) { return a.share.value > b.share.value; });
  if (report.most_missed.size() > kMostMissed) report.most_missed.resize(kMostMissed);

  if (const Year* previous = PreviousYear(year)) {
    const Year::Group* before = previous->GroupOf(category);
    for (int index = 0; index < bank.item_count(); ++index) {
      const int previous_index = current->previous_index[index];
      if (previous_index < 0) continue;
      ItemChange change;
      change.item_id = bank.item(index).id;
      change.current = current->ItemShare(*group, index, nullptr, false);
      if (before != nullptr) {
        change.previous = previous->ItemShare(*before, previous_index, nullptr, false);
      }
      if (change.current.shown() && change.previous.shown()) {
        change.change = change.current.value - change.previous.value;
      }
      report.year_over_year.push_back(std::move(change));
    }
  }

  for (int member : group->members) {
    const auto& institution = current->institutions[member];
    const PeerDistribution peers = Distribution(current->Values(*group, 0, &institution.card));
    PeerBand band;
    band.suppression =
        institution.card.overall.empty() ? Suppression::kTooFewPeers : peers.suppression;
    if (band.suppression == Suppression::kNone) {
      band.band = BandOf(institution.card.overall.Score() / 100, peers);
    }
    report.bands.push_back({institution.institution_id, band});
  }
  return report;
}

Result<InstitutionFeedback> SectorAnalytics::ForInstitution(int year,
                                                            std::string_view institution_id) const {
  const Year* current = FindYear(year);
  if (current == nullptr) return NotFound(fmt::format("no campaign in {}", year));
  auto found = current->by_id.find(std::string(institution_id));
  if (found == current->by_id.end()) return NotFound("no such institution in that campaign");
  const InstitutionScores& institution = current->institutions[found->second];
  const ScoreCard& own = institution.card;
  const Year::Group& group = current->groups.find(institution.category)->second;
  const CompiledBank& bank = *current->bank;

  InstitutionFeedback feedback;
  feedback.year = year;
  feedback.institution_id = institution.institution_id;
  feedback.category = institution.category;
  feedback.own = &own;
  feedback.peers = current->Scores(group, &own);
  const auto band_of = [](const Aggregate& aggregate, const PeerDistribution& peers) {
    PeerBand band;
    band.suppression = aggregate.empty() ? Suppression::kTooFewPeers : peers.suppression;
    if (band.suppression == Suppression::kNone) band.band = BandOf(aggregate.Score() / 100, peers);
    return band;
  };
  feedback.overall_band = band_of(own.overall, feedback.peers.overall);
  for (int f = 0; f < kFunctionCount; ++f) {
    feedback.function_bands[f] = band_of(own.functions[f], feedback.peers.functions[f]);
  }

  for (int index = 0; index < bank.item_count(); ++index) {
    if (!own.items[index].applicable() || own.items[index].met) continue;
    PeerFigure met = current->ItemShare(group, index, &own, false);
    if (met.shown() && met.value >= 0.5) {
      feedback.missed_where_peers_meet.push_back({bank.item(index).id, met});
    }
  }
  std::stable_sort(
      feedback.missed_where_peers_meet.begin(), feedback.missed_where_peers_meet.end(),
      [](const ItemShare& a, const ItemShare& b) { return a.share.value > b.share.value; });
  if (feedback.missed_where_peers_meet.size() > kMissedWherePeersMeet) {
    feedback.missed_where_peers_meet.resize(kMissedWherePeersMeet);
  }

  const Year* previous = PreviousYear(year);
  if (previous == nullptr) return feedback;
  const ScoreCard* own_before = previous->Card(institution_id);
  const Year::Group* group_before = previous->GroupOf(institution.category);
  // Own change on the items both years share, weighted by this year's weights.
  struct Sums {
    double weight = 0, now = 0, before = 0;
  };
  Sums overall;
  std::array<Sums, kFunctionCount> functions;
  for (int index = 0; index < bank.item_count(); ++index) {
    const int previous_index = current->previous_index[index];
    if (previous_index < 0) continue;
    ItemChange change;
    change.item_id = bank.item(index).id;
    change.current = current->ItemShare(group, index, &own, false);
    if (group_before != nullptr) {
      change.previous = previous->ItemShare(*group_before, previous_index, own_before, false);
    }
    if (change.current.shown() && change.previous.shown()) {
      change.change = change.current.value - change.previous.value;
    }
    feedback.peer_year_over_year.push_back(std::move(change));
    if (own_before == nullptr) continue;
    const ItemScore& now = own.items[index];
    const ItemScore& before = own_before->items[previous_index];
    if (!now.applicable() || !before.applicable()) continue;
    const Item& item = bank.item(index);
    for (Sums* sums : {&overall, &functions[static_cast<int>(item.function)]}) {
      sums->weight += item.weight;
      sums->now += item.weight * now.attainment;
      sums->before += item.weight * before.attainment;
    }
  }
  const auto change_of = [](const Sums& sums) -> std::optional<double> {
    if (sums.weight <= 0) return std::nullopt;
    return 100 * (sums.now - sums.before) / sums.weight;
  };
  feedback.own_overall_change = change_of(overall);
  for (int f = 0; f < kFunctionCount; ++f)
    feedback.own_function_change[f] = change_of(functions[f]);
  return feedback;
}

}  // namespace fincyber::survey
