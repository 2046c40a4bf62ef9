import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import request from 'supertest';
import { TestAuthority, signJws, type TestApp } from '../../src/auth/testing/index.js';
import { settingsFromEnv } from '../../src/config/settings.js';
import { authorityEnv } from '../support/authority-env.js';
import { startApi } from '../support/test-api.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { callWith } from './security-helpers.js';

/*
 * RFC 7519 §4.1, RFC 8725 §3.8–3.11 and RFC 9068 §4: what a correctly signed token must also
 * say. `exp` required and a valid NumericDate, `nbf` honoured with the clock skew, `iss` and `aud`
 * compared exactly, a payload that is a JSON object, an access-token `typ`, and no ID tokens.
 * All these tokens are signed with the authority's real key: only the checked claim is wrong.
 */

let authority: TestAuthority;
const logger = new CaptureLogger();
const now = () => Math.floor(Date.now() / 1000);

async function expectRefused(server: Server, token: string, reason: string): Promise<void> {
  const res = await callWith(server, token);
  expect(res).toBeUnauthorized('invalid_token');
  expect(logger.lastRejection()).toBe(reason);
  expect(authority.fetches.jwks).toBe(0);
}

async function expectAccepted(server: Server, token: string): Promise<void> {
  const res = await callWith(server, token);
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  authority = await TestAuthority.start();
});
afterAll(() => authority?.close());
beforeEach(() => {
  authority.resetFetches();
  logger.clear();
});

describe('exp: required, a valid NumericDate', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it('no exp → 401', async () => {
    await expectRefused(api.server, authority.mint({ exp: undefined }), 'missing_exp');
  });

  it.each([
    ['a numeric string', '9999999999'],
    ['null (what JSON makes of Infinity and NaN)', null],
    ['true', true],
    ['an array', [9999999999]],
    ['an object', { value: 9999999999 }],
  ])('exp as %s → 401', async (_name, exp) => {
    await expectRefused(api.server, authority.mint({ exp }), 'invalid_claim');
  });

  it.each([
    ['1e400 (Infinity once parsed)', '1e400'],
    ['-1e400 (-Infinity once parsed)', '-1e400'],
  ])('exp %s → 401', async (_name, literal) => {
    const json = JSON.stringify({ ...authority.claims(), exp: 0 }).replace(
      '"exp":0',
      `"exp":${literal}`,
    );
    await expectRefused(api.server, authority.mint({}, { rawPayload: json }), 'invalid_claim');
  });

  it('exp NaN (not JSON at all) → 401 malformed', async () => {
    const json = JSON.stringify({ ...authority.claims(), exp: 0 }).replace('"exp":0', '"exp":NaN');
    await expectRefused(api.server, authority.mint({}, { rawPayload: json }), 'malformed_token');
  });

  it.each([
    ['1e300', 1e300],
    ['Number.MAX_VALUE', Number.MAX_VALUE],
    ['beyond the last representable date (8.64e12 s + 1)', 8.64e12 + 1],
  ])('exp %s, far beyond any date → 401 (never a 500)', async (_name, exp) => {
    await expectRefused(api.server, authority.mint({ exp }), 'invalid_claim');
  });

  it.each([
    ['-1e300', -1e300],
    ['-Number.MAX_VALUE', -Number.MAX_VALUE],
  ])('exp %s, far before any date → 401 (never a 500)', async (_name, exp) => {
    await expectRefused(api.server, authority.mint({ exp }), 'invalid_claim');
  });

  it('nbf or iat that are not NumericDates → 401', async () => {
    await expectRefused(api.server, authority.mint({ nbf: 'now' }), 'invalid_claim');
    await expectRefused(api.server, authority.mint({ iat: '1700000000' }), 'invalid_claim');
    await expectRefused(api.server, authority.mint({ nbf: 1e300 }), 'invalid_claim');
  });

  it('an exp within the clock skew (60 s) is still accepted; beyond it → 401 expired', async () => {
    await expectAccepted(api.server, authority.mint({ exp: now() - 30 }));
    await expectRefused(api.server, authority.mint({ exp: now() - 90 }), 'expired');
    await expectRefused(api.server, authority.bad.expired(), 'expired');
  });

  it('an exp in year 2200 is accepted (valid, if unwise)', async () => {
    await expectAccepted(api.server, authority.mint({ exp: Date.UTC(2200, 0, 1) / 1000 }));
  });
});

