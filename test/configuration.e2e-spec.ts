import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AuthConfigurationError, type AuthModuleOptions } from '../src/auth/index.js';
import { startApi } from './support/test-api.js';

const production = {
  NODE_ENV: 'production',
  AUTH_AUTHORITY: 'https://idp.example.com/oauth2/default',
  AUTH_AUDIENCE: 'api://default',
};

describe('a configuration that cannot be right never boots', () => {
  it.each<[string, Partial<AuthModuleOptions>, string]>([
    ['no authority', { authority: '' }, 'authority: is required'],
    ['no audience', { audience: [] }, 'audience: is required'],
    [
      'a relative authority',
      { authority: 'okta.com' },
      'authority: okta.com is not an absolute URL',
    ],
    [
      'an http authority',
      { authority: 'http://idp.example.com', requireHttpsMetadata: true },
      'authority: http://idp.example.com must use https unless requireHttpsMetadata is false',
    ],
    ['a symmetric algorithm', { algorithms: ['HS256'] }, 'algorithms: HS256 is not accepted'],
    [
      'an unknown algorithm',
      { algorithms: ['RS256', 'XS999'] },
      'algorithms: XS999 is not accepted',
    ],
    ['none', { algorithms: ['none'] }, 'algorithms: none is not accepted'],
    [
      'a negative clock skew',
      { clockSkew: -1 },
      'clockSkew: must be a whole number of seconds, 0..3600',
    ],
  ])('the AppModule refuses %s, naming the option', async (_name, auth, message) => {
    const error = await startApi({ auth, warm: false }).then(
      async (api) => api.close(),
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

  it.each<[string, string, string, Record<string, string>?]>([
    ['AUTH_ALGORITHMS', 'HS256', 'AUTH_ALGORITHMS: HS256 is not accepted'],
    [
      'AUTH_AUTHORITY',
      'http://idp.example.com',
      'AUTH_AUTHORITY: http://idp.example.com must use https unless AUTH_REQUIRE_HTTPS_METADATA is false',
    ],
    ['PORT', 'http', 'PORT: http is not a port number'],
    [
      'AUTH_RESOURCE',
      'http://api.example.com/mcp',
      'AUTH_RESOURCE: http://api.example.com/mcp is not an https URL',
    ],
    [
      'AUTH_METADATA_ADDRESS',
      'https://idp.example.com/meta',
      'AUTH_METADATA_ADDRESS: cannot be used with several authorities in AUTH_AUTHORITY',
      { AUTH_AUTHORITY: 'https://idp.example.com/oauth2/default,https://tenant.eu.auth0.com/' },
    ],
    [
      'AUTH_INTROSPECTION',
      'opaque',
      'AUTH_INTROSPECTION_CLIENT_ID: is required when AUTH_INTROSPECTION is opaque',
    ],
  ])('node dist/main.js with %s=%s names the variable', (name, value, message, more = {}) => {
    const run = spawnSync(process.execPath, ['dist/main.js'], {
      env: { PATH: process.env.PATH, ...production, ...more, [name]: value },
      encoding: 'utf8',
      timeout: 15000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toContain(`Configuration error: ${message}`);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /); // one line, no stack
  });
});
