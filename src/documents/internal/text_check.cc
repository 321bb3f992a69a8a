#include "documents/internal/text_check.h"

#include <string>

#include "base/utf8.h"

namespace fincyber::documents::internal {

Status CheckText(std::string_view field, std::string_view text, std::size_t max_bytes) {
  const std::string name(field);
  if (text.size() > max_bytes) {
    return InvalidArgument(name + " is longer than " + std::to_string(max_bytes) + " bytes",
                           {{name, "too long"}});
  }
  if (auto offset = FindInvalidUtf8(text)) {
    return InvalidArgument(name + " is not UTF-8 (byte " + std::to_string(*offset) + ")",
                           {{name, "invalid UTF-8"}});
  }
  for (unsigned char c : text) {
    // XML 1.0, which XLSX is written in, cannot hold these, and in a PDF they draw boxes.
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      return InvalidArgument(name + " holds a control character", {{name, "control character"}});
    }
  }
  return OkStatus();
}

}  // namespace fincyber::documents::internal
