import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { AuthMessages } from '../src/auth/core/auth-messages.js';
import { TestAuthority, type TestApp } from '../src/auth/testing/index.js';
import type { HttpAdapterName } from '../src/config/http.settings.js';
import { startApi } from './support/test-api.js';

/*
 * RFC 7662 introspection against the kit's authority (CONTRACT.md, "Introspection"), on both
 * adapters: opaque tokens are introspected and held to the JWT rules, JWTs stay local under
 * `opaque`, answers are reused, one call per token at a time, a bounded number of calls for a
 * flood, and the endpoint's bad day is a 503 with Retry-After, never a 401 or a 500. Calls are
 * counted at the authority (`introspections`).
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The introspector's pause after a failure (1 s), and a little more. */
const BACKOFF_MS = 1100;

describe.each<[HttpAdapterName]>([['express'], ['fastify']])('introspection on %s', (adapter) => {
  let authority: TestAuthority;
  let other: TestAuthority;
  let api: TestApp;

  beforeAll(async () => {
    authority = await TestAuthority.start({ path: '/oauth2/default' });
    other = authority.sibling('/oauth2/other');
    api = await startApi({
      authority,
      adapter,
      auth: { ...authority.introspectionOptions('opaque'), fetchTimeoutMs: 1500 },
    });
  });
  afterAll(async () => {
    await api?.close();
    await authority?.close();
  });
  afterEach(() => {
    authority.introspection = 'ok';
  });

  const opaque = (claims: Record<string, unknown> = {}) => authority.mintOpaque(claims);
  const me = (token: string) => api.withToken(token).get('/api/me');
  const counted = async <T>(work: () => Promise<T>) => {
    const before = authority.introspections;
    const result = await work();
    return { result, calls: authority.introspections - before };
  };

  it('accepts an active opaque token with the same principal as a JWT', async () => {
    const token = opaque({ sub: 'alice', scope: 'messages:read', client_id: 'web' });
    const res = await me(token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sub: 'alice',
      scopes: ['messages:read'],
      issuer: authority.issuer,
      clientId: 'web',
    });
  });

  it('keeps verifying JWTs locally under opaque', async () => {
    const { result, calls } = await counted(() => me(authority.mint({ sub: 'jwt-user' })));
    expect(result.status).toBe(200);
    expect(calls).toBe(0);
  });

  it('applies scopes and roles to an introspected principal', async () => {
    const reader = opaque({ scope: 'messages:read' });
    expect((await api.withToken(reader).get('/api/messages')).status).toBe(200);
    expect(
      await api.withToken(reader).post('/api/messages').send({ text: 'hi' }),
    ).toBeForbiddenForScopes('messages:write');
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['an unlisted iss', { iss: 'https://evil.example.com' }, 'invalid_token', 'wrong_issuer'],
    ['another audience', { aud: 'api://another' }, 'invalid_token', 'wrong_audience'],
    ['a past exp', { exp: Math.floor(Date.now() / 1000) - 3600 }, 'invalid_token', 'expired'],
    ['no exp', { exp: undefined }, 'invalid_token', 'missing_exp'],
    ['no sub', { sub: undefined }, 'invalid_token', 'missing_sub'],
    ['a refresh token type', { token_type: 'refresh_token' }, 'invalid_token', 'wrong_token_type'],
  ])('refuses an active answer with %s (401)', async (_what, claims, code) => {
    expect(await me(opaque(claims))).toBeUnauthorized(code);
  });

  it('names the issuer and the audience as for a JWT', async () => {
    expect(await me(opaque({ iss: other.issuer }))).toBeUnauthorized(
      'invalid_token',
      AuthMessages.wrongIssuer(other.issuer, authority.issuer),
    );
    expect(await me(opaque({ aud: 'api://another' }))).toBeUnauthorized(
      'invalid_token',
      AuthMessages.wrongAudience('api://another', [authority.audience]),
    );
  });

  it('accepts an answer without iss or aud (both optional in RFC 7662)', async () => {
    const res = await me(opaque({ iss: undefined, aud: undefined }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ issuer: authority.issuer });
  });

  it('refuses an inactive (unknown or revoked) token with 401 invalid_token', async () => {
    expect(await me('not-a-token-the-authority-knows')).toBeUnauthorized(
      'invalid_token',
      AuthMessages.tokenInactive(),
    );
  });

  it('reuses an active answer: one call for many requests', async () => {
    const token = opaque();
    const { result, calls } = await counted(async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await me(token)).status);
      return statuses;
    });
    expect(result).toEqual([200, 200, 200, 200, 200]);
    expect(calls).toBe(1);
  });

  it('makes one call for concurrent requests with one token (single flight)', async () => {
    const token = opaque();
    const { result, calls } = await counted(() =>
      Promise.all(Array.from({ length: 12 }, () => me(token))),
    );
    expect(result.map((res) => res.status)).toEqual(result.map(() => 200));
    expect(calls).toBe(1);
  });

  it('never caches an inactive answer', async () => {
    const token = 'revoked-or-unknown-token';
    const { calls } = await counted(async () => {
      await me(token);
      await me(token);
    });
    expect(calls).toBe(2);
  });

  it.each<[string, 'down' | 'slow' | 'error' | 'garbage' | 'empty' | 'refuse-client']>([
    ['unreachable', 'down'],
    ['too slow', 'slow'],
    ['answering 500', 'error'],
    ['answering something that is not JSON', 'garbage'],
    ['answering JSON without active', 'empty'],
    ['refusing our client credentials', 'refuse-client'],
  ])(
    'answers 503 with Retry-After while the endpoint is %s, and caches nothing',
    async (_, fault) => {
      await sleep(BACKOFF_MS); // out of the previous case's backoff
      authority.slowMs = 5000;
      authority.introspection = fault;
      const token = opaque();
      const { result, calls } = await counted(async () => [await me(token), await me(token)]);
      for (const res of result) expect(res).toBeAuthorityUnavailable();
      expect(calls).toBe(1); // the second request fell in the backoff: no call
      authority.introspection = 'ok';
      await sleep(BACKOFF_MS);
      const after = await counted(() => me(token));
      expect(after.result.status).toBe(200);
      expect(after.calls).toBe(1);
    },
  );
});

