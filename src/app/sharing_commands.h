// The sharing hub's operator commands: `fincyber collection add|list`, `fincyber import`
// (STIX bundle, MISP feed folder or CSV of indicators into a collection, streamed and
// stored in batches through SharingService::AddObjects as a named user) and `fincyber
// export` (a collection as a bundle, CSV, Suricata rules or a Zeek Intel file, as a named
// user sees it) and `fincyber hub sync` (federation: pull a remote hub's TAXII collection
// into a local one, incrementally).
//
// Exit codes: 0 done; 1 refused or failed (permission, storage, remote authentication);
// 2 bad input (a flag, a file that is not what it claims); 3 not found (user,
// collection, file); 4 the remote hub is unreachable; 5 the import, export or sync
// finished but some objects were refused or left out (each one is named).
// Command-line syntax errors caught by the parser itself exit with CLI11's codes (100
// and above).
#pragma once

namespace CLI {
class App;
}

namespace fincyber::app {

// Registers the commands on `cli`; when one runs, its exit code is stored in `exit_code`.
void AddSharingCommands(CLI::App& cli, int& exit_code);

}  // namespace fincyber::app
