#include "audit/internal/verifier.h"

#include <fmt/format.h>

#include <utility>

namespace fincyber::audit::internal {

ChainVerifier::ChainVerifier(Head head, ChainIndex& index) : head_(std::move(head)), index_(index) {
  report_.head_seq = head_.seq;
  report_.head_hash = head_.hash;
}

void ChainVerifier::Report(std::int64_t seq, std::string_view kind, std::string message) {
  if (report_.problems.size() >= kMaxProblems) {
    ++report_.problems_omitted;
    return;
  }
  report_.problems.push_back({seq, std::string(kind), std::move(message)});
}

Status ChainVerifier::Add(const Record& record) {
  ++report_.checked;
  const std::int64_t seq = record.seq;
  if (seq < 1 || seq > head_.seq) {
    // Not part of the chain the head vouches for; leave the walk state alone so the
    // rows around it are judged on their own.
    Report(seq, "inserted",
           fmt::format("entry {} inserted: the head records entries 1-{} only", seq, head_.seq));
    return OkStatus();
  }

  const std::int64_t expected = last_seq_ + 1;
  const bool gap = seq > expected;
  if (gap) {
    Report(expected, "deleted",
           seq - expected == 1 ? fmt::format("entry {} deleted", expected)
                               : fmt::format("entries {}-{} deleted", expected, seq - 1));
  }

  const bool clean = ComputeHash(record) == record.hash;
  if (!clean) {
    FC_ASSIGN_OR_RETURN(auto original, FindOriginalSeq(record));
    if (original) {
      Report(seq, "reordered",
             fmt::format("entry {} holds entry {} (entries reordered)", seq, *original));
    } else {
      Report(seq, "changed", fmt::format("entry {} changed", seq));
    }
  } else if (!gap) {
    // Both this row and its predecessor verify on their own, yet do not link: one of
    // them was rewritten together with its hash. The predecessor is the one whose
    // hash no longer matches what was recorded after it.
    if (seq == 1 && record.prev_hash != kGenesisHash) {
      Report(seq, "changed", "entry 1 changed: it does not start the chain");
    } else if (seq > 1 && last_clean_ && record.prev_hash != last_hash_) {
      Report(
          seq - 1, "changed",
          fmt::format("entry {} changed: entry {} recorded a different hash for it", seq - 1, seq));
    }
  }
  last_seq_ = seq;
  last_hash_ = record.hash;
  last_clean_ = clean;
  return OkStatus();
}

// A row that does not verify at its own seq may be an intact entry moved from
// another seq. Since seq is part of the hash, try the seqs it could have come from:
// its neighbours (a swap), one after the row its prev_hash names, one before the
// row that names it, and the head.
Result<std::optional<std::int64_t>> ChainVerifier::FindOriginalSeq(const Record& record) {
  std::vector<std::int64_t> candidates{record.seq - 1, record.seq + 1};
  if (record.prev_hash == kGenesisHash) candidates.push_back(1);
  if (record.hash == head_.hash) candidates.push_back(head_.seq);
  FC_ASSIGN_OR_RETURN(auto predecessors, index_.SeqsWithHash(record.prev_hash));
  for (std::int64_t p : predecessors) candidates.push_back(p + 1);
  FC_ASSIGN_OR_RETURN(auto successors, index_.SeqsWithPrevHash(record.hash));
  for (std::int64_t s : successors) candidates.push_back(s - 1);

  Record moved = record;
  for (std::int64_t candidate : candidates) {
    if (candidate < 1 || candidate == record.seq) continue;
    moved.seq = candidate;
    if (ComputeHash(moved) == record.hash) return std::optional<std::int64_t>(candidate);
  }
  return std::optional<std::int64_t>();
}

VerifyReport ChainVerifier::Finish() && {
  if (last_seq_ < head_.seq) {
    Report(last_seq_ + 1, "truncated",
           last_seq_ == 0
               ? fmt::format("log is empty but the head records entries 1-{}", head_.seq)
               : fmt::format("log ends at entry {} but the head records entries up to {}",
                             last_seq_, head_.seq));
  } else if (head_.seq > 0 && last_clean_ && last_hash_ != head_.hash) {
    Report(head_.seq, "changed",
           fmt::format("entry {} changed: the head records a different hash for it", head_.seq));
  } else if (head_.seq == 0 && head_.hash != kGenesisHash) {
    Report(0, "changed", "head changed: it records no entries but a non-initial hash");
  }
  return std::move(report_);
}

}  // namespace fincyber::audit::internal
