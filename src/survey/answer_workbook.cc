// Answer workbooks (answer_workbook.h): writing, reading, and the all-or-nothing import.
#include "survey/answer_workbook.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "audit/audit.h"
#include "base/too_large.h"
#include "base/utf8.h"
#include "documents/xlsx_reader.h"
#include "documents/xlsx_writer.h"
#include "survey/internal/answering.h"
#include "survey/internal/refusals.h"
#include "survey/internal/service_common.h"
#include "survey/problems.h"
#include "survey/scoring.h"
#include "survey/service.h"

namespace fincyber::survey {
namespace {

using documents::CellValue;

// Columns of the answers sheet.
constexpr std::uint32_t kItemColumn = 0;
constexpr std::uint32_t kAnswerColumn = 6;
constexpr std::uint32_t kCommentColumn = 7;
constexpr std::uint32_t kVersionColumn = 8;

// Rejected rows named in one error; the message counts them all.
constexpr std::size_t kMaxReportedRows = 200;
// Rows of answers a workbook may hold: a questionnaire has at most kMaxItems items, and
// every row is checked against the others.
constexpr std::size_t kMaxWorkbookRows = 2 * kMaxItems;

const Text kAnswersSheet{"回答", "Answers"};
const Text kReadMeSheet{"説明", "Read me"};
const Text kItemHeader{"項目ID", "Item id"};
const Text kAnswerHeader{"回答", "Answer"};
const Text kClear{"（消去）", "(clear)"};
const Text kNotApplicable{"該当なし", "Not applicable"};
const Text kYes{"はい", "Yes"};
const Text kNo{"いいえ", "No"};
const Text kCompensating{"代替策で対応", "Compensating control"};

const std::string& In(const Text& text, WorkbookLanguage language) {
  const bool ja = language == WorkbookLanguage::kJapanese;
  const std::string& chosen = ja ? text.ja : text.en;
  return chosen.empty() ? (ja ? text.en : text.ja) : chosen;
}

// Trimmed of ASCII and ideographic spaces, ASCII lower-cased: how labels are compared.
std::string Normalize(std::string_view text) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  bool trimmed = true;
  while (trimmed) {
    trimmed = false;
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
      text.remove_prefix(1);
      trimmed = true;
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
      text.remove_suffix(1);
      trimmed = true;
    }
    if (text.starts_with(kIdeographicSpace)) {
      text.remove_prefix(kIdeographicSpace.size());
      trimmed = true;
    }
    if (text.ends_with(kIdeographicSpace)) {
      text.remove_suffix(kIdeographicSpace.size());
      trimmed = true;
    }
  }
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool Names(const Text& label, std::string_view normalized) {
  return (!label.ja.empty() && Normalize(label.ja) == normalized) ||
         (!label.en.empty() && Normalize(label.en) == normalized);
}

bool IsClearMarker(std::string_view normalized) {
  return Names(kClear, normalized) || normalized == "(消去)";
}

// A cell that is no answer; its one detail names the problem for translation.
Error Bad(std::string_view code, ProblemParams params = {}) {
  FieldProblem problem = Problem("", code, std::move(params));
  std::string message = problem.problem;
  return InvalidArgument(std::move(message), {std::move(problem)});
}

// A problem of the whole workbook, under the field "workbook" (no row).
Error NotAWorkbook(std::string_view code, ProblemParams params = {}) {
  FieldProblem problem = Problem("workbook", code, std::move(params));
  std::string message = problem.problem;
  return InvalidArgument(std::move(message), {std::move(problem)});
}

std::string NumberText(double number) { return fmt::format("{}", number); }

Result<const Choice*> FindChoice(const Item& item, std::string_view normalized) {
  for (const auto& choice : item.choices) {
    if (Normalize(choice.id) == normalized || Names(choice.label, normalized)) return &choice;
  }
  return Bad("workbook.not_a_choice", {{"value", std::string(normalized.substr(0, 80))}});
}

std::vector<std::string> SplitChoices(std::string_view text) {
  std::vector<std::string> parts;
  std::string current;
  auto flush = [&] {
    std::string part = Normalize(current);
    if (!part.empty()) parts.push_back(std::move(part));
    current.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ';' || text[i] == '\n') {
      flush();
    } else if (text.substr(i).starts_with("\xEF\xBC\x9B")) {  // full-width semicolon
      flush();
      i += 2;
    } else {
      current += text[i];
    }
  }
  flush();
  return parts;
}

