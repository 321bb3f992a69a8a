// The indicators of a source that is pulled again and again (a TAXII collection): each
// id's newest version, kept between pulls and between runs in a state file, so that a
// refresh asks only for what was added since and a restart starts from what it had.
//
// Rules: the version with the latest `modified` wins, whatever order versions arrive in
// (an older version arriving later changes nothing); when the newest version is revoked
// the indicator leaves the set, and an older version arriving afterwards does not bring
// it back (the revocation is remembered). Objects other than indicators are ignored.
//
// State file: JSON lines. The first line is {"fincyber_indicator_set": 1, "source": ...,
// "position": ...}; each following line is one indicator, reduced to what matching needs
// (type, id, modified, pattern, pattern_type, valid_until, revoked). Read line by line
// (each line within the JSON limits), written to a temporary file renamed over the old
// one, so a crash leaves the previous state; readable by the owner only (mode 0600),
// as shared indicators may be TLP:AMBER or RED.
//
// Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "detect/matcher.h"

namespace fincyber::detect {

class IndicatorSet {
 public:
  enum class Change { kNone, kAdded, kUpdated, kRemoved };

  // One STIX object as pulled.
  Change Add(const Json& object);

  // Indicators in the set (revoked ones not counted).
  std::size_t size() const { return size_; }

  // Gives every indicator in the set to `builder`.
  void AddTo(MatcherBuilder& builder, std::int64_t now_millis) const;

  // Where the source stands (e.g. the TAXII date added last), and which source it is.
  const std::string& position() const { return position_; }
  void set_position(std::string position) { position_ = std::move(position); }
  const std::string& source() const { return source_; }
  void set_source(std::string source) { source_ = std::move(source); }

  // NotFound when `path` does not exist; InvalidArgument naming the line when it is not
  // a state file (nothing of it is kept then).
  static Result<IndicatorSet> Load(const std::string& path);
  // Unavailable when the file cannot be written; the previous file is left as it was.
  Status Save(const std::string& path) const;

 private:
  struct Entry {
    std::string modified;  // as given; compared as a time
    std::int64_t modified_millis = 0;
    bool revoked = false;
    std::string pattern;
    std::string pattern_type;
    std::string valid_until;
  };
  Json ToObject(const std::string& id, const Entry& entry) const;

  std::map<std::string, Entry, std::less<>> entries_;
  std::size_t size_ = 0;
  std::string position_;
  std::string source_;
};

}  // namespace fincyber::detect
