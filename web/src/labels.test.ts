import { describe, expect, it } from 'vitest';
import { translate, type MessageKey, type Params } from './i18n';
import { kindLabel, orgName, orgSizeTierText, roleLabel, sectorLabel } from './labels';

const ja = (key: MessageKey, params?: Params) => translate('ja', key, params);
const en = (key: MessageKey, params?: Params) => translate('en', key, params);

describe('labels', () => {
  it('prefer the server sector labels and fall back to the built-in ones', () => {
    const sectors = [
      {
        code: 'major_bank',
        name_ja: 'メガバンク',
        name_en: 'Megabank',
        default_size_tier: 'large' as const,
      },
    ];
    expect(sectorLabel(ja, 'ja', sectors, 'major_bank')).toBe('メガバンク');
    expect(sectorLabel(en, 'en', sectors, 'major_bank')).toBe('Megabank');
    expect(sectorLabel(ja, 'ja', sectors, 'shinkin_bank')).toBe('信用金庫');
    expect(sectorLabel(en, 'en', [], 'crypto_asset')).toBe('Crypto-asset exchange');
    expect(sectorLabel(en, 'en', [], 'pawnshop')).toBe('pawnshop');
    expect(sectorLabel(ja, 'ja', [], null)).toBe('—');
  });

  it('name roles, kinds and organisations in the current language', () => {
    expect(roleLabel(ja, 'institution_admin')).toBe('金融機関管理者');
    expect(roleLabel(en, 'exercise_controller')).toBe('Exercise controller');
    expect(kindLabel(ja, 'bureau')).toBe('局');
    const org = { name_ja: '監督局', name_en: 'Supervision Bureau' };
    expect(orgName(org, 'en')).toBe('Supervision Bureau');
    expect(orgName({ ...org, name_en: '' }, 'en')).toBe('監督局');
  });

  it("give an institution's own size tier or its category's default, said as such", () => {
    const sectors = [
      { code: 'shinkin_bank', name_ja: '', name_en: '', default_size_tier: 'small' as const },
    ];
    const bank = { kind: 'institution' as const, sector: 'shinkin_bank', size_tier: null };
    expect(orgSizeTierText(ja, sectors, { ...bank, size_tier: 'large' })).toBe('大規模');
    expect(orgSizeTierText(en, sectors, { ...bank, size_tier: 'medium' })).toBe('Medium');
    expect(orgSizeTierText(ja, sectors, bank)).toBe('業態の既定（小規模）');
    expect(orgSizeTierText(en, sectors, bank)).toBe('Category default (Small)');
    expect(orgSizeTierText(en, [], bank)).toBe('Category default (—)');
    expect(orgSizeTierText(ja, sectors, { kind: 'bureau', sector: null, size_tier: null })).toBe(
      '—',
    );
  });
});
