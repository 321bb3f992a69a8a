// Renders feedback-like reports (title page, summary, threat x function heatmap, six band
// charts, three tables, Japanese text: 8 pages) for N synthetic institutions on T
// threads, and prints reports per second, bytes and peak memory. Each institution's
// figures come from a seeded generator, so runs are repeatable.
//
//   documents_bench --reports 2000 --threads 2 [--format pdf|xlsx] [--typeface sans|compact]
//                   [--write-first out.pdf]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "documents/pdf.h"
#include "documents/xlsx_writer.h"

namespace {

using namespace fincyber::documents;

const char* const kThreats[] = {"標的型攻撃", "ランサムウェア", "DDoS攻撃", "不正送金"};
const char* const kFunctions[] = {"統治 Govern", "識別 Identify", "防御 Protect",
                                  "検知 Detect", "対応 Respond",  "復旧 Recover"};

struct Institution {
  std::string name;
  std::vector<std::vector<double>> cells;  // [threat][function], 0..4
  std::vector<double> previous;            // per function
};

Institution MakeInstitution(int index) {
  std::mt19937 random(static_cast<unsigned>(index) * 7919u + 17u);
  std::uniform_real_distribution<double> score(0.5, 4.0);
  Institution institution;
  institution.name = "地方銀行" + std::to_string(index + 1) + "号 (Regional Bank " +
                     std::to_string(index + 1) + ")";
  for (int t = 0; t < 4; ++t) {
    institution.cells.emplace_back();
    for (int f = 0; f < 6; ++f) institution.cells.back().push_back(score(random));
  }
  for (int f = 0; f < 6; ++f) institution.previous.push_back(score(random));
  return institution;
}

std::string ItemText(int item) {
  static const char* const kTopics[] = {
      "情報資産の棚卸しを定期的に行い、責任者を定めている",
      "経営層がサイバーリスクを把握し、年一回以上報告を受けている",
      "システム開発の各段階でセキュリティ要件を確認している",
      "ISACを通じて脅威情報を共有し、早期警戒情報に対応している",
      "入口・内部・出口の多層防御を講じている (multi-layer defence)",
      "脆弱性情報を収集し、重要なパッチを30日以内に適用している",
      "コンティンジェンシープランを整備し、演習に参加している",
      "ログを収集・保管し、異常を監視している (SIEM)"};
  return std::string(kTopics[item % 8]) + "（項目 " + std::to_string(item + 1) + "）";
}

PdfDocument MakeReport(const Institution& institution, Typeface typeface) {
  using namespace std::chrono_literals;
  PdfDocument doc;
  doc.typeface = typeface;
  doc.metadata.title = "サイバーセキュリティ・セルフアセスメント フィードバック報告書";
  doc.metadata.author = "金融庁";
  doc.metadata.created = std::chrono::sys_days{std::chrono::year{2026} / 3 / 31} + 9h;
  doc.title_page = TitlePage{
      .title = "セルフアセスメント フィードバック報告書",
      .subtitle = "2026年度 サイバーセキュリティ実態調査",
      .lines = {institution.name, "業態: 地方銀行 (比較対象 102 先)", "作成日: 2026年3月31日"}};
  doc.header_text = institution.name + " — フィードバック報告書";
  doc.footer_text = "機密 (Confidential)";

  doc.blocks.push_back(Heading{.level = 1, .text = "1. 概要"});
  for (int p = 0; p < 3; ++p) {
    doc.blocks.push_back(Paragraph{
        .text = "本報告書は、貴社の回答を同じ業態の金融機関の回答と比較し、脅威と機能の組合せ"
                "ごとに強みと改善点を示すものです。数値は成熟度 0 から 4 の平均で、同業態の分布"
                "は中央 50% の範囲（第1四分位から第3四分位）で示します。This report compares "
                "your answers with those of your peers; figures are mean maturity levels from "
                "0 to 4."});
  }
  Heatmap heatmap{.caption = "脅威 × 機能 ヒートマップ (Threat x function)",
                  .min = 0,
                  .max = 4,
                  .decimals = 1,
                  .low_label = "低い",
                  .high_label = "高い"};
  for (int t = 0; t < 4; ++t) {
    heatmap.row_labels.push_back(kThreats[t]);
    heatmap.values.emplace_back();
    for (int f = 0; f < 6; ++f) heatmap.values.back().push_back(institution.cells[t][f]);
  }
  for (const char* function : kFunctions) heatmap.column_labels.push_back(function);
  doc.blocks.push_back(std::move(heatmap));

  doc.blocks.push_back(PageBreak{});
  doc.blocks.push_back(Heading{.level = 1, .text = "2. 機能別の評価"});
  for (int f = 0; f < 6; ++f) {
    doc.blocks.push_back(Heading{.level = 2, .text = kFunctions[f]});
    BandChart chart{.caption = "",
                    .min = 0,
                    .max = 4,
                    .tick_count = 4,
                    .decimals = 1,
                    .band_legend = "同業態の中央50%と中央値",
                    .value_legend = "貴社",
                    .previous_legend = "前年"};
    for (int t = 0; t < 4; ++t) {
      const double value = institution.cells[t][f];
      chart.rows.push_back(BandRow{.label = kThreats[t],
                                   .lower = 1.4 + 0.1 * t,
                                   .median = 2.1 + 0.1 * t,
                                   .upper = 2.9 + 0.1 * t,
                                   .value = value,
                                   .previous = std::nullopt});
    }
    chart.rows.push_back(BandRow{.label = "機能全体",
                                 .lower = 1.6,
                                 .median = 2.3,
                                 .upper = 3.0,
                                 .value = institution.previous[f] * 0.9 + 0.3,
                                 .previous = institution.previous[f]});
    doc.blocks.push_back(std::move(chart));
    doc.blocks.push_back(Paragraph{
        .text = "前年からの変化と同業態との差を踏まえ、次年度の自己点検で重点的に確認すべき"
                "項目を下表に示します。"});
  }

  doc.blocks.push_back(PageBreak{});
  doc.blocks.push_back(
      Heading{.level = 1, .text = "3. 同業態の多くが満たし、貴社が満たしていない項目"});
  Table missed{.columns = {{"項目", 5, Align::kStart},
                           {"機能", 1.5, Align::kStart},
                           {"同業態の充足率", 1.2, Align::kEnd}},
               .rows = {},
               .caption = ""};
  for (int i = 0; i < 24; ++i) {
    missed.rows.push_back({ItemText(i), kFunctions[i % 6], std::to_string(60 + i % 35) + "%"});
  }
  doc.blocks.push_back(std::move(missed));
  doc.blocks.push_back(Heading{.level = 1, .text = "4. 推奨される対応"});
  Table actions{.columns = {{"対応", 5, Align::kStart}, {"期限の目安", 1.5, Align::kStart}},
                .rows = {},
                .caption = ""};
  for (int i = 0; i < 10; ++i) {
    actions.rows.push_back({"改善策: " + ItemText(i * 3) + "ための手順を文書化し、担当者を定める",
                            i < 5 ? "6か月以内" : "12か月以内"});
  }
  doc.blocks.push_back(std::move(actions));
  doc.blocks.push_back(Heading{.level = 1, .text = "5. 項目別スコア"});
  Table scores{
      .columns = {{"項目", 5, Align::kStart}, {"貴社", 1, Align::kEnd}, {"中央値", 1, Align::kEnd}},
      .rows = {},
      .caption = ""};
  for (int i = 0; i < 75; ++i) {
    scores.rows.push_back({ItemText(i), std::to_string(i % 5), std::to_string((i + 2) % 5)});
  }
  doc.blocks.push_back(std::move(scores));
  return doc;
}

XlsxWorkbook MakeWorkbook(const Institution& institution) {
  XlsxWorkbook book;
  book.created = std::chrono::sys_days{std::chrono::year{2026} / 3 / 31};
  XlsxSheet scores{.name = "スコア", .columns = {}, .rows = {}};
  scores.columns.push_back({.header = "脅威", .width = 18});
  for (const char* function : kFunctions) {
    scores.columns.push_back({.header = function, .width = 14, .number_format = "0.0"});
  }
  for (int t = 0; t < 4; ++t) {
    std::vector<CellValue> row{std::string(kThreats[t])};
    for (int f = 0; f < 6; ++f) row.push_back(institution.cells[t][f]);
    scores.rows.push_back(std::move(row));
  }
  scores.color_scales.push_back(
      {.first_row = 1, .first_column = 1, .last_row = 4, .last_column = 6});
  book.sheets.push_back(std::move(scores));
  XlsxSheet items{.name = "項目", .columns = {}, .rows = {}};
  items.columns = {{.header = "項目", .width = 60},
                   {.header = "回答",
                    .width = 12,
                    .editable = true,
                    .allowed_values = {"0", "1", "2", "3", "4", "該当なし"}}};
  for (int i = 0; i < 300; ++i) items.rows.push_back({ItemText(i), static_cast<double>(i % 5)});
  items.protect = true;
  book.sheets.push_back(std::move(items));
  return book;
}

}  // namespace