const std::vector<Text>& LevelsOf(const Item& item, const Bank& bank) {
  return item.levels.empty() ? bank.maturity_scale : item.levels;
}

std::string TypeLabel(const Item& item, WorkbookLanguage language) {
  static const Text kLabels[] = {{"成熟度（0〜4）", "Maturity (0-4)"},
                                 {"はい／いいえ", "Yes / no"},
                                 {"数値", "Number"},
                                 {"単一選択", "One choice"},
                                 {"複数選択", "Several choices"},
                                 {"自由記述", "Free text"},
                                 {"証跡（ファイル）", "Evidence (files)"}};
  return In(kLabels[static_cast<int>(item.type)], language);
}

// What the "how to answer" column says of an item.
std::string HowToAnswer(const Item& item, const Bank& bank, WorkbookLanguage language) {
  const bool ja = language == WorkbookLanguage::kJapanese;
  std::vector<std::string> lines;
  switch (item.type) {
    case AnswerType::kMaturity: {
      const auto& levels = LevelsOf(item, bank);
      for (std::size_t i = 0; i < levels.size(); ++i) {
        lines.push_back(fmt::format("{}: {}", i, In(levels[i], language)));
      }
      break;
    }
    case AnswerType::kYesNo:
      lines.push_back(fmt::format("{} / {} / {}", In(kYes, language), In(kNo, language),
                                  In(kCompensating, language)));
      break;
    case AnswerType::kNumber:
      if (item.number) {
        lines.push_back(fmt::format("{} – {} {}", NumberText(item.number->min),
                                    NumberText(item.number->max), In(item.number->unit, language)));
      }
      break;
    case AnswerType::kSingleChoice:
    case AnswerType::kMultipleChoice:
      for (const auto& choice : item.choices) lines.push_back(In(choice.label, language));
      if (item.type == AnswerType::kMultipleChoice) {
        lines.push_back(ja ? "（複数の場合は ; で区切る）" : "(separate several with ;)");
      }
      break;
    case AnswerType::kText:
      lines.push_back(ja ? fmt::format("自由記述（{}バイトまで）", kMaxTextAnswerBytes)
                         : fmt::format("Free text (up to {} bytes)", kMaxTextAnswerBytes));
      break;
    case AnswerType::kEvidence:
      lines.push_back(ja ? "画面でファイルをアップロードして回答します。回答欄はアップロード済みの"
                           "ファイル名で、取り込みでは読みません。"
                         : "Answered by uploading files on the questionnaire page. The answer "
                           "cell lists the uploaded files and is not read on import.");
      break;
  }
  if (IsScored(item) && item.allow_not_applicable) lines.push_back(In(kNotApplicable, language));
  if (!item.help.empty()) lines.push_back(In(item.help, language));
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

// The answer as the workbook shows it, in the labels of its drop-down list.
CellValue AnswerCell(const Item& item, const AnswerValue& value, WorkbookLanguage language) {
  if (std::holds_alternative<NotApplicable>(value)) return In(kNotApplicable, language);
  if (const int* level = std::get_if<int>(&value)) return static_cast<double>(*level);
  if (const YesNo* yes_no = std::get_if<YesNo>(&value)) {
    return In(*yes_no == YesNo::kYes  ? kYes
              : *yes_no == YesNo::kNo ? kNo
                                      : kCompensating,
              language);
  }
  if (const double* number = std::get_if<double>(&value)) return *number;
  auto label = [&](const std::string& id) {
    for (const auto& choice : item.choices) {
      if (choice.id == id) return In(choice.label, language);
    }
    return id;
  };
  if (const auto* text = std::get_if<std::string>(&value)) {
    return item.type == AnswerType::kSingleChoice ? label(*text) : *text;
  }
  // An evidence item's answer is its file names, one per line.
  const bool files = item.type == AnswerType::kEvidence;
  std::string joined;
  for (const auto& id : std::get<std::vector<std::string>>(value)) {
    joined += (joined.empty() ? "" : files ? "\n" : "; ") + (files ? id : label(id));
  }
  return joined;
}

// The drop-down list of an item's answer cell, or empty for items typed freely.
std::vector<std::string> DropDown(const Item& item, const Bank& bank, WorkbookLanguage language) {
  std::vector<std::string> values;
  switch (item.type) {
    case AnswerType::kMaturity:
      for (std::size_t i = 0; i < LevelsOf(item, bank).size(); ++i) {
        values.push_back(std::to_string(i));
      }
      break;
    case AnswerType::kYesNo:
      values = {In(kYes, language), In(kNo, language), In(kCompensating, language)};
      break;
    case AnswerType::kSingleChoice:
      for (const auto& choice : item.choices) values.push_back(In(choice.label, language));
      break;
    default:
      return {};
  }
  if (IsScored(item) && item.allow_not_applicable) values.push_back(In(kNotApplicable, language));
  values.push_back(In(kClear, language));
  return values;
}

std::vector<std::string> ReadMeLines(WorkbookLanguage language) {
  if (language == WorkbookLanguage::kJapanese) {
    return {
        "「回答」シートの「回答」列と「コメント」列だけを記入してください。ほかの列と行の順序は変え"
        "ないでください。",
        "空欄のセルは保存済みの回答・コメントを変えません。消すときは「（消去）」と記入してください"
        "。",
        "はい／いいえ、成熟度、選択肢はセルのリストから選べます。複数選択は選択肢を ; "
        "で区切ります。",
        "数式は受け付けません。値を直接入力してください。",
        "「対象」が「対象外」の項目は、ほかの回答の条件により質問されません。回答すると取り込みが拒"
        "否されます。",
        "取り込みはすべての行が正しいときだけ行われます。一行でも誤りがあれば何も保存されず、誤りの"
        "ある行がすべて示されます。",
        "書き出し後に画面などで変更された回答の行は、新しい回答を上書きしないよう拒否されます。もう"
        "一度書き出してください。",
        "提出後と期限後は取り込めません。",
        "証跡の項目は画面でファイルをアップロードして回答します。その回答欄はファイル名の一覧で、"
        "取り込みでは読みません。",
    };
  }
  return {
      "Fill in only the Answer and Comment columns of the Answers sheet; keep the other "
      "columns and the order of rows.",
      "An empty cell leaves the stored answer or comment as it is; write (clear) to remove it.",
      "Yes/no, maturity and choice answers can be picked from the cell's list; separate several "
      "choices with ;.",
      "Formulas are not accepted: type the values.",
      "Items whose Asked column says no are not asked given other answers; answering them "
      "makes the import fail.",
      "The workbook is imported only when every row is correct: otherwise nothing is saved and "
      "every wrong row is reported.",
      "A row whose answer was changed elsewhere since the export is refused rather than "
      "overwriting the newer answer; export again.",
      "Nothing can be imported after submission or after the deadline.",
      "Evidence items are answered by uploading files on the questionnaire page; their answer "
      "cell lists the files and is not read on import.",
  };
}

std::string CellText(const documents::SheetCells& sheet, std::uint32_t row, std::uint32_t column) {
  const CellValue* cell = sheet.At(row, column);
  if (cell == nullptr) return "";
  if (const auto* text = std::get_if<std::string>(cell)) return *text;
  return "";
}

// The cells of one row that the import reads.
struct RowCells {
  const documents::XlsxCell* id = nullptr;
  const documents::XlsxCell* answer = nullptr;
  const documents::XlsxCell* comment = nullptr;
  const documents::XlsxCell* version = nullptr;
};

bool IsCommandLineOperator(const identity::Principal& principal) {
  return principal.user_id.empty() && principal.org_id.empty() &&
         principal.role == identity::Role::kCoordinationOffice;
}

}  // namespace

