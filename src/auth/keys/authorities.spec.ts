import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthMessages } from '../core/auth-messages.js';
import { AuthorityUnavailableError, InvalidTokenError } from '../core/bearer-errors.js';
import { resolveAuthOptions } from '../auth-options.js';
import { TestAuthority } from '../testing/index.js';
import { Authorities } from './authorities.js';

let first: TestAuthority;
let second: TestAuthority;

beforeAll(async () => {
  first = await TestAuthority.start({ path: '/first' });
  second = first.sibling('/second');
});
afterAll(() => first.close());

/** The clients of both test authorities, as the module builds them, each with its own budget. */
function authorities(burst = 10) {
  const options = resolveAuthOptions({
    authority: [first.issuer, second.issuer],
    audience: 'api://test',
    requireHttpsMetadata: false,
  });
  const named: string[] = [];
  const built = Authorities.fromOptions(options, (authority) => {
    named.push(authority);
    return { burst, refillPerMinute: 0 };
  });
  return { built, named };
}

const keyOf = (a: Authorities, kid: string, authority: string) =>
  Promise.resolve(a.resolveKey(kid, 'RS256', authority));

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('Authorities', () => {
  it('builds one client per listed authority, in order, each told its own name', () => {
    const { built, named } = authorities();
    expect(built.all.map((c) => c.issuer)).toEqual([first.issuer, second.issuer]);
    expect(built.first).toBe(built.all[0]);
    expect(built.get(second.issuer)).toBe(built.all[1]);
    expect(built.get(`${second.issuer}/`)).toBeUndefined();
    expect(named).toEqual([first.issuer, second.issuer]);
  });

  it("finds a kid among the named authority's keys only", async () => {
    const { built } = authorities();
    const { kid } = second.signingKey;
    await expect(keyOf(built, kid, second.issuer)).resolves.toMatchObject({ kid });
    const error = await rejection(keyOf(built, kid, first.issuer));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error).toMatchObject({ message: AuthMessages.unknownKid(kid, first.issuer) });
  });

  it('refuses an authority that is not listed, without asking anyone', () => {
    const { built } = authorities();
    first.resetFetches();
    second.resetFetches();
    const before = first.hostRequests;
    expect(() => built.resolveKey('k', 'RS256', 'https://evil.example.com')).toThrow(
      InvalidTokenError,
    );
    expect(first.hostRequests).toBe(before);
  });

  it("keeps each authority's refresh budget its own", async () => {
    const { built } = authorities(1);
    await built.check();
    first.resetFetches();
    second.resetFetches();
    // One refetch for an unknown kid each: spending the first's budget leaves the second's.
    await rejection(keyOf(built, 'unknown-1', first.issuer));
    await rejection(keyOf(built, 'unknown-2', first.issuer));
    await rejection(keyOf(built, 'unknown-3', second.issuer));
    expect([first.fetches.jwks, second.fetches.jwks]).toEqual([1, 1]);
  });

  it("keeps each authority's outage its own", async () => {
    const { built } = authorities();
    second.jwks = 'down';
    try {
      const error = await rejection(keyOf(built, second.signingKey.kid, second.issuer));
      expect(error).toBeInstanceOf(AuthorityUnavailableError);
      // The second authority is down and backing off; the first answers, and spends its own budget.
      await expect(keyOf(built, first.signingKey.kid, first.issuer)).resolves.toMatchObject({
        kid: first.signingKey.kid,
      });
      const statuses = await built.check();
      expect(statuses.map((s) => [s.issuer, s.keys.ok])).toEqual([
        [first.issuer, true],
        [second.issuer, false],
      ]);
    } finally {
      second.jwks = 'ok';
    }
  });
});
