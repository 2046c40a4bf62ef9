import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AUTH_OPTIONS, TOKEN_POLICY } from './auth.constants.js';
import { bearerSource, type AuthRequest } from './auth-request.js';
import type { ResolvedAuthOptions } from './auth-options.interface.js';
import { verifyAccessToken } from './core/access-token.js';
import { BearerError } from './core/bearer-errors.js';
import { extractBearerToken } from './core/bearer-token.js';
import { summarize } from './core/decoded-token.js';
import type { Principal } from './core/principal.js';
import { checkLifetime } from './core/token-checks.js';
import type { KeyResolver, TokenPolicy } from './core/token-policy.js';
import { VerifiedTokenCache, type VerifiedEntry } from './core/verified-token-cache.js';
import type { BearerAuthenticateOptions } from './jwt-bearer.strategy.js';
import { AuthorityClient } from './keys/authority-client.js';
import { RouteAuthMetadata } from './route-auth-metadata.js';

/**
 * The global authentication guard (`APP_GUARD`): every route needs a valid access token unless it
 * is `@Public()`. A request's path, in the order of this file:
 *
 * 1. **extract** the token by RFC 6750's rules (`getAuthenticateOptions`);
 * 2. Passport runs the `jwt` strategy (`JwtBearerStrategy`), which calls `verify` with the token;
 * 3. **cache lookup**: a token verified before, still within its lifetime and key, is done;
 * 4. **verify**: one call into the core (`verifyAccessToken`), which returns the **principal**;
 * 5. **cache store**, and the principal becomes the request's `user`.
 *
 * A refusal is a `BearerError`, answered by `BearerChallengeFilter`. Scopes are `ScopesGuard`'s job.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  private readonly resolveKey: KeyResolver;

  constructor(
    private readonly routes: RouteAuthMetadata,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(TOKEN_POLICY) private readonly policy: TokenPolicy,
    private readonly cache: VerifiedTokenCache,
    private readonly authority: AuthorityClient,
  ) {
    super();
    this.resolveKey = authority.resolveKey;
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.routes.of(context).isPublic) return true;
    return super.canActivate(context) as Promise<boolean>;
  }

  /**
   * What Passport hands the strategy: the token, and this guard's `verify`. They travel with the
   * call because Passport's registry is process-wide: in a process with two apps, the `jwt`
   * strategy may be the other app's, and each app must apply its own rules.
   */
  override getAuthenticateOptions(context: ExecutionContext): BearerAuthenticateOptions {
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const token = extractBearerToken(bearerSource(request), this.options.maxTokenLength);
    return { session: false, token, verify: this.verify };
  }

  /** From token to principal: cache lookup, verification, cache store. */
  readonly verify = async (token: string): Promise<Principal> => {
    const now = Date.now() / 1000;
    const key = this.cache.enabled ? VerifiedTokenCache.keyOf(token) : undefined;
    const cached = key === undefined ? undefined : this.cache.get(key, now);
    if (cached !== undefined) return this.reuse(cached, now);

    const generation = this.cache.generation;
    const { principal, kid } = await verifyAccessToken(token, this.policy, this.resolveKey, now);
    if (key !== undefined)
      this.cache.set(key, { principal, kid, exp: principal.exp }, generation, now);
    return principal;
  };

  /** A cache hit: the time checks run again, and old keys are refreshed in the background. */
  private reuse({ principal, kid }: VerifiedEntry, now: number): Principal {
    this.authority.refreshKeysIfStale();
    try {
      checkLifetime(principal.claims, this.policy, now);
    } catch (error) {
      if (error instanceof BearerError) error.withSummary(summarize({ kid }, principal.claims));
      throw error;
    }
    return principal;
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
