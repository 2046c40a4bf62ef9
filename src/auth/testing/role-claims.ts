import { DEFAULT_ROLES_CLAIM } from '../core/roles.js';
import type { Claims } from './test-authority.js';

/**
 * Claims that carry `roles` where `rolesClaim` reads them, shaped as providers send them: a dotted
 * path nests (`realm_access.roles` → `{ realm_access: { roles } }`, as Keycloak does), a namespaced
 * URL name stays whole (`https://example.com/roles`, as Auth0 rules add them).
 *
 * @example authority.mint({ ...claimsWithRoles(['admins'], 'groups'), sub: 'alice' })
 */
export function claimsWithRoles(
  roles: readonly string[],
  rolesClaim = DEFAULT_ROLES_CLAIM,
): Claims {
  if (/[/:]/.test(rolesClaim)) return { [rolesClaim]: [...roles] };
  const segments = rolesClaim.split('.');
  return segments.reduceRight<unknown>(
    (value, segment) => ({ [segment]: value }),
    [...roles],
  ) as Claims;
}
