import {
  Inject,
  Injectable,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { AUTH_OPTIONS, TOKEN_POLICY } from './auth.constants.js';
import { AUTH_OBSERVER, type AuthObserver } from './auth-observer.js';
import { bearerSource, type AuthRequest } from './auth-request.js';
import type { ResolvedAuthOptions } from './auth-options.interface.js';
import { verifyAccessToken, type VerifiedToken } from './core/access-token.js';
import { BearerError } from './core/bearer-errors.js';
import { extractBearerToken } from './core/bearer-token.js';
import { summarize } from './core/decoded-token.js';
import type { Principal } from './core/principal.js';
import { checkLifetime } from './core/token-checks.js';
import type { TokenPolicy } from './core/token-policy.js';
import { VerifiedTokenCache, type VerifiedEntry } from './core/verified-token-cache.js';
import { authenticateBearer, BearerAuthenticateOptions } from './jwt-bearer.strategy.js';
import { TokenIntrospector } from './introspection/token-introspector.js';
import { Authorities } from './keys/authorities.js';
import { RouteAuthMetadata } from './route-auth-metadata.js';

/**
 * The global authentication guard (`APP_GUARD`): every route needs a valid access token unless it
 * is `@Public()`. A request's path, in the order of this file:
 *
 * 1. **extract** the token by RFC 6750's rules;
 * 2. **cache lookup**: a token verified before, within its lifetime and its key's, is done here;
 * 3. otherwise Passport runs the `jwt` strategy (`JwtBearerStrategy`) with this guard's `verify`,
 *    which makes one call into the core (`verifyAccessToken`): the token's `iss` picks one of the
 *    listed `Authorities`, whose keys alone **verify** it, and the **principal** is built once;
 *    or, for a token that introspection handles (`AUTH_INTROSPECTION`: opaque tokens, or all),
 *    one call to the `TokenIntrospector` (RFC 7662), whose answer is held to the same rules;
 * 4. **cache store**; the principal becomes the request's `user`.
 *
 * A refusal is a `BearerError`, answered by `BearerChallengeFilter`. Scopes are `ScopesGuard`'s job.
 * With the key held, all of it happens within `canActivate`'s call: no promise. Cache hits stay
 * out of Passport, whose per-request machinery costs more than a hit does.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly routes: RouteAuthMetadata,
    @Inject(AUTH_OPTIONS) private readonly authOptions: ResolvedAuthOptions,
    @Inject(TOKEN_POLICY) private readonly policy: TokenPolicy,
    private readonly cache: VerifiedTokenCache,
    private readonly authorities: Authorities,
    private readonly introspector: TokenIntrospector,
    @Optional() @Inject(AUTH_OBSERVER) private readonly observer?: AuthObserver,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.routes.of(context).isPublic) return true;
    const started = performance.now();
    const http = context.switchToHttp();
    const request = http.getRequest<AuthRequest>();
    const now = Date.now() / 1000;
    let principal: Principal | Promise<Principal>;
    try {
      // 1. extract
      const token = extractBearerToken(bearerSource(request), this.authOptions.maxTokenLength);
      // 2. cache lookup
      const key = this.cache.enabled ? VerifiedTokenCache.keyOf(token) : undefined;
      const cached = this.lookUp(key, now);
      if (cached !== undefined) return this.allow(request, cached, true, started);
      // 3. Passport's `jwt` strategy calls `verify` (which does 4., the cache store)
      principal = authenticateBearer(this.passportOptions(token, key, now), http.getResponse());
    } catch (refusal) {
      this.timed('failure', started);
      throw refusal;
    }
    if (!(principal instanceof Promise)) return this.allow(request, principal, false, started);
    return principal.then(
      (p) => this.allow(request, p, false, started),
      (refusal: unknown) => {
        this.timed('failure', started);
        throw refusal;
      },
    );
  }

  /**
   * A cache hit: the time checks run again, and old keys are refreshed in the background. Every
   * lookup is reported (hit or miss).
   */
  private lookUp(key: string | undefined, now: number): Principal | undefined {
    if (key === undefined) return undefined;
    const entry = this.cache.get(key, now);
    this.observer?.tokenCacheLookedUp?.(entry !== undefined);
    if (entry === undefined) return undefined;
    if (entry.kid !== undefined) this.authorities.refreshKeysIfStale(entry.authority);
    try {
      checkLifetime(entry.principal.claims, this.policy, now);
    } catch (error) {
      if (error instanceof BearerError) {
        error.withSummary(summarize({ kid: entry.kid }, entry.principal.claims));
      }
      throw error;
    }
    return entry.principal;
  }

  /**
   * Passport's options for this miss. Made here rather than in `canActivate`, so that the closure
   * holds the cache key and the time, never the request.
   */
  private passportOptions(
    token: string,
    key: string | undefined,
    now: number,
  ): BearerAuthenticateOptions {
    return new BearerAuthenticateOptions(token, (t) => this.verify(t, key, now));
  }

  /**
   * From token to principal, for the strategy: the one call into the core, then the cache store.
   * Synchronous when the key is held, as on almost every miss; a promise when a key or an
   * introspection must be awaited. `key` and `now` are the ones `canActivate` looked up with.
   */
  private verify(
    token: string,
    key: string | undefined,
    now: number,
  ): Principal | Promise<Principal> {
    const generation = this.cache.generation;
    if (this.introspector.applies(token)) {
      return this.introspect(token, now).then((entry) => this.store(key, entry, generation, now));
    }
    const verified = verifyAccessToken(token, this.policy, this.authorities.resolveKey, now);
    return verified instanceof Promise
      ? verified.then((v) => this.store(key, entryOf(v), generation, now))
      : this.store(key, entryOf(verified), generation, now);
  }

  /** A new verification, kept for the next request with this token. */
  private store(
    key: string | undefined,
    entry: VerifiedEntry,
    generation: number,
    now: number,
  ): Principal {
    if (key !== undefined) this.cache.set(key, entry, generation, now);
    return entry.principal;
  }

  /** RFC 7662: reused until the earlier of the token's `exp` and the introspection cache time. */
  private async introspect(token: string, now: number): Promise<VerifiedEntry> {
    const { principal, authority, reuseUntil } = await this.introspector.verify(
      token,
      this.policy,
      now,
    );
    return { principal, authority, exp: reuseUntil };
  }

  /** The principal becomes the request's `user`; the observer hears whether the cache had it. */
  private allow(
    request: AuthRequest,
    principal: Principal,
    cached: boolean,
    started: number,
  ): true {
    request.user = principal;
    this.observer?.authenticated?.(cached);
    this.timed('success', started);
    return true;
  }

  /** How long this request's authentication took, for the observer (a histogram). */
  private timed(result: 'success' | 'failure', started: number): void {
    this.observer?.authenticationTimed?.(result, (performance.now() - started) / 1000);
  }
}

/** A signature verification, as the cache keeps it: until the token's `exp`. */
const entryOf = ({ principal, kid, authority }: VerifiedToken): VerifiedEntry => ({
  principal,
  kid,
  authority,
  exp: principal.exp,
});
