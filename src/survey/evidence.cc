// Evidence files: what an upload must be (evidence.h) and the service's upload, list,
// download and delete under the answering rules.
#include "survey/evidence.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "audit/audit.h"
#include "base/ascii.h"
#include "base/crypto.h"
#include "base/too_large.h"
#include "base/utf8.h"
#include "documents/office_package.h"
#include "identity/access.h"
#include "survey/internal/answering.h"
#include "survey/internal/refusals.h"
#include "survey/internal/service_common.h"
#include "survey/service.h"

namespace fincyber::survey {
namespace {

constexpr std::string_view kPdf = "application/pdf";
constexpr std::string_view kPng = "image/png";
constexpr std::string_view kJpeg = "image/jpeg";
constexpr std::string_view kXlsx =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
constexpr std::string_view kDocx =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
constexpr std::string_view kText = "text/plain; charset=utf-8";
constexpr std::string_view kCsv = "text/csv; charset=utf-8";

// The code points of valid UTF-8 `text` with the byte length of each.
std::vector<std::pair<char32_t, int>> CodePoints(std::string_view text) {
  std::vector<std::pair<char32_t, int>> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const int length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t cp = length == 1   ? lead
                  : length == 2 ? lead & 0x1F
                  : length == 3 ? lead & 0x0F
                                : lead & 0x07;
    for (int k = 1; k < length; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    out.emplace_back(cp, length);
    i += static_cast<std::size_t>(length);
  }
  return out;
}

// Characters that change how a name reads without being seen: C0 and C1 controls, DEL,
// bidirectional marks and overrides (which can make "gpj.exe" read as "exe.jpg"), and
// zero-width characters.
bool IsInvisible(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

std::string ExtensionOf(std::string_view filename) {
  const std::size_t dot = filename.rfind('.');
  return dot == std::string_view::npos ? "" : AsciiLower(filename.substr(dot));
}

bool IsWindowsDeviceName(std::string_view stem) {
  const std::string lower = AsciiLower(stem);
  if (lower == "con" || lower == "prn" || lower == "aux" || lower == "nul") return true;
  return lower.size() == 4 && (lower.starts_with("com") || lower.starts_with("lpt")) &&
         lower[3] >= '1' && lower[3] <= '9';
}

// Plain text as people write it: UTF-8 (a byte-order mark allowed) without NUL or other
// control characters but tab, line feed, form feed and carriage return.
bool IsPlainText(std::string_view bytes) {
  if (FindInvalidUtf8(bytes)) return false;
  return std::none_of(bytes.begin(), bytes.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t' && u != '\n' && u != '\f' && u != '\r') || u == 0x7F;
  });
}

Error Mismatch(std::string_view kind, std::string_view expected) {
  return InvalidArgument(
      fmt::format("the file is {} but its name does not end in {}", kind, expected),
      {{"filename", fmt::format("{} for {}", expected, kind)}});
}

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

Result<std::string> FromBase64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return Internal("a stored evidence file is damaged");
  }
  out.resize(length);
  return out;
}

constexpr const char* kEvidenceColumns =
    "e.id, e.campaign_id, e.org_id, e.item_id, e.filename, e.content_type, e.size, e.sha256, "
    "e.uploaded_at, e.uploaded_by";

EvidenceFile FileFromRow(const store::Row& row) {
  EvidenceFile f;
  f.id = row.GetString(0);
  f.campaign_id = row.GetString(1);
  f.org_id = row.GetString(2);
  f.item_id = row.GetString(3);
  f.filename = row.GetString(4);
  f.content_type = row.GetString(5);
  f.size = row.GetInt(6);
  f.sha256 = row.GetString(7);
  f.uploaded_at = row.GetString(8);
  f.uploaded_by = row.GetString(9);
  return f;
}

