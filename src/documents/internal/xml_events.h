// A streaming XML parser (expat) for the parts of an OOXML package, with guards:
// no document type declaration (so no entities to expand), bounded nesting, names
// split into namespace and local name.
#pragma once

#include <string_view>
#include <vector>

#include "base/result.h"

namespace fincyber::documents::internal {

struct XmlAttribute {
  std::string_view ns;     // namespace URI, empty when unqualified
  std::string_view local;  // name without prefix
  std::string_view value;
};

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  // An error stops the parse and is returned by ParseXml.
  virtual Status Start(std::string_view local, const std::vector<XmlAttribute>& attributes) = 0;
  virtual Status End(std::string_view local) = 0;
  virtual Status Text(std::string_view text) = 0;
};

// Parses `xml` (the part named `part` in messages) into `handler`. InvalidArgument for
// malformed XML, a DOCTYPE or nesting deeper than `max_depth`.
Status ParseXml(std::string_view part, std::string_view xml, XmlHandler& handler, int max_depth);

// The value of the unqualified attribute `local` (or of one in a namespace whose URI
// ends with `ns_suffix`, when given), or empty.
std::string_view FindAttribute(const std::vector<XmlAttribute>& attributes, std::string_view local,
                               std::string_view ns_suffix = {});

}  // namespace fincyber::documents::internal
