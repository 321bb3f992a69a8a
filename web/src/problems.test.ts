import { describe, expect, it } from 'vitest';
import { translate, type MessageKey, type Params } from './i18n';
import { problemText } from './problems';

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
