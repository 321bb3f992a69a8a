// `fincyber match`: indicators from STIX bundles or CSV files compiled into a matcher,
// logs scanned, a JSON line per match and a STIX bundle of sightings written.
//
// Exit codes: 0 no match, 1 matches found, 2 a usage or indicator-file problem (nothing
// scanned), 3 some log input could not be read to its end (what was read is reported,
// matches included). Command-line syntax errors caught by the parser itself exit with
// CLI11's codes (100 and above).
#pragma once

namespace CLI {
class App;
}

namespace fincyber::app {

// Registers the command on `cli`; when it runs, its exit code is stored in `exit_code`.
void AddMatchCommand(CLI::App& cli, int& exit_code);

}  // namespace fincyber::app
