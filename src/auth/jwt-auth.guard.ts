import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AUTH_OPTIONS, BEARER_TOKEN, DECODED_TOKEN } from './auth.constants.js';
import { bearerSource, type AuthRequest } from './auth-request.js';
import type { ResolvedAuthOptions } from './auth-options.interface.js';
import { extractBearerToken } from './core/bearer-token.js';
import type { Principal } from './core/principal.js';
import { toBearerError } from './core/verification-failure.js';
import { RouteAuthMetadata } from './route-auth-metadata.js';

/**
 * The global authentication guard (`APP_GUARD`): every route needs a valid access token unless it
 * is `@Public()`. It extracts the token by RFC 6750's rules, hands it to the `jwt` Passport
 * strategy, and turns any failure into a `BearerError` for `BearerChallengeFilter`, so Passport's
 * bare 401 never reaches a client.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly routes: RouteAuthMetadata,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.routes.of(context).isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthRequest>();
    request[BEARER_TOKEN] = extractBearerToken(bearerSource(request), this.options.maxTokenLength);
    return (await super.canActivate(context)) as boolean;
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
