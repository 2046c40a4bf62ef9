import { hash } from 'node:crypto';
import type { Principal } from './principal.js';

/** What a successful verification leaves behind for the next request with the same token. */
export interface VerifiedEntry {
  /** The caller, frozen: every request with this token shares it. */
  principal: Principal;
  /** The `kid` whose key verified the signature; none for an introspected token. */
  kid?: string;
  /** The listed authority whose key that is. */
  authority: string;
  /**
   * The token's `exp`, in seconds (for an introspected token, the end of the answer's reuse):
   * the entry is gone from this instant on.
   */
  exp: number;
}

/** Default `tokenCacheSize`: about 1.4 MB of entries; see docs/performance.md for sizing. */
export const DEFAULT_TOKEN_CACHE_SIZE = 2_000;

/**
 * Verified access tokens, so a signature is checked once per distinct token (as Envoy's
 * `jwt_cache_config` does). Safety properties:
 *
 * - **Keyed by SHA-256** of the token: the token itself is not kept, and a hit needs the exact
 *   same bytes, signature included.
 * - **Bounded LRU** of `capacity` entries (0 disables the cache).
 * - **Never outlives `exp`**: an entry is dropped at the token's `exp`, skew or not; after that
 *   the token goes through full verification again (which applies the clock skew).
 * - **Follows the key set**: `dropKeys` removes every entry verified with a key that left its
 *   authority's JWKS (or changed). A verification that started before such a drop is not stored
 *   (`generation`), so a removed key can't sneak back in.
 * - Only successes are stored. The caller still runs the time checks (`exp`/`nbf` with skew) on
 *   every hit, and the scope check on every request.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedEntry>();
  private epoch = 0;

  constructor(readonly capacity: number = DEFAULT_TOKEN_CACHE_SIZE) {}

  /** The cache key of a token: its SHA-256, base64. */
  static keyOf(token: string): string {
    return hash('sha256', token, 'base64');
  }

  get enabled(): boolean {
    return this.capacity > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Changes whenever keys are dropped; pass the value read before verifying to `set`. */
  get generation(): number {
    return this.epoch;
  }

  /** The entry of `key`, now the most recently used, or undefined (missing or past `exp`). */
  get(key: string, nowSeconds: number): VerifiedEntry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (nowSeconds >= entry.exp) return undefined;
    this.entries.set(key, entry);
    return entry;
  }

  /**
   * Stores a verification made while `generation` was current; evicts the least recently used
   * entry when full. Refused (false) when disabled, when keys were dropped since, or when the
   * token is already past `exp`.
   */
  set(key: string, entry: VerifiedEntry, generation: number, nowSeconds: number): boolean {
    if (!this.enabled || generation !== this.epoch || nowSeconds >= entry.exp) return false;
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return true;
  }

  /** Drops every entry verified with one of these kids of `authority`. */
  dropKeys(kids: readonly string[], authority: string): void {
    this.epoch++;
    const gone = new Set(kids);
    for (const [key, entry] of this.entries) {
      if (entry.kid !== undefined && gone.has(entry.kid) && entry.authority === authority)
        this.entries.delete(key);
    }
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
  }
}
