import { SCOPES_KEY } from './auth.constants.js';
import type { ScopeRequirement } from './core/scopes.js';
import { addRequirement } from './requirement.decorator.js';

const requireScopes = (requirement: ScopeRequirement) => addRequirement(SCOPES_KEY, requirement);

/**
 * Requires **all** of these scopes (from the token's `scope` or `scp`, matched exactly). On a
 * controller, a handler, or both: requirements **add up**, so a handler's `@Scopes` never loosens
 * its controller's. A route can't be both `@Public()` and scoped: that stops the app at start.
 *
 * @example
 * ```ts
 * @Scopes('messages:read')
 * @Controller('messages')
 * export class MessagesController {
 *   @Scopes('messages:write') // needs messages:read AND messages:write
 *   @Post() create() {}
 * }
 * ```
 */
export const Scopes = (...scopes: string[]) => requireScopes({ all: scopes, anyOf: [] });

/**
 * Requires **at least one** of these scopes. Combines with `@Scopes` and with other `@AnyScope`s
 * (each `@AnyScope` is one group that must be met).
 *
 * @example
 * ```ts
 * @AnyScope('messages:read', 'messages:admin')
 * ```
 */
export const AnyScope = (...scopes: string[]) => requireScopes({ all: [], anyOf: [scopes] });
