import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { AuthObserver } from './auth-observer.js';
import type { AuthModuleOptions } from './auth-options.interface.js';
import { resolveAuthOptions, toTokenPolicy } from './auth-options.js';
import type { AuthRequest } from './auth-request.js';
import { BearerError } from './core/bearer-errors.js';
import { VerifiedTokenCache } from './core/verified-token-cache.js';
import { TokenIntrospector } from './introspection/token-introspector.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { JwtBearerStrategy } from './jwt-bearer.strategy.js';
import { Authorities } from './keys/authorities.js';
import { Public } from './public.decorator.js';
import { RouteAuthMetadata } from './route-auth-metadata.js';
import { generateTestKey, TestAuthority } from './testing/index.js';

/*
 * The guard on its own, with real parts: a test authority on loopback, the real key store, cache,
 * introspector and Passport strategy. What it hands on (the request's `user`) and what it reports
 * (the observer's calls) are what is asserted.
 */

class Routes {
  @Public()
  open(this: void): void {}

  guarded(this: void): void {}
}

let authority: TestAuthority;
beforeAll(async () => {
  authority = await TestAuthority.start();
  // Passport's registry is process-wide: constructing the strategy registers `jwt`.
  new JwtBearerStrategy();
});
afterAll(() => authority.close());

/**
 * A guard as `AuthModule` builds it, and the observer calls it made, in order. `keyClock` is the
 * key store's clock (milliseconds), for a test that ages the keys.
 */
function guardWith(options: Partial<AuthModuleOptions> = {}, keyClock?: () => number) {
  const resolved = resolveAuthOptions({
    authority: authority.issuer,
    audience: authority.audience,
    requireHttpsMetadata: false,
    ...options,
  });
  const cache = new VerifiedTokenCache(resolved.tokenCacheSize);
  const authorities = Authorities.fromOptions(resolved, () => (keyClock ? { now: keyClock } : {}));
  const calls: string[] = [];
  const observer: AuthObserver = {
    authenticated: (cached) => calls.push(cached ? 'authenticated cached' : 'authenticated'),
    tokenCacheLookedUp: (hit) => calls.push(hit ? 'cache hit' : 'cache miss'),
    authenticationTimed: (result, seconds) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      calls.push(`timed ${result}`);
    },
  };
  const guard = new JwtAuthGuard(
    new RouteAuthMetadata(new Reflector(), resolved),
    resolved,
    toTokenPolicy(resolved),
    cache,
    authorities,
    TokenIntrospector.fromOptions(resolved, authorities),
    observer,
  );
  return { guard, calls, cache };
}

function requestTo(route: 'open' | 'guarded', authorization?: string) {
  const request: AuthRequest = {
    rawHeaders: authorization === undefined ? [] : ['Authorization', authorization],
  };
  const context = new ExecutionContextHost(
    [request, {}, () => undefined],
    Routes,
    Routes.prototype[route],
  );
  context.setType('http');
  return { request, context };
}

/** The guard's answer, awaited whether it came at once or through a promise, or its refusal. */
async function outcome(guard: JwtAuthGuard, route: 'open' | 'guarded', authorization?: string) {
  const { request, context } = requestTo(route, authorization);
  try {
    const allowed = await guard.canActivate(context);
    return { allowed, request };
  } catch (error) {
    return { error: error as BearerError, request };
  }
}

