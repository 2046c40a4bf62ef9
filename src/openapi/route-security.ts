import type { NameRequirement, RouteAuth } from '../auth/index.js';

/** The name of the security scheme every protected operation refers to. */
export const SECURITY_SCHEME = 'oidc';

export type SecurityRequirement = Record<string, string[]>;

/**
 * The OpenAPI security requirements that say exactly what the guards enforce for a route.
 *
 * OpenAPI lists requirements as alternatives (any one suffices) and the scopes inside one as all
 * required. So `@Scopes('a', 'b')` is `[{ oidc: ['a', 'b'] }]`, `@AnyScope('a', 'b')` is
 * `[{ oidc: ['a'] }, { oidc: ['b'] }]`, a protected route without scopes is `[{ oidc: [] }]`
 * (any valid token), and a public route is `[]`.
 */
export function securityRequirements(
  route: RouteAuth,
  scheme = SECURITY_SCHEME,
): SecurityRequirement[] {
  if (route.isPublic) return [];
  const all = route.scopes?.all ?? [];
  let combinations: string[][] = [[...all]];
  for (const group of route.scopes?.anyOf ?? []) {
    combinations = combinations.flatMap((picked) => group.map((scope) => [...picked, scope]));
  }
  const unique = new Map<string, string[]>();
  for (const scopes of combinations) {
    const set = [...new Set(scopes)];
    unique.set([...set].sort().join(' '), set);
  }
  const sets = [...unique.values()];
  // An alternative that holds another one whole adds nothing: keep the smallest.
  const minimal = sets.filter(
    (set) =>
      !sets.some((other) => other.length < set.length && other.every((s) => set.includes(s))),
  );
  return minimal.map((scopes) => ({ [scheme]: scopes }));
}

/** A short label of what a set of requirements asks, for an operation's summary. */
export function describeRequirements(requirements: readonly SecurityRequirement[]): string {
  const options = requirements.map((r) => Object.values(r).flat());
  if (options.every((scopes) => scopes.length === 0)) return 'any valid access token';
  const text = options.map((scopes) => scopes.join(' + ')).join(' or ');
  return `scope ${text}`;
}

/** `@Roles`/`@AnyRole` as a label: `a + b`, `a or b`, `a + (b or c)`. */
export function describeRoles(roles: NameRequirement): string {
  const groups = roles.anyOf.map((group) => [...new Set(group)]);
  if (roles.all.length === 0 && groups.length === 1) return groups[0].join(' or ');
  const parts = [
    ...roles.all,
    ...groups.map((group) => (group.length === 1 ? group[0] : `(${group.join(' or ')})`)),
  ];
  return parts.join(' + ');
}

/** What a protected route's 403 means, for each kind of rule it has. */
export function forbiddenDescription(route: RouteAuth): string | undefined {
  const causes = [
    route.scopes && 'insufficient_scope: the token lacks a scope the security requirement lists',
    route.roles && 'Forbidden, no challenge: the token lacks a role that x-roles lists',
    route.policies && 'Forbidden, no challenge: a policy that x-policies lists is not met',
  ].filter((cause): cause is string => typeof cause === 'string');
  return causes.length > 0 ? causes.join('; or ') : undefined;
}
