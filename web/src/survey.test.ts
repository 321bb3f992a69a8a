import { describe, expect, it, vi } from 'vitest';
import { translate } from './i18n';
import {
  answerProblemText,
  answerText,
  Autosaver,
  bandLabel,
  bankProblems,
  daysLeft,
  deadlineFromDate,
  evidenceProblemText,
  formatBytes,
  formatChange,
  formatJapanTime,
  heatRange,
  heatStep,
  isScoredType,
  japanDate,
  looksLikeEmail,
  parseNumberInput,
  parseReminderDays,
  truncateUtf8,
  utf8Length,
  progressPercent,
  resultGaps,
  suppressionText,
  totalProgress,
  unansweredItems,
  uncoveredGaps,
  workbookProblems,
  type SaveState,
  type Timers,
} from './survey';
import type { SurveyItem, SurveySection } from './surveyApi';

const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
  translate('en', key, params);

describe('progress', () => {
  it('counts answered among shown items, rounding down, and has none when nothing is asked', () => {
    expect(progressPercent({ shown: 3, answered: 2 })).toBe(66);
    expect(progressPercent({ shown: 3, answered: 3 })).toBe(100);
    expect(progressPercent({ shown: 0, answered: 0 })).toBeNull();
    expect(progressPercent({ shown: 2, answered: 5 })).toBe(100);
  });

  it('adds sections up', () => {
    expect(
      totalProgress([
        { progress: { shown: 2, answered: 1 } },
        { progress: { shown: 0, answered: 0 } },
        { progress: { shown: 5, answered: 5 } },
      ]),
    ).toEqual({ shown: 7, answered: 6 });
  });
});

describe('heatmap scale', () => {
  it('puts scores in five equal steps with 100 in the top one', () => {
    expect(heatStep(0)).toBe(0);
    expect(heatStep(19.99)).toBe(0);
    expect(heatStep(20)).toBe(1);
    expect(heatStep(59.9)).toBe(2);
    expect(heatStep(80)).toBe(4);
    expect(heatStep(100)).toBe(4);
  });

  it('clamps out-of-range and non-finite scores', () => {
    expect(heatStep(-5)).toBe(0);
    expect(heatStep(250)).toBe(4);
    expect(heatStep(Number.NaN)).toBe(0);
  });

  it('gives each step its range for the legend', () => {
    expect(heatRange(0)).toEqual({ from: 0, to: 20 });
    expect(heatRange(4)).toEqual({ from: 80, to: 100 });
  });
});

describe('figures', () => {
  it('translates suppression reasons and falls back to the server text', () => {
    const reason = { ja: '理由', en: 'Server reason' };
    expect(suppressionText(t, 'en', { suppressed: 'too_few_peers', reason })).toMatch(
      /fewer than 5/,
    );
    expect(suppressionText(t, 'en', { suppressed: 'dominated', reason })).toMatch(
      /one institution/,
    );
    expect(suppressionText(t, 'en', { suppressed: 'new_rule', reason })).toBe('Server reason');
  });

  it('signs changes, with a true minus', () => {
    expect(formatChange(3.24, 'en')).toBe('+3.2');
    expect(formatChange(-1, 'en')).toBe('\u22121.0');
    expect(formatChange(0.01, 'en')).toBe('\u00b10.0');
  });

  it('labels known bands and shows unknown ones as sent', () => {
    expect(bandLabel(t, 'top_quarter')).toBe('Top quarter');
    expect(bandLabel(t, 'sideways')).toBe('sideways');
  });
});

