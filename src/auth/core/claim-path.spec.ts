import { describe, expect, it } from '@jest/globals';
import { claimPath, readClaim } from './claim-path.js';

/** Claims as the verifier hands them over: parsed from the token's JSON. */
const parsed = (json: string) => JSON.parse(json) as Record<string, unknown>;

describe('claimPath', () => {
  it('splits a dotted path once, and keeps the whole name', () => {
    expect(claimPath('realm_access.roles')).toEqual({
      name: 'realm_access.roles',
      segments: ['realm_access', 'roles'],
    });
    expect(claimPath('roles').segments).toEqual(['roles']);
    expect(Object.isFrozen(claimPath('a.b').segments)).toBe(true);
  });
});

describe('readClaim', () => {
  it.each([
    ['a top-level claim', { roles: ['a'] }, 'roles', ['a']],
    ['a nested path (Keycloak)', { realm_access: { roles: ['a'] } }, 'realm_access.roles', ['a']],
    [
      'a deeper path (Keycloak client roles)',
      { resource_access: { 'my-api': { roles: ['b'] } } },
      'resource_access.my-api.roles',
      ['b'],
    ],
    [
      'a namespaced name with dots, read whole (Auth0)',
      { 'https://example.com/roles': ['c'] },
      'https://example.com/roles',
      ['c'],
    ],
    ['a missing claim', {}, 'roles', undefined],
    ['a missing step of the path', { realm_access: {} }, 'realm_access.roles', undefined],
    ['a path through a string', { realm_access: 'x' }, 'realm_access.length', undefined],
    ['a path through an array', { list: [['a']] }, 'list.0', undefined],
    ['a path through null', { realm_access: null }, 'realm_access.roles', undefined],
  ])('reads %s', (_name, claims, name, expected) => {
    expect(readClaim(claims, claimPath(name))).toEqual(expected);
  });

  it('prefers the claim named exactly so over the path reading', () => {
    const claims = { 'realm_access.roles': ['whole'], realm_access: { roles: ['nested'] } };
    expect(readClaim(claims, claimPath('realm_access.roles'))).toEqual(['whole']);
  });

  it('lets a claim named exactly so win even when its value is of no use', () => {
    const claims = { 'a.b': null, a: { b: ['nested'] } };
    expect(readClaim(claims, claimPath('a.b'))).toBeNull();
  });

  it.each([
    ['constructor', 'constructor'],
    ['toString', 'toString'],
    ['__proto__', '__proto__'],
    ['a path into the prototype', 'constructor.name'],
    ['a path through __proto__', '__proto__.polluted'],
    ['hasOwnProperty', 'a.hasOwnProperty'],
  ])('finds nothing the token did not send: %s', (_name, name) => {
    expect(readClaim(parsed('{"a":{}}'), claimPath(name))).toBeUndefined();
  });

  it('reads a __proto__ claim the token did send as plain data, never as a prototype', () => {
    const claims = parsed('{"__proto__":{"roles":["admin"]},"x":{"__proto__":["y"]}}');
    expect(readClaim(claims, claimPath('__proto__.roles'))).toEqual(['admin']);
    expect(readClaim(claims, claimPath('x.__proto__'))).toEqual(['y']);
    expect(readClaim(claims, claimPath('roles'))).toBeUndefined();
  });

  it('never runs a getter', () => {
    let ran = false;
    const claims = Object.defineProperty({}, 'roles', {
      enumerable: true,
      get: () => {
        ran = true;
        return ['a'];
      },
    });
    expect(readClaim(claims, claimPath('roles'))).toBeUndefined();
    expect(ran).toBe(false);
  });
});
