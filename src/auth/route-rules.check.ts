import { Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { RouteAuthMetadata } from './route-auth-metadata.js';

/**
 * Reads the rules of every route of the app while it starts, so a route that is both `@Public()`
 * and scoped stops the start (`RouteRulesError`, naming controller and handler) instead of being
 * served open.
 */
@Injectable()
export class RouteRulesCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly routes: RouteAuthMetadata,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, object>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        this.routes.forRoute(controller, handler as () => unknown);
      }
    }
  }
}
