import { Inject, Injectable, Optional, type ExecutionContext, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  AUTH_OPTIONS,
  IS_PUBLIC_KEY,
  POLICIES_KEY,
  ROLES_KEY,
  SCOPES_KEY,
} from './auth.constants.js';
import type { ResolvedAuthOptions } from './auth-options.interface.js';
import { mergeRequirements, type NameRequirement } from './core/name-requirement.js';
import type { ScopeRequirement } from './core/scopes.js';
import { RouteRulesError } from './route-rules.error.js';

export interface RouteAuth {
  isPublic: boolean;
  /** Class and handler requirements merged (they add up), or undefined for "any valid token". */
  scopes?: ScopeRequirement;
  /** `@Roles` / `@AnyRole`, class and handler merged; undefined when the route names none. */
  roles?: NameRequirement;
  /** `@Policy` names, the class's then the handler's, each registered; undefined when none. */
  policies?: readonly string[];
}

type Handler = ReturnType<ExecutionContext['getHandler']>;

/**
 * `@Public`, `@Scopes`, `@Roles` and `@Policy` of a route, read through the `Reflector` once per
 * handler and kept: metadata doesn't change after bootstrap, so the request path does two map
 * lookups. Routes are keyed by controller class, then handler: a method inherited by two
 * controllers is two routes, each with its own class-level rules. A route that is both public and
 * restricted, or names a policy that is not registered, is refused (`RouteRulesError`);
 * `RouteRulesCheck` asks about every route at start, so none is served.
 */
@Injectable()
export class RouteAuthMetadata {
  private readonly cache = new WeakMap<object, WeakMap<object, RouteAuth>>();
  private readonly policyNames: ReadonlySet<string>;

  constructor(
    private readonly reflector: Reflector,
    @Optional() @Inject(AUTH_OPTIONS) options?: Pick<ResolvedAuthOptions, 'policies'>,
  ) {
    this.policyNames = new Set(options?.policies.keys());
  }

  of(context: ExecutionContext): RouteAuth {
    return this.forRoute(context.getClass(), context.getHandler());
  }

  /** The same answer for a controller class and one of its handlers, outside a request (OpenAPI). */
  forRoute(controller: Type, handler: Handler): RouteAuth {
    let routes = this.cache.get(controller);
    if (!routes) this.cache.set(controller, (routes = new WeakMap()));
    let route = routes.get(handler);
    if (!route) {
      route = this.read(controller, handler);
      routes.set(handler, route);
    }
    return route;
  }

  private read(controller: Type, handler: Handler): RouteAuth {
    const isPublic =
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [handler, controller]) ?? false;
    const scopes = this.requirement(SCOPES_KEY, controller, handler);
    const roles = this.requirement(ROLES_KEY, controller, handler);
    const policies = this.policies(controller, handler);
    if (isPublic && (scopes || roles || policies)) {
      const rules = [scopes && 'scopes', roles && 'roles', policies && 'a policy'];
      const named = rules.filter((r): r is string => typeof r === 'string');
      throw RouteRulesError.publicAndRestricted(controller.name, handler.name, named);
    }
    return { isPublic, scopes, roles, policies };
  }

  private requirement(key: string, controller: Type, handler: Handler) {
    return mergeRequirements(
      this.reflector.get<NameRequirement | undefined>(key, controller),
      this.reflector.get<NameRequirement | undefined>(key, handler),
    );
  }

  private policies(controller: Type, handler: Handler): readonly string[] | undefined {
    const names = [
      ...(this.reflector.get<string[] | undefined>(POLICIES_KEY, controller) ?? []),
      ...(this.reflector.get<string[] | undefined>(POLICIES_KEY, handler) ?? []),
    ];
    if (names.length === 0) return undefined;
    for (const name of names) {
      if (!this.policyNames.has(name)) {
        throw RouteRulesError.unknownPolicy(controller.name, handler.name, name, [
          ...this.policyNames,
        ]);
      }
    }
    return Object.freeze([...new Set(names)]);
  }
}
