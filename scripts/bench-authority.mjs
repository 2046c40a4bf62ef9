// The bench's authorization server: discovery and a JWKS on 127.0.0.1, made with node:http and
// node:crypto only (the test kit's TestAuthority is TypeScript and not part of the build). It
// counts fetches and can answer the JWKS late, to catch a cold start in the act.
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer } from 'node:http';

const b64url = (value) => Buffer.from(value).toString('base64url');

function makeKey(alg, kid) {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return { alg, kid, privateKey: pair.privateKey, jwk };
}

function signJws(header, payload, key) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const data = Buffer.from(input);
  const signature =
    header.alg === 'ES256'
      ? sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', data, key);
  return `${input}.${signature.toString('base64url')}`;
}

export class BenchAuthority {
  audience = 'api://bench';
  fetches = { discovery: 0, jwks: 0 };
  /** Delay of each JWKS answer, in milliseconds. */
  jwksDelayMs = 0;

  constructor(server, origin) {
    this.server = server;
    this.issuer = origin;
    this.keys = { RS256: makeKey('RS256', 'bench-rs256'), ES256: makeKey('ES256', 'bench-es256') };
    // Never published: signs the bad-signature token under the RS256 key's kid.
    this.forger = makeKey('RS256', 'bench-rs256');
    server.on('request', (req, res) => this.handle(req, res));
  }

  static async start() {
    const server = createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new BenchAuthority(server, `http://127.0.0.1:${server.address().port}`);
  }

  handle(req, res) {
    const send = (body) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/openid-configuration') {
      this.fetches.discovery++;
      send({ issuer: this.issuer, jwks_uri: `${this.issuer}/jwks` });
    } else if (req.url === '/jwks') {
      this.fetches.jwks++;
      const keys = { keys: [this.keys.RS256.jwk, this.keys.ES256.jwk] };
      if (this.jwksDelayMs > 0) setTimeout(() => send(keys), this.jwksDelayMs);
      else send(keys);
    } else {
      res.writeHead(404).end();
    }
  }

  /** A valid access token (scope messages:read unless told), good for an hour. */
  mint(alg = 'RS256', key = this.keys[alg], scope = 'messages:read') {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: this.issuer,
      aud: this.audience,
      sub: 'bench-user',
      client_id: 'bench-client',
      scope,
      iat: now,
      exp: now + 3600,
      jti: randomUUID(),
    };
    return signJws({ alg, typ: 'at+jwt', kid: key.kid }, claims, key.privateKey);
  }

  /**
   * Right issuer, audience and kid; signed by a key the JWKS doesn't hold. Its signature, read as
   * a number, is below the published key's modulus, so refusing it takes a whole RSA operation.
   * OpenSSL turns a larger one down before any arithmetic (8 µs instead of 24 here), and which of
   * the two a forger key gives is a coin flip: the forged row would move with each run's keys.
   */
  badSignature() {
    const modulus = Buffer.from(this.keys.RS256.jwk.n, 'base64url');
    for (;;) {
      const token = this.mint('RS256', this.forger);
      const signature = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
      if (Buffer.compare(signature, modulus) < 0) return token;
    }
  }

  env() {
    return {
      AUTH_AUTHORITY: this.issuer,
      AUTH_AUDIENCE: this.audience,
      AUTH_REQUIRE_HTTPS_METADATA: 'false',
    };
  }

  resetFetches() {
    this.fetches = { discovery: 0, jwks: 0 };
  }

  close() {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(resolve));
  }
}
