// A campaign through storage, at the sector's scale: N institutions (default 2,000) over
// the eleven business categories answer the mission's bank item by item through
// SurveyService (each answer one audited transaction, as autosave does), submit, and the
// campaign closes (scoring, analytics and storing every result). Then the reads an
// institution's dashboard makes: its frozen results and its questionnaire.
//
//   survey_campaign_bench [--database FILE|postgresql://...] [--institutions N]
//                         [--reads N]
//
// Without --database a fresh SQLite file in the temporary folder is used and removed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "base/crypto.h"
#include "events/events.h"
#include "identity/directory.h"
#include "store/migrations.h"
#include "survey/mission_bank.h"
#include "survey/scoring.h"
#include "survey/service.h"

namespace fincyber::survey {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string database;
  int institutions = 2000;
  int reads = 2000;
};

const std::vector<std::pair<std::string, int>> kCategories = {
    {"major_bank", 10},      {"regional_bank", 100},      {"second_regional_bank", 70},
    {"shinkin_bank", 400},   {"credit_cooperative", 250}, {"securities", 500},
    {"life_insurance", 80},  {"nonlife_insurance", 90},   {"market_infrastructure", 10},
    {"funds_transfer", 300}, {"crypto_asset", 190}};

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void Fail(const Error& error) {
  std::fprintf(stderr, "error: %s\n", error.internal_message().c_str());
  std::exit(1);
}
template <typename T>
T Must(Result<T> result) {
  if (!result.ok()) Fail(result.error());
  return std::move(*result);
}
void Must(Status status) {
  if (!status.ok()) Fail(status.error());
}

