import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import request from 'supertest';
import { TestAuthority } from '../src/auth/testing/index.js';
import { startApi } from './support/test-api.js';

interface Readiness {
  status: string;
  info: Record<string, { status: string; message?: string }>;
  error: Record<string, { status: string; message?: string }>;
}

const started: { app: INestApplication; authority: TestAuthority }[] = [];

/** A fresh authority (with faults set before the API first asks it) and an API pointed at it. */
async function apiWith(faults: Partial<Pick<TestAuthority, 'discovery' | 'jwks'>> = {}) {
  const authority = await TestAuthority.start();
  Object.assign(authority, faults);
  const { app, server } = await startApi({ authority, warm: false });
  started.push({ app, authority });
  return { authority, server };
}

const ready = async (server: Server) => {
  const res = await request(server).get('/health/ready');
  return { status: res.status, body: res.body as Readiness };
};

/**
 * After a failure the authority client waits out its backoff (1 s) before asking again; readiness
 * follows within a few polls. Polls until `status`, up to 10 s (the test fails otherwise).
 */
async function readyUntil(server: Server, status: number) {
  let last = await ready(server);
  for (let i = 0; i < 50 && last.status !== status; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await ready(server);
  }
  return last;
}

afterEach(async () => {
  for (const { app, authority } of started.splice(0)) {
    await app.close();
    await authority.close();
  }
});

describe("GET /health/ready: the authority through the guard's own AuthorityClient", () => {
  it('is 200 with discovery and keys up when the authority answers', async () => {
    const { authority, server } = await apiWith();
    const { status, body } = await ready(server);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.info.discovery).toMatchObject({
      status: 'up',
      source: `${authority.issuer}/.well-known/openid-configuration`,
    });
    expect(body.info.jwks).toMatchObject({ status: 'up', keys: 1, jwksUri: authority.jwksUri });
  });

  it('is 503 naming discovery when the metadata cannot be had, then 200 once it can', async () => {
    const { authority, server } = await apiWith({ discovery: 'down' });
    const down = await ready(server);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error.discovery.status).toBe('down');
    expect(down.body.error.discovery.message).toContain(authority.issuer);
    expect(down.body.error.discovery.message).toMatch(/^metadata from /);

    authority.discovery = 'ok';
    const recovered = await readyUntil(server, 200);
    expect(recovered.status).toBe(200);
    expect(recovered.body.info).toMatchObject({
      discovery: { status: 'up' },
      jwks: { status: 'up' },
    });
  });

  it('is 503 naming the keys when the JWKS is garbage, then 200 once it is fixed', async () => {
    const { authority, server } = await apiWith({ jwks: 'garbage' });
    const down = await ready(server);
    expect(down.status).toBe(503);
    expect(down.body.info.discovery.status).toBe('up');
    expect(down.body.error).toEqual({
      jwks: { status: 'down', message: `keys from ${authority.jwksUri}: response is not JSON` },
    });

    authority.jwks = 'ok';
    const recovered = await readyUntil(server, 200);
    expect(recovered.status).toBe(200);
    expect(recovered.body.info.jwks).toMatchObject({ status: 'up', keys: 1 });
  });

  it('is 503 when the JWKS publishes no usable key', async () => {
    const { server } = await apiWith({ jwks: 'empty' });
    const { status, body } = await ready(server);
    expect(status).toBe(503);
    expect(Object.keys(body.error)).toEqual(['jwks']);
    expect(body.error.jwks.status).toBe('down');
    expect(body.error.jwks.message).toMatch(/signing key/);
  });

  it('stays 200 on cached metadata and keys while the authority is down', async () => {
    const { authority, server } = await apiWith();
    expect((await ready(server)).status).toBe(200);
    authority.discovery = 'down';
    authority.jwks = 'down';
    authority.resetFetches();
    expect((await ready(server)).status).toBe(200);
    expect(authority.fetches).toEqual({ discovery: 0, jwks: 0 });
  });

  it('leaves liveness alone: GET /health is exactly {"status":"ok"} whatever the authority', async () => {
    const { server } = await apiWith({ discovery: 'down', jwks: 'down' });
    const res = await request(server).get('/health').expect(200);
    expect(res.text).toBe('{"status":"ok"}');
  });
});
