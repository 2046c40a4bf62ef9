import { Injectable, type ExecutionContext, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, SCOPES_KEY } from './auth.constants.js';
import { mergeRequirements, type ScopeRequirement } from './core/scopes.js';

export interface RouteAuth {
  isPublic: boolean;
  /** Class and handler requirements merged (they add up), or undefined for "any valid token". */
  scopes?: ScopeRequirement;
}

/**
 * `@Public` and `@Scopes` of a route, read through the `Reflector` once per handler and kept:
 * metadata doesn't change after bootstrap, so the request path does a single map lookup.
 */
@Injectable()
export class RouteAuthMetadata {
  private readonly cache = new WeakMap<object, RouteAuth>();

  constructor(private readonly reflector: Reflector) {}

  of(context: ExecutionContext): RouteAuth {
    return this.forRoute(context.getClass(), context.getHandler());
  }

  /** The same answer for a controller class and one of its handlers, outside a request (OpenAPI). */
  forRoute(controller: Type, handler: ReturnType<ExecutionContext['getHandler']>): RouteAuth {
    let route = this.cache.get(handler);
    if (!route) {
      const targets = [handler, controller];
      route = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) ?? false,
        scopes: mergeRequirements(
          this.reflector.get<ScopeRequirement | undefined>(SCOPES_KEY, controller),
          this.reflector.get<ScopeRequirement | undefined>(SCOPES_KEY, handler),
        ),
      };
      this.cache.set(handler, route);
    }
    return route;
  }
}
