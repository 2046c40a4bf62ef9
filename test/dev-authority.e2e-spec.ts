import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Server } from 'node:http';
import type { TestApp } from '../src/auth/testing/index.js';
import { startDevAuthority, type DevAuthority } from '../src/dev-authority/dev-authority.js';
import type { HttpAdapterName } from '../src/config/http.settings.js';
import { rawRequest } from './support/raw-request.js';
import { startApi } from './support/test-api.js';

describe.each<[HttpAdapterName]>([['express'], ['fastify']])(
  'on %s, with tokens from a real OpenID provider (oidc-provider, client_credentials)',
  (adapter) => {
    let authority: DevAuthority;
    let api: TestApp;
    let server: Server;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      authority = await startDevAuthority({ port: 0 });
      api = await startApi({
        adapter,
        auth: {
          authority: authority.issuer,
          audience: authority.audience,
          requireHttpsMetadata: false,
        },
      });
      server = api.server;
      tokens.read = await authority.token(['messages:read']);
      tokens.write = await authority.token(['messages:write']);
      tokens.both = await authority.token(['messages:read', 'messages:write']);
      tokens.none = await authority.token([]);
    });

    afterAll(async () => {
      await api?.close();
      await authority?.close();
    });

    it('issues metrics:read, with which its client scrapes GET /metrics as Prometheus would', async () => {
      const token = await authority.token(['metrics:read']);
      const res = await request(server).get('/metrics').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('auth_authentications_total{result="success"}');
      expect(res.text).not.toContain(token.split('.')[2]);
    });

    it('issues at+jwt access tokens for the API audience', () => {
      const [header, payload] = tokens.read
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
      expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
      expect(payload).toMatchObject({
        aud: 'api://default',
        scope: 'messages:read',
        iss: authority.issuer,
      });
    });

    it.each([
      ['GET', '/health', undefined, 200],
      ['GET', '/api/me', undefined, 401],
      ['GET', '/api/me', 'none', 200],
      ['GET', '/api/messages', undefined, 401],
      ['GET', '/api/messages', 'none', 403],
      ['GET', '/api/messages', 'write', 403],
      ['GET', '/api/messages', 'read', 200],
      ['POST', '/api/messages', 'read', 403],
      ['POST', '/api/messages', 'write', 201],
      ['GET', '/api/messages/00000000-0000-0000-0000-000000000000', 'read', 404],
      ['GET', '/api/messages/not-a-uuid', 'read', 404],
      ['DELETE', '/api/messages/00000000-0000-0000-0000-000000000000', 'read', 403],
      ['DELETE', '/api/messages/00000000-0000-0000-0000-000000000000', 'write', 404],
    ])('%s %s with %s token → %i', async (method, path, token, status) => {
      let req = request(server)[method.toLowerCase() as 'get'](path);
      if (token) req = req.set('Authorization', `Bearer ${tokens[token]}`);
      if (method === 'POST') req = req.send({ text: 'hello' });
      const res = await req;
      expect(res.status).toBe(status);
      if (status === 401) expect(res).toBeUnauthorized();
      if (status === 403 && method !== 'DELETE') {
        expect(res).toBeForbiddenForScopes(method === 'GET' ? 'messages:read' : 'messages:write');
      }
    });

    it('GET /api/me describes the caller', async () => {
      const res = await request(server)
        .get('/api/me')
        .set('Authorization', `Bearer ${tokens.both}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        sub: authority.clientId,
        scopes: ['messages:read', 'messages:write'],
        roles: [],
        issuer: authority.issuer,
        clientId: authority.clientId,
        expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    });

    it('creates, reads, lists and deletes a message as its author', async () => {
      const auth = `Bearer ${tokens.both}`;
      const created = await request(server)
        .post('/api/messages')
        .set('Authorization', auth)
        .send({ text: 'hi' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        text: 'hi',
        author: authority.clientId,
        createdAt: expect.any(String),
      });
      const id = created.body.id as string;
      const one = await request(server).get(`/api/messages/${id}`).set('Authorization', auth);
      expect(one.body).toEqual(created.body);
      const list = await request(server).get('/api/messages').set('Authorization', auth);
      expect(list.body).toContainEqual(created.body);
      expect(
        (await request(server).delete(`/api/messages/${id}`).set('Authorization', auth)).status,
      ).toBe(204);
      expect(
        (await request(server).get(`/api/messages/${id}`).set('Authorization', auth)).status,
      ).toBe(404);
    });
  },
);

describe('the development authority answers loopback names only (no DNS rebinding)', () => {
  let authority: DevAuthority;
  let port: string;
  const discovery = (host: string) =>
    rawRequest(`${authority.issuer}/.well-known/openid-configuration`, {
      headers: ['Host', host],
    });

  beforeAll(async () => {
    authority = await startDevAuthority({ port: 0 });
    port = new URL(authority.issuer).port;
  });
  afterAll(() => authority?.close());

  it.each(['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]'])(
    'Host %s:<port> → 200',
    async (name) => {
      const res = await discovery(`${name}:${port}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ issuer: authority.issuer });
    },
  );

  it.each([
    ['a rebound name', () => `attacker.example:${port}`],
    ['a loopback name on another port', () => 'localhost:1'],
    ['a loopback name without the port', () => 'localhost'],
    ['an address of this machine beyond loopback', () => `192.0.2.2:${port}`],
    ['no name at all', () => ''],
  ])('%s → 421, and oidc-provider never sees it', async (_name, host) => {
    const res = await discovery(host());
    expect(res.status).toBe(421);
    expect(res.text).not.toContain('issuer');
    const token = await rawRequest(`${authority.issuer}/token`, {
      method: 'POST',
      headers: [
        'Host',
        host(),
        'Authorization',
        `Basic ${Buffer.from('dev-client:dev-secret').toString('base64')}`,
        'Content-Type',
        'application/x-www-form-urlencoded',
      ],
      body: 'grant_type=client_credentials',
    });
    expect(token.status).toBe(421);
    expect(token.text).not.toContain('access_token');
  });
});
