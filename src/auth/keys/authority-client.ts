import { AuthMessages } from '../core/auth-messages.js';
import { AuthorityUnavailableError, InvalidTokenError } from '../core/bearer-errors.js';
import type { VerificationKey } from '../core/token-policy.js';
import { discover, type AuthorityMetadata } from './discovery.js';
import { AuthorityFetchError, type FetchLimits } from './fetch-json.js';
import { DEFAULT_KEY_STORE_OPTIONS, JwksKeyStore, type KeyStoreOptions } from './jwks-key-store.js';
import { SingleFlight } from './single-flight.js';

export interface AuthorityClientOptions {
  authority: string;
  metadataAddress?: string;
  requireHttpsMetadata: boolean;
  keyStore?: Partial<KeyStoreOptions>;
  limits?: FetchLimits;
}

export interface AuthorityStatus {
  /** The authority, as configured. */
  issuer: string;
  metadata: { ok: boolean; source?: string; error?: string };
  keys: { ok: boolean; count: number; jwksUri?: string; error?: string };
}

/** What discovery gives: the document, and the key store of its `jwks_uri`. */
interface Discovered {
  metadata: AuthorityMetadata;
  keys: JwksKeyStore;
}

/**
 * The one place that talks to one authority: discovery first, then the JWKS through
 * `JwksKeyStore` (whose doc comment describes key caching, single flight, the refresh budget and
 * stale-if-error). Each listed authority has its own (`Authorities`), so its state, budget and
 * outages are its own. The guard, the readiness probe and the doctor CLI all go through here.
 *
 * - **Discovery** is single flight and kept once it succeeds: the issuer and `jwks_uri` don't
 *   change under a running API, so a discovery outage after start-up changes nothing. A failure
 *   is not cached: after `failureBackoffMs` the next request tries again.
 * - **Answers.** `resolveKey` gives the key, or a `BearerError` that says whose fault it is:
 *   `InvalidTokenError` (401 `invalid_token`) when the authority answered and doesn't publish the
 *   kid; `AuthorityUnavailableError` (503, `Retry-After` = the backoff in whole seconds, no
 *   challenge) when discovery or the JWKS could not be had (down, slow beyond the time limit,
 *   HTTP error, garbage, no usable key) and the key isn't cached. Never a 500, never a hang.
 */
export class AuthorityClient {
  private discovered?: Discovered;
  private readonly discovery: SingleFlight<Discovered>;
  private readonly keyStoreOptions: KeyStoreOptions;

  constructor(private readonly options: AuthorityClientOptions) {
    this.keyStoreOptions = {
      ...DEFAULT_KEY_STORE_OPTIONS,
      ...options.keyStore,
      limits: options.limits,
    };
    this.discovery = new SingleFlight(
      () => this.discover(),
      this.keyStoreOptions.failureBackoffMs,
      this.keyStoreOptions.now,
    );
  }

  /** The authority as configured: its tokens' issuer (or an Entra `{tenantid}` template). */
  get issuer(): string {
    return this.options.authority;
  }

  get keyStore(): JwksKeyStore | undefined {
    return this.discovered?.keys;
  }

  /** The discovery document, fetched once. Throws `AuthorityFetchError`. */
  async metadata(): Promise<AuthorityMetadata> {
    return (await this.connect()).metadata;
  }

  /** Keys older than their maximum age are fetched again in the background; for cache hits. */
  refreshKeysIfStale(): void {
    this.discovered?.keys.refreshIfStale();
  }

  /** Discovery, once it succeeded; else joins or starts it. Throws `AuthorityFetchError`. */
  private async connect(): Promise<Discovered> {
    if (this.discovered) return this.discovered;
    const outcome = await this.discovery.run();
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  private async discover(): Promise<Discovered> {
    try {
      const metadata = await discover(this.options.authority, {
        metadataAddress: this.options.metadataAddress,
        requireHttps: this.options.requireHttpsMetadata,
        limits: this.options.limits,
      });
      this.discovered = {
        metadata,
        keys: new JwksKeyStore(metadata.jwksUri, this.keyStoreOptions),
      };
      return this.discovered;
    } catch (error) {
      if (error instanceof AuthorityFetchError) this.keyStoreOptions.onRefreshError?.(error);
      throw error;
    }
  }

  /**
   * The key for `kid`, or a `BearerError`: `InvalidTokenError` when the authority answered and
   * doesn't publish it, `AuthorityUnavailableError` when the authority couldn't be asked.
   */
  readonly resolveKey = (kid: string): VerificationKey | Promise<VerificationKey> =>
    this.discovered?.keys.held(kid) ?? this.lookUpKey(kid);

  private async lookUpKey(kid: string): Promise<VerificationKey> {
    let keys: JwksKeyStore;
    try {
      ({ keys } = this.discovered ?? (await this.connect()));
    } catch (error) {
      throw this.unavailable(error);
    }
    const result = await keys.lookup(kid);
    if (result.found) return result.key;
    if (result.fetchFailed) throw this.unavailable(result.fetchFailed);
    throw new InvalidTokenError('unknown_kid', AuthMessages.unknownKid(kid, this.issuer));
  }

  /** Makes sure metadata and keys can be had now (cached or fetched); for readiness and warm-up. */
  async check(): Promise<AuthorityStatus> {
    try {
      const { metadata, keys } = await this.connect();
      const error = keys.size === 0 ? await keys.refresh() : undefined;
      return {
        issuer: this.issuer,
        metadata: { ok: true, source: metadata.source },
        keys: { ok: keys.size > 0, count: keys.size, jwksUri: keys.jwksUri, error: error?.message },
      };
    } catch (error) {
      if (!(error instanceof AuthorityFetchError)) throw error;
      return {
        issuer: this.issuer,
        metadata: { ok: false, error: error.message },
        keys: { ok: false, count: 0, error: 'metadata unavailable' },
      };
    }
  }

  private unavailable(error: unknown): AuthorityUnavailableError {
    if (!(error instanceof AuthorityFetchError)) throw error;
    return new AuthorityUnavailableError(
      AuthMessages.authorityUnavailable(error.part === 'metadata' ? 'metadata' : 'signing keys'),
      Math.max(1, Math.ceil(this.keyStoreOptions.failureBackoffMs / 1000)),
    );
  }
}
