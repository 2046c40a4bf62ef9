import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  TEST_ISSUER,
  generateTestKey,
  keyResolverFor,
  signJws,
  testPolicy,
  type TestKey,
} from '../testing/index.js';
import {
  ACCESS_TOKEN_CHECKS,
  verifyAccessToken as verifyNowOrLater,
  type VerifiedToken,
} from './access-token.js';
import { AuthMessages } from './auth-messages.js';
import { InvalidTokenError } from './bearer-errors.js';
import { checkKeyFits } from './key-fit.js';
import type { VerificationKey } from './token-policy.js';

/** A refusal thrown synchronously (key held) or rejected (key fetched) alike, as a rejection. */
const verifyAccessToken = async (
  ...args: Parameters<typeof verifyNowOrLater>
): Promise<VerifiedToken> => verifyNowOrLater(...args);

const policy = testPolicy({ algorithms: ['RS256', 'PS256', 'ES256'] });
const NOW = 1_800_000_000;
const rsa = generateTestKey('RS256', { kid: 'rsa-1' });
/** The key as the store holds it; `null` for a JWK that publishes no `alg`. */
const vk = (key: TestKey = rsa, alg: string | null = key.alg): VerificationKey => ({
  kid: key.kid,
  key: key.publicKey,
  alg: alg ?? undefined,
});
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: TEST_ISSUER,
  aud: 'api://default',
  sub: 'user-1',
  scope: 'messages:read',
  exp: NOW + 300,
  iat: NOW,
  ...extra,
});
const token = (extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  signJws({ alg: 'RS256', typ: 'at+jwt', kid: 'rsa-1', ...header }, claims(extra), rsa.privateKey);
const resolve = (key: VerificationKey) => () => Promise.resolve(key);

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidTokenError) return error.reason;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('checkKeyFits (one key, one algorithm)', () => {
  const ec = generateTestKey('ES256', { kid: 'ec-1' });
  const ec384 = generateTestKey('ES384', { kid: 'ec-2' });
  const pss: VerificationKey = {
    kid: 'pss-1',
    key: generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey,
  };

  it.each([
    ['RS256 with an RSA key that says RS256', 'RS256', vk()],
    ['PS256 with an RSA key that publishes no alg', 'PS256', vk(rsa, null)],
    ['ES256 with a P-256 key', 'ES256', vk(ec)],
    ['PS256 with an RSA-PSS key', 'PS256', pss],
  ])('accepts %s', (_name, alg, key) => {
    expect(() => checkKeyFits(alg, key)).not.toThrow();
  });

  it.each([
    ['PS256 with a key published for RS256', 'PS256', vk()],
    ['ES256 with an RSA key', 'ES256', vk(rsa, null)],
    ['RS256 with an EC key', 'RS256', vk(ec, null)],
    ['ES256 with a P-384 key', 'ES256', vk(ec384, null)],
    ['RS256 with an RSA-PSS key (RFC 8017 keeps it to PSS)', 'RS256', pss],
    ['PS256 with an EC key', 'PS256', vk(ec, null)],
  ])('refuses %s', (_name, alg, key) => {
    expect(reasonOf(() => checkKeyFits(alg, key))).toBe('algorithm_key_mismatch');
  });

  it.each([
    ['the alg its JWK publishes', vk(), 'PS256', 'RS256'],
    ['its key type when its JWK publishes no alg', vk(ec, null), 'RS256', 'ec keys'],
    [
      '"unknown" for a key with no asymmetric type',
      { kid: 'hs', key: createSecretKey(Buffer.alloc(32)) },
      'RS256',
      'unknown keys',
    ],
  ])('names %s in the refusal', (_name, key, alg, keyAlg) => {
    expect(() => checkKeyFits(alg, key)).toThrow(
      AuthMessages.algorithmKeyMismatch(alg, key.kid, keyAlg),
    );
  });
});