std::optional<WorkbookLanguage> ParseWorkbookLanguage(std::string_view code) {
  if (code == "ja") return WorkbookLanguage::kJapanese;
  if (code == "en") return WorkbookLanguage::kEnglish;
  return std::nullopt;
}

Result<std::string> WriteAnswerWorkbook(const Questionnaire& q, WorkbookLanguage language) {
  const bool ja = language == WorkbookLanguage::kJapanese;
  const Bank& bank = q.bank->bank();
  documents::XlsxSheet answers;
  answers.name = In(kAnswersSheet, language);
  answers.protect = true;
  answers.columns = {
      {.header = In(kItemHeader, language), .width = 14},
      {.header = ja ? "区分" : "Section", .width = 16, .wrap = true},
      {.header = ja ? "質問" : "Question", .width = 50, .wrap = true},
      {.header = ja ? "回答形式" : "Answer type", .width = 14, .wrap = true},
      {.header = ja ? "回答の仕方" : "How to answer", .width = 40, .wrap = true},
      {.header = ja ? "対象" : "Asked", .width = 8},
      {.header = In(kAnswerHeader, language), .width = 20, .wrap = true, .editable = true},
      {.header = ja ? "コメント" : "Comment", .width = 40, .wrap = true, .editable = true},
      {.header = ja ? "版" : "Version", .width = 6},
  };
  for (int i = 0; i < q.bank->item_count(); ++i) {
    const Item& item = q.bank->item(i);
    const Section& section = bank.sections[static_cast<std::size_t>(q.bank->section_of(i))];
    const auto answer = q.answers.find(item.id);
    const bool answered = answer != q.answers.end();
    // An evidence item's files are its answer: no comment or version to send back.
    const bool saved_value = answered && item.type != AnswerType::kEvidence;
    const bool shown = q.shown[static_cast<std::size_t>(i)];
    answers.rows.push_back({
        item.id,
        In(section.title, language),
        In(item.text, language),
        TypeLabel(item, language),
        HowToAnswer(item, bank, language),
        std::string(shown ? (ja ? "対象" : "yes") : (ja ? "対象外" : "no")),
        answered ? AnswerCell(item, answer->second.value, language) : CellValue{},
        saved_value ? CellValue{answer->second.comment} : CellValue{},
        saved_value ? CellValue{static_cast<double>(answer->second.version)} : CellValue{},
    });
    auto list = DropDown(item, bank, language);
    if (!list.empty()) {
      answers.cell_lists.push_back({.row = static_cast<std::uint32_t>(i + 1),
                                    .column = kAnswerColumn,
                                    .allowed_values = std::move(list)});
    }
  }
  documents::XlsxSheet read_me;
  read_me.name = In(kReadMeSheet, language);
  read_me.protect = true;
  read_me.columns = {{.width = 22}, {.width = 100, .wrap = true}};
  read_me.rows = {
      {In(q.campaign.title, language), std::string()},
      {std::string(ja ? "キャンペーンID" : "Campaign id"), q.campaign.id},
      {std::string(ja ? "機関ID" : "Institution id"), q.assignment.org_id},
      {std::string(ja ? "機関" : "Institution"), In(q.assignment.org_name, language)},
      {std::string(ja ? "期限" : "Deadline"), q.assignment.deadline},
      {},
  };
  for (auto& line : ReadMeLines(language)) read_me.rows.push_back({std::string("・"), line});
  documents::XlsxWorkbook book;
  book.title = In(q.campaign.title, language);
  book.author = In(q.assignment.org_name, language);
  book.sheets.push_back(std::move(answers));
  book.sheets.push_back(std::move(read_me));
  return documents::WriteXlsx(book);
}

