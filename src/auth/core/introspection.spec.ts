import { describe, expect, it } from '@jest/globals';
import { generateTestKey, signJws, testPolicy, TEST_ISSUER } from '../testing/index.js';
import { AuthMessages } from './auth-messages.js';
import { InvalidTokenError } from './bearer-errors.js';
import { claimPath } from './claim-path.js';
import { checkIntrospection, introspects, isJwsCompact } from './introspection.js';

const now = 1_800_000_000;
const policy = testPolicy({ rolesClaim: claimPath('groups') });
const active = (fields: Record<string, unknown> = {}) => ({
  active: true,
  iss: TEST_ISSUER,
  aud: 'api://default',
  sub: 'alice',
  exp: now + 300,
  scope: 'messages:read messages:write',
  ...fields,
});
const refusal = (answer: Record<string, unknown>) => {
  try {
    checkIntrospection(answer, policy, now);
  } catch (error) {
    return error as InvalidTokenError;
  }
  throw new Error('expected a refusal');
};

describe('isJwsCompact / introspects: which tokens go to introspection', () => {
  const jwt = signJws(
    { alg: 'RS256', kid: 'k' },
    { sub: 'a' },
    generateTestKey('RS256').privateKey,
  );

  it.each([
    [jwt, true],
    ['2YotnFZFEjr1zCsicMWpAA', false],
    ['a.b.c', false],
    ['eyJhbGciOiJIUzI1NiJ9.e30', false], // a header with alg, but two parts
    ['eyJmb28iOjF9.e30.sig', false], // a header without alg
    ['', false],
  ])('%s is a JWS: %s', (token, expected) => {
    expect(isJwsCompact(token)).toBe(expected);
  });

  it('sends opaque tokens under opaque, every token under all, none under off', () => {
    expect([introspects('opaque', 'ref'), introspects('opaque', jwt)]).toEqual([true, false]);
    expect([introspects('all', 'ref'), introspects('all', jwt)]).toEqual([true, true]);
    expect([introspects('off', 'ref'), introspects('off', jwt)]).toEqual([false, false]);
  });
});

describe('checkIntrospection: the JWT rules on an RFC 7662 answer', () => {
  it('builds the same principal as a JWT: scopes from scope, roles from the roles claim', () => {
    const { principal, authority } = checkIntrospection(
      active({ groups: ['messages.moderator'], client_id: 'web' }),
      policy,
      now,
    );
    expect(authority).toBe(TEST_ISSUER);
    expect(principal).toMatchObject({
      sub: 'alice',
      scopes: ['messages:read', 'messages:write'],
      roles: ['messages.moderator'],
      issuer: TEST_ISSUER,
      clientId: 'web',
      exp: now + 300,
    });
    expect(Object.isFrozen(principal.claims)).toBe(true);
  });

  it('takes the first authority as issuer when the answer names none, and skips an absent aud', () => {
    const { principal } = checkIntrospection(
      active({ iss: undefined, aud: undefined }),
      policy,
      now,
    );
    expect(principal.issuer).toBe(TEST_ISSUER);
  });

  it.each([
    ['active: false', { active: false }, 'token_inactive', AuthMessages.tokenInactive()],
    ['active as a string', { active: 'true' }, 'token_inactive', AuthMessages.tokenInactive()],
    [
      'an unlisted iss',
      { iss: 'https://evil.example.com' },
      'wrong_issuer',
      AuthMessages.wrongIssuer('https://evil.example.com', TEST_ISSUER),
    ],
    [
      'another audience',
      { aud: ['api://other'] },
      'wrong_audience',
      AuthMessages.wrongAudience(['api://other'], ['api://default']),
    ],
    ['a past exp', { exp: now - 3600 }, 'expired', AuthMessages.expired(now - 3600)],
    ['no exp', { exp: undefined }, 'missing_exp', AuthMessages.missingExp()],
    ['a future nbf', { nbf: now + 3600 }, 'not_yet_valid', AuthMessages.notYetValid(now + 3600)],
    ['no sub', { sub: undefined }, 'missing_sub', AuthMessages.missingSub()],
    [
      'a refresh token',
      { token_type: 'refresh_token' },
      'wrong_token_type',
      AuthMessages.introspectionTokenType('refresh_token'),
    ],
  ])('refuses %s', (_what, fields, reason, message) => {
    const error = refusal(active(fields));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect([error.reason, error.message]).toEqual([reason, message]);
  });

  it('accepts token_type Bearer in any case', () => {
    expect(() => checkIntrospection(active({ token_type: 'bearer' }), policy, now)).not.toThrow();
  });
});
