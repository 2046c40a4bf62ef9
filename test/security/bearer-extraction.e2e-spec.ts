import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { TestAuthority, type TestApp } from '../../src/auth/testing/index.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { rawRequest } from '../support/raw-request.js';
import { startApi } from '../support/test-api.js';
import { callWith } from './security-helpers.js';

/*
 * RFC 6750 §2.1 and §3.1 at the door: the scheme is case-insensitive and takes exactly one
 * b64token; anything else that claims to be Bearer is 400 `invalid_request`; another scheme is
 * a bare 401 challenge. Node keeps only the first of duplicated headers in `req.headers`, so the
 * duplicates here are sent raw. Nothing in this file reaches the key store: 0 JWKS fetches.
 */

let authority: TestAuthority;
let token: string;
/** Stands for the genuine token in tables, which are built before the authority starts. */
const T = '<token>';
const logger = new CaptureLogger();

beforeAll(async () => {
  authority = await TestAuthority.start();
  token = authority.mint();
});
afterAll(() => authority?.close());
beforeEach(() => {
  authority.resetFetches();
  logger.clear();
});

describe('the Authorization header', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger, listen: true })));
  afterAll(() => api.close());
  const auth = (value: string) =>
    request(api.server).get('/api/me').set('Authorization', value.replaceAll(T, token));

  it.each(['Bearer', 'bearer', 'BEARER', 'BeArEr'])('scheme %s → 200', async (scheme) => {
    expect((await auth(`${scheme} ${T}`)).status).toBe(200);
  });

  it('a token with base64 padding (b64token allows it, a JWS does not) → 401 malformed', async () => {
    const res = await auth(`Bearer ${T}==`);
    expect(res).toBeUnauthorized('invalid_token');
    expect(logger.lastRejection()).toBe('malformed_token');
  });

  it.each([
    ['Bearer and nothing else', 'Bearer'],
    ['Bearer and spaces', 'Bearer    '],
    ['two tokens', `Bearer ${T} ${T}`],
    ['a token and a word', `Bearer ${T} extra`],
    ['two comma-separated tokens', `Bearer ${T},${T}`],
    ['a token in quotes', `Bearer "${T}"`],
    ['a token with a non-b64token character', `Bearer ${T}!`],
    ['a token68-looking token with = in the middle', 'Bearer abc=def'],
    ['a tab inside the credentials', `Bearer ${T}\tmore`],
  ])('%s → 400 invalid_request', async (_name, value) => {
    const res = await auth(value);
    expect(res).toBeBadBearerRequest();
    expect(authority.fetches.jwks).toBe(0);
  });

  it.each([
    ['Basic', 'Basic dXNlcjpwYXNz'],
    ['Digest', 'Digest username="u", realm="r"'],
    ['Token', `Token ${T}`],
    ['DPoP', `DPoP ${T}`],
    ['Bearer glued to the token', `Bearer${T}`],
    ['a bare token with no scheme', T],
  ])('another scheme (%s) → 401 with a bare challenge', async (_name, value) => {
    const res = await auth(value);
    expect(res).toBeUnauthorized();
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(authority.fetches.jwks).toBe(0);
  });

  it('no Authorization header → 401 with a bare challenge', async () => {
    const res = await request(api.server).get('/api/me');
    expect(res).toBeUnauthorized();
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });
});

describe('several Authorization headers (sent raw: supertest would fold them)', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger, listen: true })));
  afterAll(() => api.close());
  const send = (...values: string[]) =>
    rawRequest(`${api.url}/api/me`, {
      headers: values.flatMap((v, i) => [i % 2 ? 'authorization' : 'Authorization', v]),
    });

  it.each([
    ['the same token twice', () => [`Bearer ${token}`, `Bearer ${token}`]],
    ['two different tokens', () => [`Bearer ${token}`, `Bearer ${authority.mint()}`]],
    ['Bearer then Basic', () => [`Bearer ${token}`, 'Basic dXNlcjpwYXNz']],
    ['Basic then Bearer', () => ['Basic dXNlcjpwYXNz', `Bearer ${token}`]],
    ['a token then an empty value', () => [`Bearer ${token}`, '']],
  ])('%s → 400 invalid_request', async (_name, values) => {
    const res = await send(...values());
    expect(res).toBeBadBearerRequest();
    expect(logger.lastRejection()).toBe('malformed_credentials');
    expect(authority.fetches.jwks).toBe(0);
  });

  it('one header sent raw → 200 (the control)', async () => {
    expect((await send(`Bearer ${token}`)).status).toBe(200);
  });
});