// Evidence rows of one institution's item, ANDed with the access policy so that nothing
// of an institution the principal may not see comes back, whatever the caller checked.
Result<std::vector<EvidenceFile>> QueryFiles(store::Connection& conn,
                                             const identity::Principal& principal,
                                             std::string_view campaign_id, std::string_view org_id,
                                             std::string_view item_id,
                                             std::string_view evidence_id) {
  const identity::OrgFilter filter =
      identity::ReadableOrgs(principal, identity::Resource::kInstitutionRecords, "e.org_id");
  store::Params params{std::string(campaign_id), std::string(org_id)};
  std::string where = "e.campaign_id = ? AND e.org_id = ?";
  if (!item_id.empty()) {
    where += " AND e.item_id = ?";
    params.emplace_back(std::string(item_id));
  }
  if (!evidence_id.empty()) {
    where += " AND e.id = ?";
    params.emplace_back(std::string(evidence_id));
  }
  params.insert(params.end(), filter.params.begin(), filter.params.end());
  FC_ASSIGN_OR_RETURN(
      auto rows, conn.Query(fmt::format("SELECT {} FROM survey_evidence e WHERE {} AND {} ORDER BY "
                                        "e.item_id, e.uploaded_at, e.id",
                                        kEvidenceColumns, where, filter.sql),
                            params));
  std::vector<EvidenceFile> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(FileFromRow(row));
  return out;
}

}  // namespace

namespace internal {

Status AddEvidenceAnswers(store::Connection& conn, const CompiledBank& bank,
                          std::string_view campaign_id, std::string_view org_id,
                          std::unordered_map<std::string, StoredAnswer>& answers) {
  bool asks_evidence = false;
  for (int i = 0; i < bank.item_count() && !asks_evidence; ++i) {
    asks_evidence = bank.item(i).type == AnswerType::kEvidence;
  }
  if (!asks_evidence) return OkStatus();
  FC_ASSIGN_OR_RETURN(auto rows,
                      conn.Query("SELECT item_id, filename, uploaded_at, uploaded_by FROM "
                                 "survey_evidence WHERE campaign_id = ? AND org_id = ? ORDER BY "
                                 "item_id, uploaded_at, id",
                                 {std::string(campaign_id), std::string(org_id)}));
  for (const auto& row : rows) {
    const std::string item_id = row.GetString(0);
    const auto index = bank.IndexOf(item_id);
    if (!index || bank.item(*index).type != AnswerType::kEvidence) continue;
    auto [it, added] = answers.try_emplace(item_id);
    StoredAnswer& answer = it->second;
    if (added) {
      answer.item_id = item_id;
      answer.value = std::vector<std::string>();
    }
    std::get<std::vector<std::string>>(answer.value).push_back(row.GetString(1));
    // Rows come oldest first: the answer last changed with the newest file.
    answer.updated_at = row.GetString(2);
    answer.updated_by = row.GetString(3);
  }
  return OkStatus();
}

}  // namespace internal

