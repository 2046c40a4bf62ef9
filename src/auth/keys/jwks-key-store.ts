import { createPublicKey, type KeyObject } from 'node:crypto';
import jwksRsa from 'jwks-rsa';
import type { VerificationKey } from '../core/token-policy.js';
import { AuthorityFetchError, fetchJsonObject, type FetchLimits } from './fetch-json.js';
import { SingleFlight } from './single-flight.js';

/**
 * The authority's signing keys, kept ready, and how they survive a bad day.
 *
 * Design (defaults in `DEFAULT_KEY_STORE_OPTIONS`; each point is tested, with JWKS fetches counted,
 * in `authority-client.spec.ts` and `test/security/key-distribution.e2e-spec.ts`):
 * - **Ready keys.** jwks-rsa turns each JWK into a public key (dropping `use` other than `sig`,
 *   `oct` keys, private keys and keys it can't import); each becomes a `KeyObject` once, together
 *   with the JWK's `alg`, so the verifier can bind the key to that one algorithm (RFC 8725 §3.1).
 *   Requests never parse a PEM. Keys without a `kid` and RSA keys under 2048 bits (RFC 7518 §3.3)
 *   are not kept. Nothing a token's header says (`jku`, `x5u`, `jwk`, `x5c`) is ever fetched or
 *   used: the only keys are those of the configured authority's `jwks_uri`.
 * - **Single flight.** At most one JWKS request is in flight; everyone who needs keys waits on it.
 *   A cold start under load makes one fetch.
 * - **Unknown kid.** A kid we don't hold (from the right issuer: the caller checks that first) joins
 *   the fetch in flight or starts one, if the refresh budget allows: a token bucket of `burst` (10)
 *   fetches refilled at `refillPerMinute` (10). A real rotation is fetched on its first request,
 *   however recently the last fetch ran (no cooldown); a flood of random kids costs at most the
 *   budget, after which unknown kids are refused without a fetch until the bucket refills (one
 *   fetch every 6 s). A request that already waited on a fresh fetch does not fetch again.
 * - **Stale-if-error.** A failed fetch keeps the keys we have. Known keys keep working while the
 *   endpoint is down, slow, answers an error or returns garbage or no usable key. A key set with
 *   no usable key is a failure like an outage (readiness probes can't turn it into a fetch each).
 * - **Failures are not cached.** After a failure, fetches pause for `failureBackoffMs` (1 s) so an
 *   outage is not hammered, then the next request tries again: service recovers by itself within
 *   about a second of the endpoint coming back, without a restart.
 * - **Age.** Keys older than `maxAgeMs` (10 min) are refreshed in the background, on a lookup or
 *   a cache hit (`refreshIfStale`); requests don't wait.
 * - **Bounded.** Each fetch has a time limit for the whole exchange (`fetchTimeoutMs`, 5 s by
 *   default), a size cap (512 KiB) and follows no redirect.
 * - **What callers learn.** `lookup` says found, not found (the authority answered without it, or
 *   the budget is spent), or not found because the fetch failed. `AuthorityClient` turns the first
 *   into 401 `invalid_token` and the second into 503 with `Retry-After` (the backoff, rounded up
 *   to whole seconds): the token is not blamed for the authority's bad day.
 */
export interface KeyStoreOptions {
  maxAgeMs: number;
  burst: number;
  refillPerMinute: number;
  failureBackoffMs: number;
  limits?: FetchLimits;
  now?: () => number;
  onRefreshError?: (error: AuthorityFetchError) => void;
  /** After a fetch: the kids that left the set, or now name another key or another `alg`. */
  onKeysRemoved?: (kids: string[]) => void;
  /** After every fetch of the key set, with its outcome. */
  onKeySetFetched?: (outcome: 'success' | 'failure') => void;
}

export const DEFAULT_KEY_STORE_OPTIONS: KeyStoreOptions = {
  maxAgeMs: 10 * 60_000,
  burst: 10,
  refillPerMinute: 10,
  failureBackoffMs: 1000,
};

/** A token bucket: `take()` spends one token if there is one. */
export class RefreshBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((t - this.last) * this.perMinute) / 60_000,
    );
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** RFC 7518 §3.3 and §3.5: RSA keys for RS* and PS* must be at least 2048 bits. */
export const MIN_RSA_MODULUS_BITS = 2048;

