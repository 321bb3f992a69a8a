#!/usr/bin/env bash
# The survey's operator commands end to end on a fresh SQLite file: bank import from
# YAML, JSON and OSCAL (XML and JSON) and the mission bank, publishing, campaigns opened
# for business categories, progress per institution, closing, feedback reports, the
# regulator's sector report, an institution's answers exported and imported as a
# workbook, and the exit codes (0 done, 1 refused, 2 bad input, flags the parser refuses
# included, 3 not found, 4 unavailable).
# Usage: survey_cli_test.sh path/to/fincyber
set -euo pipefail
bin=$1
testdata=$(cd "$(dirname "$0")/../src/survey/testdata" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/survey.db
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"

"$bin" migrate --database "$db" >/dev/null
for i in 1 2 3; do
  "$bin" org add --database "$db" --sector regional_bank --name-ja "地方${i}銀行" \
    --name-en "Regional $i" >/dev/null
done
"$bin" org add --database "$db" --sector securities --name-ja 丙証券 --name-en "Securities" \
  >/dev/null

# Banks: every source format, the mission's bank, and what is refused.
check "import YAML" 0 "$bin" survey bank import --database "$db" \
  "$testdata/banks/valid/minimal.yaml"
minimal=$(head -1 "$work/out")
expect "import reports a draft" grep -q "(draft)" "$work/out"
check "import JSON" 0 "$bin" survey bank import --database "$db" \
  "$testdata/banks/valid/every_answer_type.json"
draft=$(head -1 "$work/out")
check "import OSCAL XML" 0 "$bin" survey bank import --database "$db" \
  "$testdata/oscal/NIST_CSF_v2.0_catalog.xml"
expect "OSCAL CSF 2.0 has 106 in-force items" grep -q "106 items" "$work/out"
check "import OSCAL JSON" 0 "$bin" survey bank import --database "$db" \
  "$testdata/oscal/small_catalog.json" --format oscal_json --bank-id small-catalog
check "import the same bank twice" 1 "$bin" survey bank import --database "$db" \
  "$testdata/banks/valid/minimal.yaml"
check "import an invalid bank" 2 "$bin" survey bank import --database "$db" \
  "$testdata/banks/invalid/condition_unknown_item.yaml"
expect "problems are listed" grep -q "unknown_item" "$work/err"
check "import an alias bomb" 2 "$bin" survey bank import --database "$db" \
  "$testdata/banks/invalid/alias_bomb.yaml"
printf 'id: x\n' >"$work/bank.txt"
check "import without a known extension" 2 "$bin" survey bank import --database "$db" \
  "$work/bank.txt"
check "import a missing file" 3 "$bin" survey bank import --database "$db" "$work/nope.yaml"
check "import with an unknown format" 2 "$bin" survey bank import --database "$db" \
  "$work/bank.txt" --format exe
check "mission bank" 0 "$bin" survey bank import --database "$db" --mission
mission=$(head -1 "$work/out")
expect "mission bank is published" grep -q "(published)" "$work/out"
check "mission bank again" 0 "$bin" survey bank import --database "$db" --mission
expect "mission bank is stored once" [ "$(head -1 "$work/out")" = "$mission" ]
check "publish a draft" 0 "$bin" survey bank publish --database "$db" "$minimal"
check "publish it again" 1 "$bin" survey bank publish --database "$db" "$minimal"
check "publish an unknown bank" 3 "$bin" survey bank publish --database "$db" no-such-bank
check "bank list" 0 "$bin" survey bank list --database "$db" --format json
expect "five banks listed" [ "$(grep -c '"bank_id"' "$work/out")" -eq 5 ]

# Campaigns.
check "open with a draft bank" 1 "$bin" survey campaign open --database "$db" \
  --bank "$draft" --year 2026 --title-ja 調査 --title-en Survey --category regional_bank \
  --deadline 2099-01-01T00:00:00Z
check "open with a bad deadline" 2 "$bin" survey campaign open --database "$db" \
  --bank "$mission" --year 2026 --title-ja 調査 --title-en Survey --category regional_bank \
  --deadline tomorrow
check "open for an unknown category" 2 "$bin" survey campaign open --database "$db" \
  --bank "$mission" --year 2026 --title-ja 調査 --title-en Survey --category casinos \
  --deadline 2099-01-01T00:00:00Z
check "open" 0 "$bin" survey campaign open --database "$db" --bank "$mission" --year 2026 \
  --title-ja 二〇二六年度調査 --title-en "Survey 2026" --category regional_bank \
  --deadline 2099-01-01T00:00:00Z
campaign=$(head -1 "$work/out")
expect "three institutions assigned" grep -q "^3 institutions assigned" "$work/out"
check "campaign list" 0 "$bin" survey campaign list --database "$db"
expect "the campaign is listed" grep -q "$campaign" "$work/out"
check "status" 0 "$bin" survey status --database "$db" --campaign "$campaign"
expect "status lists every institution" [ "$(grep -c 'in_progress' "$work/out")" -eq 3 ]
expect "nothing answered yet" grep -q " 0/" "$work/out"
check "status of an unknown campaign" 3 "$bin" survey status --database "$db" --campaign nope
check "reports of an open campaign" 1 "$bin" survey reports --database "$db" \
  --campaign "$campaign" --out "$work/reports"
check "close" 0 "$bin" survey campaign close --database "$db" "$campaign"
expect "none submitted" grep -q "0 of 3" "$work/out"
check "close again" 1 "$bin" survey campaign close --database "$db" "$campaign"
check "close an unknown campaign" 3 "$bin" survey campaign close --database "$db" nope
check "reports" 0 "$bin" survey reports --database "$db" --campaign "$campaign" \
  --lang en --format xlsx --threads 2 --out "$work/reports"
expect "no report without submitted answers" grep -q "^0 reports written.*3 of 3 institutions without results" "$work/out"
check "reports of an unknown campaign" 3 "$bin" survey reports --database "$db" --campaign nope \
  --out "$work/reports"
check "reports in an unknown language" 2 "$bin" survey reports --database "$db" \
  --campaign "$campaign" --lang fr --out "$work/reports"
check "reports on too many threads" 2 "$bin" survey reports --database "$db" \
  --campaign "$campaign" --threads 1000 --out "$work/reports"
touch "$work/a-file"
check "reports into a file" 4 "$bin" survey reports --database "$db" --campaign "$campaign" \
  --out "$work/a-file/reports"

# The regulator's sector report of the closed campaign (no submissions: every figure
# withheld, saying why).
check "sector report" 0 "$bin" survey sector-report --database "$db" --campaign "$campaign" \
  --out "$work/sector.pdf"
expect "the sector report is a PDF" [ "$(head -c 5 "$work/sector.pdf")" = "%PDF-" ]
# The document's title (PDF metadata, UTF-16 when not ASCII) shows its language.
title_has() {  # title_has FILE.pdf TEXT
  python3 -c 'import re, sys
data = open(sys.argv[1], "rb").read()
titles = [bytes.fromhex(m.group(1).decode()).decode("utf-16-be") if m.group(1)
          else m.group(2).decode() for m in
          re.finditer(rb"/Title <FEFF([0-9A-F]+)>|/Title \(([^)]*)\)", data)]
sys.exit(0 if any(sys.argv[2] in t for t in titles) else 1)' "$1" "$2"
}
expect "in Japanese by default" title_has "$work/sector.pdf" サイバーセキュリティ
check "sector report in English" 0 "$bin" survey sector-report --database "$db" \
  --campaign "$campaign" --lang en --out "$work/sector-en.pdf"
expect "the English report is in English" title_has "$work/sector-en.pdf" "sector report"
expect "and not in Japanese" [ "$(title_has "$work/sector-en.pdf" サイバーセキュリティ && echo ja)" = "" ]
check "sector report as a workbook" 0 "$bin" survey sector-report --database "$db" \
  --campaign "$campaign" --format xlsx --lang en --out "$work/sector.xlsx"
expect "the workbook is an XLSX package" [ "$(head -c 2 "$work/sector.xlsx")" = "PK" ]
expect "the workbook has its sheets" python3 -c 'import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).read("xl/workbook.xml").decode()
sys.exit(0 if "Most missed" in names and "Year over year" in names else 1)' "$work/sector.xlsx"
check "sector report of an unknown campaign" 3 "$bin" survey sector-report --database "$db" \
  --campaign nope --out "$work/x.pdf"
check "sector report in an unknown format" 2 "$bin" survey sector-report --database "$db" \
  --campaign "$campaign" --format docx --out "$work/x.docx"
check "sector report in an unknown language" 2 "$bin" survey sector-report --database "$db" \
  --campaign "$campaign" --lang fr --out "$work/x.pdf"
check "sector report into a missing folder" 4 "$bin" survey sector-report --database "$db" \
  --campaign "$campaign" --out "$work/no-such-folder/sector.pdf"
expect "nothing written for refused requests" [ ! -e "$work/x.pdf" -a ! -e "$work/x.docx" ]
check "open a campaign for the sector report" 0 "$bin" survey campaign open --database "$db" \
  --bank "$mission" --year 2030 --title-ja 未了 --title-en Pending --category securities \
  --deadline 2099-01-01T00:00:00Z
check "sector report of an open campaign" 1 "$bin" survey sector-report --database "$db" \
  --campaign "$(head -1 "$work/out")" --out "$work/open.pdf"

# An institution's answers as a workbook, filled in and imported by the operator.
check "open a campaign to answer" 0 "$bin" survey campaign open --database "$db" \
  --bank "$minimal" --year 2027 --title-ja 回答 --title-en Answers --category regional_bank \
  --deadline 2099-01-01T00:00:00Z
answering=$(head -1 "$work/out")
"$bin" org list --database "$db" --sector regional_bank --format json >"$work/orgs.json"
org_id() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[int(sys.argv[2])]["id"])' "$work/orgs.json" "$1"; }
first=$(org_id 0)
second=$(org_id 1)
check "export answers" 0 "$bin" survey answers export --database "$db" --campaign "$answering" \
  --org "$first" --lang en --out "$work/answers.xlsx"
