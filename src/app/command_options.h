// What every command that opens the platform takes: where the configuration and the
// database are, and for list commands how to print.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "app/config.h"
#include "app/output.h"
#include "app/platform.h"
#include "base/result.h"

namespace fincyber::app {

struct CommonOptions {
  std::string config_file;
  std::string database;
  std::string format = "table";
};

// --config and --database; --format (table or json) when `with_format`.
void AddCommonOptions(CLI::App* cmd, CommonOptions& common, bool with_format = false);

// The configuration file's settings, with --database over the file's.
Result<Config> ResolveConfig(const CommonOptions& common);

Result<std::unique_ptr<Platform>> OpenPlatform(const CommonOptions& common);

OutputFormat FormatOf(const CommonOptions& common);

}  // namespace fincyber::app
