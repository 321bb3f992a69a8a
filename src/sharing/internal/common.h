// Helpers the sharing service's files share: the visibility predicate, collection
// access, and small SQL builders.
#pragma once

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

// The collection with the principal's rights. NotFound when it does not exist or the
// principal may neither read nor write it.
Result<Collection> LoadCollection(store::Connection& conn, const identity::Principal& principal,
                                  std::string_view id);

// The visible objects of `collection` matching `query` (validated here), by
// (date_added, row), within the caller's transaction.
Result<ObjectPage> QueryObjects(store::Connection& conn, const identity::Principal& principal,
                                const Collection& collection, const ObjectQuery& query);

// "?, ?, ?" for n values.
std::string Placeholders(std::size_t n);
void Append(store::Params& params, const store::Params& more);

}  // namespace fincyber::sharing::internal
