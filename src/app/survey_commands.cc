#include "app/survey_commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/command_options.h"
#include "app/config.h"
#include "app/output.h"
#include "app/platform.h"
#include "identity/directory.h"
#include "survey/feedback_report.h"
#include "survey/sector_report.h"

namespace fincyber::app {
namespace {

const survey::RequestInfo kCliSurveyRequest{"cli", ""};

// OSCAL catalogs are the largest sources the service accepts.
constexpr std::uintmax_t kMaxBankFileBytes = std::uintmax_t{16} << 20;

Result<survey::BankSource> ReadBankFile(const std::string& path, const std::string& format_flag) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return NotFound("cannot read " + path);
  if (size > kMaxBankFileBytes) return ResourceExhausted(path + " is larger than 16 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  survey::BankSource source{survey::BankSourceFormat::kYaml, text.str()};
  if (!format_flag.empty()) {
    const auto format = survey::ParseBankSourceFormat(format_flag);
    if (!format) return InvalidArgument("--format must be yaml, json, oscal_xml or oscal_json");
    source.format = *format;
    return source;
  }
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension == ".xml") {
    source.format = survey::BankSourceFormat::kOscalXml;
  } else if (extension == ".json") {
    auto json = ParseJson(source.text, {.max_bytes = kMaxBankFileBytes, .max_depth = 64});
    const bool catalog = json.ok() && json->is_object() && json->contains("catalog");
    source.format =
        catalog ? survey::BankSourceFormat::kOscalJson : survey::BankSourceFormat::kJson;
  } else if (extension != ".yaml" && extension != ".yml") {
    return InvalidArgument("cannot tell the format of " + path + "; give --format");
  }
  return source;
}

void PrintBank(const survey::StoredBankInfo& bank) {
  std::cout << bank.id << "\n"
            << bank.bank_id << " " << bank.version << " (" << survey::BankStatusName(bank.status)
            << "): " << bank.sections << " sections, " << bank.items << " items\n";
}

}  // namespace

