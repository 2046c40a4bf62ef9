import { describe, expect, it } from '@jest/globals';
import { claimPath } from './claim-path.js';
import { toPrincipal } from './principal.js';
import { readRoles } from './roles.js';

describe('readRoles: every shape a roles claim comes in', () => {
  it.each([
    ['an array of strings (Entra roles, Okta groups)', ['a', 'b'], ['a', 'b']],
    ['a space-separated string', 'a b  c', ['a', 'b', 'c']],
    ['a single role as a string', 'admin', ['admin']],
    ['duplicates, once each, in order', ['b', 'a', 'b'], ['b', 'a']],
    ['one role twice', ['admin', 'admin'], ['admin']],
    ['a mixed array: its strings count, the rest is ignored', ['a', 1, null, { b: 1 }, ''], ['a']],
    ['an empty array', [], []],
    ['an empty string', '', []],
    ['an object', { admin: true }, []],
    ['a number', 42, []],
    ['a boolean', true, []],
    ['null', null, []],
    ['an array of numbers', [1, 2], []],
    ['nested arrays', [['a']], []],
  ])('%s', (_name, value, expected) => {
    expect(readRoles({ roles: value })).toEqual(expected);
  });

  it('matches exactly: names keep their case and inner characters', () => {
    expect(readRoles({ roles: ['Admin', 'messages.moderator', 'Orders.Read.All'] })).toEqual([
      'Admin',
      'messages.moderator',
      'Orders.Read.All',
    ]);
  });

  it.each([
    ['Entra', 'roles', { roles: ['Orders.Read.All'] }],
    ['Okta', 'groups', { groups: ['Everyone', 'admins'], roles: ['ignored'] }],
    ['Keycloak', 'realm_access.roles', { realm_access: { roles: ['admins'] } }],
    ['Auth0 RBAC', 'permissions', { permissions: ['read:messages'] }],
    ['a namespaced claim', 'https://example.com/roles', { 'https://example.com/roles': 'x y' }],
  ])('reads %s from %s', (_provider, name, claims) => {
    expect(readRoles(claims, claimPath(name)).length).toBeGreaterThan(0);
    expect(readRoles(claims, claimPath(name))).not.toContain('ignored');
  });

  it('reads nothing when the configured claim is absent', () => {
    expect(readRoles({ groups: ['a'] })).toEqual([]);
    expect(readRoles({ roles: ['a'] }, claimPath('groups'))).toEqual([]);
  });
});

describe('the principal carries its roles', () => {
  const claims = () => ({ sub: 'u', iss: 'https://i', exp: 1, scope: 'a', groups: ['g1', 'g2'] });

  it('from the configured claim, frozen, built once', () => {
    const principal = toPrincipal(claims(), claimPath('groups'));
    expect(principal.roles).toEqual(['g1', 'g2']);
    expect(Object.isFrozen(principal.roles)).toBe(true);
    expect(principal.roles).toBe(principal.roles);
  });

  it('from roles by default, and none when the token has no such claim', () => {
    expect(toPrincipal({ ...claims(), roles: 'r' }).roles).toEqual(['r']);
    expect(toPrincipal(claims()).roles).toEqual([]);
  });

  it('never fails on a roles claim of another type', () => {
    expect(toPrincipal({ ...claims(), roles: { admin: true } }).roles).toEqual([]);
  });
});
