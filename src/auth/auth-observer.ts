import type { AuthorizationRequirement } from './core/authorization-decision.js';
import type { RejectionReason } from './core/bearer-errors.js';

/**
 * What the auth module reports as it works, for an app that counts it (Prometheus counters, for
 * instance): provide one under `AUTH_OBSERVER` from a global module. Every method is optional,
 * is called on the request path, and must neither throw nor block.
 *
 * @example
 * ```ts
 * @Global() @Module({ providers: [{ provide: AUTH_OBSERVER, useClass: AuthMetrics }], exports: [AUTH_OBSERVER] })
 * export class MetricsModule {}
 * ```
 */
export interface AuthObserver {
  /** A token was accepted; `cached` when the verified-token cache answered. */
  authenticated?(cached: boolean): void;
  /**
   * A protected request's authentication ended (extraction, cache lookup, verification, key
   * fetch), after `seconds`: `success`, or `failure` whatever the status. Once per request.
   */
  authenticationTimed?(result: 'success' | 'failure', seconds: number): void;
  /** The verified-token cache was asked for a request's token (once per request, cache on). */
  tokenCacheLookedUp?(hit: boolean): void;
  /**
   * A request was refused, with the reason code its log line carries. `status` tells the token's
   * refusals (400, 401, 503) from the 403s of a valid token (scopes, roles, policies), which are
   * also reported to `authorized`.
   */
  refused?(reason: RejectionReason, status: number): void;
  /**
   * A route's scopes, roles or policy, or an `AuthorizationService` call, was decided: one call per
   * kind of requirement checked.
   */
  authorized?(result: 'allowed' | 'forbidden', requirement: AuthorizationRequirement): void;
  /**
   * An authority's key set was fetched: `success`, or `failure` (down, garbage, no usable key).
   * `authority` is the listed authority, as configured (a fixed set: fit for a metric label).
   */
  keySetFetched?(outcome: 'success' | 'failure', authority: string): void;
  /**
   * An introspection call (RFC 7662) ended: `active` or `inactive` as the endpoint answered, or
   * `failure` (unreachable, too slow, an error status, our client refused, a malformed answer). Not
   * called when a cached answer is reused: that is `authenticated(true)`.
   */
  introspected?(outcome: 'active' | 'inactive' | 'failure'): void;
}

/** The DI token of the app's `AuthObserver`, if it provides one. */
export const AUTH_OBSERVER = Symbol('auth:observer');
