import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { existsSync, readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import pg from 'pg';
import request from 'supertest';
import { TestAuthority } from '../src/auth/testing/index.js';
import { databaseSettingsFromEnv } from '../src/config/database.settings.js';
import { MIGRATIONS_FOLDER } from '../src/database/index.js';
import { createDatabaseDriver } from '../src/database/database-driver.factory.js';
import { authorityEnv } from './support/authority-env.js';
import { freePort, runNode, type Running } from './support/processes.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startApi } from './support/test-api.js';
import {
  createServerDatabase,
  TEST_DATABASE_URL,
  type ServerDatabase,
} from './support/test-database.js';

// Starting processes and waiting out the API's retries on a busy machine takes a while.
jest.setTimeout(90_000);

const PASSWORD = 's3cret-pw-9d41';
const UNAVAILABLE = {
  statusCode: 503,
  error: 'Service Unavailable',
  message: 'The database is unavailable; try again shortly',
};

interface Readiness {
  status: string;
  info?: Record<string, { status: string; message?: string }>;
  error?: Record<string, { status: string; message?: string }>;
}

/** Polls `probe` until it is true; fails after about 60 s (the API retries every 5 s at most). */
async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/**
 * Every log line of the file's apps: nestjs-pino keeps one root logger per process, so the apps a
 * file starts share one destination.
 */
const logs: string[] = [];

/**
 * The API on a real pool (`DATABASE_URL`, through the factory the entry points use), its log
 * lines kept in `logs`: everything it says about the database, at debug level.
 */
function apiOn(authority: TestAuthority, databaseUrl: string) {
  return startApi({
    authority,
    database: createDatabaseDriver(databaseSettingsFromEnv({ DATABASE_URL: databaseUrl })),
    log: { level: 'debug' },
    logs: (line) => logs.push(line),
  });
}

let authority: TestAuthority;
beforeAll(async () => {
  authority = await TestAuthority.start();
});
afterAll(() => authority?.close());

const token = () => `Bearer ${authority.mint({ scope: 'messages:read messages:write' })}`;
const ready = async (server: Server) => {
  const res = await request(server).get('/health/ready');
  return { status: res.status, body: res.body as Readiness, text: res.text };
};
const list = (server: Server) => request(server).get('/api/messages').set('Authorization', token());

/** What no answer and no log line may hold: the password, the SQL the API sends. */
function expectNothingSecret(text: string): void {
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toMatch(/\b(select|insert into|delete from)\b/i);
}

describe('an API whose database is down at start', () => {
  let app: INestApplication;
  let server: Server;
  let proxy: TcpProxy;

  beforeAll(async () => {
    // Nothing listens on the proxy's port: every connection is refused.
    proxy = await TcpProxy.reserve({ host: '127.0.0.1', port: 5432 });
    const url = proxy.urlFor(`postgres://app:${PASSWORD}@localhost/messages`);
    ({ app, server } = await apiOn(authority, url));
  });
  afterAll(() => app?.close());

  it('starts, and reports not ready naming the database', async () => {
    const { status, body, text } = await ready(server);
    expect(status).toBe(503);
    expect(body.error?.database).toEqual({ status: 'down', message: 'unreachable' });
    expectNothingSecret(text);
    expect(text).not.toContain(String(proxy.port));
  });

  it.each([
    ['GET /api/messages', () => list(server)],
    [
      'GET /api/messages/:id',
      () => request(server).get('/api/messages/x').set('Authorization', token()),
    ],
    [
      'POST /api/messages',
      () =>
        request(server).post('/api/messages').set('Authorization', token()).send({ text: 'hi' }),
    ],
    [
      'DELETE /api/messages/:id',
      () => request(server).delete('/api/messages/x').set('Authorization', token()),
    ],
  ])('answers %s with 503 JSON and Retry-After', async (_name, call) => {
    const res = await call();
    expect(res.status).toBe(503);
    expect(res.body).toEqual(UNAVAILABLE);
    expect(res.headers['retry-after']).toBe('5');
    expectNothingSecret(res.text);
  });

  it('still checks the token first: no token is a 401, not a 503', async () => {
    expect((await request(server).get('/api/messages')).status).toBe(401);
  });

  it('keeps running and says why in its logs, without the password or any SQL', async () => {
    expect((await request(server).get('/health')).body).toEqual({ status: 'ok' });
    const said = logs.join('');
    expect(said).toMatch(/not ready \(ECONNREFUSED/);
    expectNothingSecret(said);
  });
});

// A real server behind a proxy the test closes and reopens (CI sets TEST_DATABASE_URL).
if (TEST_DATABASE_URL) {
  describe('an API whose server goes away and comes back', () => {
    let database: ServerDatabase;
    let proxy: TcpProxy;
    let app: INestApplication;
    let server: Server;

    beforeAll(async () => {
      database = await createServerDatabase();
      const target = new URL(database.url);
      proxy = await TcpProxy.reserve({ host: target.hostname, port: Number(target.port || 5432) });
      const url = new URL(proxy.urlFor(database.url));
      url.password = PASSWORD; // the server trusts loopback; the password only has to stay secret
      ({ app, server } = await apiOn(authority, url.href));
    });
    afterAll(async () => {
      await app?.close();
      await proxy?.close();
      await database?.drop();
    });
    afterEach(() => expectNothingSecret(logs.join('')));

    it('is not ready while the server is unreachable at start', async () => {
      expect((await ready(server)).body.error?.database.status).toBe('down');
      expect((await list(server)).status).toBe(503);
    });

    it('migrates and serves by itself once the server answers', async () => {
      await proxy.open();
      await until(async () => (await ready(server)).status === 200, 'readiness');
      const created = await request(server)
        .post('/api/messages')
        .set('Authorization', token())
        .send({ text: 'written before the outage' });
      expect(created.status).toBe(201);
    });

    it('answers 503 with Retry-After while the connection is cut, then recovers', async () => {
      await proxy.close();
      const cut = await list(server);
      expect(cut.status).toBe(503);
      expect(cut.body).toEqual(UNAVAILABLE);
      expect(cut.headers['retry-after']).toBe('5');
      expect((await ready(server)).body.error?.database).toEqual({
        status: 'down',
        message: 'unreachable',
      });

      await proxy.open();
      await until(async () => (await list(server)).status === 200, 'the list');
      expect((await list(server)).body).toEqual([
        expect.objectContaining({ text: 'written before the outage' }),
      ]);
      expect((await ready(server)).status).toBe(200);
      expect(logs.join('')).toMatch(/answering again/);
    });
  });
}

// PGlite serves one process, so two replicas need a server (CI sets TEST_DATABASE_URL).
if (TEST_DATABASE_URL) {
  describe('two API processes on one database', () => {
    let database: ServerDatabase;
    const replicas: (Running & { url: string })[] = [];

    beforeAll(async () => {
      expect(existsSync('dist/main.js')).toBe(true);
      database = await createServerDatabase();
      for (let i = 0; i < 2; i++) {
        const port = await freePort();
        const env = { ...authorityEnv(authority), DATABASE_URL: database.url, PORT: String(port) };
        replicas.push({
          ...runNode('dist/main.js', { ...env, LOG_LEVEL: 'warn' }),
          url: `http://127.0.0.1:${port}`,
        });
      }
      for (const replica of replicas) {
        await until(
          () =>
            fetch(`${replica.url}/health/ready`).then(
              (res) => res.ok,
              () => false,
            ),
          `a replica to be ready (output: ${replica.output()})`,
        );
      }
    });
    afterAll(async () => {
      for (const replica of replicas) replica.child.kill('SIGTERM');
      await Promise.all(replicas.map((replica) => replica.exited));
      await database?.drop();
    });

    const call = (url: string, path: string, init: RequestInit = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: token(), 'content-type': 'application/json' },
      });

    it('applied the migrations once, though both started together', async () => {
      const pool = new pg.Pool({ connectionString: database.url, max: 1 });
      try {
        const { rows } = await pool.query<{ count: number }>(
          'select count(*)::int as count from drizzle.__drizzle_migrations',
        );
        expect(rows[0].count).toBe(
          readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length,
        );
      } finally {
        await pool.end();
      }
    });

    it('reads and deletes through one a message written through the other', async () => {
      const [first, second] = replicas.map((replica) => replica.url);
      const created = await call(first, '/api/messages', {
        method: 'POST',
        body: JSON.stringify({ text: 'from the first replica' }),
      });
      expect(created.status).toBe(201);
      const message = (await created.json()) as { id: string };

      const read = await call(second, `/api/messages/${message.id}`);
      expect(read.status).toBe(200);
      expect(await read.json()).toEqual(message);
      expect(await (await call(second, '/api/messages')).json()).toEqual([message]);

      expect((await call(second, `/api/messages/${message.id}`, { method: 'DELETE' })).status).toBe(
        204,
      );
      expect((await call(first, `/api/messages/${message.id}`)).status).toBe(404);
    });
  });
}