Result<AnswerWorkbookRows> ReadAnswerWorkbook(std::string_view bytes) {
  if (bytes.size() > kMaxAnswerWorkbookBytes) {
    return TooLarge(fmt::format("the workbook is larger than {} bytes", kMaxAnswerWorkbookBytes),
                    "workbook");
  }
  documents::XlsxReadLimits limits;
  limits.max_file_bytes = kMaxAnswerWorkbookBytes;
  limits.max_part_bytes = std::size_t{32} << 20;
  limits.max_total_bytes = std::size_t{64} << 20;
  limits.max_sheets = 16;
  limits.max_shared_strings = 100'000;
  limits.max_cells = 200'000;
  auto read = documents::ReadXlsx(bytes, limits);
  // Past the reader's caps (parts, unpacked bytes, sheets, strings, cells) the upload is
  // too large, however small its ZIP.
  if (!read.ok()) return AsTooLarge(read.error(), "workbook");
  documents::XlsxContents contents = std::move(*read);
  auto find = [&](const Text& name) {
    const documents::SheetCells* found = contents.Find(name.ja);
    return found ? found : contents.Find(name.en);
  };
  const documents::SheetCells* sheet = find(kAnswersSheet);
  const documents::SheetCells* read_me = find(kReadMeSheet);
  if (sheet == nullptr || read_me == nullptr) {
    return NotAWorkbook("workbook.no_sheets");
  }
  const std::string item_header = CellText(*sheet, 0, kItemColumn);
  const std::string answer_header = CellText(*sheet, 0, kAnswerColumn);
  if (!Names(kItemHeader, Normalize(item_header)) ||
      !Names(kAnswerHeader, Normalize(answer_header))) {
    return NotAWorkbook("workbook.columns_changed", {{"sheet", sheet->name()}});
  }
  AnswerWorkbookRows out;
  out.campaign_id = CellText(*read_me, 1, 1);
  out.org_id = CellText(*read_me, 2, 1);
  if (out.campaign_id.empty() || out.org_id.empty()) {
    return NotAWorkbook("workbook.no_campaign", {{"sheet", read_me->name()}});
  }
  // One pass over the cells (in row order), so a sparse sheet costs what it holds.
  std::map<std::uint32_t, RowCells> by_row;
  for (const auto& cell : sheet->cells()) {
    if (cell.row == 0) continue;
    const documents::XlsxCell** slot = cell.column == kItemColumn      ? &by_row[cell.row].id
                                       : cell.column == kAnswerColumn  ? &by_row[cell.row].answer
                                       : cell.column == kCommentColumn ? &by_row[cell.row].comment
                                       : cell.column == kVersionColumn ? &by_row[cell.row].version
                                                                       : nullptr;
    if (slot) *slot = &cell;
    if (by_row.size() > kMaxWorkbookRows) {
      return TooLarge(
          fmt::format("the workbook has more than {} rows of answers", kMaxWorkbookRows),
          "workbook");
    }
  }
  for (const auto& [r, cells] : by_row) {
    AnswerWorkbookRow row;
    row.sheet = sheet->name();
    row.row = r + 1;
    if (cells.answer) row.answer = cells.answer->value;
    if (cells.comment) row.comment = cells.comment->value;
    if (cells.id && std::holds_alternative<std::string>(cells.id->value)) {
      row.item_id = std::get<std::string>(cells.id->value);
    }
    const bool empty = std::holds_alternative<std::monostate>(row.answer) &&
                       std::holds_alternative<std::monostate>(row.comment);
    if (cells.id == nullptr && empty) continue;  // only other columns were touched
    for (const auto* cell : {cells.id, cells.answer, cells.comment, cells.version}) {
      if (cell && cell->formula && row.problem_code.empty()) {
        row.problem_code = "workbook.formula";
      }
    }
    if (row.problem_code.empty() && row.item_id.empty()) row.problem_code = "workbook.no_item_id";
    if (cells.version && row.problem_code.empty()) {
      const double* number = std::get_if<double>(&cells.version->value);
      if (number == nullptr || *number < 0 || *number > 1e15 || std::floor(*number) != *number) {
        row.problem_code = "workbook.version_changed";
      } else {
        row.version = static_cast<std::int64_t>(*number);
      }
    }
    if (!row.problem_code.empty()) row.problem = ProblemText(row.problem_code);
    out.rows.push_back(std::move(row));
  }
  return out;
}

