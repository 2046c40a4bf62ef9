import { describe, expect, it } from '@jest/globals';
import { generateTestKey, signJws } from '../testing/index.js';
import {
  checkBeforeKey,
  checkClaims,
  checkKeyFits,
  checkLifetime,
  decodeUntrusted,
  verifyAccessToken,
  type TokenPolicy,
  type VerificationKey,
} from './access-token.js';
import { AuthMessages } from './auth-messages.js';
import { InvalidTokenError } from './bearer-errors.js';

const ISSUER = 'https://idp.example.com/oauth2/default';
const policy: TokenPolicy = {
  issuer: ISSUER,
  audiences: ['api://default'],
  algorithms: ['RS256', 'PS256', 'ES256'],
  clockSkewSeconds: 60,
  requireAtJwt: false,
};
const NOW = 1_800_000_000;
const rsa = generateTestKey('RS256', { kid: 'rsa-1' });
/** The key as the store holds it; `null` for a JWK that publishes no `alg`. */
const vk = (key = rsa, alg: string | null = key.alg): VerificationKey => ({
  kid: key.kid,
  key: key.publicKey,
  alg: alg ?? undefined,
});
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: 'api://default',
  sub: 'user-1',
  scope: 'messages:read',
  exp: NOW + 300,
  iat: NOW,
  ...extra,
});
const token = (extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  signJws({ alg: 'RS256', typ: 'at+jwt', kid: 'rsa-1', ...header }, claims(extra), rsa.privateKey);

function reasonOf(run: () => unknown): [string, string] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidTokenError) return [error.reason, error.message];
    throw error;
  }
  throw new Error('expected a rejection');
}
const beforeKey = (t: string, p = policy) => reasonOf(() => checkBeforeKey(decodeUntrusted(t), p));
const claimsCheck = (c: Record<string, unknown>) => reasonOf(() => checkClaims(c, policy, NOW));

describe('decodeUntrusted', () => {
  it.each([
    ['an opaque token', 'abcdef', 'it is opaque, not a JWT'],
    ['a JWE', 'a.b.c.d.e', 'it is encrypted (JWE), not signed'],
    ['two parts', 'a.b', 'it has 2 parts instead of 3'],
    ['a header that is not base64url', '!!!.e30.c2ln', 'its header is not base64url'],
    ['a header that is not JSON', 'bm90IGpzb24.e30.c2ln', 'its header is not JSON'],
    [
      'a header that is an array',
      `${Buffer.from('[1]').toString('base64url')}.e30.c2ln`,
      'its header is not a JSON object',
    ],
  ])('refuses %s', (_name, t, why) => {
    expect(reasonOf(() => decodeUntrusted(t))).toEqual([
      'malformed_token',
      AuthMessages.malformedToken(why),
    ]);
  });

  it.each([['"a string"'], ['[1,2]'], ['null'], ['42']])('refuses the payload %s', (payload) => {
    const t = signJws({ alg: 'RS256', kid: 'rsa-1' }, payload, rsa.privateKey);
    expect(reasonOf(() => decodeUntrusted(t))[0]).toBe('payload_not_object');
  });
});

describe('checkBeforeKey', () => {
  it('accepts a good token', () => {
    expect(() => checkBeforeKey(decodeUntrusted(token()), policy)).not.toThrow();
  });

  it.each(['none', 'None', 'NONE', 'nOnE', 'HS256', 'HS512', 'RS1', 'ES256K', 'EdDSA', 42])(
    'refuses alg %p',
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
  ])('refuses %s', (_name, header) => {
    expect(beforeKey(token({}, header))[0]).toBe('unsupported_header');
  });

  it.each([undefined, 'JWT', 'jwt', 'at+jwt', 'AT+JWT', 'application/at+jwt'])(
    'accepts typ %p',
    (typ) => {
      expect(() => checkBeforeKey(decodeUntrusted(token({}, { typ })), policy)).not.toThrow();
    },
  );

  it.each(['logout+jwt', 'dpop+jwt', 'secevent+jwt', 'JOSE', 'id_token', 7])(
    'refuses typ %p',
    (typ) => {
      expect(beforeKey(token({}, { typ }))).toEqual([
        'wrong_token_type',
        AuthMessages.wrongTokenType(typ),
      ]);
    },
  );

  it('requires at+jwt in strict RFC 9068 mode', () => {
    const strict = { ...policy, requireAtJwt: true };
    expect(beforeKey(token({}, { typ: 'JWT' }), strict)[0]).toBe('wrong_token_type');
    expect(beforeKey(token({}, { typ: undefined }), strict)[0]).toBe('wrong_token_type');
    expect(() => checkBeforeKey(decodeUntrusted(token()), strict)).not.toThrow();
  });

  it.each([
    ['another host', 'https://evil.example.org'],
    ['the same host, another server', 'https://idp.example.com'],
    ['a trailing slash', `${ISSUER}/`],
    ['a different case', ISSUER.toUpperCase()],
  ])('compares the issuer exactly: %s', (_name, iss) => {
    expect(beforeKey(token({ iss }))).toEqual([
      'wrong_issuer',
      AuthMessages.wrongIssuer(iss, ISSUER),
    ]);
  });

  it('refuses an unsigned token with an allowed alg', () => {
    const unsigned = token().replace(/[^.]+$/, '');
    expect(beforeKey(unsigned)).toEqual([
      'malformed_token',
      AuthMessages.malformedToken('it has no signature'),
    ]);
  });

  it('refuses a token without issuer or kid', () => {
    expect(beforeKey(token({ iss: undefined }))[0]).toBe('wrong_issuer');
    expect(beforeKey(token({}, { kid: undefined }))).toEqual([
      'missing_kid',
      AuthMessages.missingKid(),
    ]);
  });

  it('ignores key-pointing headers: jku, x5u, jwk and x5c never change the outcome', () => {
    const header = {
      jku: 'http://127.0.0.1:1/jwks',
      x5u: 'http://127.0.0.1:1/x',
      jwk: rsa.jwk,
      x5c: ['AAAA'],
    };
    expect(() => checkBeforeKey(decodeUntrusted(token({}, header)), policy)).not.toThrow();
  });
});