describe('answers', () => {
  it('reads number fields, keeping empty and non-numbers apart', () => {
    expect(parseNumberInput(' 12 ')).toBe(12);
    expect(parseNumberInput('1,200.5')).toBe(1200.5);
    expect(parseNumberInput('')).toBeNull();
    expect(parseNumberInput('12abc')).toBeNaN();
    expect(parseNumberInput('1e400')).toBe(Infinity);
  });

  it('translates the server problems of an answer', () => {
    expect(answerProblemText(t, '1-200 bytes of UTF-8')).toBe(
      translate('en', 'survey.problem.length', { max: '200' }),
    );
    expect(answerProblemText(t, 'not answered')).toBe('This question needs an answer.');
    expect(answerProblemText(t, 'required')).toBe(translate('en', 'problem.required'));
    expect(answerProblemText(t, 'later than 2027-01-08T07:58:19.121Z')).toBe(
      'Choose a date after 2027-01-08.',
    );
    expect(answerProblemText(t, 'something new')).toContain('something new');
    // The date named is the deadline's day in Japan, not in UTC.
    expect(answerProblemText(t, 'later than 2026-12-30T23:59:59Z')).toBe(
      'Choose a date after 2026-12-31.',
    );
  });

  const item = (over: Partial<SurveyItem>): SurveyItem => ({
    id: 'x',
    text: { ja: '', en: '' },
    type: 'maturity',
    function: 'identify',
    shown: true,
    answer: null,
    ...over,
  });

  it('shows an answer as text in the UI language', () => {
    const choices = [
      { id: 'a', label: { ja: '自営', en: 'In house' } },
      { id: 'b', label: { ja: '外部委託', en: 'Outsourced' } },
    ];
    expect(answerText(t, 'en', item({ type: 'maturity' }), 3)).toBe('Level 3');
    expect(answerText(t, 'en', item({ type: 'yes_no' }), 'compensating')).toMatch(/compensating/);
    expect(answerText(t, 'en', item({ type: 'yes_no' }), 'not_applicable')).toBe('Not applicable');
    expect(
      answerText(
        t,
        'en',
        item({ type: 'number', number: { min: 0, max: 9, unit: { ja: '日', en: 'days' } } }),
        4,
      ),
    ).toBe('4 days');
    expect(answerText(t, 'en', item({ type: 'multiple_choice', choices }), ['a', 'b', 'zz'])).toBe(
      'In house, Outsourced, zz',
    );
    expect(answerText(t, 'en', item({ type: 'single_choice', choices }), null)).toBe('(cleared)');
    expect(answerText(t, 'ja', item({ type: 'evidence' }), ['規程.pdf', 'scan.png'])).toBe(
      '規程.pdf、scan.png',
    );
  });

  it('knows which items are scored', () => {
    expect(isScoredType(item({ type: 'maturity' }))).toBe(true);
    expect(isScoredType(item({ type: 'text' }))).toBe(false);
    expect(isScoredType(item({ type: 'number', number: { min: 0, max: 9 } }))).toBe(false);
    expect(isScoredType(item({ type: 'number', number: { min: 0, max: 9, met_max: 3 } }))).toBe(
      true,
    );
    expect(
      isScoredType(
        item({ type: 'single_choice', choices: [{ id: 'a', label: { ja: '', en: '' } }] }),
      ),
    ).toBe(false);
  });

  it('lists shown scored items without an answer', () => {
    const answer = {
      item_id: 'a',
      value: 2,
      comment: '',
      evidence: '',
      version: 1,
      updated_at: '',
      updated_by: '',
    };
    const sections: SurveySection[] = [
      {
        id: 's',
        title: { ja: '', en: '' },
        progress: { shown: 3, answered: 1 },
        items: [
          item({ id: 'a', answer }),
          item({ id: 'b' }),
          item({ id: 'hidden', shown: false }),
          item({ id: 'free', type: 'text' }),
        ],
      },
    ];
    expect(unansweredItems(sections)).toEqual(['b']);
  });

  it('counts whole days to a deadline', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(daysLeft('2026-01-08T12:00:00Z', now)).toBe(7);
    expect(daysLeft('2025-12-31T12:00:00Z', now)).toBe(-1);
    expect(daysLeft('not a date', now)).toBeNull();
  });
});