Result<std::optional<Json>> AnswerCellToJson(const Item& item, const CellValue& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return std::optional<Json>();
  if (const auto* error = std::get_if<documents::CellError>(&cell)) {
    return Bad("workbook.cell_error", {{"error", error->code.substr(0, 20)}});
  }
  if (std::holds_alternative<std::chrono::sys_seconds>(cell)) {
    return Bad("workbook.date");
  }
  const std::string* text = std::get_if<std::string>(&cell);
  const std::string normalized = text ? Normalize(*text) : "";
  if (text && normalized.empty()) return std::optional<Json>();
  if (text && IsClearMarker(normalized)) return std::optional<Json>(Json(nullptr));
  if (text && (Names(kNotApplicable, normalized) || normalized == "not_applicable") &&
      IsScored(item)) {
    return std::optional<Json>(Json("not_applicable"));
  }
  const double* number = std::get_if<double>(&cell);
  const bool* flag = std::get_if<bool>(&cell);
  switch (item.type) {
    case AnswerType::kMaturity: {
      double level = -1;
      if (number) {
        level = *number;
      } else if (text) {
        auto [end, ec] =
            std::from_chars(normalized.data(), normalized.data() + normalized.size(), level);
        if (ec != std::errc() || end != normalized.data() + normalized.size()) level = -1;
      }
      if (level < 0 || level > kMaxMaturityLevel || std::floor(level) != level) {
        return Bad("workbook.expected_maturity");
      }
      return std::optional<Json>(Json(static_cast<int>(level)));
    }
    case AnswerType::kYesNo:
      if (flag) return std::optional<Json>(Json(*flag ? "yes" : "no"));
      if (text) {
        if (Names(kYes, normalized) || normalized == "yes") return std::optional<Json>("yes");
        if (Names(kNo, normalized) || normalized == "no") return std::optional<Json>("no");
        if (Names(kCompensating, normalized) || normalized == "compensating") {
          return std::optional<Json>("compensating");
        }
      }
      return Bad("workbook.expected_yes_no");
    case AnswerType::kNumber: {
      if (number) return std::optional<Json>(Json(*number));
      double parsed = 0;
      if (text) {
        auto [end, ec] =
            std::from_chars(normalized.data(), normalized.data() + normalized.size(), parsed);
        if (ec == std::errc() && end == normalized.data() + normalized.size() &&
            std::isfinite(parsed)) {
          return std::optional<Json>(Json(parsed));
        }
      }
      return Bad("workbook.expected_number");
    }
    case AnswerType::kSingleChoice: {
      const std::string key = text ? normalized : number ? NumberText(*number) : "";
      if (key.empty()) return Bad("workbook.expected_choice");
      FC_ASSIGN_OR_RETURN(const Choice* choice, FindChoice(item, key));
      return std::optional<Json>(Json(choice->id));
    }
    case AnswerType::kMultipleChoice: {
      if (!text) return Bad("workbook.expected_choices");
      Json ids = Json::array();
      for (const auto& part : SplitChoices(*text)) {
        FC_ASSIGN_OR_RETURN(const Choice* choice, FindChoice(item, Normalize(part)));
        ids.push_back(choice->id);
      }
      return std::optional<Json>(std::move(ids));
    }
    case AnswerType::kText:
      if (text) return std::optional<Json>(Json(*text));
      if (number) return std::optional<Json>(Json(NumberText(*number)));
      return Bad("workbook.expected_text");
    case AnswerType::kEvidence:
      return Bad("workbook.evidence_by_upload");
  }
  return Bad("workbook.unknown_type");
}

