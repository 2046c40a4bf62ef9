import {
  checkNames,
  mergeRequirements,
  nameList,
  namesOf,
  type NameRequirement,
  type NameVerdict,
} from './name-requirement.js';

/*
 * Scopes, read the way the big identity providers send them, and matched exactly.
 *
 * - `scope`: a space-separated string (RFC 8693 §4.2, RFC 9068 §2.2.3; Auth0, Keycloak).
 * - `scp`: an array of strings (Okta) or a space-separated string (Microsoft Entra).
 *
 * Matching is exact and case-sensitive: `messages:readwrite` does not satisfy `messages:read`.
 */

/** A route's scope rule: every scope in `all`, and at least one scope of each `anyOf` group. */
export type ScopeRequirement = NameRequirement;

/** The union of `scope` and `scp`, without duplicates, in the order the token lists them. */
export function parseScopes(claims: Record<string, unknown>): string[] {
  const scopes = nameList(claims.scope);
  if (claims.scp !== undefined) scopes.push(...nameList(claims.scp));
  return scopes.length < 2 ? scopes : [...new Set(scopes)];
}

export type ScopeVerdict = NameVerdict;

export const checkScopes: (
  granted: ReadonlySet<string>,
  required: ScopeRequirement,
) => ScopeVerdict = checkNames;

/** Every scope named by a requirement, for the `scope` parameter of a 403 challenge. */
export const requiredScopeList: (required: ScopeRequirement) => string[] = namesOf;

export { mergeRequirements };
