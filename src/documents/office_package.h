// Tells which Office Open XML document a ZIP package is, from its [Content_Types].xml,
// for callers that accept uploaded documents by content rather than by file name.
// Macro-enabled packages (.xlsm, .docm) and templates declare other main content types
// and are not recognised. Only the content-types part is read, under small caps, so a
// hostile archive cannot make this allocate without bound. Thread-safe.
#pragma once

#include <string_view>

#include "base/result.h"

namespace fincyber::documents {

enum class OfficeDocument { kWorkbook, kWordDocument };  // .xlsx, .docx

// InvalidArgument when `bytes` is not a ZIP archive, has no readable content-types part,
// or declares neither main part; ResourceExhausted past the caps.
Result<OfficeDocument> IdentifyOfficeDocument(std::string_view bytes);

}  // namespace fincyber::documents
