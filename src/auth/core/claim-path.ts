/*
 * Where a claim is read: a name (`roles`, `groups`, `https://example.com/roles`) or a dotted path
 * into nested objects (`realm_access.roles`, `resource_access.my-api.roles`). Only the token's own
 * properties are read, so `__proto__`, `constructor` or `toString` find nothing the token didn't
 * send.
 */

/** A claim's name, split once into the segments of its path reading. */
export interface ClaimPath {
  readonly name: string;
  readonly segments: readonly string[];
}

/** Parses `name` once (at start), for `readClaim` on every token. */
export function claimPath(name: string): ClaimPath {
  return Object.freeze({ name, segments: Object.freeze(name.split('.')) });
}

/** A plain object's own property: never one inherited, never a getter run. */
function own(holder: unknown, key: string): unknown {
  if (typeof holder !== 'object' || holder === null || Array.isArray(holder)) return undefined;
  const property = Object.getOwnPropertyDescriptor(holder, key);
  return property && 'value' in property ? property.value : undefined;
}

/**
 * The claim's value: the claim named exactly `path.name` when the token has one (so namespaced
 * names with dots work), else the value at the end of the dotted path through nested objects
 * (never through arrays), else `undefined`.
 */
export function readClaim(claims: Readonly<Record<string, unknown>>, path: ClaimPath): unknown {
  const whole = own(claims, path.name);
  if (whole !== undefined || path.segments.length === 1) return whole;
  let value: unknown = claims;
  for (const segment of path.segments) {
    value = own(value, segment);
    if (value === undefined) return undefined;
  }
  return value;
}
