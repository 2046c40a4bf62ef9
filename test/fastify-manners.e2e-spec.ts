import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import request from 'supertest';
import { TestAuthority } from '../src/auth/testing/index.js';
import { startApi } from './support/test-api.js';

/**
 * `configureApp` on Fastify, built as `main.ts` builds it with `HTTP_ADAPTER=fastify`:
 * the docs, helmet, CORS, the body limit and request ids behave as on Express.
 */
describe('production manners on Fastify', () => {
  let authority: TestAuthority;
  let app: INestApplication;
  let server: Server;
  const written: string[] = [];

  beforeAll(async () => {
    authority = await TestAuthority.start();
    ({ app, server } = await startApi({
      authority,
      adapter: 'fastify',
      http: { corsOrigins: ['https://app.example.com'], bodyLimitBytes: 1024 },
      logs: (line) => void written.push(line),
    }));
  });
  afterAll(async () => {
    await app?.close();
    await authority?.close();
  });

  it('serves Swagger UI, its assets and the document', async () => {
    const ui = await request(server).get('/docs').expect(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    for (const asset of [
      '/docs/swagger-ui-bundle.js',
      '/docs/swagger-ui.css',
      '/docs/swagger-ui-init.js',
    ]) {
      await request(server).get(asset).expect(200);
    }
    const document = await request(server).get('/docs-json').expect(200);
    expect(JSON.parse(document.text)).toMatchObject({
      paths: { '/api/me': { get: { security: [{ oidc: [] }] } } },
    });
  });

  it('sends helmet headers, and CORS headers to CORS_ORIGINS only', async () => {
    const res = await request(server).get('/api/me').set('Origin', 'https://app.example.com');
    expect(res).toBeUnauthorized();
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'access-control-allow-origin': 'https://app.example.com',
    });
    const stranger = await request(server).get('/health').set('Origin', 'https://evil.example.com');
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a body over BODY_LIMIT with 413 JSON', async () => {
    const res = await request(server)
      .post('/api/messages')
      .set('Authorization', `Bearer ${authority.mint()}`)
      .send({ text: 'x'.repeat(2000) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413 });
  });

  it("keeps the caller's X-Request-Id in the answer and in the logs", async () => {
    const res = await request(server).get('/api/me').set('X-Request-Id', 'fastify-1');
    expect(res.headers['x-request-id']).toBe('fastify-1');
    const lines = written
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { req?: { id?: string }; reason?: string });
    const mine = lines.filter((line) => line.req?.id === 'fastify-1');
    expect(mine.filter((line) => line.reason === 'missing_credentials')).toHaveLength(1);
    expect(mine.length).toBeGreaterThanOrEqual(2);
  });

  it('is ready when the authority is', async () => {
    await request(server).get('/health/ready').expect(200);
  });
});
