import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import {
  AUTH_OPTIONS,
  BEARER_TOKEN,
  DECODED_TOKEN,
  TOKEN_POLICY,
  TOKEN_VERIFIER,
} from './auth.constants.js';
import { bearerSource, type AuthRequest, type TokenVerifier } from './auth-request.js';
import type { ResolvedAuthOptions } from './auth-options.interface.js';
import { checkLifetime, summarize, type TokenPolicy } from './core/access-token.js';
import type { InvalidTokenError } from './core/bearer-errors.js';
import { extractBearerToken } from './core/bearer-token.js';
import type { Principal } from './core/principal.js';
import { VerifiedTokenCache } from './core/verified-token-cache.js';
import { AuthorityClient } from './keys/authority-client.js';
import { toBearerError } from './core/verification-failure.js';
import { RouteAuthMetadata } from './route-auth-metadata.js';

/**
 * The global authentication guard (`APP_GUARD`): every route needs a valid access token unless it
 * is `@Public()`. It extracts the token by RFC 6750's rules, then:
 *
 * - **cache hit** (this exact token was verified before, its key is still published, it is not
 *   past `exp`): the time checks run again and the cached principal goes on the request; Passport
 *   is not involved;
 * - **miss**: the `jwt` Passport strategy verifies it (every check of `core/access-token.ts`), and
 *   the result is cached.
 *
 * Any failure becomes a `BearerError` for `BearerChallengeFilter`, so Passport's bare 401 never
 * reaches a client. Scopes are `ScopesGuard`'s job, on every request.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  private readonly verifier: TokenVerifier;

  constructor(
    private readonly routes: RouteAuthMetadata,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(TOKEN_POLICY) private readonly policy: TokenPolicy,
    private readonly cache: VerifiedTokenCache,
    authority: AuthorityClient,
  ) {
    super();
    this.verifier = { policy, resolveKey: authority.resolveKey };
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.routes.of(context).isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const token = extractBearerToken(bearerSource(request), this.options.maxTokenLength);
    if (!this.cache.enabled) return this.verify(context, request, token);

    const key = VerifiedTokenCache.keyOf(token);
    const now = Date.now() / 1000;
    const hit = this.cache.get(key, now);
    if (hit === undefined) return this.verify(context, request, token, key);
    try {
      checkLifetime(hit.principal.claims, this.policy, now);
    } catch (error) {
      throw (error as InvalidTokenError).withSummary(
        summarize({ kid: hit.kid }, hit.principal.claims),
      );
    }
    request.user = hit.principal;
    return true;
  }

  /** The Passport path; a success is cached under `key`. */
  private async verify(
    context: ExecutionContext,
    request: AuthRequest,
    token: string,
    key?: string,
  ): Promise<boolean> {
    const generation = this.cache.generation;
    request[BEARER_TOKEN] = token;
    request[TOKEN_VERIFIER] = this.verifier;
    await super.canActivate(context);
    const decoded = request[DECODED_TOKEN];
    if (key !== undefined && request.user && decoded) {
      this.cache.set(
        key,
        {
          principal: freeze(request.user),
          kid: decoded.header.kid as string,
          exp: decoded.claims.exp as number,
        },
        generation,
        Date.now() / 1000,
      );
    }
    return true;
  }

  override handleRequest<TUser = Principal>(
    error: unknown,
    user: TUser | false,
    info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (user) return user;
    const request = context.switchToHttp().getRequest<AuthRequest>();
    throw toBearerError(error ?? info, request[DECODED_TOKEN]?.summary);
  }
}

/** A principal shared by every request with the same token must not be changed by one of them. */
function freeze(principal: Principal): Principal {
  Object.freeze(principal.scopes);
  return Object.freeze(principal);
}
