import { AuthMessages } from './auth-messages.js';
import { claimPath, readClaim } from './claim-path.js';
import type { Principal } from './principal.js';

/*
 * Named authorization policies, built the way ASP.NET Core's `AuthorizationPolicyBuilder` reads:
 * a policy is a list of requirements, and every one must be met. The builder is immutable, so a
 * policy can be shared and extended without changing it.
 */

/** What a requirement is checked against. */
export interface AuthorizationContext<R = unknown> {
  readonly principal: Principal;
  /** The entity decided on, when `AuthorizationService.authorize` was given one. */
  readonly resource?: R;
  /** The HTTP request (the platform's own object), when a route's `@Policy` is checked. */
  readonly request?: unknown;
}

/** An app's own condition: only `true` (or a promise of it) passes. */
export type Assertion<R = unknown> = (
  context: AuthorizationContext<R>,
) => boolean | Promise<boolean>;

/** A value `requireClaim` accepts: compared with `===`, to the claim or to each of its items. */
export type ClaimValue = string | number | boolean;

/**
 * One requirement: what it asks for, as a phrase for the 403 message, and its check. `scopes` names
 * the scopes the check can be met with, so that RFC 9728's `scopes_supported` lists them.
 */
export interface PolicyRequirement<in R = unknown> {
  readonly requires: string;
  readonly scopes?: readonly string[];
  check(context: AuthorizationContext<R>): boolean | Promise<boolean>;
}

/**
 * A built policy, as `AuthModule` keeps and decides it: requirements that must all be met, and
 * what they require as a phrase. `AuthorizationPolicy` is one.
 */
export interface PolicyDefinition<in R = unknown> {
  readonly requirements: readonly PolicyRequirement<R>[];
  readonly requires: string;
}

function names(method: string, given: readonly string[]): readonly string[] {
  if (given.length === 0 || given.some((n) => typeof n !== 'string' || n === '')) {
    throw new TypeError(`${method} needs one or more non-empty names`);
  }
  return Object.freeze([...new Set(given)]);
}

/**
 * A policy: requirements that must all be met. Start from `policy()`; each `require…` returns a
 * new policy with one more requirement.
 *
 * @example
 * ```ts
 * policy().requireScopes('reports:read').requireAnyRole('auditor', 'admin')
 * ```
 */
export class AuthorizationPolicy<R = unknown> implements PolicyDefinition<R> {
  private constructor(readonly requirements: readonly PolicyRequirement<R>[]) {
    Object.freeze(this);
  }

  /** @internal Use `policy()`. */
  static empty<R>(): AuthorizationPolicy<R> {
    return new AuthorizationPolicy<R>(Object.freeze([]));
  }

  /** Every one of these scopes (`scope` / `scp`). */
  requireScopes(...scopes: string[]): AuthorizationPolicy<R> {
    const all = names('requireScopes', scopes);
    return this.require({
      requires: AuthMessages.requires.all('scope', all),
      scopes: all,
      check: ({ principal }) => all.every((s) => principal.scopes.includes(s)),
    });
  }

  /** At least one of these scopes. */
  requireAnyScope(...scopes: string[]): AuthorizationPolicy<R> {
    const any = names('requireAnyScope', scopes);
    return this.require({
      requires: AuthMessages.requires.any('scope', any),
      scopes: any,
      check: ({ principal }) => any.some((s) => principal.scopes.includes(s)),
    });
  }

  /** Every one of these roles (from `rolesClaim`). */
  requireRoles(...roles: string[]): AuthorizationPolicy<R> {
    const all = names('requireRoles', roles);
    return this.require({
      requires: AuthMessages.requires.all('role', all),
      check: ({ principal }) => all.every((r) => principal.roles.includes(r)),
    });
  }

  /** At least one of these roles. */
  requireAnyRole(...roles: string[]): AuthorizationPolicy<R> {
    const any = names('requireAnyRole', roles);
    return this.require({
      requires: AuthMessages.requires.any('role', any),
      check: ({ principal }) => any.some((r) => principal.roles.includes(r)),
    });
  }

