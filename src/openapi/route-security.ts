import type { RouteAuth } from '../auth/index.js';

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
