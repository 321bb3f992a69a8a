// Banks in storage: import as a draft (YAML, JSON or an OSCAL catalog), edit the draft,
// publish it, load the mission's bank in one call; and the helpers the service shares.
#include <fmt/format.h>

#include "audit/audit.h"
#include "base/crypto.h"
#include "base/too_large.h"
#include "identity/directory.h"
#include "survey/bank_format.h"
#include "survey/internal/service_common.h"
#include "survey/internal/yaml_json.h"
#include "survey/mission_bank.h"
#include "survey/oscal.h"
#include "survey/service.h"

namespace fincyber::survey {
namespace internal {

Status RequireCoordination(const identity::Principal& principal) {
  if (principal.role != identity::Role::kCoordinationOffice) {
    return PermissionDenied("only the coordination office may do this");
  }
  return OkStatus();
}

bool IsRegulatorReader(const identity::Principal& principal) {
  return principal.role == identity::Role::kCoordinationOffice ||
         principal.role == identity::Role::kAuditor ||
         principal.role == identity::Role::kBureauStaff;
}

Json TextJson(const Text& text) { return {{"ja", text.ja}, {"en", text.en}}; }

std::string Now(const Clock& clock) { return FormatRfc3339(clock.Now()); }

}  // namespace internal

namespace {

constexpr const char* kBankColumns =
    "id, bank_id, version, status, title_ja, title_en, sections, items, revision, created_at, "
    "updated_at, published_at";

StoredBankInfo BankInfoFromRow(const store::Row& row) {
  StoredBankInfo b;
  b.id = row.GetString(0);
  b.bank_id = row.GetString(1);
  b.version = row.GetString(2);
  b.status = ParseBankStatus(row.GetString(3)).value_or(BankStatus::kDraft);
  b.title = {row.GetString(4), row.GetString(5)};
  b.sections = static_cast<int>(row.GetInt(6));
  b.items = static_cast<int>(row.GetInt(7));
  b.revision = row.GetInt(8);
  b.created_at = row.GetString(9);
  b.updated_at = row.GetString(10);
  b.published_at = row.GetString(11);
  return b;
}

// Any source format to a bank compiled with `status`: drafts may lack a language.
Result<CompiledBank> CompileSource(const BankSource& source, BankStatus status) {
  Bank bank;
  switch (source.format) {
    case BankSourceFormat::kYaml:
    case BankSourceFormat::kJson: {
      // Read as the model first: the stored status, not the file's, decides which
      // rules apply (a file marked published is imported as a draft).
      const BankFormatLimits limits;
      Json json;
      if (source.format == BankSourceFormat::kYaml) {
        FC_ASSIGN_OR_RETURN(
            json, internal::YamlToJson(
                      source.text, {limits.max_bytes, limits.max_depth, limits.max_yaml_nodes}));
      } else {
        FC_ASSIGN_OR_RETURN(json, ParseJson(source.text, {limits.max_bytes, limits.max_depth}));
      }
      FC_ASSIGN_OR_RETURN(bank, BankFromJson(json));
      break;
    }
    case BankSourceFormat::kOscalXml:
    case BankSourceFormat::kOscalJson: {
      OscalImportOptions options;
      if (!source.oscal_bank_id.empty()) options.bank_id = source.oscal_bank_id;
      if (!source.oscal_version.empty()) options.version = source.oscal_version;
      auto imported = source.format == BankSourceFormat::kOscalXml
                          ? ImportOscalCatalogXml(source.text, options)
                          : ImportOscalCatalogJson(source.text, options);
      FC_RETURN_IF_ERROR(imported);
      bank = std::move(imported->bank);
      break;
    }
  }
  bank.status = status;
  return CompiledBank::Compile(std::move(bank));
}

int SectionCount(const CompiledBank& bank) { return static_cast<int>(bank.bank().sections.size()); }

Status AuditBank(store::Connection& conn, const Clock& clock, const identity::Principal& principal,
                 std::string action, const StoredBankInfo& bank, const RequestInfo& info) {
  return audit::Append(
      conn, clock,
      {principal.user_id, principal.org_id, std::move(action), "survey_bank", bank.id,
       Json{{"bank_id", bank.bank_id},
            {"version", bank.version},
            {"status", BankStatusName(bank.status)},
            {"revision", bank.revision}},
       info.remote_address, info.request_id});
}

Result<StoredBankInfo> LoadBankInfo(store::Connection& conn, std::string_view id) {
  FC_ASSIGN_OR_RETURN(auto row, conn.QueryOne(fmt::format("SELECT {} FROM survey_banks WHERE "
                                                          "id = ?",
                                                          kBankColumns),
                                              {std::string(id)}, "bank"));
  return BankInfoFromRow(row);
}

Status CheckSourceSize(const BankSource& source) {
  // OSCAL catalogs are larger than authored banks (NIST's CSF 2.0 is about 1 MB).
  const std::size_t limit =
      source.format == BankSourceFormat::kOscalXml || source.format == BankSourceFormat::kOscalJson
          ? std::size_t{16} << 20
          : std::size_t{4} << 20;
  if (source.text.size() > limit) {
    return TooLarge(fmt::format("bank source larger than {} bytes", limit), "source");
  }
  if (source.text.empty()) return InvalidArgument("bank source is empty", {{"text", "required"}});
  return OkStatus();
}

}  // namespace

std::string_view BankSourceFormatName(BankSourceFormat format) {
  switch (format) {
    case BankSourceFormat::kYaml:
      return "yaml";
    case BankSourceFormat::kJson:
      return "json";
    case BankSourceFormat::kOscalXml:
      return "oscal_xml";
    case BankSourceFormat::kOscalJson:
      return "oscal_json";
  }
  return "yaml";
}

std::optional<BankSourceFormat> ParseBankSourceFormat(std::string_view name) {
  for (auto format : {BankSourceFormat::kYaml, BankSourceFormat::kJson, BankSourceFormat::kOscalXml,
                      BankSourceFormat::kOscalJson}) {
    if (BankSourceFormatName(format) == name) return format;
  }
  return std::nullopt;
}

SizeTier DefaultSizeTier(std::string_view category) {
  return InstitutionSizeTier(std::nullopt, std::string(category));
}

SizeTier InstitutionSizeTier(const std::optional<std::string>& size_tier,
                             const std::optional<std::string>& category) {
  return ParseSizeTier(identity::EffectiveSizeTier(size_tier, category))
      .value_or(SizeTier::kMedium);
}

Json ToJson(const StoredBankInfo& b) {
  return {{"id", b.id},
          {"bank_id", b.bank_id},
          {"version", b.version},
          {"status", BankStatusName(b.status)},
          {"title", internal::TextJson(b.title)},
          {"sections", b.sections},
          {"items", b.items},
          {"revision", b.revision},
          {"created_at", b.created_at},
          {"updated_at", b.updated_at},
          {"published_at", b.published_at.empty() ? Json(nullptr) : Json(b.published_at)}};
}

SurveyService::SurveyService(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

Result<std::shared_ptr<const CompiledBank>> SurveyService::LoadCompiled(
    store::Connection& conn, std::string_view storage_id) {
  {
    std::lock_guard lock(cache_mutex_);
    auto it = compiled_.find(std::string(storage_id));
    if (it != compiled_.end()) return it->second;
  }
  FC_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT model, status FROM survey_banks WHERE id = ?",
                                              {std::string(storage_id)}, "bank"));
  FC_ASSIGN_OR_RETURN(Json model, ParseJson(row.GetString(0), {.max_bytes = 64 << 20}));
  FC_ASSIGN_OR_RETURN(Bank bank, BankFromJson(model));
  FC_ASSIGN_OR_RETURN(CompiledBank compiled, CompiledBank::Compile(std::move(bank)));
  auto shared = std::make_shared<const CompiledBank>(std::move(compiled));
  if (row.GetString(1) != BankStatusName(BankStatus::kDraft)) {
    std::lock_guard lock(cache_mutex_);
    compiled_.emplace(std::string(storage_id), shared);
  }
  return shared;
}

