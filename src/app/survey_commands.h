// The survey's operator commands, acting with the coordination office's authority:
//   fincyber survey bank import FILE [--format yaml|json|oscal_xml|oscal_json]
//                               [--bank-id ID --version V (OSCAL)] | --mission
//   fincyber survey bank publish ID
//   fincyber survey bank list
//   fincyber survey campaign open --bank ID --year N --title-ja .. --title-en ..
//                                 --category CODE... --deadline RFC3339 [--opens-at ..]
//   fincyber survey campaign close ID
//   fincyber survey campaign list
//   fincyber survey status --campaign ID      progress per institution
// Without --format, FILE's extension decides (.yaml/.yml, .xml is an OSCAL catalog, .json
// a bank unless its top level holds an OSCAL "catalog").
//
// Exit codes: 0 done; 1 refused (permission, state); 2 bad input (a flag, a bank with
// problems, each listed); 3 not found; 4 database unavailable.
#pragma once

namespace CLI {
class App;
}

namespace fincyber::app {

// Registers `survey` on `cli`; when a command runs, its exit code is stored in `exit_code`.
void AddSurveyCommands(CLI::App& cli, int& exit_code);

}  // namespace fincyber::app
