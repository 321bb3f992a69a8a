// fincyber: one program, many commands. This file only parses the command line and
// calls into Platform and the modules; it holds no domain logic.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "app/command_options.h"
#include "app/config.h"
#include "app/demo_seed.h"
#include "app/demo_sharing_seed.h"
#include "app/demo_survey_seed.h"
#include "app/match_command.h"
#include "app/output.h"
#include "app/platform.h"
#include "app/sharing_commands.h"
#include "app/survey_commands.h"
#include "audit/audit.h"
#include "base/crypto.h"
#include "base/log.h"

namespace fincyber::app {
namespace {

const accounts::RequestInfo kCli{"cli", ""};
const identity::Principal kOperator = identity::OperatorPrincipal();

int RunServe(const CommonOptions& common, Config overrides, bool listen_set) {
  auto config = ResolveConfig(common);
  if (!config.ok()) return Fail(config.error());
  if (listen_set) config->listen = overrides.listen;
  if (!overrides.static_dir.empty()) config->static_dir = overrides.static_dir;
  if (!overrides.tls_certificate.empty()) config->tls_certificate = overrides.tls_certificate;
  if (!overrides.tls_private_key.empty()) config->tls_private_key = overrides.tls_private_key;
  if (overrides.threads > 0) config->threads = overrides.threads;
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  BlockTerminationSignals();
  auto platform = Platform::Open(*config);
  if (!platform.ok()) return Fail(platform.error());
  Status served = (*platform)->Serve(*config, [&](std::uint16_t port) {
    auto listen = ParseListen(config->listen);
    const bool tls = !config->tls_certificate.empty();
    std::cout << "listening on " << (tls ? "https" : "http") << "://"
              << (listen.ok() ? listen->host : "127.0.0.1") << ":" << port << std::endl;
  });
  return served.ok() ? 0 : Fail(served.error());
}

int RunDemo(Config config, const std::string& password_flag, bool keep) {
  BlockTerminationSignals();
  std::error_code ec;
  const bool existed = std::filesystem::exists(config.database, ec);
  if (existed && !keep) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(config.database + suffix, ec);
    }
  }
  auto platform = Platform::Open(config);
  if (!platform.ok()) return Fail(platform.error());
  if (!existed || !keep) {
    const char* env_password = std::getenv("FINCYBER_DEMO_PASSWORD");
    const std::string password = !password_flag.empty() ? password_flag
                                 : env_password         ? env_password
                                                        : RandomToken(12);
    // Demo users are hashed cheaply so seeding 250 of them takes a second, not minutes.
    (*platform)->accounts().UseFastPasswordHashing();
    auto logins = SeedDemoSector((*platform)->accounts(), password);
    if (!logins.ok()) return Fail(logins.error());
    auto hub = SeedDemoSharing((*platform)->accounts(), (*platform)->sharing(),
                               (*platform)->clock());
    if (!hub.ok()) return Fail(hub.error());
    auto survey = SeedDemoSurvey((*platform)->accounts(), (*platform)->survey(),
                                 (*platform)->clock());
    if (!survey.ok()) return Fail(survey.error());
    std::cout << "demo sector created in " << config.database << "\n"
              << "demo logins (password for every user: " << password << ")\n";
    Json rows = Json::array();
    for (const auto& l : *logins) {
      rows.push_back({{"username", l.username}, {"role", l.role}, {"organisation", l.org_name}});
    }
    PrintRows(std::cout, {"username", "role", "organisation"}, rows, OutputFormat::kTable);
    std::cout << "every institution has <code>.admin and <code>.member "
                 "(mb01..mb05, rb01..rb25, sec01..sec15, ...)\n"
              << "sharing hub: " << hub->groups << " trust groups, " << hub->collections
              << " collections, " << hub->objects << " STIX objects\n"
              << "survey: " << survey->campaigns << " campaigns (last year's closed), "
              << survey->answers << " answers, " << survey->submitted << " submissions\n";
  } else {
    std::cout << "using the existing demo database " << config.database << "\n";
  }
  Status served = (*platform)->Serve(config, [&](std::uint16_t port) {
    auto listen = ParseListen(config.listen);
    std::cout << "listening on http://" << (listen.ok() ? listen->host : "127.0.0.1") << ":"
              << port << std::endl;
  });
  return served.ok() ? 0 : Fail(served.error());
}

}  // namespace

