import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from './configuration.error.js';
import { databaseSettingsFromEnv } from './database.settings.js';

function refusal(env: Record<string, string>): ConfigurationError {
  try {
    databaseSettingsFromEnv(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected the settings to be refused');
}

describe('database settings from the environment', () => {
  it('defaults to the embedded database in ./data', () => {
    expect(databaseSettingsFromEnv({})).toEqual({ kind: 'embedded', dataDir: './data' });
    expect(databaseSettingsFromEnv({ DATABASE_URL: ' ', DATA_DIR: '' })).toEqual({
      kind: 'embedded',
      dataDir: './data',
    });
  });

  it.each(['/var/lib/api', 'relative/dir', 'memory://'])('keeps DATA_DIR=%s', (dir) => {
    expect(databaseSettingsFromEnv({ DATA_DIR: dir })).toEqual({ kind: 'embedded', dataDir: dir });
  });

  it.each([
    'postgres://u:p@db.example.com:5432/app',
    'postgresql://db.example.com/app?sslmode=require',
  ])('uses a server for DATABASE_URL=%s, with a pool of 10 by default', (url) => {
    expect(databaseSettingsFromEnv({ DATABASE_URL: url })).toEqual({
      kind: 'server',
      url,
      poolSize: 10,
    });
  });

  it('sizes the pool from DATABASE_POOL_SIZE', () => {
    const env = { DATABASE_URL: 'postgres://db/app', DATABASE_POOL_SIZE: '25' };
    expect(databaseSettingsFromEnv(env)).toMatchObject({ poolSize: 25 });
  });

  it.each([
    ['mysql://root:hunter2@db/app', 'DATABASE_URL: is not a PostgreSQL URL'],
    ['db.example.com:5432', 'DATABASE_URL: is not a PostgreSQL URL'],
    ['hunter2 is not a url', 'DATABASE_URL: is not a PostgreSQL URL'],
    ['postgres:///app?password=hunter2', 'DATABASE_URL: names no host'],
  ])('refuses DATABASE_URL=%s, naming it and never the password', (url, message) => {
    const error = refusal({ DATABASE_URL: url });
    expect(error.variable).toBe('DATABASE_URL');
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.message).not.toContain('hunter2');
  });

  it.each(['0', '-1', 'ten', '1001', '2.5'])('refuses DATABASE_POOL_SIZE=%s', (size) => {
    const error = refusal({ DATABASE_URL: 'postgres://db/app', DATABASE_POOL_SIZE: size });
    expect(error.message).toBe(
      `DATABASE_POOL_SIZE: ${size} is not a whole number of connections, 1..1000`,
    );
  });

  it('refuses a DATA_DIR that names another PGlite storage', () => {
    expect(refusal({ DATA_DIR: 'idb://messages' }).message).toBe(
      'DATA_DIR: idb://messages is not a directory (the only non-directory value is memory://)',
    );
  });
});
