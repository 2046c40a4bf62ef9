import { Inject, Injectable, Optional, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
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
import type { BearerAuthenticateOptions } from './jwt-bearer.strategy.js';
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
 * Cache hits stay out of Passport, whose per-request machinery costs more than a hit does.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly routes: RouteAuthMetadata,
    @Inject(AUTH_OPTIONS) private readonly authOptions: ResolvedAuthOptions,
    @Inject(TOKEN_POLICY) private readonly policy: TokenPolicy,
    private readonly cache: VerifiedTokenCache,
    private readonly authorities: Authorities,
    private readonly introspector: TokenIntrospector,
    @Optional() @Inject(AUTH_OBSERVER) private readonly observer?: AuthObserver,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.routes.of(context).isPublic) return true;
    const started = performance.now();
    const request = context.switchToHttp().getRequest<AuthRequest>();
    let cached: Principal | undefined;
    try {
      cached = this.lookUp(this.extract(request), Date.now() / 1000, undefined, true);
    } catch (error) {
      this.timed('failure', started);
      throw error;
    }
    if (cached === undefined) {
      const verified = super.canActivate(context) as Promise<boolean>;
      if (!this.observer?.authenticationTimed) return verified;
      return verified.then(
        (allowed) => {
          this.timed('success', started);
          return allowed;
        },
        (error: unknown) => {
          this.timed('failure', started);
          throw error;
        },
      );
    }
    request.user = cached;
    this.observer?.authenticated?.(true);
    this.timed('success', started);
    return true;
  }

  /** How long this request's authentication took, for the observer (a histogram). */
  private timed(result: 'success' | 'failure', started: number): void {
    this.observer?.authenticationTimed?.(result, (performance.now() - started) / 1000);
  }

  private extract(request: AuthRequest): string {
    return extractBearerToken(bearerSource(request), this.authOptions.maxTokenLength);
  }

  /**
   * A cache hit: the time checks run again, and old keys are refreshed in the background. The
   * request's first lookup is `reported` (hit or miss), the recheck before verifying is not.
   */
  private lookUp(
    token: string,
    now: number,
    key = this.cacheKey(token),
    reported = false,
  ): Principal | undefined {
    const entry = key === undefined ? undefined : this.cache.get(key, now);
    if (reported && key !== undefined) this.observer?.tokenCacheLookedUp?.(entry !== undefined);
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

  private cacheKey(token: string): string | undefined {
    return this.cache.enabled ? VerifiedTokenCache.keyOf(token) : undefined;
  }

  /**
   * What Passport hands the strategy, on a cache miss: the token and this guard's `verify`. They
   * travel with the call because Passport's registry is process-wide: with two apps in one
   * process, the `jwt` strategy may be the other app's, and each app must apply its own rules.
   * Passport asks by context only, so the token is extracted again (a scan of the headers).
   */
  override getAuthenticateOptions(context: ExecutionContext): BearerAuthenticateOptions {
    const token = this.extract(context.switchToHttp().getRequest<AuthRequest>());
    return { session: false, token, verify: this.verify };
  }

  /**
   * The request as Passport sees it: a small view of the real one. Passport writes seven helpers
   * (`logIn`, `logOut`, `isAuthenticated`, ...) onto whatever request it is given; on Express's
   * request, which already carries dozens of fields, that cost about 100 µs of CPU per miss in
   * `npm run bench`, four RSA verifies. The strategy never reads the request; the principal
   * still lands on `request.user`.
   */
  override getRequest(context: ExecutionContext): PassportRequest {
    return new PassportRequest(context.switchToHttp().getRequest<AuthRequest>());
  }

  /**
   * From token to principal, for the strategy: the cache again (a concurrent request may have
   * stored it meanwhile), the one call into the core, the cache store. Synchronous when the key
   * is held, as on almost every miss; a promise when a key or an introspection must be awaited.
   */
  readonly verify = (token: string): Principal | Promise<Principal> => {
    const now = Date.now() / 1000;
    const key = this.cacheKey(token);
    const cached = this.lookUp(token, now, key);
    if (cached !== undefined) {
      this.observer?.authenticated?.(true);
      return cached;
    }

    const generation = this.cache.generation;
    if (this.introspector.applies(token)) {
      return this.introspect(token, now).then((entry) => this.store(key, entry, generation, now));
    }
    const verified = verifyAccessToken(token, this.policy, this.authorities.resolveKey, now);
    return verified instanceof Promise
      ? verified.then((v) => this.store(key, entryOf(v), generation, now))
      : this.store(key, entryOf(verified), generation, now);
  };

  /** A new verification: kept for the next request with this token, and counted as a miss. */
  private store(
    key: string | undefined,
    entry: VerifiedEntry,
    generation: number,
    now: number,
  ): Principal {
    if (key !== undefined) this.cache.set(key, entry, generation, now);
    this.observer?.authenticated?.(false);
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

  override handleRequest<TUser = Principal>(
    error: unknown,
    user: TUser | false,
    refusal: unknown,
  ): TUser {
    if (user) return user;
    throw error ?? refusal;
  }
}

/** A signature verification, as the cache keeps it: until the token's `exp`. */
const entryOf = ({ principal, kid, authority }: VerifiedToken): VerifiedEntry => ({
  principal,
  kid,
  authority,
  exp: principal.exp,
});

/** What Passport gets as the request: its `user` is the real request's. */
class PassportRequest {
  constructor(private readonly request: AuthRequest) {}

  get user(): Principal | undefined {
    return this.request.user;
  }

  set user(principal: Principal | undefined) {
    this.request.user = principal;
  }
}
