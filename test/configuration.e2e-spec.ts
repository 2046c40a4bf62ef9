import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AuthConfigurationError } from '../src/auth/index.js';
import { startApi } from './support/test-api.js';

const production = {
  NODE_ENV: 'production',
  AUTH_AUTHORITY: 'https://idp.example.com/oauth2/default',
  AUTH_AUDIENCE: 'api://default',
};

describe('a configuration that cannot be right never boots', () => {
  it.each([
    ['no authority in production', { AUTH_AUTHORITY: '' }, 'AUTH_AUTHORITY: is required'],
    ['no audience', { AUTH_AUDIENCE: '' }, 'AUTH_AUDIENCE: is required'],
    [
      'a relative authority',
      { AUTH_AUTHORITY: 'okta.com' },
      'AUTH_AUTHORITY: okta.com is not an absolute URL',
    ],
    [
      'an http authority',
      { AUTH_AUTHORITY: 'http://idp.example.com' },
      'AUTH_AUTHORITY: http://idp.example.com must use https',
    ],
    [
      'a symmetric algorithm',
      { AUTH_ALGORITHMS: 'HS256' },
      'AUTH_ALGORITHMS: HS256 is not accepted',
    ],
    [
      'an unknown algorithm',
      { AUTH_ALGORITHMS: 'RS256,XS999' },
      'AUTH_ALGORITHMS: XS999 is not accepted',
    ],
    ['none', { AUTH_ALGORITHMS: 'none' }, 'AUTH_ALGORITHMS: none is not accepted'],
    [
      'a skew that is not a number',
      { AUTH_CLOCK_SKEW_SECONDS: 'soon' },
      'AUTH_CLOCK_SKEW_SECONDS: soon is not a whole number',
    ],
  ])('the AppModule refuses %s', async (_name, change, message) => {
    const error = await startApi({ ...production, ...change }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthConfigurationError);
    expect((error as Error).message.startsWith(message)).toBe(true);
  });

  // The built server is what operators run; CI builds before testing. Without dist/ this case
  // is reported as failing rather than silently passing.
  it('node dist/main.js exits non-zero and names the variable', () => {
    expect(existsSync('dist/main.js')).toBe(true);
    const run = spawnSync(process.execPath, ['dist/main.js'], {
      env: { PATH: process.env.PATH, ...production, AUTH_AUDIENCE: '' },
      encoding: 'utf8',
      timeout: 15000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toContain('Configuration error: AUTH_AUDIENCE: is required');
  });
});
