import { describe, expect, it } from '@jest/globals';
import { generateTestKey, keyResolverFor, signJws, testPolicy } from '../testing/index.js';
import { ACCESS_TOKEN_CHECKS, verifyAccessToken } from './access-token.js';
import { AuthMessages } from './auth-messages.js';
import { AuthorityUnavailableError, InvalidTokenError } from './bearer-errors.js';
import type { CheckName } from './token-checks.js';
import { inspectAccessToken } from './token-inspection.js';
import type { KeyResolver } from './token-policy.js';

/**
 * Each diagnosis the API gives, through the one ordered pipeline: which check fails, what it
 * says (always the `AuthMessages` factory), and that the description is one short sentence
 * within RFC 6750's character set.
 */

const ISSUER = 'https://x.okta.com/oauth2/default';
const policy = testPolicy({
  issuers: [ISSUER],
  audiences: ['api://default', 'api://other-accepted'],
});
const NOW = 1_800_000_000;
const key = generateTestKey('RS256', { kid: 'custom-1' });

const published = keyResolverFor(key, ISSUER);

const claims = (extra: Record<string, unknown>) => {
  const all: Record<string, unknown> = {
    iss: ISSUER,
    aud: 'api://default',
    sub: 'user-1',
    client_id: 'spa-client',
    scope: 'messages:read',
    iat: NOW - 10,
    exp: NOW + 300,
    ...extra,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined));
};
const token = (extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  signJws({ alg: 'RS256', typ: 'at+jwt', kid: key.kid, ...header }, claims(extra), key.privateKey);

const other = generateTestKey('RS256', { kid: 'org-1' });
const orgToken = signJws(
  { alg: 'RS256', kid: 'org-1' },
  claims({ iss: 'https://x.okta.com' }),
  other.privateKey,
);

/** RFC 6750 §3: error_description is printable ASCII without `"` and `\`. */
const RFC6750_CHARSET = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

function expectOneShortSentence(text: string): void {
  expect(text).toMatch(RFC6750_CHARSET);
  expect(text.length).toBeLessThanOrEqual(300);
  expect(text).toMatch(/^[A-Z]/);
  expect(text).not.toMatch(/[.!?]\s+[A-Z]/); // no second sentence
  expect(text.replace(/\.\.\.$/, '')).not.toMatch(/[.!?]$/); // a clipped value ends in ...
}

const inspect = (t: string, resolver = published) => inspectAccessToken(t, policy, resolver, NOW);

describe('inspectAccessToken: one report per check, in the API order', () => {
  it('lists every check in the order the API runs them', () => {
    expect(ACCESS_TOKEN_CHECKS).toEqual([
      'format',
      'issuer',
      'algorithm',
      'header',
      'type',
      'kid',
      'key',
      'key_fits',
      'signature',
      'token_use',
      'lifetime',
      'audience',
      'subject',
    ]);
  });

  it('passes every check of a good token and returns its principal', async () => {
    const report = await inspect(token());
    expect(report.error).toBeUndefined();
    expect(report.checks.map((c) => c.outcome)).toEqual(ACCESS_TOKEN_CHECKS.map(() => 'passed'));
    expect(report.principal).toMatchObject({ sub: 'user-1', clientId: 'spa-client' });
    expect(report.key?.kid).toBe(key.kid);
  });

  const now = NOW;
  it.each<[string, CheckName, () => string, string, string]>([
    [
      'a foreign issuer (another host)',
      'issuer',
      () => token({ iss: 'https://login.example.org' }),
      'wrong_issuer',
      AuthMessages.wrongIssuer('https://login.example.org', ISSUER),
    ],
    [
      'the Okta Org server instead of the custom server (same host)',
      'issuer',
      () => orgToken,
      'wrong_issuer',
      AuthMessages.wrongIssuer('https://x.okta.com', ISSUER),
    ],
    [
      'an unknown kid',
      'key',
      () => token({}, { kid: 'rotated-away' }),
      'unknown_kid',
      AuthMessages.unknownKid('rotated-away', ISSUER),
    ],
    [
      'an expired token',
      'lifetime',
      () => token({ exp: now - 3600 }),
      'expired',
      AuthMessages.expired(now - 3600),
    ],
    [
      'a token not valid yet',
      'lifetime',
      () => token({ nbf: now + 3600 }),
      'not_yet_valid',
      AuthMessages.notYetValid(now + 3600),
    ],
    [
      'a token for another API',
      'audience',
      () => token({ aud: ['api://billing', 'api://reports'] }),
      'wrong_audience',
      AuthMessages.wrongAudience(['api://billing', 'api://reports'], policy.audiences),
    ],
    [
      'an ID token (nonce)',
      'token_use',
      () => token({ nonce: 'n-1' }, { typ: 'JWT' }),
      'id_token',
      AuthMessages.idToken('it carries nonce'),
    ],
    [
      'an ID token (c_hash)',
      'token_use',
      () => token({ c_hash: 'h' }),
      'id_token',
      AuthMessages.idToken('it carries c_hash'),
    ],
    [
      'an ID token (its audience is the client, no scope)',
      'token_use',
      () => token({ aud: 'spa-client', azp: 'spa-client', scope: undefined }),
      'id_token',
      AuthMessages.idToken('its audience is a client and it has no scope'),
    ],
    [
      'a token without a subject',
      'subject',
      () => token({ sub: undefined }),
      'missing_sub',
      AuthMessages.missingSub(),
    ],
    [
      'an opaque token (Auth0 without an audience)',
      'format',
      () => 'Zm9vYmFyYmF6cXV4',
      'malformed_token',
      AuthMessages.malformedToken('it is opaque, not a JWT'),
    ],
    [
      'an encrypted token (JWE)',
      'format',
      () => 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y2lwaGVy.dGFn',
      'malformed_token',
      AuthMessages.malformedToken('it is encrypted (JWE), not signed'),
    ],
  ])('%s fails the %s check', async (_name, failing, make, reason, description) => {
    const report = await inspect(make());
    const at = ACCESS_TOKEN_CHECKS.indexOf(failing);
    expect(report.checks.map((c) => c.outcome)).toEqual(
      ACCESS_TOKEN_CHECKS.map((_, i) => (i < at ? 'passed' : i === at ? 'failed' : 'not_reached')),
    );
    expect(report.checks[at].error).toBe(report.error);
    expect(report.error).toMatchObject({ status: 401, code: 'invalid_token', reason });
    expect(report.error?.message).toBe(description);
    expectOneShortSentence(description);
  });

  it('reports exactly the refusal the API answers with: both run verifyAccessToken', async () => {
    for (const t of [orgToken, token({ exp: NOW - 3600 }), token({ sub: '' }), 'opaque']) {
      const report = await inspect(t);
      // Thrown at once or rejected later (a fetched key): the same refusal either way.
      const thrown = await Promise.resolve()
        .then(() => verifyAccessToken(t, policy, published, NOW))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(report.error).toEqual(thrown);
    }
  });

  it('never looks a key up for a foreign issuer: the issuer is checked first', async () => {
    let lookups = 0;
    const report = await inspect(orgToken, (kid, alg, authority) => {
      lookups++;
      return published(kid, alg, authority);
    });
    expect(report.error?.reason).toBe('wrong_issuer');
    expect(lookups).toBe(0);
  });

  it('keeps what the token said about itself on every failure, for the log', async () => {
    for (const t of [orgToken, token({}, { kid: 'rotated-away' }), token({ exp: NOW - 3600 })]) {
      const { error } = await inspect(t);
      expect(error?.summary).toEqual({
        iss: expect.any(String),
        kid: expect.any(String),
        aud: 'api://default',
        sub: 'user-1',
        clientId: 'spa-client',
      });
    }
  });

  it('reports an unavailable authority at the key check as a 503, not the token’s fault', async () => {
    const down: KeyResolver = () =>
      Promise.reject(new AuthorityUnavailableError(AuthMessages.authorityUnavailable('keys')));
    const report = await inspect(token(), down);
    expect(report.checks.find((c) => c.name === 'key')?.outcome).toBe('failed');
    expect(report.error).toMatchObject({ status: 503, reason: 'authority_unavailable' });
  });

  it('lets anything that is not a verdict propagate', async () => {
    const broken: KeyResolver = () => Promise.reject(new TypeError('bug'));
    await expect(inspect(token(), broken)).rejects.toThrow(TypeError);
  });
});

describe('AuthMessages: descriptions a developer can act on', () => {
  it('an issuer mismatch names both issuers', () => {
    const text = AuthMessages.wrongIssuer('https://login.example.org', ISSUER);
    expect(text).toContain('https://login.example.org');
    expect(text).toContain(ISSUER);
    expect(text).not.toContain('same host');
  });

  it('a same-host issuer is called another authorization server on that host', () => {
    expect(AuthMessages.wrongIssuer('https://x.okta.com', ISSUER)).toContain(
      'another authorization server on the same host',
    );
    expect(AuthMessages.wrongIssuer(`${ISSUER}/`, ISSUER)).toContain('trailing slash');
  });

  it('an unknown kid names the kid and the issuer whose keys were searched', () => {
    const text = AuthMessages.unknownKid('k-42', ISSUER);
    expect(text).toContain('k-42');
    expect(text).toContain(ISSUER);
  });

  it('expiry and not-before name the instant, in ISO 8601', () => {
    expect(AuthMessages.expired(NOW)).toContain(new Date(NOW * 1000).toISOString());
    expect(AuthMessages.notYetValid(NOW)).toContain(new Date(NOW * 1000).toISOString());
  });

  it('a wrong audience names the token audience and every accepted one', () => {
    const text = AuthMessages.wrongAudience(['api://billing'], policy.audiences);
    for (const aud of ['api://billing', ...policy.audiences]) expect(text).toContain(aud);
  });

  it('an ID token is called an ID token, with the hint to send the access token', () => {
    const text = AuthMessages.idToken('it carries nonce');
    expect(text).toContain('ID token');
    expect(text).toContain('send the access token');
  });

  const hostile = 'a"b\\c\nd\u0000e\u202Eé' + 'x'.repeat(5000);
  it.each<[string, string]>([
    ['wrongIssuer', AuthMessages.wrongIssuer(hostile, ISSUER)],
    ['unknownKid', AuthMessages.unknownKid(hostile, ISSUER)],
    ['wrongAudience', AuthMessages.wrongAudience([hostile, hostile], policy.audiences)],
    ['wrongTokenType', AuthMessages.wrongTokenType(hostile)],
    ['algorithmNotAllowed', AuthMessages.algorithmNotAllowed(hostile, policy.algorithms)],
    ['unsupportedCrit', AuthMessages.unsupportedCrit([hostile])],
    ['badSignature', AuthMessages.badSignature(hostile)],
  ])('%s stays one short RFC 6750 sentence whatever the token holds', (_name, text) => {
    const description = new InvalidTokenError('malformed_token', text).message;
    expectOneShortSentence(description);
    expect(description).not.toContain('x'.repeat(200));
  });

  it('a hostile claim reaches the challenge only as RFC 6750 characters', async () => {
    const { error } = await inspect(token({ iss: 'https://evil"\r\nSet-Cookie: a=b' }));
    const challenge = error?.challenge() ?? '';
    expect(challenge).toMatch(/^Bearer error="invalid_token", error_description="[^"\\]*"$/);
    expect(challenge).not.toMatch(/[\r\n]/);
  });
});
