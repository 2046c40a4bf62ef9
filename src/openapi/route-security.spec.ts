import { describe, expect, it } from '@jest/globals';
import {
  describeRequirements,
  describeRoles,
  forbiddenDescription,
  securityRequirements,
} from './route-security.js';

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

describe('roles and policies beside the scopes', () => {
  it.each([
    ['all of them', { all: ['a', 'b'], anyOf: [] }, 'a + b'],
    ['one group', { all: [], anyOf: [['a', 'b']] }, 'a or b'],
    ['all, and one of a group', { all: ['a'], anyOf: [['b', 'c']] }, 'a + (b or c)'],
    ['a group of one', { all: ['a'], anyOf: [['b']] }, 'a + b'],
    [
      'two groups',
      {
        all: [],
        anyOf: [
          ['a', 'b'],
          ['c', 'd'],
        ],
      },
      '(a or b) + (c or d)',
    ],
  ])('labels roles: %s', (_name, roles, label) => {
    expect(describeRoles(roles)).toBe(label);
  });

  it('says what a 403 means for each kind of rule the route has', () => {
    expect(forbiddenDescription({ isPublic: false })).toBeUndefined();
    const scopes = { all: ['a'], anyOf: [] };
    expect(forbiddenDescription({ isPublic: false, scopes })).toMatch(/^insufficient_scope: /);
    const all = forbiddenDescription({ isPublic: false, scopes, roles: scopes, policies: ['p'] });
    expect(all?.split('; or ')).toEqual([
      expect.stringMatching(/^insufficient_scope: /),
      expect.stringMatching(/^Forbidden, no challenge: .*x-roles/),
      expect.stringMatching(/^Forbidden, no challenge: .*x-policies/),
    ]);
  });
});