describe('verifyAccessToken', () => {
  it('lists its checks in the order it runs them', () => {
    expect(ACCESS_TOKEN_CHECKS).toEqual([
      'format',
      'issuer',
      'algorithm',
      'header',
      'type',
      'kid',
      'key',
      'key_fits',
      'signature',
      'token_use',
      'lifetime',
      'audience',
      'subject',
    ]);
  });

  it('returns the principal of a good token, the kid that verified it and its authority', async () => {
    const { principal, kid, authority } = await verifyAccessToken(
      token({ client_id: 'c1' }),
      policy,
      resolve(vk()),
      NOW,
    );
    expect(kid).toBe('rsa-1');
    expect(authority).toBe(TEST_ISSUER);
    expect(principal).toMatchObject({
      sub: 'user-1',
      scopes: ['messages:read'],
      issuer: TEST_ISSUER,
      clientId: 'c1',
      exp: NOW + 300,
    });
    expect(principal.expiresAt).toEqual(new Date((NOW + 300) * 1000));
  });

  it('takes the client from client_id, azp, cid or appid: the first that is a non-empty string', async () => {
    const clientOf = async (extra: Record<string, unknown>) =>
      (await verifyAccessToken(token(extra), policy, resolve(vk()), NOW)).principal.clientId;
    await expect(clientOf({ client_id: '', azp: 'spa' })).resolves.toBe('spa');
    await expect(clientOf({ azp: '', cid: 'okta-app' })).resolves.toBe('okta-app');
    await expect(clientOf({ appid: 'entra-app' })).resolves.toBe('entra-app');
    await expect(clientOf({ client_id: '' })).resolves.toBeUndefined();
  });

  it('answers at once when the key is held, and through a promise only when it must wait', async () => {
    const held = verifyNowOrLater(token(), policy, () => vk(), NOW);
    expect(held).not.toBeInstanceOf(Promise);
    expect((held as Awaited<typeof held>).principal.sub).toBe('user-1');
    expect(() => verifyNowOrLater(token({ aud: 'x' }), policy, () => vk(), NOW)).toThrow(
      expect.objectContaining({ reason: 'wrong_audience' }),
    );

    const fetched = verifyNowOrLater(token(), policy, resolve(vk()), NOW);
    expect(fetched).toBeInstanceOf(Promise);
    await expect(fetched).resolves.toMatchObject({ kid: 'rsa-1', principal: { sub: 'user-1' } });
    const late = verifyNowOrLater(token({ aud: 'x' }), policy, resolve(vk()), NOW);
    await expect(late).rejects.toMatchObject({
      reason: 'wrong_audience',
      summary: { iss: TEST_ISSUER, kid: 'rsa-1', aud: 'x' },
    });
  });

  it.each([
    ['PS256', { alg: 'PS256' }],
    ['ES256', { alg: 'ES256' }],
  ])('verifies %s signatures', async (alg) => {
    const key = generateTestKey(alg, { kid: `${alg}-1` });
    const t = signJws({ alg, kid: key.kid }, claims(), key.privateKey);
    const { kid } = await verifyAccessToken(t, policy, keyResolverFor(key), NOW);
    expect(kid).toBe(key.kid);
  });

  it('refuses a bad signature, naming the key', async () => {
    const other = generateTestKey('RS256', { kid: 'rsa-1' });
    const forged = signJws({ alg: 'RS256', kid: 'rsa-1' }, claims(), other.privateKey);
    await expect(verifyAccessToken(forged, policy, resolve(vk()), NOW)).rejects.toMatchObject({
      reason: 'bad_signature',
      message: AuthMessages.badSignature('rsa-1'),
      summary: { iss: TEST_ISSUER, kid: 'rsa-1', sub: 'user-1', aud: 'api://default' },
    });
  });

  it('refuses an ES256 signature of the wrong size as a bad signature, not an error', async () => {
    const ec = generateTestKey('ES256', { kid: 'ec-1' });
    const good = signJws({ alg: 'ES256', kid: 'ec-1' }, claims(), ec.privateKey);
    const cut = good.slice(0, good.lastIndexOf('.') + 1) + 'AAAA';
    await expect(verifyAccessToken(cut, policy, keyResolverFor(ec), NOW)).rejects.toMatchObject({
      reason: 'bad_signature',
    });
  });

  it('refuses a refusal without a stack trace: refusals are answers, not bugs', async () => {
    const error = await verifyAccessToken(token({ aud: 'x' }), policy, resolve(vk()), NOW).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error?.stack).not.toMatch(/\n\s+at /);
  });

  it('never looks a key up for a foreign issuer', async () => {
    let lookups = 0;
    const counting = () => {
      lookups++;
      return Promise.resolve(vk());
    };
    await expect(
      verifyAccessToken(token({ iss: 'https://evil' }), policy, counting, NOW),
    ).rejects.toMatchObject({ reason: 'wrong_issuer' });
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

  it('refuses a token without sub (RFC 9068 §2.2)', async () => {
    await expect(
      verifyAccessToken(token({ sub: undefined }), policy, resolve(vk()), NOW),
    ).rejects.toMatchObject({ reason: 'missing_sub', message: AuthMessages.missingSub() });
  });
});

describe('the principal', () => {
  const principalOf = async (t: string) =>
    (await verifyAccessToken(t, policy, resolve(vk()), NOW)).principal;

  it('cannot be changed by one request for the next: frozen through and through', async () => {
    const principal = await principalOf(
      token({ realm_access: { roles: ['reader'] }, groups: ['a'] }),
    );
    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal.scopes)).toBe(true);
    expect(Object.isFrozen(principal.claims)).toBe(true);
    expect(Object.isFrozen(principal.claims.realm_access)).toBe(true);
    expect(Object.isFrozen((principal.claims.realm_access as { roles: string[] }).roles)).toBe(
      true,
    );
    expect(Object.isFrozen(principal.claims.groups)).toBe(true);

    principal.expiresAt.setTime(0);
    expect(principal.expiresAt).toEqual(new Date((NOW + 300) * 1000));
  });

  it('takes nothing from a __proto__ claim: its claims keep their own prototype', async () => {
    const payload = JSON.stringify(claims()).replace(
      /}$/,
      ',"__proto__":{"roles":["messages.moderator"],"scope":"admin"}}',
    );
    const t = signJws({ alg: 'RS256', typ: 'at+jwt', kid: 'rsa-1' }, payload, rsa.privateKey);
    const principal = await principalOf(t);
    expect(Object.getPrototypeOf(principal.claims)).toBe(Object.prototype);
    expect(principal.claims.roles).toBeUndefined();
    expect(principal.scopes).toEqual(['messages:read']);
  });
});
