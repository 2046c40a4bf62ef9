import { describe, expect, it } from '@jest/globals';
import { AuthConfigurationError } from '../auth/index.js';
import { authOptionsFromEnv, validateEnvironment } from './auth.config.js';

const base = { AUTH_AUTHORITY: 'https://idp.example.com/', AUTH_AUDIENCE: 'api://default' };

function refusal(env: Record<string, string>): AuthConfigurationError {
  try {
    validateEnvironment(env);
  } catch (error) {
    if (error instanceof AuthConfigurationError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration from the environment', () => {
  it('reads every variable', () => {
    expect(
      authOptionsFromEnv({
        ...base,
        AUTH_AUDIENCE: 'api://a, api://b',
        AUTH_METADATA_ADDRESS: 'https://idp.example.com/meta',
        AUTH_REQUIRE_HTTPS_METADATA: 'TRUE',
        AUTH_CLOCK_SKEW_SECONDS: '30',
        AUTH_ALGORITHMS: 'RS256, ES256',
        AUTH_INCLUDE_ERROR_DETAILS: 'false',
        AUTH_REQUIRE_ACCESS_TOKEN_TYPE: 'true',
        AUTH_MAX_TOKEN_LENGTH: '4096',
        AUTH_TOKEN_CACHE_SIZE: '0',
      }),
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
    });
  });

  it('accepts a minimal production configuration', () => {
    expect(validateEnvironment(base)).toBe(base);
  });

  it.each([
    ['no authority', { AUTH_AUTHORITY: '' }, 'AUTH_AUTHORITY: is required'],
    [
      'a relative authority',
      { AUTH_AUTHORITY: 'idp.example.com' },
      'AUTH_AUTHORITY: idp.example.com is not an absolute URL',
    ],
    [
      'a non-http authority',
      { AUTH_AUTHORITY: 'ftp://idp.example.com' },
      'AUTH_AUTHORITY: ftp://idp.example.com is not an http(s) URL',
    ],
    [
      'an http authority with HTTPS metadata required',
      { AUTH_AUTHORITY: 'http://idp.example.com' },
      'AUTH_AUTHORITY: http://idp.example.com must use https unless AUTH_REQUIRE_HTTPS_METADATA=false (development only)',
    ],
    [
      'an http metadata address',
      { AUTH_METADATA_ADDRESS: 'http://idp.example.com/m' },
      'AUTH_METADATA_ADDRESS: http://idp.example.com/m must use https',
    ],
    ['no audience', { AUTH_AUDIENCE: '' }, 'AUTH_AUDIENCE: is required'],
    ['an audience of commas', { AUTH_AUDIENCE: ' , ' }, 'AUTH_AUDIENCE: is required'],
    [
      'HS256',
      { AUTH_ALGORITHMS: 'RS256,HS256' },
      'AUTH_ALGORITHMS: HS256 is not accepted; only asymmetric algorithms are',
    ],
    ['none', { AUTH_ALGORITHMS: 'none' }, 'AUTH_ALGORITHMS: none is not accepted'],
    [
      'an unknown algorithm',
      { AUTH_ALGORITHMS: 'RS257' },
      'AUTH_ALGORITHMS: RS257 is not accepted',
    ],
    [
      'a word for a boolean',
      { AUTH_REQUIRE_HTTPS_METADATA: 'yes' },
      'AUTH_REQUIRE_HTTPS_METADATA: yes is not true or false',
    ],
    [
      'a negative clock skew',
      { AUTH_CLOCK_SKEW_SECONDS: '-5' },
      'AUTH_CLOCK_SKEW_SECONDS: -5 is not a whole number',
    ],
    [
      'an hour-long clock skew and more',
      { AUTH_CLOCK_SKEW_SECONDS: '3601' },
      'AUTH_CLOCK_SKEW_SECONDS: must be a whole number of seconds, 0..3600',
    ],
    ['a bad port', { PORT: 'http' }, 'PORT: http is not a port number'],
    [
      'a negative token cache size',
      { AUTH_TOKEN_CACHE_SIZE: '-1' },
      'AUTH_TOKEN_CACHE_SIZE: -1 is not a whole number',
    ],
    [
      'a token cache beyond a million entries',
      { AUTH_TOKEN_CACHE_SIZE: '1000001' },
      'AUTH_TOKEN_CACHE_SIZE: must be a whole number of entries, 0..1000000 (0 disables the cache)',
    ],
    [
      'an unknown HTTP adapter',
      { HTTP_ADAPTER: 'koa' },
      'HTTP_ADAPTER: koa is not one of express, fastify',
    ],
  ])('refuses %s, naming the variable', (_name, change, message) => {
    const error = refusal({ ...base, ...change });
    expect(error.message.startsWith(message)).toBe(true);
  });

  it.each(['express', 'fastify', 'Fastify', ''])('accepts HTTP_ADAPTER=%s', (adapter) => {
    expect(() => validateEnvironment({ ...base, HTTP_ADAPTER: adapter })).not.toThrow();
  });

  it('allows an http loopback authority when HTTPS metadata is switched off', () => {
    const env = {
      ...base,
      AUTH_AUTHORITY: 'http://127.0.0.1:3001',
      AUTH_REQUIRE_HTTPS_METADATA: 'false',
    };
    expect(validateEnvironment(env)).toBe(env);
  });
});
