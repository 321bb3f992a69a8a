// Sector analytics over many institutions' score cards, per business category, and the
// confidentiality rule every peer figure obeys.
//
// Confidentiality (enforced here, not by callers):
//   1. Threshold: a peer figure is produced only over at least kMinPeers (5)
//      institutions other than the one viewing it (the regulator's category view counts
//      every institution in it).
//   2. No extremes: no minimum or maximum is ever computed for output; distributions are
//      quartiles and median only, and an institution's own position is a quarter band.
//   3. Dominance: every figure is built from one value per contributor in 0..1 (a score
//      / 100, or 1/0 for an item met or missed). A figure is suppressed when a single
//      contributor accounts for more than kDominanceShare (half) of the total, counted
//      both on what the peers achieved (sum of values) and on what they lack (sum of
//      1 - value). So a share of "met" (or "missed") is suppressed when exactly one peer
//      is in either group, and a mean cannot be carried by one outlier.
// A suppressed figure carries no value, only its Suppression reason.
//
// Year-over-year figures compare an item only when its id and its MeaningFingerprint
// (bank.h) are the same in both years' banks.
//
// Thread-safety: a built SectorAnalytics is immutable; its const methods may run
// concurrently.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "survey/compiled_bank.h"
#include "survey/scoring.h"

namespace fincyber::survey {

inline constexpr int kMinPeers = 5;
inline constexpr double kDominanceShare = 0.5;

enum class Suppression { kNone, kTooFewPeers, kDominated };
// "too_few_peers", "dominated" ("" for kNone).
std::string_view SuppressionName(Suppression suppression);
// A sentence for the UI, in Japanese and English.
const Text& SuppressionReason(Suppression suppression);

struct PeerFigure {
  Suppression suppression = Suppression::kTooFewPeers;
  int contributors = 0;
  double value = 0;  // 0 when suppressed
  bool shown() const { return suppression == Suppression::kNone; }
};

// Scores (0-100) of the contributors.
struct PeerDistribution {
  Suppression suppression = Suppression::kTooFewPeers;
  int contributors = 0;
  double q1 = 0, median = 0, q3 = 0;  // 0 when suppressed
  bool shown() const { return suppression == Suppression::kNone; }
};

enum class Band { kBottomQuarter, kLowerMiddle, kUpperMiddle, kTopQuarter };
std::string_view BandName(Band band);  // "bottom_quarter", ... "top_quarter"

struct PeerBand {
  Suppression suppression = Suppression::kTooFewPeers;
  Band band = Band::kBottomQuarter;  // meaningful only when not suppressed
};

// The share (0..1) of contributors for whom an item is applicable that met it, or
// missed it, depending on the list it appears in.
struct ItemShare {
  std::string item_id;
  PeerFigure share;
};

struct ItemChange {
  std::string item_id;
  PeerFigure previous;  // share met last year
  PeerFigure current;   // share met this year
  // current - previous, when both are shown.
  std::optional<double> change;
};

// Scores per metric: overall, functions, threats and the threat x function heatmap
// (mean score 0-100 per cell).
struct PeerScores {
  PeerDistribution overall;
  std::array<PeerDistribution, kFunctionCount> functions;
  std::array<PeerDistribution, kThreatCount> threats;
  std::array<std::array<PeerFigure, kFunctionCount>, kThreatCount> heatmap;
};

// The regulator's view of one business category in one campaign year.
struct CategoryReport {
  int year = 0;
  std::string category;
  int institutions = 0;
  PeerScores scores;
  std::vector<ItemShare> most_missed;      // share missed, highest first, at most 10
  std::vector<ItemChange> year_over_year;  // comparable items, in bank order
  struct InstitutionBand {
    std::string institution_id;
    PeerBand overall;  // among the other institutions of the category
  };
  std::vector<InstitutionBand> bands;  // drill-down, in input order
};

// What one institution may see: its own score card, and peer figures over the other
// institutions of its category.
struct InstitutionFeedback {
  int year = 0;
  std::string institution_id;
  std::string category;
  const ScoreCard* own = nullptr;  // owned by the SectorAnalytics
  PeerScores peers;
  PeerBand overall_band;
  std::array<PeerBand, kFunctionCount> function_bands;
  // Items it did not meet that most peers met (peer share met >= 0.5), highest first,
  // at most 20.
  std::vector<ItemShare> missed_where_peers_meet;
  // Its own change since last year on comparable items only (score 0-100 over those
  // items, this year minus last); nullopt when it has no previous year or no comparable
  // applicable item.
  std::optional<double> own_overall_change;
  std::array<std::optional<double>, kFunctionCount> own_function_change;
  std::vector<ItemChange> peer_year_over_year;  // comparable items, peers only
};

struct InstitutionScores {
  std::string institution_id;
  std::string category;
  ScoreCard card;  // scored against the campaign's bank
};

struct CampaignScores {
  int year = 0;
  std::shared_ptr<const CompiledBank> bank;
  std::vector<InstitutionScores> institutions;
};

class SectorAnalytics {
 public:
  // InvalidArgument when a year appears twice, a bank is missing, an institution appears
  // twice in a year, or a score card does not match its bank's item count.
  static Result<SectorAnalytics> Build(std::vector<CampaignScores> campaigns);

  std::vector<int> Years() const;
  std::vector<std::string> Categories(int year) const;

  // NotFound for an unknown year or category.
  Result<CategoryReport> ForCategory(int year, std::string_view category) const;
  // NotFound for an unknown year or institution.
  Result<InstitutionFeedback> ForInstitution(int year, std::string_view institution_id) const;

  struct Year;  // per-year indexes, private to analytics.cc

 private:
  std::vector<std::shared_ptr<const Year>> years_;  // ascending year
  const Year* FindYear(int year) const;
  const Year* PreviousYear(int year) const;
};

}  // namespace fincyber::survey
