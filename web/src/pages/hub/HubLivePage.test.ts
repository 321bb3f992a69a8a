import { describe, expect, it } from 'vitest';
import { liveStreamUrl } from './HubLivePage';

describe('liveStreamUrl', () => {
  it('is the bare stream without filters', () => {
    expect(liveStreamUrl({ type: '', tlp: '', collection: '' })).toBe('/api/v1/hub/stream');
  });

  it('encodes every filter, the + of amber+strict included', () => {
    expect(liveStreamUrl({ type: 'indicator', tlp: 'amber+strict', collection: 'a b&c' })).toBe(
      '/api/v1/hub/stream?type=indicator&tlp=amber%2Bstrict&collection=a+b%26c',
    );
  });
});