expect "the workbook is an XLSX package" [ "$(head -c 2 "$work/answers.xlsx")" = "PK" ]
# What a user does in Excel: a maturity of 3 typed into the first item's answer cell.
python3 - "$work/answers.xlsx" "$work/filled.xlsx" <<'PY'
import re, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as dst:
    for part in src.infolist():
        data = src.read(part.filename)
        if part.filename == "xl/worksheets/sheet1.xml":
            data, n = re.subn(rb'<c r="G2"( s="\d+")?/>',
                              rb'<c r="G2"\1 t="inlineStr"><is><t>3</t></is></c>', data, count=1)
            assert n == 1, "no empty answer cell G2"
        dst.writestr(part, data)
PY
check "import the filled workbook" 0 "$bin" survey answers import --database "$db" \
  --campaign "$answering" --org "$first" "$work/filled.xlsx"
expect "one answer saved" grep -q " 1 saved" "$work/out"
check "import it again" 0 "$bin" survey answers import --database "$db" \
  --campaign "$answering" --org "$first" "$work/filled.xlsx"
expect "nothing saved twice" grep -q " 0 saved" "$work/out"
check "status counts the answer" 0 "$bin" survey status --database "$db" --campaign "$answering"
expect "one institution has an answer" [ "$(grep -c ' 1/' "$work/out")" -eq 1 ]
check "import into another institution" 2 "$bin" survey answers import --database "$db" \
  --campaign "$answering" --org "$second" "$work/filled.xlsx"
expect "the workbook's owner is named" grep -q "another campaign or institution" "$work/err"
check "import a file that is not a workbook" 2 "$bin" survey answers import --database "$db" \
  --campaign "$answering" --org "$first" "$work/bank.txt"
check "import a missing file" 3 "$bin" survey answers import --database "$db" \
  --campaign "$answering" --org "$first" "$work/nope.xlsx"
check "export for an unknown institution" 3 "$bin" survey answers export --database "$db" \
  --campaign "$answering" --org nope --out "$work/x.xlsx"
check "export of an unknown campaign" 3 "$bin" survey answers export --database "$db" \
  --campaign nope --org "$first" --out "$work/x.xlsx"
check "export in an unknown language" 2 "$bin" survey answers export --database "$db" \
  --campaign "$answering" --org "$first" --lang fr --out "$work/x.xlsx"
check "close the answered campaign" 0 "$bin" survey campaign close --database "$db" "$answering"
check "import after closing" 1 "$bin" survey answers import --database "$db" \
  --campaign "$answering" --org "$first" "$work/filled.xlsx"

check "audit verify" 0 "$bin" audit verify --database "$db"

finish_checks
