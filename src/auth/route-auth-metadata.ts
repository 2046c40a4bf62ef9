import { Injectable, type ExecutionContext, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, SCOPES_KEY } from './auth.constants.js';
import { mergeRequirements, type ScopeRequirement } from './core/scopes.js';
import { RouteRulesError } from './route-rules.error.js';

export interface RouteAuth {
  isPublic: boolean;
  /** Class and handler requirements merged (they add up), or undefined for "any valid token". */
  scopes?: ScopeRequirement;
}

/**
 * `@Public` and `@Scopes` of a route, read through the `Reflector` once per handler and kept:
 * metadata doesn't change after bootstrap, so the request path does two map lookups. Routes are
 * keyed by controller class, then handler: a method inherited by two controllers is two routes,
 * each with its own class-level rules. A route that is both public and scoped is refused
 * (`RouteRulesError`); `RouteRulesCheck` asks about every route at start, so none is served.
 */
@Injectable()
export class RouteAuthMetadata {
  private readonly cache = new WeakMap<object, WeakMap<object, RouteAuth>>();

  constructor(private readonly reflector: Reflector) {}

  of(context: ExecutionContext): RouteAuth {
    return this.forRoute(context.getClass(), context.getHandler());
  }

  /** The same answer for a controller class and one of its handlers, outside a request (OpenAPI). */
  forRoute(controller: Type, handler: ReturnType<ExecutionContext['getHandler']>): RouteAuth {
    let routes = this.cache.get(controller);
    if (!routes) this.cache.set(controller, (routes = new WeakMap()));
    let route = routes.get(handler);
    if (!route) {
      route = this.read(controller, handler);
      routes.set(handler, route);
    }
    return route;
  }

  private read(controller: Type, handler: ReturnType<ExecutionContext['getHandler']>): RouteAuth {
    const isPublic =
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [handler, controller]) ?? false;
    const scopes = mergeRequirements(
      this.reflector.get<ScopeRequirement | undefined>(SCOPES_KEY, controller),
      this.reflector.get<ScopeRequirement | undefined>(SCOPES_KEY, handler),
    );
    if (isPublic && scopes) throw new RouteRulesError(controller.name, handler.name);
    return { isPublic, scopes };
  }
}
