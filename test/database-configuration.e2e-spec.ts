import { describe, expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ConfigurationError } from '../src/config/configuration.error.js';
import { settingsFromEnv } from '../src/config/settings.js';
import { embeddedDataDir } from './support/processes.js';
import { TcpProxy } from './support/tcp-proxy.js';

// Each test starts built processes, seconds each on a busy machine.
jest.setTimeout(90_000);

const production = {
  NODE_ENV: 'production',
  AUTH_AUTHORITY: 'https://idp.example.com/oauth2/default',
  AUTH_AUDIENCE: 'api://default',
};
const PASSWORD = 'hunter2-7c1e';

/** A built entry point (`dist/…`) run with only this environment; CI builds before testing. */
function run(script: string, env: Record<string, string>) {
  expect(existsSync(script)).toBe(true);
  const result = spawnSync(process.execPath, [script], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 60000,
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('a database configuration that cannot be right never boots', () => {
  it('the settings refuse a DATABASE_URL that is not PostgreSQL, without its password', () => {
    const env = { ...production, DATABASE_URL: `mysql://app:${PASSWORD}@db.example.com/messages` };
    const error = (() => {
      try {
        return settingsFromEnv(env);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/^DATABASE_URL: is not a PostgreSQL URL/);
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  it('node dist/main.js exits 1 naming DATABASE_URL, and never prints the password', () => {
    const { status, output } = run('dist/main.js', {
      ...production,
      DATABASE_URL: `mysql://app:${PASSWORD}@db.example.com/messages`,
    });
    expect(status).toBe(1);
    expect(output).toContain('Configuration error: DATABASE_URL: is not a PostgreSQL URL');
    expect(output).not.toContain(PASSWORD);
  });
});

describe('npm run db:migrate (dist/database/migrate.main.js)', () => {
  it('applies the migrations and exits 0, then finds nothing to apply', () => {
    const data = embeddedDataDir();
    try {
      const first = run('dist/database/migrate.main.js', { DATA_DIR: data.dataDir });
      expect(first.output).toMatch(
        /embedded PostgreSQL \(PGlite\) in .+: \d+ migration\(s\) applied/,
      );
      expect(first.status).toBe(0);
      const again = run('dist/database/migrate.main.js', { DATA_DIR: data.dataDir });
      expect(again.output).toMatch(/embedded PostgreSQL \(PGlite\) in .+: up to date/);
      expect(again.status).toBe(0);
    } finally {
      data.remove();
    }
  });

  it('exits 1 naming the failure when the server cannot be reached, without the password', async () => {
    const closed = await TcpProxy.reserve({ host: '127.0.0.1', port: 1 });
    const { status, output } = run('dist/database/migrate.main.js', {
      DATABASE_URL: closed.urlFor(`postgres://app:${PASSWORD}@db/messages`),
    });
    expect(status).toBe(1);
    expect(output).toContain('Migrations not applied: ECONNREFUSED');
    expect(output).not.toContain(PASSWORD);
  });

  it('exits 1 naming DATABASE_URL when it is not PostgreSQL', () => {
    const { status, output } = run('dist/database/migrate.main.js', {
      DATABASE_URL: 'redis://127.0.0.1:6379',
    });
    expect(status).toBe(1);
    expect(output).toContain('Configuration error: DATABASE_URL: is not a PostgreSQL URL');
  });
});
