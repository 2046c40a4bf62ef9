import { TENANT_PLACEHOLDER } from '../core/issuer-routing.js';
import { AuthorityFetchError, fetchJsonObject, type FetchLimits } from './fetch-json.js';

export interface AuthorityMetadata {
  issuer: string;
  jwksUri: string;
  tokenEndpoint?: string;
  /** RFC 7662's endpoint, when the authority publishes one. */
  introspectionEndpoint?: string;
  /** Where the document was found. */
  source: string;
}

/**
 * Where an Entra ID `{tenantid}` template's metadata is: the `common` tenant's document, whose
 * `issuer` is the template itself and whose keys sign for every tenant.
 */
const TEMPLATE_METADATA_TENANT = 'common';

/** The two well-known locations, in the order they are tried (OpenID Connect, then RFC 8414). */
export function metadataUrls(authority: string): string[] {
  const url = new URL(authority.replace(TENANT_PLACEHOLDER, TEMPLATE_METADATA_TENANT));
  const path = url.pathname.replace(/\/$/, '');
  return [
    `${url.origin}${path}/.well-known/openid-configuration`,
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ];
}

/**
 * OpenID discovery: `<authority>/.well-known/openid-configuration`, falling back to RFC 8414, or
 * exactly `metadataAddress` when it is set. The document's `issuer` must equal the authority, and
 * with `requireHttps` its `jwks_uri` must be https.
 */
export async function discover(
  authority: string,
  options: { metadataAddress?: string; requireHttps: boolean; limits?: FetchLimits },
): Promise<AuthorityMetadata> {
  const candidates = options.metadataAddress ? [options.metadataAddress] : metadataUrls(authority);
  let firstError: AuthorityFetchError | undefined;
  for (const url of candidates) {
    let doc: Record<string, unknown>;
    try {
      doc = await fetchJsonObject('metadata', url, options.limits);
    } catch (error) {
      if (!(error instanceof AuthorityFetchError)) throw error;
      firstError ??= error;
      continue;
    }
    // A document that was found but is wrong is an answer: no fallback hides it.
    return validateMetadata(doc, url, authority, options.requireHttps);
  }
  throw firstError as AuthorityFetchError;
}

function validateMetadata(
  doc: Record<string, unknown>,
  url: string,
  authority: string,
  requireHttps: boolean,
): AuthorityMetadata {
  const fail = (detail: string) => new AuthorityFetchError('metadata', url, detail);
  if (doc.issuer !== authority) {
    throw fail(`its issuer ${String(doc.issuer)} is not the configured authority ${authority}`);
  }
  if (typeof doc.jwks_uri !== 'string') throw fail('it has no jwks_uri');
  let jwks: URL;
  try {
    jwks = new URL(doc.jwks_uri);
  } catch {
    throw fail('its jwks_uri is not a URL');
  }
  if (requireHttps && jwks.protocol !== 'https:') {
    throw fail('its jwks_uri is not https (requireHttpsMetadata is true)');
  }
  return {
    issuer: doc.issuer,
    jwksUri: jwks.href,
    tokenEndpoint: typeof doc.token_endpoint === 'string' ? doc.token_endpoint : undefined,
    introspectionEndpoint:
      typeof doc.introspection_endpoint === 'string' ? doc.introspection_endpoint : undefined,
    source: url,
  };
}
