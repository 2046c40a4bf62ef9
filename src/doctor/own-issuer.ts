import type { DecodedToken } from '../auth/core/decoded-token.js';
import { checkKeyFits } from '../auth/core/key-fit.js';
import { checkSignature } from '../auth/core/signature.js';
import { discover } from '../auth/keys/discovery.js';
import { AuthorityFetchError, type FetchLimits } from '../auth/keys/fetch-json.js';
import { DEFAULT_KEY_STORE_OPTIONS, JwksKeyStore } from '../auth/keys/jwks-key-store.js';

/**
 * What the token's OWN issuer publishes. Only the doctor asks, because a person asked it to; the
 * API never follows a URL from a token. The one URL taken from the token is its `iss`, and only
 * for that issuer's discovery document (whose `issuer` must equal it); the JWKS comes from that
 * document. `jku`, `x5u` and other header URLs are never fetched.
 */

export type FetchPermission = { allowed: true } | { allowed: false; why: string };

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Whether the doctor may fetch from this URL: https always; http only when HTTPS metadata is not
 * required (AUTH_REQUIRE_HTTPS_METADATA=false) and the host is this machine (a test or development
 * authority). Never URLs with credentials, a query or a fragment (an issuer has none).
 */
export function mayFetch(url: unknown, requireHttps: boolean): FetchPermission {
  if (typeof url !== 'string') return { allowed: false, why: 'it is not a string' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { allowed: false, why: 'it is not an absolute URL' };
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    return { allowed: false, why: 'an issuer has no credentials, query or fragment' };
  }
  if (parsed.protocol === 'https:') return { allowed: true };
  if (parsed.protocol !== 'http:')
    return { allowed: false, why: `${parsed.protocol} is not https` };
  if (requireHttps) {
    return { allowed: false, why: 'it is not https (AUTH_REQUIRE_HTTPS_METADATA is true)' };
  }
  if (!LOOPBACK.has(parsed.hostname)) {
    return { allowed: false, why: 'plain http is only followed to this machine (loopback)' };
  }
  return { allowed: true };
}

export interface OwnIssuerFindings {
  issuer: string;
  /** Why the doctor did not look, when it did not. */
  notFetched?: string;
  /** Why the lookup failed, when it did. */
  error?: string;
  jwksUri?: string;
  tokenEndpoint?: string;
  /** The kids that issuer publishes. */
  kids?: string[];
  /** Whether it publishes the token's kid. */
  publishesKid?: boolean;
  /** Whether the token's signature verifies with that key. */
  signatureVerifies?: boolean;
}

/** Looks the token's issuer up: discovery, then its JWKS, then the token's key and signature. */
export async function inspectOwnIssuer(
  decoded: DecodedToken,
  options: { requireHttps: boolean; limits: FetchLimits },
): Promise<OwnIssuerFindings | undefined> {
  const issuer = decoded.claims.iss;
  if (typeof issuer !== 'string') return undefined;
  const permission = mayFetch(issuer, options.requireHttps);
  if (!permission.allowed) return { issuer, notFetched: permission.why };
  try {
    const metadata = await discover(issuer, {
      requireHttps: options.requireHttps,
      limits: options.limits,
    });
    const jwksPermission = mayFetch(metadata.jwksUri, options.requireHttps);
    const found: OwnIssuerFindings = {
      issuer,
      jwksUri: metadata.jwksUri,
      tokenEndpoint: metadata.tokenEndpoint,
    };
    if (!jwksPermission.allowed)
      return { ...found, notFetched: `its jwks_uri: ${jwksPermission.why}` };
    const store = new JwksKeyStore(metadata.jwksUri, {
      ...DEFAULT_KEY_STORE_OPTIONS,
      limits: options.limits,
    });
    const kid = typeof decoded.header.kid === 'string' ? decoded.header.kid : '';
    const lookup = await store.lookup(kid);
    if (!lookup.found && lookup.fetchFailed) return { ...found, error: lookup.fetchFailed.message };
    found.kids = store.kids;
    found.publishesKid = lookup.found;
    if (lookup.found) {
      try {
        checkKeyFits(decoded.header.alg, lookup.key);
        checkSignature(decoded, lookup.key);
        found.signatureVerifies = true;
      } catch {
        found.signatureVerifies = false;
      }
    }
    return found;
  } catch (error) {
    if (error instanceof AuthorityFetchError) return { issuer, error: error.message };
    throw error;
  }
}
