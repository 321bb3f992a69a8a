#include "app/command_options.h"

namespace fincyber::app {

void AddCommonOptions(CLI::App* cmd, CommonOptions& common, bool with_format) {
  cmd->add_option("--config", common.config_file, "TOML configuration file")
      ->check(CLI::ExistingFile);
  cmd->add_option("--database", common.database,
                  "SQLite file or postgresql:// URL (default fincyber.db)");
  if (with_format) {
    cmd->add_option("--format", common.format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
  }
}

Result<Config> ResolveConfig(const CommonOptions& common) {
  Config config;
  if (!common.config_file.empty()) {
    FC_ASSIGN_OR_RETURN(config, LoadConfigFile(common.config_file));
  }
  if (!common.database.empty()) config.database = common.database;
  return config;
}

Result<std::unique_ptr<Platform>> OpenPlatform(const CommonOptions& common) {
  FC_ASSIGN_OR_RETURN(auto config, ResolveConfig(common));
  return Platform::Open(config);
}

OutputFormat FormatOf(const CommonOptions& common) {
  return common.format == "json" ? OutputFormat::kJson : OutputFormat::kTable;
}

}  // namespace fincyber::app
