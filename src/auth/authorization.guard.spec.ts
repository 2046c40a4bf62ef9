import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { AuthObserver } from './auth-observer.js';
import { AuthorizationGuard } from './authorization.guard.js';
import { AuthorizationService } from './authorization.service.js';
import { policy, type PolicyDefinition } from './core/authorization-policy.js';
import { ForbiddenError, MissingCredentialsError } from './core/bearer-errors.js';
import { toPrincipal } from './core/principal.js';
import { Policy } from './policy.decorator.js';
import { Public } from './public.decorator.js';
import { AnyRole, Roles } from './roles.decorator.js';
import { RouteAuthMetadata } from './route-auth-metadata.js';

@Roles('staff')
class ReportsController {
  list() {}

  @Roles('reports.admin')
  purge() {}

  @AnyRole('auditor', 'reports.admin')
  export() {}

  @Policy('tenant')
  tenant() {}

  @Policy('later')
  later() {}

  @Policy('soon')
  soon() {}

  @Policy('header')
  header() {}
}

class OpenController {
  anyToken() {}

  @Public()
  health() {}
}

class TenantController {
  @Policy('tenant')
  byPolicyAlone() {}
}

const policies = new Map<string, PolicyDefinition<never>>([
  ['tenant', policy().requireClaim('tid', 't1')],
  ['later', policy().requireAssertion(() => Promise.resolve(false), 'an answer that comes later')],
  ['soon', policy().requireAssertion(() => Promise.resolve(true), 'a yes that comes later')],
  [
    'header',
    policy().requireAssertion(
      ({ request }) => (request as { headers: Record<string, string> }).headers['x-ok'] === 'yes',
      'the x-ok header',
    ),
  ],
]);

type Call = ['allowed' | 'forbidden', string];

function setup() {
  const calls: Call[] = [];
  const observer: AuthObserver = {
    authorized: (result, requirement) => calls.push([result, requirement]),
  };
  const options = { policies };
  const guard = new AuthorizationGuard(
    new RouteAuthMetadata(new Reflector(), options),
    new AuthorizationService(options, observer),
  );
  return { guard, calls };
}

/** A real `ExecutionContext` for a handler, with a caller holding these claims (none: no caller). */
function contextFor(
  controller: Type,
  handler: string,
  claims?: Record<string, unknown>,
  headers: Record<string, string> = {},
): ExecutionContext {
  const user = claims && toPrincipal({ sub: 'u', iss: 'https://i', exp: 1, ...claims });
  const method = (controller.prototype as Record<string, () => void>)[handler];
  return new ExecutionContextHost([{ user, headers }, {}], controller, method);
}

async function decide(controller: Type, handler: string, claims?: Record<string, unknown>) {
  try {
    return await setup().guard.canActivate(contextFor(controller, handler, claims));
  } catch (error) {
    return error;
  }
}

describe('AuthorizationGuard with a real Reflector', () => {
  it.each([
    ['the class role', 'list', ['staff'], true],
    ['the class role missing', 'list', ['reports.admin'], false],
    ['handler adds to class: both held', 'purge', ['staff', 'reports.admin'], true],
    ['handler adds to class: the handler role alone', 'purge', ['reports.admin'], false],
    ['@AnyRole: one of the group, with the class role', 'export', ['staff', 'auditor'], true],
    ['@AnyRole: none of the group', 'export', ['staff'], false],
    ['exact match only', 'list', ['Staff', 'staff '], false],
  ])('%s', async (_name, handler, roles, allowed) => {
    const verdict = await decide(ReportsController, handler, { roles });
    if (allowed) expect(verdict).toBe(true);
    else expect(verdict).toBeInstanceOf(ForbiddenError);
  });

  it('enforces a policy on a route that requires no role', async () => {
    const refused = (await decide(TenantController, 'byPolicyAlone', {
      tid: 't2',
    })) as ForbiddenError;
    expect(refused.reason).toBe('policy_failed');
    expect(await decide(TenantController, 'byPolicyAlone', { tid: 't1' })).toBe(true);
  });

  it('answers a missing role with a plain 403 naming it', async () => {
    const error = (await decide(ReportsController, 'purge', {
      roles: ['staff'],
    })) as ForbiddenError;
    expect([error.status, error.reason, error.challenge()]).toEqual([
      403,
      'missing_role',
      undefined,
    ]);
    expect(error.message).toBe('The token lacks the required role reports.admin');
  });

  it('checks roles before policies, and a policy after the roles pass', async () => {
    const noRole = (await decide(ReportsController, 'tenant', { tid: 't1' })) as ForbiddenError;
    expect(noRole.reason).toBe('missing_role');
    expect(await decide(ReportsController, 'tenant', { roles: ['staff'], tid: 't1' })).toBe(true);
    const wrong = (await decide(ReportsController, 'tenant', {
      roles: ['staff'],
      tid: 't2',
    })) as ForbiddenError;
    expect([wrong.reason, wrong.message]).toEqual([
      'policy_failed',
      'The policy tenant is not met: it requires the claim tid with the value t1',
    ]);
  });

  it('answers synchronously unless a policy answers later', async () => {
    const { guard } = setup();
    expect(guard.canActivate(contextFor(ReportsController, 'list', { roles: ['staff'] }))).toBe(
      true,
    );
    const pending = guard.canActivate(contextFor(ReportsController, 'later', { roles: ['staff'] }));
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toBeInstanceOf(ForbiddenError);
    const allowed = guard.canActivate(contextFor(ReportsController, 'soon', { roles: ['staff'] }));
    expect(allowed).toBeInstanceOf(Promise);
    await expect(allowed).resolves.toBe(true);
  });

  it("hands the request to a policy's assertion", () => {
    const { guard } = setup();
    const call = (headers: Record<string, string>) =>
      guard.canActivate(contextFor(ReportsController, 'header', { roles: ['staff'] }, headers));
    expect(call({ 'x-ok': 'yes' })).toBe(true);
    expect(() => call({})).toThrow(ForbiddenError);
  });

  it('reports each decision by kind of requirement, for counting', async () => {
    const { guard, calls } = setup();
    const context = contextFor(ReportsController, 'tenant', { roles: ['staff'], tid: 't1' });
    expect(await guard.canActivate(context)).toBe(true);
    expect(() => guard.canActivate(contextFor(ReportsController, 'list', {}))).toThrow();
    await guard.canActivate(contextFor(OpenController, 'anyToken', {}));
    expect(calls).toEqual([
      ['allowed', 'role'],
      ['allowed', 'policy'],
      ['forbidden', 'role'],
    ]);
  });

  it('lets through routes with neither roles nor policies, and public ones, untouched', async () => {
    expect(await decide(OpenController, 'anyToken', {})).toBe(true);
    expect(await decide(OpenController, 'health')).toBe(true);
  });

  it('never lets a restricted route through without a caller', async () => {
    expect(await decide(ReportsController, 'list')).toBeInstanceOf(MissingCredentialsError);
  });
});
