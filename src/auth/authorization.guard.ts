import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthRequest } from './auth-request.js';
import { AuthorizationService } from './authorization.service.js';
import { RouteAuthMetadata } from './route-auth-metadata.js';

/**
 * Enforces `@Roles` / `@AnyRole` and `@Policy` (class and handler add up) after `ScopesGuard`. A
 * shortfall is a plain 403 (`ForbiddenError`) naming the role or the policy, with no challenge.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(
    private readonly routes: RouteAuthMetadata,
    private readonly authorization: AuthorizationService,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const route = this.routes.of(context);
    if (route.isPublic || (!route.roles && !route.policies)) return true;
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const done = this.authorization.enforceRoute(request.user, route, request);
    return done instanceof Promise ? done.then(() => true) : true;
  }
}
