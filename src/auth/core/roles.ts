import { claimPath, readClaim, type ClaimPath } from './claim-path.js';
import { nameList } from './name-requirement.js';

/*
 * Roles, read from one configurable claim (`rolesClaim`, `AUTH_ROLES_CLAIM`):
 * Entra `roles`, Okta `groups`, Keycloak `realm_access.roles`, Auth0 RBAC `permissions`.
 * An array of strings or a space-separated string; any other value (an object, a number) gives no
 * roles, never an error. Matching is exact and case-sensitive.
 */

/** The claim read when none is configured: Entra's, and the usual name elsewhere. */
export const DEFAULT_ROLES_CLAIM = 'roles';

const DEFAULT_ROLES_PATH = claimPath(DEFAULT_ROLES_CLAIM);

/** The caller's roles, without duplicates, in the order the token lists them. */
export function readRoles(
  claims: Readonly<Record<string, unknown>>,
  path: ClaimPath = DEFAULT_ROLES_PATH,
): string[] {
  const roles = nameList(readClaim(claims, path));
  return roles.length < 2 ? roles : [...new Set(roles)];
}
