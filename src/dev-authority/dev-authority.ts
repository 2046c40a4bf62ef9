import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryAdapter } from './memory.adapter.js';

/*
 * The development authorization server: a real OpenID provider (`oidc-provider`) on 127.0.0.1,
 * issuing RS256 JWT access tokens (RFC 9068) for one resource through the client_credentials
 * grant, and opaque (reference) tokens for the same audience when asked with the resource
 * indicator `OPAQUE_RESOURCE`; its RFC 7662 introspection endpoint answers for those. It holds its signing key in memory only, and answers only requests whose `Host` is a
 * loopback name (421 otherwise, before oidc-provider sees them). Only `npm start`
 * (src/dev/main.ts) starts it; `node dist/main.js` never imports it.
 */
export interface DevAuthorityOptions {
  /** 0 picks a free port. */
  port?: number;
  audience?: string;
  scopes?: readonly string[];
  clientId?: string;
  clientSecret?: string;
  accessTokenTtlSeconds?: number;
  /** Browser origins allowed to call the token endpoint (Swagger UI's Authorize). Default none. */
  corsOrigins?: readonly string[];
}

export interface DevAuthority {
  issuer: string;
  tokenEndpoint: string;
  introspectionEndpoint: string;
  audience: string;
  clientId: string;
  clientSecret: string;
  /** Asks the server for a token with a real client_credentials request. */
  token(scopes?: readonly string[]): Promise<string>;
  /** The same, as an opaque token, which only introspection can read. */
  opaqueToken(scopes?: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

export const DEV_DEFAULTS = {
  port: 3001,
  audience: 'api://default',
  scopes: ['messages:read', 'messages:write', 'metrics:read'],
  clientId: 'dev-client',
  clientSecret: 'dev-secret',
} as const;

/**
 * The resource indicator (RFC 8707) that asks for an opaque access token: oidc-provider picks a
 * token's format per resource server, so this one is the API's audience in opaque form.
 */
export const OPAQUE_RESOURCE = 'urn:dev-authority:opaque';

const HOST_REFUSED = 'The development authority answers only to 127.0.0.1, localhost and [::1]';

/** The `Host` values a loopback client sends to this port (no port when it is the default). */
function loopbackHosts(port: number): Set<string> {
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  return new Set([...names.map((n) => `${n}:${port}`), ...(port === 80 ? names : [])]);
}

/** A client_credentials request; used by `npm run token` and the tests alike. */
export async function requestToken(
  tokenEndpoint: string,
  client: { clientId: string; clientSecret: string },
  scopes: readonly string[],
  resource?: string,
): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' ') });
  if (resource) form.set('resource', resource);
  const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: form,
    signal: AbortSignal.timeout(5000),
  });
  const body = (await response.json()) as { access_token?: string; error?: string };
  if (!response.ok || !body.access_token) {
    throw new Error(`token request failed: HTTP ${response.status} ${body.error ?? ''}`.trim());
  }
  return body.access_token;
}

export async function startDevAuthority(options: DevAuthorityOptions = {}): Promise<DevAuthority> {
  const { default: Provider } = await import('oidc-provider');
  const audience = options.audience ?? DEV_DEFAULTS.audience;
  const scopes = [...(options.scopes ?? DEV_DEFAULTS.scopes)];
  const clientId = options.clientId ?? DEV_DEFAULTS.clientId;
  const clientSecret = options.clientSecret ?? DEV_DEFAULTS.clientSecret;
  const ttl = options.accessTokenTtlSeconds ?? 3600;

  // Idle connections stay open (clients close them): a server that drops one as a client sends a
  // token request on it answers ECONNRESET, which undici doesn't retry for a POST.
  const server: Server = createServer({ keepAliveTimeout: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEV_DEFAULTS.port, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  });
  const provider = new Provider(issuer, {
    adapter: MemoryAdapter,
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: scopes.join(' '),
      },
    ],
    scopes,
    // client_credentials only: discovery then offers no browser flows that could not work here.
    responseTypes: ['none'],
    jwks: { keys: [{ ...signingKey, kid: randomUUID(), use: 'sig', alg: 'RS256' }] },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) =>
          resource === OPAQUE_RESOURCE
            ? {
                scope: scopes.join(' '),
                audience,
                accessTokenTTL: ttl,
                accessTokenFormat: 'opaque',
              }
            : {
                scope: scopes.join(' '),
                audience,
                accessTokenTTL: ttl,
                accessTokenFormat: 'jwt',
                jwt: { sign: { alg: 'RS256' } },
              },
      },
      // RFC 7662, for the API's own client (confidential, so never a public client).
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, client) => client.clientAuthMethod !== 'none',
      },
    },
    // A client_credentials token has no account: its introspection answer names the client as
    // `sub`, as its JWT form does (RFC 9068 §2.2).
    extraTokenClaims: (_ctx, token) =>
      token.kind === 'ClientCredentials' ? { sub: token.clientId } : undefined,
    ttl: { ClientCredentials: () => ttl },
    clientBasedCORS: (_ctx, origin) => (options.corsOrigins ?? []).includes(origin),
  });
  const handle = provider.callback();
  const loopback = loopbackHosts((server.address() as AddressInfo).port);
  server.on('request', (req, res) => {
    // DNS rebinding: a page whose name now points at 127.0.0.1 still says its own name here.
    if (!loopback.has(req.headers.host?.toLowerCase() ?? '')) {
      res.writeHead(421, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_request', error_description: HOST_REFUSED }));
      return;
    }
    void handle(req, res);
  });

  const tokenEndpoint = `${issuer}/token`;
  const client = { clientId, clientSecret };
  return {
    issuer,
    tokenEndpoint,
    introspectionEndpoint: `${issuer}/token/introspection`,
    audience,
    clientId,
    clientSecret,
    token: (wanted = scopes) => requestToken(tokenEndpoint, client, wanted),
    opaqueToken: (wanted = scopes) => requestToken(tokenEndpoint, client, wanted, OPAQUE_RESOURCE),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
