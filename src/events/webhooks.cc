// Webhook registration and management. Who may manage an organisation's webhooks is
// decided by identity's access policy: whoever manages its users, since a webhook
// sends the organisation's events out of the platform.
#include <fmt/format.h>

#include <cctype>

#include "base/ascii.h"
#include "base/crypto.h"
#include "events/events.h"
#include "events/internal/schema.h"
#include "identity/access.h"
#include "identity/directory.h"

namespace fincyber::events {
namespace {

constexpr std::size_t kMaxUrlLength = 2048;
constexpr std::size_t kMaxEventTypes = 50;
constexpr std::size_t kMaxEventTypeLength = 100;
constexpr std::size_t kSecretBytes = 32;

Status CheckCanManage(const identity::Principal& principal, std::string_view org_id) {
  if (!identity::CheckCanManageUsers(principal, org_id).ok()) {
    return PermissionDenied("you may not manage webhooks of this organisation");
  }
  return OkStatus();
}

Error BadUrl(std::string problem) {
  return InvalidArgument("invalid webhook URL", {{"url", std::move(problem)}});
}

Status ValidateUrl(std::string_view url) {
  if (url.empty()) return BadUrl("required");
  if (url.size() > kMaxUrlLength) {
    return BadUrl(fmt::format("longer than {} characters", kMaxUrlLength));
  }
  for (const char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) return BadUrl("contains spaces or non-ASCII characters");
  }
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return BadUrl("must be an http or https URL");
  const std::string scheme = AsciiLower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return BadUrl("must be an http or https URL");
  const std::string_view rest = url.substr(scheme_end + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return BadUrl("must not contain credentials");
  }
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {  // IPv6 literal
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl("malformed host");
    host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return BadUrl("malformed host");
      port = after.substr(1);
      if (port.empty()) return BadUrl("malformed port");
    }
  } else if (const std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return BadUrl("malformed port");
  }
  if (host.empty() || host == "[]") return BadUrl("missing host");
  if (port.size() > 5) return BadUrl("malformed port");
  int port_number = 0;
  for (const char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return BadUrl("malformed port");
    port_number = port_number * 10 + (c - '0');
  }
  if (!port.empty() && (port_number < 1 || port_number > 65535)) {
    return BadUrl("malformed port");
  }
  return OkStatus();
}

// Exact names ("case.opened") or prefixes ("case.*"): lower-case letters, digits,
// '_', '-' and '.'.
Status ValidateEventTypes(const std::vector<std::string>& types) {
  if (types.size() > kMaxEventTypes) {
    return InvalidArgument("too many event types",
                           {{"event_types", fmt::format("at most {}", kMaxEventTypes)}});
  }
  for (const std::string& type : types) {
    std::string_view name = type;
    if (name.ends_with(".*")) name.remove_suffix(2);
    bool ok = !name.empty() && type.size() <= kMaxEventTypeLength;
    for (const char c : name) {
      ok = ok && (std::islower(static_cast<unsigned char>(c)) ||
                  std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
    }
    if (!ok) {
      return InvalidArgument("invalid event type",
                             {{"event_types", "expected names like case.opened or case.*"}});
    }
  }
  return OkStatus();
}

constexpr std::string_view kWebhookColumns = "id, org_id, url, event_types, all_orgs, created_at";

Result<Webhook> WebhookFromRow(const store::Row& row) {
  Webhook hook;
  hook.id = row.GetString(0);
  hook.org_id = row.GetString(1);
  hook.url = row.GetString(2);
  FC_ASSIGN_OR_RETURN(hook.event_types, internal::DecodeEventTypes(row.GetString(3)));
  hook.all_orgs = row.GetInt(4) != 0;
  hook.created_at = row.GetString(5);
  return hook;
}

}  // namespace

Result<std::pair<Webhook, std::string>> RegisterWebhook(store::Connection& conn, const Clock& clock,
                                                        const identity::Principal& principal,
                                                        const NewWebhook& hook) {
  FC_RETURN_IF_ERROR(CheckCanManage(principal, hook.org_id));
  FC_RETURN_IF_ERROR(ValidateUrl(hook.url));
  FC_RETURN_IF_ERROR(ValidateEventTypes(hook.event_types));
  Webhook webhook{.id = NewUuid(),
                  .org_id = hook.org_id,
                  .url = hook.url,
                  .event_types = hook.event_types,
                  .all_orgs = false,
                  .created_at = FormatRfc3339(clock.Now())};
  std::string secret = RandomToken(kSecretBytes);
  FC_ASSIGN_OR_RETURN(const identity::Org org, identity::GetOrg(conn, principal, hook.org_id));
    // The regulator oversees the whole sector, so its webhooks carry every event.
    webhook.all_orgs = org.kind == identity::OrgKind::kRegulator;
    // Events already in the outbox predate the hook and are not sent to it. The
    // outbox lock orders this read after every publishing transaction that committed
    // before it and before every later one.
    FC_RETURN_IF_ERROR(conn.LockExclusive("events_outbox"));
    FC_ASSIGN_OR_RETURN(
        auto newest, conn.QueryOne("SELECT COALESCE(MAX(id), 0) FROM events_outbox", {}, "outbox"));
    FC_RETURN_IF_ERROR(conn.Execute(
        "INSERT INTO events_webhooks (id, org_id, url, secret, event_types, all_orgs, "
        "from_event_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {webhook.id, webhook.org_id, webhook.url, secret,
         internal::EncodeEventTypes(webhook.event_types), std::int64_t{webhook.all_orgs ? 1 : 0},
         newest.GetInt(0), webhook.created_at}));
  return std::make_pair(std::move(webhook), std::move(secret));
}

Result<std::vector<Webhook>> ListWebhooks(store::Database& db,
                                          const identity::Principal& principal) {
  FC_RETURN_IF_ERROR(CheckCanManage(principal, principal.org_id));
  return db.ReadValue<std::vector<Webhook>>(
      [&](store::Connection& conn) -> Result<std::vector<Webhook>> {
        FC_ASSIGN_OR_RETURN(auto rows, conn.Query(fmt::format("SELECT {} FROM events_webhooks "
                                                              "ORDER BY created_at, id",
                                                              kWebhookColumns)));
        std::vector<Webhook> hooks;
        for (const store::Row& row : rows) {
          FC_ASSIGN_OR_RETURN(Webhook hook, WebhookFromRow(row));
          // Few hooks exist, so the policy is asked per row rather than as SQL.
          if (CheckCanManage(principal, hook.org_id).ok()) hooks.push_back(std::move(hook));
        }
        return hooks;
      });
}

Status DeleteWebhook(store::Connection& conn, const identity::Principal& principal,
                     std::string_view id) {
  FC_RETURN_IF_ERROR(CheckCanManage(principal, principal.org_id));
  FC_ASSIGN_OR_RETURN(auto row, conn.QueryOptional("SELECT org_id FROM events_webhooks "
                                                   "WHERE id = ?",
                                                   {std::string(id)}));
  // Another organisation's hook is reported as absent, not forbidden, so its
  // existence is not revealed.
  if (!row || !CheckCanManage(principal, row->GetString(0)).ok()) {
    return NotFound("webhook not found");
  }
  FC_RETURN_IF_ERROR(
      conn.Execute("DELETE FROM events_deliveries WHERE webhook_id = ?", {std::string(id)}));
  FC_RETURN_IF_ERROR(conn.Execute("DELETE FROM events_webhooks WHERE id = ?", {std::string(id)}));
  return OkStatus();
}

}  // namespace fincyber::events
