import { describe, expect, it } from '@jest/globals';
import { checkScopes, mergeRequirements, parseScopes, requiredScopeList } from './scopes.js';

describe('parseScopes', () => {
  it.each([
    ['scope as a space-separated string (RFC 9068)', { scope: 'a b  c' }, ['a', 'b', 'c']],
    ['scp as an array (Okta)', { scp: ['a', 'b'] }, ['a', 'b']],
    ['scp as a space-separated string (Entra)', { scp: 'a b' }, ['a', 'b']],
    [
      'scope and scp together, without duplicates',
      { scope: 'a b', scp: ['b', 'c'] },
      ['a', 'b', 'c'],
    ],
    ['one scope twice', { scope: 'a a' }, ['a']],
    ['no scope claim', {}, []],
    ['non-string entries are ignored', { scp: ['a', 1, null, ''] }, ['a']],
    ['a non-string scope is ignored', { scope: 42 }, []],
  ])('reads %s', (_name, claims, expected) => {
    expect(parseScopes(claims)).toEqual(expected);
  });
});

describe('checkScopes', () => {
  const granted = new Set(['messages:read', 'profile']);

  it('passes when every required scope is granted', () => {
    expect(checkScopes(granted, { all: ['messages:read', 'profile'], anyOf: [] }).ok).toBe(true);
  });

  it('names the missing scopes', () => {
    expect(checkScopes(granted, { all: ['messages:read', 'messages:write'], anyOf: [] })).toEqual({
      ok: false,
      missing: ['messages:write'],
      unmetAnyOf: undefined,
    });
  });

  it.each(['messages:readwrite', 'Messages:Read', 'messages:rea', 'messages'])(
    'matches exactly: %s does not satisfy messages:read',
    (scope) => {
      expect(checkScopes(new Set([scope]), { all: ['messages:read'], anyOf: [] }).ok).toBe(false);
    },
  );

  it('needs one scope of each any-of group', () => {
    const rule = {
      all: [],
      anyOf: [
        ['admin', 'profile'],
        ['messages:read', 'x'],
      ],
    };
    expect(checkScopes(granted, rule).ok).toBe(true);
    const unmet = checkScopes(granted, { all: [], anyOf: [['admin', 'root']] });
    expect(unmet).toMatchObject({ ok: false, unmetAnyOf: ['admin', 'root'] });
  });
  it.each([
    ['a longer scope', ['reports:exporter', 'admin2']],
    ['a shorter scope', ['reports:expor', 'admi']],
    ['another case', ['Reports:Export', 'ADMIN']],
    ['both names run together', ['reports:export admin', 'reports:exportadmin']],
  ])('matches any-of groups exactly: %s satisfies no group', (_name, near) => {
    const rule = { all: [], anyOf: [['reports:export', 'admin']] };
    expect(checkScopes(new Set(near), rule)).toEqual({
      ok: false,
      missing: [],
      unmetAnyOf: ['reports:export', 'admin'],
    });
    expect(checkScopes(new Set([...near, 'admin']), rule)).toEqual({
      ok: true,
      missing: [],
      unmetAnyOf: undefined,
    });
  });
});

describe('mergeRequirements', () => {
  it('adds handler scopes to class scopes', () => {
    const merged = mergeRequirements({ all: ['a'], anyOf: [['x', 'y']] }, undefined, {
      all: ['a', 'b'],
      anyOf: [['z']],
    });
    expect(merged).toEqual({ all: ['a', 'b'], anyOf: [['x', 'y'], ['z']] });
    expect(requiredScopeList(merged!)).toEqual(['a', 'b', 'x', 'y', 'z']);
  });

  it('is undefined when nothing is required', () => {
    expect(mergeRequirements(undefined, undefined)).toBeUndefined();
  });
});
