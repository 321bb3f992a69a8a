// The object browser's queries: search across readable collections, one object with
// its versions and relationships. Every query ANDs in the visibility rule, counts
// included.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "sharing/internal/common.h"
#include "sharing/service.h"

namespace fincyber::sharing {
namespace {

constexpr std::size_t kMaxSearchText = 200;
constexpr std::size_t kMaxLabel = 100;
constexpr int kMaxVersions = 1000;
constexpr int kMaxRelationships = 500;

constexpr std::string_view kColumns =
    "o.row_id, o.collection_id, o.stix_id, o.type, o.spec_version, o.version, o.date_added, "
    "o.tlp, o.revoked, o.author_org, o.body";
// How many columns kColumns names: a column selected after them is read at this index.
constexpr std::size_t kColumnCount = std::ranges::count(kColumns, ',') + 1;

StoredObject ReadObject(const store::Row& row) {
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
  return o;
}

// "type--uuid" with the characters STIX allows; anything else cannot name a stored
// object, and is safe inside a LIKE pattern.
bool LooksLikeStixId(std::string_view text) {
  const auto sep = text.find("--");
  if (sep == std::string_view::npos || sep < 3 || text.size() - sep - 2 != 36) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string LowerHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

// The observables the search text can be read as; several when it is ambiguous (a
// 40-digit hex string is a SHA-1, but not a SHA-256).
std::vector<stix::Observable> ObservablesOfText(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kForms[] = {
      {"ipv4-addr", "value"},      {"ipv6-addr", "value"},     {"email-addr", "value"},
      {"file", "hashes.'MD5'"},    {"file", "hashes.'SHA-1'"}, {"file", "hashes.'SHA-256'"},
      {"file", "hashes.'SHA-512'"}};
  std::vector<stix::Observable> out;
  for (const auto& [type, path] : kForms) {
    auto o = stix::NormaliseObservable(type, path, text);
    if (o.ok()) out.push_back(std::move(*o));
  }
  if (text.find("://") != std::string_view::npos) {
    auto o = stix::NormaliseObservable("url", "value", text);
    if (o.ok()) out.push_back(std::move(*o));
  } else if (text.find('.') != std::string_view::npos && text.find('@') == std::string_view::npos) {
    // A word without a dot is more likely text than a single-label domain name.
    auto o = stix::NormaliseObservable("domain-name", "value", text);
    if (o.ok()) out.push_back(std::move(*o));
  }
  return out;
}

std::string EscapeLike(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// The search's conditions beyond visibility and the cursor.
Status AddSearchFilters(const store::Connection& conn, const ObjectSearch& s, std::string& sql,
                        store::Params& params) {
  if (!s.collection_id.empty()) {
    sql += " AND o.collection_id = ?";
    params.push_back(s.collection_id);
  }
  if (!s.type.empty()) {
    sql += " AND o.type = ?";
    params.push_back(s.type);
  }
  if (s.tlp) {
    sql += " AND o.tlp = ?";
    params.push_back(static_cast<std::int64_t>(*s.tlp));
  }
  if (s.added_after) {
    sql += " AND o.date_added > ?";
    params.push_back(*s.added_after);
  }
  if (!s.label.empty()) {
    sql += conn.dialect() == store::Dialect::kSqlite
               ? " AND EXISTS (SELECT 1 FROM json_each(o.body, '$.labels') l WHERE l.value = ?)"
               : " AND (o.body::jsonb -> 'labels') @> jsonb_build_array(?::text)";
    params.push_back(s.label);
  }
  if (s.text.empty()) return OkStatus();
  if (LooksLikeStixId(s.text)) {
    sql += " AND o.stix_id = ?";
    params.push_back(s.text);
    return OkStatus();
  }
  const std::vector<stix::Observable> observables = ObservablesOfText(s.text);
  if (observables.empty()) {
    sql += " AND LOWER(o.body) LIKE ? ESCAPE '\\'";
    std::string lowered = s.text;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    params.push_back("%" + EscapeLike(lowered) + "%");
    return OkStatus();
  }
  std::vector<std::string> matches;
  for (const auto& o : observables) {
    matches.push_back("ob.key = ?");
    params.push_back(o.Key());
    if (!o.range_first.empty()) {
      // Address ranges that contain the one asked about.
      matches.push_back(
          "(ob.range_first <> '' AND ob.range_first <= ? AND ob.range_last >= ? AND ob.kind = ?)");
      params.insert(params.end(),
                    {LowerHex(o.range_first), LowerHex(o.range_last),
                     std::string(o.kind == stix::ObservableKind::kIpv4 ? "ipv4" : "ipv6")});
    }
  }
  sql += fmt::format(
      " AND o.row_id IN (SELECT oo.object_row FROM object_observables oo JOIN observables ob ON "
      "ob.id = oo.observable_id WHERE {})",
      fmt::join(matches, " OR "));
  return OkStatus();
}

}  // namespace

Result<SearchPage> SharingService::SearchObjects(const identity::Principal& principal,
                                                 const ObjectSearch& search) {
  if (search.limit < 1 || search.limit > kMaxPageSize) {
    return InvalidArgument(fmt::format("limit must be between 1 and {}", kMaxPageSize),
                           {{"limit", "out of range"}});
  }
  if (search.text.size() > kMaxSearchText) {
    return InvalidArgument("search text is too long", {{"q", "too long"}});
  }
  if (search.label.size() > kMaxLabel) {
    return InvalidArgument("label is too long", {{"label", "too long"}});
  }
  return db_.ReadValue<SearchPage>([&](store::Connection& conn) -> Result<SearchPage> {
    if (!search.collection_id.empty()) {
      FC_ASSIGN_OR_RETURN(Collection collection,
                          internal::LoadCollection(conn, principal, search.collection_id));
      if (!collection.can_read) return PermissionDenied("you may not read this collection");
    }
    const identity::OrgFilter visible = internal::VisibleObjects(principal);
    std::string where = fmt::format(" WHERE o.is_latest = 1 AND {}", visible.sql);
    store::Params params = visible.params;
    FC_RETURN_IF_ERROR(AddSearchFilters(conn, search, where, params));

    SearchPage page;
    FC_ASSIGN_OR_RETURN(auto count, conn.QueryOne(fmt::format("SELECT COUNT(*) FROM {}{}",
                                                              internal::kObjectsFrom, where),
                                                  params, "count"));
    page.total = count.GetInt(0);

    if (search.after_row) {
      where += " AND o.row_id < ?";
      params.push_back(*search.after_row);
    }
    params.push_back(static_cast<std::int64_t>(search.limit) + 1);
    FC_ASSIGN_OR_RETURN(auto rows,
                        conn.Query(fmt::format("SELECT {} FROM {}{} ORDER BY o.row_id DESC LIMIT ?",
                                               kColumns, internal::kObjectsFrom, where),
                                   params));
    page.more = rows.size() > static_cast<std::size_t>(search.limit);
    if (page.more) rows.pop_back();
    for (const auto& row : rows) page.objects.push_back(ReadObject(row));
    if (page.more) page.next_row = page.objects.back().row;
    return page;
  });
}

Result<ObjectDetail> SharingService::GetObjectDetail(const identity::Principal& principal,
                                                     std::string_view id) {
  if (!LooksLikeStixId(id)) return NotFound("object not found");
  return db_.ReadValue<ObjectDetail>([&](store::Connection& conn) -> Result<ObjectDetail> {
    const identity::OrgFilter visible = internal::VisibleObjects(principal);
    ObjectDetail detail;
    detail.id = std::string(id);

    store::Params params{detail.id};
    internal::Append(params, visible.params);
    params.push_back(std::int64_t{kMaxVersions});
    FC_ASSIGN_OR_RETURN(
        auto versions,
        conn.Query(fmt::format("SELECT {}, o.is_latest FROM {} WHERE o.stix_id = ? AND {} ORDER "
                               "BY o.collection_id, o.version DESC, o.row_id DESC LIMIT ?",
                               kColumns, internal::kObjectsFrom, visible.sql),
                   params));
    if (versions.empty()) return NotFound("object not found");
    internal::AuthorNames authors(principal);
    for (const auto& row : versions) {
      ObjectVersion version{ReadObject(row), {}, row.GetInt(kColumnCount) != 0};
      FC_ASSIGN_OR_RETURN(version.author, authors.Of(conn, version.author_org, version.tlp));
      detail.versions.push_back(std::move(version));
    }

    // The versions' rows are visible, so their warnings are too.
    store::Params rows;
    for (const auto& version : detail.versions) rows.push_back(version.row);
    FC_ASSIGN_OR_RETURN(
        auto warnings,
        conn.Query(fmt::format("SELECT object_row, list_name, entry FROM shared_object_warnings "
                               "WHERE object_row IN ({}) ORDER BY object_row, list_name",
                               internal::Placeholders(rows.size())),
                   rows));
    for (const auto& row : warnings) {
      detail.warnings.push_back({row.GetInt(0), row.GetString(1), row.GetString(2)});
    }

    // Relationships naming the object at either end, found through the indexed end
    // columns; every row still passes the visibility rule.
    params = {detail.id, detail.id};
    internal::Append(params, visible.params);
    params.push_back(std::int64_t{kMaxRelationships});
    FC_ASSIGN_OR_RETURN(
        auto relationships,
        conn.Query(fmt::format("SELECT {}, o.source_ref, o.target_ref FROM {} WHERE "
                               "(o.source_ref = ? OR o.target_ref = ?) AND o.type = "
                               "'relationship' AND o.is_latest = 1 AND {} ORDER BY o.row_id DESC "
                               "LIMIT ?",
                               kColumns, internal::kObjectsFrom, visible.sql),
                   params));
    std::set<std::string> other_ends;
    for (const auto& row : relationships) {
      const std::string source = row.IsNull(11) ? "" : row.GetString(11);
      const std::string target = row.IsNull(12) ? "" : row.GetString(12);
      const std::string& other = source == detail.id ? target : source;
      if (!other.empty() && other != detail.id) other_ends.insert(other);
      detail.relationships.push_back(ReadObject(row));
    }
    if (other_ends.empty()) return detail;

    params.assign(other_ends.begin(), other_ends.end());
    internal::Append(params, visible.params);
    FC_ASSIGN_OR_RETURN(
        auto related,
        conn.Query(fmt::format("SELECT {} FROM {} WHERE o.stix_id IN ({}) AND o.is_latest = 1 "
                               "AND {} ORDER BY o.stix_id, o.collection_id",
                               kColumns, internal::kObjectsFrom,
                               internal::Placeholders(other_ends.size()), visible.sql),
                   params));
    for (const auto& row : related) detail.related.push_back(ReadObject(row));
    return detail;
  });
}

}  // namespace fincyber::sharing
