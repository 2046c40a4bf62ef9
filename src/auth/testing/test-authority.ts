import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AuthModuleOptions } from '../auth-options.interface.js';
import { signJws, type JwsPayload } from './jws.js';
import { closeServer, listenOnLoopback } from './loopback.js';
import { generateTestKey, type TestKey } from './test-keys.js';

/**
 * How an endpoint of the test authority behaves:
 * `ok`; `down` (the connection is reset); `slow` (answers after `slowMs`); `garbage` (200, not
 * JSON); `empty` (a JSON object with no usable keys); `error` (HTTP 500).
 */
export type Fault = 'ok' | 'down' | 'slow' | 'garbage' | 'empty' | 'error';

/** The introspection endpoint's faults: a `Fault`, or `refuse-client` (401 `invalid_client`). */
export type IntrospectionFault = Fault | 'refuse-client';

export interface MintOptions {
  /** Header parameters to add or replace; `undefined` removes one (e.g. `{ kid: undefined }`). */
  header?: Record<string, unknown>;
  /** Sign with this key instead of the current one (its kid goes in the header). */
  key?: TestKey;
  /** Use this exact payload (e.g. a non-object) instead of claims. */
  rawPayload?: JwsPayload;
}

export type Claims = Record<string, unknown>;

const now = () => Math.floor(Date.now() / 1000);

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

/**
 * A real authorization server's public face on 127.0.0.1: discovery and a JWKS, with the keys to
 * mint access tokens against them. Several issuers can share one host (`sibling`), as Okta's Org
 * server and custom servers do.
 *
 * ```ts
 * const authority = await TestAuthority.start();
 * const token = authority.mint({ scope: 'messages:read' });
 * authority.jwks = 'down';         // fault injection
 * authority.fetches.jwks;          // how many times the JWKS was asked for
 * authority.hostRequests;          // every request its host answered, for any issuer
 * authority.mintOpaque();          // a reference token its introspection endpoint knows
 * authority.introspection = 'slow'; authority.introspections; // RFC 7662 faults and calls
 * await authority.close();
 * ```
 */
export class TestAuthority {
  jwks: Fault = 'ok';
  discovery: Fault = 'ok';
  /** Where discovery is served: OpenID Connect's location, or only RFC 8414's. */
  wellKnown: 'openid-configuration' | 'oauth-authorization-server' = 'openid-configuration';
  slowMs = 10_000;
  /**
   * The `issuer` its discovery document names, when not its own: Entra ID's `common` metadata
   * names the template `https://login.microsoftonline.com/{tenantid}/v2.0`.
   */
  metadataIssuer?: string;
  /** The introspection endpoint (RFC 7662, `introspection_endpoint` of its metadata). */
  introspection: IntrospectionFault = 'ok';
  readonly fetches = { jwks: 0, discovery: 0 };
  /** Calls its introspection endpoint answered (or failed on purpose). */
  introspections = 0;
  /** The client the introspection endpoint accepts (`client_secret_basic`). */
  readonly introspectionClient = { id: 'test-api', secret: 'test-api-secret' };
  /** Every token it issued (opaque or JWT), by value, with its claims; revoked ones are gone. */
  private readonly issued = new Map<string, Claims>();
  /** Every key published in the JWKS, in order. The last one signs by default. */
  keys: TestKey[];
  /** Extra JWKs to publish as they are (private keys, `oct` keys, `use: enc`...). */
  extraJwks: Record<string, unknown>[] = [];

  private constructor(
    private readonly host: TestHost,
    readonly path: string,
    readonly audience: string,
    readonly defaults: Claims,
  ) {
    this.keys = [generateTestKey('RS256')];
  }

  static async start(options: { path?: string; audience?: string; claims?: Claims } = {}) {
    const host = await TestHost.listen();
    return host.add(options.path ?? '', options.audience, options.claims);
  }

  /** Another issuer on the same host:port, with keys of its own. */
  sibling(path: string, options: { audience?: string; claims?: Claims } = {}): TestAuthority {
    return this.host.add(path, options.audience ?? this.audience, options.claims);
  }

