import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import request from 'supertest';
import { TestAuthority, generateTestKey } from '../src/auth/testing/index.js';
import { startApi } from './support/test-api.js';

interface LogLine {
  level: number;
  msg: string;
  req?: { id?: string; url?: string; headers?: Record<string, string> };
  reason?: string;
  status?: number;
}

describe('logs: JSON lines with a request id, one line per rejection, never a token', () => {
  let authority: TestAuthority;
  let app: INestApplication;
  let server: Server;
  const written: string[] = [];
  const lines = () =>
    written
      .join('')
      .split('\n')
      .filter((line) => line !== '');
  const parsed = () => lines().map((line) => JSON.parse(line) as LogLine);
  const ofRequest = (id: string) => parsed().filter((line) => line.req?.id === id);

  /** Every token and cookie sent; none of them, nor a signature or payload of them, may be logged. */
  const secrets: string[] = [];
  const secret = (token: string) => {
    secrets.push(token, ...token.split('.').filter((part) => part.length >= 8));
    return token;
  };

  beforeAll(async () => {
    authority = await TestAuthority.start();
    ({ app, server } = await startApi({ authority, logs: (line) => void written.push(line) }));
  });
  afterAll(async () => {
    await app?.close();
    await authority?.close();
  });

  const valid = () => secret(authority.mint({ scope: 'messages:read' }));
  const forged = () =>
    secret(
      authority.mint({}, { key: generateTestKey('RS256', { kid: authority.signingKey.kid }) }),
    );

  const cases: [string, string, () => request.Test, number, string | undefined][] = [
    [
      'valid token in the header',
      'log-valid',
      () => request(server).get('/api/messages').set('Authorization', `Bearer ${valid()}`),
      200,
      undefined,
    ],
    [
      'forged token in the header',
      'log-forged',
      () => request(server).get('/api/messages').set('Authorization', `Bearer ${forged()}`),
      401,
      'bad_signature',
    ],
    [
      'valid token in the query',
      'log-query',
      () => request(server).get(`/api/messages?access_token=${valid()}`),
      400,
      'malformed_credentials',
    ],
    [
      'forged token in the query',
      'log-query-forged',
      () => request(server).get(`/api/me?x=1&access_token=${forged()}`),
      400,
      'malformed_credentials',
    ],
    [
      'valid token in a form body',
      'log-body',
      () =>
        request(server)
          .post('/api/messages')
          .type('form')
          .send({ access_token: valid(), text: 'hi' }),
      400,
      'malformed_credentials',
    ],
    [
      'forged token in a JSON body and the header',
      'log-both',
      () => {
        const token = forged();
        return request(server)
          .post('/api/messages')
          .set('Authorization', `Bearer ${token}`)
          .send({ access_token: token });
      },
      400,
      'malformed_credentials',
    ],
    ['no token', 'log-none', () => request(server).get('/api/me'), 401, 'missing_credentials'],
    [
      'too few scopes',
      'log-scope',
      () =>
        request(server)
          .post('/api/messages')
          .set('Authorization', `Bearer ${valid()}`)
          .send({ text: 'hi' }),
      403,
      'insufficient_scope',
    ],
    [
      'an expired token',
      'log-expired',
      () =>
        request(server)
          .get('/api/me')
          .set('Authorization', `Bearer ${secret(authority.bad.expired())}`),
      401,
      'expired',
    ],
  ];

  beforeAll(async () => {
    for (const [, id, send, status] of cases) {
      const res = await send()
        .set('X-Request-Id', id)
        .set('Cookie', secret('session=cookie-secret-value'));
      expect({ id, status: res.status }).toEqual({ id, status });
      expect(res.headers['x-request-id']).toBe(id);
    }
  });

  it('writes only JSON lines, each request with its id', () => {
    expect(lines().length).toBeGreaterThan(cases.length);
    for (const line of lines()) expect(() => JSON.parse(line) as unknown).not.toThrow();
    for (const [, id, , status] of cases) {
      const completed = ofRequest(id).filter((line) => line.msg === 'request completed');
      expect(completed).toHaveLength(1);
      expect((completed[0] as LogLine & { res: { statusCode: number } }).res.statusCode).toBe(
        status,
      );
    }
  });

  it.each(cases)(
    '%s: the rejection reason is logged exactly once',
    (_name, id, _send, status, reason) => {
      const rejections = ofRequest(id).filter((line) => line.reason !== undefined);
      expect(rejections.map((line) => [line.reason, line.status])).toEqual(
        reason ? [[reason, status]] : [],
      );
    },
  );

  it('never writes a token, a token part or a cookie', () => {
    const all = written.join('');
    expect(secrets.length).toBeGreaterThan(cases.length);
    for (const value of secrets)
      expect({ leaked: value, found: all.includes(value) }).toEqual({
        leaked: value,
        found: false,
      });
    expect(all).toContain('access_token=[Redacted]');
    expect(all).toContain('"authorization":"[Redacted]"');
    expect(all).toContain('"cookie":"[Redacted]"');
  });

  it('makes a request id when the caller sends none or an unsafe one', async () => {
    const plain = await request(server).get('/health');
    expect(plain.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await request(server)
      .get('/health')
      .set('X-Request-Id', 'bad id "quoted" <script>');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(ofRequest(unsafe.headers['x-request-id'])).toHaveLength(1);
  });
});