int main(int argc, char** argv) {
  int reports = 2000;
  int threads = 1;
  std::string format = "pdf";
  std::string write_first;
  std::string typeface = "sans";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--reports"))
      reports = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--threads"))
      threads = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--format"))
      format = argv[i + 1];
    else if (!std::strcmp(argv[i], "--write-first"))
      write_first = argv[i + 1];
    else if (!std::strcmp(argv[i], "--typeface"))
      typeface = argv[i + 1];
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (reports < 1 || threads < 1 || (format != "pdf" && format != "xlsx") ||
      (typeface != "sans" && typeface != "compact")) {
    std::fprintf(stderr,
                 "usage: documents_bench --reports N --threads T [--format pdf|xlsx] "
                 "[--typeface sans|compact] [--write-first FILE]\n");
    return 2;
  }

  std::atomic<int> next{0};
  std::atomic<long long> total_bytes{0};
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  auto worker = [&] {
    for (int i = next++; i < reports; i = next++) {
      const Institution institution = MakeInstitution(i);
      const Typeface face = typeface == "compact" ? Typeface::kCompact : Typeface::kSans;
      auto bytes = format == "pdf" ? RenderPdf(MakeReport(institution, face))
                                   : WriteXlsx(MakeWorkbook(institution));
      if (!bytes.ok()) {
        if (failures++ == 0) {
          std::fprintf(stderr, "report %d: %s\n", i, bytes.error().internal_message().c_str());
        }
        continue;
      }
      total_bytes += static_cast<long long>(bytes->size());
      if (i == 0 && !write_first.empty()) {
        std::ofstream(write_first, std::ios::binary) << *bytes;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& thread : pool) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  // CPU time per report says what the code costs even when other work shares the cores.
  const double cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                             (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::printf(
      "format=%s typeface=%s reports=%d threads=%d seconds=%.2f reports_per_second=%.1f "
      "cpu_ms_per_report=%.1f mean_bytes=%lld peak_rss_mib=%.1f failures=%d\n",
      format.c_str(), format == "pdf" ? typeface.c_str() : "-", reports, threads, seconds,
      reports / seconds, 1000 * cpu_seconds / reports, total_bytes.load() / reports,
      usage.ru_maxrss / 1024.0, failures.load());
  return failures.load() == 0 ? 0 : 1;
}
