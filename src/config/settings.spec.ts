import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAuthOptions } from '../auth/auth-options.js';
import { AuthConfigurationError } from '../auth/index.js';
import { configurationErrorOf } from './auth.settings.js';
import { ConfigurationError } from './configuration.error.js';
import { readEnvironment, type Env } from './env.js';
import { fastifyOptions } from './http.settings.js';
import { settingsFromEnv } from './settings.js';

const base = { AUTH_AUTHORITY: 'https://idp.example.com/', AUTH_AUDIENCE: 'api://default' };
const settings = (env: Env) => settingsFromEnv({ ...base, ...env }, false);

/** What an operator reads when the environment can't be right: the error, told by variable. */
function refusal(env: Env): ConfigurationError {
  try {
    resolveAuthOptions(settings(env).auth);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    if (error instanceof AuthConfigurationError) return configurationErrorOf(error);
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('settings from the environment', () => {
  it('defaults: port 3000 on every interface, Express, CORS closed, 100 kB, info, JSON, ./data', () => {
    expect(settings({})).toEqual({
      http: { port: 3000, adapter: 'express', corsOrigins: [], bodyLimitBytes: 102400 },
      log: { level: 'info', format: 'json' },
      auth: expect.objectContaining({ authority: 'https://idp.example.com/' }),
      database: { kind: 'embedded', dataDir: './data' },
    });
  });

  it('reads every auth variable into AuthModuleOptions', () => {
    expect(
      settings({
        AUTH_AUDIENCE: 'api://a, api://b',
        AUTH_METADATA_ADDRESS: 'https://idp.example.com/meta',
        AUTH_REQUIRE_HTTPS_METADATA: 'TRUE',
        AUTH_CLOCK_SKEW_SECONDS: '30',
        AUTH_ALGORITHMS: 'RS256, ES256',
        AUTH_INCLUDE_ERROR_DETAILS: 'false',
        AUTH_REQUIRE_ACCESS_TOKEN_TYPE: 'true',
        AUTH_MAX_TOKEN_LENGTH: '4096',
        AUTH_TOKEN_CACHE_SIZE: '0',
        AUTH_ROLES_CLAIM: ' realm_access.roles ',
      }).auth,
    ).toEqual({
      authority: 'https://idp.example.com/',
      audience: ['api://a', 'api://b'],
      metadataAddress: 'https://idp.example.com/meta',
      requireHttpsMetadata: true,
      clockSkew: 30,
      algorithms: ['RS256', 'ES256'],
      includeErrorDetails: false,
      requireAccessTokenType: true,
      maxTokenLength: 4096,
      tokenCacheSize: 0,
      rolesClaim: 'realm_access.roles',
    });
  });

  it('reads roles from the roles claim unless AUTH_ROLES_CLAIM names another', () => {
    expect(resolveAuthOptions(settings({}).auth).rolesClaim).toBe('roles');
    expect(resolveAuthOptions(settings({ AUTH_ROLES_CLAIM: ' ' }).auth).rolesClaim).toBe('roles');
    const namespaced = settings({ AUTH_ROLES_CLAIM: 'https://example.com/roles' }).auth;
    expect(resolveAuthOptions(namespaced).rolesClaim).toBe('https://example.com/roles');
  });

  it('logs pretty on a terminal outside production, JSON in production', () => {
    expect(settingsFromEnv(base, true).log.format).toBe('pretty');
    expect(settingsFromEnv({ ...base, NODE_ENV: 'production' }, true).log.format).toBe('json');
    expect(settingsFromEnv({ ...base, LOG_FORMAT: 'json' }, true).log.format).toBe('json');
    expect(settings({ LOG_FORMAT: 'pretty' }).log.format).toBe('pretty');
  });

  it.each([
    ['4096', 4096],
    ['100kb', 102400],
    ['2MB', 2097152],
    ['512 b', 512],
  ])('BODY_LIMIT=%s is %i bytes, for Fastify too', (value, bytes) => {
    const { http } = settings({ BODY_LIMIT: value });
    expect(http.bodyLimitBytes).toBe(bytes);
    expect(fastifyOptions(http).bodyLimit).toBe(bytes);
  });

  it('reads CORS_ORIGINS as a comma-separated list of origins, * included', () => {
    const origins = 'https://a.example.com, http://localhost:5173,';
    expect(settings({ CORS_ORIGINS: origins }).http.corsOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
    expect(settings({ CORS_ORIGINS: '*' }).http.corsOrigins).toEqual(['*']);
  });

  it.each(['express', 'fastify', 'Fastify', ''])('accepts HTTP_ADAPTER=%s', (adapter) => {
    expect(['express', 'fastify']).toContain(settings({ HTTP_ADAPTER: adapter }).http.adapter);
  });
});

describe('a setting that cannot be right is refused, naming the variable', () => {
  it.each([
    ['CORS_ORIGINS', 'https://a.example.com/', 'CORS_ORIGINS: https://a.example.com/ is not'],
    ['CORS_ORIGINS', 'ftp://a.example.com', 'CORS_ORIGINS: ftp://a.example.com is not'],
    ['BODY_LIMIT', '1gb', 'BODY_LIMIT: 1gb is not a size'],
    ['BODY_LIMIT', '-1', 'BODY_LIMIT: -1 is not a size'],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL: verbose is not one of'],
    ['LOG_FORMAT', 'text', 'LOG_FORMAT: text is not json or pretty'],
    ['PORT', 'http', 'PORT: http is not a port number'],
    ['PORT', '65536', 'PORT: 65536 is not a port number'],
    ['HTTP_ADAPTER', 'koa', 'HTTP_ADAPTER: koa is not one of express, fastify'],
    ['AUTH_REQUIRE_HTTPS_METADATA', 'yes', 'AUTH_REQUIRE_HTTPS_METADATA: yes is not true or false'],
    ['AUTH_CLOCK_SKEW_SECONDS', '-5', 'AUTH_CLOCK_SKEW_SECONDS: -5 is not a whole number'],
    ['AUTH_TOKEN_CACHE_SIZE', '-1', 'AUTH_TOKEN_CACHE_SIZE: -1 is not a whole number'],
  ])('%s=%s', (name, value, message) => {
    expect(() => settings({ [name]: value })).toThrow(ConfigurationError);
    expect(refusal({ [name]: value }).message.startsWith(message)).toBe(true);
  });

  it.each([
    ['no authority', { AUTH_AUTHORITY: '' }, 'AUTH_AUTHORITY: is required'],
    [
      'a relative authority',
      { AUTH_AUTHORITY: 'idp' },
      'AUTH_AUTHORITY: idp is not an absolute URL',
    ],
    [
      'an http authority with HTTPS metadata required',
      { AUTH_AUTHORITY: 'http://idp.example.com' },
      'AUTH_AUTHORITY: http://idp.example.com must use https unless AUTH_REQUIRE_HTTPS_METADATA is false (development only)',
    ],
    [
      'an http metadata address',
      { AUTH_METADATA_ADDRESS: 'http://idp.example.com/m' },
      'AUTH_METADATA_ADDRESS: http://idp.example.com/m must use https',
    ],
    ['no audience', { AUTH_AUDIENCE: '' }, 'AUTH_AUDIENCE: is required'],
    ['an audience of commas', { AUTH_AUDIENCE: ' , ' }, 'AUTH_AUDIENCE: is required'],
    [
      'a list of roles claims',
      { AUTH_ROLES_CLAIM: 'roles,groups' },
      'AUTH_ROLES_CLAIM: roles,groups is not one claim: give a name (groups) or a dotted path',
    ],
    [
      'a roles path with an empty segment',
      { AUTH_ROLES_CLAIM: 'realm_access..roles' },
      'AUTH_ROLES_CLAIM: realm_access..roles is not one claim',
    ],
    ['HS256', { AUTH_ALGORITHMS: 'RS256,HS256' }, 'AUTH_ALGORITHMS: HS256 is not accepted'],
    ['none', { AUTH_ALGORITHMS: 'none' }, 'AUTH_ALGORITHMS: none is not accepted'],
    [
      'an hour-long clock skew and more',
      { AUTH_CLOCK_SKEW_SECONDS: '3601' },
      'AUTH_CLOCK_SKEW_SECONDS: must be a whole number of seconds, 0..3600',
    ],
    [
      'a token cache beyond a million entries',
      { AUTH_TOKEN_CACHE_SIZE: '1000001' },
      'AUTH_TOKEN_CACHE_SIZE: must be a whole number of entries, 0..1000000 (0 disables the cache)',
    ],
  ])('the auth module refuses %s; the app names the variable', (_name, change, message) => {
    expect(refusal(change).message.startsWith(message)).toBe(true);
  });

  it('allows an http loopback authority when HTTPS metadata is switched off', () => {
    const env = { AUTH_AUTHORITY: 'http://127.0.0.1:3001', AUTH_REQUIRE_HTTPS_METADATA: 'false' };
    expect(resolveAuthOptions(settings(env).auth).authorities).toEqual(['http://127.0.0.1:3001']);
  });
});

describe('several authorities, tenants and the resource', () => {
  const okta = 'https://x.okta.com/oauth2/default';
  const auth0 = 'https://tenant.eu.auth0.com/';
  const entra = 'https://login.microsoftonline.com/{tenantid}/v2.0';
  const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';

  it('reads AUTH_AUTHORITY as a comma-separated list, in order, without repeats', () => {
    const { auth } = settings({ AUTH_AUTHORITY: ` ${okta}, ${auth0},${okta}` });
    expect(auth.authority).toEqual([okta, auth0, okta]);
    expect(resolveAuthOptions(auth).authorities).toEqual([okta, auth0]);
  });

  it('keeps one authority a string, as AuthModule.forRoot takes it', () => {
    expect(settings({ AUTH_AUTHORITY: okta }).auth.authority).toBe(okta);
  });

  it('reads AUTH_RESOURCE and AUTH_TENANTS; tenant ids are compared in lower case', () => {
    const env = {
      AUTH_AUTHORITY: entra,
      AUTH_RESOURCE: 'https://api.example.com/mcp',
      AUTH_TENANTS: tenant.toUpperCase(),
    };
    const resolved = resolveAuthOptions({ ...settings(env).auth, resourceDocumentation: '/docs' });
    expect(resolved).toMatchObject({
      resource: 'https://api.example.com/mcp',
      resourceDocumentation: 'https://api.example.com/docs',
      tenants: [tenant],
    });
  });

  it.each([
    [
      'AUTH_METADATA_ADDRESS with several authorities',
      { AUTH_AUTHORITY: `${okta},${auth0}`, AUTH_METADATA_ADDRESS: `${okta}/meta` },
      'AUTH_METADATA_ADDRESS: cannot be used with several authorities in AUTH_AUTHORITY',
    ],
    [
      'one http authority among https ones',
      { AUTH_AUTHORITY: `${okta},http://idp.example.com` },
      'AUTH_AUTHORITY: http://idp.example.com must use https',
    ],
    [
      'a relative authority in the list',
      { AUTH_AUTHORITY: `${okta},idp` },
      'AUTH_AUTHORITY: idp is not an absolute URL',
    ],
    [
      'an http resource',
      { AUTH_RESOURCE: 'http://api.example.com' },
      'AUTH_RESOURCE: http://api.example.com is not an https URL',
    ],
    [
      'a relative resource',
      { AUTH_RESOURCE: 'api.example.com/mcp' },
      'AUTH_RESOURCE: api.example.com/mcp is not an absolute URL',
    ],
    [
      'a resource with a fragment',
      { AUTH_RESOURCE: 'https://api.example.com/#x' },
      'AUTH_RESOURCE: https://api.example.com/#x must have no credentials, query or fragment',
    ],
    [
      'a resource with a query',
      { AUTH_RESOURCE: 'https://api.example.com/?v=1' },
      'AUTH_RESOURCE: https://api.example.com/?v=1 must have no credentials, query or fragment',
    ],
    [
      'a resource whose path would be a route pattern',
      { AUTH_RESOURCE: 'https://api.example.com/:tenant' },
      'AUTH_RESOURCE: https://api.example.com/:tenant must have a path of letters',
    ],
    [
      'tenants without a {tenantid} authority',
      { AUTH_TENANTS: tenant },
      'AUTH_TENANTS: only applies to an authority written with {tenantid} in AUTH_AUTHORITY',
    ],
    [
      'a tenant that is not a GUID',
      { AUTH_AUTHORITY: entra, AUTH_TENANTS: 'contoso.onmicrosoft.com' },
      'AUTH_TENANTS: contoso.onmicrosoft.com is not a tenant id (a GUID)',
    ],
  ])('refuses %s, naming the variable', (_name, change, message) => {
    expect(refusal(change).message.slice(0, message.length)).toBe(message);
  });
});

describe('introspection (RFC 7662)', () => {
  const on = {
    AUTH_INTROSPECTION: 'opaque',
    AUTH_INTROSPECTION_CLIENT_ID: 'api-client',
    AUTH_INTROSPECTION_CLIENT_SECRET: 's3cret',
  };

  it('reads every introspection variable; the mode in any case', () => {
    const auth = settings({
      ...on,
      AUTH_INTROSPECTION: 'ALL',
      AUTH_INTROSPECTION_ENDPOINT: 'https://idp.example.com/introspect',
      AUTH_INTROSPECTION_CACHE_SECONDS: '0',
    }).auth;
    expect(resolveAuthOptions(auth)).toMatchObject({
      introspection: 'all',
      introspectionEndpoint: 'https://idp.example.com/introspect',
      introspectionClientId: 'api-client',
      introspectionClientSecret: 's3cret',
      introspectionCacheSeconds: 0,
    });
  });

  it('is off by default, with a cache time of 60 s', () => {
    expect(resolveAuthOptions(settings({}).auth)).toMatchObject({
      introspection: 'off',
      introspectionCacheSeconds: 60,
    });
  });

  it.each([
    [
      'an unknown mode',
      { AUTH_INTROSPECTION: 'yes' },
      'AUTH_INTROSPECTION: yes is not one of off, opaque, all',
    ],
    [
      'introspection on without a client id',
      { ...on, AUTH_INTROSPECTION_CLIENT_ID: '' },
      'AUTH_INTROSPECTION_CLIENT_ID: is required when AUTH_INTROSPECTION is opaque',
    ],
    [
      'introspection on without a client secret',
      { ...on, AUTH_INTROSPECTION: 'all', AUTH_INTROSPECTION_CLIENT_SECRET: '' },
      'AUTH_INTROSPECTION_CLIENT_SECRET: is required when AUTH_INTROSPECTION is all',
    ],
    [
      'an endpoint with introspection off',
      { AUTH_INTROSPECTION_ENDPOINT: 'https://idp.example.com/introspect' },
      'AUTH_INTROSPECTION_ENDPOINT: only applies when AUTH_INTROSPECTION is opaque or all',
    ],
    [
      'client credentials with introspection off',
      { AUTH_INTROSPECTION_CLIENT_ID: 'api-client' },
      'AUTH_INTROSPECTION_CLIENT_ID: only applies when AUTH_INTROSPECTION is opaque or all',
    ],
    [
      'an http endpoint while HTTPS metadata is required',
      { ...on, AUTH_INTROSPECTION_ENDPOINT: 'http://idp.example.com/introspect' },
      'AUTH_INTROSPECTION_ENDPOINT: http://idp.example.com/introspect must use https',
    ],
    [
      'a relative endpoint',
      { ...on, AUTH_INTROSPECTION_ENDPOINT: '/introspect' },
      'AUTH_INTROSPECTION_ENDPOINT: /introspect is not an absolute URL',
    ],
    [
      'a cache time that is not a number',
      { ...on, AUTH_INTROSPECTION_CACHE_SECONDS: 'soon' },
      'AUTH_INTROSPECTION_CACHE_SECONDS: soon is not a whole number',
    ],
    [
      'a cache time beyond a day',
      { ...on, AUTH_INTROSPECTION_CACHE_SECONDS: '86401' },
      'AUTH_INTROSPECTION_CACHE_SECONDS: must be a whole number, 0..86400',
    ],
  ])('refuses %s, naming the variable', (_name, change, message) => {
    expect(refusal(change).message.slice(0, message.length)).toBe(message);
  });
});

describe('readEnvironment', () => {
  it('reads .env under the environment, and writes nothing back to process.env', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'env-')), '.env');
    writeFileSync(file, 'HOUSE_ONLY_IN_FILE=from-file\nPATH=/from/the/file\n');
    const env = readEnvironment(file);
    expect(env.HOUSE_ONLY_IN_FILE).toBe('from-file');
    expect(env.PATH).toBe(process.env.PATH);
    expect(process.env.HOUSE_ONLY_IN_FILE).toBeUndefined();
  });

  it('reads the environment alone when there is no .env', () => {
    expect(readEnvironment(join(tmpdir(), 'no-such-dir', '.env')).PATH).toBe(process.env.PATH);
  });
});
