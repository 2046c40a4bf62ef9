import { describe, expect, it } from '@jest/globals';
import { TEST_ISSUER, testPolicy } from '../testing/index.js';
import { AuthMessages } from './auth-messages.js';
import { InvalidTokenError } from './bearer-errors.js';
import { routeByIssuer } from './issuer-routing.js';
import type { TokenPolicy } from './token-policy.js';

const OKTA = 'https://x.okta.com/oauth2/default';
const AUTH0 = 'https://tenant.eu.auth0.com/';
const ENTRA = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

function refusal(claims: Record<string, unknown>, policy: TokenPolicy): string {
  try {
    routeByIssuer(claims, policy);
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    expect(error.reason).toBe('wrong_issuer');
    return error.message;
  }
  throw new Error('expected the issuer to be refused');
}

describe('routeByIssuer: one authority', () => {
  const policy = testPolicy();

  it('routes the configured issuer to itself', () => {
    expect(routeByIssuer({ iss: TEST_ISSUER }, policy)).toBe(TEST_ISSUER);
  });

  it.each([
    ['another host', 'https://evil.example.org'],
    ['the same host, another server', 'https://idp.example.com'],
    ['a trailing slash', `${TEST_ISSUER}/`],
    ['a different case', TEST_ISSUER.toUpperCase()],
  ])('compares exactly, with the one-authority description: %s', (_name, iss) => {
    expect(refusal({ iss }, policy)).toBe(AuthMessages.wrongIssuer(iss, TEST_ISSUER));
  });

  it('keeps the same-host hint (Okta Org server instead of a custom one)', () => {
    const okta = testPolicy({ issuers: [OKTA] });
    expect(refusal({ iss: 'https://x.okta.com' }, okta)).toMatch(
      /another authorization server on the same host$/,
    );
  });

  it.each([undefined, 42, ['https://idp.example.com/oauth2/default']])(
    'refuses an iss of %p',
    (iss) => {
      expect(refusal({ iss }, policy)).toBe(AuthMessages.wrongIssuer(iss, TEST_ISSUER));
    },
  );
});

describe('routeByIssuer: several authorities', () => {
  const policy = testPolicy({ issuers: [OKTA, AUTH0] });

  it('routes each listed issuer to its own authority, exactly', () => {
    expect(routeByIssuer({ iss: OKTA }, policy)).toBe(OKTA);
    expect(routeByIssuer({ iss: AUTH0 }, policy)).toBe(AUTH0);
    expect(() => routeByIssuer({ iss: AUTH0.slice(0, -1) }, policy)).toThrow(InvalidTokenError);
  });

  it('refuses an unlisted issuer, naming it and the listed ones', () => {
    const text = refusal({ iss: 'https://evil.example.org' }, policy);
    expect(text).toBe(AuthMessages.issuerNotListed('https://evil.example.org', [OKTA, AUTH0]));
    expect(text).toContain('https://evil.example.org');
    expect(text).toContain(`${OKTA}, ${AUTH0}`);
  });

  it('clips a long list of authorities', () => {
    const many = Array.from({ length: 20 }, (_, i) => `https://idp-${i}.example.com/`);
    const text = AuthMessages.issuerNotListed('https://evil.example.org', many);
    expect(text.length).toBeLessThan(300);
    expect(text).toMatch(/\.\.\.$/);
  });

  it('refuses a token with no issuer, listing the accepted ones', () => {
    expect(refusal({}, policy)).toBe(AuthMessages.issuerNotListed(undefined, [OKTA, AUTH0]));
  });
});

describe('routeByIssuer: an Entra ID {tenantid} template', () => {
  const policy = testPolicy({ issuers: [ENTRA, OKTA] });
  const issuerOf = (tenant: string) => `https://login.microsoftonline.com/${tenant}/v2.0`;

  it("routes any tenant's issuer to the template when the token's tid names that tenant", () => {
    expect(routeByIssuer({ iss: issuerOf(TENANT), tid: TENANT }, policy)).toBe(ENTRA);
    expect(routeByIssuer({ iss: OKTA }, policy)).toBe(OKTA);
  });

  it('refuses an issuer whose tenant is not its tid', () => {
    expect(refusal({ iss: issuerOf(TENANT), tid: OTHER_TENANT }, policy)).toBe(
      AuthMessages.tenantMismatch(issuerOf(TENANT), OTHER_TENANT),
    );
    expect(refusal({ iss: issuerOf(TENANT) }, policy)).toBe(
      AuthMessages.tenantMismatch(issuerOf(TENANT), undefined),
    );
  });

  it.each([
    ['the template itself', ENTRA],
    ['a tenant that is not a GUID', issuerOf('contoso.onmicrosoft.com')],
    ['a path inside the tenant', issuerOf(`${TENANT}/x`)],
    ['an upper-case tenant', issuerOf(TENANT.toUpperCase())],
    ['the v1.0 issuer', `https://sts.windows.net/${TENANT}/`],
    ['another host', `https://login.example.com/${TENANT}/v2.0`],
    ['another host, the same length', `https://login.microsoftonline.org/${TENANT}/v2.0`],
    ['another version, the same length', `https://login.microsoftonline.com/${TENANT}/v2.1`],
  ])('refuses %s as not listed', (_name, iss) => {
    expect(refusal({ iss, tid: TENANT }, policy)).toBe(
      AuthMessages.issuerNotListed(iss, [ENTRA, OKTA]),
    );
  });

  it('accepts only the listed tenants when there is a list', () => {
    const listed = testPolicy({ issuers: [ENTRA], tenants: [TENANT] });
    expect(routeByIssuer({ iss: issuerOf(TENANT), tid: TENANT }, listed)).toBe(ENTRA);
    expect(refusal({ iss: issuerOf(OTHER_TENANT), tid: OTHER_TENANT }, listed)).toBe(
      AuthMessages.tenantNotAccepted(OTHER_TENANT),
    );
  });
});
