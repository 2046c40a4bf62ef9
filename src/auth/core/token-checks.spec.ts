import { describe, expect, it } from '@jest/globals';
import { TEST_ISSUER, generateTestKey, signJws, testPolicy } from '../testing/index.js';
import { AuthMessages } from './auth-messages.js';
import { InvalidTokenError } from './bearer-errors.js';
import { decodeToken } from './decoded-token.js';
import { CLAIM_CHECKS, HEADER_CHECKS, checkLifetime, type TokenCheck } from './token-checks.js';

const policy = testPolicy({ algorithms: ['RS256', 'PS256', 'ES256'] });
const NOW = 1_800_000_000;
const rsa = generateTestKey('RS256', { kid: 'rsa-1' });

const claims = (extra: Record<string, unknown> = {}) => {
  const all: Record<string, unknown> = {
    iss: TEST_ISSUER,
    aud: 'api://default',
    sub: 'user-1',
    scope: 'messages:read',
    exp: NOW + 300,
    iat: NOW,
    ...extra,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined));
};
const token = (extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  signJws({ alg: 'RS256', typ: 'at+jwt', kid: 'rsa-1', ...header }, claims(extra), rsa.privateKey);

function run(checks: readonly TokenCheck[], t: string, p = policy): void {
  const decoded = decodeToken(t);
  for (const check of checks) check.run(decoded, p, NOW);
}

function reasonOf(fn: () => unknown): [string, string] {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidTokenError) return [error.reason, error.message];
    throw error;
  }
  throw new Error('expected a rejection');
}
const beforeKey = (t: string, p = policy) => reasonOf(() => run(HEADER_CHECKS, t, p));
const claimsCheck = (extra: Record<string, unknown>) =>
  reasonOf(() => run(CLAIM_CHECKS, token(extra)));

describe('HEADER_CHECKS (before any key is looked up)', () => {
  it('run in order: algorithm, header, type, kid (the issuer was routed before them)', () => {
    expect(HEADER_CHECKS.map((c) => c.name)).toEqual(['algorithm', 'header', 'type', 'kid']);
  });

  it('accept a good token', () => {
    expect(() => run(HEADER_CHECKS, token())).not.toThrow();
  });

  it.each(['none', 'None', 'NONE', 'nOnE', 'HS256', 'HS512', 'RS1', 'ES256K', 'EdDSA', 42])(
    'refuse alg %p',
    (alg) => {
      expect(beforeKey(token({}, { alg }))).toEqual([
        'algorithm_not_allowed',
        AuthMessages.algorithmNotAllowed(alg, policy.algorithms),
      ]);
    },
  );

  it.each([
    ['an unknown crit', { crit: ['exp'], exp: 1 }],
    ['an empty crit', { crit: [] }],
    ['b64: false', { b64: false }],
    ['b64: false under crit', { b64: false, crit: ['b64'] }],
  ])('refuse %s', (_name, header) => {
    expect(beforeKey(token({}, header))[0]).toBe('unsupported_header');
  });

  it('accept b64: true, the default encoding (RFC 7797 §3)', () => {
    expect(() => run(HEADER_CHECKS, token({}, { b64: true }))).not.toThrow();
  });

  it.each([undefined, 'JWT', 'jwt', 'at+jwt', 'AT+JWT', 'application/at+jwt'])(
    'accept typ %p',
    (typ) => {
      expect(() => run(HEADER_CHECKS, token({}, { typ }))).not.toThrow();
    },
  );

  it.each(['logout+jwt', 'dpop+jwt', 'secevent+jwt', 'JOSE', 'id_token', 7])(
    'refuse typ %p',
    (typ) => {
      expect(beforeKey(token({}, { typ }))).toEqual([
        'wrong_token_type',
        AuthMessages.wrongTokenType(typ),
      ]);
    },
  );

  it('require at+jwt in strict RFC 9068 mode', () => {
    const strict = { ...policy, requireAtJwt: true };
    expect(beforeKey(token({}, { typ: 'JWT' }), strict)[0]).toBe('wrong_token_type');
    expect(beforeKey(token({}, { typ: undefined }), strict)[0]).toBe('wrong_token_type');
    expect(() => run(HEADER_CHECKS, token(), strict)).not.toThrow();
  });

  it('refuse an unsigned token with an allowed alg', () => {
    const unsigned = token().replace(/[^.]+$/, '');
    expect(beforeKey(unsigned)).toEqual([
      'malformed_token',
      AuthMessages.malformedToken('it has no signature'),
    ]);
  });

  it.each([undefined, '', 42])('refuse a token with kid %p', (kid) => {
    expect(beforeKey(token({}, { kid }))).toEqual(['missing_kid', AuthMessages.missingKid()]);
  });

  it('ignore key-pointing headers: jku, x5u, jwk and x5c never change the outcome', () => {
    const header = {
      jku: 'http://127.0.0.1:1/jwks',
      x5u: 'http://127.0.0.1:1/x',
      jwk: rsa.jwk,
      x5c: ['AAAA'],
    };
    expect(() => run(HEADER_CHECKS, token({}, header))).not.toThrow();
  });
});

