import { describe, expect, it } from '@jest/globals';
import { describeRequirements, securityRequirements } from './route-security.js';

describe('security requirements from a route rule', () => {
  it.each([
    ['a public route', { isPublic: true, scopes: { all: ['a'], anyOf: [] } }, []],
    ['any valid token', { isPublic: false }, [{ oidc: [] }]],
    [
      'all of a and b',
      { isPublic: false, scopes: { all: ['a', 'b'], anyOf: [] } },
      [{ oidc: ['a', 'b'] }],
    ],
    [
      'a, and one of b or c',
      { isPublic: false, scopes: { all: ['a'], anyOf: [['b', 'c']] } },
      [{ oidc: ['a', 'b'] }, { oidc: ['a', 'c'] }],
    ],
    [
      'one of a or b, twice over (no redundant alternative)',
      {
        isPublic: false,
        scopes: {
          all: [],
          anyOf: [
            ['a', 'b'],
            ['b', 'a'],
          ],
        },
      },
      [{ oidc: ['a'] }, { oidc: ['b'] }],
    ],
  ])('%s', (_name, route, expected) => {
    expect(securityRequirements(route)).toEqual(expected);
  });

  it('describes them for a summary', () => {
    expect(describeRequirements([{ oidc: [] }])).toBe('any valid access token');
    expect(describeRequirements([{ oidc: ['a', 'b'] }])).toBe('scope a + b');
    expect(describeRequirements([{ oidc: ['a'] }, { oidc: ['b'] }])).toBe('scope a or b');
  });
});
