// Evidence files an institution attaches to the items of its questionnaire (a policy
// PDF, a screenshot, an inventory workbook), and the checks every upload passes before
// it is stored. The service's side (upload, list, download, delete, with access and the
// audit log) is in service.h; this header holds the pure rules and the stored form.
//
// Accepted content, decided by the bytes and never by the name alone: PDF, PNG, JPEG,
// Excel workbooks and Word documents (.xlsx, .docx: a ZIP whose content types name the
// main part; macro-enabled files are refused), and plain text or CSV (valid UTF-8
// without control characters other than tab, line feed, carriage return and form
// feed). The name's extension must agree with the content, so an executable renamed
// .pdf, or a PDF named .png, is refused.
//
// Storage (migration module "survey_evidence"): one row of metadata per file and its
// bytes, base64, in a table of their own so that listings never read them; SHA-256
// recorded at upload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "store/migrations.h"

namespace fincyber::survey {

// Module "survey_evidence": survey_evidence and survey_evidence_content.
std::vector<store::Migration> EvidenceMigrations();

struct EvidenceLimits {
  std::size_t max_file_bytes = std::size_t{10} << 20;
  std::size_t max_assignment_bytes = std::size_t{200} << 20;  // all files of one institution
  int max_files_per_item = 20;
};

// Longest stored file name in bytes; longer names are shortened, keeping the extension.
inline constexpr std::size_t kMaxEvidenceFilenameBytes = 200;

// The name to store for an uploaded file's name: its last path component (after '/' or
// '\'), without control characters (C0, DEL, C1), bidirectional overrides and
// zero-width characters, with <>:"|?* replaced by '_', leading dots and spaces and
// trailing dots and spaces removed, a Windows device name (CON, NUL, COM1...) prefixed
// with '_', and shortened to kMaxEvidenceFilenameBytes on a character boundary.
// InvalidArgument for a name that is not UTF-8 or has nothing left.
Result<std::string> SanitizeEvidenceFilename(std::string_view name);

// The content type of `bytes` when they are an accepted kind and `filename`'s extension
// agrees ("application/pdf", "image/png", "image/jpeg", the OOXML types, "text/plain;
// charset=utf-8", "text/csv; charset=utf-8"). InvalidArgument saying what is wrong: an
// empty file, a kind not accepted, a name that does not match the content, a truncated
// PDF.
Result<std::string> SniffEvidenceContentType(std::string_view filename, std::string_view bytes);

// A Content-Disposition value that makes browsers save the file under `filename` and
// never show it inline: attachment, an ASCII fallback name and the UTF-8 name
// percent-encoded (RFC 6266, RFC 8187).
std::string AttachmentDisposition(std::string_view filename);

struct EvidenceFile {
  std::string id;
  std::string campaign_id;
  std::string org_id;
  std::string item_id;
  std::string filename;
  std::string content_type;
  std::int64_t size = 0;
  std::string sha256;  // lower-case hex
  std::string uploaded_at;
  std::string uploaded_by;  // user name
};

struct EvidenceDownload {
  EvidenceFile file;
  std::string content;
};

Json ToJson(const EvidenceFile& file);

}  // namespace fincyber::survey
