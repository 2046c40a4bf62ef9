import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '../config/configuration.error.js';
import { developmentSettings } from './development.settings.js';

describe('developmentSettings: what npm start and the doctor use without AUTH_AUTHORITY', () => {
  it('puts the API on 127.0.0.1 and trusts the development authority on loopback', () => {
    const settings = developmentSettings({}, false);
    expect(settings.http).toMatchObject({ host: '127.0.0.1', port: 3000 });
    expect(settings.auth).toMatchObject({
      authority: 'http://127.0.0.1:3001',
      audience: ['api://default'],
      requireHttpsMetadata: false,
    });
    expect(settings.devAuthority).toEqual({
      port: 3001,
      audience: 'api://default',
      corsOrigins: ['http://127.0.0.1:3000', 'http://localhost:3000'],
    });
  });

  it('follows PORT, DEV_AUTHORITY_PORT and AUTH_AUDIENCE', () => {
    const settings = developmentSettings(
      { PORT: '4000', DEV_AUTHORITY_PORT: '4001', AUTH_AUDIENCE: 'api://mine, api://other' },
      false,
    );
    expect(settings.auth.authority).toBe('http://127.0.0.1:4001');
    expect(settings.auth.audience).toEqual(['api://mine', 'api://other']);
    expect(settings.devAuthority).toMatchObject({ port: 4001, audience: 'api://mine' });
    expect(settings.devAuthority.corsOrigins).toContain('http://127.0.0.1:4000');
  });

  it('turns introspection on (opaque) as the development client', () => {
    expect(developmentSettings({}, false).auth).toMatchObject({
      introspection: 'opaque',
      introspectionClientId: 'dev-client',
      introspectionClientSecret: 'dev-secret',
    });
  });

  it('leaves introspection off, without client credentials, when AUTH_INTROSPECTION=off', () => {
    const { auth } = developmentSettings({ AUTH_INTROSPECTION: 'off' }, false);
    expect(auth.introspection).toBe('off');
    expect(auth.introspectionClientId).toBeUndefined();
  });

  it('refuses a DEV_AUTHORITY_PORT that is not a port, naming it', () => {
    expect(() => developmentSettings({ DEV_AUTHORITY_PORT: 'x' }, false)).toThrow(
      new ConfigurationError('DEV_AUTHORITY_PORT', 'x is not a port number'),
    );
  });
});