std::vector<store::Migration> EvidenceMigrations() {
  return {{"survey_evidence", 1, "evidence files per answered item", R"sql(
CREATE TABLE survey_evidence (
  id TEXT PRIMARY KEY,
  campaign_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  uploaded_by TEXT NOT NULL
);
CREATE INDEX survey_evidence_item ON survey_evidence(campaign_id, org_id, item_id);
CREATE TABLE survey_evidence_content (
  id TEXT PRIMARY KEY REFERENCES survey_evidence(id),
  content TEXT NOT NULL
)
)sql"}};
}

Result<std::string> SanitizeEvidenceFilename(std::string_view name) {
  if (name.size() > 4096 || FindInvalidUtf8(name)) {
    return InvalidArgument("the file name is not UTF-8 text",
                           {{"filename", "UTF-8, at most 4096 bytes"}});
  }
  const std::size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name = name.substr(slash + 1);
  std::string clean;
  std::size_t at = 0;
  for (const auto& [cp, length] : CodePoints(name)) {
    const std::string_view bytes = name.substr(at, static_cast<std::size_t>(length));
    at += static_cast<std::size_t>(length);
    if (IsInvisible(cp)) continue;
    if (cp < 0x80 &&
        std::string_view("<>:\"|?*").find(static_cast<char>(cp)) != std::string_view::npos) {
      clean += '_';
    } else {
      clean += bytes;
    }
  }
  const std::size_t first = clean.find_first_not_of(". ");
  clean = first == std::string::npos ? "" : clean.substr(first);
  while (!clean.empty() && (clean.back() == '.' || clean.back() == ' ')) clean.pop_back();
  if (clean.empty()) {
    return InvalidArgument("the file name is empty once paths and control characters go",
                           {{"filename", "a file name"}});
  }
  std::size_t extension_bytes = ExtensionOf(clean).size();
  if (extension_bytes > 16 || extension_bytes == clean.size()) extension_bytes = 0;
  const std::string extension = clean.substr(clean.size() - extension_bytes);
  std::string stem = clean.substr(0, clean.size() - extension_bytes);
  if (IsWindowsDeviceName(stem)) stem = "_" + stem;
  if (stem.size() + extension.size() > kMaxEvidenceFilenameBytes) {
    std::size_t keep = kMaxEvidenceFilenameBytes - extension.size();
    // Back to the start of a character, so the name stays UTF-8.
    while (keep > 0 && (static_cast<unsigned char>(stem[keep]) & 0xC0) == 0x80) --keep;
    stem.resize(keep);
  }
  return stem + extension;
}

Result<std::string> SniffEvidenceContentType(std::string_view filename, std::string_view bytes) {
  if (bytes.empty()) return InvalidArgument("the file is empty", {{"file", "empty"}});
  const std::string extension = ExtensionOf(filename);
  if (bytes.starts_with("%PDF-")) {
    if (extension != ".pdf") return Mismatch("a PDF", ".pdf");
    // The trailer's %%EOF lies within the last kilobyte of a complete file.
    const std::string_view tail = bytes.substr(bytes.size() > 1024 ? bytes.size() - 1024 : 0);
    if (tail.find("%%EOF") == std::string_view::npos) {
      return InvalidArgument("the PDF is truncated (no %%EOF at its end)", {{"file", "truncated"}});
    }
    return std::string(kPdf);
  }
  if (bytes.starts_with("\x89PNG\r\n\x1a\n") && bytes.size() > 16 &&
      bytes.substr(12, 4) == "IHDR") {
    if (extension != ".png") return Mismatch("a PNG image", ".png");
    return std::string(kPng);
  }
  if (bytes.starts_with("\xFF\xD8\xFF")) {
    if (extension != ".jpg" && extension != ".jpeg") {
      return Mismatch("a JPEG image", ".jpg or .jpeg");
    }
    return std::string(kJpeg);
  }
  if (bytes.starts_with("PK\x03\x04")) {
    auto document = documents::IdentifyOfficeDocument(bytes);
    if (!document.ok()) {
      return InvalidArgument(
          "this kind of file is not accepted: " + document.error().safe_message(),
          {{"file", "PDF, PNG, JPEG, XLSX, DOCX, UTF-8 text or CSV"}});
    }
    if (*document == documents::OfficeDocument::kWorkbook) {
      if (extension != ".xlsx") return Mismatch("an Excel workbook", ".xlsx");
      return std::string(kXlsx);
    }
    if (extension != ".docx") return Mismatch("a Word document", ".docx");
    return std::string(kDocx);
  }
  if (IsPlainText(bytes)) {
    if (extension == ".csv") return std::string(kCsv);
    if (extension == ".txt" || extension == ".log") return std::string(kText);
    return Mismatch("plain text", ".txt, .log or .csv");
  }
  return InvalidArgument(
      "this kind of file is not accepted: send PDF, PNG, JPEG, XLSX, DOCX, or UTF-8 text or CSV",
      {{"file", "PDF, PNG, JPEG, XLSX, DOCX, UTF-8 text or CSV"}});
}

std::string AttachmentDisposition(std::string_view filename) {
  std::string fallback;
  std::string encoded;
  for (const char c : filename) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = std::isalnum(u) || std::string_view("-._~").find(c) != std::string::npos;
    fallback += u >= 0x20 && u < 0x7F && c != '"' && c != '\\' && c != '%' ? c : '_';
    encoded += plain ? std::string(1, c) : fmt::format("%{:02X}", u);
  }
  // A multi-byte character became several '_'; one stands for it.
  std::string squeezed;
  for (std::size_t i = 0; i < fallback.size(); ++i) {
    const bool continuation = (static_cast<unsigned char>(filename[i]) & 0xC0) == 0x80;
    if (!continuation) squeezed += fallback[i];
  }
  return fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}", squeezed, encoded);
}

Json ToJson(const EvidenceFile& f) {
  return {{"id", f.id},
          {"item_id", f.item_id},
          {"filename", f.filename},
          {"content_type", f.content_type},
          {"size", f.size},
          {"sha256", f.sha256},
          {"uploaded_at", f.uploaded_at},
          {"uploaded_by", f.uploaded_by}};
}

