import {
  Inject,
  Injectable,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { AUTH_OBSERVER, type AuthObserver } from './auth-observer.js';
import type { AuthRequest } from './auth-request.js';
import { AuthMessages } from './core/auth-messages.js';
import { InsufficientScopeError } from './core/bearer-errors.js';
import { checkScopes, requiredScopeList } from './core/scopes.js';
import { RouteAuthMetadata } from './route-auth-metadata.js';

/**
 * Enforces `@Scopes` / `@AnyScope` (class and handler requirements add up) after `JwtAuthGuard`
 * has put the principal on the request. A shortfall is a 403 `insufficient_scope` naming the
 * scopes the route needs.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(
    private readonly routes: RouteAuthMetadata,
    @Optional() @Inject(AUTH_OBSERVER) private readonly observer?: AuthObserver,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const { isPublic, scopes } = this.routes.of(context);
    if (isPublic || !scopes) return true;
    const principal = context.switchToHttp().getRequest<AuthRequest>().user;
    const verdict = checkScopes(new Set(principal?.scopes), scopes);
    this.observer?.authorized?.(verdict.ok ? 'allowed' : 'forbidden', 'scope');
    if (verdict.ok) return true;
    const text =
      verdict.missing.length > 0
        ? AuthMessages.insufficientScope(verdict.missing)
        : AuthMessages.insufficientAnyScope(verdict.unmetAnyOf ?? []);
    throw new InsufficientScopeError(requiredScopeList(scopes), text).withSummary({
      iss: principal?.issuer,
      sub: principal?.sub,
      clientId: principal?.clientId,
    });
  }
}
