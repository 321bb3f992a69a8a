import { describe, expect, it } from 'vitest';
import { hasMessage, translate, type MessageKey, type Params } from './i18n';
import { en as enMessages } from './i18n/en';
import { ja as jaMessages } from './i18n/ja';
import { PROBLEM_CODES } from './problemCodes';
import { codedProblemText, problemText } from './problems';
import {
  bankProblems,
  bankProblemText,
  fieldProblemText,
  workbookProblems,
  workbookReasonText,
} from './survey';

const ja = (key: MessageKey, params?: Params) => translate('ja', key, params);
const en = (key: MessageKey, params?: Params) => translate('en', key, params);

describe('problemText', () => {
  it('translates the server phrases it knows', () => {
    expect(problemText(ja, 'required')).toBe('入力してください。');
    expect(problemText(ja, 'at least 12 characters')).toBe('12 文字以上で入力してください。');
    expect(problemText(en, 'already taken')).toBe('This username is already taken.');
    expect(problemText(en, '3-64 characters: a-z 0-9 . _ @ -')).toBe(
      'Use 3–64 characters: lower-case letters, digits and . _ @ -.',
    );
    expect(problemText(ja, 'only the coordination office may grant this role')).toBe(
      'この役割を付与できるのは調整室のみです。',
    );
  });

  it('shows an unknown phrase as it came', () => {
    expect(problemText(en, 'must rhyme')).toBe('Invalid value (must rhyme).');
  });
});

describe('problem codes', () => {
  it('every code the server can send has a message in both languages', () => {
    expect(PROBLEM_CODES.length).toBeGreaterThan(50);
    for (const code of PROBLEM_CODES) {
      const key = `problem.${code}`;
      expect(hasMessage(key), key).toBe(true);
      expect(Object.prototype.hasOwnProperty.call(enMessages, key), key).toBe(true);
      expect((jaMessages as Record<string, string>)[key], key).not.toBe(
        (enMessages as Record<string, string>)[key],
      );
    }
  });

  it('no message is kept for a code the server no longer sends', () => {
    const codes = new Set<string>(PROBLEM_CODES);
    const coded = Object.keys(jaMessages).filter((k) =>
      /^problem\.(workbook|bank|condition)\./.test(k),
    );
    for (const key of coded) expect(codes.has(key.slice('problem.'.length)), key).toBe(true);
  });

  it('words a coded problem from its code and parameters, in the UI language', () => {
    const stale = {
      problem: 'the answer was changed since the export (now version 3 by b.admin); export again',
      code: 'workbook.changed_since_export',
      params: { version: '3', user: 'b.admin' },
    };
    expect(codedProblemText(ja, stale)).toBe(
      '書き出し後に回答が変更されています（現在は版 3、更新者 b.admin）。もう一度書き出してください。',
    );
    expect(codedProblemText(en, stale)).toBe(
      'The answer was changed since the export (now version 3 by b.admin); export again.',
    );
  });

  it('falls back to the English phrase for an unknown code or none', () => {
    expect(codedProblemText(ja, { problem: 'required' })).toBe('入力してください。');
    expect(codedProblemText(en, { problem: 'odd', code: 'workbook.from_the_future' })).toBe(
      'Invalid value (odd).',
    );
  });

  it('words a phrase without a code with the given rules', () => {
    const rules = (_t: unknown, phrase: string) => `<${phrase}>`;
    expect(codedProblemText(ja, { problem: 'odd' }, rules)).toBe('<odd>');
    expect(codedProblemText(ja, { problem: 'x', code: 'answer.expected_number' }, rules)).toBe(
      '数値を入力してください。',
    );
  });
});

describe('survey problems from the server', () => {
  it('word a rejected workbook row, an answer value problem and the whole file in Japanese', () => {
    const [formula, outside] = workbookProblems([
      {
        field: 'Answers!3:gv.policy',
        problem: 'a cell holds a formula; type the value instead',
        code: 'workbook.formula',
        params: {},
      },
      {
        field: 'Answers!4:op.count',
        problem: '12 is outside 0-10',
        code: 'answer.number_outside',
        params: { value: '12', min: '0', max: '10' },
      },
    ]);
    expect(formula.row).toBe(3);
    expect(workbookReasonText(ja, formula)).toBe(
      'セルに数式があります。値を直接入力してください。',
    );
    expect(workbookReasonText(ja, outside)).toBe(
      '12 は範囲外です。0〜10 の範囲で入力してください。',
    );
    const [file] = workbookProblems([
      {
        field: 'workbook',
        problem: 'this workbook was exported for another campaign or institution; export yours',
        code: 'workbook.other_campaign',
        params: {},
      },
    ]);
    expect(file.row).toBeNull();
    expect(workbookReasonText(ja, file)).toBe(
      'このワークブックは別の調査または別の金融機関のために書き出されたものです。自機関の調査票から書き出してください。',
    );
    const [old] = workbookProblems([{ field: 'Answers!5:x', problem: 'must rhyme' }]);
    expect(workbookReasonText(en, old)).toBe('Invalid value (must rhyme).');
  });

  it('word an answer save problem from its code, a form phrase without one by its rules', () => {
    const level = {
      field: 'id.asset_inventory',
      problem: 'maturity level 7 is outside 0-4',
      code: 'answer.maturity_outside',
      params: { level: '7' },
    };
    expect(fieldProblemText(ja, level)).toBe('成熟度 7 は 0〜4 の範囲外です。');
    expect(fieldProblemText(en, level)).toBe('Maturity level 7 is outside 0-4.');
    expect(fieldProblemText(en, { field: 'deadline', problem: 'today or later' })).toBe(
      'Choose today or a later date.',
    );
  });

  it('word a bank problem from its code, keeping where and the rule', () => {
    const [problem] = bankProblems([
      {
        field: 'item op.count',
        problem: 'missing_text: text needs its English text',
        code: 'bank.text_missing_en',
        params: { field: 'text' },
      },
    ]);
    expect(problem.where).toBe('item op.count');
    expect(problem.rule).toBe('missing_text');
    expect(bankProblemText(ja, problem)).toBe('text の英語が必要です。');
    expect(bankProblemText(en, problem)).toBe('text needs its English text.');
  });
});
