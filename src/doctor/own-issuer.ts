import { createPublicKey } from 'node:crypto';
import type { DecodedToken } from '../auth/core/decoded-token.js';
import { checkKeyFits } from '../auth/core/key-fit.js';
import { checkSignature } from '../auth/core/signature.js';
import { metadataUrls } from '../auth/keys/discovery.js';
import { AuthorityFetchError, type FetchLimits } from '../auth/keys/fetch-json.js';
import { FetchRefusedError, fetchJsonGuarded } from './guarded-fetch.js';

/*
 * What the token's OWN issuer publishes. The API never follows a URL from a token, and the doctor
 * only when the person running it asks (`--fetch-issuer`): the one URL taken from the token is
 * its `iss`, and only for that issuer's discovery document (whose `issuer` must equal it); the
 * JWKS comes from that document. Only public addresses are reached (loopback too when the
 * configured authority is on loopback), with the API's time limit and size cap, and nothing a
 * server answers is repeated unless it is the metadata asked for. `jku`, `x5u` and other header
 * URLs are never fetched.
 */

export type FetchPermission = { allowed: true } | { allowed: false; why: string };

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Whether the doctor may fetch from this URL: https always; http only when HTTPS metadata is not
 * required (AUTH_REQUIRE_HTTPS_METADATA=false) and the host is this machine (a test or development
 * authority). Never URLs with credentials, a query or a fragment (an issuer has none). Where the
 * name leads is checked when connecting (`fetchJsonGuarded`).
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
  /** The kids it publishes: only told for the configured authority (an unknown kid). */
  kids?: string[];
  /** Whether it publishes the token's kid. */
  publishesKid?: boolean;
  /** Whether the token's signature verifies with that key. */
  signatureVerifies?: boolean;
}

export interface OwnIssuerOptions {
  /** The person running the doctor asked for it (`--fetch-issuer`). */
  fetchIssuer: boolean;
  requireHttps: boolean;
  /** The configured authority is on loopback, so loopback issuers may be reached too. */
  loopbackAllowed: boolean;
  limits: FetchLimits;
}

const FETCH_ISSUER_HINT =
  "run the doctor with --fetch-issuer to look at what that issuer publishes (it is the token's word, so the doctor does not follow it unasked)";

/** The issuer's discovery document, found where OpenID Connect, then RFC 8414, put it. */
async function discoverIssuer(issuer: string, options: OwnIssuerOptions) {
  let firstError: AuthorityFetchError | undefined;
  for (const url of metadataUrls(issuer)) {
    try {
      return await fetchJsonGuarded('metadata', url, options);
    } catch (error) {
      if (!(error instanceof AuthorityFetchError)) throw error;
      firstError ??= error;
    }
  }
  throw firstError as AuthorityFetchError;
}

/** The key the issuer publishes under `kid`, if it publishes a usable public one. */
function publishedKey(jwks: Record<string, unknown>, kid: string) {
  const keys = Array.isArray(jwks.keys) ? (jwks.keys as unknown[]) : [];
  const jwk = keys.find(
    (k): k is Record<string, unknown> =>
      typeof k === 'object' && k !== null && (k as { kid?: unknown }).kid === kid,
  );
  if (!jwk || 'd' in jwk || (jwk.use !== undefined && jwk.use !== 'sig')) return undefined;
  try {
    const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    return { kid, alg: typeof jwk.alg === 'string' ? jwk.alg : undefined, key };
  } catch {
    return undefined;
  }
}

async function lookUp(
  decoded: DecodedToken,
  issuer: string,
  options: OwnIssuerOptions,
): Promise<OwnIssuerFindings> {
  const metadata = await discoverIssuer(issuer, options);
  // Anything else in that answer is the server's, not metadata about this issuer: not repeated.
  if (metadata.issuer !== issuer) {
    return { issuer, error: "its discovery document names another issuer than the token's iss" };
  }
  const jwksPermission = mayFetch(metadata.jwks_uri, options.requireHttps);
  if (!jwksPermission.allowed) return { issuer, notFetched: `its jwks_uri: ${jwksPermission.why}` };
  const jwks = await fetchJsonGuarded('keys', metadata.jwks_uri as string, options);
  const kid = typeof decoded.header.kid === 'string' ? decoded.header.kid : '';
  const key = publishedKey(jwks, kid);
  if (!key) return { issuer, publishesKid: false };
  try {
    checkKeyFits(decoded.header.alg, key);
    checkSignature(decoded, key);
    return { issuer, publishesKid: true, signatureVerifies: true };
  } catch {
    return { issuer, publishesKid: true, signatureVerifies: false };
  }
}

/** Looks the token's issuer up, when asked: discovery, then its JWKS, then the token's key. */
export async function inspectOwnIssuer(
  decoded: DecodedToken,
  options: OwnIssuerOptions,
): Promise<OwnIssuerFindings | undefined> {
  const issuer = decoded.claims.iss;
  if (typeof issuer !== 'string') return undefined;
  if (!options.fetchIssuer) return { issuer, notFetched: FETCH_ISSUER_HINT };
  const permission = mayFetch(issuer, options.requireHttps);
  if (!permission.allowed) return { issuer, notFetched: permission.why };
  try {
    return await lookUp(decoded, issuer, options);
  } catch (error) {
    if (error instanceof FetchRefusedError) return { issuer, notFetched: error.message };
    if (error instanceof AuthorityFetchError) return { issuer, error: error.message };
    throw error;
  }
}