Result<StoredBankInfo> SurveyService::ImportBank(const identity::Principal& principal,
                                                 const BankSource& source,
                                                 const RequestInfo& info) {
  FC_RETURN_IF_ERROR(internal::RequireCoordination(principal));
  FC_RETURN_IF_ERROR(CheckSourceSize(source));
  // Past the parser's caps (bytes, depth, values) the source is too large.
  auto parsed = CompileSource(source, BankStatus::kDraft);
  if (!parsed.ok()) return AsTooLarge(parsed.error(), "source");
  CompiledBank compiled = std::move(*parsed);
  return db_.TransactValue<StoredBankInfo>([&](store::Connection& conn) -> Result<StoredBankInfo> {
    const Bank& bank = compiled.bank();
    FC_ASSIGN_OR_RETURN(auto taken,
                        conn.QueryOptional("SELECT id FROM survey_banks WHERE bank_id = ? AND "
                                           "version = ?",
                                           {bank.id, bank.version}));
    if (taken) {
      return AlreadyExists(
          fmt::format("bank {} version {} is already stored", bank.id, bank.version));
    }
    StoredBankInfo stored;
    stored.id = NewUuid();
    stored.bank_id = bank.id;
    stored.version = bank.version;
    stored.status = BankStatus::kDraft;
    stored.title = bank.title;
    stored.sections = SectionCount(compiled);
    stored.items = compiled.item_count();
    stored.created_at = stored.updated_at = internal::Now(clock_);
    FC_RETURN_IF_ERROR(conn.Execute(
        "INSERT INTO survey_banks (id, bank_id, version, status, title_ja, title_en, sections, "
        "items, source_format, source, model, revision, created_by_org, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
        {stored.id, stored.bank_id, stored.version, std::string(BankStatusName(stored.status)),
         stored.title.ja, stored.title.en, std::int64_t{stored.sections},
         std::int64_t{stored.items}, std::string(BankSourceFormatName(source.format)), source.text,
         DumpJson(BankToJson(bank)), principal.org_id, stored.created_at, stored.updated_at}));
    FC_RETURN_IF_ERROR(AuditBank(conn, clock_, principal, "survey.bank_import", stored, info));
    return stored;
  });
}

