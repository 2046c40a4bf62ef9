import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { policy } from './core/authorization-policy.js';
import { Policy } from './policy.decorator.js';
import { Public } from './public.decorator.js';
import { AnyRole, Roles } from './roles.decorator.js';
import { RouteAuthMetadata } from './route-auth-metadata.js';
import { RouteRulesError } from './route-rules.error.js';
import { AnyScope, Scopes } from './scopes.decorator.js';

/** The two things the guards ask an execution context about its route. */
const routeOf = (controller: new () => object, method: string) =>
  ({
    getClass: () => controller,
    getHandler: () => (controller.prototype as Record<string, unknown>)[method],
  }) as ExecutionContext;

class Base {
  list(): void {}
}
@Scopes('a:read')
class ControllerA extends Base {}
@Public()
class ControllerB extends Base {}
@Scopes('c:read')
class ControllerC {
  @Scopes('c:write')
  write(): void {}
}

class OpenHandler {
  @Public()
  @Scopes('x:read')
  both(): void {}
}
@Public()
class OpenClass {
  @AnyScope('x:read', 'x:write')
  scoped(): void {}
}
@Public()
@Scopes('x:read')
class OpenAndScopedClass {
  list(): void {}
}
@Public()
class PublicBase {
  list(): void {}
}
@Scopes('x:read')
class ScopedChild extends PublicBase {}
class BaseWithPublicHandler {
  @Public()
  status(): void {}
}
@Scopes('x:read')
class ScopedChildOfPublicHandler extends BaseWithPublicHandler {}

@Roles('auditor')
@Policy('tenant')
class AuditController {
  @Roles('admin')
  @AnyRole('eu', 'us')
  @Policy('mfa')
  @Policy('tenant')
  purge(): void {}
}
class OpenWithRoles {
  @Public()
  @AnyRole('admin')
  open(): void {}
}
@Public()
class OpenWithPolicy {
  @Policy('tenant')
  open(): void {}
}
class UnknownPolicy {
  @Policy('tennant')
  typo(): void {}
}

const registered = {
  policies: new Map([
    ['tenant', policy().requireClaim('tid')],
    ['mfa', policy().requireClaim('amr', 'mfa')],
  ]),
};

describe('RouteAuthMetadata', () => {
  it('adds class and handler scopes up', () => {
    expect(new RouteAuthMetadata(new Reflector()).of(routeOf(ControllerC, 'write'))).toEqual({
      isPublic: false,
      scopes: { all: ['c:read', 'c:write'], anyOf: [] },
    });
  });

  it('keeps the answer for a route: the Reflector is asked once per handler', () => {
    const reflector = new Reflector();
    const routes = new RouteAuthMetadata(reflector);
    const first = routes.of(routeOf(ControllerC, 'write'));
    reflector.get = () => {
      throw new Error('asked again');
    };
    expect(routes.of(routeOf(ControllerC, 'write'))).toBe(first);
  });

  it('tells apart two controllers that share an inherited handler', () => {
    const routes = new RouteAuthMetadata(new Reflector());
    expect(routes.of(routeOf(ControllerB, 'list'))).toEqual({ isPublic: true, scopes: undefined });
    expect(routes.of(routeOf(ControllerA, 'list'))).toEqual({
      isPublic: false,
      scopes: { all: ['a:read'], anyOf: [] },
    });
  });

  it.each([
    ['on one handler', OpenHandler, 'both'],
    ['a public controller, a scoped handler', OpenClass, 'scoped'],
    ['on one controller', OpenAndScopedClass, 'list'],
    ['a public base class, a scoped subclass', ScopedChild, 'list'],
    ['a public handler inherited by a scoped controller', ScopedChildOfPublicHandler, 'status'],
  ])(
    'refuses @Public() with scopes %s, naming controller and handler',
    (_name, controller, method) => {
      const read = () => new RouteAuthMetadata(new Reflector()).of(routeOf(controller, method));
      expect(read).toThrow(RouteRulesError);
      expect(read).toThrow(`${controller.name}.${method} is @Public() and also requires scopes`);
    },
  );

  it('adds class and handler roles up, and lists policies once, the class first', () => {
    const route = new RouteAuthMetadata(new Reflector(), registered).of(
      routeOf(AuditController, 'purge'),
    );
    expect(route).toEqual({
      isPublic: false,
      roles: { all: ['auditor', 'admin'], anyOf: [['eu', 'us']] },
      policies: ['tenant', 'mfa'],
    });
  });

  it.each([
    ['@Public() and @AnyRole on one handler', OpenWithRoles, 'requires roles'],
    ['a public controller and a @Policy handler', OpenWithPolicy, 'requires a policy'],
  ])('refuses %s, naming the route', (_name, controller, what) => {
    const read = () =>
      new RouteAuthMetadata(new Reflector(), registered).of(routeOf(controller, 'open'));
    expect(read).toThrow(RouteRulesError);
    expect(read).toThrow(`${controller.name}.open is @Public() and also ${what}`);
  });

  it('refuses a policy name that is not registered, naming the route and the known ones', () => {
    const read = () =>
      new RouteAuthMetadata(new Reflector(), registered).of(routeOf(UnknownPolicy, 'typo'));
    expect(read).toThrow(RouteRulesError);
    expect(read).toThrow(
      'UnknownPolicy.typo requires the policy tennant, which is not registered: add it to ' +
        'AuthModule.forRoot({ policies }) (registered: tenant, mfa)',
    );
    const none = () => new RouteAuthMetadata(new Reflector()).of(routeOf(UnknownPolicy, 'typo'));
    expect(none).toThrow('(registered: none)');
  });

  it('leaves the public base class itself public', () => {
    const routes = new RouteAuthMetadata(new Reflector());
    expect(routes.of(routeOf(PublicBase, 'list'))).toEqual({ isPublic: true, scopes: undefined });
  });
});
