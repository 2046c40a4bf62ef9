import { AuthMessages } from './auth-messages.js';
import { InvalidTokenError } from './bearer-errors.js';
import type { TokenPolicy } from './token-policy.js';

/*
 * Which listed authority a token names: the first step after decoding. The token's unverified
 * `iss` is compared with the list, which is the allowlist: nothing is fetched, no key is looked
 * up, and no URL is ever taken from the token. An `iss` that is not listed ends verification here.
 */

/** Entra ID's placeholder for the tenant in a multi-tenant issuer, as its metadata writes it. */
export const TENANT_PLACEHOLDER = '{tenantid}';

/** Entra tenant ids, as `iss` and `tid` carry them: lowercase GUIDs. */
export const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for an authority written as a template (`https://.../{tenantid}/v2.0`). */
export const isIssuerTemplate = (authority: string): boolean =>
  authority.includes(TENANT_PLACEHOLDER);

/** The tenant `iss` puts where the template has `{tenantid}`, if it fits the template. */
export function tenantOf(iss: string, template: string): string | undefined {
  const [before, after] = template.split(TENANT_PLACEHOLDER);
  if (!iss.startsWith(before) || !iss.endsWith(after)) return undefined;
  const tenant = iss.slice(before.length, iss.length - after.length);
  return TENANT_ID.test(tenant) ? tenant : undefined;
}

const refuse = (text: string) => new InvalidTokenError('wrong_issuer', text);

/**
 * A template authority accepts an issuer whose tenant is the token's own `tid` (as ASP.NET's
 * `AadIssuerValidator` does), and one of `policy.tenants` when that list is not empty.
 */
function checkTenant(
  claims: Record<string, unknown>,
  iss: string,
  tenant: string,
  policy: TokenPolicy,
) {
  if (claims.tid !== tenant) throw refuse(AuthMessages.tenantMismatch(iss, claims.tid));
  const tenants = policy.tenants ?? [];
  if (tenants.length > 0 && !tenants.includes(tenant)) {
    throw refuse(AuthMessages.tenantNotAccepted(tenant));
  }
}

/**
 * The listed authority the token's `iss` names (exactly, or through a `{tenantid}` template), or
 * 401 `wrong_issuer` naming the token's issuer and the accepted ones.
 */
export function routeByIssuer(claims: Record<string, unknown>, policy: TokenPolicy): string {
  const iss = claims.iss;
  const { issuers } = policy;
  // A template names no issuer itself: an iss that spells `{tenantid}` matches nothing.
  if (typeof iss === 'string' && !isIssuerTemplate(iss)) {
    if (issuers.includes(iss)) return iss;
    for (const authority of issuers) {
      const tenant = isIssuerTemplate(authority) ? tenantOf(iss, authority) : undefined;
      if (tenant === undefined) continue;
      checkTenant(claims, iss, tenant, policy);
      return authority;
    }
  }
  throw refuse(
    issuers.length === 1
      ? AuthMessages.wrongIssuer(iss, issuers[0])
      : AuthMessages.issuerNotListed(iss, issuers),
  );
}
