import { describe, expect, it } from 'vitest';
import { en } from './en';
import { ja } from './ja';
import { hasMessage, translate } from '.';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('define the same keys with non-empty text', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const [key, text] of Object.entries({ ...ja, ...en })) {
      expect(text.trim(), key).not.toBe('');
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(ja) as (keyof typeof ja)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(ja[key]));
    }
  });

  it('use the agreed Japanese terms', () => {
    expect(ja['nav.orgs']).toBe('組織');
    expect(ja['nav.users']).toBe('利用者');
    expect(ja['orgs.sector']).toBe('業態');
    expect(ja['role.coordination_office']).toBe('調整室');
    expect(ja['kind.regulator']).toBe('規制当局');
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'orgs.range', { from: 1, to: 100, total: 130 })).toBe(
      'Showing 1–100 of 130',
    );
    expect(translate('ja', 'orgs.total', { total: 130 })).toBe('130 件');
    expect(translate('en', 'orgs.total')).toBe('{total} organisations');
  });

  it('knows which server codes have messages', () => {
    expect(hasMessage('role.auditor')).toBe(true);
    expect(hasMessage('role.pilot')).toBe(false);
    expect(hasMessage('toString')).toBe(false);
  });
});
