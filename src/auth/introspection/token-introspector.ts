import { hash } from 'node:crypto';
import { AuthMessages } from '../core/auth-messages.js';
import { AuthorityUnavailableError, BearerError } from '../core/bearer-errors.js';
import { summarize } from '../core/decoded-token.js';
import {
  checkIntrospection,
  introspects,
  type IntrospectedToken,
  type IntrospectionMode,
} from '../core/introspection.js';
import type { TokenPolicy } from '../core/token-policy.js';
import type { ResolvedAuthOptions } from '../auth-options.interface.js';
import type { Authorities } from '../keys/authorities.js';
import {
  AuthorityFetchError,
  DEFAULT_FETCH_LIMITS,
  fetchJsonObject,
  type FetchLimits,
} from '../keys/fetch-json.js';
import { RefreshBudget } from '../keys/jwks-key-store.js';

export interface TokenIntrospectorOptions {
  mode: IntrospectionMode;
  /** The configured endpoint; without it, `discoverEndpoint` gives the authority's. */
  endpoint?: string;
  discoverEndpoint: () => Promise<string | undefined>;
  clientId: string;
  clientSecret: string;
  /** Longest reuse of an active answer, in seconds (never past its `exp`). */
  cacheSeconds: number;
  /** Calls per second (and the burst) that new tokens may cost; see docs/introspection.md. */
  callsPerSecond: number;
  requireHttps: boolean;
  limits?: FetchLimits;
  /** Pause after a failed call, in milliseconds: an outage is not hammered. */
  failureBackoffMs?: number;
  now?: () => number;
  /** Once per call that reached (or tried to reach) the endpoint; probes are not counted. */
  onCall?: (outcome: 'active' | 'inactive' | 'failure') => void;
  /** A call failed: why, for the log (never the token). */
  onFailure?: (why: string) => void;
}

/** An introspected token, and until when (seconds) its answer may be reused. */
export interface IntrospectionResult extends IntrospectedToken {
  reuseUntil: number;
}

export interface IntrospectionStatus {
  ok: boolean;
  endpoint?: string;
  error?: string;
}

const PROBE_TOKEN = 'readiness-probe';

/**
 * RFC 7662 introspection, the one branch of the request path that asks the authority about a
 * token instead of checking its signature (docs/introspection.md):
 *
 * - **The call**: a form POST of `token` and `token_type_hint=access_token` with the API's client
 *   credentials (`client_secret_basic`), through `fetchJsonObject`: a time limit, a size cap, no
 *   redirect. The token travels in the body only and is never logged.
 * - **Single flight** per token (keyed by its SHA-256): concurrent requests share one call.
 * - **Budget**: a token bucket of `callsPerSecond` (burst as large): a flood of distinct tokens
 *   costs at most that many calls per second; beyond it, 503 with `Retry-After`.
 * - **Failures** (unreachable, slow, an error status, our client refused, not an RFC 7662 answer)
 *   are the authority's bad day: 503 with `Retry-After`, nothing cached, and calls pause for
 *   `failureBackoffMs`. The answer's rules are `checkIntrospection`'s (core).
 */
export class TokenIntrospector {
  /**
   * The introspection client for the module's options: the configured endpoint or the first
   * authority's. The module and the doctor CLI both build it here; `hooks` are theirs (the
   * observer and the log, or the doctor's report).
   */
  static fromOptions(
    options: ResolvedAuthOptions,
    authorities: Authorities,
    hooks: Pick<TokenIntrospectorOptions, 'onCall' | 'onFailure' | 'failureBackoffMs'> = {},
  ): TokenIntrospector {
    return new TokenIntrospector({
      mode: options.introspection,
      endpoint: options.introspectionEndpoint,
      discoverEndpoint: async () => (await authorities.first.metadata()).introspectionEndpoint,
      clientId: options.introspectionClientId ?? '',
      clientSecret: options.introspectionClientSecret ?? '',
      cacheSeconds: options.introspectionCacheSeconds,
      callsPerSecond: options.introspectionCallsPerSecond,
      requireHttps: options.requireHttpsMetadata,
      limits: { ...DEFAULT_FETCH_LIMITS, timeoutMs: options.fetchTimeoutMs },
      ...hooks,
    });
  }

  private readonly inflight = new Map<string, Promise<IntrospectionResult>>();
  private readonly budget: RefreshBudget;
  private readonly now: () => number;
  private readonly backoffMs: number;
  private failure?: { at: number; why: string };
  private answered = false;
  private probe?: Promise<void>;
  private resolvedEndpoint?: string;

  constructor(private readonly options: TokenIntrospectorOptions) {
    this.now = options.now ?? Date.now;
    this.backoffMs = options.failureBackoffMs ?? 1000;
    const rate = Math.max(1, options.callsPerSecond);
    this.budget = new RefreshBudget(rate, rate * 60, this.now);
  }

  get mode(): IntrospectionMode {
    return this.options.mode;
  }

  /** Whether this token is validated by introspection (the mode and its shape decide). */
  applies(token: string): boolean {
    return introspects(this.options.mode, token);
  }

