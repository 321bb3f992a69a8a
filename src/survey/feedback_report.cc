// The feedback report: the frozen results JSON is read once into a small view (checked,
// suppressed figures kept as their reason only), then laid out as a PDF or a workbook
// from that one view, so the two formats cannot disagree.
#include "survey/feedback_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <fstream>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include "identity/directory.h"
#include "survey/analytics.h"
#include "survey/remediation.h"

namespace fincyber::survey {
namespace {

using documents::CellValue;

// ---------------------------------------------------------------------------------------
// The view of the results.

struct OwnFigures {
  int items = 0;
  int items_met = 0;
  double percent_met = 0;
  double score = 0;
  int maturity = 0;
};

// A peer distribution or mean; `suppression` kNone when shown.
struct PeerFigures {
  Suppression suppression = Suppression::kTooFewPeers;
  double q1 = 0, median = 0, q3 = 0;
  double value = 0;  // a mean (0-100) or a share (0-1)
  bool shown() const { return suppression == Suppression::kNone; }
};

struct BandFigure {
  Suppression suppression = Suppression::kTooFewPeers;
  Band band = Band::kBottomQuarter;
};

struct MetricRow {
  std::string label;
  std::optional<OwnFigures> own;  // nullopt: no applicable item
  PeerFigures peers;
  std::optional<BandFigure> band;  // overall and functions only
  std::optional<double> change;    // overall and functions only
};

struct OwnItem {
  int index = 0;
  bool met = false;
  bool not_applicable = false;
  int reached = 0;
};

struct MissedItem {
  int index = 0;
  PeerFigures share;  // of peers meeting it
};

enum class ActionSource { kTargetLevel, kGuidance, kGeneric };

struct Action {
  int index = 0;
  ActionSource source = ActionSource::kGeneric;
  std::string text;
};

// An earlier campaign's remediation item as this campaign's results see it.
struct RemediationLine {
  std::string title;
  std::vector<std::string> item_ids;
  std::string due_date;
  RemediationStatus status = RemediationStatus::kOpen;
  bool overdue = false;
};

struct ReportView {
  ReportLanguage language = ReportLanguage::kJapanese;
  const CompiledBank* bank = nullptr;
  std::string institution;
  std::string campaign_title;
  std::string category;
  int year = 0;
  std::string closed_on;  // yyyy-mm-dd
  std::chrono::sys_seconds closed_at{};
  MetricRow overall;
  std::array<MetricRow, kFunctionCount> functions;
  std::array<MetricRow, kThreatCount> threats;
  std::array<std::array<std::optional<double>, kFunctionCount>, kThreatCount> own_cells;
  std::array<std::array<PeerFigures, kFunctionCount>, kThreatCount> peer_cells;
  std::vector<OwnItem> items;  // applicable or not applicable scored items, bank order
  std::vector<MissedItem> missed_where_peers_meet;
  std::vector<Action> actions;
  // From results["remediation"], when the results carry it: earlier items whose every
  // question is met now, and the others.
  std::vector<RemediationLine> remediation_closed;
  std::vector<RemediationLine> remediation_open;
};

Error Malformed(std::string_view what) {
  return Error(ErrorCode::kInvalidArgument, "the stored results cannot be read",
               fmt::format("feedback results: {}", what));
}

const Json* Member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<double> NumberAt(const Json& object, std::string_view key) {
  const Json* j = Member(object, key);
  if (j == nullptr || !j->is_number()) return std::nullopt;
  const double value = j->get<double>();
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

std::string StringAt(const Json& object, std::string_view key) {
  const Json* j = Member(object, key);
  return j != nullptr && j->is_string() ? j->get<std::string>() : std::string();
}

bool BoolAt(const Json& object, std::string_view key) {
  const Json* j = Member(object, key);
  return j != nullptr && j->is_boolean() && j->get<bool>();
}

// The reason of a suppressed figure, or nullopt when `figure` is not one.
Result<std::optional<Suppression>> SuppressionOf(const Json& figure, std::string_view where) {
  const Json* name = Member(figure, "suppressed");
  if (name == nullptr) return std::optional<Suppression>();
  if (*name == "too_few_peers") return std::optional(Suppression::kTooFewPeers);
  if (*name == "dominated") return std::optional(Suppression::kDominated);
  return Malformed(fmt::format("{}: unknown suppression", where));
}

// {items, items_met, percent_met, score, maturity} or null.
Result<std::optional<OwnFigures>> ParseOwn(const Json* aggregate, std::string_view where) {
  if (aggregate == nullptr) return Malformed(fmt::format("{}: missing", where));
  if (aggregate->is_null()) return std::optional<OwnFigures>();
  const auto items = NumberAt(*aggregate, "items");
  const auto met = NumberAt(*aggregate, "items_met");
  const auto percent = NumberAt(*aggregate, "percent_met");
  const auto score = NumberAt(*aggregate, "score");
  const auto maturity = NumberAt(*aggregate, "maturity");
  if (!items || !met || !percent || !score || !maturity || *score < 0 || *score > 100 ||
      *percent < 0 || *percent > 100 || *maturity < 0 || *maturity > kMaxMaturityLevel) {
    return Malformed(fmt::format("{}: not a score", where));
  }
  return std::optional(OwnFigures{static_cast<int>(*items), static_cast<int>(*met), *percent,
                                  *score, static_cast<int>(*maturity)});
}

// A distribution {q1, median, q3} (`distribution`) or a figure {value}, or suppressed.
Result<PeerFigures> ParsePeer(const Json* figure, std::string_view where, bool distribution,
                              double max) {
  if (figure == nullptr || !figure->is_object()) {
    return Malformed(fmt::format("{}: missing", where));
  }
  PeerFigures out;
  FC_ASSIGN_OR_RETURN(auto suppression, SuppressionOf(*figure, where));
  if (suppression) {
    out.suppression = *suppression;
    return out;
  }
  out.suppression = Suppression::kNone;
  if (distribution) {
    const auto q1 = NumberAt(*figure, "q1");
    const auto median = NumberAt(*figure, "median");
    const auto q3 = NumberAt(*figure, "q3");
    if (!q1 || !median || !q3 || *q1 < 0 || *q1 > *median || *median > *q3 || *q3 > max) {
      return Malformed(fmt::format("{}: not a distribution", where));
    }
    out.q1 = *q1;
    out.median = *median;
    out.q3 = *q3;
  } else {
    const auto value = NumberAt(*figure, "value");
    if (!value || *value < 0 || *value > max) {
      return Malformed(fmt::format("{}: not a figure", where));
    }
    out.value = *value;
  }
  return out;
}

Result<BandFigure> ParseBand(const Json* band, std::string_view where) {
  if (band == nullptr || !band->is_object()) return Malformed(fmt::format("{}: missing", where));
  BandFigure out;
  FC_ASSIGN_OR_RETURN(auto suppression, SuppressionOf(*band, where));
  if (suppression) {
    out.suppression = *suppression;
    return out;
  }
  out.suppression = Suppression::kNone;
  const std::string name = StringAt(*band, "band");
  for (Band b : {Band::kBottomQuarter, Band::kLowerMiddle, Band::kUpperMiddle, Band::kTopQuarter}) {
    if (name == BandName(b)) {
      out.band = b;
      return out;
    }
  }
  return Malformed(fmt::format("{}: unknown band", where));
}

Result<std::optional<double>> ParseChange(const Json* change, std::string_view where) {
  if (change == nullptr || change->is_null()) return std::optional<double>();
  if (!change->is_number()) return Malformed(fmt::format("{}: not a number", where));
  const double value = change->get<double>();
  if (!std::isfinite(value) || value < -100 || value > 100) {
    return Malformed(fmt::format("{}: out of range", where));
  }
  return std::optional(value);
}

const Text& GenericAction(Function function) {
  static const std::array<Text, kFunctionCount> kActions = {{
      {"経営陣の関与のもとで方針・責任者・予算を定め、取組状況を定期的に経営陣へ報告してください。",
       "Have management set the policy, owner and budget for this, and report progress to "
       "management regularly."},
      {"対象となる資産・リスク・外部依存先を洗い出して台帳化し、定期的に更新してください。",
       "Inventory the assets, risks and third parties concerned, and keep the inventory "
       "current."},
      {"対策を導入して手順を文書化し、有効に機能していることを定期的に確認してください。",
       "Put the control in place, document its procedure and check regularly that it works."},
      {"検知に必要なログや兆候を収集し、監視とエスカレーションの手順を定めてください。",
       "Collect the logs and signals needed to notice this, and define monitoring and "
       "escalation."},
      {"対応手順と役割分担を定め、演習で実効性を確認してください。",
       "Write the response procedure and who does what, and test it in exercises."},
      {"バックアップやコンティンジェンシープランを含む復旧計画を策定し、定期的に訓練してください。",
       "Plan recovery, including backups and contingency plans, and rehearse it regularly."},
  }};
  return kActions[static_cast<int>(function)];
}

Action ActionFor(const CompiledBank& bank, int index, ReportLanguage language) {
  const Item& item = bank.item(index);
  const int target = bank.bank().target_level;
  if (item.type == AnswerType::kMaturity) {
    const std::vector<Text>& levels =
        item.levels.empty() ? bank.bank().maturity_scale : item.levels;
    if (target >= 0 && target < static_cast<int>(levels.size()) &&
        !InReportLanguage(language, levels[target]).empty()) {
      return {index, ActionSource::kTargetLevel,
              fmt::format("{}{}{}", InReportLanguage(language, "目標水準（レベル", "Reach level "),
                          target, InReportLanguage(language, "）：", ": ")) +
                  InReportLanguage(language, levels[target])};
    }
  }
  if (!InReportLanguage(language, item.help).empty()) {
    return {index, ActionSource::kGuidance, InReportLanguage(language, item.help)};
  }
  return {index, ActionSource::kGeneric, InReportLanguage(language, GenericAction(item.function))};
}

Result<std::vector<RemediationLine>> ParseRemediationList(const Json* list,
                                                          std::string_view where) {
  if (list == nullptr || !list->is_array()) return Malformed(where);
  std::vector<RemediationLine> out;
  for (const Json& entry : *list) {
    if (!entry.is_object()) return Malformed(where);
    RemediationLine line;
    line.title = StringAt(entry, "title");
    line.due_date = StringAt(entry, "due_date");
    const auto status = ParseRemediationStatus(StringAt(entry, "status"));
    const Json* ids = Member(entry, "item_ids");
    const Json* overdue = Member(entry, "overdue");
    if (line.title.empty() || line.due_date.empty() || !status || ids == nullptr ||
        !ids->is_array() || overdue == nullptr || !overdue->is_boolean()) {
      return Malformed(where);
    }
    for (const Json& id : *ids) {
      if (!id.is_string()) return Malformed(where);
      line.item_ids.push_back(id.get<std::string>());
    }
    line.status = *status;
    line.overdue = overdue->get<bool>();
    out.push_back(std::move(line));
  }
  return out;
}

Result<ReportView> ReadView(const FeedbackReportInput& input, ReportLanguage language) {
  if (input.bank == nullptr) return InvalidArgument("a feedback report needs the campaign's bank");
  const Json& r = input.results;
  if (!r.is_object()) return Malformed("not an object");
  if (StringAt(r, "org_id") != input.org_id || StringAt(r, "campaign_id") != input.campaign.id) {
    return Malformed("results of another institution or campaign");
  }
  const CompiledBank& bank = *input.bank;
  ReportView view;
  view.language = language;
  view.bank = &bank;
  view.institution = InReportLanguage(language, input.institution_name);
  view.campaign_title = InReportLanguage(language, input.campaign.title);
  view.year = input.campaign.year;
  view.category = StringAt(r, "category");
  for (const auto& sector : identity::Sectors()) {
    if (sector.code == view.category) {
      view.category = language == ReportLanguage::kJapanese ? sector.name_ja : sector.name_en;
    }
  }
  if (auto closed = ParseRfc3339(input.campaign.closed_at)) {
    view.closed_at = std::chrono::floor<std::chrono::seconds>(*closed);
    view.closed_on = input.campaign.closed_at.substr(0, 10);
  }

  const Json* own = Member(r, "own");
  const Json* peers = Member(r, "peers");
  if (own == nullptr || peers == nullptr) return Malformed("own or peers missing");
  view.overall.label = InReportLanguage(language, "総合", "Overall");
  FC_ASSIGN_OR_RETURN(view.overall.own, ParseOwn(Member(*own, "overall"), "own.overall"));
  FC_ASSIGN_OR_RETURN(view.overall.peers,
                      ParsePeer(Member(*peers, "overall"), "peers.overall", true, 100));
  FC_ASSIGN_OR_RETURN(view.overall.band, ParseBand(Member(r, "overall_band"), "overall_band"));
  FC_ASSIGN_OR_RETURN(view.overall.change,
                      ParseChange(Member(r, "own_overall_change"), "own_overall_change"));
  const Json empty = Json::object();
  const Json* own_functions = Member(*own, "functions");
  const Json* peer_functions = Member(*peers, "functions");
  const Json* bands = Member(r, "function_bands");
  const Json* changes = Member(r, "own_function_change");
  for (Function f : kAllFunctions) {
    const std::string name(FunctionName(f));
    MetricRow& row = view.functions[static_cast<int>(f)];
    row.label = InReportLanguage(language, FunctionLabel(f));
    FC_ASSIGN_OR_RETURN(row.own, ParseOwn(own_functions ? Member(*own_functions, name) : nullptr,
                                          "own.functions." + name));
    FC_ASSIGN_OR_RETURN(row.peers,
                        ParsePeer(peer_functions ? Member(*peer_functions, name) : nullptr,
                                  "peers.functions." + name, true, 100));
    FC_ASSIGN_OR_RETURN(
        row.band, ParseBand(bands ? Member(*bands, name) : nullptr, "function_bands." + name));
    FC_ASSIGN_OR_RETURN(row.change, ParseChange(changes ? Member(*changes, name) : nullptr,
                                                "own_function_change." + name));
  }
  const Json* own_threats = Member(*own, "threats");
  const Json* peer_threats = Member(*peers, "threats");
  const Json* own_heatmap = Member(*own, "heatmap");
  const Json* peer_heatmap = Member(*peers, "heatmap");
  for (Threat t : kAllThreats) {
    const std::string name(ThreatName(t));
    MetricRow& row = view.threats[static_cast<int>(t)];
    row.label = InReportLanguage(language, ThreatLabel(t));
    FC_ASSIGN_OR_RETURN(row.own, ParseOwn(own_threats ? Member(*own_threats, name) : nullptr,
                                          "own.threats." + name));
    FC_ASSIGN_OR_RETURN(row.peers, ParsePeer(peer_threats ? Member(*peer_threats, name) : nullptr,
                                             "peers.threats." + name, true, 100));
    const Json& own_row = own_heatmap && Member(*own_heatmap, name) ? (*own_heatmap)[name] : empty;
    const Json& peer_row =
        peer_heatmap && Member(*peer_heatmap, name) ? (*peer_heatmap)[name] : empty;
    for (Function f : kAllFunctions) {
      const std::string cell = name + "." + std::string(FunctionName(f));
      FC_ASSIGN_OR_RETURN(auto own_cell,
                          ParseOwn(Member(own_row, FunctionName(f)), "own.heatmap." + cell));
      if (own_cell) view.own_cells[static_cast<int>(t)][static_cast<int>(f)] = own_cell->score;
      FC_ASSIGN_OR_RETURN(
          view.peer_cells[static_cast<int>(t)][static_cast<int>(f)],
          ParsePeer(Member(peer_row, FunctionName(f)), "peers.heatmap." + cell, false, 100));
    }
  }

  const Json* items = Member(*own, "items");
  if (items == nullptr || !items->is_array()) return Malformed("own.items missing");
  std::unordered_set<int> seen;
  for (const Json& entry : *items) {
    const auto index = bank.IndexOf(StringAt(entry, "item_id"));
    if (!index || !IsScored(bank.item(*index)) || !seen.insert(*index).second) {
      return Malformed("own.items: an item not scored in the bank, or twice");
    }
    const auto reached = NumberAt(entry, "reached");
    view.items.push_back({*index, BoolAt(entry, "met"), BoolAt(entry, "not_applicable"),
                          reached ? std::clamp(static_cast<int>(*reached), 0, 4) : 0});
  }
  const Json* missed = Member(r, "missed_where_peers_meet");
  if (missed == nullptr || !missed->is_array()) return Malformed("missed_where_peers_meet");
  for (const Json& entry : *missed) {
    const auto index = bank.IndexOf(StringAt(entry, "item_id"));
    if (!index) return Malformed("missed_where_peers_meet: unknown item");
    FC_ASSIGN_OR_RETURN(PeerFigures share,
                        ParsePeer(Member(entry, "share"), "missed_where_peers_meet", false, 1));
    view.missed_where_peers_meet.push_back({*index, share});
  }

  // Actions: what most peers meet first, then the other items missed by weight.
  std::unordered_set<int> acted;
  for (const auto& m : view.missed_where_peers_meet) {
    if (static_cast<int>(view.actions.size()) == kMaxActions) break;
    if (acted.insert(m.index).second) view.actions.push_back(ActionFor(bank, m.index, language));
  }
  std::vector<int> other_missed;
  for (const auto& item : view.items) {
    if (!item.met && !item.not_applicable && !acted.count(item.index)) {
      other_missed.push_back(item.index);
    }
  }
  std::stable_sort(other_missed.begin(), other_missed.end(),
                   [&](int a, int b) { return bank.item(a).weight > bank.item(b).weight; });
  for (int index : other_missed) {
    if (static_cast<int>(view.actions.size()) == kMaxActions) break;
    view.actions.push_back(ActionFor(bank, index, language));
  }

  if (const Json* remediation = Member(r, "remediation")) {
    if (!remediation->is_object()) return Malformed("remediation");
    FC_ASSIGN_OR_RETURN(view.remediation_closed,
                        ParseRemediationList(Member(*remediation, "closed"), "remediation.closed"));
    FC_ASSIGN_OR_RETURN(
        view.remediation_open,
        ParseRemediationList(Member(*remediation, "still_open"), "remediation.still_open"));
  }
  return view;
}

// ---------------------------------------------------------------------------------------
// Wording shared by both formats.

std::string Number(double value) { return fmt::format("{:.1f}", value); }

std::string Share(double share) { return fmt::format("{:.0f}%", 100 * share); }

std::string SignedNumber(double value) { return fmt::format("{:+.1f}", value); }

std::string ReasonText(const ReportView& v, Suppression suppression) {
  return InReportLanguage(v.language, SuppressionReason(suppression));
}

std::string BandLabel(const ReportView& v, Band band) {
  switch (band) {
    case Band::kBottomQuarter:
      return InReportLanguage(v.language, "下位25%", "bottom quarter");
    case Band::kLowerMiddle:
      return InReportLanguage(v.language, "下位25〜50%", "lower middle");
    case Band::kUpperMiddle:
      return InReportLanguage(v.language, "上位25〜50%", "upper middle");
    case Band::kTopQuarter:
      return InReportLanguage(v.language, "上位25%", "top quarter");
  }
  return "";
}

std::string BandText(const ReportView& v, const std::optional<BandFigure>& band) {
  if (!band) return "";
  if (band->suppression != Suppression::kNone) return ReasonText(v, band->suppression);
  return BandLabel(v, band->band);
}

std::string ChangeText(const ReportView& v, const std::optional<double>& change) {
  if (!change)
    return InReportLanguage(v.language, "比較可能な前年の回答なし",
                            "no comparable answer last year");
  return SignedNumber(*change);
}

std::string ItemLabel(const ReportView& v, int index) {
  const Item& item = v.bank->item(index);
  return item.id + " " + InReportLanguage(v.language, item.text);
}

std::string SourceLabel(const ReportView& v, ActionSource source) {
  switch (source) {
    case ActionSource::kTargetLevel:
      return InReportLanguage(v.language, "調査票の目標水準", "target level in the questionnaire");
    case ActionSource::kGuidance:
      return InReportLanguage(v.language, "調査票の記入要領", "guidance in the questionnaire");
    case ActionSource::kGeneric:
      return InReportLanguage(v.language, "機能ごとの一般的な対応",
                              "general action for the function");
  }
  return "";
}

std::string StatusLabel(const ReportView& v, RemediationStatus status) {
  switch (status) {
    case RemediationStatus::kOpen:
      return InReportLanguage(v.language, "未着手", "open");
    case RemediationStatus::kInProgress:
      return InReportLanguage(v.language, "対応中", "in progress");
    case RemediationStatus::kDone:
      return InReportLanguage(v.language, "完了", "done");
    case RemediationStatus::kAcceptedRisk:
      return InReportLanguage(v.language, "リスク受容", "risk accepted");
  }
  return "";
}

std::string DueText(const ReportView& v, const RemediationLine& line) {
  return line.overdue ? line.due_date + InReportLanguage(v.language, "（期限超過）", " (overdue)")
                      : line.due_date;
}

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

bool HasRemediation(const ReportView& v) {
  return !v.remediation_closed.empty() || !v.remediation_open.empty();
}

std::string ReportTitle(const ReportView& v) {
  return InReportLanguage(v.language, "サイバーセキュリティ実態把握 フィードバックレポート",
                          "Cyber-security survey feedback report");
}

// Section titles, one per PDF heading and workbook sheet (31 characters at most).
struct SectionNames {
  std::string summary, heatmap, functions, missed, actions, remediation;
};

SectionNames Sections(const ReportView& v) {
  if (v.language == ReportLanguage::kJapanese) {
    return {"概要",           "脅威×機能ヒートマップ",
            "機能別の結果",   "同業態の多くが満たす未達項目",
            "推奨される対応", "改善計画の進捗"};
  }
  return {"Summary",
          "Heatmap",
          "Functions",
          "Missed items peers meet",
          "Recommended actions",
          "Remediation progress"};
}

std::string SummaryParagraph(const ReportView& v) {
  std::string text;
  if (v.language == ReportLanguage::kJapanese) {
    text = fmt::format("{}（{}）の{}年度調査の結果です。", v.institution, v.category, v.year);
    if (v.overall.own) {
      text += fmt::format(
          "総合スコアは{}（100点満点）、満たした項目は{}項目中{}項目、"
          "成熟度はレベル{}です。",
          Number(v.overall.own->score), v.overall.own->items, v.overall.own->items_met,
          v.overall.own->maturity);
    }
    if (v.overall.peers.shown()) {
      text += fmt::format("同業態の中央値は{}、貴社は{}に位置します。",
                          Number(v.overall.peers.median), BandText(v, v.overall.band));
    } else {
      text += "同業態との比較：" + ReasonText(v, v.overall.peers.suppression);
    }
    if (v.overall.change) {
      text += fmt::format("前年から比較可能な項目で{}ポイント変化しました。",
                          SignedNumber(*v.overall.change));
    }
    return text;
  }
  text = fmt::format("Results of {} ({}) in the {} survey. ", v.institution, v.category, v.year);
  if (v.overall.own) {
    text += fmt::format("Overall score {} out of 100, {} of {} items met, maturity level {}. ",
                        Number(v.overall.own->score), v.overall.own->items_met,
                        v.overall.own->items, v.overall.own->maturity);
  }
  if (v.overall.peers.shown()) {
    text += fmt::format("The peer median is {}; you are in the {}. ",
                        Number(v.overall.peers.median), BandText(v, v.overall.band));
  } else {
    text += "Peer comparison: " + ReasonText(v, v.overall.peers.suppression) + " ";
  }
  if (v.overall.change) {
    text += fmt::format("Change since last year on comparable items: {} points.",
                        SignedNumber(*v.overall.change));
  }
  return text;
}

std::vector<const MetricRow*> SummaryRows(const ReportView& v) {
  std::vector<const MetricRow*> rows{&v.overall};
  for (const auto& row : v.functions) rows.push_back(&row);
  for (const auto& row : v.threats) rows.push_back(&row);
  return rows;
}

std::string PeerQuartiles(const ReportView& v, const PeerFigures& peers) {
  if (!peers.shown()) return ReasonText(v, peers.suppression);
  return fmt::format("{} / {} / {}", Number(peers.q1), Number(peers.median), Number(peers.q3));
}

// ---------------------------------------------------------------------------------------
// PDF.

using documents::Align;
using documents::BandChart;
using documents::Block;
using documents::BulletList;
using documents::Heading;
using documents::Heatmap;
using documents::Paragraph;
using documents::Table;
using documents::TableColumn;

std::vector<std::string> ThreatLabels(const ReportView& v) {
  std::vector<std::string> out;
  for (Threat t : kAllThreats) out.push_back(InReportLanguage(v.language, ThreatLabel(t)));
  return out;
}

std::vector<std::string> FunctionLabels(const ReportView& v) {
  std::vector<std::string> out;
  for (Function f : kAllFunctions) out.push_back(InReportLanguage(v.language, FunctionLabel(f)));
  return out;
}

void AddSummary(const ReportView& v, const SectionNames& names, std::vector<Block>& blocks) {
  blocks.push_back(Heading{1, names.summary});
  blocks.push_back(Paragraph{SummaryParagraph(v)});
  Table table;
  table.columns = {
      {InReportLanguage(v.language, "区分", "Measure"), 2.0},
      {InReportLanguage(v.language, "スコア", "Score"), 0.8, Align::kEnd},
      {InReportLanguage(v.language, "達成項目", "Items met"), 0.9, Align::kEnd},
      {InReportLanguage(v.language, "成熟度", "Maturity"), 0.8, Align::kEnd},
      {InReportLanguage(v.language, "同業態 第1四分位/中央値/第3四分位", "Peers Q1 / median / Q3"),
       2.4},
      {InReportLanguage(v.language, "位置", "Band"), 1.7},
      {InReportLanguage(v.language, "前年比", "Change"), 1.1, Align::kEnd}};
  for (const MetricRow* row : SummaryRows(v)) {
    const bool has_own = row->own.has_value();
    table.rows.push_back(
        {row->label, has_own ? Number(row->own->score) : "-",
         has_own ? fmt::format("{}/{}", row->own->items_met, row->own->items) : "-",
         has_own ? std::to_string(row->own->maturity) : "-", PeerQuartiles(v, row->peers),
         BandText(v, row->band), row->change ? SignedNumber(*row->change) : "-"});
  }
  blocks.push_back(std::move(table));
}

void AddHeatmaps(const ReportView& v, const SectionNames& names, std::vector<Block>& blocks) {
  blocks.push_back(Heading{1, names.heatmap});
  Heatmap own;
  own.caption = InReportLanguage(v.language, "貴社のスコア（0〜100）", "Your scores (0-100)");
  own.row_labels = ThreatLabels(v);
  own.column_labels = FunctionLabels(v);
  own.max = 100;
  own.decimals = 0;
  own.low_label = InReportLanguage(v.language, "低い", "low");
  own.high_label = InReportLanguage(v.language, "高い", "high");
  Heatmap peers = own;
  peers.caption =
      InReportLanguage(v.language, "同業態の平均スコア（0〜100）", "Peer mean scores (0-100)");
  std::array<bool, 3> reasons{};  // indexed by Suppression
  for (int t = 0; t < kThreatCount; ++t) {
    own.values.emplace_back(v.own_cells[t].begin(), v.own_cells[t].end());
    std::vector<std::optional<double>> row;
    for (int f = 0; f < kFunctionCount; ++f) {
      const PeerFigures& figure = v.peer_cells[t][f];
      row.push_back(figure.shown() ? std::optional(figure.value) : std::nullopt);
      if (!figure.shown() && v.own_cells[t][f])
        reasons[static_cast<int>(figure.suppression)] = true;
    }
    peers.values.push_back(std::move(row));
  }
  blocks.push_back(std::move(own));
  blocks.push_back(std::move(peers));
  std::vector<std::string> notes = {
      InReportLanguage(v.language, "「-」は該当する項目がないか、集計値を表示しない区画です。",
                       "A dash marks a cell without items or a figure not shown.")};
  for (Suppression s : {Suppression::kTooFewPeers, Suppression::kDominated}) {
    if (reasons[static_cast<int>(s)]) notes.push_back(ReasonText(v, s));
  }
  blocks.push_back(BulletList{std::move(notes)});
}

// The first function shares its page with the introduction of the section.
void AddFunctionPage(const ReportView& v, Function f, std::vector<Block>& blocks) {
  const MetricRow& row = v.functions[static_cast<int>(f)];
  if (f != kAllFunctions.front()) blocks.push_back(documents::PageBreak{});
  blocks.push_back(Heading{2, row.label});
  if (!row.own) {
    blocks.push_back(Paragraph{InReportLanguage(v.language, "この機能に該当する項目はありません。",
                                                "No item of this function applies to you.")});
    return;
  }
  const OwnFigures& own = *row.own;
  std::string text;
  if (v.language == ReportLanguage::kJapanese) {
    text = fmt::format("スコア {}、満たした項目 {}/{}（{}%）、成熟度レベル {}。\n前年比：{}",
                       Number(own.score), own.items_met, own.items, Number(own.percent_met),
                       own.maturity, ChangeText(v, row.change));
  } else {
    text = fmt::format(
        "Score {}, items met {}/{} ({}%), maturity level {}.\nChange since last "
        "year on comparable items: {}",
        Number(own.score), own.items_met, own.items, Number(own.percent_met), own.maturity,
        ChangeText(v, row.change));
  }
  blocks.push_back(Paragraph{std::move(text)});
  if (row.peers.shown()) {
    BandChart chart;
    chart.caption = InReportLanguage(v.language, "同業態との比較", "Against your peers");
    chart.min = 0;
    chart.max = 100;
    chart.tick_count = 4;
    chart.decimals = 1;
    chart.rows.push_back({row.label, row.peers.q1, row.peers.median, row.peers.q3, own.score, {}});
    chart.band_legend = InReportLanguage(v.language, "同業態の中央50%（線は中央値）",
                                         "middle half of peers (line: median)");
    chart.value_legend = InReportLanguage(v.language, "貴社", "you");
    blocks.push_back(std::move(chart));
    blocks.push_back(
        Paragraph{InReportLanguage(v.language, "位置：", "Band: ") + BandText(v, row.band)});
  } else {
    blocks.push_back(
        Paragraph{InReportLanguage(v.language, "同業態との比較：", "Against your peers: ") +
                  ReasonText(v, row.peers.suppression)});
  }
  Table missed;
  missed.caption = InReportLanguage(v.language, "満たしていない項目", "Items not met");
  missed.columns = {{InReportLanguage(v.language, "項目", "Item"), 5},
                    {InReportLanguage(v.language, "到達レベル", "Level reached"), 1, Align::kEnd}};
  for (const OwnItem& item : v.items) {
    if (item.met || item.not_applicable || v.bank->item(item.index).function != f) continue;
    missed.rows.push_back({ItemLabel(v, item.index), std::to_string(item.reached)});
  }
  if (missed.rows.empty()) {
    blocks.push_back(
        Paragraph{InReportLanguage(v.language, "この機能の項目はすべて満たしています。",
                                   "Every item of this function is met.")});
  } else {
    blocks.push_back(std::move(missed));
  }
}

void AddMissedAndActions(const ReportView& v, const SectionNames& names,
                         std::vector<Block>& blocks) {
  blocks.push_back(documents::PageBreak{});
  blocks.push_back(Heading{1, names.missed});
  if (v.missed_where_peers_meet.empty()) {
    blocks.push_back(
        Paragraph{InReportLanguage(v.language, "該当する項目はありません。", "None.")});
  } else {
    Table table;
    table.columns = {{InReportLanguage(v.language, "項目", "Item"), 5},
                     {InReportLanguage(v.language, "満たしている同業態の割合", "Peers meeting it"),
                      1.6, Align::kEnd}};
    for (const auto& m : v.missed_where_peers_meet) {
      table.rows.push_back({ItemLabel(v, m.index), m.share.shown()
                                                       ? Share(m.share.value)
                                                       : ReasonText(v, m.share.suppression)});
    }
    blocks.push_back(std::move(table));
  }
  blocks.push_back(Heading{1, names.actions});
  if (v.actions.empty()) {
    blocks.push_back(Paragraph{InReportLanguage(v.language, "満たしていない項目はありません。",
                                                "Every applicable item is met.")});
    return;
  }
  Table table;
  table.columns = {{InReportLanguage(v.language, "項目", "Item"), 3},
                   {InReportLanguage(v.language, "対応", "Action"), 3}};
  for (const Action& action : v.actions) {
    table.rows.push_back({ItemLabel(v, action.index), action.text});
  }
  blocks.push_back(std::move(table));
  blocks.push_back(Paragraph{InReportLanguage(
      v.language,
      "対応は、成熟度項目では調査票の目標水準の記述、その他の項目では記入要領（ない場合は機能"
      "ごとの一般的な対応）によります。",
      "Actions quote the questionnaire's target level for maturity items and its guidance for "
      "other items, or else a general action for the item's function.")});
}

// Earlier remediation items: closed by this campaign's answers, then still open.
void AddRemediation(const ReportView& v, const SectionNames& names, std::vector<Block>& blocks) {
  if (!HasRemediation(v)) return;
  blocks.push_back(documents::PageBreak{});
  blocks.push_back(Heading{1, names.remediation});
  blocks.push_back(Paragraph{InReportLanguage(
      v.language,
      "これまでの調査の未達項目について登録された改善計画です。対象の項目を今回すべて満たした計画"
      "を「完了を確認」、それ以外を「継続中」としています。",
      "Remediation items registered for gaps of earlier campaigns: closed when this campaign's "
      "answers meet every item they address, otherwise still open.")});
  const auto add_list = [&](const std::string& title, const std::vector<RemediationLine>& lines) {
    blocks.push_back(Heading{2, title});
    if (lines.empty()) {
      blocks.push_back(Paragraph{InReportLanguage(v.language, "なし。", "None.")});
      return;
    }
    Table table;
    // The due column fits a date with its overdue mark on one line.
    table.columns = {{InReportLanguage(v.language, "計画", "Item"), 2.6},
                     {InReportLanguage(v.language, "対象項目", "Questions"), 1.4},
                     {InReportLanguage(v.language, "期限", "Due"), 1.9},
                     {InReportLanguage(v.language, "状況", "Status"), 1}};
    for (const auto& line : lines) {
      table.rows.push_back(
          {line.title, JoinIds(line.item_ids), DueText(v, line), StatusLabel(v, line.status)});
    }
    blocks.push_back(std::move(table));
  };
  add_list(
      InReportLanguage(v.language, "完了を確認した計画", "Closed: every item addressed is now met"),
      v.remediation_closed);
  add_list(InReportLanguage(v.language, "継続中の計画", "Still open"), v.remediation_open);
}

documents::PdfDocument LayOut(const ReportView& v, documents::Typeface typeface) {
  const SectionNames names = Sections(v);
  documents::PdfDocument doc;
  doc.typeface = typeface;
  doc.metadata.title = ReportTitle(v) + " - " + v.institution;
  doc.metadata.author = InReportLanguage(v.language, "金融庁", "Financial Services Agency");
  doc.metadata.subject = v.campaign_title;
  doc.metadata.created = v.closed_at;
  doc.metadata.language = v.language == ReportLanguage::kJapanese ? "ja" : "en";
  std::vector<std::string> lines = {v.institution, v.category};
  if (!v.closed_on.empty()) {
    lines.push_back(InReportLanguage(v.language, "集計確定日：", "Results fixed on ") +
                    v.closed_on);
  }
  doc.title_page = documents::TitlePage{ReportTitle(v), v.campaign_title, std::move(lines)};
  doc.header_text = v.institution + " — " + v.campaign_title;
  doc.footer_text = InReportLanguage(v.language, "機密", "Confidential");
  AddSummary(v, names, doc.blocks);
  AddHeatmaps(v, names, doc.blocks);
  doc.blocks.push_back(documents::PageBreak{});
  doc.blocks.push_back(Heading{1, names.functions});
  doc.blocks.push_back(Paragraph{InReportLanguage(
      v.language,
      "同業態の数値は、同じ業態の他の5先以上の集計で、最小値・最大値は示しません。前年比は、前"
      "年と設問が同一の項目のみで比較しています。",
      "Peer figures are aggregates over at least 5 other institutions of your business "
      "category, never a minimum or maximum. Changes since last year compare only items "
      "whose question is unchanged.")});
  for (Function f : kAllFunctions) AddFunctionPage(v, f, doc.blocks);
  AddMissedAndActions(v, names, doc.blocks);
  AddRemediation(v, names, doc.blocks);
  return doc;
}

// ---------------------------------------------------------------------------------------
// XLSX: one sheet per section, the same figures as numbers.

CellValue NumberCell(const std::optional<double>& value) {
  if (!value) return std::monostate{};
  return *value;
}

documents::XlsxWorkbook Tabulate(const ReportView& v) {
  const SectionNames names = Sections(v);
  documents::XlsxWorkbook book;
  book.title = ReportTitle(v) + " - " + v.institution;
  book.author = InReportLanguage(v.language, "金融庁", "Financial Services Agency");
  book.created = v.closed_at;

  documents::XlsxSheet summary;
  summary.name = names.summary;
  summary.columns = {
      {InReportLanguage(v.language, "区分", "Measure"), 30},
      {InReportLanguage(v.language, "スコア", "Score"), 10, "0.0"},
      {InReportLanguage(v.language, "達成項目", "Items met"), 10},
      {InReportLanguage(v.language, "対象項目", "Items"), 10},
      {InReportLanguage(v.language, "成熟度", "Maturity"), 10},
      {InReportLanguage(v.language, "同業態 第1四分位", "Peers Q1"), 12, "0.0"},
      {InReportLanguage(v.language, "同業態 中央値", "Peers median"), 12, "0.0"},
      {InReportLanguage(v.language, "同業態 第3四分位", "Peers Q3"), 12, "0.0"},
      {InReportLanguage(v.language, "位置", "Band"), 20},
      {InReportLanguage(v.language, "前年比", "Change"), 10, "+0.0;-0.0;0.0"},
      {InReportLanguage(v.language, "表示しない理由", "Not shown because"), 50, "", true}};
  summary.rows.push_back({v.institution, std::monostate{}, std::monostate{}, std::monostate{},
                          std::monostate{}, std::monostate{}, std::monostate{}, std::monostate{},
                          std::monostate{}, std::monostate{}, SummaryParagraph(v)});
  for (const MetricRow* row : SummaryRows(v)) {
    std::vector<CellValue> cells = {row->label};
    if (row->own) {
      cells.insert(cells.end(), {row->own->score, double(row->own->items_met),
                                 double(row->own->items), double(row->own->maturity)});
    } else {
      cells.insert(cells.end(), 4, std::monostate{});
    }
    if (row->peers.shown()) {
      cells.insert(cells.end(), {row->peers.q1, row->peers.median, row->peers.q3});
    } else {
      cells.insert(cells.end(), 3, std::monostate{});
    }
    cells.push_back(row->band && row->band->suppression == Suppression::kNone
                        ? CellValue(BandLabel(v, row->band->band))
                        : CellValue(std::monostate{}));
    cells.push_back(NumberCell(row->change));
    cells.push_back(row->peers.shown() ? CellValue(std::monostate{})
                                       : CellValue(ReasonText(v, row->peers.suppression)));
    summary.rows.push_back(std::move(cells));
  }
  book.sheets.push_back(std::move(summary));

  documents::XlsxSheet heatmap;
  heatmap.name = names.heatmap;
  heatmap.columns.push_back({InReportLanguage(v.language, "脅威", "Threat"), 34});
  for (Function f : kAllFunctions) {
    heatmap.columns.push_back({InReportLanguage(v.language, FunctionLabel(f)), 12, "0.0"});
  }
  for (Function f : kAllFunctions) {
    heatmap.columns.push_back({InReportLanguage(v.language, "同業態平均 ", "Peer mean ") +
                                   InReportLanguage(v.language, FunctionLabel(f)),
                               14, "0.0"});
  }
  heatmap.columns.push_back(
      {InReportLanguage(v.language, "表示しない理由", "Not shown because"), 50, "", true});
  for (int t = 0; t < kThreatCount; ++t) {
    std::vector<CellValue> cells = {InReportLanguage(v.language, ThreatLabel(kAllThreats[t]))};
    for (int f = 0; f < kFunctionCount; ++f) cells.push_back(NumberCell(v.own_cells[t][f]));
    std::vector<std::string> reasons;
    for (int f = 0; f < kFunctionCount; ++f) {
      const PeerFigures& figure = v.peer_cells[t][f];
      cells.push_back(figure.shown() ? CellValue(figure.value) : CellValue(std::monostate{}));
      if (!figure.shown() && v.own_cells[t][f]) {
        reasons.push_back(InReportLanguage(v.language, FunctionLabel(kAllFunctions[f])) + ": " +
                          ReasonText(v, figure.suppression));
      }
    }
    std::string joined;
    for (const auto& reason : reasons) joined += (joined.empty() ? "" : "\n") + reason;
    cells.push_back(joined);
    heatmap.rows.push_back(std::move(cells));
  }
  heatmap.color_scales.push_back({1, 1, kThreatCount, kFunctionCount});
  book.sheets.push_back(std::move(heatmap));

  documents::XlsxSheet items;
  items.name = names.functions;
  items.columns = {{InReportLanguage(v.language, "機能", "Function"), 16},
                   {InReportLanguage(v.language, "項目ID", "Item id"), 24},
                   {InReportLanguage(v.language, "設問", "Question"), 60, "", true},
                   {InReportLanguage(v.language, "満たしている", "Met"), 10},
                   {InReportLanguage(v.language, "到達レベル", "Level reached"), 10}};
  const std::string yes = InReportLanguage(v.language, "はい", "yes");
  const std::string no = InReportLanguage(v.language, "いいえ", "no");
  const std::string not_applicable = InReportLanguage(v.language, "該当なし", "not applicable");
  for (Function f : kAllFunctions) {
    for (const OwnItem& item : v.items) {
      const Item& bank_item = v.bank->item(item.index);
      if (bank_item.function != f) continue;
      items.rows.push_back({InReportLanguage(v.language, FunctionLabel(f)), bank_item.id,
                            InReportLanguage(v.language, bank_item.text),
                            item.not_applicable ? not_applicable
                            : item.met          ? yes
                                                : no,
                            double(item.reached)});
    }
  }
  book.sheets.push_back(std::move(items));

  documents::XlsxSheet missed;
  missed.name = names.missed;
  missed.columns = {
      {InReportLanguage(v.language, "項目ID", "Item id"), 24},
      {InReportLanguage(v.language, "設問", "Question"), 60, "", true},
      {InReportLanguage(v.language, "満たしている同業態の割合", "Peers meeting it"), 14, "0%"},
      {InReportLanguage(v.language, "表示しない理由", "Not shown because"), 50, "", true}};
  for (const auto& m : v.missed_where_peers_meet) {
    const Item& item = v.bank->item(m.index);
    missed.rows.push_back({item.id, InReportLanguage(v.language, item.text),
                           m.share.shown() ? CellValue(m.share.value) : CellValue(std::monostate{}),
                           m.share.shown() ? CellValue(std::monostate{})
                                           : CellValue(ReasonText(v, m.share.suppression))});
  }
  book.sheets.push_back(std::move(missed));

  documents::XlsxSheet actions;
  actions.name = names.actions;
  actions.columns = {{InReportLanguage(v.language, "項目ID", "Item id"), 24},
                     {InReportLanguage(v.language, "設問", "Question"), 50, "", true},
                     {InReportLanguage(v.language, "対応", "Action"), 60, "", true},
                     {InReportLanguage(v.language, "出典", "Source"), 24}};
  for (const Action& action : v.actions) {
    const Item& item = v.bank->item(action.index);
    actions.rows.push_back({item.id, InReportLanguage(v.language, item.text), action.text,
                            SourceLabel(v, action.source)});
  }
  book.sheets.push_back(std::move(actions));

  if (HasRemediation(v)) {
    documents::XlsxSheet remediation;
    remediation.name = names.remediation;
    remediation.columns = {{InReportLanguage(v.language, "今回の結果", "This campaign"), 16},
                           {InReportLanguage(v.language, "計画", "Item"), 50, "", true},
                           {InReportLanguage(v.language, "対象項目", "Questions"), 30, "", true},
                           {InReportLanguage(v.language, "期限", "Due"), 12},
                           {InReportLanguage(v.language, "期限超過", "Overdue"), 10},
                           {InReportLanguage(v.language, "状況", "Status"), 14}};
    const auto add_rows = [&](const std::string& outcome,
                              const std::vector<RemediationLine>& lines) {
      for (const auto& line : lines) {
        remediation.rows.push_back({outcome, line.title, JoinIds(line.item_ids), line.due_date,
                                    line.overdue ? yes : no, StatusLabel(v, line.status)});
      }
    };
    add_rows(InReportLanguage(v.language, "完了を確認", "closed"), v.remediation_closed);
    add_rows(InReportLanguage(v.language, "継続中", "still open"), v.remediation_open);
    book.sheets.push_back(std::move(remediation));
  }
  return book;
}

}  // namespace

std::optional<ReportLanguage> ParseReportLanguage(std::string_view code) {
  if (code == "ja") return ReportLanguage::kJapanese;
  if (code == "en") return ReportLanguage::kEnglish;
  return std::nullopt;
}

std::optional<ReportFormat> ParseReportFormat(std::string_view name) {
  if (name == "pdf") return ReportFormat::kPdf;
  if (name == "xlsx") return ReportFormat::kXlsx;
  return std::nullopt;
}

std::string_view ReportFileExtension(ReportFormat format) {
  return format == ReportFormat::kPdf ? "pdf" : "xlsx";
}

std::string_view ReportContentType(ReportFormat format) {
  return format == ReportFormat::kPdf
             ? "application/pdf"
             : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

Result<documents::PdfDocument> BuildFeedbackPdf(const FeedbackReportInput& input,
                                                ReportLanguage language,
                                                documents::Typeface typeface) {
  FC_ASSIGN_OR_RETURN(ReportView view, ReadView(input, language));
  return LayOut(view, typeface);
}

Result<documents::XlsxWorkbook> BuildFeedbackWorkbook(const FeedbackReportInput& input,
                                                      ReportLanguage language) {
  FC_ASSIGN_OR_RETURN(ReportView view, ReadView(input, language));
  return Tabulate(view);
}

Result<std::string> RenderFeedbackReport(const FeedbackReportInput& input,
                                         const FeedbackReportOptions& options) {
  if (options.format == ReportFormat::kPdf) {
    FC_ASSIGN_OR_RETURN(auto document, BuildFeedbackPdf(input, options.language, options.typeface));
    return documents::RenderPdf(document);
  }
  FC_ASSIGN_OR_RETURN(auto workbook, BuildFeedbackWorkbook(input, options.language));
  return documents::WriteXlsx(workbook);
}

Result<FeedbackReportInput> LoadFeedbackReportInput(SurveyService& service,
                                                    const identity::Principal& principal,
                                                    std::string_view campaign_id,
                                                    std::string_view org_id) {
  // Results first: they carry the access rule and the "not closed" and "not submitted"
  // answers, before anything else is read.
  FC_ASSIGN_OR_RETURN(Json results, service.InstitutionResults(principal, campaign_id, org_id));
  FC_ASSIGN_OR_RETURN(Questionnaire questionnaire,
                      service.GetQuestionnaire(principal, campaign_id, org_id));
  FeedbackReportInput input;
  input.campaign = std::move(questionnaire.campaign);
  input.org_id = questionnaire.assignment.org_id;
  input.institution_name = questionnaire.assignment.org_name;
  input.bank = std::move(questionnaire.bank);
  input.results = std::move(results);
  return input;
}

namespace {

// Written beside the target and renamed over it, so a reader never sees half a report.
Status WriteFileAtomically(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::path partial = path;
  partial += ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) return Unavailable("cannot write " + partial.string());
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) return Unavailable("cannot write " + path.string() + ": " + ec.message());
  return OkStatus();
}

}  // namespace

Result<CampaignReportsSummary> WriteCampaignReports(
    SurveyService& service, const identity::Principal& principal, std::string_view campaign_id,
    const CampaignReportsOptions& options,
    const std::function<void(int done, int total)>& progress) {
  if (options.threads < 1 || options.threads > kMaxReportThreads) {
    return InvalidArgument(fmt::format("threads must be 1 to {}", kMaxReportThreads));
  }
  FC_ASSIGN_OR_RETURN(Campaign campaign, service.GetCampaign(principal, campaign_id));
  if (campaign.status != CampaignStatus::kClosed) {
    return FailedPrecondition("reports are built from the results fixed when the campaign closes");
  }
  FC_ASSIGN_OR_RETURN(auto assignments, service.ListAssignments(principal, campaign.id));
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return Unavailable("cannot create " + options.out_dir.string() + ": " + ec.message());

  CampaignReportsSummary summary;
  summary.institutions = static_cast<int>(assignments.size());
  const std::string suffix =
      fmt::format("-{}.{}", options.report.language == ReportLanguage::kJapanese ? "ja" : "en",
                  ReportFileExtension(options.report.format));
  std::atomic<std::size_t> next{0};
  std::mutex mutex;  // guards summary and progress calls
  int done = 0;
  auto work = [&] {
    for (std::size_t i = next++; i < assignments.size(); i = next++) {
      const std::string& org_id = assignments[i].org_id;
      Status status = [&]() -> Status {
        FC_ASSIGN_OR_RETURN(FeedbackReportInput input,
                            LoadFeedbackReportInput(service, principal, campaign.id, org_id));
        FC_ASSIGN_OR_RETURN(std::string bytes, RenderFeedbackReport(input, options.report));
        return WriteFileAtomically(options.out_dir / (org_id + suffix), bytes);
      }();
      std::lock_guard lock(mutex);
      if (status.ok()) {
        ++summary.written;
      } else if (status.error().code() == ErrorCode::kNotFound) {
        ++summary.without_results;
      } else {
        summary.failures.push_back(org_id + ": " + status.error().internal_message());
      }
      if (progress) progress(++done, summary.institutions);
    }
  };
  std::vector<std::thread> workers;
  for (int t = 1; t < options.threads; ++t) workers.emplace_back(work);
  work();
  for (auto& worker : workers) worker.join();
  return summary;
}

}  // namespace fincyber::survey