describe('CLAIM_CHECKS (after the signature)', () => {
  it('run in order: token_use, lifetime, audience, subject', () => {
    expect(CLAIM_CHECKS.map((c) => c.name)).toEqual([
      'token_use',
      'lifetime',
      'audience',
      'subject',
    ]);
  });

  it('accept good claims, including within the clock skew', () => {
    expect(() => run(CLAIM_CHECKS, token())).not.toThrow();
    expect(() => run(CLAIM_CHECKS, token({ exp: NOW - 30 }))).not.toThrow();
    expect(() => run(CLAIM_CHECKS, token({ nbf: NOW + 30 }))).not.toThrow();
    expect(() => run(CLAIM_CHECKS, token({ aud: ['other', 'api://default'] }))).not.toThrow();
    expect(() => run(CLAIM_CHECKS, token({ exp: 8.64e12 }))).not.toThrow();
  });

  it('accept a scope-less token issued to another client than its audience', () => {
    expect(() => run(CLAIM_CHECKS, token({ azp: 'spa-client', scope: undefined }))).not.toThrow();
  });

  it('accept a token whose audience is also its own client when it carries a scope', () => {
    const forApiAndClient = { aud: ['api://default', 'spa-client'], azp: 'spa-client' };
    expect(() => run(CLAIM_CHECKS, token(forApiAndClient))).not.toThrow();
  });

  it('find no ID token in a token that names no client, even without audience or scope', () => {
    const tokenUse = CLAIM_CHECKS.filter((c) => c.name === 'token_use');
    expect(() => run(tokenUse, token({ aud: undefined, scope: undefined }))).not.toThrow();
  });

  it.each([
    ['no exp', { exp: undefined }, 'missing_exp', AuthMessages.missingExp()],
    [
      'exp as a string',
      { exp: String(NOW + 300) },
      'invalid_claim',
      AuthMessages.invalidClaim('exp'),
    ],
    [
      'exp of Infinity (1e400)',
      { exp: Infinity },
      'invalid_claim',
      AuthMessages.invalidClaim('exp'),
    ],
    [
      'exp beyond any Date (1e300)',
      { exp: 1e300 },
      'invalid_claim',
      AuthMessages.invalidClaim('exp'),
    ],
    [
      'exp before any Date (-1e300)',
      { exp: -1e300 },
      'invalid_claim',
      AuthMessages.invalidClaim('exp'),
    ],
    [
      'nbf beyond any Date',
      { nbf: 8.64e12 + 1 },
      'invalid_claim',
      AuthMessages.invalidClaim('nbf'),
    ],
    ['nbf as a string', { nbf: 'soon' }, 'invalid_claim', AuthMessages.invalidClaim('nbf')],
    ['iat as an object', { iat: {} }, 'invalid_claim', AuthMessages.invalidClaim('iat')],
    ['expired beyond the skew', { exp: NOW - 61 }, 'expired', AuthMessages.expired(NOW - 61)],
    [
      'not yet valid beyond the skew',
      { nbf: NOW + 61 },
      'not_yet_valid',
      AuthMessages.notYetValid(NOW + 61),
    ],
    [
      'another audience',
      { aud: 'api://other' },
      'wrong_audience',
      AuthMessages.wrongAudience('api://other', ['api://default']),
    ],
    [
      'a list of other audiences',
      { aud: ['api://other', 'api://default/'] },
      'wrong_audience',
      AuthMessages.wrongAudience(['api://other', 'api://default/'], ['api://default']),
    ],
    [
      'an audience that differs by case',
      { aud: 'API://default' },
      'wrong_audience',
      AuthMessages.wrongAudience('API://default', ['api://default']),
    ],
    [
      'no audience',
      { aud: undefined },
      'wrong_audience',
      AuthMessages.wrongAudience(undefined, ['api://default']),
    ],
    ['an ID token (nonce)', { nonce: 'n' }, 'id_token', AuthMessages.idToken('it carries nonce')],
    [
      'an ID token (at_hash)',
      { at_hash: 'h' },
      'id_token',
      AuthMessages.idToken('it carries at_hash'),
    ],
    ['no sub', { sub: undefined }, 'missing_sub', AuthMessages.missingSub()],
    ['an empty sub', { sub: '' }, 'missing_sub', AuthMessages.missingSub()],
    ['a numeric sub', { sub: 42 }, 'invalid_claim', AuthMessages.subNotString(42)],
    ['a null sub', { sub: null }, 'invalid_claim', AuthMessages.subNotString(null)],
  ])('refuse %s', (_name, extra, reason, message) => {
    expect(claimsCheck(extra)).toEqual([reason, message]);
  });

  it('call a scope-less token whose audience is its client an ID token, even when aud matches', () => {
    expect(claimsCheck({ aud: 'api://default', azp: 'api://default', scope: undefined })[0]).toBe(
      'id_token',
    );
  });
});

describe('checkLifetime (run again on every cache hit)', () => {
  it.each([
    ['valid', claims(), NOW],
    ['expired, within the skew', claims({ exp: NOW - 59 }), NOW],
    ['not yet valid, within the skew', claims({ nbf: NOW + 60 }), NOW],
  ])('accepts a token %s', (_name, c, now) => {
    expect(() => checkLifetime(c, policy, now)).not.toThrow();
  });

  it.each([
    ['expired beyond the skew', claims({ exp: NOW - 60 }), 'expired'],
    ['not yet valid beyond the skew', claims({ nbf: NOW + 61 }), 'not_yet_valid'],
  ])('refuses a token %s', (_name, c, reason) => {
    expect(reasonOf(() => checkLifetime(c, policy, NOW))[0]).toBe(reason);
  });
});
