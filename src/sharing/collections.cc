// Collections: creation by curators, and each principal's rights on them.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iterator>

#include "audit/audit.h"
#include "base/crypto.h"
#include "identity/directory.h"
#include "identity/groups.h"
#include "sharing/internal/common.h"
#include "sharing/internal/live_cache.h"
#include "sharing/service.h"

namespace fincyber::sharing {
namespace internal {

identity::OrgFilter VisibleObjects(const identity::Principal& principal) {
  return identity::SharedObjectFilter(
      principal, {.author_org = "o.author_org",
                  .read_group = "c.read_group_id",
                  .named_recipients_only = "o.named_recipients_only",
                  .is_named_recipient = "EXISTS (SELECT 1 FROM shared_object_recipients r "
                                        "WHERE r.object_row = o.row_id AND r.org_id = ?)"});
}

Result<AuthorAsSeen> AuthorNames::Of(store::Connection& conn, const std::string& author_org,
                                     stix::Tlp tlp) {
  const bool may_know =
      author_org == viewer_.org_id || tlp == stix::Tlp::kClear || tlp == stix::Tlp::kGreen;
  if (!may_know) {
    return AuthorAsSeen{"", viewer_.locale == "en" ? "another organisation" : "別の組織", true};
  }
  auto known = names_.find(author_org);
  if (known == names_.end()) {
    // The name is shown because the object's marking allows it, whatever the viewer's
    // directory rights.
    FC_ASSIGN_OR_RETURN(identity::Org org,
                        identity::GetOrg(conn, identity::OperatorPrincipal(), author_org));
    known = names_.emplace(author_org, viewer_.locale == "en" ? org.name_en : org.name_ja).first;
  }
  return AuthorAsSeen{author_org, known->second, false};
}

RelationshipEnds EndsOfRelationship(const Json& object) {
  RelationshipEnds ends;
  if (object.value("type", "") != "relationship") return ends;
  auto ref = [&](const char* name) -> store::Value {
    auto it = object.find(name);
    if (it == object.end() || !it->is_string()) return nullptr;
    return it->get<std::string>();
  };
  ends.source = ref("source_ref");
  ends.target = ref("target_ref");
  return ends;
}

std::string Placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

void Append(store::Params& params, const store::Params& more) {
  params.insert(params.end(), more.begin(), more.end());
}

std::string ValuesRows(std::size_t rows, std::size_t columns) {
  const std::string row = "(" + Placeholders(columns) + ")";
  std::string out;
  out.reserve(rows * (row.size() + 2));
  for (std::size_t i = 0; i < rows; ++i) {
    if (i > 0) out += ", ";
    out += row;
  }
  return out;
}

std::string_view InsertInto(const store::Connection& conn) {
  return conn.dialect() == store::Dialect::kSqlite ? "INSERT OR FAIL INTO" : "INSERT INTO";
}

std::string_view UpdateMany(const store::Connection& conn) {
  return conn.dialect() == store::Dialect::kSqlite ? "UPDATE OR FAIL" : "UPDATE";
}

Result<std::vector<store::Row>> RunInChunks(
    store::Connection& conn, const store::Params& leading, std::size_t columns,
    store::Params values, const std::function<std::string(std::size_t rows)>& statement) {
  std::vector<store::Row> out;
  const std::size_t rows = columns == 0 ? 0 : values.size() / columns;
  std::size_t done = 0;
  while (done < rows) {
    std::size_t chunk = kMaxRowsPerStatement;
    while (chunk > rows - done) chunk /= 2;
    const auto first = values.begin() + static_cast<std::ptrdiff_t>(done * columns);
    store::Params params = leading;
    params.insert(params.end(), std::make_move_iterator(first),
                  std::make_move_iterator(first + static_cast<std::ptrdiff_t>(chunk * columns)));
    FC_ASSIGN_OR_RETURN(auto result, conn.Query(statement(chunk), params));
    std::move(result.begin(), result.end(), std::back_inserter(out));
    done += chunk;
  }
  return out;
}

namespace {

constexpr std::string_view kCollectionColumns =
    "id, title, description, alias, read_group_id, write_group_id, default_tlp, created_at";

Collection CollectionFromRow(const store::Row& row) {
  Collection c;
  c.id = row.GetString(0);
  c.title = row.GetString(1);
  c.description = row.GetString(2);
  c.alias = row.GetString(3);
  c.read_group_id = row.GetString(4);
  c.write_group_id = row.GetString(5);
  c.default_tlp = static_cast<stix::Tlp>(std::clamp<std::int64_t>(row.GetInt(6), 0, 4));
  c.created_at = row.GetString(7);
  return c;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Rights come from the principal's organisation's groups; writing also needs a role
// that may write.
Status FillRights(store::Connection& conn, const identity::Principal& principal,
                  std::vector<Collection>& collections) {
  if (principal.org_id.empty()) return OkStatus();
  FC_ASSIGN_OR_RETURN(std::vector<std::string> groups,
                      identity::GroupIdsOfOrg(conn, principal.org_id));
  const bool may_write = identity::CheckCanWrite(principal).ok();
  for (Collection& c : collections) {
    c.can_read = Contains(groups, c.read_group_id);
    c.can_write = may_write && Contains(groups, c.write_group_id);
  }
  return OkStatus();
}

bool IsMember(const identity::Principal& principal, const std::vector<std::string>& groups,
              const Collection& c) {
  return !principal.org_id.empty() &&
         (Contains(groups, c.read_group_id) || Contains(groups, c.write_group_id));
}

}  // namespace

Result<Collection> LoadCollection(store::Connection& conn, const identity::Principal& principal,
                                  std::string_view id) {
  FC_ASSIGN_OR_RETURN(
      auto row, conn.QueryOptional(fmt::format("SELECT {} FROM sharing_collections WHERE id = ?",
                                               kCollectionColumns),
                                   {std::string(id)}));
  if (!row) return NotFound("collection not found");
  std::vector<Collection> one{CollectionFromRow(*row)};
  FC_RETURN_IF_ERROR(FillRights(conn, principal, one));
  if (principal.org_id.empty()) return NotFound("collection not found");
  FC_ASSIGN_OR_RETURN(std::vector<std::string> groups,
                      identity::GroupIdsOfOrg(conn, principal.org_id));
  if (!IsMember(principal, groups, one[0])) return NotFound("collection not found");
  return std::move(one[0]);
}

stix::Timestamp NowMicros(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock.Now().time_since_epoch())
      .count();
}

}  // namespace internal

Json ToJson(const Collection& c) {
  Json out = {{"id", c.id},
              {"title", c.title},
              {"description", c.description},
              {"read_group_id", c.read_group_id},
              {"write_group_id", c.write_group_id},
              {"default_tlp", stix::TlpName(c.default_tlp)},
              {"created_at", c.created_at},
              {"can_read", c.can_read},
              {"can_write", c.can_write}};
  if (!c.alias.empty()) out["alias"] = c.alias;
  return out;
}

SharingService::SharingService(store::Database& db, const Clock& clock)
    : db_(db),
      clock_(clock),
      live_cache_(std::make_unique<internal::LiveCache>(internal::kLiveCacheObjects)) {}

SharingService::~SharingService() = default;

Result<Collection> SharingService::CreateCollection(const identity::Principal& principal,
                                                    const NewCollection& nc,
                                                    const RequestInfo& info) {
  FC_RETURN_IF_ERROR(identity::CheckCanWrite(principal));
  if (!identity::IsCurator(principal)) {
    return PermissionDenied("only the coordination office and ISAC analysts create collections");
  }
  std::vector<FieldProblem> problems;
  if (nc.title.empty() || nc.title.size() > 200) problems.push_back({"title", "1-200 bytes"});
  if (nc.description.size() > 2000) problems.push_back({"description", "longer than 2000 bytes"});
  const bool alias_ok =
      nc.alias.size() <= 64 && std::all_of(nc.alias.begin(), nc.alias.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
      });
  if (!alias_ok) problems.push_back({"alias", "at most 64 of a-z, 0-9, '-' and '_'"});
  if (!problems.empty()) {
    std::string message = "invalid collection:";
    for (const auto& p : problems) message += fmt::format(" {} {};", p.field, p.problem);
    message.pop_back();
    return InvalidArgument(std::move(message), std::move(problems));
  }
  return db_.TransactValue<Collection>([&](store::Connection& conn) -> Result<Collection> {
    for (const auto& [field, group_id] :
         {std::pair{"read_group_id", nc.read_group_id}, {"write_group_id", nc.write_group_id}}) {
      if (!identity::GetGroup(conn, principal, group_id).ok()) {
        return InvalidArgument(fmt::format("{}: no such trust group", field),
                               {{field, "no such trust group"}});
      }
    }
    FC_ASSIGN_OR_RETURN(auto taken,
                        conn.QueryOptional("SELECT 1 FROM sharing_collections WHERE title = ? OR "
                                           "(alias IS NOT NULL AND alias = ?)",
                                           {nc.title, nc.alias}));
    if (taken) return AlreadyExists("a collection with this title or alias exists");
    Collection c;
    c.id = NewUuid();
    c.title = nc.title;
    c.description = nc.description;
    c.alias = nc.alias;
    c.read_group_id = nc.read_group_id;
    c.write_group_id = nc.write_group_id;
    c.default_tlp = nc.default_tlp;
    c.created_at = FormatRfc3339(clock_.Now());
    FC_RETURN_IF_ERROR(conn.Execute(
        "INSERT INTO sharing_collections (id, title, description, alias, read_group_id, "
        "write_group_id, default_tlp, created_by_org, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "?)",
        {c.id, c.title, c.description,
         c.alias.empty() ? store::Value(nullptr) : store::Value(c.alias), c.read_group_id,
         c.write_group_id, static_cast<std::int64_t>(c.default_tlp), principal.org_id,
         c.created_at}));
    FC_RETURN_IF_ERROR(audit::Append(
        conn, clock_,
        {principal.user_id, principal.org_id, "sharing.collection_create", "collection", c.id,
         Json{{"title", c.title},
              {"read_group_id", c.read_group_id},
              {"write_group_id", c.write_group_id},
              {"default_tlp", stix::TlpName(c.default_tlp)}},
         info.remote_address, info.request_id}));
    std::vector<Collection> one{c};
    FC_RETURN_IF_ERROR(internal::FillRights(conn, principal, one));
    return std::move(one[0]);
  });
}

