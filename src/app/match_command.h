// `fincyber match`: indicators from STIX bundles, CSV files or a TAXII collection
// compiled into a matcher, logs scanned (or followed as they grow), a JSON line per
// match, a STIX bundle of sightings written and/or posted to the hub.
//
// Exit codes, for scripts (the first that applies):
//   2  a usage or indicator problem: nothing scanned
//   4  no indicator set: the TAXII source failed (unreachable, refused, malformed) and no
//      saved state exists
//   3  some log input could not be read to its end, or the scan was stopped by a signal
//      before the end (follow mode ends that way normally); what was read is reported
//   5  the sightings could not be posted to the hub (they are written to a file instead)
//   1  matches found (as grep)
//   0  no match
// Command-line syntax errors caught by the parser itself exit with CLI11's codes (100
// and above).
#pragma once

namespace CLI {
class App;
}

namespace fincyber::app {

// Registers the command on `cli`; when it runs, its exit code is stored in `exit_code`.
void AddMatchCommand(CLI::App& cli, int& exit_code);

}  // namespace fincyber::app