int Main(int argc, char** argv) {
  if (!InitCrypto().ok()) {
    std::cerr << "error: libsodium failed to initialise\n";
    return 1;
  }
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  CLI::App cli{"fincyber: the financial sector's cyber-resilience platform"};
  cli.require_subcommand(1);
  CommonOptions common;
  int exit_code = 0;

  // serve
  Config serve_flags;
  serve_flags.threads = 0;
  auto* serve = cli.add_subcommand("serve", "Serve the REST API, TAXII API and web UI");
  AddCommonOptions(serve, common);
  auto* listen_opt = serve->add_option("--listen", serve_flags.listen, "HOST:PORT to listen on");
  serve->add_option("--static-dir", serve_flags.static_dir, "web UI folder (default web/dist)");
  serve->add_option("--tls-cert", serve_flags.tls_certificate, "PEM certificate chain file");
  serve->add_option("--tls-key", serve_flags.tls_private_key, "PEM private key file");
  serve->add_option("--threads", serve_flags.threads, "HTTP worker threads")
      ->check(CLI::Range(1, 256));
  serve->callback([&] { exit_code = RunServe(common, serve_flags, listen_opt->count() > 0); });

  // demo
  Config demo_config;
  demo_config.database = "fincyber-demo.db";
  std::string demo_password;
  bool demo_keep = false;
  auto* demo = cli.add_subcommand("demo", "Serve a fresh SQLite database seeded with a demo sector");
  demo->add_option("--database", demo_config.database, "SQLite file to create")
      ->capture_default_str();
  demo->add_option("--listen", demo_config.listen, "HOST:PORT")->capture_default_str();
  demo->add_option("--static-dir", demo_config.static_dir, "web UI folder (default web/dist)");
  demo->add_option("--demo-password", demo_password,
                   "password of every demo user (default: random, printed)");
  demo->add_flag("--keep", demo_keep, "reuse the database if it exists instead of recreating it");
  std::string demo_settings;
  demo->add_option("--config", demo_settings,
                   "TOML settings as serve reads them; database, listen and static dir stay the "
                   "demo's");
  demo->callback([&] {
    Config config = demo_config;
    if (!demo_settings.empty()) {
      auto loaded = LoadConfigFile(demo_settings);
      if (!loaded.ok()) return void(exit_code = Fail(loaded.error()));
      config = *loaded;
      config.database = demo_config.database;
      config.listen = demo_config.listen;
      if (!demo_config.static_dir.empty()) config.static_dir = demo_config.static_dir;
    }
    exit_code = RunDemo(config, demo_password, demo_keep);
  });

  // migrate
  auto* migrate = cli.add_subcommand("migrate", "Create or upgrade the database schema");
  AddCommonOptions(migrate, common);
  migrate->callback([&] {
    auto config = ResolveConfig(common);
    if (!config.ok()) return void(exit_code = Fail(config.error()));
    auto db = store::Database::Open(config->database);
    if (!db.ok()) return void(exit_code = Fail(db.error()));
    auto report = store::Migrate(**db, AllMigrations());
    if (!report.ok()) return void(exit_code = Fail(report.error()));
    std::cout << "applied " << report->applied << " migration(s); " << report->already_applied
              << " already applied\n";
  });

  // org add | update | list
  auto* org = cli.add_subcommand("org", "Manage organisations");
  org->require_subcommand(1);
  identity::NewOrg new_org;
  std::string org_kind = "institution", org_sector, org_parent;
  auto* org_add = org->add_subcommand("add", "Add an organisation");
  AddCommonOptions(org_add, common);
  org_add->add_option("--kind", org_kind, "regulator, bureau, isac or institution")
      ->check(CLI::IsMember({"regulator", "bureau", "isac", "institution"}))
      ->capture_default_str();
  org_add->add_option("--sector", org_sector, "business category code, e.g. regional_bank");
  org_add->add_option("--name-ja", new_org.name_ja, "Japanese name")->required();
  org_add->add_option("--name-en", new_org.name_en, "English name")->required();
  org_add->add_option("--parent", org_parent, "parent organisation id (bureaus)");
  std::string org_size_tier;
  org_add
      ->add_option("--size-tier", org_size_tier,
                   "institutions: small, medium or large (default: the category's)")
      ->check(CLI::IsMember({"small", "medium", "large"}));
  org_add->callback([&] {
    auto platform = OpenPlatform(common);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    new_org.kind = *identity::ParseOrgKind(org_kind);
    if (!org_sector.empty()) new_org.sector = org_sector;
    if (!org_parent.empty()) new_org.parent_id = org_parent;
    if (!org_size_tier.empty()) new_org.size_tier = org_size_tier;
    auto created = (*platform)->accounts().CreateOrg(kOperator, new_org, kCli);
    if (!created.ok()) return void(exit_code = Fail(created.error()));
    std::cout << created->id << "\n";
  });
  std::string org_update_id, org_update_tier;
  auto* org_update = org->add_subcommand("update", "Change an institution's size tier");
  AddCommonOptions(org_update, common);
  org_update->add_option("ID", org_update_id, "organisation id")->required();
  org_update
      ->add_option("--size-tier", org_update_tier,
                   "small, medium, large, or default (the category's)")
      ->check(CLI::IsMember({"small", "medium", "large", "default"}))
      ->required();
  org_update->callback([&] {
    auto platform = OpenPlatform(common);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    std::optional<std::string> tier;
    if (org_update_tier != "default") tier = org_update_tier;
    auto updated = (*platform)->accounts().SetOrgSizeTier(kOperator, org_update_id, tier, kCli);
    if (!updated.ok()) return void(exit_code = Fail(updated.error()));
    std::cout << updated->id << " "
              << identity::EffectiveSizeTier(updated->size_tier, updated->sector) << "\n";
  });
  identity::OrgQuery org_query;
  org_query.limit = 1000;
  std::string org_list_kind;
  std::string org_list_sector;
  auto* org_list = org->add_subcommand("list", "List organisations");
  AddCommonOptions(org_list, common, true);
  org_list->add_option("--kind", org_list_kind, "filter by kind");
  org_list->add_option("--sector", org_list_sector, "filter by business category");
  org_list->add_option("--search", org_query.text, "text in either name");
  org_list->callback([&] {
    auto platform = OpenPlatform(common);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    if (!org_list_kind.empty()) {
      org_query.kind = identity::ParseOrgKind(org_list_kind);
      if (!org_query.kind) return void(exit_code = Fail(InvalidArgument("unknown --kind")));
    }
    if (!org_list_sector.empty()) org_query.sector = org_list_sector;
    auto page = (*platform)->accounts().ListOrgs(kOperator, org_query);
    if (!page.ok()) return void(exit_code = Fail(page.error()));
    Json rows = Json::array();
    for (const auto& o : page->items) rows.push_back(identity::ToJson(o));
    PrintRows(std::cout, {"id", "kind", "sector", "size_tier", "name_ja", "name_en"}, rows,
              FormatOf(common));
  });

  // group add | list | member-add | member-remove
  auto* group = cli.add_subcommand("group", "Manage trust groups (who information is shared with)");
  group->require_subcommand(1);
  identity::NewTrustGroup new_group;
  auto* group_add = group->add_subcommand("add", "Add a trust group; prints its id");
  AddCommonOptions(group_add, common);
  group_add->add_option("--name-ja", new_group.name_ja, "Japanese name")->required();
  group_add->add_option("--name-en", new_group.name_en, "English name")->required();
  group_add->add_option("--description", new_group.description, "what the group is for");
  group_add->add_option("--member", new_group.member_org_ids, "member organisation id (repeat)");
  group_add->callback([&] {
    auto platform = OpenPlatform(common);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto created = (*platform)->accounts().CreateGroup(kOperator, new_group, kCli);
    if (!created.ok()) return void(exit_code = Fail(created.error()));
    std::cout << created->id << "\n";
  });
  auto* group_list = group->add_subcommand("list", "List trust groups with their member count");
  AddCommonOptions(group_list, common, true);
  group_list->callback([&] {
    auto platform = OpenPlatform(common);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto groups = (*platform)->accounts().ListGroups(kOperator);
    if (!groups.ok()) return void(exit_code = Fail(groups.error()));
    Json rows = Json::array();
    for (const auto& g : *groups) {
      Json row = identity::ToJson(g);
      row["members"] = g.member_org_ids.size();
      rows.push_back(std::move(row));
    }
    PrintRows(std::cout, {"id", "name_ja", "name_en", "members"}, rows, FormatOf(common));
  });
  std::string member_group, member_org;
  for (const bool adding : {true, false}) {
    auto* change = group->add_subcommand(
        adding ? "member-add" : "member-remove",
        adding ? "Add an organisation to a trust group" : "Remove an organisation from a trust group");
    AddCommonOptions(change, common);
    change->add_option("--group", member_group, "trust group id")->required();
    change->add_option("--org", member_org, "organisation id")->required();
    change->callback([&, adding] {
      auto platform = OpenPlatform(common);
      if (!platform.ok()) return void(exit_code = Fail(platform.error()));
      auto& accounts = (*platform)->accounts();
      Status changed = adding ? accounts.AddGroupMember(kOperator, member_group, member_org, kCli)
                              : accounts.RemoveGroupMember(kOperator, member_group, member_org,
                                                           kCli);
      if (!changed.ok()) return void(exit_code = Fail(changed.error()));
    });
  }

  // user add | list | disable
  auto* user = cli.add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  identity::NewUser new_user;
  std::string user_role = "institution_member";
  bool password_stdin = false;
  auto* user_add = user->add_subcommand("add", "Add a user (prints a generated password "
                                                "unless --password-stdin)");
  AddCommonOptions(user_add, common);
  user_add->add_option("--org", new_user.org_id, "organisation id")->required();
  user_add->add_option("--username", new_user.username, "login name")->required();
  user_add->add_option("--display-name", new_user.display_name, "name shown")->required();
  user_add->add_option("--role", user_role, "role, e.g. institution_admin")->capture_default_str();
  user_add->add_option("--locale", new_user.locale, "ja or en")->capture_default_str();
  user_add->add_flag("--password-stdin", password_stdin, "read the password from stdin");
  user_add->callback([&] {
    auto role = identity::ParseRole(user_role);
    if (!role) return void(exit_code = Fail(InvalidArgument("unknown --role " + user_role)));
    new_user.role = *role;
    bool generated = false;
    if (password_stdin) {
      std::getline(std::cin, new_user.password);
    } else {
      new_user.password = RandomToken(15);
      generated = true;
    }
    auto platform = OpenPlatform(common);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto created = (*platform)->accounts().CreateUser(kOperator, new_user, kCli);
    if (!created.ok()) return void(exit_code = Fail(created.error()));
    std::cout << created->id << "\n";
    if (generated) std::cout << "password: " << new_user.password << "\n";
  });
  std::string user_list_org;
  auto* user_list = user->add_subcommand("list", "List the users of an organisation");
  AddCommonOptions(user_list, common, true);
  user_list->add_option("--org", user_list_org, "organisation id")->required();
  user_list->callback([&] {
    auto platform = OpenPlatform(common);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto page = (*platform)->accounts().ListUsers(kOperator, user_list_org);
    if (!page.ok()) return void(exit_code = Fail(page.error()));
    Json rows = Json::array();
    for (const auto& u : page->items) rows.push_back(identity::ToJson(u));
    PrintRows(std::cout, {"id", "username", "display_name", "role", "disabled", "last_login_at"},
              rows, FormatOf(common));
  });
  std::string disable_username;
  auto* user_disable = user->add_subcommand("disable", "Disable a user and end their access");
  AddCommonOptions(user_disable, common);
  user_disable->add_option("username", disable_username, "login name")->required();
  user_disable->callback([&] {
    auto platform = OpenPlatform(common);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto found = (*platform)->db().ReadValue<identity::User>([&](store::Connection& c) {
      return identity::FindUserByUsername(c, kOperator, disable_username);
    });
    if (!found.ok()) return void(exit_code = Fail(found.error()));
    auto disabled = (*platform)->accounts().DisableUser(kOperator, found->id, kCli);
    if (!disabled.ok()) return void(exit_code = Fail(disabled.error()));
    std::cout << "disabled " << disabled->username << "\n";
  });

  // token create | revoke
  auto* token = cli.add_subcommand("token", "Manage API tokens for machine clients");
  token->require_subcommand(1);
  std::string token_user, token_name, token_expires, token_id;
  auto* token_create = token->add_subcommand(
      "create", "Create an API token; the token is printed once, on the last line");
  AddCommonOptions(token_create, common);
  token_create->add_option("--user", token_user, "username the token acts as")->required();
  token_create->add_option("--name", token_name, "what the token is for")->required();
  token_create->add_option("--expires", token_expires, "RFC 3339 expiry time");
  token_create->callback([&] {
    std::optional<TimePoint> expires;
    if (!token_expires.empty()) {
      expires = ParseRfc3339(token_expires);
      if (!expires) {
        return void(exit_code = Fail(InvalidArgument("--expires must be RFC 3339")));
      }
    }
    auto platform = OpenPlatform(common);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto found = (*platform)->db().ReadValue<identity::User>([&](store::Connection& c) {
      return identity::FindUserByUsername(c, kOperator, token_user);
    });
    if (!found.ok()) return void(exit_code = Fail(found.error()));
    auto created =
        (*platform)->accounts().CreateToken(kOperator, found->id, token_name, expires, kCli);
    if (!created.ok()) return void(exit_code = Fail(created.error()));
    std::cout << "token id: " << created->first.id << "\n" << created->second << "\n";
  });
  auto* token_revoke = token->add_subcommand("revoke", "Revoke an API token");
  AddCommonOptions(token_revoke, common);
  token_revoke->add_option("id", token_id, "token id")->required();
  token_revoke->callback([&] {
    auto platform = OpenPlatform(common);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    Status revoked = (*platform)->accounts().RevokeToken(kOperator, token_id, kCli);
    if (!revoked.ok()) return void(exit_code = Fail(revoked.error()));
    std::cout << "revoked " << token_id << "\n";
  });

  // audit verify
  auto* audit_cmd = cli.add_subcommand("audit", "Audit log");
  audit_cmd->require_subcommand(1);
  auto* verify = audit_cmd->add_subcommand(
      "verify", "Check the audit log's hash chain; exit 1 and name each broken entry");
  AddCommonOptions(verify, common);
  verify->callback([&] {
    auto platform = OpenPlatform(common);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto report = audit::Verify((*platform)->db());
    if (!report.ok()) return void(exit_code = Fail(report.error()));
    for (const auto& p : report->problems) {
      std::cout << "entry " << p.seq << ": " << p.kind << ": " << p.message << "\n";
    }
    std::cout << report->checked << " entries checked; "
              << (report->ok() ? "chain intact" : "CHAIN BROKEN") << "\n";
    if (!report->ok()) exit_code = 1;
  });

  AddMatchCommand(cli, exit_code);
  AddSharingCommands(cli, exit_code);
  AddSurveyCommands(cli, exit_code);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help (code 0) or the usage error; every usage error is bad input
    // to a script, whatever CLI11's own number for it.
    return cli.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace fincyber::app

int main(int argc, char** argv) { return fincyber::app::Main(argc, argv); }