/** Timers run by hand. */
function manualTimers() {
  let next = 1;
  const pending = new Map<number, () => void>();
  const timers: Timers = {
    set: (fn) => {
      pending.set(next, fn);
      return next++;
    },
    clear: (handle) => pending.delete(handle as number),
  };
  const fire = () => {
    const due = [...pending.entries()];
    pending.clear();
    for (const [, fn] of due) fn();
  };
  return { timers, fire, count: () => pending.size };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('Autosaver', () => {
  it('saves only the last value after a quiet period', async () => {
    const { timers, fire } = manualTimers();
    const saved: number[] = [];
    const states: SaveState[] = [];
    const saver = new Autosaver<number>(
      async (v) => {
        saved.push(v);
      },
      (s) => states.push(s),
      500,
      timers,
    );
    saver.change(1);
    saver.change(2);
    saver.change(3);
    expect(saved).toEqual([]);
    fire();
    await settle();
    expect(saved).toEqual([3]);
    expect(states.at(-1)).toBe('saved');
    expect(states).toContain('saving');
  });

  it('never overlaps saves and saves a change made during one afterwards', async () => {
    const { timers, fire } = manualTimers();
    const saved: number[] = [];
    let release: () => void = () => {};
    let running = 0;
    let maxRunning = 0;
    const saver = new Autosaver<number>(
      (v) =>
        new Promise<void>((resolve) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          saved.push(v);
          release = () => {
            running--;
            resolve();
          };
        }),
      () => {},
      500,
      timers,
    );
    saver.change(1);
    fire();
    saver.change(2);
    fire(); // quiet period ends while the first save is still running
    expect(saved).toEqual([1]);
    release();
    await settle();
    expect(saver.current).toBe('pending');
    fire();
    await settle();
    expect(saved).toEqual([1, 2]);
    release();
    await settle();
    expect(maxRunning).toBe(1);
    expect(saver.current).toBe('saved');
  });

  it('reports a failed save and recovers on the next change', async () => {
    const { timers, fire } = manualTimers();
    const save = vi.fn().mockRejectedValueOnce(new Error('400')).mockResolvedValue(undefined);
    let lastError: unknown;
    const saver = new Autosaver<number>(save, (_s, e) => (lastError = e), 500, timers);
    saver.change(100);
    fire();
    await settle();
    expect(saver.current).toBe('error');
    expect((lastError as Error).message).toBe('400');
    saver.change(10);
    await saver.flush();
    expect(saver.current).toBe('saved');
    expect(save).toHaveBeenLastCalledWith(10);
  });

  it('flushes at once and drops a pending value on dispose', async () => {
    const { timers, count } = manualTimers();
    const save = vi.fn().mockResolvedValue(undefined);
    const saver = new Autosaver<string>(save, () => {}, 500, timers);
    saver.change('a');
    await saver.flush();
    expect(save).toHaveBeenCalledWith('a');
    expect(count()).toBe(0);
    saver.change('b');
    saver.dispose();
    expect(count()).toBe(0);
    await saver.flush();
    expect(save).toHaveBeenCalledTimes(1);
  });
});

describe('deadlines in Japan time', () => {
  it('stores the end of the chosen day in Japan', () => {
    expect(deadlineFromDate('2026-12-31')).toBe('2026-12-31T14:59:59Z');
    expect(new Date(deadlineFromDate('2026-12-31')).getTime()).toBe(
      Date.parse('2026-12-31T23:59:59+09:00'),
    );
  });

  it("reads an instant's calendar day in Japan across the UTC date line", () => {
    expect(japanDate('2026-12-31T14:59:59Z')).toBe('2026-12-31');
    expect(japanDate('2026-12-31T15:00:00Z')).toBe('2027-01-01');
    expect(japanDate('2026-12-30T23:59:59Z')).toBe('2026-12-31');
    expect(japanDate('not a date')).toBe('not a date');
  });

  it('formats in Tokyo time with the zone named, whatever the browser zone', () => {
    const ja = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
      translate('ja', key, params);
    const en = formatJapanTime(t, '2026-12-31T14:59:59Z', 'en');
    expect(en).toMatch(/31 Dec 2026/);
    expect(en).toMatch(/23:59/);
    expect(en).toMatch(/\(Japan time\)$/);
    const text = formatJapanTime(ja, '2026-12-31T14:59:59Z', 'ja');
    expect(text).toMatch(/2026\/12\/31 23:59/);
    expect(text).toMatch(/（日本時間）$/);
    expect(formatJapanTime(t, 'garbage', 'en')).toBe('garbage');
  });
});

