// A MatchSink that keeps every match, for tests of a scan.
#pragma once

#include <vector>

#include "detect/scan.h"

namespace fincyber::detect {

class CollectingSink final : public MatchSink {
 public:
  void Write(const std::vector<Match>& matches) override {
    all.insert(all.end(), matches.begin(), matches.end());
  }
  std::vector<Match> all;
};

}  // namespace fincyber::detect