void AddSurveyCommands(CLI::App& cli, int& exit_code) {
  static CommonOptions options;
  const identity::Principal op = identity::OperatorPrincipal();
  auto* survey = cli.add_subcommand("survey", "The sector survey: question banks and campaigns");
  survey->require_subcommand(1);

  auto* bank = survey->add_subcommand("bank", "Question banks");
  bank->require_subcommand(1);
  static std::string bank_file, bank_format, oscal_bank_id, oscal_version;
  static bool mission = false;
  auto* bank_import = bank->add_subcommand(
      "import", "Store a bank as a draft from YAML, JSON or an OSCAL catalog; prints its id");
  AddCommonOptions(bank_import, options);
  auto* file_opt = bank_import->add_option("file", bank_file, "bank or catalog file");
  bank_import->add_option("--format", bank_format, "yaml, json, oscal_xml or oscal_json");
  bank_import->add_option("--bank-id", oscal_bank_id, "bank id for an OSCAL catalog");
  bank_import->add_option("--version", oscal_version, "bank version for an OSCAL catalog");
  bank_import->add_flag("--mission", mission, "store and publish the mission's own bank")
      ->excludes(file_opt);
  bank_import->callback([&exit_code, op] {
    auto platform = OpenPlatform(options);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    if (mission) {
      auto stored = (*platform)->survey().LoadMissionBank(op, kCliSurveyRequest);
      if (!stored.ok()) return void(exit_code = Fail(stored.error()));
      return PrintBank(*stored);
    }
    if (bank_file.empty()) {
      return void(exit_code = Fail(InvalidArgument("give a FILE or --mission")));
    }
    auto source = ReadBankFile(bank_file, bank_format);
    if (!source.ok()) return void(exit_code = Fail(source.error()));
    source->oscal_bank_id = oscal_bank_id;
    source->oscal_version = oscal_version;
    auto stored = (*platform)->survey().ImportBank(op, *source, kCliSurveyRequest);
    if (!stored.ok()) return void(exit_code = Fail(stored.error()));
    PrintBank(*stored);
  });
  static std::string publish_id;
  auto* bank_publish = bank->add_subcommand("publish", "Publish a draft bank");
  AddCommonOptions(bank_publish, options);
  bank_publish->add_option("id", publish_id, "bank id (from import or list)")->required();
  bank_publish->callback([&exit_code, op] {
    auto platform = OpenPlatform(options);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto published = (*platform)->survey().PublishBank(op, publish_id, kCliSurveyRequest);
    if (!published.ok()) return void(exit_code = Fail(published.error()));
    PrintBank(*published);
  });
  auto* bank_list = bank->add_subcommand("list", "List stored banks");
  AddCommonOptions(bank_list, options, true);
  bank_list->callback([&exit_code, op] {
    auto platform = OpenPlatform(options);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto banks = (*platform)->survey().ListBanks(op);
    if (!banks.ok()) return void(exit_code = Fail(banks.error()));
    Json rows = Json::array();
    for (const auto& b : *banks) rows.push_back(survey::ToJson(b));
    PrintRows(std::cout, {"id", "bank_id", "version", "status", "items"}, rows, FormatOf(options));
  });

  auto* campaign = survey->add_subcommand("campaign", "Survey campaigns");
  campaign->require_subcommand(1);
  static survey::NewCampaign new_campaign;
  static std::string deadline, opens_at;
  auto* open = campaign->add_subcommand(
      "open", "Open a campaign: every institution of the categories is assigned; prints its id");
  AddCommonOptions(open, options);
  open->add_option("--bank", new_campaign.bank_storage_id, "published bank id")->required();
  open->add_option("--year", new_campaign.year, "survey year")->required();
  open->add_option("--title-ja", new_campaign.title.ja, "Japanese title")->required();
  open->add_option("--title-en", new_campaign.title.en, "English title")->required();
  open->add_option("--category", new_campaign.categories,
                   "business category code, e.g. regional_bank (repeat)")
      ->required();
  open->add_option("--deadline", deadline, "RFC 3339 deadline")->required();
  open->add_option("--opens-at", opens_at, "RFC 3339 opening (default now)");
  open->callback([&exit_code, op] {
    const auto due = ParseRfc3339(deadline);
    if (!due) return void(exit_code = Fail(InvalidArgument("--deadline must be RFC 3339")));
    new_campaign.deadline = *due;
    if (!opens_at.empty()) {
      new_campaign.opens_at = ParseRfc3339(opens_at);
      if (!new_campaign.opens_at) {
        return void(exit_code = Fail(InvalidArgument("--opens-at must be RFC 3339")));
      }
    }
    auto platform = OpenPlatform(options);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto opened = (*platform)->survey().OpenCampaign(op, new_campaign, kCliSurveyRequest);
    if (!opened.ok()) return void(exit_code = Fail(opened.error()));
    std::cout << opened->id << "\n"
              << opened->assignments << " institutions assigned, due " << opened->deadline << "\n";
  });
  static std::string close_id;
  auto* close = campaign->add_subcommand("close", "Close a campaign and freeze its results");
  AddCommonOptions(close, options);
  close->add_option("id", close_id, "campaign id")->required();
  close->callback([&exit_code, op] {
    auto platform = OpenPlatform(options);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto closed = (*platform)->survey().CloseCampaign(op, close_id, kCliSurveyRequest);
    if (!closed.ok()) return void(exit_code = Fail(closed.error()));
    std::cout << "closed " << closed->id << ": " << closed->submitted << " of "
              << closed->assignments << " institutions submitted\n";
  });
  auto* campaign_list = campaign->add_subcommand("list", "List campaigns");
  AddCommonOptions(campaign_list, options, true);
  campaign_list->callback([&exit_code, op] {
    auto platform = OpenPlatform(options);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto campaigns = (*platform)->survey().ListCampaigns(op);
    if (!campaigns.ok()) return void(exit_code = Fail(campaigns.error()));
    Json rows = Json::array();
    for (const auto& c : *campaigns) {
      Json row = survey::ToJson(c);
      row["title"] = c.title.ja;
      rows.push_back(std::move(row));
    }
    PrintRows(std::cout, {"id", "year", "title", "status", "deadline", "assignments", "submitted"},
              rows, FormatOf(options));
  });

  static std::string status_campaign;
  auto* status = survey->add_subcommand("status", "Progress of every institution in a campaign");
  AddCommonOptions(status, options, true);
  status->add_option("--campaign", status_campaign, "campaign id")->required();
  status->callback([&exit_code, op] {
    auto platform = OpenPlatform(options);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto assignments = (*platform)->survey().ListAssignments(op, status_campaign);
    if (!assignments.ok()) return void(exit_code = Fail(assignments.error()));
    Json rows = Json::array();
    for (const auto& a : *assignments) {
      Json row = survey::ToJson(a);
      row["institution"] = a.org_name.ja;
      row["answered"] = std::to_string(a.answered) + "/" + std::to_string(a.shown);
      rows.push_back(std::move(row));
    }
    PrintRows(std::cout, {"org_id", "institution", "category", "status", "answered", "deadline"},
              rows, FormatOf(options));
  });

  static std::string reports_campaign, reports_lang = "ja", reports_format = "pdf",
                                       reports_font = "compact";
  static survey::CampaignReportsOptions reports;
  auto* reports_cmd = survey->add_subcommand(
      "reports", "Write every institution's feedback report of a closed campaign");
  AddCommonOptions(reports_cmd, options);
  reports_cmd->add_option("--campaign", reports_campaign, "campaign id")->required();
  reports_cmd->add_option("--lang", reports_lang, "ja or en")->check(CLI::IsMember({"ja", "en"}));
  reports_cmd->add_option("--format", reports_format, "pdf or xlsx")
      ->check(CLI::IsMember({"pdf", "xlsx"}));
  reports_cmd->add_option("--out", reports.out_dir, "folder for the reports")->required();
  reports_cmd->add_option("--threads", reports.threads, "reports built at once")
      ->check(CLI::Range(1, survey::kMaxReportThreads));
  reports_cmd->add_option("--font", reports_font, "compact (IPAex Gothic) or sans (Noto Sans CJK)")
      ->check(CLI::IsMember({"compact", "sans"}));
  reports_cmd->callback([&exit_code, op] {
    reports.report.language = *survey::ParseReportLanguage(reports_lang);
    reports.report.format = *survey::ParseReportFormat(reports_format);
    reports.report.typeface =
        reports_font == "sans" ? documents::Typeface::kSans : documents::Typeface::kCompact;
    auto platform = OpenPlatform(options);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    const bool terminal = isatty(STDERR_FILENO) == 1;
    const auto start = std::chrono::steady_clock::now();
    auto summary = survey::WriteCampaignReports(
        (*platform)->survey(), op, reports_campaign, reports, [&](int done, int total) {
          if (!terminal) return;
          const double seconds =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          std::fprintf(stderr, "\r\033[K%d / %d institutions, %.1f reports/s", done, total,
                       seconds > 0 ? done / seconds : 0.0);
          std::fflush(stderr);
        });
    if (terminal) std::fprintf(stderr, "\r\033[K");
    if (!summary.ok()) return void(exit_code = Fail(summary.error()));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto& failure : summary->failures) std::cerr << "error: " << failure << "\n";
    std::printf(
        "%d reports written to %s in %.1f s (%.1f/s); %d of %d institutions without "
        "results\n",
        summary->written, reports.out_dir.string().c_str(), seconds,
        seconds > 0 ? summary->written / seconds : 0.0, summary->without_results,
        summary->institutions);
    if (!summary->failures.empty()) exit_code = 1;
  });

  static std::string sector_campaign, sector_lang = "ja", sector_format = "pdf", sector_out;
  auto* sector_cmd = survey->add_subcommand(
      "sector-report", "Write the regulator's sector report of a closed campaign");
  AddCommonOptions(sector_cmd, options);
  sector_cmd->add_option("--campaign", sector_campaign, "campaign id")->required();
  sector_cmd->add_option("--lang", sector_lang, "ja or en")->check(CLI::IsMember({"ja", "en"}));
  sector_cmd->add_option("--format", sector_format, "pdf or xlsx")
      ->check(CLI::IsMember({"pdf", "xlsx"}));
  sector_cmd->add_option("--out", sector_out, "file to write")->required();
  sector_cmd->callback([&exit_code, op] {
    auto platform = OpenPlatform(options);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto input = survey::LoadSectorReportInput((*platform)->survey(), op, sector_campaign);
    if (!input.ok()) return void(exit_code = Fail(input.error()));
    auto bytes =
        survey::RenderSectorReport(*input, {.language = *survey::ParseReportLanguage(sector_lang),
                                            .format = *survey::ParseReportFormat(sector_format),
                                            .typeface = documents::Typeface::kCompact});
    if (!bytes.ok()) return void(exit_code = Fail(bytes.error()));
    std::ofstream out(sector_out, std::ios::binary | std::ios::trunc);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    if (!out.flush()) return void(exit_code = Fail(Unavailable("cannot write " + sector_out)));
    std::printf("sector report written to %s (%zu bytes)\n", sector_out.c_str(), bytes->size());
  });

  // An institution's answers as a workbook, for the coordination office handling a
  // workbook an institution sent in; the audit log names the operator.
  auto* answers = survey->add_subcommand("answers", "An institution's answers as a workbook");
  answers->require_subcommand(1);
  static std::string answers_campaign, answers_org, answers_lang = "ja", answers_file;
  auto* answers_export = answers->add_subcommand(
      "export", "Write an institution's questionnaire and answers as an XLSX workbook");
  AddCommonOptions(answers_export, options);
  answers_export->add_option("--campaign", answers_campaign, "campaign id")->required();
  answers_export->add_option("--org", answers_org, "institution id")->required();
  answers_export->add_option("--lang", answers_lang, "ja or en")
      ->check(CLI::IsMember({"ja", "en"}));
  answers_export->add_option("--out", answers_file, "workbook to write")->required();
  answers_export->callback([&exit_code, op] {
    auto platform = OpenPlatform(options);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto q = (*platform)->survey().GetQuestionnaire(op, answers_campaign, answers_org);
    if (!q.ok()) return void(exit_code = Fail(q.error()));
    auto bytes = survey::WriteAnswerWorkbook(*q, *survey::ParseWorkbookLanguage(answers_lang));
    if (!bytes.ok()) return void(exit_code = Fail(bytes.error()));
    std::ofstream out(answers_file, std::ios::binary | std::ios::trunc);
    out << *bytes;
    if (!out.flush()) {
      return void(exit_code = Fail(Unavailable("cannot write " + answers_file)));
    }
    std::cout << "wrote " << answers_file << ": " << q->bank->item_count() << " items, "
              << q->answers.size() << " answered\n";
  });
  auto* answers_import = answers->add_subcommand(
      "import", "Import a filled answer workbook for an institution: every row or none");
  AddCommonOptions(answers_import, options);
  answers_import->add_option("--campaign", answers_campaign, "campaign id")->required();
  answers_import->add_option("--org", answers_org, "institution id")->required();
  answers_import->add_option("file", answers_file, "the workbook")->required();
  answers_import->callback([&exit_code, op] {
    std::error_code ec;
    const auto size = std::filesystem::file_size(answers_file, ec);
    if (ec) return void(exit_code = Fail(NotFound("cannot read " + answers_file)));
    if (size > survey::kMaxAnswerWorkbookBytes) {
      return void(exit_code = Fail(ResourceExhausted(answers_file + " is larger than 8 MiB")));
    }
    std::ifstream in(answers_file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    auto rows = survey::ReadAnswerWorkbook(bytes.str());
    if (!rows.ok()) return void(exit_code = Fail(rows.error()));
    auto platform = OpenPlatform(options);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto summary = (*platform)->survey().ImportAnswers(op, answers_campaign, answers_org, *rows,
                                                       kCliSurveyRequest);
    if (!summary.ok()) return void(exit_code = Fail(summary.error()));
    std::cout << summary->rows << " rows: " << summary->saved << " saved, " << summary->cleared
              << " cleared, " << summary->unchanged << " unchanged\n";
  });
}

}  // namespace fincyber::app
