import { describe, expect, it } from 'vitest';
import {
  cursorTrailText,
  isCurator,
  parseCursorTrail,
  relationKey,
  splitAtPosition,
  tlpBadge,
  warningHitsText,
} from './hub';

describe('tlpBadge', () => {
  it('writes the official label and a class per level', () => {
    expect(tlpBadge('amber+strict')).toEqual({
      text: 'TLP:AMBER+STRICT',
      className: 'tlp tlp-amber-strict',
    });
    expect(tlpBadge('clear').text).toBe('TLP:CLEAR');
  });
});

describe('splitAtPosition', () => {
  it('counts code points, as the server does', () => {
    expect(splitAtPosition("[a:b = '日本'x", 10)).toEqual({
      before: "[a:b = '日本",
      marked: "'",
      after: 'x',
    });
    expect(splitAtPosition('😀ab', 1)).toEqual({ before: '😀', marked: 'a', after: 'b' });
  });
  it('marks a space past the end and clamps wild positions', () => {
    expect(splitAtPosition('[a', 2)).toEqual({ before: '[a', marked: ' ', after: '' });
    expect(splitAtPosition('ab', -4).before).toBe('');
  });
});

describe('cursor trail', () => {
  it('round-trips and drops what is not a cursor', () => {
    expect(parseCursorTrail(cursorTrailText(['12', '7']) ?? null)).toEqual(['12', '7']);
    expect(parseCursorTrail('12,<script>,7')).toEqual(['12', '7']);
    expect(cursorTrailText([])).toBeUndefined();
    expect(parseCursorTrail(null)).toEqual([]);
  });
});

describe('hub roles and relations', () => {
  it('curators are the coordination office and ISAC analysts', () => {
    expect(isCurator('isac_analyst')).toBe(true);
    expect(isCurator('institution_admin')).toBe(false);
  });
  it('maps relations to messages', () => {
    expect(relationKey('contains')).toBe('hub.relation.contains');
    expect(relationKey('anything')).toBe('hub.relation.same');
  });
});

describe('warningHitsText', () => {
  it('names each list with the entry hit, in the order given', () => {
    expect(
      warningHitsText([
        { list: 'fincyber: well-known sites', entry: 'google.com' },
        { list: 'sector test hosts', entry: 'intranet.bank.example' },
      ]),
    ).toBe('fincyber: well-known sites (google.com), sector test hosts (intranet.bank.example)');
    expect(warningHitsText([])).toBe('');
  });
});
