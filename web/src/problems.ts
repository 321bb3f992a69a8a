// Field problems arrive as short English phrases ("required", "at least 12
// characters"); this turns the known ones into the UI language and keeps the
// phrase itself, marked as such, for any other.
import type { FieldProblem } from './api';
import { hasMessage, type Translate } from './i18n';

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
  [/^unknown size tier$/, (t) => t('problem.unknown')],
  [/^only institutions have a size tier$/, (t) => t('problem.sizeTierInstitutionsOnly')],
];

export function problemText(t: Translate, problem: string): string {
  for (const [pattern, text] of RULES) {
    const match = pattern.exec(problem);
    if (match) return text(t, match);
  }
  return t('problem.other', { problem });
}

/**
 * A field problem in the UI language: from its code when the server named one (every
 * code has a message, problems.test.ts checks), else from its English phrase with
 * `phraseText` (the rules above, or a form's own, e.g. the answer form's).
 */
export function codedProblemText(
  t: Translate,
  problem: Pick<FieldProblem, 'problem' | 'code' | 'params'>,
  phraseText: (t: Translate, phrase: string) => string = problemText,
): string {
  const key = `problem.${problem.code}`;
  if (!problem.code || !hasMessage(key)) return phraseText(t, problem.problem);
  return t(key, { ...problem.params });
}
