import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Public } from './public.decorator.js';
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

  it('leaves the public base class itself public', () => {
    const routes = new RouteAuthMetadata(new Reflector());
    expect(routes.of(routeOf(PublicBase, 'list'))).toEqual({ isPublic: true, scopes: undefined });
  });
});
