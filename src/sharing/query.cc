// Reading objects: the one query behind TAXII's objects, object, versions and manifest
// endpoints, with the visibility rule always ANDed in.
#include <fmt/format.h>

#include <algorithm>

#include "sharing/internal/common.h"
#include "sharing/service.h"

namespace fincyber::sharing {
namespace internal {

namespace {

constexpr std::size_t kMaxMatchValues = 100;

Status CheckQuery(const ObjectQuery& q) {
  if (q.limit < 1 || q.limit > kMaxPageSize) {
    return InvalidArgument(fmt::format("limit must be between 1 and {}", kMaxPageSize));
  }
  for (const auto* list : {&q.ids, &q.types, &q.spec_versions}) {
    if (list->size() > kMaxMatchValues) {
      return InvalidArgument(fmt::format("at most {} values per match filter", kMaxMatchValues));
    }
  }
  if (q.versions.at.size() > kMaxMatchValues) {
    return InvalidArgument(fmt::format("at most {} values per match filter", kMaxMatchValues));
  }
  return OkStatus();
}

void AddIn(std::string& sql, store::Params& params, std::string_view column,
           const std::vector<std::string>& values) {
  if (values.empty()) return;
  sql += fmt::format(" AND {} IN ({})", column, Placeholders(values.size()));
  params.insert(params.end(), values.begin(), values.end());
}

}  // namespace

Result<ObjectPage> QueryObjects(store::Connection& conn, const identity::Principal& principal,
                                const Collection& collection, const ObjectQuery& q) {
  FC_RETURN_IF_ERROR(CheckQuery(q));
  const identity::OrgFilter visible = VisibleObjects(principal);
  // With match[id] the few rows of those ids are best found through the STIX id index;
  // SQLite (without statistics) would rather walk the collection's date or type index and
  // read every row of a large collection, unless the collection test is an expression
  // that no index serves.
  std::string sql = fmt::format(
      "SELECT o.row_id, o.collection_id, o.stix_id, o.type, o.spec_version, o.version, "
      "o.date_added, o.tlp, o.revoked, o.author_org, {} FROM {} WHERE {} = ? AND {}",
      q.with_body ? "o.body" : "''", kObjectsFrom,
      q.ids.empty() ? "o.collection_id" : "o.collection_id || ''", visible.sql);
  store::Params params{collection.id};
  Append(params, visible.params);
  if (q.added_after) {
    sql += " AND o.date_added > ?";
    params.push_back(*q.added_after);
  }
  // date_added is unique within a collection, so it alone orders the page and places
  // the cursor. Ordering by the index's own column lets PostgreSQL's generic plan (used
  // once a statement has run a few times) walk the index from the cursor and stop at
  // the limit, where a second sort key made it sort the rest of the collection.
  if (q.after) {
    sql += " AND o.date_added > ?";
    params.push_back(q.after->date_added);
  }
  AddIn(sql, params, "o.stix_id", q.ids);
  AddIn(sql, params, "o.type", q.types);
  AddIn(sql, params, "o.spec_version", q.spec_versions);
  const bool last = q.versions.last || q.versions.empty();
  if (!q.versions.all) {
    std::vector<std::string> any;
    if (last) any.push_back("o.is_latest = 1");
    if (q.versions.first) {
      any.push_back(
          "o.version = (SELECT MIN(f.version) FROM shared_objects f WHERE f.collection_id = "
          "o.collection_id AND f.stix_id = o.stix_id)");
    }
    for (stix::Timestamp at : q.versions.at) {
      any.push_back("o.version = ?");
      params.push_back(at);
    }
    sql += fmt::format(" AND ({})", fmt::join(any, " OR "));
  }
  sql += " ORDER BY o.date_added LIMIT ?";
  params.push_back(static_cast<std::int64_t>(q.limit) + 1);
  FC_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));

  ObjectPage page;
  page.more = rows.size() > static_cast<std::size_t>(q.limit);
  if (page.more) rows.pop_back();
  page.objects.reserve(rows.size());
  for (auto& row : rows) {
    StoredObject o;
    o.row = row.GetInt(0);
    o.collection_id = row.GetString(1);
    o.id = row.GetString(2);
    o.type = row.GetString(3);
    o.spec_version = row.GetString(4);
    o.version = row.GetInt(5);
    o.date_added = row.GetInt(6);
    o.tlp = static_cast<stix::Tlp>(std::clamp<std::int64_t>(row.GetInt(7), 0, 4));
    o.revoked = row.GetInt(8) != 0;
    o.author_org = row.GetString(9);
    o.body = row.GetString(10);
    page.objects.push_back(std::move(o));
  }
  if (page.more) page.next = {page.objects.back().date_added, page.objects.back().row};
  return page;
}

}  // namespace internal

Result<ObjectPage> SharingService::ListObjects(const identity::Principal& principal,
                                               std::string_view collection_id,
                                               const ObjectQuery& query) {
  return db_.ReadValue<ObjectPage>([&](store::Connection& conn) -> Result<ObjectPage> {
    FC_ASSIGN_OR_RETURN(Collection collection,
                        internal::LoadCollection(conn, principal, collection_id));
    if (!collection.can_read) return PermissionDenied("you may not read this collection");
    return internal::QueryObjects(conn, principal, collection, query);
  });
}

}  // namespace fincyber::sharing
