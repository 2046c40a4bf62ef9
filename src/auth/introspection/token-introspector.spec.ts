import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthorityUnavailableError, InvalidTokenError } from '../core/bearer-errors.js';
import { TestAuthority } from '../testing/index.js';
import { testPolicy } from '../testing/test-policy.js';
import { TokenIntrospector, type TokenIntrospectorOptions } from './token-introspector.js';

/* The introspection client against the kit's endpoint, on a clock the spec moves. */
describe('TokenIntrospector', () => {
  let authority: TestAuthority;
  beforeAll(async () => {
    authority = await TestAuthority.start();
  });
  afterAll(() => authority.close());

  function introspector(options: Partial<TokenIntrospectorOptions> = {}) {
    const clock = { ms: 1_000_000 };
    const outcomes: string[] = [];
    const failures: string[] = [];
    const client = new TokenIntrospector({
      mode: 'opaque',
      discoverEndpoint: () => Promise.resolve(authority.introspectionEndpoint),
      clientId: authority.introspectionClient.id,
      clientSecret: authority.introspectionClient.secret,
      cacheSeconds: 60,
      callsPerSecond: 2,
      requireHttps: false,
      now: () => clock.ms,
      onCall: (outcome) => outcomes.push(outcome),
      onFailure: (why) => failures.push(why),
      ...options,
    });
    return { client, clock, outcomes, failures };
  }
  const policy = () => testPolicy({ issuers: [authority.issuer], audiences: [authority.audience] });
  const nowSeconds = () => Date.now() / 1000;

  it('reports each call once: active, inactive, failure', async () => {
    const { client, clock, outcomes } = introspector({ callsPerSecond: 100 });
    await client.verify(authority.mintOpaque(), policy(), nowSeconds());
    await expect(client.verify('unknown', policy(), nowSeconds())).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
    authority.introspection = 'error';
    await expect(client.verify('another', policy(), nowSeconds())).rejects.toBeInstanceOf(
      AuthorityUnavailableError,
    );
    authority.introspection = 'ok';
    clock.ms += 1000;
    expect(outcomes).toEqual(['active', 'inactive', 'failure']);
  });

  it('reuses an answer until the earlier of exp and the cache time', async () => {
    const { client } = introspector({ cacheSeconds: 30 });
    const now = nowSeconds();
    const long = await client.verify(authority.mintOpaque(), policy(), now);
    expect(long.reuseUntil).toBe(now + 30);
    const short = await client.verify(
      authority.mintOpaque({ exp: Math.floor(now) + 5 }),
      policy(),
      now,
    );
    expect(short.reuseUntil).toBe(Math.floor(now) + 5);
  });

  it('spends its budget, then answers 503 without a call until the bucket refills', async () => {
    const { client, clock } = introspector({ callsPerSecond: 2 });
    authority.resetFetches();
    const ask = (token: string) => client.verify(token, policy(), nowSeconds()).catch((e) => e);
    const answers = [await ask('a'), await ask('b'), await ask('c')];
    expect(answers.map((e) => (e as Error).constructor.name)).toEqual([
      'InvalidTokenError',
      'InvalidTokenError',
      'AuthorityUnavailableError',
    ]);
    expect((answers[2] as AuthorityUnavailableError).retryAfterSeconds).toBe(1);
    expect(authority.introspections).toBe(2);
    clock.ms += 500; // one more call's worth
    await ask('d');
    expect(authority.introspections).toBe(3);
  });

  it('pauses after a failure, then asks again', async () => {
    const { client, clock, failures } = introspector({ callsPerSecond: 100 });
    authority.introspection = 'refuse-client';
    authority.resetFetches();
    const token = authority.mintOpaque();
    await expect(client.verify(token, policy(), nowSeconds())).rejects.toBeInstanceOf(
      AuthorityUnavailableError,
    );
    await expect(client.verify(token, policy(), nowSeconds())).rejects.toBeInstanceOf(
      AuthorityUnavailableError,
    );
    expect(authority.introspections).toBe(1);
    expect(failures[0]).toContain('refused our client credentials (HTTP 401)');
    authority.introspection = 'ok';
    clock.ms += 1000;
    await expect(client.verify(token, policy(), nowSeconds())).resolves.toBeDefined();
    expect(authority.introspections).toBe(2);
  });

  it('refuses an http endpoint the metadata names while HTTPS is required', async () => {
    const { client, failures } = introspector({ requireHttps: true });
    await expect(client.verify('x', policy(), nowSeconds())).rejects.toBeInstanceOf(
      AuthorityUnavailableError,
    );
    expect(failures[0]).toContain('is not https');
  });

  it('says when the metadata names no endpoint', async () => {
    const { client, failures } = introspector({
      discoverEndpoint: () => Promise.resolve(undefined),
    });
    expect(await client.check()).toMatchObject({ ok: false });
    expect(failures[0]).toContain('publishes no introspection_endpoint');
  });

  it('sends client_secret_basic with each part form-encoded (RFC 6749 §2.3.1)', async () => {
    const odd = new TokenIntrospector({
      mode: 'all',
      discoverEndpoint: () => Promise.resolve(authority.introspectionEndpoint),
      clientId: 'test api',
      clientSecret: 'a:b',
      cacheSeconds: 60,
      callsPerSecond: 10,
      requireHttps: false,
      onFailure: () => undefined,
    });
    // The kit accepts only its own client: a refusal, so the header was read and compared.
    expect(await odd.check()).toMatchObject({ ok: false, error: expect.stringContaining('401') });
  });
});
