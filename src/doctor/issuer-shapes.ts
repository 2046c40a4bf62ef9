/*
 * What an issuer URL says about the server behind it, and how two issuers relate. Pure: the
 * doctor uses it to turn "wrong issuer" into the mistake people actually make with Okta, Auth0,
 * Microsoft Entra ID and Keycloak. Recognition goes by URL shape, so it also works for custom
 * domains and for the loopback test authority.
 */

export type IssuerShape =
  | { kind: 'okta-org'; origin: string }
  | { kind: 'okta-custom'; origin: string; serverId: string }
  | { kind: 'auth0'; origin: string }
  | { kind: 'entra-v1'; tenant: string }
  | { kind: 'entra-v2'; tenant: string }
  | { kind: 'keycloak'; base: string; realm: string }
  | { kind: 'other' };

const OKTA_HOST = /\.(okta|oktapreview|okta-emea)\.com$/;
const ENTRA_V2_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.partner.microsoftonline.cn',
]);

function parse(issuer: unknown): URL | undefined {
  if (typeof issuer !== 'string') return undefined;
  try {
    return new URL(issuer);
  } catch {
    return undefined;
  }
}

export function recognizeIssuer(issuer: unknown): IssuerShape {
  const url = parse(issuer);
  if (!url) return { kind: 'other' };
  const path = url.pathname;
  let m: RegExpMatchArray | null;
  if (url.host === 'sts.windows.net' && (m = /^\/([^/]+)\/?$/.exec(path))) {
    return { kind: 'entra-v1', tenant: m[1] };
  }
  if (
    (ENTRA_V2_HOSTS.has(url.host) || url.host.endsWith('.ciamlogin.com')) &&
    (m = /^\/([^/]+)\/v2\.0\/?$/.exec(path))
  ) {
    return { kind: 'entra-v2', tenant: m[1] };
  }
  if ((m = /^(.*)\/realms\/([^/]+)\/?$/.exec(path))) {
    return { kind: 'keycloak', base: `${url.origin}${m[1]}`, realm: m[2] };
  }
  if ((m = /^\/oauth2\/([^/]+)\/?$/.exec(path))) {
    return { kind: 'okta-custom', origin: url.origin, serverId: m[1] };
  }
  if (url.host.endsWith('.auth0.com')) return { kind: 'auth0', origin: url.origin };
  if (OKTA_HOST.test(url.host) && (path === '/' || path === '')) {
    return { kind: 'okta-org', origin: url.origin };
  }
  return { kind: 'other' };
}

/** A short name for the server behind an issuer, e.g. `the Org authorization server`. */
export function describeIssuer(shape: IssuerShape): string | undefined {
  switch (shape.kind) {
    case 'okta-org':
      return 'the Org authorization server';
    case 'okta-custom':
      return `the custom authorization server "${shape.serverId}"`;
    case 'auth0':
      return 'an Auth0 tenant';
    case 'entra-v1':
      return 'the Entra ID v1.0 endpoint';
    case 'entra-v2':
      return 'the Entra ID v2.0 endpoint';
    case 'keycloak':
      return `Keycloak realm "${shape.realm}"`;
    default:
      return undefined;
  }
}

export type IssuerRelation =
  | { kind: 'same' }
  | { kind: 'no-issuer' }
  | { kind: 'trailing-slash' }
  /** Okta: the token comes from the Org server at the root; the API trusts `/oauth2/<id>`. */
  | { kind: 'okta-org-instead-of-custom'; serverId: string }
  /** Okta: the API is configured with the Org server, the token comes from a custom server. */
  | { kind: 'okta-custom-instead-of-org'; serverId: string }
  | { kind: 'okta-other-custom'; tokenServer: string; expectedServer: string }
  | { kind: 'entra-v1-instead-of-v2'; tenant: string }
  | { kind: 'entra-v2-instead-of-v1'; tenant: string }
  | { kind: 'entra-other-tenant'; tokenTenant: string; expectedTenant: string }
  | { kind: 'keycloak-other-realm'; tokenRealm: string; expectedRealm: string }
  | { kind: 'same-host-other-server' }
  | { kind: 'other-host' };

const stripSlash = (s: string) => s.replace(/\/$/, '');

/** How the token's issuer relates to the one the API expects. */
export function compareIssuers(tokenIssuer: unknown, expected: string): IssuerRelation {
  if (tokenIssuer === expected) return { kind: 'same' };
  const a = parse(tokenIssuer);
  const b = parse(expected);
  if (!a) return { kind: 'no-issuer' };
  if (!b) return { kind: 'other-host' };
  if (a.origin === b.origin && stripSlash(a.pathname) === stripSlash(b.pathname)) {
    return { kind: 'trailing-slash' };
  }
  const token = recognizeIssuer(tokenIssuer);
  const wanted = recognizeIssuer(expected);
  const entraTenant = (s: IssuerShape) =>
    s.kind === 'entra-v1' || s.kind === 'entra-v2' ? s.tenant : undefined;
  const [tokenTenant, expectedTenant] = [entraTenant(token), entraTenant(wanted)];
  if (tokenTenant && expectedTenant) {
    if (tokenTenant !== expectedTenant) {
      return { kind: 'entra-other-tenant', tokenTenant, expectedTenant };
    }
    if (token.kind === 'entra-v1') return { kind: 'entra-v1-instead-of-v2', tenant: tokenTenant };
    return { kind: 'entra-v2-instead-of-v1', tenant: tokenTenant };
  }
  if (a.host !== b.host) return { kind: 'other-host' };
  const root = (u: URL) => u.pathname === '/' || u.pathname === '';
  if (wanted.kind === 'okta-custom' && root(a)) {
    return { kind: 'okta-org-instead-of-custom', serverId: wanted.serverId };
  }
  if (token.kind === 'okta-custom' && root(b)) {
    return { kind: 'okta-custom-instead-of-org', serverId: token.serverId };
  }
  if (token.kind === 'okta-custom' && wanted.kind === 'okta-custom') {
    return {
      kind: 'okta-other-custom',
      tokenServer: token.serverId,
      expectedServer: wanted.serverId,
    };
  }
  if (token.kind === 'keycloak' && wanted.kind === 'keycloak') {
    return { kind: 'keycloak-other-realm', tokenRealm: token.realm, expectedRealm: wanted.realm };
  }
  return { kind: 'same-host-other-server' };
}

/** Microsoft Graph's audiences: a Graph token is not meant for any other API. */
export const MICROSOFT_GRAPH_AUDIENCES = [
  '00000003-0000-0000-c000-000000000000',
  'https://graph.microsoft.com',
  'https://graph.microsoft.com/',
];

/**
 * Of the listed authorities, the one a foreign issuer most likely meant: the first that is the
 * same server in another form (trailing slash, Okta server, Entra version or tenant, Keycloak
 * realm) or, failing that, on the same host. Undefined when none is related.
 */
export function closestAuthority(tokenIssuer: unknown, authorities: readonly string[]) {
  const related = authorities
    .map((authority) => ({ authority, relation: compareIssuers(tokenIssuer, authority) }))
    .filter(({ relation }) => relation.kind !== 'other-host' && relation.kind !== 'no-issuer');
  return (related.find(({ relation }) => relation.kind !== 'same-host-other-server') ?? related[0])
    ?.authority;
}
