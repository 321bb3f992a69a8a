// Sector analytics at the scale of issue 5: 2,000 institutions x 300 items x 3 campaign
// years, generated deterministically in process, then scored and analysed.
//
//   survey_analytics_bench [--institutions N] [--items N] [--years N] [--runs N]
//                          [--write DIR]
//
// --write also saves the generated banks (bank-<year>.yaml) and answers
// (answers-<year>.jsonl: one institution per line) for other benchmarks to load.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "survey/analytics.h"
#include "survey/bank_format.h"
#include "survey/scoring.h"

namespace fincyber::survey {
namespace {

struct Options {
  int institutions = 2000;
  int items = 300;
  int years = 3;
  int runs = 5;
  std::string write_dir;
};

// Sector codes as the identity directory names them, with a weight for how many
// institutions of each kind the generated sector has.
const std::vector<std::pair<std::string, int>> kCategories = {
    {"major_bank", 10},      {"regional_bank", 100},      {"second_regional_bank", 70},
    {"shinkin_bank", 400},   {"credit_cooperative", 250}, {"securities", 500},
    {"life_insurance", 80},  {"nonlife_insurance", 120},  {"market_infrastructure", 10},
    {"funds_transfer", 400}, {"crypto_asset", 60}};

Text Bilingual(const std::string& ja, const std::string& en) { return {ja, en}; }

std::vector<Text> Scale() {
  std::vector<Text> scale;
  for (int level = 0; level <= kMaxMaturityLevel; ++level) {
    scale.push_back(Bilingual("水準" + std::to_string(level), "Level " + std::to_string(level)));
  }
  return scale;
}

// One bank per year. Each year after the first rewords about 10% of the items (so they
// drop out of year-over-year figures) and replaces about 3% with new ids.
std::vector<Bank> GenerateBanks(const Options& options, std::mt19937_64& random) {
  std::vector<Bank> banks;
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<int> revision(options.items, 0);
  std::vector<int> serial(options.items);
  for (int i = 0; i < options.items; ++i) serial[i] = i;
  int next_serial = options.items;
  for (int year = 0; year < options.years; ++year) {
    if (year > 0) {
      for (int i = 0; i < options.items; ++i) {
        const double draw = unit(random);
        if (draw < 0.03) {
          serial[i] = next_serial++;
          revision[i] = 0;
        } else if (draw < 0.13) {
          revision[i] += 1;
        }
      }
    }
    Bank bank;
    bank.id = "bench";
    bank.version = std::to_string(2024 + year);
    bank.status = BankStatus::kPublished;
    bank.title = Bilingual("ベンチマーク", "Benchmark");
    bank.maturity_scale = Scale();
    for (Function function : kAllFunctions) {
      Section section;
      section.id = std::string(FunctionName(function));
      section.title = FunctionLabel(function);
      bank.sections.push_back(std::move(section));
    }
    std::mt19937_64 shape(42);                            // the same item shapes every year
    std::array<std::string, kFunctionCount> last_yes_no;  // per section: conditions look back
    for (int i = 0; i < options.items; ++i) {
      Item item;
      item.id = "q" + std::to_string(serial[i]);
      const std::string wording = std::to_string(serial[i]) + "." + std::to_string(revision[i]);
      item.text = Bilingual("設問" + wording, "Question " + wording);
      item.function = kAllFunctions[i % kFunctionCount];
      const double kind = std::uniform_real_distribution<double>(0, 1)(shape);
      if (kind < 0.6) {
        item.type = AnswerType::kMaturity;
      } else if (kind < 0.85) {
        item.type = AnswerType::kYesNo;
        item.level = 1 + static_cast<int>(shape() % 3);
      } else if (kind < 0.92) {
        item.type = AnswerType::kNumber;
        item.number = NumberSpec{0, 365, Bilingual("日", "days"), std::nullopt, 30.0};
      } else {
        item.type = AnswerType::kMultipleChoice;
        for (int c = 0; c < 4; ++c) {
          item.choices.push_back(
              {"c" + std::to_string(c),
               Bilingual("選択肢" + std::to_string(c), "Choice " + std::to_string(c)), 0.25});
        }
      }
      item.weight = 0.5 + 0.5 * static_cast<double>(shape() % 4);
      for (Threat threat : kAllThreats) {
        if (shape() % 2 == 0) item.threats.push_back(threat);
      }
      if (shape() % 20 == 0) {
        item.condition = "size >= \"medium\"";
      } else if (shape() % 20 == 0 && !last_yes_no[i % kFunctionCount].empty()) {
        item.condition = "answer(" + last_yes_no[i % kFunctionCount] + ") == \"yes\"";
      }
      if (item.type == AnswerType::kYesNo) last_yes_no[i % kFunctionCount] = item.id;
      bank.sections[i % kFunctionCount].items.push_back(std::move(item));
    }
    banks.push_back(std::move(bank));
  }
  return banks;
}

struct Institution {
  std::string id;
  std::string category;
  SizeTier size;
  double propensity;  // how mature it is, 0..1
};

std::vector<Institution> GenerateInstitutions(const Options& options, std::mt19937_64& random) {
  int total_weight = 0;
  for (const auto& category : kCategories) total_weight += category.second;
  std::vector<Institution> institutions;
  std::uniform_real_distribution<double> propensity(0.15, 0.95);
  for (const auto& [category, weight] : kCategories) {
    const int count = std::max(1, options.institutions * weight / total_weight);
    for (int i = 0; i < count && static_cast<int>(institutions.size()) < options.institutions;
         ++i) {
      institutions.push_back({category + "-" + std::to_string(i), category,
                              static_cast<SizeTier>(random() % 3), propensity(random)});
    }
  }
  return institutions;
}

Answers GenerateAnswers(const CompiledBank& bank, const Institution& institution, int year,
                        std::mt19937_64& random) {
  std::uniform_real_distribution<double> unit(0, 1);
  const double p = std::min(0.99, institution.propensity + 0.04 * year);
  Answers answers;
  for (int index = 0; index < bank.item_count(); ++index) {
    const Item& item = bank.item(index);
    const double draw = unit(random);
    if (draw < 0.02) continue;  // left unanswered
    if (draw < 0.05) {
      answers.emplace(item.id, NotApplicable{});
      continue;
    }
    switch (item.type) {
      case AnswerType::kMaturity: {
        const double level = 4 * p + (unit(random) - 0.5) * 2.0;
        answers.emplace(item.id, std::clamp(static_cast<int>(level + 0.5), 0, 4));
        break;
      }
      case AnswerType::kYesNo:
        answers.emplace(item.id, unit(random) < p
                                     ? (unit(random) < 0.1 ? YesNo::kCompensating : YesNo::kYes)
                                     : YesNo::kNo);
        break;
      case AnswerType::kNumber:
        answers.emplace(item.id, std::round(120 * (1 - p) * unit(random) * 2));
        break;
      default: {
        std::vector<std::string> chosen;
        for (const auto& choice : item.choices) {
          if (unit(random) < p) chosen.push_back(choice.id);
        }
        answers.emplace(item.id, std::move(chosen));
        break;
      }
    }
  }
  return answers;
}

void Write(const std::filesystem::path& dir, int year, const Bank& bank,
           const std::vector<Institution>& institutions, const std::vector<Answers>& answers) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / ("bank-" + std::to_string(year) + ".yaml")) << BankToYaml(bank);
  std::ofstream out(dir / ("answers-" + std::to_string(year) + ".jsonl"));
  for (std::size_t i = 0; i < institutions.size(); ++i) {
    Json values = Json::object();
    for (const auto& [id, value] : answers[i]) values[id] = AnswerToJson(value);
    out << DumpJson({{"institution", institutions[i].id},
                     {"category", institutions[i].category},
                     {"size", SizeTierName(institutions[i].size)},
                     {"answers", values}})
        << "\n";
  }
}

