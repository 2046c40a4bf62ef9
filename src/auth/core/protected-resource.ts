import { isIssuerTemplate, TENANT_PLACEHOLDER } from './issuer-routing.js';

/*
 * RFC 9728, OAuth 2.0 Protected Resource Metadata: where the document about this API lives, and
 * what it says. Everything comes from the configuration (the resource identifier) and the
 * routes, never from a request: a `Host` header can't move a client to another server.
 */

export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** Path characters taken as they are: the path becomes a route, where `:` or `*` means more. */
const PLAIN_PATH = /^[A-Za-z0-9\-._~/]*$/;

/**
 * Why `resource` cannot be this API's resource identifier, or undefined when it can: an absolute
 * `https:` URL without credentials, query or fragment (RFC 8707 §2, RFC 9728 §1.2), in normal
 * form (lowercase host, no default port, no `..`), whose path holds only letters, digits and
 * `-._~/`.
 */
export function resourceProblem(resource: string): string | undefined {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'https:') return 'is not an https URL';
  if (url.username || url.password || url.search || url.hash || /[?#]/.test(resource)) {
    return 'must have no credentials, query or fragment';
  }
  // Clients compare `resource` with the URL they called: one spelling, the one URL parsing gives.
  if (resource !== url.href && `${resource}/` !== url.href) {
    return `is not written as URLs are compared (${url.href})`;
  }
  if (!PLAIN_PATH.test(url.pathname)) {
    return 'must have a path of letters, digits and - . _ ~ / only';
  }
  return undefined;
}

/**
 * The path of the metadata document on this API's origin: the well-known prefix inserted before
 * the resource's path (RFC 9728 §3.1), e.g. `https://api.example.com/mcp` →
 * `/.well-known/oauth-protected-resource/mcp`. The resource is checked (`resourceProblem`).
 */
export function protectedResourceMetadataPath(resource: string): string {
  const path = new URL(resource).pathname;
  return path === '/' ? PROTECTED_RESOURCE_WELL_KNOWN : `${PROTECTED_RESOURCE_WELL_KNOWN}${path}`;
}

/** The URL of the metadata document, as 401 challenges give it (`resource_metadata=`). */
export function protectedResourceMetadataUrl(resource: string): string {
  return `${new URL(resource).origin}${protectedResourceMetadataPath(resource)}`;
}

/** The document (RFC 9728 §2). */
export interface ProtectedResourceMetadata {
  resource: string;
  /** Absent when none can be listed (an Entra template that accepts any tenant). */
  authorization_servers?: string[];
  scopes_supported: string[];
  bearer_methods_supported: ['header'];
  resource_documentation?: string;
}

export interface ProtectedResourceFacts {
  resource: string;
  authorities: readonly string[];
  /** With a `{tenantid}` authority: the accepted tenants, each an authorization server. */
  tenants: readonly string[];
  /** Every scope some route requires. */
  scopes: Iterable<string>;
  documentation?: string;
}

/**
 * The metadata document. Authorization servers are the listed authorities; an Entra template
 * stands for one issuer per accepted tenant, and for none when any tenant is accepted (they
 * can't be listed; with no other authority the field is left out).
 */
export function protectedResourceMetadata(
  facts: ProtectedResourceFacts,
): ProtectedResourceMetadata {
  const servers = facts.authorities.flatMap((authority) =>
    isIssuerTemplate(authority)
      ? facts.tenants.map((tenant) => authority.replace(TENANT_PLACEHOLDER, tenant))
      : [authority],
  );
  return {
    resource: facts.resource,
    ...(servers.length > 0 ? { authorization_servers: servers } : {}),
    scopes_supported: [...new Set(facts.scopes)].sort(),
    bearer_methods_supported: ['header'],
    ...(facts.documentation ? { resource_documentation: facts.documentation } : {}),
  };
}
