import { SCOPES_KEY } from './auth.constants.js';
import { mergeRequirements, type ScopeRequirement } from './core/scopes.js';

function addRequirement(requirement: ScopeRequirement): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = (descriptor?.value as object | undefined) ?? target;
    const current = Reflect.getMetadata(SCOPES_KEY, holder) as ScopeRequirement | undefined;
    Reflect.defineMetadata(SCOPES_KEY, mergeRequirements(current, requirement), holder);
  };
}

/**
 * Requires **all** of these scopes. Put it on a controller, a handler, or both.
 *
 * Precedence: requirements **add up**. A handler's `@Scopes` is checked together with its
 * controller's, never instead of it, so a class-level rule can't be loosened by accident. Repeating
 * the decorator adds scopes too.
 *
 * Scopes come from the token's `scope` or `scp` claim and match exactly (case-sensitive).
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
export const Scopes = (...scopes: string[]) => addRequirement({ all: scopes, anyOf: [] });

/**
 * Requires **at least one** of these scopes. Combines with `@Scopes` and with other `@AnyScope`s
 * (each `@AnyScope` is one group that must be met).
 *
 * @example
 * ```ts
 * @AnyScope('messages:read', 'messages:admin')
 * ```
 */
export const AnyScope = (...scopes: string[]) => addRequirement({ all: [], anyOf: [scopes] });