  /** The principal of an active answer that passes the rules, or a `BearerError`. */
  verify(token: string, policy: TokenPolicy, nowSeconds: number): Promise<IntrospectionResult> {
    const key = hash('sha256', token, 'base64');
    const joined = this.inflight.get(key);
    if (joined) return joined;
    const blocked = this.blocked();
    if (blocked) return Promise.reject(blocked);
    const call = this.run(token, policy, nowSeconds).finally(() => this.inflight.delete(key));
    this.inflight.set(key, call);
    return call;
  }

  /** Readiness: the endpoint answered last time, or answers a probe now (within the backoff). */
  async check(): Promise<IntrospectionStatus> {
    if (this.answered && !this.failure) return { ok: true, endpoint: this.resolvedEndpoint };
    if (!this.backingOff()) {
      this.probe ??= this.call(PROBE_TOKEN)
        .then(() => undefined)
        .catch(() => undefined)
        .finally(() => (this.probe = undefined));
      await this.probe;
    }
    return this.failure
      ? { ok: false, endpoint: this.resolvedEndpoint, error: this.failure.why }
      : { ok: true, endpoint: this.resolvedEndpoint };
  }

  private blocked(): AuthorityUnavailableError | undefined {
    if (this.failure && this.backingOff()) {
      const left = this.backoffMs - (this.now() - this.failure.at);
      return this.unavailable(AuthMessages.introspectionUnavailable(), left);
    }
    if (!this.budget.take()) {
      return this.unavailable(AuthMessages.introspectionBusy(), 1000 / this.options.callsPerSecond);
    }
    return undefined;
  }

  private backingOff(): boolean {
    return this.failure !== undefined && this.now() - this.failure.at < this.backoffMs;
  }

  private unavailable(text: string, waitMs: number): AuthorityUnavailableError {
    return new AuthorityUnavailableError(text, Math.max(1, Math.ceil(waitMs / 1000)));
  }

  private async run(
    token: string,
    policy: TokenPolicy,
    nowSeconds: number,
  ): Promise<IntrospectionResult> {
    let answer: Record<string, unknown>;
    try {
      answer = await this.call(token);
    } catch (error) {
      if (!(error instanceof AuthorityFetchError)) throw error;
      this.options.onCall?.('failure');
      throw this.unavailable(AuthMessages.introspectionUnavailable(), this.backoffMs);
    }
    this.options.onCall?.(answer.active === true ? 'active' : 'inactive');
    try {
      const introspected = checkIntrospection(answer, policy, nowSeconds);
      const reuseUntil = Math.min(
        introspected.principal.exp,
        nowSeconds + this.options.cacheSeconds,
      );
      return { ...introspected, reuseUntil };
    } catch (error) {
      if (error instanceof BearerError) error.withSummary(summarize({}, answer));
      throw error;
    }
  }

  /** One POST to the endpoint; records the outcome for the backoff and readiness. */
  private async call(token: string): Promise<Record<string, unknown>> {
    let endpoint: string | undefined;
    try {
      endpoint = await this.endpoint();
      const answer = await fetchJsonObject(
        'introspection',
        endpoint,
        this.options.limits ?? DEFAULT_FETCH_LIMITS,
        {
          form: new URLSearchParams({ token, token_type_hint: 'access_token' }),
          headers: { authorization: this.basic() },
        },
      );
      if (typeof answer.active !== 'boolean') {
        throw new AuthorityFetchError(
          'introspection',
          endpoint,
          'the answer has no boolean active',
        );
      }
      this.failure = undefined;
      this.answered = true;
      return answer;
    } catch (error) {
      if (!(error instanceof AuthorityFetchError)) throw error;
      const why = describeFailure(error);
      this.failure = { at: this.now(), why };
      this.options.onFailure?.(why);
      throw error;
    }
  }

  private async endpoint(): Promise<string> {
    if (this.resolvedEndpoint) return this.resolvedEndpoint;
    const endpoint = this.options.endpoint ?? (await this.options.discoverEndpoint());
    const fail = (detail: string) =>
      new AuthorityFetchError('introspection', endpoint ?? 'the metadata', detail);
    if (endpoint === undefined) {
      throw fail('the first authority publishes no introspection_endpoint; configure one');
    }
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw fail('the introspection_endpoint is not a URL');
    }
    if (this.options.requireHttps && url.protocol !== 'https:') {
      throw fail('the introspection endpoint is not https (requireHttpsMetadata is true)');
    }
    this.resolvedEndpoint = url.href;
    return url.href;
  }

  /** RFC 6749 §2.3.1: each part form-encoded, then base64. */
  private basic(): string {
    const { clientId, clientSecret } = this.options;
    const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
    const pair = `${encode(clientId)}:${encode(clientSecret)}`;
    return `Basic ${Buffer.from(pair).toString('base64')}`;
  }
}

/** What went wrong, for the log line; for refused credentials, what to check. */
export function describeFailure(error: AuthorityFetchError): string {
  if (error.status === 401 || error.status === 403) {
    return (
      `the introspection endpoint ${error.url} refused our client credentials (HTTP ${error.status}): ` +
      'check AUTH_INTROSPECTION_CLIENT_ID and AUTH_INTROSPECTION_CLIENT_SECRET, and that this ' +
      'client may introspect tokens'
    );
  }
  return `cannot introspect: ${error.message}`;
}
