// Classifies breaks in the chain as rows stream past in seq order. Separate from the
// SQL in audit.cc so the classification rules have pure tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "audit/internal/chain.h"
#include "base/result.h"

namespace fincyber::audit::internal {

// Lookups the verifier makes only when a row does not verify in place, to find
// out whether it is an intact entry moved from elsewhere.
class ChainIndex {
 public:
  virtual ~ChainIndex() = default;
  // seq of up to a few rows whose stored hash / prev_hash equals `hash`.
  virtual Result<std::vector<std::int64_t>> SeqsWithHash(std::string_view hash) = 0;
  virtual Result<std::vector<std::int64_t>> SeqsWithPrevHash(std::string_view hash) = 0;
};

struct Head {
  std::int64_t seq = 0;
  std::string hash;
};

// Not thread-safe; one per verification. `index` must outlive it.
class ChainVerifier {
 public:
  static constexpr std::size_t kMaxProblems = 1000;

  ChainVerifier(Head head, ChainIndex& index);

  // Feed every row in strictly ascending seq order. Errors: only the index's.
  Status Add(const Record& record);
  // Checks the end of the log against the head; call once after the last Add.
  VerifyReport Finish() &&;

 private:
  Result<std::optional<std::int64_t>> FindOriginalSeq(const Record& record);
  void Report(std::int64_t seq, std::string_view kind, std::string message);

  Head head_;
  ChainIndex& index_;
  VerifyReport report_;
  std::int64_t last_seq_ = 0;  // last row seen within 1..head seq
  std::string last_hash_;      // its stored hash
  bool last_clean_ = true;     // whether it verified in place
};

}  // namespace fincyber::audit::internal