  /** @internal */
  static create(
    host: TestHost,
    path: string,
    audience?: string,
    claims: Claims = {},
  ): TestAuthority {
    return new TestAuthority(host, path, audience ?? 'api://test', claims);
  }

  get origin(): string {
    return this.host.origin;
  }

  /**
   * Every request the host has answered, for any of its issuers or none (a 404): `fetches`
   * counts this issuer's, this counts them all.
   */
  get hostRequests(): number {
    return this.host.requests;
  }

  get issuer(): string {
    return `${this.host.origin}${this.path}`;
  }

  get jwksUri(): string {
    return `${this.issuer}/keys`;
  }

  get signingKey(): TestKey {
    return this.keys[this.keys.length - 1];
  }

  get introspectionEndpoint(): string {
    return `${this.issuer}/introspect`;
  }

  /** `AuthModule` options that turn introspection on against this authority's endpoint. */
  introspectionOptions(mode: 'opaque' | 'all' = 'opaque'): Partial<AuthModuleOptions> {
    return {
      introspection: mode,
      introspectionClientId: this.introspectionClient.id,
      introspectionClientSecret: this.introspectionClient.secret,
    };
  }

  /** Options for `AuthModule.forRoot`, pointing at this authority. */
  get moduleOptions(): AuthModuleOptions {
    return { authority: this.issuer, audience: this.audience, requireHttpsMetadata: false };
  }

  /** The claims every minted token starts from. */
  claims(): Claims {
    const t = now();
    return {
      iss: this.issuer,
      aud: this.audience,
      sub: 'test-user',
      client_id: 'test-client',
      scope: 'messages:read messages:write',
      iat: t,
      exp: t + 300,
      jti: randomUUID(),
      ...this.defaults,
    };
  }

  /**
   * Mints a signed access token. Claims override the defaults; a claim set to `undefined` is left
   * out. The header is `{ alg, typ: 'at+jwt', kid }` of the signing key unless overridden.
   */
  mint(claims: Claims = {}, options: MintOptions = {}): string {
    const key = options.key ?? this.signingKey;
    const header = withoutUndefined({
      alg: key.alg,
      typ: 'at+jwt',
      kid: key.kid,
      ...options.header,
    });
    const payload = options.rawPayload ?? withoutUndefined({ ...this.claims(), ...claims });
    const token = signJws(header as { alg: string }, payload, key.privateKey);
    if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) {
      this.issued.set(token, payload);
    }
    return token;
  }

  /**
   * Mints an opaque (reference) token: random characters that only its introspection endpoint
   * can read. The endpoint answers `active: true` with these claims (the defaults, overridden; a
   * claim set to `undefined` is left out) until `revoke`.
   */
  mintOpaque(claims: Claims = {}): string {
    const token = randomBytes(24).toString('base64url');
    this.issued.set(token, withoutUndefined({ ...this.claims(), ...claims }));
    return token;
  }

  /** From now on its introspection endpoint answers `active: false` for this token. */
  revoke(token: string): void {
    this.issued.delete(token);
  }

  /** Ready-made tokens that must be refused, one per common mistake. */
  readonly bad = {
    expired: () => this.mint({ iat: now() - 7200, exp: now() - 3600 }),
    notYetValid: () => this.mint({ nbf: now() + 3600, exp: now() + 7200 }),
    foreignIssuer: (issuer = 'https://someone-else.example.com') => this.mint({ iss: issuer }),
    wrongAudience: (audience = 'api://another-api') => this.mint({ aud: audience }),
    unknownKid: () =>
      this.mint({}, { key: generateTestKey('RS256', { kid: 'kid-nobody-published' }) }),
    idToken: () =>
      this.mint(
        {
          aud: 'test-client',
          azp: 'test-client',
          nonce: 'n-0S6_WzA2Mj',
          scope: undefined,
          client_id: undefined,
        },
        { header: { typ: 'JWT' } },
      ),
  };

  /** Publishes a new key and signs with it from now on. Old keys stay unless `keepOld` is false. */
  rotate(options: { alg?: string; keepOld?: boolean } = {}): TestKey {
    const key = generateTestKey(options.alg ?? 'RS256');
    this.keys = options.keepOld === false ? [key] : [...this.keys, key];
    return key;
  }

  resetFetches(): void {
    this.fetches.jwks = 0;
    this.fetches.discovery = 0;
    this.introspections = 0;
  }

  close(): Promise<void> {
    return this.host.close();
  }

  /** @internal */
  handle(route: string, res: ServerResponse, req?: IncomingMessage): boolean {
    if (route === `/.well-known/${this.wellKnown}`) {
      this.fetches.discovery++;
      this.host.answer(res, this.discovery, this.slowMs, () => ({
        issuer: this.metadataIssuer ?? this.issuer,
        jwks_uri: this.jwksUri,
        token_endpoint: `${this.issuer}/token`,
        introspection_endpoint: this.introspectionEndpoint,
        id_token_signing_alg_values_supported: ['RS256'],
      }));
      return true;
    }
    if (route === '/introspect' && req?.method === 'POST') {
      this.introspections++;
      void this.introspect(req, res);
      return true;
    }
    if (route === '/keys') {
      this.fetches.jwks++;
      this.host.answer(res, this.jwks, this.slowMs, () => ({
        keys: [...this.keys.map((k) => k.jwk), ...this.extraJwks],
      }));
      return true;
    }
    return false;
  }

  /** RFC 7662 §2: a form with `token`, from the client it knows; `active` and the claims. */
  private async introspect(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { id, secret } = this.introspectionClient;
    const expected = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    if (this.introspection === 'refuse-client' || req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":"invalid_client"}');
      return;
    }
    const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('token') ?? '';
    const claims = this.issued.get(token);
    this.host.answer(res, this.introspection, this.slowMs, () =>
      claims === undefined ? { active: false } : { active: true, token_type: 'Bearer', ...claims },
    );
  }
}

