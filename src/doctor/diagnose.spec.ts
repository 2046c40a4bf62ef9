import { describe, expect, it } from '@jest/globals';
import { inspectAccessToken } from '../auth/core/token-inspection.js';
import type { KeyResolver, TokenPolicy } from '../auth/core/token-policy.js';
import { AuthMessages } from '../auth/core/auth-messages.js';
import { AuthorityUnavailableError } from '../auth/core/bearer-errors.js';
import { generateTestKey, keyResolverFor, signJws, testPolicy } from '../auth/testing/index.js';
import { diagnose, relative, type DoctorFacts } from './diagnose.js';
import { normalizeInput } from './doctor.js';
import type { OwnIssuerFindings } from './own-issuer.js';
import { printable } from './report.js';

const NOW = 1_800_000_000;
const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const key = generateTestKey('RS256', { kid: 'k1' });

const policyFor = (issuer: string, audience = 'api://default'): TokenPolicy =>
  testPolicy({ issuers: [issuer], audiences: [audience] });

const published = keyResolverFor(key, 'x');

const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
  signJws(
    { alg: 'RS256', kid: key.kid, ...header },
    { sub: 'u', scope: 'a', iat: NOW, exp: NOW + 300, ...claims },
    key.privateKey,
  );

async function diagnoseToken(
  token: string,
  policy: TokenPolicy,
  extra: Partial<DoctorFacts> = {},
  resolver = published,
) {
  const inspection = await inspectAccessToken(token, policy, resolver, NOW);
  return diagnose({
    inspection,
    policy,
    authority: {
      issuer: policy.issuers[0],
      jwksUri: `${policy.issuers[0]}/keys`,
      tokenEndpoint: `${policy.issuers[0]}/v1/token`,
      kids: [key.kid],
    },
    includeErrorDetails: true,
    nowSeconds: NOW,
    ...extra,
  });
}

const fixOf = (d: Awaited<ReturnType<typeof diagnoseToken>>) =>
  d.checks.find((c) => c.outcome === 'failed')?.fix ?? '';

describe('diagnose: the verdict', () => {
  it('accepts a good token: exit 0, every check passed with what it saw', async () => {
    const policy = policyFor('https://x.okta.com/oauth2/default');
    const d = await diagnoseToken(sign({ iss: policy.issuers[0], aud: 'api://default' }), policy);
    expect(d).toMatchObject({ accepted: true, exitCode: 0, answer: { status: 200 } });
    expect(d.checks.find((c) => c.name === 'audience')?.detail).toBe('api://default is accepted');
    expect(d.checks.find((c) => c.name === 'lifetime')?.detail).toBe(
      `valid until ${new Date((NOW + 300) * 1000).toISOString()} (in 5 min)`,
    );
  });

  it('refuses with exit 1 and the exact challenge the API sends', async () => {
    const policy = policyFor('https://x.okta.com/oauth2/default');
    const d = await diagnoseToken(sign({ iss: policy.issuers[0], aud: 'api://other' }), policy);
    expect(d.exitCode).toBe(1);
    expect(d.answer).toEqual({
      status: 401,
      challenge: `Bearer error="invalid_token", error_description="${AuthMessages.wrongAudience('api://other', ['api://default'])}"`,
    });
  });

  it('exits 2 and blames no token when the authority is unavailable', async () => {
    const policy = policyFor('https://x.okta.com/oauth2/default');
    const down: KeyResolver = () =>
      Promise.reject(new AuthorityUnavailableError(AuthMessages.authorityUnavailable('keys')));
    const d = await diagnoseToken(sign({ iss: policy.issuers[0] }), policy, {}, down);
    expect(d.exitCode).toBe(2);
    expect(fixOf(d)).toContain('the token is not at fault');
  });
});