describe.each<[HttpAdapterName]>([['express'], ['fastify']])(
  'introspection limits on %s',
  (adapter) => {
    const started: { api: TestApp; authority: TestAuthority }[] = [];
    afterEach(async () => {
      for (const { api, authority } of started.splice(0)) {
        await api.close();
        await authority.close();
      }
    });

    async function start(mode: 'opaque' | 'all', auth: Record<string, unknown> = {}) {
      const authority = await TestAuthority.start();
      const api = await startApi({
        authority,
        adapter,
        auth: { ...authority.introspectionOptions(mode), ...auth },
      });
      started.push({ api, authority });
      return { authority, api };
    }

    it('costs a bounded number of calls for a flood of distinct unknown tokens', async () => {
      const rate = 3;
      const { authority, api } = await start('opaque', { introspectionCallsPerSecond: rate });
      const flood = Array.from({ length: 40 }, (_, i) => `forged-opaque-token-${i}`);
      const startedAt = Date.now();
      const answers = await Promise.all(flood.map((token) => api.withToken(token).get('/api/me')));
      const seconds = Math.ceil((Date.now() - startedAt) / 1000);
      expect(authority.introspections).toBeLessThanOrEqual(rate + rate * seconds);
      const statuses = new Set(answers.map((res) => res.status));
      expect([...statuses].sort()).toEqual([401, 503]);
      for (const res of answers.filter((r) => r.status === 503)) {
        expect(res).toBeAuthorityUnavailable();
      }
    });

    it('asks on every request with a cache time of 0, and so sees a revocation at once', async () => {
      const { authority, api } = await start('opaque', { introspectionCacheSeconds: 0 });
      const token = authority.mintOpaque();
      expect((await api.withToken(token).get('/api/me')).status).toBe(200);
      expect((await api.withToken(token).get('/api/me')).status).toBe(200);
      expect(authority.introspections).toBe(2);
      authority.revoke(token);
      expect(await api.withToken(token).get('/api/me')).toBeUnauthorized('invalid_token');
    });

    it('reuses an answer no longer than its exp', async () => {
      const { authority, api } = await start('opaque', { clockSkew: 0 });
      const token = authority.mintOpaque({ exp: Math.floor(Date.now() / 1000) + 3 });
      expect((await api.withToken(token).get('/api/me')).status).toBe(200);
      await sleep(3100);
      expect(await api.withToken(token).get('/api/me')).toBeUnauthorized(
        'invalid_token',
        /expired/,
      );
    });

    it('introspects JWTs too under all: a revoked JWT is refused though its signature is good', async () => {
      const { authority, api } = await start('all', { introspectionCacheSeconds: 0 });
      const jwt = authority.mint({ sub: 'okta-org-user' });
      const res = await api.withToken(jwt).get('/api/me');
      expect([res.status, res.body.sub]).toEqual([200, 'okta-org-user']);
      expect(authority.introspections).toBe(1);
      authority.revoke(jwt);
      expect(await api.withToken(jwt).get('/api/me')).toBeUnauthorized(
        'invalid_token',
        AuthMessages.tokenInactive(),
      );
    });

    it('reports the endpoint in readiness: up, then down under all when it fails', async () => {
      const { authority, api } = await start('all');
      let res = await request(api.server).get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body.info.introspection).toEqual({
        status: 'up',
        mode: 'all',
        endpoint: authority.introspectionEndpoint,
      });
      authority.introspection = 'refuse-client';
      await api.withToken(authority.mintOpaque()).get('/api/me');
      res = await request(api.server).get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body.error.introspection).toMatchObject({
        status: 'down',
        message: expect.stringContaining('refused our client credentials'),
      });
    });

    it('is degraded, not down, under opaque while the endpoint fails', async () => {
      const { authority, api } = await start('opaque');
      authority.introspection = 'down';
      const res = await request(api.server).get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('degraded');
      expect(res.body.info.introspection).toMatchObject({ status: 'degraded', mode: 'opaque' });
    });
  },
);
