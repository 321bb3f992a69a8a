// Field problems arrive as short English phrases ("required", "at least 12
// characters"); this turns the known ones into the UI language and keeps the
// phrase itself, marked as such, for any other.
import type { Translate } from './i18n';

type Rule = [RegExp, (t: Translate, match: RegExpExecArray) => string];

const RULES: Rule[] = [
  [/^required$/, (t) => t('problem.required')],
  [/^already (taken|exists)$/, (t) => t('problem.taken')],
  [/^at least (\d+) characters$/, (t, m) => t('problem.minLength', { min: m[1] })],
  [/^at most (\d+) characters$/, (t, m) => t('problem.maxLength', { max: m[1] })],
  [/^longer than \d+ bytes$/, (t) => t('problem.tooLong')],
  [
    /^(\d+)-(\d+) characters: a-z 0-9 (.+)$/,
    (t, m) => t('problem.usernameFormat', { min: m[1], max: m[2], chars: m[3] }),
  ],
  [/^not available in this kind of organi[sz]ation$/, (t) => t('problem.roleNotForKind')],
  [/^only the coordination office may grant this role$/, (t) => t('problem.roleReserved')],
  [/^unknown( \w+)?$/, (t) => t('problem.unknown')],
];

export function problemText(t: Translate, problem: string): string {
  for (const [pattern, text] of RULES) {
    const match = pattern.exec(problem);
    if (match) return text(t, match);
  }
  return t('problem.other', { problem });
}
