import { describe, expect, it } from '@jest/globals';
import { compareIssuers, describeIssuer, recognizeIssuer } from './issuer-shapes.js';
import { mayFetch } from './own-issuer.js';

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const OTHER_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe('recognizeIssuer', () => {
  it.each([
    ['https://x.okta.com', { kind: 'okta-org', origin: 'https://x.okta.com' }],
    ['https://x.oktapreview.com/', { kind: 'okta-org', origin: 'https://x.oktapreview.com' }],
    [
      'https://x.okta.com/oauth2/default',
      { kind: 'okta-custom', origin: 'https://x.okta.com', serverId: 'default' },
    ],
    [
      'https://id.example.com/oauth2/aus1a2b3c',
      { kind: 'okta-custom', origin: 'https://id.example.com', serverId: 'aus1a2b3c' },
    ],
    ['https://t.eu.auth0.com/', { kind: 'auth0', origin: 'https://t.eu.auth0.com' }],
    [`https://sts.windows.net/${TENANT}/`, { kind: 'entra-v1', tenant: TENANT }],
    [`https://login.microsoftonline.com/${TENANT}/v2.0`, { kind: 'entra-v2', tenant: TENANT }],
    [
      'https://kc.example.com/realms/shop',
      { kind: 'keycloak', base: 'https://kc.example.com', realm: 'shop' },
    ],
    [
      'https://kc.example.com/auth/realms/shop',
      { kind: 'keycloak', base: 'https://kc.example.com/auth', realm: 'shop' },
    ],
    ['https://accounts.google.com', { kind: 'other' }],
    ['not a url', { kind: 'other' }],
    [undefined, { kind: 'other' }],
  ])('%s', (issuer, shape) => {
    expect(recognizeIssuer(issuer)).toEqual(shape);
  });

  it('names the server behind an issuer', () => {
    expect(describeIssuer(recognizeIssuer('https://x.okta.com'))).toBe(
      'the Org authorization server',
    );
    expect(describeIssuer(recognizeIssuer('https://kc.example.com/realms/shop'))).toBe(
      'Keycloak realm "shop"',
    );
    expect(describeIssuer(recognizeIssuer('https://accounts.google.com'))).toBeUndefined();
  });
});

describe('compareIssuers', () => {
  it.each([
    [
      'the same issuer',
      'https://x.okta.com/oauth2/default',
      'https://x.okta.com/oauth2/default',
      { kind: 'same' },
    ],
    ['no issuer', undefined, 'https://x.okta.com/oauth2/default', { kind: 'no-issuer' }],
    [
      'Okta: the Org server instead of the custom server',
      'https://x.okta.com',
      'https://x.okta.com/oauth2/default',
      { kind: 'okta-org-instead-of-custom', serverId: 'default' },
    ],
    [
      'Okta layout on loopback (the test authority)',
      'http://127.0.0.1:4000',
      'http://127.0.0.1:4000/oauth2/default',
      { kind: 'okta-org-instead-of-custom', serverId: 'default' },
    ],
    [
      'Okta: a custom server while the API names the Org server',
      'https://x.okta.com/oauth2/default',
      'https://x.okta.com',
      { kind: 'okta-custom-instead-of-org', serverId: 'default' },
    ],
    [
      'Okta: two custom servers',
      'https://x.okta.com/oauth2/aus9',
      'https://x.okta.com/oauth2/default',
      { kind: 'okta-other-custom', tokenServer: 'aus9', expectedServer: 'default' },
    ],
    [
      'Auth0: the issuer has its trailing slash, the configuration not',
      'https://t.auth0.com/',
      'https://t.auth0.com',
      { kind: 'trailing-slash' },
    ],
    [
      'Entra: a v1.0 token for a v2.0 configuration',
      `https://sts.windows.net/${TENANT}/`,
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
      { kind: 'entra-v1-instead-of-v2', tenant: TENANT },
    ],
    [
      'Entra: a v2.0 token for a v1.0 configuration',
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
      `https://sts.windows.net/${TENANT}/`,
      { kind: 'entra-v2-instead-of-v1', tenant: TENANT },
    ],
    [
      'Entra: another tenant',
      `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`,
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
      { kind: 'entra-other-tenant', tokenTenant: OTHER_TENANT, expectedTenant: TENANT },
    ],
    [
      'Keycloak: another realm',
      'https://kc.example.com/realms/master',
      'https://kc.example.com/realms/shop',
      { kind: 'keycloak-other-realm', tokenRealm: 'master', expectedRealm: 'shop' },
    ],
    [
      'another server on the same host',
      'https://idp.example.com/tenant-a',
      'https://idp.example.com/tenant-b',
      { kind: 'same-host-other-server' },
    ],
    [
      'another host',
      'https://evil.example.org',
      'https://x.okta.com/oauth2/default',
      { kind: 'other-host' },
    ],
  ])('%s', (_name, token, expected, relation) => {
    expect(compareIssuers(token, expected)).toEqual(relation);
  });
});

describe('mayFetch: which issuer URLs the doctor follows', () => {
  it.each([
    ['https://x.okta.com', true, true],
    ['http://127.0.0.1:4000/oauth2/default', false, true],
    ['http://localhost:4000', false, true],
    ['http://127.0.0.1:4000', true, false],
    ['http://idp.example.com', false, false],
    ['https://x.okta.com/?a=b', false, false],
    ['https://user:pw@x.okta.com', false, false],
    ['file:///etc/passwd', false, false],
    ['javascript:alert(1)', false, false],
    [42, false, false],
  ])('%p with requireHttps=%p: %p', (url, requireHttps, allowed) => {
    expect(mayFetch(url, requireHttps).allowed).toBe(allowed);
  });
});