Result<StoredBankInfo> SurveyService::UpdateDraft(const identity::Principal& principal,
                                                  std::string_view id, const BankSource& source,
                                                  const RequestInfo& info) {
  FC_RETURN_IF_ERROR(internal::RequireCoordination(principal));
  FC_RETURN_IF_ERROR(CheckSourceSize(source));
  // Past the parser's caps (bytes, depth, values) the source is too large.
  auto parsed = CompileSource(source, BankStatus::kDraft);
  if (!parsed.ok()) return AsTooLarge(parsed.error(), "source");
  CompiledBank compiled = std::move(*parsed);
  return db_.TransactValue<StoredBankInfo>([&](store::Connection& conn) -> Result<StoredBankInfo> {
    FC_ASSIGN_OR_RETURN(StoredBankInfo stored, LoadBankInfo(conn, id));
    if (stored.status != BankStatus::kDraft) {
      return FailedPrecondition("a published bank cannot be changed; import a new version");
    }
    const Bank& bank = compiled.bank();
    if (bank.id != stored.bank_id || bank.version != stored.version) {
      return InvalidArgument(
          "a draft keeps its bank id and version",
          {{"id", "must be " + stored.bank_id}, {"version", "must be " + stored.version}});
    }
    stored.title = bank.title;
    stored.sections = SectionCount(compiled);
    stored.items = compiled.item_count();
    stored.revision += 1;
    stored.updated_at = internal::Now(clock_);
    FC_RETURN_IF_ERROR(conn.Execute(
        "UPDATE survey_banks SET title_ja = ?, title_en = ?, sections = ?, items = ?, "
        "source_format = ?, source = ?, model = ?, revision = ?, updated_at = ? WHERE id = ? AND "
        "status = 'draft'",
        {stored.title.ja, stored.title.en, std::int64_t{stored.sections},
         std::int64_t{stored.items}, std::string(BankSourceFormatName(source.format)), source.text,
         DumpJson(BankToJson(bank)), stored.revision, stored.updated_at, stored.id}));
    FC_RETURN_IF_ERROR(AuditBank(conn, clock_, principal, "survey.bank_update", stored, info));
    return stored;
  });
}