describe('checkKeyFits (one key, one algorithm)', () => {
  const ec = generateTestKey('ES256', { kid: 'ec-1' });
  const ec384 = generateTestKey('ES384', { kid: 'ec-2' });

  it.each([
    ['RS256 with an RSA key that says RS256', 'RS256', vk()],
    ['PS256 with an RSA key that publishes no alg', 'PS256', vk(rsa, null)],
    ['ES256 with a P-256 key', 'ES256', vk(ec)],
  ])('accepts %s', (_name, alg, key) => {
    expect(() => checkKeyFits(alg, key)).not.toThrow();
  });

  it.each([
    ['PS256 with a key published for RS256', 'PS256', vk()],
    ['ES256 with an RSA key', 'ES256', vk(rsa, null)],
    ['RS256 with an EC key', 'RS256', vk(ec, null)],
    ['ES256 with a P-384 key', 'ES256', vk(ec384, null)],
  ])('refuses %s', (_name, alg, key) => {
    expect(reasonOf(() => checkKeyFits(alg, key))[0]).toBe('algorithm_key_mismatch');
  });
});

describe('checkClaims', () => {
  it('accepts good claims, including within the clock skew', () => {
    expect(() => checkClaims(claims(), policy, NOW)).not.toThrow();
    expect(() => checkClaims(claims({ exp: NOW - 30 }), policy, NOW)).not.toThrow();
    expect(() => checkClaims(claims({ nbf: NOW + 30 }), policy, NOW)).not.toThrow();
    expect(() =>
      checkClaims(claims({ aud: ['other', 'api://default'] }), policy, NOW),
    ).not.toThrow();
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
  ])('refuses %s', (_name, extra, reason, message) => {
    const c = claims(extra);
    for (const [k, v] of Object.entries(extra)) if (v === undefined) delete c[k as keyof typeof c];
    expect(claimsCheck(c)).toEqual([reason, message]);
  });

  it('calls a scope-less token whose audience is its client an ID token, even when aud matches', () => {
    const idToken = claims({ aud: 'api://default', azp: 'api://default', scope: undefined });
    delete (idToken as Record<string, unknown>).scope;
    expect(claimsCheck(idToken)[0]).toBe('id_token');
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
    let error: unknown;
    try {
      checkLifetime(c, policy, NOW, { kid: 'rsa-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect((error as InvalidTokenError).reason).toBe(reason);
    expect((error as InvalidTokenError).summary).toEqual({ kid: 'rsa-1' });
  });
});

describe('verifyAccessToken', () => {
  const resolve = (key: VerificationKey) => () => Promise.resolve(key);

  it('returns the principal of a good token', async () => {
    const { principal } = await verifyAccessToken(
      token({ client_id: 'c1' }),
      policy,
      resolve(vk()),
      NOW,
    );
    expect(principal).toMatchObject({
      sub: 'user-1',
      scopes: ['messages:read'],
      issuer: ISSUER,
      clientId: 'c1',
      expiresAt: new Date((NOW + 300) * 1000),
    });
  });

  it('refuses a bad signature', async () => {
    const other = generateTestKey('RS256', { kid: 'rsa-1' });
    const forged = signJws({ alg: 'RS256', kid: 'rsa-1' }, claims(), other.privateKey);
    await expect(verifyAccessToken(forged, policy, resolve(vk()), NOW)).rejects.toMatchObject({
      reason: 'bad_signature',
      message: AuthMessages.badSignature('rsa-1'),
    });
  });

  it('never looks a key up for a foreign issuer', async () => {
    let lookups = 0;
    const counting = () => {
      lookups++;
      return Promise.resolve(vk());
    };
    await expect(
      verifyAccessToken(token({ iss: 'https://evil' }), policy, counting, NOW),
    ).rejects.toMatchObject({
      reason: 'wrong_issuer',
    });
    expect(lookups).toBe(0);
  });

  it('checks the signature before the claims', async () => {
    const other = generateTestKey('RS256', { kid: 'rsa-1' });
    const forgedExpired = signJws(
      { alg: 'RS256', kid: 'rsa-1' },
      claims({ exp: 1 }),
      other.privateKey,
    );
    await expect(
      verifyAccessToken(forgedExpired, policy, resolve(vk()), NOW),
    ).rejects.toMatchObject({
      reason: 'bad_signature',
    });
  });

  it('refuses HS256 signed with the public key as the secret (CVE-2022-23541 class)', async () => {
    const secret = rsa.publicKey.export({ format: 'pem', type: 'spki' });
    const hs = signJws({ alg: 'HS256', kid: 'rsa-1' }, claims(), secret);
    const open = { ...policy, algorithms: ['RS256', 'HS256'] };
    await expect(verifyAccessToken(hs, open, resolve(vk(rsa, null)), NOW)).rejects.toMatchObject({
      reason: 'algorithm_key_mismatch',
    });
  });
});
