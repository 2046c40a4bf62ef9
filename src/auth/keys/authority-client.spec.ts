import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { AuthMessages } from '../core/auth-messages.js';
import { AuthorityUnavailableError, InvalidTokenError } from '../core/bearer-errors.js';
import { TestAuthority, generateTestKey, type TestKey } from '../testing/index.js';
import { AuthorityClient } from './authority-client.js';
import type { KeyStoreOptions } from './jwks-key-store.js';

/** `resolveKey` answers a held key at once; a promise either way, for `rejects`/`resolves`. */
const keyOf = (c: AuthorityClient, kid: string) => Promise.resolve(c.resolveKey(kid));

let authority: TestAuthority;
let firstKey: TestKey;
let clock = 0;

beforeAll(async () => {
  authority = await TestAuthority.start({ path: '/tenant' });
  firstKey = authority.signingKey;
});
afterAll(() => authority.close());
afterEach(() => {
  authority.jwks = 'ok';
  authority.discovery = 'ok';
  authority.wellKnown = 'openid-configuration';
  authority.extraJwks = [];
  // Each test gets a new client, so the one key can serve them all (RSA keys take ~0.3 s to make).
  authority.keys = [firstKey];
  authority.resetFetches();
});

/** A client with a manual clock, so refills, backoff and key age are exact. */
function client(keyStore: Partial<KeyStoreOptions> = {}, timeoutMs = 5000) {
  clock = 1_000_000;
  return new AuthorityClient({
    authority: authority.issuer,
    requireHttpsMetadata: false,
    limits: { timeoutMs, maxBytes: 64 * 1024 },
    keyStore: { now: () => clock, ...keyStore },
  });
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('AuthorityClient: discovery', () => {
  it('finds the JWKS through OpenID discovery', async () => {
    const metadata = await client().metadata();
    expect(metadata).toMatchObject({ issuer: authority.issuer, jwksUri: authority.jwksUri });
  });

  it('falls back to RFC 8414 (/.well-known/oauth-authorization-server/<path>)', async () => {
    authority.wellKnown = 'oauth-authorization-server';
    const metadata = await client().metadata();
    expect(metadata.source).toBe(
      `${authority.origin}/.well-known/oauth-authorization-server/tenant`,
    );
  });

  it('refuses a document whose issuer is not the authority', async () => {
    const other = new AuthorityClient({
      authority: `${authority.issuer}/`,
      requireHttpsMetadata: false,
    });
    const error = await rejection(other.metadata());
    expect(String(error)).toContain('is not the configured authority');
  });

  it('refuses an http jwks_uri when HTTPS metadata is required', async () => {
    const strict = new AuthorityClient({
      authority: authority.issuer,
      requireHttpsMetadata: true,
    });
    expect(String(await rejection(strict.metadata()))).toContain('its jwks_uri is not https');
  });

  it('does not cache a failed discovery: it recovers once the endpoint is back', async () => {
    const c = client({ failureBackoffMs: 1000 });
    authority.discovery = 'down';
    expect(await rejection(keyOf(c, authority.signingKey.kid))).toBeInstanceOf(
      AuthorityUnavailableError,
    );
    authority.discovery = 'ok';
    expect(await rejection(keyOf(c, authority.signingKey.kid))).toBeInstanceOf(
      AuthorityUnavailableError,
    ); // still within the backoff: no new request
    clock += 1001;
    await expect(keyOf(c, authority.signingKey.kid)).resolves.toMatchObject({
      kid: authority.signingKey.kid,
    });
  });
});

describe('AuthorityClient: keys', () => {
  it('makes one JWKS fetch for 100 concurrent cold lookups', async () => {
    const c = client();
    const keys = await Promise.all(
      Array.from({ length: 100 }, () => keyOf(c, authority.signingKey.kid)),
    );
    expect(new Set(keys.map((k) => k.key)).size).toBe(1);
    expect(authority.fetches).toEqual({ jwks: 1, discovery: 1 });
  });

  it('keeps keys as KeyObjects with their JWK alg', async () => {
    const key = await keyOf(client(), authority.signingKey.kid);
    expect(key.key.type).toBe('public');
    expect(key.key.asymmetricKeyType).toBe('rsa');
    expect(key.alg).toBe('RS256');
  });

  it('finds a rotated key on its first request, with one shared refetch', async () => {
    const c = client();
    await keyOf(c, authority.signingKey.kid);
    const next = authority.rotate();
    const found = await Promise.all(Array.from({ length: 20 }, () => keyOf(c, next.kid)));
    expect(found.every((k) => k.kid === next.kid)).toBe(true);
    expect(authority.fetches.jwks).toBe(2);
  });

  it('answers an unknown kid with its name and the issuer searched', async () => {
    const error = await rejection(keyOf(client(), 'nobody'));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect((error as InvalidTokenError).message).toBe(
      AuthMessages.unknownKid('nobody', authority.issuer),
    );
  });

  it('spends at most the refresh budget on a flood of random kids', async () => {
    const c = client({ burst: 3, refillPerMinute: 6 });
    await keyOf(c, authority.signingKey.kid);
    for (let i = 0; i < 50; i++) await rejection(keyOf(c, randomUUID()));
    expect(authority.fetches.jwks).toBe(1 + 3);
    clock += 10_000; // one token refilled
    const next = authority.rotate();
    await expect(keyOf(c, next.kid)).resolves.toMatchObject({ kid: next.kid });
    expect(authority.fetches.jwks).toBe(5);
  });

  it.each(['down', 'garbage', 'error', 'empty'] as const)(
    'keeps serving known keys while the JWKS is %s (stale-if-error)',
    async (fault) => {
      const c = client({ maxAgeMs: 1000 });
      const kid = authority.signingKey.kid;
      await keyOf(c, kid);
      authority.jwks = fault;
      clock += 5000; // keys are now stale: a background refresh runs and fails
      await expect(keyOf(c, kid)).resolves.toMatchObject({ kid });
      await c.keyStore?.refresh();
      await expect(keyOf(c, kid)).resolves.toMatchObject({ kid });
      expect(authority.fetches.jwks).toBeGreaterThan(1);
      expect(c.keyStore?.lastFetchError?.part).toBe('keys');
    },
  );

  it.each(['down', 'garbage', 'error', 'empty'] as const)(
    'answers 503 (not 401) for an uncached key while the JWKS is %s',
    async (fault) => {
      authority.jwks = fault;
      const error = await rejection(keyOf(client(), authority.signingKey.kid));
      expect(error).toBeInstanceOf(AuthorityUnavailableError);
      expect((error as AuthorityUnavailableError).message).toBe(
        AuthMessages.authorityUnavailable('signing keys'),
      );
    },
  );

  it('gives up on a slow JWKS at the time limit', async () => {
    authority.jwks = 'slow';
    authority.slowMs = 3000;
    const error = await rejection(keyOf(client({}, 200), authority.signingKey.kid));
    expect(error).toBeInstanceOf(AuthorityUnavailableError);
  });

  it('recovers by itself after an outage, once the backoff has passed', async () => {
    const c = client({ failureBackoffMs: 1000 });
    authority.jwks = 'down';
    await rejection(keyOf(c, authority.signingKey.kid));
    authority.jwks = 'ok';
    clock += 1001;
    const key = await keyOf(c, authority.signingKey.kid);
    expect(key.kid).toBe(authority.signingKey.kid);
    expect(key.key.equals(authority.signingKey.publicKey)).toBe(true);
  });

  it('never uses encryption keys, symmetric keys, private keys or RSA keys under 2048 bits', async () => {
    const enc = generateTestKey();
    const priv = generateTestKey();
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    authority.extraJwks = [
      { ...enc.jwk, kid: 'enc', use: 'enc' },
      { kty: 'oct', kid: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ', alg: 'HS256' },
      { ...priv.privateKey.export({ format: 'jwk' }), kid: 'private', alg: 'RS256' },
      { ...weak.export({ format: 'jwk' }), kid: 'weak', alg: 'RS256', use: 'sig' },
    ];
    const c = client();
    for (const kid of ['enc', 'oct', 'private', 'weak']) {
      expect(await rejection(keyOf(c, kid))).toBeInstanceOf(InvalidTokenError);
    }
  });

  it('reports keys that left the JWKS', async () => {
    const removed: string[][] = [];
    const c = client({ onKeysRemoved: (kids) => removed.push(kids) });
    const old = authority.signingKey.kid;
    await keyOf(c, old);
    const next = authority.rotate({ keepOld: false });
    await keyOf(c, next.kid);
    expect(removed).toEqual([[old]]);
    expect(await rejection(keyOf(c, old))).toBeInstanceOf(InvalidTokenError);
  });

  it('reports a kid that now names another key or another alg, not one that is unchanged', async () => {
    const removed: string[][] = [];
    const c = client({ onKeysRemoved: (kids) => removed.push(kids) });
    const [kept, swapped, realg] = [generateTestKey(), generateTestKey(), generateTestKey()];
    authority.keys = [kept, swapped, realg];
    await keyOf(c, kept.kid);
    authority.keys = [
      kept,
      generateTestKey('RS256', { kid: swapped.kid }),
      { ...realg, jwk: { ...realg.jwk, alg: 'RS512' } },
    ];
    clock += 60_000;
    await c.keyStore?.refresh();
    expect(removed).toEqual([[swapped.kid, realg.kid]]);
  });
});

describe('AuthorityClient: answers when the authority cannot be asked', () => {
  it.each([
    [1000, 1],
    [2500, 3],
    [0, 1],
  ])('asks to retry after a backoff of %p ms in %p whole seconds', async (backoff, seconds) => {
    authority.jwks = 'down';
    const error = await rejection(
      keyOf(client({ failureBackoffMs: backoff }), authority.signingKey.kid),
    );
    expect(error).toBeInstanceOf(AuthorityUnavailableError);
    expect((error as AuthorityUnavailableError).retryAfterSeconds).toBe(seconds);
  });

  it('names the metadata, not the keys, when discovery failed', async () => {
    authority.discovery = 'down';
    const error = await rejection(keyOf(client(), authority.signingKey.kid));
    expect(error).toBeInstanceOf(AuthorityUnavailableError);
    expect((error as Error).message).toBe(AuthMessages.authorityUnavailable('metadata'));
  });
});

describe('AuthorityClient: check (readiness and the doctor)', () => {
  it('reports the document and the keys it holds', async () => {
    await expect(client().check()).resolves.toEqual({
      issuer: authority.issuer,
      metadata: { ok: true, source: `${authority.issuer}/.well-known/openid-configuration` },
      keys: { ok: true, count: 1, jwksUri: authority.jwksUri, error: undefined },
    });
  });

  it('reports a discovery failure, and no keys', async () => {
    authority.discovery = 'error';
    const status = await client().check();
    expect(status.metadata).toEqual({ ok: false, error: expect.stringContaining('HTTP 500') });
    expect(status.keys).toEqual({ ok: false, count: 0, error: 'metadata unavailable' });
  });

  it('reports a JWKS failure while no key is held', async () => {
    authority.jwks = 'garbage';
    const status = await client().check();
    expect(status.metadata.ok).toBe(true);
    expect(status.keys).toEqual({
      ok: false,
      count: 0,
      jwksUri: authority.jwksUri,
      error: `keys from ${authority.jwksUri}: response is not JSON`,
    });
  });

  it('is ready on the keys it holds, without fetching them again', async () => {
    const c = client();
    await c.check();
    authority.jwks = 'down';
    await expect(c.check()).resolves.toMatchObject({ keys: { ok: true, count: 1 } });
    expect(authority.fetches.jwks).toBe(1);
  });
});
