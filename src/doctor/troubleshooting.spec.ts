import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { inspectAccessToken } from '../auth/core/token-inspection.js';
import type { TokenPolicy } from '../auth/core/token-policy.js';
import { AuthMessages } from '../auth/core/auth-messages.js';
import { ASYMMETRIC_ALGORITHMS } from '../auth/auth.constants.js';
import { generateTestKey, keyResolverFor, signJws, testPolicy } from '../auth/testing/index.js';
import { diagnose, type DoctorFacts } from './diagnose.js';

/*
 * docs/troubleshooting.md quotes the API and the doctor word for word. This spec computes those
 * words from the code, for the same example values, and checks the page still says them: change a
 * message and this fails until the page follows.
 */

const doc = readFileSync('docs/troubleshooting.md', 'utf8');

const OKTA = 'https://x.okta.com/oauth2/default';
const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const ENTRA_V2 = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const ENTRA_V1 = `https://sts.windows.net/${TENANT}/`;
const T = 1764000000; // 2025-11-24T16:00:00Z
const key = generateTestKey('RS256', { kid: 'k-2025-11' });

/** What each server's discovery document names as its token endpoint. */
const TOKEN_ENDPOINTS: Record<string, string> = {
  [OKTA]: `${OKTA}/v1/token`,
  [ENTRA_V2]: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
  'https://kc.example.com/realms/shop':
    'https://kc.example.com/realms/shop/protocol/openid-connect/token',
};

/** Several authorities: an Okta custom server and an Auth0 custom domain. */
const LISTED = [OKTA, 'https://login.example.com/'];

const policyFor = (issuer: string): TokenPolicy =>
  testPolicy({ issuers: [issuer], algorithms: [...ASYMMETRIC_ALGORITHMS] });

const published = keyResolverFor(key, OKTA);

/** What the doctor says (fix and findings) for a token with these claims, at `now`. */
async function doctorSays(
  configured: string,
  claims: Record<string, unknown>,
  options: {
    header?: Record<string, unknown>;
    now?: number;
    facts?: Partial<DoctorFacts>;
    /** Several authorities, the first being `configured`. */
    listed?: string[];
  } = {},
): Promise<string[]> {
  const policy = options.listed
    ? testPolicy({ issuers: options.listed, algorithms: [...ASYMMETRIC_ALGORITHMS] })
    : policyFor(configured);
  const now = options.now ?? T - 60;
  const token = signJws(
    { alg: 'RS256', kid: key.kid, ...options.header },
    { iss: configured, aud: 'api://default', sub: 'u', scope: 'a', exp: T, ...claims },
    key.privateKey,
  );
  const inspection = await inspectAccessToken(token, policy, published, now);
  const d = diagnose({
    inspection,
    policy,
    authority: {
      issuer: configured,
      tokenEndpoint: TOKEN_ENDPOINTS[configured],
      kids: [key.kid],
    },
    includeErrorDetails: true,
    nowSeconds: now,
    ...options.facts,
  });
  const fix = d.checks.find((c) => c.outcome === 'failed')?.fix;
  return [...(fix ? [fix] : []), ...d.findings];
}

describe('the troubleshooting table says what the code says', () => {
  it('is a page of docs/, linked from the README', () => {
    expect(doc).toMatch(/^# Troubleshooting$/m);
    expect(readFileSync('README.md', 'utf8')).toContain('](docs/troubleshooting.md)');
  });

  it.each([
    AuthMessages.wrongIssuer('https://x.okta.com', OKTA),
    AuthMessages.unknownKid('k-2025-06', OKTA),
    AuthMessages.wrongIssuer(ENTRA_V1, ENTRA_V2),
    AuthMessages.wrongIssuer(
      'https://kc.example.com/realms/master',
      'https://kc.example.com/realms/shop',
    ),
    AuthMessages.wrongIssuer('https://t.auth0.com/', 'https://t.auth0.com'),
    AuthMessages.malformedToken('it is opaque, not a JWT'),
    AuthMessages.malformedToken('it is encrypted (JWE), not signed'),
    AuthMessages.expired(T),
    AuthMessages.notYetValid(T),
    AuthMessages.wrongAudience('api://billing', ['api://default']),
    AuthMessages.idToken('it carries nonce'),
    AuthMessages.badSignature('k-2025-11'),
    AuthMessages.missingExp(),
    AuthMessages.algorithmNotAllowed('HS256', ASYMMETRIC_ALGORITHMS),
    AuthMessages.authorityUnavailable('signing keys'),
    AuthMessages.issuerNotListed('https://login.example.org/', LISTED),
    AuthMessages.missingSub(),
    AuthMessages.subNotString(42),
    AuthMessages.tokenInactive(),
    AuthMessages.introspectionUnavailable(),
  ])('the API: %s', (description) => {
    expect(doc).toContain(description);
  });

  // Each case: what the doctor says (its fix, then its findings) and how many lines that is, so a
  // case that suddenly says nothing fails instead of passing with no assertion.
  it.each<[string, number, () => Promise<string[]>]>([
    [
      'Okta Org server',
      3,
      () =>
        doctorSays(
          OKTA,
          { iss: 'https://x.okta.com' },
          {
            facts: {
              ownIssuer: {
                issuer: 'https://x.okta.com',
                kids: [key.kid],
                publishesKid: true,
                signatureVerifies: true,
              },
            },
          },
        ),
    ],
    [
      'unknown kid',
      2,
      () =>
        doctorSays(
          OKTA,
          {},
          {
            header: { kid: 'k-2025-06' },
            facts: { ownIssuer: { issuer: OKTA, kids: [key.kid], publishesKid: false } },
          },
        ),
    ],
    ['Entra v1', 2, () => doctorSays(ENTRA_V2, { iss: ENTRA_V1 })],
    [
      'Keycloak realm',
      2,
      () =>
        doctorSays('https://kc.example.com/realms/shop', {
          iss: 'https://kc.example.com/realms/master',
        }),
    ],
    ['Auth0 slash', 2, () => doctorSays('https://t.auth0.com', { iss: 'https://t.auth0.com/' })],
    ['expired', 1, () => doctorSays(OKTA, {}, { now: T + 7200 })],
    ['audience', 1, () => doctorSays(OKTA, { aud: 'api://billing' })],
    ['ID token', 1, () => doctorSays(OKTA, { nonce: 'n', aud: 'spa', azp: 'spa' })],
    [
      'issuer not listed',
      1,
      () => doctorSays(OKTA, { iss: 'https://login.example.org/' }, { listed: LISTED }),
    ],
    ['no subject', 1, () => doctorSays(OKTA, { sub: undefined })],
  ])('the doctor: %s', async (_name, count, says) => {
    const lines = await says();
    expect(lines).toHaveLength(count);
    for (const line of lines) expect(doc).toContain(line);
  });
});
