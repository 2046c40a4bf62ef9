/**
 * Scopes, read the way the big identity providers send them, and matched exactly.
 *
 * - `scope`: a space-separated string (RFC 8693 §4.2, RFC 9068 §2.2.3; Auth0, Keycloak).
 * - `scp`: an array of strings (Okta) or a space-separated string (Microsoft Entra).
 *
 * Matching is exact and case-sensitive: `messages:readwrite` does not satisfy `messages:read`.
 */

/** A route's scope rule: every scope in `all`, and at least one scope of each `anyOf` group. */
export interface ScopeRequirement {
  all: readonly string[];
  anyOf: readonly (readonly string[])[];
}

function split(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((s) => s !== '');
  if (Array.isArray(value))
    return value.filter((s): s is string => typeof s === 'string' && s !== '');
  return [];
}

/** The union of `scope` and `scp`, without duplicates, in the order the token lists them. */
export function parseScopes(claims: Record<string, unknown>): string[] {
  const scopes = split(claims.scope);
  if (claims.scp !== undefined) scopes.push(...split(claims.scp));
  return scopes.length < 2 ? scopes : [...new Set(scopes)];
}

export interface ScopeVerdict {
  ok: boolean;
  /** Scopes of `all` the token lacks. */
  missing: string[];
  /** The first `anyOf` group of which the token holds nothing. */
  unmetAnyOf?: readonly string[];
}

export function checkScopes(
  granted: ReadonlySet<string>,
  required: ScopeRequirement,
): ScopeVerdict {
  const missing = required.all.filter((s) => !granted.has(s));
  const unmetAnyOf = required.anyOf.find((group) => !group.some((s) => granted.has(s)));
  return { ok: missing.length === 0 && unmetAnyOf === undefined, missing, unmetAnyOf };
}

/** Every scope named by a requirement, for the `scope` parameter of a 403 challenge. */
export function requiredScopeList(required: ScopeRequirement): string[] {
  return [...new Set([...required.all, ...required.anyOf.flat()])];
}

/** Merges requirements: the handler's adds to the class's (see `@Scopes`). */
export function mergeRequirements(
  ...requirements: (ScopeRequirement | undefined)[]
): ScopeRequirement | undefined {
  const present = requirements.filter((r): r is ScopeRequirement => r !== undefined);
  if (present.length === 0) return undefined;
  return {
    all: [...new Set(present.flatMap((r) => r.all))],
    anyOf: present.flatMap((r) => r.anyOf),
  };
}
