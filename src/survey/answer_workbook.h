// An institution's questionnaire as an XLSX workbook and back, so that the spreadsheet
// workflow still works: export the questions with the current answers, fill them in
// Excel or LibreOffice, import the workbook (SurveyService::ImportAnswers).
//
// Layout (Japanese or English): a sheet "回答" / "Answers" with one row per item, in the
// bank's order: item id, section, question, answer type, how to answer (levels, range,
// choices, guidance), whether it is asked given the current answers, the answer and the
// comment (the only unlocked columns; choice, yes/no and maturity answers have a drop-down
// list), and the answer's version when exported. A sheet "説明" / "Read me" names the
// campaign and institution the workbook belongs to and states the rules below.
//
// Import rules: an empty answer or comment cell leaves what is stored; the marker
// "（消去）" or "(clear)" clears it. Answers are read from labels or codes in either
// language (はい / yes, 該当なし / not applicable, a choice's label or id; several choices
// separated by ';'). Cells holding a formula are refused (a saved result can differ from
// what Excel shows), as are rows without an item id. A row whose answer changed since
// the export (its version differs) is refused rather than overwriting the newer answer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "documents/cell_value.h"
#include "survey/bank.h"

namespace fincyber::survey {

struct Questionnaire;

enum class WorkbookLanguage { kJapanese, kEnglish };
// "ja", "en".
std::optional<WorkbookLanguage> ParseWorkbookLanguage(std::string_view code);

// Largest workbook accepted for import (the export of a 2,000-item bank is ~200 KB).
inline constexpr std::size_t kMaxAnswerWorkbookBytes = std::size_t{8} << 20;

// The questionnaire as a workbook. InvalidArgument only for texts Excel cannot hold.
Result<std::string> WriteAnswerWorkbook(const Questionnaire& questionnaire,
                                        WorkbookLanguage language);

// One row of the answers sheet as the user left it.
struct AnswerWorkbookRow {
  std::string sheet;
  std::uint32_t row = 0;  // as Excel numbers it: the header is row 1
  std::string item_id;
  documents::CellValue answer;   // empty: leave the stored answer
  documents::CellValue comment;  // empty: leave the stored comment
  std::int64_t version = 0;      // of the answer when exported; 0: none then
  std::string problem;           // why the row cannot be read (English); empty when it can
  std::string problem_code;      // the same as a code (problems.h)
};

struct AnswerWorkbookRows {
  std::string campaign_id;  // from the read-me sheet
  std::string org_id;
  std::vector<AnswerWorkbookRow> rows;
};

// Reads a workbook written by WriteAnswerWorkbook and edited by a user, under the XLSX
// reader's caps (documents/xlsx_reader.h) sized for answer workbooks. Row problems are
// returned with the rows; InvalidArgument for a file that is not such a workbook (not
// XLSX, no answers or read-me sheet, other columns); TooLarge (base/too_large.h) past the
// caps.
Result<AnswerWorkbookRows> ReadAnswerWorkbook(std::string_view bytes);

// The answer an answer cell gives `item`: nullopt when empty (leave it), null for the
// clear marker, else the answer's JSON form (answers.h; AnswerFromJson checks it).
// InvalidArgument with the reason for a cell that is no answer to the item.
Result<std::optional<Json>> AnswerCellToJson(const Item& item, const documents::CellValue& cell);
// The comment a comment cell gives: nullopt when empty, "" for the clear marker.
Result<std::optional<std::string>> CommentCellToText(const documents::CellValue& cell);

struct AnswerImportSummary {
  int rows = 0;       // item rows read
  int saved = 0;      // answers or comments saved
  int cleared = 0;    // answers cleared
  int unchanged = 0;  // rows that changed nothing
};
Json ToJson(const AnswerImportSummary& summary);

}  // namespace fincyber::survey
