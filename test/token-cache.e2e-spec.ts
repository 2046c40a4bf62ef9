import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { AuthMessages } from '../src/auth/core/auth-messages.js';
import { VerifiedTokenCache } from '../src/auth/core/verified-token-cache.js';
import { TestAuthority } from '../src/auth/testing/index.js';
import type { HttpAdapterName } from '../src/config/http.settings.js';
import { withSignature } from './security/security-helpers.js';
import { rawRequest } from './support/raw-request.js';
import { startApi } from './support/test-api.js';

async function listening(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The verified-token cache saves work, never a check. */
describe.each<[HttpAdapterName]>([['express'], ['fastify']])('on %s', (adapter) => {
  let authority: TestAuthority;
  let app: INestApplication;
  let url: string;
  let cache: VerifiedTokenCache;

  const call = (token: string, method = 'GET') =>
    rawRequest(`${url}/api/messages`, {
      method,
      headers: ['Authorization', `Bearer ${token}`, 'Content-Type', 'application/json'],
      body: method === 'POST' ? '{"text":"hi"}' : undefined,
    });

  beforeAll(async () => {
    authority = await TestAuthority.start();
    ({ app } = await startApi({ authority, adapter, auth: { clockSkew: 0 } }));
    url = await listening(app);
    cache = app.get(VerifiedTokenCache);
  });
  afterAll(async () => {
    await app?.close();
    await authority?.close();
  });
  afterEach(() => {
    authority.jwks = 'ok';
  });

  it('keeps a verified token, and checks its scopes on every request', async () => {
    const token = authority.mint({ scope: 'messages:read' });
    const before = cache.size;
    expect((await call(token)).status).toBe(200);
    expect(cache.size).toBe(before + 1);
    expect(await call(token, 'POST')).toBeForbiddenForScopes('messages:write');
    expect((await call(token)).status).toBe(200);
  });

  it('never answers a cached token with another signature from the cache', async () => {
    const token = authority.mint({ note: 'x'.repeat(600) });
    expect(token.length).toBeGreaterThan(1024);
    expect((await call(token)).status).toBe(200);
    const signature = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
    for (const at of [0, signature.length >> 1, signature.length - 1]) {
      const changed = Buffer.from(signature);
      changed[at] ^= 0x01;
      const res = await call(withSignature(token, changed));
      expect({ at, status: res.status, body: res.body }).toMatchObject({
        at,
        status: 401,
        body: { message: AuthMessages.badSignature(kidOf(token)) },
      });
    }
    expect((await call(token)).status).toBe(200);
  });

  it('never keeps a rejected token', async () => {
    const before = cache.size;
    expect(await call(authority.bad.wrongAudience())).toBeUnauthorized('invalid_token');
    expect(cache.size).toBe(before);
  });

  it('forgets the tokens of a key that left the JWKS', async () => {
    const old = authority.mint();
    expect((await call(old)).status).toBe(200);
    authority.rotate({ keepOld: false });
    expect((await call(authority.mint())).status).toBe(200);
    const res = await call(old);
    expect(res).toBeUnauthorized('invalid_token');
    expect(res.body).toMatchObject({
      message: AuthMessages.unknownKid(kidOf(old), authority.issuer),
    });
  });

  it('refuses a cached token once it expires', async () => {
    const exp = Math.ceil(Date.now() / 1000) + 1;
    const token = authority.mint({ exp });
    expect((await call(token)).status).toBe(200);
    await sleep(exp * 1000 - Date.now() + 50);
    const res = await call(token);
    expect(res).toBeUnauthorized('invalid_token');
    expect(res.body).toMatchObject({ message: AuthMessages.expired(exp) });
  });
});

describe.each<[HttpAdapterName]>([['express'], ['fastify']])('a cold %s process', (adapter) => {
  let authority: TestAuthority;
  let app: INestApplication;

  beforeAll(async () => {
    authority = await TestAuthority.start();
  });
  afterAll(async () => {
    await app?.close();
    await authority?.close();
  });

  it('answers 100 concurrent first requests after one JWKS fetch, without a cache', async () => {
    authority.jwks = 'slow';
    authority.slowMs = 300;
    ({ app } = await startApi({ authority, adapter, auth: { tokenCacheSize: 0 } }));
    const url = await listening(app);
    const tokens = Array.from({ length: 100 }, () => authority.mint());
    const answers = await Promise.all(
      tokens.map((token) =>
        rawRequest(`${url}/api/messages`, { headers: ['Authorization', `Bearer ${token}`] }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(tokens.map(() => 200));
    expect(authority.fetches.jwks).toBe(1);
    expect(app.get(VerifiedTokenCache).size).toBe(0);
  });
});
