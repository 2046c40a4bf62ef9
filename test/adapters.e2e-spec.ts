import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { TestAuthority, generateTestKey } from '../src/auth/testing/index.js';
import type { HttpAdapterName } from '../src/config/http.settings.js';
import { rawRequest } from './support/raw-request.js';
import { startApi } from './support/test-api.js';

/**
 * The RFC 6750 answers do not depend on the HTTP platform: bearer extraction reads Node's
 * `rawHeaders`, the query and the parsed body of Express and Fastify requests alike, and the one
 * challenge filter writes through the adapter.
 */
describe.each<[HttpAdapterName]>([['express'], ['fastify']])('on %s', (adapter) => {
  let authority: TestAuthority;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    authority = await TestAuthority.start();
    ({ app } = await startApi({ authority, adapter }));
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await authority?.close();
  });
  afterEach(() => {
    authority.jwks = 'ok';
  });

  const get = (path: string, ...headers: string[]) => rawRequest(`${url}${path}`, { headers });
  const bearer = (token: string) => ['Authorization', `Bearer ${token}`];

  it('serves the public route without credentials', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers a valid token with 200', async () => {
    const res = await get('/api/messages', ...bearer(authority.mint()));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it.each([
    ['no Authorization header', []],
    ['another scheme', ['Authorization', 'Basic dXNlcjpwYXNz']],
  ])('answers %s with a bare 401 challenge', async (_name, headers) => {
    expect(await get('/api/messages', ...headers)).toBeUnauthorized();
  });

  it.each([
    ['Bearer with no token', ['Authorization', 'Bearer']],
    ['two tokens', ['Authorization', 'Bearer a.b.c d.e.f']],
    ['two Authorization headers', ['Authorization', 'Bearer a.b.c', 'Authorization', 'Bearer d']],
  ])('answers %s with 400 invalid_request', async (_name, headers) => {
    expect(await get('/api/messages', ...headers)).toBeBadBearerRequest();
  });

  it('answers a token both in the header and in the query with 400', async () => {
    const token = authority.mint();
    expect(
      await get(`/api/messages?access_token=${token}`, ...bearer(token)),
    ).toBeBadBearerRequest();
  });

  it('answers a token both in the header and in a form body with 400', async () => {
    const token = authority.mint();
    const res = await rawRequest(`${url}/api/messages`, {
      method: 'POST',
      headers: [...bearer(token), 'Content-Type', 'application/x-www-form-urlencoded'],
      body: `access_token=${token}&text=hi`,
    });
    expect(res).toBeBadBearerRequest();
  });

  it.each([
    [
      'a bad signature',
      () =>
        authority.mint({}, { key: generateTestKey('RS256', { kid: authority.signingKey.kid }) }),
    ],
    ['an expired token', () => authority.bad.expired()],
    ['a foreign issuer', () => authority.bad.foreignIssuer()],
    ['a wrong audience', () => authority.bad.wrongAudience()],
    ['an ID token', () => authority.bad.idToken()],
  ])('answers %s with 401 invalid_token', async (_name, token) => {
    expect(await get('/api/messages', ...bearer(token()))).toBeUnauthorized('invalid_token');
  });

  it('answers a token without the scope with 403 insufficient_scope', async () => {
    const res = await get('/api/messages', ...bearer(authority.mint({ scope: 'messages:write' })));
    expect(res).toBeForbiddenForScopes('messages:read');
  });

  it('answers 503 with Retry-After when the keys cannot be had, not blaming the token', async () => {
    const key = authority.rotate();
    authority.jwks = 'down';
    const res = await get('/api/messages', ...bearer(authority.mint({}, { key })));
    expect(res).toBeAuthorityUnavailable();
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});
