// OSCAL catalog import: a framework catalog (XML or JSON, OSCAL 1.x) becomes a draft
// bank with one section per top-level group and one maturity item per assessable
// control, tagged with its function and CSF reference when the ids are CSF 2.0 ones.
#pragma once

#include <string_view>

#include "base/result.h"
#include "survey/bank.h"

namespace fincyber::survey {

struct OscalImportOptions {
  std::string bank_id = "oscal-import";
  std::string version = "1";
  // Controls whose `class` is in this list become items (CSF: "subcategory"); empty
  // takes every control without child controls.
  std::vector<std::string> item_classes = {"subcategory"};
  // NIST's CSF 2.0 catalog 1.0.0 still carries the CSF 1.1 entries that CSF 2.0
  // withdrew, without any withdrawn status; only in-force subcategories have
  // implementation examples. When set, a control without an `example` part is taken as
  // withdrawn. Controls with a `status` property of "withdrawn" are always skipped.
  bool withdrawn_without_examples = true;
  std::size_t max_bytes = 16 << 20;
  int max_depth = 16;
};

struct OscalImport {
  Bank bank;          // status draft; English texts (Japanese is added before publishing)
  int withdrawn = 0;  // controls skipped as withdrawn
};

// Errors: ResourceExhausted over max_bytes; InvalidArgument for malformed XML/JSON, a
// document that is not an OSCAL catalog, nesting deeper than max_depth, or a catalog
// with no assessable control. DTDs are refused outright (no entity is ever expanded).
Result<OscalImport> ImportOscalCatalogXml(std::string_view xml,
                                          const OscalImportOptions& options = {});
Result<OscalImport> ImportOscalCatalogJson(std::string_view json,
                                           const OscalImportOptions& options = {});

}  // namespace fincyber::survey
