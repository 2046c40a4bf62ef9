import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthRequest } from './auth-request.js';

/**
 * Injects the verified caller (`Principal`) into a handler.
 *
 * @example
 * ```ts
 * @Get('me') me(@CurrentPrincipal() principal: Principal) { return principal.sub; }
 * ```
 */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<AuthRequest>().user,
);