Result<std::vector<Collection>> SharingService::ListCollections(
    const identity::Principal& principal) {
  return db_.ReadValue<std::vector<Collection>>(
      [&](store::Connection& conn) -> Result<std::vector<Collection>> {
        std::vector<Collection> visible;
        if (principal.org_id.empty()) return visible;
        FC_ASSIGN_OR_RETURN(std::vector<std::string> groups,
                            identity::GroupIdsOfOrg(conn, principal.org_id));
        if (groups.empty()) return visible;
        store::Params params(groups.begin(), groups.end());
        internal::Append(params, store::Params(groups.begin(), groups.end()));
        FC_ASSIGN_OR_RETURN(
            auto rows,
            conn.Query(
                fmt::format("SELECT {} FROM sharing_collections WHERE read_group_id IN "
                            "({}) OR write_group_id IN ({}) ORDER BY title",
                            internal::kCollectionColumns, internal::Placeholders(groups.size()),
                            internal::Placeholders(groups.size())),
                params));
        for (const auto& row : rows) visible.push_back(internal::CollectionFromRow(row));
        FC_RETURN_IF_ERROR(internal::FillRights(conn, principal, visible));
        return visible;
      });
}

Result<std::int64_t> SharingService::CollectionDeletions(std::string_view collection_id) {
  return db_.ReadValue<std::int64_t>([&](store::Connection& conn) -> Result<std::int64_t> {
    FC_ASSIGN_OR_RETURN(auto row,
                        conn.QueryOne("SELECT deletions FROM sharing_collections WHERE id = ?",
                                      {std::string(collection_id)}, "collection"));
    return row.GetInt(0);
  });
}

Result<Collection> SharingService::GetCollection(const identity::Principal& principal,
                                                 std::string_view id) {
  return db_.ReadValue<Collection>([&](store::Connection& conn) -> Result<Collection> {
    return internal::LoadCollection(conn, principal, id);
  });
}

}  // namespace fincyber::sharing