/** @internal One HTTP server for one or more test issuers. */
class TestHost {
  private readonly issuers: TestAuthority[] = [];
  requests = 0;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {
    server.on('request', (req, res) => this.route(req, res));
  }

  static async listen(): Promise<TestHost> {
    // Idle connections stay open until close(): a server that drops one as the client reuses it
    // answers ECONNRESET, which a loaded machine turns into a flaky "authority down".
    const server = createServer({ keepAliveTimeout: 0 });
    return new TestHost(server, await listenOnLoopback(server));
  }

  add(path: string, audience?: string, claims?: Claims): TestAuthority {
    const issuer = TestAuthority.create(this, path.replace(/\/$/, ''), audience, claims);
    this.issuers.push(issuer);
    this.issuers.sort((a, b) => b.path.length - a.path.length);
    return issuer;
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    this.requests++;
    const url = req.url ?? '/';
    const rfc8414 = '/.well-known/oauth-authorization-server';
    if (url.startsWith(rfc8414)) {
      const issuer = this.issuers.find((i) => i.path === url.slice(rfc8414.length));
      if (issuer?.handle(rfc8414, res)) return;
    }
    for (const issuer of this.issuers) {
      const route = url.slice(issuer.path.length);
      if (url.startsWith(issuer.path) && issuer.handle(route, res, req)) return;
    }
    res.writeHead(404).end();
  }

  answer(res: ServerResponse, fault: Fault, slowMs: number, body: () => object): void {
    switch (fault) {
      case 'down':
        res.socket?.destroy();
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json' }).end('<html>oops</html>');
        return;
      case 'empty':
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}');
        return;
      case 'error':
        res.writeHead(500).end();
        return;
      case 'slow': {
        const timer = setTimeout(() => this.send(res, body()), slowMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      default:
        this.send(res, body());
    }
  }

  private send(res: ServerResponse, body: object): void {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}