// A value for `item` drawn around the institution's propensity (0-4).
Json AnswerFor(const Item& item, double level) {
  const double share = std::clamp(level / 4.0, 0.0, 1.0);
  switch (item.type) {
    case AnswerType::kMaturity:
      return static_cast<int>(std::clamp(std::lround(level), 0L, 4L));
    case AnswerType::kYesNo:
      return level >= 2.2 ? "yes" : "no";
    case AnswerType::kNumber:
      return std::round(item.number->min + (item.number->max - item.number->min) * share);
    case AnswerType::kSingleChoice:
      return item
          .choices[std::min<std::size_t>(static_cast<std::size_t>(share * item.choices.size()),
                                         item.choices.size() - 1)]
          .id;
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

struct Percentiles {
  double p50 = 0, p99 = 0;
};
Percentiles Of(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  auto at = [&](double p) { return samples[static_cast<std::size_t>(p * (samples.size() - 1))]; };
  return {at(0.5), at(0.99)};
}

int Run(const Options& options) {
  const bool temporary = options.database.empty();
  const std::string target =
      temporary ? (std::filesystem::temp_directory_path() / ("survey-bench-" + NewUuid() + ".db"))
                      .string()
                : options.database;
  auto db = Must(store::Database::Open(target));
  std::vector<store::Migration> migrations;
  for (auto list :
       {identity::Migrations(), audit::Migrations(), events::Migrations(), Migrations()}) {
    migrations.insert(migrations.end(), list.begin(), list.end());
  }
  Must(store::Migrate(*db, migrations));
  SystemClock clock;
  SurveyService service(*db, clock);
  const identity::Principal op = identity::OperatorPrincipal();
  const RequestInfo info{"bench", ""};

  // The sector: institutions in proportion to the category weights.
  int weight_total = 0;
  for (const auto& [code, weight] : kCategories) weight_total += weight;
  struct Institution {
    identity::Principal admin;
    std::string category;
    double propensity;
  };
  std::vector<Institution> institutions;
  std::mt19937 random(20261127);
  std::normal_distribution<double> spread(0.0, 0.7);
  Must(db->Transact([&](store::Connection& conn) -> Status {
    for (const auto& [code, weight] : kCategories) {
      const int count = std::max(1, options.institutions * weight / weight_total);
      for (int i = 0; i < count; ++i) {
        const std::string name = code + "-" + std::to_string(i);
        FC_ASSIGN_OR_RETURN(
            auto org,
            identity::CreateOrg(conn, clock, op,
                                {identity::OrgKind::kInstitution, code, name + " (ja)", name, {}}));
        identity::Principal admin;
        admin.user_id = "bench-" + name;
        admin.username = name + ".admin";
        admin.org_id = org.id;
        admin.role = identity::Role::kInstitutionAdmin;
        institutions.push_back({admin, code, 2.4 + spread(random)});
      }
    }
    return OkStatus();
  }));
  const auto bank = Must(service.LoadMissionBank(op, info));
  NewCampaign nc;
  nc.bank_storage_id = bank.id;
  nc.title = {"ベンチマーク", "Benchmark"};
  nc.year = 2026;
  for (const auto& [code, weight] : kCategories) nc.categories.push_back(code);
  nc.deadline = clock.Now() + std::chrono::hours(24);
  const auto campaign = Must(service.OpenCampaign(op, nc, info));
  const CompiledBank& compiled = MissionBank();

  std::int64_t answers = 0;
  std::uniform_real_distribution<double> jitter(-0.8, 0.8);
  const auto answering = Clock::now();
  for (const auto& institution : institutions) {
    Answers given;
    const Respondent respondent{institution.category, DefaultSizeTier(institution.category)};
    for (int index = 0; index < compiled.item_count(); ++index) {
      if (!ShownItems(compiled, respondent, given)[index]) continue;
      const Item& item = compiled.item(index);
      Json value = AnswerFor(item, institution.propensity + jitter(random));
      if (value.is_null()) continue;
      auto stored = Must(service.PutAnswer(institution.admin, campaign.id, institution.admin.org_id,
                                           item.id, {value, "", "", {}}, info));
      if (stored) given.emplace(item.id, stored->value);
      ++answers;
    }
  }
  const auto answered = Clock::now();
  for (const auto& institution : institutions) {
    Must(service.Submit(institution.admin, campaign.id, institution.admin.org_id,
                        {"Executive", "CEO"}, info));
  }
  const auto submitted = Clock::now();
  const auto status = Must(service.ListAssignments(op, campaign.id));
  const auto listed = Clock::now();
  Must(service.CloseCampaign(op, campaign.id, info));
  const auto closed = Clock::now();

  std::vector<double> result_reads, questionnaire_reads;
  for (int i = 0; i < options.reads; ++i) {
    const auto& institution = institutions[i % institutions.size()];
    const auto start = Clock::now();
    Must(service.InstitutionResults(institution.admin, campaign.id, institution.admin.org_id));
    const auto middle = Clock::now();
    Must(service.GetQuestionnaire(institution.admin, campaign.id, institution.admin.org_id));
    const auto end = Clock::now();
    result_reads.push_back(Millis(middle - start));
    questionnaire_reads.push_back(Millis(end - middle));
  }
  const auto results = Of(result_reads);
  const auto questionnaire = Of(questionnaire_reads);

  std::printf("backend: %s, institutions: %zu, items in the bank: %d\n",
              db->dialect() == store::Dialect::kSqlite ? "sqlite" : "postgresql",
              institutions.size(), compiled.item_count());
  std::printf("| step | figure |\n|---|---:|\n");
  std::printf("| answers saved one by one (%lld) | %.0f answers/s |\n",
              static_cast<long long>(answers), answers / (Millis(answered - answering) / 1000));
  std::printf("| submit every institution | %.0f ms |\n", Millis(submitted - answered));
  std::printf("| status of every institution (progress) | %.0f ms |\n", Millis(listed - submitted));
  std::printf("| close: score, analyse, store every result | %.0f ms |\n", Millis(closed - listed));
  std::printf("| own results read (dashboard), p50 / p99 | %.2f / %.2f ms |\n", results.p50,
              results.p99);
  std::printf("| questionnaire read, p50 / p99 | %.2f / %.2f ms |\n", questionnaire.p50,
              questionnaire.p99);
  if (status.size() != institutions.size()) Fail(Internal("status lists every institution"));
  db.reset();
  if (temporary) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(target + suffix);
  }
  return 0;
}

}  // namespace
}  // namespace fincyber::survey

int main(int argc, char** argv) {
  fincyber::survey::Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--database") {
      options.database = argv[i + 1];
    } else if (flag == "--institutions") {
      options.institutions = std::atoi(argv[i + 1]);
    } else if (flag == "--reads") {
      options.reads = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (options.institutions < 1 || options.reads < 1) return 2;
  if (!fincyber::InitCrypto().ok()) return 1;
  return fincyber::survey::Run(options);
}
