import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { InsufficientScopeError } from './core/bearer-errors.js';
import { toPrincipal } from './core/principal.js';
import { Public } from './public.decorator.js';
import { RouteAuthMetadata } from './route-auth-metadata.js';
import { RouteRulesError } from './route-rules.error.js';
import { AnyScope, Scopes } from './scopes.decorator.js';
import { ScopesGuard } from './scopes.guard.js';

@Scopes('reports:read')
class ReportsController {
  list() {}

  @Scopes('reports:write')
  create() {}

  @Scopes('reports:write')
  @Scopes('reports:admin')
  purge() {}

  @AnyScope('reports:export', 'reports:admin')
  export() {}
}

class OpenController {
  anyToken() {}

  @Public()
  @Scopes('never:checked')
  open() {}
}

@Public()
class PublicController {
  health() {}

  @Scopes('never:checked')
  status() {}
}

/** A real `ExecutionContext` for a handler of a class, with a caller holding these scopes. */
function contextFor(controller: Type, handler: string, scopes?: string[]): ExecutionContext {
  const user =
    scopes && toPrincipal({ sub: 'u', scope: scopes.join(' '), iss: 'https://i', exp: 1 });
  const method = (controller.prototype as Record<string, () => void>)[handler];
  return new ExecutionContextHost([{ user }, {}], controller, method);
}

const guard = new ScopesGuard(new RouteAuthMetadata(new Reflector()));
const decide = (controller: Type, handler: string, scopes?: string[]) => {
  try {
    return guard.canActivate(contextFor(controller, handler, scopes));
  } catch (error) {
    return error;
  }
};

describe('ScopesGuard with a real Reflector', () => {
  it.each([
    ['class scope only', 'list', ['reports:read'], true],
    ['class scope missing', 'list', ['reports:write'], false],
    ['handler adds to class: both held', 'create', ['reports:read', 'reports:write'], true],
    [
      'handler adds to class: handler scope alone is not enough',
      'create',
      ['reports:write'],
      false,
    ],
    ['handler adds to class: class scope alone is not enough', 'create', ['reports:read'], false],
    ['repeated @Scopes add up', 'purge', ['reports:read', 'reports:write'], false],
    [
      'repeated @Scopes add up: all held',
      'purge',
      ['reports:read', 'reports:write', 'reports:admin'],
      true,
    ],
    ['@AnyScope: one of the group', 'export', ['reports:read', 'reports:admin'], true],
    ['@AnyScope: none of the group', 'export', ['reports:read'], false],
    [
      '@AnyScope: near misses of the group are none of it',
      'export',
      ['reports:read', 'reports:exporter', 'reports:admin2', 'Reports:export', 'reports:expor'],
      false,
    ],
    ['exact match only', 'list', ['reports:readwrite', 'Reports:read'], false],
  ])('%s', (_name, handler, scopes, allowed) => {
    const verdict = decide(ReportsController, handler, scopes);
    if (allowed) expect(verdict).toBe(true);
    else expect(verdict).toBeInstanceOf(InsufficientScopeError);
  });

  it('names every scope the route needs in the 403 challenge, class and handler together', () => {
    const error = decide(ReportsController, 'create', ['reports:read']) as InsufficientScopeError;
    expect(error.status).toBe(403);
    expect(error.challenge(true)).toContain('scope="reports:read reports:write"');
    expect(error.message).toContain('reports:write');
    expect(error.message).not.toContain('reports:read ');
  });

  it('lists an @AnyScope group in the challenge', () => {
    const error = decide(ReportsController, 'export', ['reports:read']) as InsufficientScopeError;
    expect(error.challenge(true)).toContain('scope="reports:read reports:export reports:admin"');
    expect(error.message).toBe('The token needs one of the scopes reports:export reports:admin');
  });

  it('tells the log who was refused: the issuer and subject of the token', () => {
    const error = decide(ReportsController, 'list', ['reports:write']) as InsufficientScopeError;
    expect(error.summary).toMatchObject({ iss: 'https://i', sub: 'u' });
  });

  it('lets any valid token through a route with no @Scopes', () => {
    expect(decide(OpenController, 'anyToken', [])).toBe(true);
  });

  it.each([
    ['@Public and @Scopes on one handler', OpenController, 'open'],
    ['@Public on the class, @Scopes on a handler', PublicController, 'status'],
  ])(
    'never lets through a route that is %s: it is an error, not an opening',
    (_n, controller, handler) => {
      expect(decide(controller, handler, undefined)).toBeInstanceOf(RouteRulesError);
      expect(decide(controller, handler, ['never:checked'])).toBeInstanceOf(RouteRulesError);
    },
  );

  it('lets anyone through a public route', () => {
    expect(decide(PublicController, 'health', undefined)).toBe(true);
  });

  it('reads the metadata once per handler', () => {
    const reflector = new Reflector();
    let reads = 0;
    const original = reflector.get.bind(reflector);
    reflector.get = ((...args: Parameters<Reflector['get']>) => {
      reads++;
      return original(...args);
    }) as Reflector['get'];
    const counted = new ScopesGuard(new RouteAuthMetadata(reflector));
    const call = () => counted.canActivate(contextFor(ReportsController, 'list', ['reports:read']));
    call();
    const afterFirst = reads;
    for (let i = 0; i < 5; i++) call();
    expect(afterFirst).toBeGreaterThan(0);
    expect(reads).toBe(afterFirst);
  });
});
