// Correlation and sighting aggregates. Storage grows with distinct observables
// (observables, object_observables), never with pairs of objects; every count and
// list is over objects visible to the asking organisation only.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "sharing/internal/common.h"
#include "sharing/service.h"

namespace fincyber::sharing {
namespace {

constexpr int kMaxRelated = 1000;

struct OwnRow {
  std::int64_t row = 0;
  std::string author_org;
};

// The newest visible versions of `id` in any collection. Empty when none.
Result<std::vector<OwnRow>> VisibleLatestRows(store::Connection& conn,
                                              const identity::Principal& principal,
                                              std::string_view id) {
  const identity::OrgFilter visible = internal::VisibleObjects(principal);
  store::Params params{std::string(id)};
  internal::Append(params, visible.params);
  FC_ASSIGN_OR_RETURN(auto rows,
                      conn.Query(fmt::format("SELECT o.row_id, o.author_org FROM {} WHERE "
                                             "o.stix_id = ? AND o.is_latest = 1 AND {}",
                                             internal::kObjectsFrom, visible.sql),
                                 params));
  std::vector<OwnRow> out;
  for (const auto& row : rows) out.push_back({row.GetInt(0), row.GetString(1)});
  return out;
}

// The first addresses of every address block that may contain a block starting at
// `first` (32 lower-case hex digits, IPv4 mapped into ::ffff:0:0/96): `first` with its
// low bits cleared, for each prefix length. Stored ranges are prefix blocks
// (stix::Observable), so a block contains ours exactly when it starts at one of these
// and ends at or after our last address. Always 33 starts for IPv4 and 129 for IPv6,
// some repeated, so that the statement text depends on the kind only.
std::vector<std::string> EnclosingStarts(const std::string& first, const std::string& kind) {
  const std::size_t shortest = kind == "ipv4" ? 96 : 0;
  std::vector<std::string> starts;
  for (std::size_t bits = shortest; bits <= 128; ++bits) {
    std::string start = first;
    // Hex digits wholly past the prefix become 0; the one it splits keeps its high bits.
    for (std::size_t digit = 0; digit < start.size(); ++digit) {
      const std::size_t kept = bits > digit * 4 ? std::min<std::size_t>(bits - digit * 4, 4) : 0;
      if (kept == 4) continue;
      const char c = start[digit];
      const int value = c >= 'a' ? c - 'a' + 10 : c - '0';
      const int masked = value & (0xF0 >> kept) & 0xF;
      start[digit] = "0123456789abcdef"[masked];
    }
    starts.push_back(std::move(start));
  }
  return starts;
}

struct OwnObservable {
  std::int64_t id = 0;
  std::string kind;
  std::string key;
  std::string range_first;
  std::string range_last;
};

}  // namespace

Result<Correlation> SharingService::Correlate(const identity::Principal& principal,
                                              std::string_view id) {
  return db_.ReadValue<Correlation>([&](store::Connection& conn) -> Result<Correlation> {
    FC_ASSIGN_OR_RETURN(std::vector<OwnRow> own_rows, VisibleLatestRows(conn, principal, id));
    if (own_rows.empty()) return NotFound("object not found");
    Correlation result;
    result.id = std::string(id);
    std::set<std::string> organisations;
    store::Params row_params;
    for (const OwnRow& r : own_rows) {
      row_params.push_back(r.row);
      organisations.insert(r.author_org);
    }
    FC_ASSIGN_OR_RETURN(
        auto observable_rows,
        conn.Query(fmt::format("SELECT DISTINCT ob.id, ob.kind, ob.key, ob.range_first, "
                               "ob.range_last FROM observables ob JOIN object_observables oo ON "
                               "oo.observable_id = ob.id WHERE oo.object_row IN ({}) ORDER BY "
                               "ob.key",
                               internal::Placeholders(own_rows.size())),
                   row_params));
    std::vector<OwnObservable> own;
    for (const auto& row : observable_rows) {
      own.push_back(
          {row.GetInt(0), row.GetString(1), row.GetString(2), row.GetString(3), row.GetString(4)});
      result.observables.push_back(row.GetString(2));
    }

    const identity::OrgFilter visible = internal::VisibleObjects(principal);
    std::set<std::pair<std::string, std::string>> listed;  // (collection, id)
    internal::AuthorNames authors(principal);
    for (const OwnObservable& mine : own) {
      // Equal observables, and for address ranges those containing or within ours.
      std::string match = "ob.id = ?";
      store::Params params{mine.id};
      if (!mine.range_first.empty()) {
        // Both alternatives seek the range index to a bounded stretch: the blocks
        // containing ours by their possible starts, those within ours by a start
        // between our first and last address.
        const std::vector<std::string> starts = EnclosingStarts(mine.range_first, mine.kind);
        match = fmt::format(
            "(ob.id = ? OR (ob.kind = ? AND ob.range_first IN ({}) AND ob.range_last >= ?) OR "
            "(ob.kind = ? AND ob.range_first >= ? AND ob.range_first <= ? AND ob.range_last <= "
            "?))",
            internal::Placeholders(starts.size()));
        params.push_back(mine.kind);
        params.insert(params.end(), starts.begin(), starts.end());
        params.insert(params.end(), {mine.range_last, mine.kind, mine.range_first, mine.range_last,
                                     mine.range_last});
      }
      internal::Append(params, visible.params);
      params.push_back(std::int64_t{kMaxRelated} + 1);
      FC_ASSIGN_OR_RETURN(
          auto rows,
          conn.Query(fmt::format("SELECT o.stix_id, o.type, o.collection_id, o.tlp, o.author_org, "
                                 "ob.key, ob.range_first, ob.range_last FROM observables ob JOIN "
                                 "object_observables oo ON oo.observable_id = ob.id JOIN "
                                 "shared_objects o ON o.row_id = oo.object_row JOIN "
                                 "sharing_collections c ON c.id = o.collection_id WHERE {} AND "
                                 "o.is_latest = 1 AND "
                                 "o.revoked = 0 AND {} ORDER BY o.date_added, o.row_id LIMIT ?",
                                 match, visible.sql),
                     params));
      for (const auto& row : rows) {
        const std::string author = row.GetString(4);
        organisations.insert(author);
        const std::string other_id = row.GetString(0);
        if (other_id == id || result.related.size() >= kMaxRelated) continue;
        if (!listed.insert({row.GetString(2), other_id}).second) continue;
        CorrelatedObject related;
        related.id = other_id;
        related.type = row.GetString(1);
        related.collection_id = row.GetString(2);
        related.tlp = static_cast<stix::Tlp>(std::clamp<std::int64_t>(row.GetInt(3), 0, 4));
        related.observable = row.GetString(5);
        const std::string first = row.GetString(6);
        const std::string last = row.GetString(7);
        if (related.observable == mine.key ||
            (first == mine.range_first && last == mine.range_last)) {
          related.relation = "same";
        } else if (first <= mine.range_first && last >= mine.range_last) {
          related.relation = "contains";
        } else {
          related.relation = "within";
        }
        FC_ASSIGN_OR_RETURN(related.author, authors.Of(conn, author, related.tlp));
        result.related.push_back(std::move(related));
      }
    }
    result.organisations = static_cast<std::int64_t>(organisations.size());
    return result;
  });
}

Result<SightingSummary> SharingService::SightingsOf(const identity::Principal& principal,
                                                    std::string_view id) {
  return db_.ReadValue<SightingSummary>([&](store::Connection& conn) -> Result<SightingSummary> {
    FC_ASSIGN_OR_RETURN(std::vector<OwnRow> own_rows, VisibleLatestRows(conn, principal, id));
    if (own_rows.empty()) return NotFound("object not found");
    const identity::OrgFilter visible = internal::VisibleObjects(principal);
    store::Params params{std::string(id)};
    internal::Append(params, visible.params);
    FC_ASSIGN_OR_RETURN(
        auto row,
        conn.QueryOne(fmt::format("SELECT COUNT(*), COALESCE(SUM(s.count), 0), MIN(s.first_seen), "
                                  "MAX(s.last_seen), COUNT(DISTINCT o.author_org) FROM sightings s "
                                  "JOIN shared_objects o ON o.row_id = s.object_row JOIN "
                                  "sharing_collections c ON c.id = o.collection_id WHERE "
                                  "s.sighting_of_ref = ? AND o.is_latest = 1 AND o.revoked = 0 "
                                  "AND {}",
                                  visible.sql),
                      params, "sightings"));
    SightingSummary summary;
    summary.sighting_of_ref = std::string(id);
    summary.sightings = row.GetInt(0);
    summary.count = row.GetInt(1);
    if (!row.IsNull(2)) summary.first_seen = row.GetInt(2);
    if (!row.IsNull(3)) summary.last_seen = row.GetInt(3);
    summary.organisations = row.GetInt(4);
    return summary;
  });
}

}  // namespace fincyber::sharing