double Seconds(std::chrono::steady_clock::duration duration) {
  return std::chrono::duration<double>(duration).count();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

int Run(const Options& options) {
  std::mt19937_64 random(20261127);
  const auto generation_start = std::chrono::steady_clock::now();
  const auto banks = GenerateBanks(options, random);
  const auto institutions = GenerateInstitutions(options, random);
  std::vector<std::shared_ptr<const CompiledBank>> compiled;
  std::vector<std::vector<Answers>> answers(options.years);
  for (int year = 0; year < options.years; ++year) {
    auto bank = CompiledBank::Compile(banks[year]);
    if (!bank.ok()) {
      std::fprintf(stderr, "generated bank invalid: %s\n", bank.error().internal_message().c_str());
      return 1;
    }
    compiled.push_back(std::make_shared<const CompiledBank>(std::move(bank).value()));
    for (const auto& institution : institutions) {
      answers[year].push_back(GenerateAnswers(*compiled.back(), institution, year, random));
    }
    if (!options.write_dir.empty()) {
      Write(options.write_dir, 2024 + year, banks[year], institutions, answers[year]);
    }
  }
  const double generation = Seconds(std::chrono::steady_clock::now() - generation_start);

  std::vector<double> scoring, build, categories, feedback, analytics_total, total;
  std::size_t checksum = 0;
  for (int run = 0; run < options.runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<CampaignScores> campaigns;
    for (int year = 0; year < options.years; ++year) {
      CampaignScores campaign{2024 + year, compiled[year], {}};
      for (std::size_t i = 0; i < institutions.size(); ++i) {
        const auto& institution = institutions[i];
        campaign.institutions.push_back(
            {institution.id, institution.category,
             Score(*compiled[year], {institution.category, institution.size}, answers[year][i])});
      }
      campaigns.push_back(std::move(campaign));
    }
    const auto scored = std::chrono::steady_clock::now();
    auto analytics = SectorAnalytics::Build(std::move(campaigns));
    if (!analytics.ok()) {
      std::fprintf(stderr, "%s\n", analytics.error().internal_message().c_str());
      return 1;
    }
    const auto built = std::chrono::steady_clock::now();
    for (int year : analytics->Years()) {
      for (const auto& category : analytics->Categories(year)) {
        auto report = analytics->ForCategory(year, category);
        checksum += report->most_missed.size() + report->year_over_year.size();
      }
    }
    const auto reported = std::chrono::steady_clock::now();
    const int latest = analytics->Years().back();
    for (const auto& institution : institutions) {
      auto view = analytics->ForInstitution(latest, institution.id);
      checksum += view->missed_where_peers_meet.size() + view->peer_year_over_year.size();
    }
    const auto done = std::chrono::steady_clock::now();
    scoring.push_back(Seconds(scored - start));
    build.push_back(Seconds(built - scored));
    categories.push_back(Seconds(reported - built));
    feedback.push_back(Seconds(done - reported));
    analytics_total.push_back(Seconds(done - scored));
    total.push_back(Seconds(done - start));
  }
  std::printf("institutions %zu, items %d, years %d, runs %d (median), checksum %zu\n",
              institutions.size(), options.items, options.years, options.runs, checksum);
  std::printf("| step | ms |\n|---|---:|\n");
  std::printf("| generate banks and answers (once) | %.0f |\n", 1000 * generation);
  std::printf("| score every assessment (%zu) | %.0f |\n", institutions.size() * options.years,
              1000 * Median(scoring));
  std::printf("| build per-category indexes | %.0f |\n", 1000 * Median(build));
  std::printf("| category reports, every category and year | %.1f |\n", 1000 * Median(categories));
  std::printf("| feedback for every institution, latest year | %.1f |\n", 1000 * Median(feedback));
  std::printf("| full sector analytics (indexes + reports + feedback) | %.0f |\n",
              1000 * Median(analytics_total));
  std::printf("| scoring and full sector analytics | %.0f |\n", 1000 * Median(total));
  return 0;
}

}  // namespace
}  // namespace fincyber::survey

int main(int argc, char** argv) {
  fincyber::survey::Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--institutions") {
      options.institutions = std::atoi(value.c_str());
    } else if (flag == "--items") {
      options.items = std::atoi(value.c_str());
    } else if (flag == "--years") {
      options.years = std::atoi(value.c_str());
    } else if (flag == "--runs") {
      options.runs = std::atoi(value.c_str());
    } else if (flag == "--write") {
      options.write_dir = value;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (options.institutions < 1 || options.items < 1 || options.years < 1 || options.runs < 1) {
    std::fprintf(stderr, "counts must be positive\n");
    return 2;
  }
  return fincyber::survey::Run(options);
}
