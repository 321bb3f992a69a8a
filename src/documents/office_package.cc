#include "documents/office_package.h"

#include <optional>
#include <string>

#include "documents/internal/xml_events.h"
#include "documents/internal/zip_archive.h"

namespace fincyber::documents {
namespace {

constexpr std::string_view kWorkbookMain =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
constexpr std::string_view kWordMain =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

class ContentTypesHandler : public internal::XmlHandler {
 public:
  Status Start(std::string_view local,
               const std::vector<internal::XmlAttribute>& attributes) override {
    if (local != "Override") return OkStatus();
    const std::string_view type = internal::FindAttribute(attributes, "ContentType");
    if (type == kWorkbookMain) workbook = true;
    if (type == kWordMain) word = true;
    return OkStatus();
  }
  Status End(std::string_view) override { return OkStatus(); }
  Status Text(std::string_view) override { return OkStatus(); }

  bool workbook = false;
  bool word = false;
};

}  // namespace

Result<OfficeDocument> IdentifyOfficeDocument(std::string_view bytes) {
  // The content-types part of a real document is a few kilobytes.
  const internal::ZipLimits limits{.max_entries = 10'000,
                                   .max_entry_bytes = std::size_t{1} << 20,
                                   .max_total_bytes = std::size_t{1} << 20};
  FC_ASSIGN_OR_RETURN(auto zip, internal::ZipArchive::Open(bytes, limits));
  auto types = zip->Read("[Content_Types].xml");
  if (!types.ok()) {
    if (types.error().code() == ErrorCode::kNotFound) {
      return InvalidArgument("not an Office document: the package has no [Content_Types].xml");
    }
    return std::move(types).error();
  }
  ContentTypesHandler handler;
  FC_RETURN_IF_ERROR(internal::ParseXml("[Content_Types].xml", *types, handler, 16));
  if (handler.workbook == handler.word) {
    return InvalidArgument(
        "not an Excel workbook or Word document (macro-enabled files are not accepted)");
  }
  return handler.workbook ? OfficeDocument::kWorkbook : OfficeDocument::kWordDocument;
}

}  // namespace fincyber::documents
