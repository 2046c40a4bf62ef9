import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { TestAuthority } from '../src/auth/testing/index.js';
import { authorityEnv } from './support/authority-env.js';
import { accepts, freePort, runNode, until, type Running } from './support/processes.js';
import { rawRequest } from './support/raw-request.js';

/*
 * The two ways to start the API, as built (`npm test` builds first): `node dist/main.js`, the
 * production start, never runs the development authority; `npm start` (dist/dev/main.js) runs it
 * only when asked to by leaving AUTH_AUTHORITY unset, and then keeps both servers on 127.0.0.1.
 * 127.0.0.2 is loopback too on Linux: a server bound to 127.0.0.1 refuses it, one bound to every
 * interface accepts it.
 */

const PRODUCTION = 'dist/main.js';
const DEVELOPMENT = 'dist/dev/main.js';

/** Every module a built file loads, following relative static and dynamic imports. */
function moduleGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else seen.add(spec);
    }
  };
  visit(resolve(entry));
  return seen;
}

describe('node dist/main.js never starts the development authority', () => {
  it('exists (npm test builds first)', () => {
    expect(existsSync(PRODUCTION)).toBe(true);
    expect(existsSync(DEVELOPMENT)).toBe(true);
  });

  it.each([
    ['NODE_ENV unset', {}],
    ['NODE_ENV=development', { NODE_ENV: 'development' }],
    ['NODE_ENV=prod', { NODE_ENV: 'prod' }],
  ])(
    'without AUTH_AUTHORITY (%s) it refuses to start: exit 1, naming the variable',
    async (_name, env) => {
      const [port, devPort] = [await freePort(), await freePort()];
      const run = runNode(PRODUCTION, {
        ...env,
        PORT: String(port),
        DEV_AUTHORITY_PORT: String(devPort),
      });
      const timer = setTimeout(() => void run.stop(), 15_000);
      const code = await run.exited;
      clearTimeout(timer);
      expect({ code, output: run.output() }).toEqual({
        code: 1,
        output: expect.stringContaining('Configuration error: AUTH_AUTHORITY: is required'),
      });
      expect(await accepts('127.0.0.1', devPort)).toBe(false);
      expect(await accepts('127.0.0.1', port)).toBe(false);
    },
  );

  it('does not even load it: no module of dist/dev, the development authority or oidc-provider', () => {
    const graph = [...moduleGraph(PRODUCTION)];
    expect(graph.length).toBeGreaterThan(20);
    expect(
      graph.filter((m) => /[/\\]dist[/\\]dev(-authority)?[/\\]|oidc-provider/.test(m)),
    ).toEqual([]);
    expect(graph.some((m) => m.endsWith('/dev-authority/dev-authority.js'))).toBe(false);
    expect(
      [...moduleGraph(DEVELOPMENT)].some((m) => m.endsWith('/dev-authority/dev-authority.js')),
    ).toBe(true);
  });

  describe('with AUTH_AUTHORITY', () => {
    let authority: TestAuthority;
    let api: Running;
    let port: number;
    beforeAll(async () => {
      authority = await TestAuthority.start();
      port = await freePort();
      api = runNode(PRODUCTION, {
        ...authorityEnv(authority),
        PORT: String(port),
        LOG_LEVEL: 'warn',
      });
      await until(
        () => accepts('127.0.0.1', port),
        () => `the API (output: ${api.output()})`,
      );
    });
    afterAll(async () => {
      await api?.stop();
      await authority?.close();
    });

    it('serves Swagger UI without any client secret', async () => {
      const init = await rawRequest(`http://127.0.0.1:${port}/docs/swagger-ui-init.js`);
      expect(init.status).toBe(200);
      expect(init.text).not.toContain('initOAuth');
      expect(init.text).not.toContain('dev-secret');
    });
  });
});

describe('npm start without AUTH_AUTHORITY: the development authority and the API, on 127.0.0.1 only', () => {
  let dev: Running;
  let port: number;
  let devPort: number;
  const env = () => ({
    PORT: String(port),
    DEV_AUTHORITY_PORT: String(devPort),
    LOG_FORMAT: 'json',
  });

  beforeAll(async () => {
    [port, devPort] = [await freePort(), await freePort()];
    dev = runNode(DEVELOPMENT, env());
    await until(
      async () => (await accepts('127.0.0.1', port)) && (await accepts('127.0.0.1', devPort)),
      () => `npm start (output: ${dev.output()})`,
    );
  });
  afterAll(() => dev?.stop());

  it('listens on 127.0.0.1 only, both the API and the authority', async () => {
    expect(await accepts('127.0.0.2', port)).toBe(false);
    expect(await accepts('127.0.0.2', devPort)).toBe(false);
  });

  it('hands out a token through npm run token, which the API accepts', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['scripts/token.mjs', 'messages:read'],
      {
        env: { PATH: process.env.PATH, ...env() },
      },
    );
    const token = stdout.trim().split('\n').at(-1) ?? '';
    expect(token.split('.')).toHaveLength(3);
    const res = await rawRequest(`http://127.0.0.1:${port}/api/messages`, {
      headers: ['Authorization', `Bearer ${token}`],
    });
    expect(res.status).toBe(200);
  });

  it('hands out an opaque token through npm run token -- --opaque, which the API introspects', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['scripts/token.mjs', '--opaque', 'messages:read'],
      { env: { PATH: process.env.PATH, ...env() } },
    );
    const token = stdout.trim().split('\n').at(-1) ?? '';
    expect(token.split('.')).toHaveLength(1);
    const res = await rawRequest(`http://127.0.0.1:${port}/api/messages`, {
      headers: ['Authorization', `Bearer ${token}`],
    });
    expect(res.status).toBe(200);
  });

  it("pre-fills Swagger UI's Authorize with the development client", async () => {
    const init = await rawRequest(`http://127.0.0.1:${port}/docs/swagger-ui-init.js`);
    expect(init.text).toContain('ui.initOAuth({"clientId":"dev-client"');
  });

  it('refuses a request to the authority whose Host is not a loopback name (DNS rebinding)', async () => {
    const url = `http://127.0.0.1:${devPort}/.well-known/openid-configuration`;
    expect((await rawRequest(url)).status).toBe(200);
    expect(
      (await rawRequest(url, { headers: ['Host', `rebound.example:${devPort}`] })).status,
    ).toBe(421);
  });
});

describe('npm start with AUTH_AUTHORITY: the API alone, against that authority', () => {
  let authority: TestAuthority;
  let api: Running;
  let port: number;
  let devPort: number;

  beforeAll(async () => {
    authority = await TestAuthority.start();
    [port, devPort] = [await freePort(), await freePort()];
    api = runNode(DEVELOPMENT, {
      ...authorityEnv(authority),
      PORT: String(port),
      DEV_AUTHORITY_PORT: String(devPort),
      LOG_LEVEL: 'warn',
    });
    await until(
      () => accepts('127.0.0.1', port),
      () => `the API (output: ${api.output()})`,
    );
  });
  afterAll(async () => {
    await api?.stop();
    await authority?.close();
  });

  it('starts no development authority and accepts the given authority tokens', async () => {
    expect(await accepts('127.0.0.1', devPort)).toBe(false);
    const res = await rawRequest(`http://127.0.0.1:${port}/api/me`, {
      headers: ['Authorization', `Bearer ${authority.mint()}`],
    });
    expect(res.status).toBe(200);
    const init = await rawRequest(`http://127.0.0.1:${port}/docs/swagger-ui-init.js`);
    expect(init.text).not.toContain('initOAuth');
  });
});