Result<EvidenceFile> SurveyService::UploadEvidence(
    const identity::Principal& principal, std::string_view campaign_id, std::string_view org_id,
    std::string_view item_id, std::string_view filename, std::string_view content,
    const RequestInfo& info) {
  auto result = [&]() -> Result<EvidenceFile> {
    const EvidenceLimits limits = evidence_limits_;
    if (content.size() > limits.max_file_bytes) {
      return TooLarge(fmt::format("the file is larger than {} bytes", limits.max_file_bytes),
                      "file");
    }
    FC_ASSIGN_OR_RETURN(std::string name, SanitizeEvidenceFilename(filename));
    FC_ASSIGN_OR_RETURN(std::string content_type, SniffEvidenceContentType(name, content));
    const std::string sha256 = Sha256Hex(content);
    const std::string encoded = Base64(content);
    auto compiled = [this](store::Connection& c, std::string_view id) {
      return LoadCompiled(c, id);
    };
    return db_.TransactValue<EvidenceFile>([&](store::Connection& conn) -> Result<EvidenceFile> {
      FC_ASSIGN_OR_RETURN(
          internal::AssignmentState state,
          internal::LoadState(conn, principal, campaign_id, org_id, true, compiled));
      if (!internal::IsInstitutionUser(principal, state.assignment.org_id)) {
        return PermissionDenied("only the institution's own users attach its evidence");
      }
      FC_RETURN_IF_ERROR(internal::CheckAnswerable(state.campaign, state.assignment, clock_.Now()));
      const auto index = state.bank->IndexOf(item_id);
      if (!index) return NotFound("no such item in this questionnaire");
      if (!state.shown[*index]) {
        return FailedPrecondition(
            fmt::format("item {} is not asked given the earlier answers", item_id));
      }
      FC_ASSIGN_OR_RETURN(
          auto totals,
          conn.QueryOne("SELECT COALESCE(SUM(size), 0), COALESCE(SUM(CASE WHEN item_id = ? THEN 1 "
                        "ELSE 0 END), 0) FROM survey_evidence WHERE campaign_id = ? AND org_id = ?",
                        {std::string(item_id), state.campaign.id, state.assignment.org_id},
                        "evidence"));
      // A count, not a size nor a rate: the item's state refuses another file.
      if (totals.GetInt(1) >= limits.max_files_per_item) {
        return Error(ErrorCode::kFailedPrecondition,
                     fmt::format("item {} already has {} files; remove one first", item_id,
                                 limits.max_files_per_item),
                     "", {{"file", "too many files"}});
      }
      if (static_cast<std::size_t>(totals.GetInt(0)) + content.size() >
          limits.max_assignment_bytes) {
        return TooLarge(fmt::format("the institution's evidence would exceed {} bytes",
                                    limits.max_assignment_bytes),
                        "file");
      }
      EvidenceFile f;
      f.id = NewUuid();
      f.campaign_id = state.campaign.id;
      f.org_id = state.assignment.org_id;
      f.item_id = std::string(item_id);
      f.filename = name;
      f.content_type = content_type;
      f.size = static_cast<std::int64_t>(content.size());
      f.sha256 = sha256;
      f.uploaded_at = internal::Now(clock_);
      f.uploaded_by = principal.username;
      FC_RETURN_IF_ERROR(conn.Execute(
          "INSERT INTO survey_evidence (id, campaign_id, org_id, item_id, filename, content_type, "
          "size, sha256, uploaded_at, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {f.id, f.campaign_id, f.org_id, f.item_id, f.filename, f.content_type, f.size, f.sha256,
           f.uploaded_at, f.uploaded_by}));
      FC_RETURN_IF_ERROR(conn.Execute(
          "INSERT INTO survey_evidence_content (id, content) VALUES (?, ?)", {f.id, encoded}));
      FC_RETURN_IF_ERROR(audit::Append(
          conn, clock_,
          {principal.user_id, f.org_id, "survey.evidence_upload", "survey_evidence", f.id,
           Json{{"campaign_id", f.campaign_id},
                {"item_id", f.item_id},
                {"filename", f.filename},
                {"content_type", f.content_type},
                {"size", f.size},
                {"sha256", f.sha256}},
           info.remote_address, info.request_id}));
      return f;
    });
  }();
  if (!result.ok()) {
    internal::AuditRefusal(
        db_, clock_, principal,
        {"survey.evidence_upload", campaign_id, org_id, item_id,
         Json{{"filename", internal::BoundedText(filename)}, {"size", content.size()}}},
        result.error(), info);
  }
  return result;
}

