import { Inject, Injectable, Optional } from '@nestjs/common';
import { Registry } from 'prom-client';
import {
  AUTH_OPTIONS,
  type AuthObserver,
  type AuthorizationRequirement,
  type RejectionReason,
  type ResolvedAuthOptions,
} from '../auth/index.js';
import {
  CounterFamily,
  HistogramFamily,
  type CounterSeries,
  type HistogramSeries,
} from './tally.js';

/** A refusal of the token itself (400, 401, 503), as opposed to a 403 of a valid token. */
type AuthenticationFailure = Exclude<
  RejectionReason,
  'insufficient_scope' | 'missing_role' | 'policy_failed'
>;

/** Every authentication failure reason: tsc fails here when a reason code is added elsewhere. */
const FAILURE_REASONS: Record<AuthenticationFailure, true> = {
  missing_credentials: true,
  malformed_credentials: true,
  token_too_long: true,
  malformed_token: true,
  payload_not_object: true,
  algorithm_not_allowed: true,
  algorithm_key_mismatch: true,
  missing_kid: true,
  unknown_kid: true,
  unsupported_header: true,
  wrong_token_type: true,
  id_token: true,
  wrong_issuer: true,
  wrong_audience: true,
  missing_sub: true,
  missing_exp: true,
  invalid_claim: true,
  expired: true,
  not_yet_valid: true,
  bad_signature: true,
  token_inactive: true,
  authority_unavailable: true,
};

/** From 50 µs (a cache hit) to 5 s (a key set fetched from a slow authority). */
const AUTHENTICATION_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
  5,
];

const REQUIREMENTS: readonly AuthorizationRequirement[] = ['scope', 'role', 'policy'];

type Pair<T> = Record<'success' | 'failure', T>;

/**
 * The authentication meters of CONTRACT.md, fed by the auth module through `AuthObserver`. Every
 * series exists from the start at zero (reasons, requirements, the listed authorities), so what a
 * client sends never adds one, and each call is one property read and one increment.
 */
@Injectable()
export class AuthMetrics implements AuthObserver {
  private readonly succeeded: CounterSeries;
  private readonly failed: Record<string, CounterSeries> = {};
  private readonly decisions: Record<'allowed' | 'forbidden', Record<string, CounterSeries>>;
  private readonly durations: Pair<HistogramSeries>;
  private readonly lookups: Record<'hit' | 'miss', CounterSeries>;
  private readonly fetches = new Map<string, Pair<CounterSeries>>();
  private readonly introspections: Record<'active' | 'inactive' | 'failure', CounterSeries>;
  private readonly keySets: CounterFamily;

  constructor(registry: Registry, @Optional() @Inject(AUTH_OPTIONS) options?: ResolvedAuthOptions) {
    const authentications = new CounterFamily(
      'auth_authentications_total',
      'Authentications of protected requests, by result and, on failure, by reason code',
      registry,
    );
    this.succeeded = authentications.series({ result: 'success' });
    for (const reason of Object.keys(FAILURE_REASONS)) {
      this.failed[reason] = authentications.series({ result: 'failure', reason });
    }

    const authorizations = new CounterFamily(
      'auth_authorizations_total',
      'Authorization decisions (scopes, roles, policies) by result and kind of requirement',
      registry,
    );
    const decide = (result: string) =>
      Object.fromEntries(
        REQUIREMENTS.map((requirement) => [
          requirement,
          authorizations.series({ result, requirement }),
        ]),
      );
    this.decisions = { allowed: decide('allowed'), forbidden: decide('forbidden') };

    const duration = new HistogramFamily(
      'auth_authentication_duration_seconds',
      'Time the authentication of a protected request took, by result',
      registry,
      AUTHENTICATION_BUCKETS,
    );
    this.durations = {
      success: duration.series({ result: 'success' }),
      failure: duration.series({ result: 'failure' }),
    };

    const cache = new CounterFamily(
      'auth_token_cache_lookups_total',
      'Lookups in the verified-token cache (one per authenticated request while it is on)',
      registry,
    );
    this.lookups = { hit: cache.series({ result: 'hit' }), miss: cache.series({ result: 'miss' }) };

    this.keySets = new CounterFamily(
      'auth_key_set_fetches_total',
      'Fetches of an authority key set (JWKS), by listed authority and outcome',
      registry,
    );
    for (const authority of options?.authorities ?? []) this.fetchesOf(authority);

    const introspections = new CounterFamily(
      'auth_introspections_total',
      'Token introspection calls (RFC 7662) by outcome; cached answers are not counted',
      registry,
    );
    this.introspections = {
      active: introspections.series({ outcome: 'active' }),
      inactive: introspections.series({ outcome: 'inactive' }),
      failure: introspections.series({ outcome: 'failure' }),
    };
  }

  authenticated(): void {
    this.succeeded.inc();
  }

  /** 403s (scopes, roles, policies) are authorization decisions, counted by `authorized`. */
  refused(reason: RejectionReason, status: number): void {
    if (status !== 403) this.failed[reason]?.inc();
  }

  authorized(result: 'allowed' | 'forbidden', requirement: AuthorizationRequirement): void {
    this.decisions[result][requirement]?.inc();
  }

  authenticationTimed(result: 'success' | 'failure', seconds: number): void {
    this.durations[result].observe(seconds);
  }

  tokenCacheLookedUp(hit: boolean): void {
    (hit ? this.lookups.hit : this.lookups.miss).inc();
  }

  /** `authority` is a listed authority as configured: a fixed set (see `AuthObserver`). */
  keySetFetched(outcome: 'success' | 'failure', authority: string): void {
    this.fetchesOf(authority)[outcome].inc();
  }

  introspected(outcome: 'active' | 'inactive' | 'failure'): void {
    this.introspections[outcome].inc();
  }

  private fetchesOf(authority: string): Pair<CounterSeries> {
    let pair = this.fetches.get(authority);
    if (pair === undefined) {
      pair = {
        success: this.keySets.series({ authority, outcome: 'success' }),
        failure: this.keySets.series({ authority, outcome: 'failure' }),
      };
      this.fetches.set(authority, pair);
    }
    return pair;
  }
}