const isWeakRsaKey = (key: KeyObject): boolean =>
  (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') &&
  (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_MODULUS_BITS;

const sameKey = (a: VerificationKey, b: VerificationKey | undefined) =>
  b !== undefined && a.alg === b.alg && a.key.equals(b.key);

const NO_USABLE_KEY =
  'the key set holds no usable signing key (each needs a kid, RSA keys at least 2048 bits)';

export type KeyLookup =
  { found: true; key: VerificationKey } | { found: false; fetchFailed?: AuthorityFetchError };

export class JwksKeyStore {
  private keys = new Map<string, VerificationKey>();
  private fetchedAt = -Infinity;
  private readonly fetches: SingleFlight<void>;
  private readonly budget: RefreshBudget;
  private readonly client: jwksRsa.JwksClient;
  private readonly now: () => number;
  fetchCount = 0;

  constructor(
    readonly jwksUri: string,
    private readonly options: KeyStoreOptions = DEFAULT_KEY_STORE_OPTIONS,
  ) {
    this.now = options.now ?? Date.now;
    this.budget = new RefreshBudget(options.burst, options.refillPerMinute, this.now);
    this.fetches = new SingleFlight(() => this.load(), options.failureBackoffMs, this.now);
    this.client = new jwksRsa.JwksClient({
      jwksUri,
      cache: false,
      rateLimit: false,
      fetcher: (uri) => this.fetchKeySet(uri),
    });
  }

  get size(): number {
    return this.keys.size;
  }

  /** The kids of the keys held now, in JWKS order. */
  get kids(): string[] {
    return [...this.keys.keys()];
  }

  get lastFetchError(): AuthorityFetchError | undefined {
    return this.fetches.lastError;
  }

  /** The key of `kid` if it is held now (keys past their age are refreshed in the background). */
  held(kid: string): VerificationKey | undefined {
    const key = this.keys.get(kid);
    if (key !== undefined) this.refreshIfStale();
    return key;
  }

  /** Looks up a key, fetching the JWKS when it is cold, stale, or doesn't hold `kid`. */
  async lookup(kid: string): Promise<KeyLookup> {
    let waitedOnFetch = false;
    if (this.fetchedAt === -Infinity) {
      // Only a success sets `fetchedAt`, so no key is held yet: a failure leaves nothing to use.
      const error = await this.refresh();
      if (error) return { found: false, fetchFailed: error };
      waitedOnFetch = true;
    } else {
      this.refreshIfStale();
    }
    const known = this.keys.get(kid);
    if (known) return { found: true, key: known };
    if (waitedOnFetch || (!this.fetches.running && !this.budget.take())) return { found: false };
    const error = await this.refresh();
    const fresh = this.keys.get(kid);
    if (fresh) return { found: true, key: fresh };
    return { found: false, fetchFailed: error };
  }

  /**
   * Starts a background fetch when the keys are older than `maxAgeMs` (and no failure is being
   * waited out). Lookups call it, and so does every cache hit: a token whose key left the JWKS
   * stops working within `maxAgeMs` even when nothing else asks for keys.
   */
  refreshIfStale(): void {
    if (this.now() - this.fetchedAt > this.options.maxAgeMs && !this.fetches.backingOff) {
      void this.fetches.run();
    }
  }

  /** Joins the fetch in flight or starts one; resolves with the error, if it failed. */
  async refresh(): Promise<AuthorityFetchError | undefined> {
    const outcome = await this.fetches.run();
    return outcome.ok ? undefined : outcome.error;
  }

  /** One fetch. A key set with no usable key is a failure: the keys held are kept. */
  private async load(): Promise<void> {
    this.fetchCount++;
    try {
      const next = this.usableKeys(await this.client.getSigningKeys());
      if (next.size === 0) {
        throw new AuthorityFetchError('keys', this.jwksUri, NO_USABLE_KEY);
      }
      const removed = [...this.keys.values()]
        .filter((old) => !sameKey(old, next.get(old.kid)))
        .map((old) => old.kid);
      this.keys = next;
      this.fetchedAt = this.now();
      this.options.onKeySetFetched?.('success');
      if (removed.length > 0) this.options.onKeysRemoved?.(removed);
    } catch (error) {
      const failure =
        error instanceof AuthorityFetchError
          ? error
          : new AuthorityFetchError('keys', this.jwksUri, (error as Error).message);
      this.options.onKeySetFetched?.('failure');
      this.options.onRefreshError?.(failure);
      throw failure;
    }
  }

  private usableKeys(signingKeys: jwksRsa.SigningKey[]): Map<string, VerificationKey> {
    const next = new Map<string, VerificationKey>();
    for (const sk of signingKeys) {
      if (!sk.kid || next.has(sk.kid)) continue;
      const key = createPublicKey(sk.getPublicKey());
      if (isWeakRsaKey(key)) continue;
      next.set(sk.kid, { kid: sk.kid, alg: sk.alg || undefined, key });
    }
    return next;
  }

  private async fetchKeySet(uri: string): Promise<{ keys: unknown[] }> {
    const doc = await fetchJsonObject('keys', uri, this.options.limits);
    if (!Array.isArray(doc.keys)) {
      throw new AuthorityFetchError('keys', uri, 'the document has no keys array');
    }
    return { keys: doc.keys.filter((k) => typeof k === 'object' && k !== null) };
  }
}
