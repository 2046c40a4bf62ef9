import { describe, expect, it } from '@jest/globals';
import { Controller, Get, type Type } from '@nestjs/common';
import { AnyScope, Public, RouteRulesError, Scopes } from '../src/auth/index.js';
import { startTestApp } from '../src/auth/testing/index.js';

/*
 * `@Public()` and scopes on one route would open it silently (the guards let a public route
 * through before any scope is checked). The app refuses to start instead, naming the route.
 */

class Listing {
  @Get()
  list() {
    return [];
  }
}

@Public()
class PublicListing {
  @Get()
  list() {
    return [];
  }
}

@Scopes('reports:read')
@Controller('reports')
class ReportsFromAPublicBase extends PublicListing {}

@Public()
@Controller('status')
class StatusController {
  @Get('deep')
  @AnyScope('status:read', 'status:admin')
  deep() {
    return {};
  }
}

@Controller('both')
class BothOnOneHandler {
  @Get()
  @Public()
  @Scopes('both:read')
  get() {
    return {};
  }
}

@Scopes('a:read')
@Controller('a')
class ScopedListing extends Listing {}

@Public()
@Controller('open')
class OpenListing extends Listing {}

describe('a route that is @Public() and scoped stops the start', () => {
  it.each<[string, Type, string]>([
    ['a public base class under a scoped subclass', ReportsFromAPublicBase, 'list'],
    ['a public controller with a scoped handler', StatusController, 'deep'],
    ['@Public() and @Scopes() on one handler', BothOnOneHandler, 'get'],
  ])('%s', async (_name, controller, handler) => {
    const error = await startTestApp({ controllers: [controller] }).then(
      async (api) => {
        await api.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RouteRulesError);
    expect((error as Error).message).toContain(`${controller.name}.${handler} is @Public()`);
  });

  it('starts when a base class is shared by a scoped and a public controller', async () => {
    const api = await startTestApp({ controllers: [ScopedListing, OpenListing] });
    try {
      expect(await api.anonymous().get('/a')).toBeUnauthorized();
      expect((await api.as('a:read').get('/a')).status).toBe(200);
      expect((await api.anonymous().get('/open')).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
