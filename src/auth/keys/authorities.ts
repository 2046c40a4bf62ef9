import { AuthMessages } from '../core/auth-messages.js';
import { InvalidTokenError } from '../core/bearer-errors.js';
import type { KeyResolver, VerificationKey } from '../core/token-policy.js';
import type { ResolvedAuthOptions } from '../auth-options.interface.js';
import { AuthorityClient, type AuthorityStatus } from './authority-client.js';
import { DEFAULT_FETCH_LIMITS } from './fetch-json.js';
import type { KeyStoreOptions } from './jwks-key-store.js';

/**
 * The listed authorities, each with its own `AuthorityClient`: its own discovery, key store,
 * refresh budget, backoff and outage state, so one authority's bad day never touches another's
 * tokens. A token reaches the keys of the one authority its `iss` named (`routeByIssuer` picked
 * it before any lookup): another authority's `kid` is unknown there.
 */
export class Authorities {
  private readonly byIssuer: ReadonlyMap<string, AuthorityClient>;

  constructor(readonly all: readonly AuthorityClient[]) {
    this.byIssuer = new Map(all.map((client) => [client.issuer, client]));
  }

  /**
   * The clients for the module's options; the module and the doctor CLI both build them here.
   * `keyStore` gives each authority's key store its options (hooks that name the authority).
   */
  static fromOptions(
    options: ResolvedAuthOptions,
    keyStore: (authority: string) => Partial<KeyStoreOptions> = () => ({}),
  ): Authorities {
    const limits = { ...DEFAULT_FETCH_LIMITS, timeoutMs: options.fetchTimeoutMs };
    return new Authorities(
      options.authorities.map(
        (authority) =>
          new AuthorityClient({
            authority,
            metadataAddress: options.metadataAddress,
            requireHttpsMetadata: options.requireHttpsMetadata,
            limits,
            keyStore: keyStore(authority),
          }),
      ),
    );
  }

  /** The first listed authority (e.g. where an introspection endpoint is looked up). */
  get first(): AuthorityClient {
    return this.all[0];
  }

  /** The client of a listed authority, as configured; undefined for anything else. */
  get(authority: string): AuthorityClient | undefined {
    return this.byIssuer.get(authority);
  }

  /** The key for `kid` among the keys of `authority` only: the verifier's `KeyResolver`. */
  readonly resolveKey: KeyResolver = (
    kid: string,
    _alg: string,
    authority: string,
  ): VerificationKey | Promise<VerificationKey> => {
    const client = this.byIssuer.get(authority);
    if (client) return client.resolveKey(kid);
    // routeByIssuer only names listed authorities: this is a caller's mistake, refused anyway.
    const listed = [...this.byIssuer.keys()];
    throw new InvalidTokenError('wrong_issuer', AuthMessages.issuerNotListed(authority, listed));
  };

  /** On a cache hit: that authority's keys are refreshed in the background when old. */
  refreshKeysIfStale(authority: string): void {
    this.byIssuer.get(authority)?.refreshKeysIfStale();
  }

  /** Each authority's metadata and keys, had now (cached or fetched), in the listed order. */
  check(): Promise<AuthorityStatus[]> {
    return Promise.all(this.all.map((client) => client.check()));
  }
}