Result<std::vector<EvidenceFile>> SurveyService::ListEvidence(const identity::Principal& principal,
                                                              std::string_view campaign_id,
                                                              std::string_view org_id,
                                                              std::string_view item_id) {
  return db_.ReadValue<std::vector<EvidenceFile>>(
      [&](store::Connection& conn) -> Result<std::vector<EvidenceFile>> {
        FC_ASSIGN_OR_RETURN(Assignment assignment,
                            internal::LoadAssignment(conn, principal, campaign_id, org_id));
        FC_ASSIGN_OR_RETURN(Campaign campaign, internal::LoadCampaign(conn, campaign_id));
        FC_ASSIGN_OR_RETURN(auto bank, LoadCompiled(conn, campaign.bank_storage_id));
        if (!item_id.empty() && !bank->IndexOf(item_id)) {
          return NotFound("no such item in this questionnaire");
        }
        return QueryFiles(conn, principal, campaign.id, assignment.org_id, item_id, "");
      });
}

Result<EvidenceDownload> SurveyService::GetEvidence(const identity::Principal& principal,
                                                    std::string_view campaign_id,
                                                    std::string_view org_id,
                                                    std::string_view item_id,
                                                    std::string_view evidence_id) {
  return db_.ReadValue<EvidenceDownload>([&](store::Connection& conn) -> Result<EvidenceDownload> {
    FC_ASSIGN_OR_RETURN(Assignment assignment,
                        internal::LoadAssignment(conn, principal, campaign_id, org_id));
    FC_ASSIGN_OR_RETURN(auto files, QueryFiles(conn, principal, assignment.campaign_id,
                                               assignment.org_id, item_id, evidence_id));
    if (item_id.empty() || evidence_id.empty() || files.size() != 1) {
      return NotFound("no such evidence file");
    }
    FC_ASSIGN_OR_RETURN(auto row,
                        conn.QueryOne("SELECT content FROM survey_evidence_content WHERE id = ?",
                                      {files[0].id}, "evidence file"));
    FC_ASSIGN_OR_RETURN(std::string content, FromBase64(row.GetString(0)));
    return EvidenceDownload{std::move(files[0]), std::move(content)};
  });
}

Status SurveyService::DeleteEvidence(const identity::Principal& principal,
                                     std::string_view campaign_id, std::string_view org_id,
                                     std::string_view item_id, std::string_view evidence_id,
                                     const RequestInfo& info) {
  auto result = [&]() -> Status {
    auto compiled = [this](store::Connection& c, std::string_view id) {
      return LoadCompiled(c, id);
    };
    return db_.Transact([&](store::Connection& conn) -> Status {
      FC_ASSIGN_OR_RETURN(
          internal::AssignmentState state,
          internal::LoadState(conn, principal, campaign_id, org_id, true, compiled));
      FC_ASSIGN_OR_RETURN(auto files, QueryFiles(conn, principal, state.campaign.id,
                                                 state.assignment.org_id, item_id, evidence_id));
      if (item_id.empty() || evidence_id.empty() || files.size() != 1) {
        return NotFound("no such evidence file");
      }
      if (!internal::IsInstitutionUser(principal, state.assignment.org_id)) {
        return PermissionDenied("only the institution's own users remove its evidence");
      }
      FC_RETURN_IF_ERROR(internal::CheckAnswerable(state.campaign, state.assignment, clock_.Now()));
      const EvidenceFile& f = files[0];
      FC_RETURN_IF_ERROR(conn.Execute("DELETE FROM survey_evidence_content WHERE id = ?", {f.id}));
      FC_RETURN_IF_ERROR(conn.Execute("DELETE FROM survey_evidence WHERE id = ?", {f.id}));
      return audit::Append(
          conn, clock_,
          {principal.user_id, f.org_id, "survey.evidence_delete", "survey_evidence", f.id,
           Json{{"campaign_id", f.campaign_id},
                {"item_id", f.item_id},
                {"filename", f.filename},
                {"size", f.size},
                {"sha256", f.sha256}},
           info.remote_address, info.request_id});
    });
  }();
  if (!result.ok()) {
    internal::AuditRefusal(db_, clock_, principal,
                           {"survey.evidence_delete", campaign_id, org_id, item_id,
                            Json{{"evidence_id", internal::BoundedText(evidence_id, 64)}}},
                           result.error(), info);
  }
  return result;
}

}  // namespace fincyber::survey
