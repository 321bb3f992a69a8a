import { describe, expect, it } from 'vitest';
import { href, matchPath, parseHash } from './router';

describe('router', () => {
  it('parses path and query from the hash', () => {
    const loc = parseHash('#/orgs?kind=bureau&q=%E5%B1%80');
    expect(loc.path).toBe('/orgs');
    expect(loc.query.get('kind')).toBe('bureau');
    expect(loc.query.get('q')).toBe('局');
    expect(parseHash('').path).toBe('/');
    expect(parseHash('#orgs').path).toBe('/orgs');
  });

  it('matches patterns and decodes params', () => {
    expect(matchPath('/orgs/:id', '/orgs/a%2Fb')).toEqual({ id: 'a/b' });
    expect(matchPath('/orgs/:id', '/orgs')).toBeNull();
    expect(matchPath('/orgs', '/users')).toBeNull();
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/orgs/:id', '/orgs/%E0')).toBeNull();
  });

  it('builds hrefs without empty values', () => {
    expect(href('/orgs', { kind: 'isac', sector: '', offset: 100 })).toBe(
      '#/orgs?kind=isac&offset=100',
    );
    expect(href('/')).toBe('#/');
  });
});