describe('a token in more than one place', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it('header and query → 400', async () => {
    const res = await callWith(api.server, token, `/api/me?access_token=${token}`);
    expect(res).toBeBadBearerRequest();
  });

  it('header and form body → 400', async () => {
    const res = await request(api.server)
      .post('/api/messages')
      .set('Authorization', `Bearer ${token}`)
      .type('form')
      .send({ access_token: token, text: 'hello' });
    expect(res).toBeBadBearerRequest();
  });

  it('header and JSON body → 400', async () => {
    const res = await request(api.server)
      .post('/api/messages')
      .set('Authorization', `Bearer ${token}`)
      .send({ access_token: token, text: 'hello' });
    expect(res).toBeBadBearerRequest();
  });

  it('an empty access_token beside the header still counts → 400', async () => {
    const res = await callWith(api.server, token, '/api/me?access_token=');
    expect(res).toBeBadBearerRequest();
  });

  it('the query alone → 400 (query tokens end up in logs; RFC 6750 §2.3 makes them optional)', async () => {
    const res = await request(api.server).get(`/api/me?access_token=${token}`);
    expect(res).toBeBadBearerRequest();
    expect(authority.fetches.jwks).toBe(0);
  });

  it('header only, with other query parameters → 200', async () => {
    expect((await callWith(api.server, token, '/api/me?token=x&access=y')).status).toBe(200);
  });
});

describe('the longest token accepted is checked before any parsing', () => {
  describe('default limit (8192)', () => {
    let api: TestApp;
    beforeAll(async () => (api = await startApi({ authority, logger })));
    afterAll(() => api.close());

    it.each([
      ['8193 characters of a token shape', 'a'.repeat(8193)],
      [
        '8193 characters of JWT shape',
        `${'a'.repeat(4000)}.${'b'.repeat(4000)}.${'c'.repeat(191)}`,
      ],
      ['8193 characters that are not even b64token', '!'.repeat(8193)],
      ['two long tokens', `${'a'.repeat(8000)} ${'b'.repeat(8000)}`],
    ])('%s → 400 token too long', async (_name, value) => {
      const res = await request(api.server).get('/api/me').set('Authorization', `Bearer ${value}`);
      expect(res).toBeBadBearerRequest();
      expect(logger.lastRejection()).toBe('token_too_long');
      expect(authority.fetches.jwks).toBe(0);
    });

    it('exactly 8192 characters is parsed (and refused as a JWT) → 401', async () => {
      const res = await callWith(api.server, 'a'.repeat(8192));
      expect(res).toBeUnauthorized('invalid_token');
      expect(logger.lastRejection()).toBe('malformed_token');
    });
  });

  describe('AUTH_MAX_TOKEN_LENGTH=200', () => {
    let api: TestApp;
    beforeAll(
      async () => (api = await startApi({ authority, logger, auth: { maxTokenLength: 200 } })),
    );
    afterAll(() => api.close());

    it('a genuine token longer than the limit → 400', async () => {
      expect(token.length).toBeGreaterThan(200);
      const res = await callWith(api.server, token);
      expect(res).toBeBadBearerRequest();
      expect(logger.lastRejection()).toBe('token_too_long');
    });
  });
});

describe('malformed tokens in a well-formed header', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger })));
  afterAll(() => api.close());

  it.each([
    ['one segment', 'abcdef', 'malformed_token'],
    ['two segments', 'abc.def', 'malformed_token'],
    ['four segments', 'a.b.c.d', 'malformed_token'],
    ['five segments (a JWE)', 'a.b.c.d.e', 'malformed_token'],
    ['three dots', '...', 'malformed_token'],
    [
      'a header that is not JSON',
      `${Buffer.from('{alg').toString('base64url')}.e30.c2ln`,
      'malformed_token',
    ],
    [
      'a header that is a JSON array',
      `${Buffer.from('[]').toString('base64url')}.e30.c2ln`,
      'malformed_token',
    ],
    ['a header that is base64 with +/', 'ab+/.e30.c2ln', 'malformed_token'],
    ['the signature cut off', () => token.slice(0, token.lastIndexOf('.') + 1), 'malformed_token'],
    [
      'the payload cut in half',
      () => {
        const [h, p, s] = token.split('.');
        return `${h}.${p.slice(0, p.length >> 1)}.${s}`;
      },
      'malformed_token',
    ],
    [
      'garbage bytes in the payload',
      () => {
        const [h, , s] = token.split('.');
        return `${h}.${Buffer.from([0xff, 0xfe, 0x00, 0x7b]).toString('base64url')}.${s}`;
      },
      'malformed_token',
    ],
  ])('%s → 401', async (_name, value, reason) => {
    const res = await callWith(api.server, typeof value === 'function' ? value() : value);
    expect(res).toBeUnauthorized('invalid_token');
    expect(logger.lastRejection()).toBe(reason);
    expect(authority.fetches.jwks).toBe(0);
  });
});