describe('diagnose: the fix names the provider-specific mistake', () => {
  it.each([
    [
      'Okta Org server token, custom server configured',
      'https://x.okta.com/oauth2/default',
      { iss: 'https://x.okta.com' },
      ["Okta's Org authorization server", 'https://x.okta.com/oauth2/default/v1/token'],
    ],
    [
      'Okta custom server token, Org server configured',
      'https://x.okta.com',
      { iss: 'https://x.okta.com/oauth2/default' },
      ['set AUTH_AUTHORITY=https://x.okta.com/oauth2/default'],
    ],
    [
      'Auth0 issuer with its trailing slash',
      'https://t.auth0.com',
      { iss: 'https://t.auth0.com/' },
      ['set AUTH_AUTHORITY=https://t.auth0.com/ exactly (Auth0 issuers end with a slash)'],
    ],
    [
      'Entra v1.0 token, v2.0 configured',
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
      { iss: `https://sts.windows.net/${TENANT}/` },
      ['"accessTokenAcceptedVersion": 2', `AUTH_AUTHORITY=https://sts.windows.net/${TENANT}/`],
    ],
    [
      'Keycloak realm mismatch',
      'https://kc.example.com/realms/shop',
      { iss: 'https://kc.example.com/realms/master' },
      ['realm "master"', 'realm "shop"'],
    ],
    [
      'a Microsoft Graph token',
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
      { aud: '00000003-0000-0000-c000-000000000000' },
      ['Microsoft Graph', 'api://default/.default'],
    ],
    [
      'an Auth0 token for another API',
      'https://t.auth0.com/',
      { aud: 'https://other-api' },
      ['add audience=api://default', 'add it to AUTH_AUDIENCE'],
    ],
    [
      'an ID token',
      'https://x.okta.com/oauth2/default',
      { nonce: 'n', aud: 'client-1', azp: 'client-1' },
      ['send the access_token of the token response, not the id_token'],
    ],
  ])('%s', async (_name, configured, claims, phrases) => {
    const policy = policyFor(configured);
    const d = await diagnoseToken(
      sign({ iss: configured, aud: 'api://default', ...claims }),
      policy,
    );
    for (const phrase of phrases) expect(fixOf(d)).toContain(phrase);
  });

  it('Entra: a header nonce marks a Microsoft Graph token', async () => {
    const policy = policyFor(`https://login.microsoftonline.com/${TENANT}/v2.0`);
    const d = await diagnoseToken(
      sign({ iss: policy.issuers[0], aud: 'api://default' }, { nonce: 'graph' }),
      policy,
    );
    expect(d.findings).toContainEqual(expect.stringContaining('Microsoft Graph'));
  });

  it('HS256: explains shared secrets', async () => {
    const policy = policyFor('https://t.auth0.com/');
    const d = await diagnoseToken(sign({ iss: policy.issuers[0] }, { alg: 'HS256' }), policy);
    expect(fixOf(d)).toContain('shared secret');
  });

  it('an opaque token: ask for a JWT, with the Auth0 audience hint', async () => {
    const policy = policyFor('https://t.auth0.com/');
    const d = await diagnoseToken('opaque-reference-token', policy);
    expect(fixOf(d)).toContain('add audience=api://default');
  });
});

describe("diagnose: what the token's own issuer publishes", () => {
  const policy = policyFor('https://x.okta.com/oauth2/default');
  const orgToken = sign({ iss: 'https://x.okta.com', aud: 'api://default' });
  const own = (found: Partial<OwnIssuerFindings>) => ({
    ownIssuer: { issuer: 'https://x.okta.com', ...found },
  });

  it('names the Org server that publishes the kid, and where to get tokens instead', async () => {
    const d = await diagnoseToken(
      orgToken,
      policy,
      own({ kids: ['k1'], publishesKid: true, signatureVerifies: true }),
    );
    expect(d.findings).toContain(
      'kid k1 is published by https://x.okta.com (the Org authorization server), not by ' +
        'https://x.okta.com/oauth2/default: request tokens from https://x.okta.com/oauth2/default/v1/token.',
    );
    expect(d.findings[1]).toContain('the token is genuine');
  });

  it('says when the kid is published nowhere, or why the issuer was not looked up', async () => {
    const nowhere = await diagnoseToken(orgToken, policy, own({ kids: [], publishesKid: false }));
    expect(nowhere.findings[0]).toContain('is published neither by');
    const skipped = await diagnoseToken(orgToken, policy, own({ notFetched: 'it is not https' }));
    expect(skipped.findings[0]).toBe(
      "The token's issuer https://x.okta.com was not looked up: it is not https.",
    );
  });
});

describe('helpers', () => {
  it.each([
    [NOW + 30, 'in 30 s'],
    [NOW - 600, '10 min ago'],
    [NOW + 3 * 3600, 'in 3 h'],
    [NOW - 5 * 86400, '5 days ago'],
  ])('relative(%p)', (t, text) => {
    expect(relative(t, NOW)).toBe(text);
  });

  it.each([
    ['eyJ.a.b', 'eyJ.a.b'],
    ['  Bearer eyJ.a.b\n', 'eyJ.a.b'],
    ['Authorization: Bearer eyJ.a.b', 'eyJ.a.b'],
    ['"eyJ.a.b"', 'eyJ.a.b'],
  ])('normalizeInput(%p)', (input, token) => {
    expect(normalizeInput(input)).toBe(token);
  });

  it('printable() defuses terminal escapes and bidi overrides', () => {
    expect(printable('a\u001b[31mred\u202Eb\u0007')).toBe('a?[31mred?b?');
  });
});
