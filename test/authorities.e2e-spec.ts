import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import request from 'supertest';
import { AuthMessages } from '../src/auth/core/auth-messages.js';
import { TestAuthority, generateTestKey, type TestApp } from '../src/auth/testing/index.js';
import type { HttpAdapterName } from '../src/config/http.settings.js';
import { startApi } from './support/test-api.js';

/*
 * Several authorities (CONTRACT.md, "Several authorities"): the token's iss picks its authority
 * before anything is looked up, an unlisted iss costs no request at all, a token is checked
 * against the keys of the authority it names only, and one authority's outage leaves the other
 * one's tokens alone, readiness included.
 */

interface Readiness {
  status: string;
  info: Record<string, { status: string; discovery?: object; jwks?: object }>;
  error: Record<string, { status: string }>;
}

const ready = async (server: Server) => {
  const res = await request(server).get('/health/ready');
  return { status: res.status, body: res.body as Readiness };
};

describe.each<[HttpAdapterName]>([['express'], ['fastify']])(
  'several authorities on %s',
  (adapter) => {
    let okta: TestAuthority;
    let auth0: TestAuthority;
    /** On okta's host, with keys of its own, and not listed. */
    let unlisted: TestAuthority;
    let api: TestApp;

    beforeAll(async () => {
      okta = await TestAuthority.start({ path: '/oauth2/default' });
      auth0 = await TestAuthority.start({ path: '/tenant' });
      unlisted = okta.sibling('/oauth2/other');
      api = await startApi({
        authority: okta,
        adapter,
        auth: { authority: [okta.issuer, auth0.issuer] },
      });
    });
    afterAll(async () => {
      await api?.close();
      await okta?.close();
      await auth0?.close();
    });
    afterEach(() => {
      for (const authority of [okta, auth0]) {
        authority.jwks = 'ok';
        authority.discovery = 'ok';
      }
    });

    const me = (token: string) => api.withToken(token).get('/api/me');
    const requestsToHosts = () => okta.hostRequests + auth0.hostRequests;

    it("accepts each listed authority's tokens, each under its own issuer", async () => {
      for (const authority of [okta, auth0]) {
        const res = await me(authority.mint({ sub: `user-of-${authority.path}` }));
        expect([res.status, res.body]).toEqual([
          200,
          expect.objectContaining({ issuer: authority.issuer, sub: `user-of-${authority.path}` }),
        ]);
      }
    });

    it('refuses an unlisted issuer without a single request, naming it and the listed ones', async () => {
      const before = requestsToHosts();
      for (const token of [
        unlisted.mint(),
        okta.mint({ iss: `${okta.issuer}/` }),
        okta.mint({ iss: 'https://evil.example.com' }),
        okta.mint({ iss: undefined }),
      ]) {
        const { iss } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as {
          iss?: string;
        };
        expect(await me(token)).toBeUnauthorized(
          'invalid_token',
          AuthMessages.issuerNotListed(iss, [okta.issuer, auth0.issuer]),
        );
      }
      expect(unlisted.fetches).toEqual({ discovery: 0, jwks: 0 });
      expect(requestsToHosts()).toBe(before);
    });

    it('costs no request for a flood of unlisted issuers with new kids', async () => {
      const before = requestsToHosts();
      const forged = Array.from({ length: 30 }, (_, i) =>
        okta.mint(
          { iss: `https://idp-${i}.example.com/` },
          { key: generateTestKey('RS256', { kid: `k-${i}` }) },
        ),
      );
      const answers = await Promise.all(forged.map((token) => me(token)));
      expect(answers.map((res) => res.status)).toEqual(forged.map(() => 401));
      expect(requestsToHosts()).toBe(before);
    });

    it("checks a token against its own authority's keys only: another's kid is unknown there", async () => {
      auth0.resetFetches();
      const crossed = okta.mint({}, { key: auth0.signingKey });
      expect(await me(crossed)).toBeUnauthorized(
        'invalid_token',
        AuthMessages.unknownKid(auth0.signingKey.kid, okta.issuer),
      );
      expect(auth0.fetches).toEqual({ discovery: 0, jwks: 0 });
    });

    it("uses the named authority's key when both publish the same kid", async () => {
      const oktaKey = generateTestKey('RS256', { kid: 'shared-kid' });
      okta.keys = [...okta.keys, oktaKey];
      auth0.keys = [...auth0.keys, generateTestKey('RS256', { kid: 'shared-kid' })];
      expect((await me(okta.mint({}, { key: oktaKey }))).status).toBe(200);
      // The same key and kid under auth0's issuer: auth0's key of that kid is another key.
      expect(await me(auth0.mint({}, { key: oktaKey }))).toBeUnauthorized(
        'invalid_token',
        AuthMessages.badSignature('shared-kid'),
      );
    });

    it("keeps serving one authority's tokens while the other is down", async () => {
      auth0.rotate();
      auth0.jwks = 'down';
      auth0.discovery = 'down';
      expect(await me(auth0.mint())).toBeAuthorityUnavailable();

      okta.rotate(); // a new key of the authority that is up is fetched, as usual
      expect((await me(okta.mint())).status).toBe(200);
      expect((await me(auth0.mint({}, { key: auth0.keys[0] }))).status).toBe(200); // cached key
    });
  },
);

describe.each<[HttpAdapterName]>([['express'], ['fastify']])(
  'readiness with several authorities on %s',
  (adapter) => {
    const started: { api: TestApp; authorities: TestAuthority[] }[] = [];
    afterEach(async () => {
      for (const { api, authorities } of started.splice(0)) {
        await api.close();
        for (const authority of authorities) await authority.close();
      }
    });

    /** Two fresh authorities, the second with `faults`, and an API that has not asked either yet. */
    async function start(faults: { first?: 'down'; second?: 'down' }) {
      const first = await TestAuthority.start();
      const second = await TestAuthority.start({ path: '/second' });
      if (faults.first) first.discovery = faults.first;
      if (faults.second) second.discovery = faults.second;
      const api = await startApi({
        authority: first,
        adapter,
        auth: { authority: [first.issuer, second.issuer] },
        warm: false,
      });
      started.push({ api, authorities: [first, second] });
      return { first, second, server: api.server };
    }

    it('names each authority by its issuer, with its discovery and keys', async () => {
      const { first, second, server } = await start({});
      const { status, body } = await ready(server);
      expect(status).toBe(200);
      expect(body.status).toBe('ok');
      for (const authority of [first, second]) {
        expect(body.info[authority.issuer]).toEqual({
          status: 'up',
          discovery: {
            status: 'up',
            source: `${authority.issuer}/.well-known/openid-configuration`,
          },
          jwks: { status: 'up', keys: 1, jwksUri: authority.jwksUri },
        });
      }
    });

    it('is 200, degraded, while one authority is down and the other serves', async () => {
      const { first, second, server } = await start({ second: 'down' });
      const { status, body } = await ready(server);
      expect(status).toBe(200);
      expect(body.status).toBe('degraded');
      expect(body.info[first.issuer].status).toBe('up');
      expect(body.info[second.issuer]).toMatchObject({
        status: 'degraded',
        discovery: { status: 'down' },
        jwks: { status: 'down' },
      });
    });

    it('is 503 when no authority can give its keys', async () => {
      const { first, second, server } = await start({ first: 'down', second: 'down' });
      const { status, body } = await ready(server);
      expect(status).toBe(503);
      expect(body.error[first.issuer].status).toBe('down');
      expect(body.error[second.issuer].status).toBe('down');
    });
  },
);
