import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import { closeServer, listenOnLoopback } from '../testing/index.js';
import { discover, metadataUrls } from './discovery.js';
import { AuthorityFetchError } from './fetch-json.js';

describe('metadataUrls', () => {
  it('puts OpenID discovery under the path, and RFC 8414 before it', () => {
    expect(metadataUrls('https://idp.example.com/oauth2/default')).toEqual([
      'https://idp.example.com/oauth2/default/.well-known/openid-configuration',
      'https://idp.example.com/.well-known/oauth-authorization-server/oauth2/default',
    ]);
  });

  it('drops one trailing slash, and adds no path for a bare host', () => {
    expect(metadataUrls('https://tenant.eu.auth0.com/')).toEqual([
      'https://tenant.eu.auth0.com/.well-known/openid-configuration',
      'https://tenant.eu.auth0.com/.well-known/oauth-authorization-server',
    ]);
  });

  it("reads an Entra ID {tenantid} template's metadata from the common tenant", () => {
    expect(metadataUrls('https://login.microsoftonline.com/{tenantid}/v2.0')[0]).toBe(
      'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    );
  });
});

describe('discover', () => {
  /** The documents the loopback authority serves, by path; any other path is a 404. */
  const docs = new Map<string, unknown>();
  const server = createServer((req, res) => {
    const doc = docs.get(req.url ?? '');
    res.writeHead(doc === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(doc === undefined ? '{}' : JSON.stringify(doc));
  });
  let origin: string;
  let authority: string;
  const openid = () => `${authority}/.well-known/openid-configuration`;
  const rfc8414 = () => `${origin}/.well-known/oauth-authorization-server/tenant`;
  const serve = (url: string, doc: unknown) => docs.set(url.slice(origin.length), doc);
  const failure = (options: Partial<Parameters<typeof discover>[1]> = {}) =>
    discover(authority, { requireHttps: false, ...options }).then(
      () => {
        throw new Error('expected discovery to fail');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(AuthorityFetchError);
        return (error as AuthorityFetchError).message;
      },
    );

  beforeAll(async () => {
    origin = await listenOnLoopback(server);
    authority = `${origin}/tenant`;
  });
  beforeEach(() => docs.clear());
  afterAll(() => closeServer(server));

  it('reads the issuer, the JWKS, and the token and introspection endpoints', async () => {
    serve(openid(), {
      issuer: authority,
      jwks_uri: `${authority}/keys`,
      token_endpoint: `${authority}/token`,
      introspection_endpoint: `${authority}/introspect`,
    });
    await expect(discover(authority, { requireHttps: false })).resolves.toEqual({
      issuer: authority,
      jwksUri: `${authority}/keys`,
      tokenEndpoint: `${authority}/token`,
      introspectionEndpoint: `${authority}/introspect`,
      source: openid(),
    });
  });

  it('leaves out endpoints that are missing or not strings', async () => {
    serve(openid(), { issuer: authority, jwks_uri: `${authority}/keys`, token_endpoint: 7 });
    const metadata = await discover(authority, { requireHttps: false });
    expect(metadata.tokenEndpoint).toBeUndefined();
    expect(metadata.introspectionEndpoint).toBeUndefined();
  });

  it('falls back to RFC 8414 only when the OpenID document is not there', async () => {
    serve(rfc8414(), { issuer: authority, jwks_uri: `${authority}/keys` });
    await expect(discover(authority, { requireHttps: false })).resolves.toMatchObject({
      source: rfc8414(),
    });
  });

  it('reports the first failure when neither document is there', async () => {
    expect(await failure()).toBe(`metadata from ${openid()}: HTTP 404`);
  });

  it('reads exactly metadataAddress when it is set, and nothing else', async () => {
    const address = `${origin}/elsewhere/metadata`;
    serve(address, { issuer: authority, jwks_uri: `${authority}/keys` });
    serve(openid(), { issuer: 'https://wrong.example.com', jwks_uri: `${authority}/keys` });
    await expect(
      discover(authority, { requireHttps: false, metadataAddress: address }),
    ).resolves.toMatchObject({ source: address });
    docs.delete('/elsewhere/metadata');
    expect(await failure({ metadataAddress: address })).toBe(`metadata from ${address}: HTTP 404`);
  });

  // `$authority` stands for the loopback authority, which is known only once it listens.
  it.each([
    [
      'another issuer (a trailing slash)',
      { issuer: '$authority/', jwks_uri: 'http://x/keys' },
      'its issuer $authority/ is not the configured authority $authority',
    ],
    ['no jwks_uri', { issuer: '$authority' }, 'it has no jwks_uri'],
    [
      'a jwks_uri that is not a string',
      { issuer: '$authority', jwks_uri: 5 },
      'it has no jwks_uri',
    ],
    [
      'a jwks_uri that is not a URL',
      { issuer: '$authority', jwks_uri: 'keys' },
      'its jwks_uri is not a URL',
    ],
  ])('refuses a document with %s, without falling back', async (_name, doc, detail) => {
    serve(openid(), { ...doc, issuer: doc.issuer.replace('$authority', authority) });
    serve(rfc8414(), { issuer: authority, jwks_uri: `${authority}/keys` });
    expect(await failure()).toBe(
      `metadata from ${openid()}: ${detail.replaceAll('$authority', authority)}`,
    );
  });

  it('requires an https jwks_uri only when told to', async () => {
    serve(openid(), { issuer: authority, jwks_uri: `${authority}/keys` });
    expect(await failure({ requireHttps: true })).toBe(
      `metadata from ${openid()}: its jwks_uri is not https (requireHttpsMetadata is true)`,
    );
    serve(openid(), { issuer: authority, jwks_uri: 'https://keys.example.com/jwks' });
    await expect(discover(authority, { requireHttps: true })).resolves.toMatchObject({
      jwksUri: 'https://keys.example.com/jwks',
    });
  });
});
