import { Inject, Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, HttpAdapterHost, MetadataScanner } from '@nestjs/core';
import { AUTH_OPTIONS } from './auth.constants.js';
import type { ResolvedAuthOptions } from './auth-options.interface.js';
import {
  protectedResourceMetadata,
  protectedResourceMetadataPath,
  type ProtectedResourceMetadata,
} from './core/protected-resource.js';
import { policyScopes } from './core/authorization-policy.js';
import { requiredScopeList } from './core/scopes.js';
import { RouteAuthMetadata } from './route-auth-metadata.js';

/**
 * Serves this API's RFC 9728 metadata when `resource` is set, at the path RFC 9728 §3.1 derives
 * from it, on Express and Fastify alike. Like `/docs-json`, it is registered on the HTTP adapter,
 * not as a Nest route: no guard sees it, so it is public. The document is built once, on the
 * first request, from the options and every route's `@Scopes` / `@AnyScope`; nothing in it comes
 * from the request (a `Host` header changes nothing).
 */
@Injectable()
export class ProtectedResourceRoute implements OnModuleInit {
  private document?: ProtectedResourceMetadata;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly routes: RouteAuthMetadata,
  ) {}

  onModuleInit(): void {
    const { resource } = this.options;
    const adapter = this.adapterHost.httpAdapter;
    if (!resource || !adapter) return;
    adapter.get(protectedResourceMetadataPath(resource), (_request: unknown, response: unknown) => {
      adapter.reply(response, this.metadata(resource), 200);
    });
  }

  /** The document: built on first use, when every controller is known. */
  metadata(resource: string): ProtectedResourceMetadata {
    this.document ??= protectedResourceMetadata({
      resource,
      authorities: this.options.authorities,
      tenants: this.options.tenants,
      scopes: this.requiredScopes(),
      documentation: this.options.resourceDocumentation,
    });
    return this.document;
  }

  /**
   * Every scope a route of the app requires: its `@Scopes` / `@AnyScope` (all-of and any-of
   * alike) and the scopes its `@Policy` policies name.
   */
  private requiredScopes(): string[] {
    const scopes: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, () => unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const route = this.routes.forRoute(controller, handler);
        if (route.scopes) scopes.push(...requiredScopeList(route.scopes));
        for (const name of route.policies ?? []) {
          const named = this.options.policies.get(name);
          if (named) scopes.push(...policyScopes(named));
        }
      }
    }
    return scopes;
  }
}