  /**
   * The claim `name` (a name or a dotted path, read like `rolesClaim`): present, or with one of
   * `values`. An array claim passes when one of its items is one of them.
   */
  requireClaim(name: string, ...values: ClaimValue[]): AuthorizationPolicy<R> {
    names('requireClaim', [name]);
    const path = claimPath(name);
    const allowed = Object.freeze([...values]);
    return this.require({
      requires: AuthMessages.requires.claim(name, allowed),
      check: ({ principal }) => {
        const value = readClaim(principal.claims, path);
        if (value === undefined || value === null) return false;
        if (allowed.length === 0) return true;
        return (Array.isArray(value) ? value : [value]).some((v) =>
          allowed.includes(v as ClaimValue),
        );
      },
    });
  }

  /**
   * The app's own condition over the caller, the resource and the request. `description` ends
   * the 403 message ("it requires <description>"): say what passes, e.g. "the message's author".
   */
  requireAssertion(assertion: Assertion<R>, description?: string): AuthorizationPolicy<R> {
    if (typeof assertion !== 'function') throw new TypeError('requireAssertion needs a function');
    return this.require({
      requires: description ?? AuthMessages.requires.assertion(),
      check: (context) => assertion(context),
    });
  }

  /**
   * One of these policies, in order (ASP.NET's several handlers for one requirement), e.g. a
   * delegated scope or an application role for the same route.
   */
  requireAnyOf(...alternatives: PolicyDefinition<R>[]): AuthorizationPolicy<R> {
    if (alternatives.length === 0 || alternatives.some((a) => !isPolicyWithRequirements(a))) {
      throw new TypeError('requireAnyOf needs one or more policies, each requiring something');
    }
    const list = Object.freeze([...alternatives]);
    return this.require({
      requires: AuthMessages.requires.either(list.map((a) => a.requires)),
      scopes: Object.freeze(list.flatMap(policyScopes)),
      check: (context) => anyMet(list, context),
    });
  }

  /** A requirement of your own (ASP.NET's `IAuthorizationRequirement` with its handler). */
  require(requirement: PolicyRequirement<R>): AuthorizationPolicy<R> {
    return new AuthorizationPolicy(Object.freeze([...this.requirements, requirement]));
  }

  /** Everything the policy requires, as a phrase (the OpenAPI document shows it). */
  get requires(): string {
    return AuthMessages.requires.both(this.requirements.map((r) => r.requires));
  }
}

/** An empty policy, to add requirements to. */
export function policy<R = unknown>(): AuthorizationPolicy<R> {
  return AuthorizationPolicy.empty<R>();
}

/** A policy built with `policy()` that requires at least one thing. */
export function isPolicyWithRequirements(value: unknown): value is PolicyDefinition<never> {
  return value instanceof AuthorizationPolicy && value.requirements.length > 0;
}

/** Every scope a policy's requirements name (alternatives included), once each, in order. */
export function policyScopes(policy: PolicyDefinition<never>): string[] {
  return [...new Set(policy.requirements.flatMap((r) => r.scopes ?? []))];
}

type Unmet<R> = PolicyRequirement<R> | undefined;

/**
 * The first requirement of `policy` that is not met, or undefined when all are. Synchronous as
 * long as the checks are: a promise only when a check returns one.
 */
export function firstUnmet<R>(
  policy: PolicyDefinition<R>,
  context: AuthorizationContext<R>,
  from = 0,
): Unmet<R> | Promise<Unmet<R>> {
  const { requirements } = policy;
  for (let i = from; i < requirements.length; i++) {
    const met = requirements[i].check(context);
    if (met instanceof Promise) {
      return met.then((ok) => (ok === true ? firstUnmet(policy, context, i + 1) : requirements[i]));
    }
    // Only `true` passes: an assertion that returns nothing by mistake denies.
    if (met !== true) return requirements[i];
  }
  return undefined;
}

function anyMet<R>(
  alternatives: readonly PolicyDefinition<R>[],
  context: AuthorizationContext<R>,
  from = 0,
): boolean | Promise<boolean> {
  for (let i = from; i < alternatives.length; i++) {
    const unmet = firstUnmet(alternatives[i], context);
    if (unmet instanceof Promise) {
      return unmet.then((u) => (u === undefined ? true : anyMet(alternatives, context, i + 1)));
    }
    if (unmet === undefined) return true;
  }
  return false;
}
