import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import request from 'supertest';
import { TestAuthority } from '../src/auth/testing/index.js';
import { authorityEnv } from './support/authority-env.js';
import { embeddedDataDir, freePort, until } from './support/processes.js';
import { startApi, type StartApiOptions } from './support/test-api.js';

let authority: TestAuthority;
beforeAll(async () => {
  authority = await TestAuthority.start();
});
afterAll(() => authority.close());

describe('production manners over HTTP', () => {
  const apps: INestApplication[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });
  async function server(http: StartApiOptions['http'] = {}): Promise<Server> {
    const started = await startApi({ authority, http });
    apps.push(started.app);
    return started.server;
  }

  it('sends helmet headers on API answers and on challenges', async () => {
    const api = await server();
    for (const res of [await request(api).get('/health'), await request(api).get('/api/me')]) {
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': expect.stringContaining('max-age='),
        'content-security-policy': expect.stringContaining("default-src 'self'"),
      });
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('keeps CORS closed by default', async () => {
    const api = await server();
    const preflight = await request(api)
      .options('/api/messages')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'GET');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const get = await request(api).get('/health').set('Origin', 'https://app.example.com');
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('opens CORS to the origins in CORS_ORIGINS only', async () => {
    const api = await server({ corsOrigins: ['https://app.example.com', 'http://localhost:5173'] });
    const preflight = await request(api)
      .options('/api/messages')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);

    const challenge = await request(api).get('/api/me').set('Origin', 'http://localhost:5173');
    expect(challenge.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(challenge.headers['access-control-expose-headers']).toMatch(/WWW-Authenticate/);

    const stranger = await request(api).get('/health').set('Origin', 'https://evil.example.com');
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a body over BODY_LIMIT with 413 JSON, and one under it normally', async () => {
    const api = await server({ bodyLimitBytes: 1024 });
    const token = authority.mint({ scope: 'messages:write' });
    const big = await request(api)
      .post('/api/messages')
      .set('Authorization', `Bearer ${token}`)
      .send({ text: 'x'.repeat(2000) });
    expect(big.status).toBe(413);
    expect(big.headers['content-type']).toMatch(/application\/json/);
    expect(big.body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'The request body is larger than the limit',
    });
    const form = await request(api)
      .post('/api/messages')
      .type('form')
      .send({ text: 'x'.repeat(2000) });
    expect(form.status).toBe(413);
    const small = await request(api)
      .post('/api/messages')
      .set('Authorization', `Bearer ${token}`)
      .send({ text: 'x'.repeat(900) });
    expect(small.status).toBe(201);
  });

  it('answers a body that is not JSON with 400 JSON, not an HTML page', async () => {
    const api = await server();
    const res = await request(api)
      .post('/api/messages')
      .set('Content-Type', 'application/json')
      .send('{"text": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });
});

describe('node dist/main.js on SIGTERM', () => {
  it('finishes the request in flight, then exits', async () => {
    expect(existsSync('dist/main.js')).toBe(true);
    const port = await freePort();
    const data = embeddedDataDir();
    const child = spawn(process.execPath, ['dist/main.js'], {
      env: {
        PATH: process.env.PATH,
        ...authorityEnv(authority),
        PORT: String(port),
        LOG_LEVEL: 'warn',
        DATA_DIR: data.dataDir, // not the repository's ./data
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      await until(
        () =>
          fetch(`${base}/health/ready`).then(
            (r) => r.ok,
            () => false,
          ),
        () => `the API to be ready (output: ${output})`,
      );

      // A key the API hasn't seen, served slowly: the request waits on the JWKS fetch.
      authority.jwks = 'slow';
      authority.slowMs = 1500;
      authority.rotate();
      authority.resetFetches();
      const token = authority.mint({ scope: 'messages:read' });
      const inFlight = fetch(`${base}/api/messages`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await until(
        () => authority.fetches.jwks > 0,
        () => 'the request to reach the JWKS',
      );

      child.kill('SIGTERM');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(expect.any(Array));

      const exit = await exited;
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      await expect(fetch(`${base}/health`)).rejects.toThrow();
    } finally {
      authority.jwks = 'ok';
      child.kill('SIGKILL');
      data.remove();
    }
    // A child process on a busy machine: it opens its embedded database before it is ready.
  }, 90_000);
});
