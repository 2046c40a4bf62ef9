import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import request from 'supertest';
import { AuthMessages } from '../src/auth/core/auth-messages.js';
import { generateTestKey, signJws, TestAuthority } from '../src/auth/testing/index.js';
import { startApi } from './support/test-api.js';

describe('the API with tokens the tests sign themselves', () => {
  let authority: TestAuthority;
  let app: INestApplication;
  let server: Server;

  beforeAll(async () => {
    authority = await TestAuthority.start();
    ({ app, server } = await startApi({ authority }));
  });

  afterAll(async () => {
    await app?.close();
    await authority?.close();
  });

  const get = (authorization?: string) => {
    const req = request(server).get('/api/messages');
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };

  describe('refused tokens: 401 invalid_token with a description naming the check', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, () => string, RegExp][] = [
      ['expired', () => authority.bad.expired(), /^The token expired at \d{4}-/],
      ['not yet valid', () => authority.bad.notYetValid(), /^The token is not valid before \d{4}-/],
      [
        'from another issuer',
        () => authority.bad.foreignIssuer('https://idp.example.com'),
        /^The token issuer https:\/\/idp\.example\.com is not the expected issuer http:\/\/127/,
      ],
      [
        'for another audience',
        () => authority.bad.wrongAudience('api://other'),
        /^The token audience api:\/\/other is not accepted; accepted: api:\/\/test$/,
      ],
      [
        'with a bad signature',
        () => {
          const [header, payload] = authority.mint().split('.');
          const other = authority.mint({ sub: 'someone-else' }).split('.')[2];
          return `${header}.${payload}.${other}`;
        },
        /^The token signature does not verify with key /,
      ],
      [
        'with alg none',
        () => signJws({ alg: 'none', kid: authority.signingKey.kid }, authority.claims()),
        /^The token algorithm none is not accepted/,
      ],
      [
        'signed with HS256 and the public key as secret',
        () =>
          signJws(
            { alg: 'HS256', kid: authority.signingKey.kid },
            authority.claims(),
            authority.signingKey.publicKey.export({ type: 'spki', format: 'pem' }),
          ),
        /^The token algorithm HS256 is not accepted/,
      ],
      ['that is not a JWT', () => 'not-a-jwt', /^The token is not a well-formed JWS/],
      ['with no exp', () => authority.mint({ exp: undefined }), /^The token has no expiration/],
      ['an ID token', () => authority.bad.idToken(), /^This is an OpenID Connect ID token/],
      [
        'signed by a key nobody published',
        () => authority.bad.unknownKid(),
        /^The signing key kid-nobody-published was not found in the keys of http:\/\/127/,
      ],
      [
        'expired beyond the clock skew',
        () => authority.mint({ exp: now() - 61 }),
        /^The token expired at /,
      ],
    ];

    it.each(cases)('%s', async (_name, token, description) => {
      const res = await get(`Bearer ${token()}`);
      expect(res).toBeUnauthorized('invalid_token');
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: expect.stringMatching(description),
      });
      expect(res.headers['www-authenticate']).toContain(
        `error_description="${(res.body as { message: string }).message}"`,
      );
    });

    it('accepts a token expired within the clock skew (60 s)', async () => {
      const res = await get(`Bearer ${authority.mint({ exp: now() - 30 })}`);
      expect(res.status).toBe(200);
    });
  });

  describe('missing and malformed credentials', () => {
    it.each([
      ['no Authorization header', undefined],
      ['another scheme', 'Basic dXNlcjpwYXNz'],
    ])('%s → 401 with a bare Bearer challenge', async (_name, authorization) => {
      const res = await get(authorization);
      expect(res).toBeUnauthorized();
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: expect.any(String),
      });
    });

    it.each([
      ['Bearer with no token', 'Bearer', AuthMessages.emptyBearer()],
      ['Bearer with only spaces', 'Bearer    ', AuthMessages.emptyBearer()],
      ['two tokens', 'Bearer abc.def.ghi jkl.mno.pqr', AuthMessages.severalTokens()],
      ['characters outside b64token', 'Bearer abc"def', AuthMessages.tokenCharacters()],
    ])('%s → 400 invalid_request', async (_name, authorization, message) => {
      const res = await get(authorization);
      expect(res).toBeBadBearerRequest();
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message });
    });

    it('a token in the header and the query → 400 invalid_request', async () => {
      const token = authority.mint();
      const res = await request(server)
        .get(`/api/messages?access_token=${token}`)
        .set('Authorization', `Bearer ${token}`);
      expect(res).toBeBadBearerRequest();
      expect(res.body).toMatchObject({ message: AuthMessages.tokenInSeveralPlaces() });
    });

    it('a token in the query alone → 400 invalid_request: tokens belong in the header', async () => {
      const res = await request(server).get(`/api/messages?access_token=${authority.mint()}`);
      expect(res).toBeBadBearerRequest();
      expect(res.body).toMatchObject({ message: AuthMessages.tokenOutsideHeader() });
    });

    it('the scheme is case-insensitive', async () => {
      const res = await get(`bEaReR ${authority.mint()}`);
      expect(res.status).toBe(200);
    });
  });

  describe('messages', () => {
    const as = (sub: string, scope = 'messages:read messages:write') =>
      `Bearer ${authority.mint({ sub, scope })}`;

    it.each([
      ['an empty text', { text: '' }],
      ['a text of 1001 characters', { text: 'x'.repeat(1001) }],
      ['a text that is not a string', { text: 42 }],
      ['no text', {}],
      ['an unknown field', { text: 'hi', author: 'mallory' }],
    ])('POST with %s → 400 naming the problem', async (_name, body) => {
      const res = await request(server)
        .post('/api/messages')
        .set('Authorization', as('alice'))
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.body.message)).toMatch(/text|author/);
    });

    it('POST with a body that is not JSON → 400', async () => {
      const res = await request(server)
        .post('/api/messages')
        .set('Authorization', as('alice'))
        .set('Content-Type', 'application/json')
        .send('{"text": ');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400 });
    });

    it('accepts 1000 characters and records the author from the token', async () => {
      const res = await request(server)
        .post('/api/messages')
        .set('Authorization', as('alice'))
        .send({ text: 'x'.repeat(1000) });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        text: 'x'.repeat(1000),
        author: 'alice',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    });

    it('only the author may delete a message', async () => {
      const created = await request(server)
        .post('/api/messages')
        .set('Authorization', as('alice'))
        .send({ text: 'mine' });
      const path = `/api/messages/${(created.body as { id: string }).id}`;

      const byBob = await request(server).delete(path).set('Authorization', as('bob'));
      expect(byBob.status).toBe(403);
      expect(byBob.headers['www-authenticate']).toBeUndefined();
      expect((await request(server).get(path).set('Authorization', as('bob'))).status).toBe(200);

      const byAlice = await request(server).delete(path).set('Authorization', as('alice'));
      expect(byAlice.status).toBe(204);
      expect((await request(server).get(path).set('Authorization', as('alice'))).status).toBe(404);
    });

    it('requires both scopes where a route says so, exactly and case-sensitively', async () => {
      const res = await get(as('alice', 'messages:readwrite Messages:read'));
      expect(res).toBeForbiddenForScopes('messages:read');
      const scp = await get(
        `Bearer ${authority.mint({ scope: undefined, scp: ['messages:read'] })}`,
      );
      expect(scp.status).toBe(200);
    });
  });

  it('signs with a key only a test could have: a fresh key the JWKS does not publish', async () => {
    const stranger = generateTestKey('RS256', { kid: authority.signingKey.kid });
    const res = await get(`Bearer ${authority.mint({}, { key: stranger })}`);
    expect(res).toBeUnauthorized('invalid_token');
    expect(res.body).toMatchObject({ message: expect.stringMatching(/signature does not verify/) });
  });
});
