import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { TestAuthority, type TestApp } from '../../src/auth/testing/index.js';
import type { HttpAdapterName } from '../../src/config/http.settings.js';
import { until } from '../support/processes.js';
import { startApi } from '../support/test-api.js';

/*
 * RFC 6750 §2.3 names the query parameter `access_token`; this API refuses it (tokens in URLs end
 * up in logs and histories). Parsers decode parameter names, so `access%5Ftoken` and
 * `%61ccess_token` are `access_token` too, and `access_token[]` is its array form: each is refused
 * like the plain one, and no log line holds the token, whatever the spelling.
 */

const SPELLINGS = [
  'access_token',
  'access%5Ftoken',
  '%61ccess_token',
  'access_token[]',
  'access_token%5B%5D',
  'access_token[0]',
];

/*
 * One array for every app of this file: nestjs-pino keeps one pino-http instance per process, so
 * the second app logs through the destination the first one was given.
 */
const written: string[] = [];
const logs = () => written.join('');

describe.each<[HttpAdapterName]>([['express'], ['fastify']])('on %s', (adapter) => {
  let authority: TestAuthority;
  let api: TestApp;

  beforeAll(async () => {
    authority = await TestAuthority.start();
    api = await startApi({ authority, adapter, logs: (line) => void written.push(line) });
  });
  afterAll(async () => {
    await api?.close();
    await authority?.close();
  });
  beforeEach(() => {
    written.length = 0;
  });

  /** Sends with a request id, and waits for its "request completed" line (Fastify logs on close). */
  let sent = 0;
  const send = async (url: string, token?: string) => {
    const id = `query-${++sent}`;
    const req = request(api.server).get(url).set('X-Request-Id', id);
    const res = await (token ? req.set('Authorization', `Bearer ${token}`) : req);
    const completed = () =>
      written.some((line) => line.includes(`"id":"${id}"`) && line.includes('request completed'));
    await until(completed, () => `the log line of ${id}`);
    return res;
  };

  /** The token and each of its segments: none may reach a log line. */
  const expectNotLogged = (token: string) => {
    for (const secret of [token, ...token.split('.')]) {
      expect({ secret, logged: logs().includes(secret) }).toEqual({ secret, logged: false });
    }
  };

  it.each(SPELLINGS)('?%s=<token> is refused like access_token, and never logged', async (name) => {
    const token = authority.mint();
    const res = await send(`/api/me?${name}=${token}`);
    expect(res).toBeBadBearerRequest();
    expect(logs()).toContain('[Redacted]');
    expectNotLogged(token);
  });

  it.each(SPELLINGS)(
    '?x=1&%s=<token> beside the header is refused, and never logged',
    async (name) => {
      const token = authority.mint();
      const res = await request(api.server)
        .get(`/api/me?x=1&${name}=${token}&y=2`)
        .set('Authorization', `Bearer ${token}`);
      expect(res).toBeBadBearerRequest();
      expectNotLogged(token);
    },
  );

  it('keeps other parameters, and other names that merely look alike, in the log', async () => {
    const token = authority.mint();
    const res = await send('/api/me?access_tokens=kept&my_access_token=kept-too', token);
    expect(res.status).toBe(200);
    expect(logs()).toContain('access_tokens=kept&my_access_token=kept-too');
  });
});