Result<StoredBankInfo> SurveyService::PublishBank(const identity::Principal& principal,
                                                  std::string_view id, const RequestInfo& info) {
  FC_RETURN_IF_ERROR(internal::RequireCoordination(principal));
  return db_.TransactValue<StoredBankInfo>([&](store::Connection& conn) -> Result<StoredBankInfo> {
    FC_ASSIGN_OR_RETURN(StoredBankInfo stored, LoadBankInfo(conn, id));
    if (stored.status != BankStatus::kDraft) {
      return FailedPrecondition("the bank is already published");
    }
    FC_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT model FROM survey_banks WHERE id = ?",
                                                {stored.id}, "bank"));
    FC_ASSIGN_OR_RETURN(Json model, ParseJson(row.GetString(0), {.max_bytes = 64 << 20}));
    FC_ASSIGN_OR_RETURN(Bank bank, BankFromJson(model));
    bank.status = BankStatus::kPublished;
    FC_ASSIGN_OR_RETURN(CompiledBank compiled, CompiledBank::Compile(std::move(bank)));
    stored.status = BankStatus::kPublished;
    stored.updated_at = stored.published_at = internal::Now(clock_);
    FC_RETURN_IF_ERROR(
        conn.Execute("UPDATE survey_banks SET status = 'published', model = ?, updated_at = ?, "
                     "published_at = ? WHERE id = ?",
                     {DumpJson(BankToJson(compiled.bank())), stored.updated_at, stored.published_at,
                      stored.id}));
    FC_RETURN_IF_ERROR(AuditBank(conn, clock_, principal, "survey.bank_publish", stored, info));
    return stored;
  });
}

Result<StoredBankInfo> SurveyService::LoadMissionBank(const identity::Principal& principal,
                                                      const RequestInfo& info) {
  FC_RETURN_IF_ERROR(internal::RequireCoordination(principal));
  const Bank& mission = MissionBank().bank();
  FC_ASSIGN_OR_RETURN(auto existing,
                      db_.ReadValue<std::optional<StoredBankInfo>>(
                          [&](store::Connection& conn) -> Result<std::optional<StoredBankInfo>> {
                            FC_ASSIGN_OR_RETURN(
                                auto row,
                                conn.QueryOptional(fmt::format("SELECT {} FROM survey_banks WHERE "
                                                               "bank_id = ? AND version = ?",
                                                               kBankColumns),
                                                   {mission.id, mission.version}));
                            if (!row) return std::optional<StoredBankInfo>();
                            return std::optional<StoredBankInfo>(BankInfoFromRow(*row));
                          }));
  if (existing && existing->status != BankStatus::kDraft) return *existing;
  if (!existing) {
    FC_ASSIGN_OR_RETURN(
        existing,
        ImportBank(principal, {BankSourceFormat::kYaml, std::string(MissionBankYaml())}, info));
  }
  return PublishBank(principal, existing->id, info);
}

Result<std::vector<StoredBankInfo>> SurveyService::ListBanks(const identity::Principal& principal) {
  if (!internal::IsRegulatorReader(principal)) {
    return PermissionDenied("banks are read by the regulator's staff");
  }
  return db_.ReadValue<std::vector<StoredBankInfo>>(
      [&](store::Connection& conn) -> Result<std::vector<StoredBankInfo>> {
        FC_ASSIGN_OR_RETURN(auto rows,
                            conn.Query(fmt::format("SELECT {} FROM survey_banks ORDER BY bank_id, "
                                                   "version",
                                                   kBankColumns)));
        std::vector<StoredBankInfo> out;
        for (const auto& row : rows) out.push_back(BankInfoFromRow(row));
        return out;
      });
}

Result<StoredBank> SurveyService::GetBank(const identity::Principal& principal,
                                          std::string_view id) {
  if (!internal::IsRegulatorReader(principal)) {
    return PermissionDenied("banks are read by the regulator's staff");
  }
  return db_.ReadValue<StoredBank>([&](store::Connection& conn) -> Result<StoredBank> {
    StoredBank out;
    FC_ASSIGN_OR_RETURN(out.info, LoadBankInfo(conn, id));
    FC_ASSIGN_OR_RETURN(auto row,
                        conn.QueryOne("SELECT source_format, source FROM survey_banks WHERE id = ?",
                                      {out.info.id}, "bank"));
    out.source_format = ParseBankSourceFormat(row.GetString(0)).value_or(BankSourceFormat::kYaml);
    out.source = row.GetString(1);
    FC_ASSIGN_OR_RETURN(out.bank, LoadCompiled(conn, out.info.id));
    return out;
  });
}

}  // namespace fincyber::survey