describe('nbf with the default clock skew (60 s)', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it('nbf 30 s ahead → accepted', async () => {
    await expectAccepted(api.server, authority.mint({ nbf: now() + 30 }));
  });
  it('nbf 120 s ahead → 401', async () => {
    await expectRefused(api.server, authority.mint({ nbf: now() + 120 }), 'not_yet_valid');
  });
  it('nbf an hour ahead → 401', async () => {
    await expectRefused(api.server, authority.bad.notYetValid(), 'not_yet_valid');
  });
});

describe('nbf and exp with no clock skew (AUTH_CLOCK_SKEW_SECONDS=0)', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger, auth: { clockSkew: 0 } })));
  afterAll(() => api.close());

  it('nbf 30 s ahead → 401', async () => {
    await expectRefused(api.server, authority.mint({ nbf: now() + 30 }), 'not_yet_valid');
  });
  it('exp 30 s ago → 401', async () => {
    await expectRefused(api.server, authority.mint({ exp: now() - 30 }), 'expired');
  });
  it('nbf now and exp ahead → accepted', async () => {
    await expectAccepted(api.server, authority.mint({ nbf: now() - 1 }));
  });
});

describe('iss: exactly the authority, checked before any key lookup', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  const variants: [string, () => unknown][] = [
    ['with a trailing slash', () => `${authority.issuer}/`],
    ['in upper case', () => authority.issuer.toUpperCase()],
    ['with localhost for 127.0.0.1', () => authority.issuer.replace('127.0.0.1', 'localhost')],
    ['with https for http', () => authority.issuer.replace('http:', 'https:')],
    ['with a path appended', () => `${authority.issuer}/oauth2/default`],
    ['as a prefix of it', () => authority.issuer.slice(0, -1)],
    ['with surrounding space', () => ` ${authority.issuer} `],
    ['as an array holding it', () => [authority.issuer]],
    ['absent', () => undefined],
    ['another authority', () => 'https://someone-else.example.com'],
  ];
  it.each(variants)('iss %s → 401, no JWKS fetch', async (_name, iss) => {
    await expectRefused(api.server, authority.mint({ iss: iss() }), 'wrong_issuer');
  });

  it('the exact issuer → accepted', async () => {
    await expectAccepted(api.server, authority.mint({ iss: authority.issuer }));
  });
});

describe('aud: one of the configured audiences, exactly', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it.each([
    ['a prefix', 'api://tes'],
    ['an extension', 'api://testing'],
    ['with a trailing slash', 'api://test/'],
    ['with a path', 'api://test/admin'],
    ['in upper case', 'API://TEST'],
    ['with surrounding space', ' api://test '],
    ['inside a longer string', 'api://test api://other'],
    ['an array of others', ['api://other', 'api://tes']],
    ['a nested array', [['api://test']]],
    ['nested 1 500 arrays deep', JSON.parse(`${'['.repeat(1500)}"api://test"${']'.repeat(1500)}`)],
    ['an object', { 'api://test': true }],
    ['absent', undefined],
    ['empty', ''],
  ])('aud %s → 401', async (_name, aud) => {
    await expectRefused(api.server, authority.mint({ aud }), 'wrong_audience');
  });

  it.each([
    ['the audience', 'api://test'],
    ['an array holding it', ['api://other', 'api://test']],
  ])('aud as %s → accepted', async (_name, aud) => {
    await expectAccepted(api.server, authority.mint({ aud }));
  });
});

describe('a payload that is not a JSON object', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it.each([
    ['an array', () => JSON.stringify([authority.claims()])],
    ['an empty array', () => '[]'],
    ['a number', () => '42'],
    ['a string', () => JSON.stringify(JSON.stringify(authority.claims()))],
    ['null', () => 'null'],
    ['true', () => 'true'],
  ])('payload %s → 401', async (_name, payload) => {
    await expectRefused(
      api.server,
      authority.mint({}, { rawPayload: payload() }),
      'payload_not_object',
    );
  });

  it.each([
    ['not JSON', () => 'not json'],
    ['empty', () => ''],
    ['JSON with trailing garbage', () => `${JSON.stringify(authority.claims())}x`],
  ])('payload %s → 401 malformed', async (_name, payload) => {
    await expectRefused(
      api.server,
      authority.mint({}, { rawPayload: payload() }),
      'malformed_token',
    );
  });
});