describe('JwtAuthGuard', () => {
  it('lets a public route through without a token, and reports nothing', () => {
    const { guard, calls } = guardWith();
    const { request, context } = requestTo('open');
    expect(guard.canActivate(context)).toBe(true);
    expect(request.user).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('refuses a protected route without a token, before any lookup', async () => {
    const { guard, calls } = guardWith();
    const { error } = await outcome(guard, 'guarded');
    expect(error).toBeInstanceOf(BearerError);
    expect(error).toMatchObject({ reason: 'missing_credentials', status: 401 });
    expect(calls).toEqual(['timed failure']);
  });

  it('verifies a new token through Passport, then answers the same token from the cache', async () => {
    const { guard, calls, cache } = guardWith();
    const token = authority.mint({ sub: 'alice', scope: 'messages:read' });

    const first = await outcome(guard, 'guarded', `Bearer ${token}`);
    expect(first.allowed).toBe(true);
    expect(first.request.user).toMatchObject({ sub: 'alice', scopes: ['messages:read'] });
    expect(calls).toEqual(['cache miss', 'authenticated', 'timed success']);
    expect(cache.size).toBe(1);
    // Passport's helpers (logIn, isAuthenticated...) went onto its own object, not the request.
    expect(Object.keys(first.request)).toEqual(['rawHeaders', 'user']);

    calls.length = 0;
    const { request, context } = requestTo('guarded', `Bearer ${token}`);
    // A hit answers in the call itself: no promise, no Passport.
    expect(guard.canActivate(context)).toBe(true);
    expect(request.user).toBe(first.request.user);
    expect(calls).toEqual(['cache hit', 'authenticated cached', 'timed success']);
  });

  it('reports the time a request took, no more than the call itself took', async () => {
    const seconds: number[] = [];
    const { guard } = guardWith();
    Object.assign(guard, {
      observer: { authenticationTimed: (_: string, s: number) => seconds.push(s) },
    });
    const token = authority.mint({ sub: 'alice' });
    const started = performance.now();
    await outcome(guard, 'guarded', `Bearer ${token}`);
    await outcome(guard, 'guarded', `Bearer ${token}`);
    const took = (performance.now() - started) / 1000;
    expect(seconds).toHaveLength(2);
    for (const s of seconds) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(took);
    }
  });

  it('verifies a new token once when two requests bring it at the same time', async () => {
    const { guard, calls } = guardWith();
    // The keys held first, so each verification runs without waiting for a fetch.
    await outcome(guard, 'guarded', `Bearer ${authority.mint({ sub: 'warm-up' })}`);
    calls.length = 0;
    const token = authority.mint({ sub: 'alice' });
    const both = await Promise.all([
      outcome(guard, 'guarded', `Bearer ${token}`),
      outcome(guard, 'guarded', `Bearer ${token}`),
    ]);
    expect(both.map((o) => o.allowed)).toEqual([true, true]);
    expect(both[1].request.user).toBe(both[0].request.user);
    // With the key held the first finishes within its call, so the second finds it cached.
    expect(calls.filter((c) => c.startsWith('authenticated'))).toEqual([
      'authenticated',
      'authenticated cached',
    ]);
  });

  it('never answers another token from the cache, even one differing only in its signature', async () => {
    const { guard, calls } = guardWith();
    const token = authority.mint({ sub: 'alice' });
    await outcome(guard, 'guarded', `Bearer ${token}`);
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${'A'.repeat(342)}`;

    calls.length = 0;
    const { error, request } = await outcome(guard, 'guarded', `Bearer ${forged}`);
    expect(error).toMatchObject({ reason: 'bad_signature', status: 401 });
    expect(request.user).toBeUndefined();
    expect(calls).toEqual(['cache miss', 'timed failure']);
  });

  it('refuses a forged token with what it said about itself, and never caches it', async () => {
    const { guard, calls, cache } = guardWith();
    const stranger = generateTestKey('RS256', { kid: authority.signingKey.kid });
    const forged = authority.mint({ sub: 'mallory' }, { key: stranger });

    for (let attempt = 0; attempt < 2; attempt++) {
      const { error } = await outcome(guard, 'guarded', `Bearer ${forged}`);
      expect(error).toMatchObject({
        reason: 'bad_signature',
        summary: { iss: authority.issuer, kid: authority.signingKey.kid, sub: 'mallory' },
      });
    }
    expect(cache.size).toBe(0);
    expect(calls).toEqual(['cache miss', 'timed failure', 'cache miss', 'timed failure']);
  });

  it('verifies every time when the cache is off, and reports no lookups', async () => {
    const { guard, calls } = guardWith({ tokenCacheSize: 0 });
    const token = authority.mint({ sub: 'bob' });
    for (let attempt = 0; attempt < 2; attempt++) {
      const { allowed, request } = await outcome(guard, 'guarded', `Bearer ${token}`);
      expect(allowed).toBe(true);
      expect(request.user?.sub).toBe('bob');
    }
    expect(calls).toEqual(['authenticated', 'timed success', 'authenticated', 'timed success']);
  });

  it('refuses an expired token that was verified before, with its summary', async () => {
    const { guard, cache } = guardWith({ clockSkew: 0 });
    const now = Math.floor(Date.now() / 1000);
    const exp = now + 1;
    const token = authority.mint({ sub: 'carol', iat: now - 60, exp });
    expect((await outcome(guard, 'guarded', `Bearer ${token}`)).allowed).toBe(true);
    expect(cache.size).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 20));
    const { error } = await outcome(guard, 'guarded', `Bearer ${token}`);
    expect(error).toMatchObject({ reason: 'expired', summary: { sub: 'carol' } });
  });

  it('checks the time again on a hit: a clock stepped back before nbf refuses the cached token', async () => {
    const { guard, calls, cache } = guardWith({ clockSkew: 60 });
    const now = Math.floor(Date.now() / 1000);
    // Not valid for another 30 s: accepted within the 60 s skew, and cached.
    const token = authority.mint({ sub: 'heidi', nbf: now + 30 });
    expect((await outcome(guard, 'guarded', `Bearer ${token}`)).allowed).toBe(true);
    expect(cache.size).toBe(1);

    calls.length = 0;
    const stepped = jest.spyOn(Date, 'now').mockReturnValue((now - 600) * 1000);
    try {
      const { error, request } = await outcome(guard, 'guarded', `Bearer ${token}`);
      expect(error).toMatchObject({
        reason: 'not_yet_valid',
        summary: { sub: 'heidi', kid: authority.signingKey.kid, iss: authority.issuer },
      });
      expect(request.user).toBeUndefined();
    } finally {
      stepped.mockRestore();
    }
    expect(calls).toEqual(['cache hit', 'timed failure']);
  });

  it('hands an opaque token to introspection, and reuses the answer', async () => {
    const { guard, calls } = guardWith(authority.introspectionOptions('opaque'));
    const opaque = authority.mintOpaque({ sub: 'dave', scope: 'messages:read' });
    const before = authority.introspections;

    const first = await outcome(guard, 'guarded', `Bearer ${opaque}`);
    expect(first.allowed).toBe(true);
    expect(first.request.user).toMatchObject({ sub: 'dave', scopes: ['messages:read'] });
    const second = await outcome(guard, 'guarded', `Bearer ${opaque}`);
    expect(second.request.user).toBe(first.request.user);
    expect(authority.introspections - before).toBe(1);
    expect(calls).toEqual([
      'cache miss',
      'authenticated',
      'timed success',
      'cache hit',
      'authenticated cached',
      'timed success',
    ]);
  });

  it('refreshes old keys in the background on a hit of a signed token, not of an introspected one', async () => {
    let clock = Date.now();
    const { guard } = guardWith(authority.introspectionOptions('opaque'), () => clock);
    const signed = authority.mint({ sub: 'frank' });
    const opaque = authority.mintOpaque({ sub: 'grace' });
    for (const token of [signed, opaque]) {
      expect((await outcome(guard, 'guarded', `Bearer ${token}`)).allowed).toBe(true);
    }
    const fetched = authority.fetches.jwks;

    clock += 11 * 60_000; // past the key store's 10 minutes
    const { request, context } = requestTo('guarded', `Bearer ${opaque}`);
    expect(guard.canActivate(context)).toBe(true);
    expect(request.user?.sub).toBe('grace');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(authority.fetches.jwks).toBe(fetched);

    const hit = requestTo('guarded', `Bearer ${signed}`);
    // Answered from the cache at once; the fetch runs behind it.
    expect(guard.canActivate(hit.context)).toBe(true);
    expect(hit.request.user?.sub).toBe('frank');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(authority.fetches.jwks).toBe(fetched + 1);
  });

  it('answers 503, not 401, when the authority cannot be reached for a key', async () => {
    const { guard } = guardWith();
    const token = authority.mint({ sub: 'erin' });
    authority.jwks = 'down';
    try {
      const { error } = await outcome(guard, 'guarded', `Bearer ${token}`);
      expect(error).toMatchObject({ reason: 'authority_unavailable', status: 503 });
    } finally {
      authority.jwks = 'ok';
    }
  });
});
