// Indicator files into a MatcherBuilder.
//
// STIX bundle: a JSON object with an "objects" array, read as a stream: each element is
// cut out and parsed on its own (base::ParseJson limits), so memory does not grow with
// the file. An element above max_object_bytes is skipped and reported.
//
// CSV: RFC 4180 (quoted fields, "" for a quote, CRLF or LF), '#' comment lines and blank
// lines ignored. With a header row naming `type` and `value` (and optionally `id`; other
// columns ignored, as in the hub's CSV export) columns are found by name; without one the
// columns are type,value[,id]. Types: domain, url, ipv4, ipv6, ip, cidr, email, md5,
// sha1, sha256, sha512, and the STIX names domain-name, ipv4-addr, ipv6-addr,
// email-addr. Rows with the same id are alternatives of one indicator; a row without an id
// is its own indicator, named "<type>:<value>". A bad row is reported with its line and
// skipped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "detect/matcher.h"

namespace fincyber::detect {

struct IndicatorFileOptions {
  std::int64_t now_millis = 0;  // indicators whose valid_until is not later are left out
  std::size_t max_object_bytes = std::size_t{4} << 20;
  // With 2 or more, CSV rows are normalised and bundle objects read on a second thread,
  // batch_entries at a time, while the loading thread reads the next ones and adds the
  // ones before; the matcher and report are the same with any value.
  int threads = 2;
  std::size_t batch_entries = 4096;
};

// Loads a file by its content: a STIX bundle when it starts with '{', CSV otherwise.
// NotFound when it cannot be opened; InvalidArgument when a bundle is malformed (the
// objects before the problem stay added) or a CSV has no usable header/rows;
// ResourceExhausted when memory ran out, after which `builder` is not to be built.
Status LoadIndicatorFile(const std::string& path, const IndicatorFileOptions& options,
                         MatcherBuilder& builder);

// STIX objects given one at a time as JSON texts (e.g. read from a database), added to a
// builder as a bundle's objects are: the same reading, verdicts and warnings (the
// position in a warning is the object's number, from 1). Not thread-safe.
class StixObjectLoader {
 public:
  // `options` (now_millis, max_object_bytes) and `builder` must outlive the loader.
  StixObjectLoader(const IndicatorFileOptions& options, MatcherBuilder& builder);
  ~StixObjectLoader();
  StixObjectLoader(const StixObjectLoader&) = delete;
  StixObjectLoader& operator=(const StixObjectLoader&) = delete;

  void Add(std::string_view object_json);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace fincyber::detect
