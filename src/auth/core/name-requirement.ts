/*
 * A rule over a set of names, shared by scopes and roles: `@Scopes`/`@Roles` fill `all`, each
 * `@AnyScope`/`@AnyRole` adds one `anyOf` group. Matching is exact and case-sensitive.
 */

/**
 * The names a claim holds: a space-separated string, or an array whose strings count (other items
 * are ignored); any other value holds none. Empty names are dropped.
 */
export function nameList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((s) => s !== '');
  if (Array.isArray(value)) {
    return value.filter((s): s is string => typeof s === 'string' && s !== '');
  }
  return [];
}

/** Every name in `all`, and at least one name of each `anyOf` group. */
export interface NameRequirement {
  all: readonly string[];
  anyOf: readonly (readonly string[])[];
}

export interface NameVerdict {
  ok: boolean;
  /** Names of `all` the caller lacks. */
  missing: string[];
  /** The first `anyOf` group of which the caller holds nothing. */
  unmetAnyOf?: readonly string[];
}

export function checkNames(granted: ReadonlySet<string>, required: NameRequirement): NameVerdict {
  const missing = required.all.filter((s) => !granted.has(s));
  const unmetAnyOf = required.anyOf.find((group) => !group.some((s) => granted.has(s)));
  return { ok: missing.length === 0 && unmetAnyOf === undefined, missing, unmetAnyOf };
}

/** Every name a requirement mentions, once each. */
export function namesOf(required: NameRequirement): string[] {
  return [...new Set([...required.all, ...required.anyOf.flat()])];
}

/** Merges requirements: they add up (a handler's to its class's). */
export function mergeRequirements(
  ...requirements: (NameRequirement | undefined)[]
): NameRequirement | undefined {
  const present = requirements.filter((r): r is NameRequirement => r !== undefined);
  if (present.length === 0) return undefined;
  return {
    all: [...new Set(present.flatMap((r) => r.all))],
    anyOf: present.flatMap((r) => r.anyOf),
  };
}