describe('reminder days', () => {
  it('reads distinct whole days, largest first, full-width digits and commas allowed', () => {
    expect(parseReminderDays('14, 7, 1')).toEqual({ days: [14, 7, 1] });
    expect(parseReminderDays('1 7 14 7')).toEqual({ days: [14, 7, 1] });
    expect(parseReminderDays('３０、１０')).toEqual({ days: [30, 10] });
    expect(parseReminderDays('365')).toEqual({ days: [365] });
  });

  it('names what is wrong with bad or hostile input', () => {
    expect(parseReminderDays('')).toEqual({ problem: 'empty' });
    expect(parseReminderDays(' , ')).toEqual({ problem: 'empty' });
    expect(parseReminderDays('7.5')).toEqual({ problem: 'format' });
    expect(parseReminderDays('-1')).toEqual({ problem: 'format' });
    expect(parseReminderDays('7; DROP TABLE')).toEqual({ problem: 'format' });
    expect(parseReminderDays('9'.repeat(400))).toEqual({ problem: 'format' });
    expect(parseReminderDays('0, 7')).toEqual({ problem: 'range' });
    expect(parseReminderDays('366')).toEqual({ problem: 'range' });
    expect(parseReminderDays('1,2,3,4,5,6,7,8,9,10,11')).toEqual({ problem: 'count' });
    expect(parseReminderDays('1,2,3,4,5,6,7,8,9,10')).toEqual({
      days: [10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
    });
  });
});

describe('question bank problems', () => {
  it('splits the rule from the message and keeps details without a rule whole', () => {
    expect(
      bankProblems([
        { field: 'item a.two', problem: 'unknown_item: answer(a.zero) names no earlier item' },
        { field: 'id', problem: 'must be test-bank' },
        { field: 'bank', problem: 'required: title.en: text: with: colons' },
      ]),
    ).toEqual([
      {
        where: 'item a.two',
        rule: 'unknown_item',
        message: 'answer(a.zero) names no earlier item',
      },
      { where: 'id', rule: '', message: 'must be test-bank' },
      { where: 'bank', rule: 'required', message: 'title.en: text: with: colons' },
    ]);
    expect(bankProblems([])).toEqual([]);
  });
});

describe('remediation gaps', () => {
  const items = [
    { item_id: 'a', met: true, not_applicable: false },
    { item_id: 'b', met: false, not_applicable: false },
    { item_id: 'c', met: false, not_applicable: true },
    { item_id: 'd', met: false, not_applicable: false },
  ];

  it('are the scored items neither met nor not applicable, in order', () => {
    expect(resultGaps(items)).toEqual(['b', 'd']);
    expect(resultGaps(undefined)).toEqual([]);
  });

  it('less those an item already addresses', () => {
    expect(uncoveredGaps(['b', 'd'], [{ item_ids: ['d'] }])).toEqual(['b']);
    expect(uncoveredGaps(['b', 'd'], [{ item_ids: ['b', 'd'] }])).toEqual([]);
    expect(uncoveredGaps(['b'], [])).toEqual(['b']);
  });
});

describe('contact address', () => {
  it('looks like an address or is refused before sending', () => {
    expect(looksLikeEmail('survey@bank.example.jp')).toBe(true);
    expect(looksLikeEmail('no-at-sign')).toBe(false);
    expect(looksLikeEmail('a@b')).toBe(false);
    expect(looksLikeEmail('x@y.jp\r\nBcc: z@evil.example')).toBe(false);
    expect(looksLikeEmail('"A" <a@b.jp>')).toBe(false);
    expect(looksLikeEmail(`${'a'.repeat(250)}@b.jp`)).toBe(false);
  });
});

describe('evidence files', () => {
  const refused = (
    code: string,
    message: string,
    details: { field: string; problem: string }[] = [],
  ) => evidenceProblemText(t, 'en', { code, message, details });

  it('sizes in binary units as the limits are set', () => {
    expect(formatBytes(10 * 1024 * 1024, 'en')).toBe('10 MB');
    expect(formatBytes(1536, 'en')).toBe('1.5 KB');
    expect(formatBytes(12, 'en')).toBe('12 B');
    expect(formatBytes(209_715_200, 'ja')).toBe('200 MB');
  });

  it("says which of the server's limits a file broke, with the limit", () => {
    expect(refused('resource_exhausted', 'the file is larger than 10485760 bytes')).toBe(
      'The file is too large. Attach files of 10 MB or less.',
    );
    expect(
      refused('failed_precondition', 'item a.one already has 20 files; remove one first', [
        { field: 'file', problem: 'too many files' },
      ]),
    ).toBe('At most 20 files can be attached to one question.');
    expect(
      refused('resource_exhausted', "the institution's evidence would exceed 209715200 bytes"),
    ).toContain('200 MB');
    expect(refused('resource_exhausted', 'request body too large')).toBe('The file is too large.');
  });

  it('names refused kinds, empty and truncated files, mismatched names and the lock', () => {
    const kinds = 'PDF, PNG, JPEG, XLSX, DOCX, UTF-8 text or CSV';
    expect(refused('invalid_argument', 'x', [{ field: 'file', problem: kinds }])).toContain(
      'not accepted',
    );
    expect(refused('invalid_argument', 'x', [{ field: 'file', problem: 'empty' }])).toBe(
      'An empty file cannot be attached.',
    );
    expect(refused('invalid_argument', 'x', [{ field: 'file', problem: 'truncated' }])).toBe(
      'The PDF file is cut off.',
    );
    expect(
      refused('invalid_argument', 'x', [{ field: 'filename', problem: '.pdf for a PDF' }]),
    ).toBe("The file's name does not match its content (use .pdf).");
    expect(refused('invalid_argument', 'the file name is not UTF-8 text')).toBe(
      "The file's name cannot be read.",
    );
    expect(refused('failed_precondition', 'submitted')).toContain('cannot change');
    expect(refused('not_found', 'no such item')).toBeNull();
  });
});

describe('answer workbook problems', () => {
  it('reads sheet, row and item from each rejected row, and keeps other details whole', () => {
    expect(
      workbookProblems([
        { field: '回答!12:id.asset_inventory', problem: 'maturity level 7 is outside 0-4' },
        { field: 'Answers!3:x!y:z', problem: 'unknown item' },
        { field: 'workbook', problem: 'exported for this campaign and institution' },
      ]),
    ).toEqual([
      {
        sheet: '回答',
        row: 12,
        item: 'id.asset_inventory',
        reason: 'maturity level 7 is outside 0-4',
      },
      { sheet: 'Answers', row: 3, item: 'x!y:z', reason: 'unknown item' },
      {
        sheet: '',
        row: null,
        item: 'workbook',
        reason: 'exported for this campaign and institution',
      },
    ]);
  });
});

describe('UTF-8 limits', () => {
  it('counts bytes as the server does and cuts on a character boundary', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('経営陣')).toBe(9);
    expect(utf8Length('🔒')).toBe(4);
    expect(truncateUtf8('経営陣は', 7)).toBe('経営');
    expect(truncateUtf8('a🔒b', 4)).toBe('a');
    expect(truncateUtf8('a🔒b', 5)).toBe('a🔒');
    expect(truncateUtf8('short', 200)).toBe('short');
    const long = '設'.repeat(100);
    expect(utf8Length(truncateUtf8(long, 200))).toBe(198);
  });

  it("translates the remediation service's field problems", () => {
    expect(answerProblemText(t, '1..200 bytes of UTF-8')).toBe(
      'Enter at most 200 bytes (a Japanese character takes 3).',
    );
    expect(answerProblemText(t, 'today or later')).toBe('Choose today or a later date.');
    expect(answerProblemText(t, 'a date YYYY-MM-DD')).toBe('Enter a date.');
    expect(answerProblemText(t, 'required for accepted_risk')).toBe(
      translate('en', 'survey.rem.noteForRisk'),
    );
  });
});