describe('typ: an access token, not another kind of JWT', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it.each([
    ['absent', undefined],
    ['JWT', 'JWT'],
    ['jwt', 'jwt'],
    ['at+jwt', 'at+jwt'],
    ['AT+JWT', 'AT+JWT'],
    ['application/at+jwt', 'application/at+jwt'],
  ])('typ %s → accepted', async (_name, typ) => {
    await expectAccepted(api.server, authority.mint({}, { header: { typ } }));
  });

  it.each([
    ['logout+jwt (a logout token)', 'logout+jwt'],
    ['dpop+jwt (a DPoP proof)', 'dpop+jwt'],
    ['secevent+jwt (a security event)', 'secevent+jwt'],
    ['application/logout+jwt', 'application/logout+jwt'],
    ['id_token+jwt', 'id_token+jwt'],
    ['JOSE', 'JOSE'],
    ['an empty string', ''],
    ['a number', 1],
    ['an array', ['at+jwt']],
  ])('typ %s → 401, no JWKS fetch', async (_name, typ) => {
    await expectRefused(api.server, authority.mint({}, { header: { typ } }), 'wrong_token_type');
  });
});

describe('strict RFC 9068 (requireAccessTokenType: true)', () => {
  let api: TestApp;
  beforeAll(
    async () =>
      (api = await startApi({ authority, logger, auth: { requireAccessTokenType: true } })),
  );
  afterAll(() => api.close());

  it.each([
    ['at+jwt', 'at+jwt'],
    ['application/at+jwt', 'application/at+jwt'],
  ])('typ %s → accepted', async (_name, typ) => {
    await expectAccepted(api.server, authority.mint({}, { header: { typ } }));
  });

  it.each([
    ['JWT', 'JWT'],
    ['absent', undefined],
    ['dpop+jwt', 'dpop+jwt'],
  ])('typ %s → 401', async (_name, typ) => {
    await expectRefused(api.server, authority.mint({}, { header: { typ } }), 'wrong_token_type');
  });
});

describe('strict RFC 9068 through the environment (AUTH_REQUIRE_ACCESS_TOKEN_TYPE=true)', () => {
  it('refuses typ JWT and accepts at+jwt', async () => {
    const env = { ...authorityEnv(authority), AUTH_REQUIRE_ACCESS_TOKEN_TYPE: 'true' };
    const { app, server } = await startApi({ authority, auth: settingsFromEnv(env).auth });
    try {
      const jwt = authority.mint({}, { header: { typ: 'JWT' } });
      expect(await request(server).get('/api/me').auth(jwt, { type: 'bearer' })).toBeUnauthorized(
        'invalid_token',
      );
      const at = authority.mint();
      expect((await request(server).get('/api/me').auth(at, { type: 'bearer' })).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('OpenID Connect ID tokens are refused, even with the API as audience', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it.each([
    ['the kit’s ID token (aud = the client)', () => authority.bad.idToken()],
    [
      'aud = the API, with a nonce',
      () =>
        authority.mint(
          { nonce: 'n-0S6_WzA2Mj', scope: undefined, azp: 'test-client' },
          { header: { typ: 'JWT' } },
        ),
    ],
    [
      'aud = the API, with at_hash',
      () => authority.mint({ at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q', scope: undefined }),
    ],
    [
      'aud = the API, with c_hash and a scope',
      () => authority.mint({ c_hash: 'LDktKdoQak3Pk0cnXxCltA' }),
    ],
    [
      'aud = the API = azp, no scope (issued to the API as a client)',
      () =>
        authority.mint(
          { azp: 'api://test', client_id: undefined, scope: undefined },
          { header: { typ: undefined } },
        ),
    ],
  ])('%s → 401, no JWKS fetch', async (_name, token) => {
    await expectRefused(api.server, token(), 'id_token');
  });
});

describe('a token the authority really signed, well-formed in every other way', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it('is accepted (the control for every refusal above)', async () => {
    const res = await callWith(api.server, authority.mint());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sub: 'test-user', issuer: authority.issuer });
  });

  it('claims named __proto__ and constructor are plain data: nothing is polluted', async () => {
    const payload = JSON.stringify(authority.claims()).replace(
      /}$/,
      ',"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
    );
    await expectAccepted(api.server, authority.mint({}, { rawPayload: payload }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('signed by hand with signJws, the same → accepted', async () => {
    const key = authority.signingKey;
    const token = signJws({ alg: key.alg, kid: key.kid }, authority.claims(), key.privateKey);
    await expectAccepted(api.server, token);
  });
});
