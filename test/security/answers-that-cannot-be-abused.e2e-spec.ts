import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  TestAuthority,
  generateTestKey,
  parseChallenge,
  signJws,
  type TestApp,
} from '../../src/auth/testing/index.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { rawRequest, type RawAnswer } from '../support/raw-request.js';
import { startApi } from '../support/test-api.js';
import { tamperSignature } from './security-helpers.js';

/*
 * Answers that can't be abused (RFC 6750 §3): whatever a token holds, the challenge stays one
 * well-formed header of printable ASCII without `"` or `\`, nothing from the token can add a
 * header, and no token, signature or token segment ever appears in a response or a log line.
 * Responses are read raw (status, header lines, body), logs through a capturing LoggerService.
 */

let authority: TestAuthority;
const logger = new CaptureLogger();

/** RFC 6750 §3: `Bearer error="...", error_description="..."` with only the allowed characters. */
const WELL_FORMED_CHALLENGE =
  /^Bearer error="invalid_token", error_description="[\x20\x21\x23-\x5B\x5D-\x7E]{1,300}"$/;
const HOSTILE = 'x"\\ \r\nX-Injected: yes\r\n\r\n<script>é€\u2028\u0000';

const send = (api: TestApp, value: string, path = '/api/me') =>
  rawRequest(`${api.url ?? ''}${path}`, { headers: ['Authorization', value] });

function headerNames(res: RawAnswer): string[] {
  return res.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase());
}

beforeAll(async () => {
  authority = await TestAuthority.start();
});
afterAll(() => authority?.close());
beforeEach(() => logger.clear());

describe('error_description holds only what RFC 6750 allows, whatever the token held', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger, listen: true })));
  afterAll(() => api.close());

  it.each([
    ['iss', () => authority.mint({ iss: `https://evil.example/${HOSTILE}` }), 'wrong_issuer'],
    ['aud', () => authority.mint({ aud: HOSTILE }), 'wrong_audience'],
    ['aud (array)', () => authority.mint({ aud: [HOSTILE, HOSTILE] }), 'wrong_audience'],
    ['typ', () => authority.mint({}, { header: { typ: HOSTILE } }), 'wrong_token_type'],
    ['alg', () => authority.mint({}, { header: { alg: HOSTILE } }), 'algorithm_not_allowed'],
    ['crit', () => authority.mint({}, { header: { crit: [HOSTILE] } }), 'unsupported_header'],
    ['kid', () => authority.mint({}, { header: { kid: HOSTILE } }), 'unknown_kid'],
    ['2 000-character iss', () => authority.mint({ iss: 'i'.repeat(2_000) }), 'wrong_issuer'],
  ])('a hostile %s → one well-formed challenge, no extra header', async (_field, token, reason) => {
    const res = await send(api, `Bearer ${token()}`);
    expect(res).toBeUnauthorized('invalid_token');
    expect(logger.lastRejection()).toBe(reason);
    expect(res.headers['www-authenticate']).toMatch(WELL_FORMED_CHALLENGE);
    expect(headerNames(res).filter((h) => h === 'www-authenticate')).toHaveLength(1);
    expect(headerNames(res)).not.toContain('x-injected');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('the JSON body carries the same sanitised sentence as the challenge', async () => {
    const res = await send(api, `Bearer ${authority.mint({ iss: HOSTILE })}`);
    const description = parseChallenge(res.headers['www-authenticate'] as string)?.params
      .error_description;
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: description });
  });

  it('auth failures are not cacheable', async () => {
    const res = await send(api, `Bearer ${authority.bad.expired()}`);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('with AUTH_INCLUDE_ERROR_DETAILS=false', () => {
  let api: TestApp;
  beforeAll(
    async () =>
      (api = await startApi({
        authority,
        logger,
        listen: true,
        auth: { includeErrorDetails: false },
      })),
  );
  afterAll(() => api.close());

  it('the challenge names the error only, and the body says nothing more', async () => {
    const res = await send(api, `Bearer ${authority.mint({ iss: HOSTILE })}`);
    expect(res).toBeUnauthorized('invalid_token');
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' });
    expect(logger.lastRejection()).toBe('wrong_issuer');
  });
});

describe('no token, signature or token segment in any response or log line', () => {
  let api: TestApp;
  beforeAll(async () => (api = await startApi({ authority, logger, listen: true })));
  afterAll(() => api.close());

  /** What must never be repeated back: the token, each JWS segment, and any 12-character prefix. */
  function secretsOf(token: string): string[] {
    const segments = token.split('.').filter((s) => s.length >= 12);
    return [token, token.slice(0, 12), ...segments];
  }

  const opaque = randomBytes(30).toString('base64url');
  const cases: [string, () => { header: string; path?: string; token: string }][] = [
    ['a valid token (200)', () => ({ token: authority.mint(), header: '' })],
    ['an expired token', () => ({ token: authority.bad.expired(), header: '' })],
    ['a wrong audience', () => ({ token: authority.bad.wrongAudience(), header: '' })],
    ['a bad signature', () => ({ token: tamperSignature(authority.mint()), header: '' })],
    ['an unknown kid', () => ({ token: authority.bad.unknownKid(), header: '' })],
    ['an ID token', () => ({ token: authority.bad.idToken(), header: '' })],
    [
      'HS256 with the public key',
      () => ({
        token: signJws(
          { alg: 'HS256', kid: authority.signingKey.kid },
          authority.claims(),
          authority.signingKey.publicKey,
        ),
        header: '',
      }),
    ],
    ['an opaque token', () => ({ token: opaque, header: '' })],
    ['an opaque token with no scheme', () => ({ token: opaque, header: opaque })],
    ['a JWT with no scheme', () => ({ token: authority.mint(), header: '<token>' })],
    ['a JWT glued to Bearer', () => ({ token: authority.mint(), header: 'Bearer<token>' })],
    [
      'a JWT after Bearer and a tab',
      () => ({ token: authority.mint(), header: 'Bearer\t<token>' }),
    ],
    ['a JWT under another scheme', () => ({ token: authority.mint(), header: 'Token <token>' })],
    ['two tokens', () => ({ token: authority.mint(), header: 'Bearer <token> <token>' })],
    [
      'a token in the query and the header',
      () => ({ token: authority.mint(), header: '', path: '/api/me?access_token=<token>' }),
    ],
    ['a token too long', () => ({ token: `${authority.mint()}${'a'.repeat(9000)}`, header: '' })],
  ];

  it.each(cases)('%s', async (_name, make) => {
    const { token, header, path } = make();
    const value = header === '' ? `Bearer ${token}` : header.replaceAll('<token>', token);
    const res = await send(api, value, (path ?? '/api/me').replace('<token>', token));
    expect(res.status).not.toBe(500);
    const answer = [res.status, ...res.rawHeaders, res.text].join('\n');
    const logs = logger.text();
    for (const secret of secretsOf(token)) {
      expect(answer).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });

  it('while the authority is down (503)', async () => {
    const next = generateTestKey();
    authority.keys = [...authority.keys, next];
    authority.jwks = 'down';
    try {
      const token = authority.mint({}, { key: next });
      const res = await send(api, `Bearer ${token}`);
      expect(res).toBeAuthorityUnavailable();
      const answer = [res.status, ...res.rawHeaders, res.text].join('\n');
      for (const secret of secretsOf(token)) {
        expect(answer).not.toContain(secret);
        expect(logger.text()).not.toContain(secret);
      }
    } finally {
      authority.jwks = 'ok';
    }
  });
});
