// Helpers the sharing service's files share: the visibility predicate, collection
// access, and small SQL builders.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "identity/access.h"
#include "identity/principal.h"
#include "sharing/service.h"
#include "store/database.h"

namespace fincyber::sharing::internal {

// Shared objects are always queried as `shared_objects o JOIN sharing_collections c`.
inline constexpr std::string_view kObjectsFrom =
    "shared_objects o JOIN sharing_collections c ON c.id = o.collection_id";

// identity::SharedObjectFilter over that join: the one visibility rule.
identity::OrgFilter VisibleObjects(const identity::Principal& principal);

// Names objects' authors as the viewer may know them (see AuthorAsSeen), reading each
// organisation's name once.
class AuthorNames {
 public:
  explicit AuthorNames(const identity::Principal& viewer) : viewer_(viewer) {}
  Result<AuthorAsSeen> Of(store::Connection& conn, const std::string& author_org, stix::Tlp tlp);

 private:
  const identity::Principal& viewer_;
  std::map<std::string, std::string> names_;
};

// The collection with the principal's rights. NotFound when it does not exist or the
// principal may neither read nor write it.
Result<Collection> LoadCollection(store::Connection& conn, const identity::Principal& principal,
                                  std::string_view id);

// The visible objects of `collection` matching `query` (validated here), by
// (date_added, row), within the caller's transaction.
Result<ObjectPage> QueryObjects(store::Connection& conn, const identity::Principal& principal,
                                const Collection& collection, const ObjectQuery& query);

// A relationship's source_ref and target_ref for their indexed columns (null for
// other objects, and for a ref that is not a string), so that an object's
// relationships are found by index, at ingest and in the backfill of older rows alike.
struct RelationshipEnds {
  store::Value source = nullptr;
  store::Value target = nullptr;
};
RelationshipEnds EndsOfRelationship(const Json& object);

// "?, ?, ?" for n values.
std::string Placeholders(std::size_t n);
void Append(store::Params& params, const store::Params& more);

// "(?, ?), (?, ?)" for `rows` rows of `columns` values: a multi-row VALUES list.
std::string ValuesRows(std::size_t rows, std::size_t columns);

// How a multi-row INSERT begins: "INSERT INTO", or on SQLite "INSERT OR FAIL INTO". A
// failed statement ends the transaction on both backends (store::Connection), so SQLite
// need not keep a statement journal to undo the one statement alone: that journal holds
// a copy of every page a multi-row INSERT touches, about a sixth of the writer's time
// in a large import.
std::string_view InsertInto(const store::Connection& conn);
// The same for an UPDATE of many rows: "UPDATE", or on SQLite "UPDATE OR FAIL".
std::string_view UpdateMany(const store::Connection& conn);

// Runs a statement over many rows with few round trips: `values` holds rows of
// `columns` parameters each, and `statement(n)` is the SQL text taking `leading`
// and then n such rows.
// Rows go at most kMaxRowsPerStatement at a time, in power-of-two counts, so that
// a batch of any size prepares at most a handful of distinct statement texts on
// each connection. Returns the result rows of every statement, in statement order.
// The values are moved into the statements' parameters: pass them with std::move where
// they are large (an object's body) and not needed after.
inline constexpr std::size_t kMaxRowsPerStatement = 256;
Result<std::vector<store::Row>> RunInChunks(
    store::Connection& conn, const store::Params& leading, std::size_t columns,
    store::Params values, const std::function<std::string(std::size_t rows)>& statement);

// The clock's time as the hub stores times: microseconds since the epoch.
stix::Timestamp NowMicros(const Clock& clock);

}  // namespace fincyber::sharing::internal