Result<std::optional<std::string>> CommentCellToText(const CellValue& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return std::optional<std::string>();
  if (const double* number = std::get_if<double>(&cell)) {
    return std::optional<std::string>(NumberText(*number));
  }
  const std::string* text = std::get_if<std::string>(&cell);
  if (text == nullptr) return Bad("workbook.comment_not_text");
  const std::string normalized = Normalize(*text);
  if (normalized.empty()) return std::optional<std::string>();
  if (IsClearMarker(normalized)) return std::optional<std::string>(std::string());
  if (text->size() > kMaxCommentBytes) {
    return Bad("workbook.comment_too_long", {{"max", std::to_string(kMaxCommentBytes)}});
  }
  return std::optional<std::string>(*text);
}

Json ToJson(const AnswerImportSummary& s) {
  return {{"rows", s.rows}, {"saved", s.saved}, {"cleared", s.cleared}, {"unchanged", s.unchanged}};
}

Result<AnswerImportSummary> SurveyService::ImportAnswers(const identity::Principal& principal,
                                                         std::string_view campaign_id,
                                                         std::string_view org_id,
                                                         const AnswerWorkbookRows& workbook,
                                                         const RequestInfo& info) {
  auto result = [&]() -> Result<AnswerImportSummary> {
    auto compiled = [this](store::Connection& c, std::string_view id) {
      return LoadCompiled(c, id);
    };
    return db_.TransactValue<AnswerImportSummary>([&](store::Connection& conn)
                                                      -> Result<AnswerImportSummary> {
      FC_ASSIGN_OR_RETURN(
          internal::AssignmentState state,
          internal::LoadState(conn, principal, campaign_id, org_id, true, compiled));
      if (!internal::IsInstitutionUser(principal, state.assignment.org_id) &&
          !IsCommandLineOperator(principal)) {
        return PermissionDenied("only the institution's own users answer its questionnaire");
      }
      FC_RETURN_IF_ERROR(internal::CheckAnswerable(state.campaign, state.assignment, clock_.Now()));
      if (workbook.campaign_id != state.campaign.id || workbook.org_id != state.assignment.org_id) {
        return NotAWorkbook("workbook.other_campaign");
      }

      struct Change {
        int index = 0;
        AnswerInput input;
      };
      std::vector<Change> changes;
      std::vector<FieldProblem> problems;
      std::size_t rejected = 0;
      auto reject = [&](const AnswerWorkbookRow& row, std::string_view code,
                        ProblemParams params = {}) {
        if (++rejected <= kMaxReportedRows) {
          problems.push_back(
              Problem(fmt::format("{}!{}:{}", row.sheet, row.row, row.item_id.substr(0, 64)), code,
                      std::move(params)));
        }
      };
      // A cell's own problem (Bad above) or an answer that does not fit its item
      // (answers.h): each comes with one coded detail.
      auto reject_error = [&](const AnswerWorkbookRow& row, const Error& error) {
        if (!error.details().empty()) {
          reject(row, error.details().front().code, error.details().front().params);
        }
      };
      AnswerImportSummary summary;
      Answers after = internal::ValuesOf(state.answers);
      std::set<std::string> seen;
      for (const auto& row : workbook.rows) {
        ++summary.rows;
        if (!row.problem_code.empty()) {
          reject(row, row.problem_code);
          continue;
        }
        const auto index = state.bank->IndexOf(row.item_id);
        if (!index) {
          reject(row, "workbook.unknown_item");
          continue;
        }
        if (!seen.insert(row.item_id).second) {
          reject(row, "workbook.duplicate_item");
          continue;
        }
        const Item& item = state.bank->item(*index);
        if (item.type == AnswerType::kEvidence) {  // its files are uploaded, never imported
          ++summary.unchanged;
          continue;
        }
        auto value = AnswerCellToJson(item, row.answer);
        if (!value.ok()) {
          reject_error(row, value.error());
          continue;
        }
        auto comment = CommentCellToText(row.comment);
        if (!comment.ok()) {
          reject_error(row, comment.error());
          continue;
        }
        const auto stored = state.answers.find(item.id);
        const StoredAnswer* current = stored == state.answers.end() ? nullptr : &stored->second;
        Change change{*index, {}};
        change.input.value = value->has_value() ? **value
                             : current          ? AnswerToJson(current->value)
                                                : Json(nullptr);
        change.input.comment = comment->value_or(current ? current->comment : "");
        change.input.evidence = current ? current->evidence : "";
        change.input.expected_version = current ? current->version : 0;
        if (!change.input.value.is_null()) {
          auto checked = AnswerFromJson(item, change.input.value);
          if (!checked.ok()) {
            reject_error(row, checked.error());
            continue;
          }
          after[item.id] = *checked;
        } else {
          // Clearing an answer takes its comment with it; a comment alone has no row to live in.
          if (current == nullptr && comment->has_value() && !comment->value().empty()) {
            reject(row, "workbook.comment_needs_answer");
            continue;
          }
          after.erase(item.id);
        }
        const bool same = current ? !change.input.value.is_null() &&
                                        change.input.value == AnswerToJson(current->value) &&
                                        change.input.comment == current->comment
                                  : change.input.value.is_null();
        if (same) {
          ++summary.unchanged;
          continue;
        }
        const std::int64_t stored_version = current ? current->version : 0;
        if (row.version != stored_version) {
          reject(row, "workbook.changed_since_export",
                 {{"version", std::to_string(stored_version)},
                  {"user", current ? current->updated_by : "-"}});
          continue;
        }
        changes.push_back(std::move(change));
      }
      // Conditions read the answers as the workbook leaves them.
      const std::vector<bool> shown =
          ShownItems(*state.bank, internal::RespondentOf(state.assignment), after);
      for (const auto& change : changes) {
        if (shown[static_cast<std::size_t>(change.index)] || change.input.value.is_null()) continue;
        const std::string& id = state.bank->item(change.index).id;
        for (const auto& row : workbook.rows) {
          if (row.item_id == id && row.problem_code.empty()) {
            reject(row, "workbook.not_asked");
            break;
          }
        }
      }
      if (rejected > 0) {
        return Error(
            ErrorCode::kInvalidArgument,
            fmt::format("{} row(s) of the workbook were rejected; nothing was saved", rejected), "",
            std::move(problems));
      }
      for (const auto& change : changes) {
        const std::string& id = state.bank->item(change.index).id;
        FC_ASSIGN_OR_RETURN(auto stored,
                            internal::StoreValue(conn, clock_, principal, state, "survey_answers",
                                                 change.index, change.input));
        stored ? ++summary.saved : ++summary.cleared;
        FC_RETURN_IF_ERROR(
            audit::Append(conn, clock_,
                          {principal.user_id, state.assignment.org_id,
                           stored ? "survey.answer_save" : "survey.answer_clear", "survey_answer",
                           fmt::format("{}/{}", state.campaign.id, id),
                           Json{{"item_id", id},
                                {"version", stored ? stored->version : std::int64_t{0}},
                                {"source", "workbook"}},
                           info.remote_address, info.request_id}));
      }
      FC_RETURN_IF_ERROR(audit::Append(
          conn, clock_,
          {principal.user_id, state.assignment.org_id, "survey.answers_import", "survey_assignment",
           state.campaign.id, ToJson(summary), info.remote_address, info.request_id}));
      return summary;
    });
  }();
  if (!result.ok()) {
    internal::AuditRefusal(
        db_, clock_, principal,
        {"survey.answers_import", campaign_id, org_id, "", Json{{"rows", workbook.rows.size()}}},
        result.error(), info);
  }
  return result;
}

Result<AnswerImportSummary> SurveyService::ImportAnswerWorkbook(
    const identity::Principal& principal, std::string_view campaign_id, std::string_view org_id,
    std::string_view xlsx, const RequestInfo& info) {
  auto rows = ReadAnswerWorkbook(xlsx);
  if (!rows.ok()) {
    internal::AuditRefusal(
        db_, clock_, principal,
        {"survey.answers_import", campaign_id, org_id, "", Json{{"bytes", xlsx.size()}}},
        rows.error(), info);
    return rows.error();
  }
  return ImportAnswers(principal, campaign_id, org_id, *rows, info);
}

}  // namespace fincyber::survey
