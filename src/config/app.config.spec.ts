import { describe, expect, it } from '@jest/globals';
import { AuthConfigurationError } from '../auth/index.js';
import { appSettingsFromEnv, httpAdapterOptions } from './app.config.js';

describe('process settings from the environment', () => {
  it('defaults: CORS closed, 100 kB bodies, info level, JSON when not on a terminal', () => {
    expect(appSettingsFromEnv({}, false)).toEqual({
      corsOrigins: [],
      bodyLimitBytes: 102400,
      logLevel: 'info',
      logFormat: 'json',
    });
  });

  it('logs pretty on a terminal outside production, JSON in production', () => {
    expect(appSettingsFromEnv({}, true).logFormat).toBe('pretty');
    expect(appSettingsFromEnv({ NODE_ENV: 'production' }, true).logFormat).toBe('json');
    expect(appSettingsFromEnv({ LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
    expect(appSettingsFromEnv({ LOG_FORMAT: 'pretty' }, false).logFormat).toBe('pretty');
  });

  it.each([
    ['4096', 4096],
    ['100kb', 102400],
    ['2MB', 2097152],
    ['512 b', 512],
  ])('BODY_LIMIT=%s is %i bytes', (value, bytes) => {
    expect(appSettingsFromEnv({ BODY_LIMIT: value }, false).bodyLimitBytes).toBe(bytes);
    expect(httpAdapterOptions({ BODY_LIMIT: value }).bodyLimit).toBe(bytes);
  });

  it('reads CORS_ORIGINS as a comma-separated list of origins, * included', () => {
    expect(
      appSettingsFromEnv({ CORS_ORIGINS: 'https://a.example.com, http://localhost:5173,' }, false)
        .corsOrigins,
    ).toEqual(['https://a.example.com', 'http://localhost:5173']);
    expect(appSettingsFromEnv({ CORS_ORIGINS: '*' }, false).corsOrigins).toEqual(['*']);
  });

  it.each([
    ['CORS_ORIGINS', 'https://a.example.com/'],
    ['CORS_ORIGINS', 'ftp://a.example.com'],
    ['BODY_LIMIT', '1gb'],
    ['BODY_LIMIT', '-1'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_FORMAT', 'text'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => appSettingsFromEnv({ [name]: value }, false)).toThrow(AuthConfigurationError);
    expect(() => appSettingsFromEnv({ [name]: value }, false)).toThrow(`${name}: ${value}`);
  });
});
