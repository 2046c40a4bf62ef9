import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { AuthMessages } from '../src/auth/core/auth-messages.js';
import { isJwsCompact } from '../src/auth/core/introspection.js';
import type { TestApp } from '../src/auth/testing/index.js';
import type { HttpAdapterName } from '../src/config/http.settings.js';
import { startDevAuthority, type DevAuthority } from '../src/dev-authority/dev-authority.js';
import { startApi } from './support/test-api.js';

/*
 * Opaque tokens from a real OpenID provider (oidc-provider's introspection feature, the
 * development authority), on both adapters: the endpoint comes from its metadata, the API's
 * client authenticates with client_secret_basic, and its JWTs are still verified locally.
 */
describe.each<[HttpAdapterName]>([['express'], ['fastify']])(
  'on %s, opaque tokens from a real OpenID provider',
  (adapter) => {
    let authority: DevAuthority;
    let api: TestApp;
    let wrongSecret: TestApp;

    beforeAll(async () => {
      authority = await startDevAuthority({ port: 0 });
      const auth = {
        authority: authority.issuer,
        audience: authority.audience,
        requireHttpsMetadata: false,
        introspection: 'opaque' as const,
        introspectionClientId: authority.clientId,
      };
      api = await startApi({
        adapter,
        auth: { ...auth, introspectionClientSecret: authority.clientSecret },
      });
      wrongSecret = await startApi({
        adapter,
        auth: { ...auth, introspectionClientSecret: 'not-the-secret' },
      });
    });
    afterAll(async () => {
      await api?.close();
      await wrongSecret?.close();
      await authority?.close();
    });

    it('publishes its introspection endpoint and issues opaque tokens on request', async () => {
      const metadata = await fetch(`${authority.issuer}/.well-known/openid-configuration`);
      expect(await metadata.json()).toMatchObject({
        introspection_endpoint: authority.introspectionEndpoint,
      });
      expect(isJwsCompact(await authority.opaqueToken())).toBe(false);
      expect(isJwsCompact(await authority.token())).toBe(true);
    });

    it('accepts an opaque token through introspection, with its scopes', async () => {
      const token = await authority.opaqueToken(['messages:read']);
      const res = await api.withToken(token).get('/api/me');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        sub: authority.clientId,
        clientId: authority.clientId,
        scopes: ['messages:read'],
        issuer: authority.issuer,
      });
      expect((await api.withToken(token).get('/api/messages')).status).toBe(200);
      expect(
        await api.withToken(token).post('/api/messages').send({ text: 'hello' }),
      ).toBeForbiddenForScopes('messages:write');
    });

    it('writes messages under the client as author with a messages:write opaque token', async () => {
      const token = await authority.opaqueToken(['messages:write']);
      const res = await api.withToken(token).post('/api/messages').send({ text: 'opaque hello' });
      expect([res.status, res.body.author]).toEqual([201, authority.clientId]);
    });

    it('still verifies its JWTs locally', async () => {
      const res = await api.withToken(await authority.token(['messages:read'])).get('/api/me');
      expect(res.status).toBe(200);
    });

    it('refuses a token it never issued: 401, the provider said inactive', async () => {
      expect(await api.withToken('made-up-reference-token').get('/api/me')).toBeUnauthorized(
        'invalid_token',
        AuthMessages.tokenInactive(),
      );
    });

    it('answers 503 with Retry-After when the provider refuses our client, and readiness says why', async () => {
      const token = await authority.opaqueToken();
      expect(await wrongSecret.withToken(token).get('/api/me')).toBeAuthorityUnavailable();
      const ready = await request(wrongSecret.server).get('/health/ready');
      expect(ready.body.info.introspection).toMatchObject({
        status: 'degraded',
        endpoint: authority.introspectionEndpoint,
        message: expect.stringContaining('refused our client credentials (HTTP 401)'),
      });
    });
  },
);
