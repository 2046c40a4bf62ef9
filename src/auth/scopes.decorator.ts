import { applyDecorators } from '@nestjs/common';
import { ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
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
 * The requirement, plus (on a handler) its documented 401 and 403 answers. On a controller the
 * answers are documented per route by `setupOpenApi`, so a `@Public()` handler inside stays clean.
 */
function requireScopes(requirement: ScopeRequirement): ClassDecorator & MethodDecorator {
  const documented = applyDecorators(
    ApiUnauthorizedResponse({ description: 'No valid access token (RFC 6750 challenge)' }),
    ApiForbiddenResponse({
      description: 'insufficient_scope: the token lacks a scope the security requirement lists',
    }),
  );
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    addRequirement(requirement)(target, key as string | symbol, descriptor as PropertyDescriptor);
    if (descriptor) documented(target, key as string | symbol, descriptor);
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
 * OpenAPI: nothing else to write. The decorator documents the 401 and 403 answers, and
 * `setupOpenApi` writes each operation's security requirement (the lock and its scopes) from the
 * very metadata `ScopesGuard` enforces (`RouteAuthMetadata`), so the document cannot drift from
 * the guard. (`@ApiSecurity` could not say it: OpenAPI reads a class's and a handler's entries as
 * alternatives, while here they add up.)
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
 * (each `@AnyScope` is one group that must be met). Documented like `@Scopes`: in OpenAPI, one
 * security requirement per acceptable combination.
 *
 * @example
 * ```ts
 * @AnyScope('messages:read', 'messages:admin')
 * ```
 */
export const AnyScope = (...scopes: string[]) => requireScopes({ all: [], anyOf: [scopes] });
