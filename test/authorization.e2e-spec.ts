import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Param, type Type } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  AnyRole,
  AuthorizationService,
  CurrentPrincipal,
  Policy,
  Public,
  Roles,
  RouteRulesError,
  Scopes,
  policy,
  type Principal,
} from '../src/auth/index.js';
import { startTestApp, type TestApp } from '../src/auth/testing/index.js';
import { CaptureLogger } from './support/capture-logger.js';

/*
 * Roles, policies and resource checks past scopes, on both HTTP platforms: a missing scope stays
 * 403 insufficient_scope with its challenge; a missing role or a failed policy is a plain 403
 * naming it, with no challenge, and the log line carries the same reason.
 */

interface Report {
  id: string;
  owner: string;
}

/** The tenant in the path must be the caller's own (`tid`), unless the caller is an admin. */
const ownTenant = policy().requireAnyOf(
  policy().requireAssertion(
    ({ principal, request }) =>
      (request as { params: Record<string, string> }).params.tenant === principal.claims.tid,
    'the tenant of the path as the token tid',
  ),
  policy().requireRoles('reports.admin'),
);

const POLICIES = {
  'reports.own-tenant': ownTenant,
  // Microsoft.Identity.Web's [RequiredScopeOrAppPermission]: a user's delegated scope (scp), or
  // an application permission (an app role, in roles) for a daemon.
  'orders.read': policy().requireAnyOf(
    policy().requireAnyScope('Orders.Read'),
    policy().requireAnyRole('Orders.Read.All'),
  ),
  mfa: policy().requireClaim('amr', 'mfa'),
  'reports.owner': policy<Report>().requireAssertion(
    ({ principal, resource }) => resource?.owner === principal.sub,
    "the report's owner",
  ),
  'slow-check': policy().requireAssertion(async ({ principal }) => {
    await new Promise((resolve) => setImmediate(resolve));
    return principal.sub === 'patient';
  }, 'the patient caller'),
};

@Roles('staff')
@Controller('reports')
class ReportsController {
  constructor(private readonly authorization: AuthorizationService) {}

  @Get()
  list() {
    return ['r1'];
  }

  @Get('admin')
  @Roles('reports.admin')
  admin() {
    return 'admin';
  }

  @Get('export')
  @AnyRole('auditor', 'reports.admin')
  @Scopes('reports:read')
  export() {
    return 'export';
  }

  @Get('tenants/:tenant')
  @Policy('reports.own-tenant')
  tenant(@Param('tenant') tenant: string) {
    return tenant;
  }

  @Get('secure')
  @Policy('mfa')
  @Policy('slow-check')
  secure() {
    return 'secure';
  }

  /** A rule on the loaded entity, its owner: a decision, or the 403 of `ensure`. */
  @Get('owned/:owner')
  async owned(@Param('owner') owner: string, @CurrentPrincipal() caller: Principal) {
    const report: Report = { id: 'r1', owner };
    const decision = await this.authorization.authorize(
      caller,
      report,
      policy<Report>().requireAssertion(({ resource }) => resource?.id === 'r1'),
    );
    await this.authorization.ensure(caller, report, 'reports.owner');
    return decision;
  }

  /** The same rule asked as a question, with a policy built on the spot. */
  @Get('may-edit/:owner')
  mayEdit(@Param('owner') owner: string, @CurrentPrincipal() caller: Principal) {
    const onlyAdmins = policy<Report>().requireAnyRole('reports.admin');
    return this.authorization.authorize(caller, { id: 'r2', owner }, onlyAdmins);
  }
}

@Controller('orders')
class OrdersController {
  @Get()
  @Policy('orders.read')
  list() {
    return [];
  }
}

type Platform = 'express' | 'fastify';

describe.each<[Platform]>([['express'], ['fastify']])('on %s', (platform) => {
  const logs = new CaptureLogger();
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({
      controllers: [ReportsController, OrdersController],
      auth: { policies: POLICIES },
      httpAdapter: platform === 'fastify' ? new FastifyAdapter() : undefined,
      logger: logs,
    });
  });
  afterAll(() => api?.close());

  describe('@Roles and @AnyRole', () => {
    it('let through a token with the roles, class and handler added up', async () => {
      expect((await api.withRoles('staff').get('/reports')).status).toBe(200);
      expect((await api.withRoles('staff', 'reports.admin').get('/reports/admin')).status).toBe(
        200,
      );
    });

    it('answer a missing role with a plain 403 naming it, and no challenge', async () => {
      const res = await api.withRoles('reports.admin').get('/reports/admin');
      expect(res).toBeForbidden('staff');
      expect(res.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: 'The token lacks the required role staff',
      });
      expect(await api.withRoles('staff').get('/reports/admin')).toBeForbidden('reports.admin');
    });

    it('answer a missing role of an @AnyRole group, naming the group', async () => {
      const caller = api.withClaims({ scope: 'reports:read', roles: ['staff', 'Auditor'] });
      const res = await caller.get('/reports/export');
      expect(res).toBeForbidden('The token needs one of the roles auditor reports.admin');
    });

    it('keep a missing scope a 403 insufficient_scope with its challenge, checked first', async () => {
      const res = await api
        .withClaims({ scope: 'other', roles: ['auditor'] })
        .get('/reports/export');
      expect(res).toBeForbiddenForScopes('reports:read');
      const granted = api.withClaims({ scope: 'reports:read', roles: ['staff', 'auditor'] });
      expect((await granted.get('/reports/export')).status).toBe(200);
    });

    it('read no roles from scopes, and none from a claim of another type', async () => {
      expect(await api.as('staff').get('/reports')).toBeForbidden('staff');
      expect(await api.withClaims({ roles: { staff: true } }).get('/reports')).toBeForbidden();
      expect(await api.withClaims({ roles: 7 }).get('/reports')).toBeForbidden();
    });
  });

  describe('@Policy', () => {
    it('runs an assertion over the principal and the request', async () => {
      const mine = api.withClaims({ roles: ['staff'], tid: 'acme' });
      expect((await mine.get('/reports/tenants/acme')).status).toBe(200);
      const res = await mine.get('/reports/tenants/globex');
      expect(res).toBeForbidden('reports.own-tenant');
      expect((res.body as { message: string }).message).toBe(
        'The policy reports.own-tenant is not met: it requires the tenant of the path as the ' +
          'token tid, or the role reports.admin',
      );
      const admin = api.withRoles('staff', 'reports.admin');
      expect((await admin.get('/reports/tenants/globex')).status).toBe(200);
    });

    it('adds several policies up, asynchronous ones included', async () => {
      const both = api.withClaims({ sub: 'patient', roles: ['staff'], amr: ['pwd', 'mfa'] });
      expect((await both.get('/reports/secure')).status).toBe(200);
      const noMfa = api.withClaims({ sub: 'patient', roles: ['staff'], amr: ['pwd'] });
      expect(await noMfa.get('/reports/secure')).toBeForbidden('The policy mfa is not met');
      const impatient = api.withClaims({ sub: 'impatient', roles: ['staff'], amr: 'mfa' });
      expect(await impatient.get('/reports/secure')).toBeForbidden('slow-check');
    });

    it.each([
      ['a delegated token with the scope (scp)', { scp: 'Orders.Read User.Read' }, 200],
      [
        'an app-only token with the app role',
        { roles: ['Orders.Read.All'], scope: undefined },
        200,
      ],
      ['a token with neither', { scp: 'User.Read', roles: ['Orders.Write.All'] }, 403],
    ])(
      'accepts a delegated scope or an app role for one route (Entra): %s',
      async (_n, claims, status) => {
        const res = await api.withClaims(claims).get('/orders');
        if (status === 200) expect(res.status).toBe(200);
        else expect(res).toBeForbidden('orders.read');
      },
    );
  });

  describe('AuthorizationService on a loaded resource', () => {
    it('ensure: the owner passes; anyone else gets a plain 403 naming the policy', async () => {
      const alice = api.withClaims({ sub: 'alice', roles: ['staff'] });
      const own = await alice.get('/reports/owned/alice');
      expect([own.status, own.body]).toEqual([200, { allowed: true, requirement: 'policy' }]);
      const res = await alice.get('/reports/owned/bob');
      expect(res).toBeForbidden(
        "The policy reports.owner is not met: it requires the report's owner",
      );
    });

    it('authorize: a decision that names what is missing, for the app to act on', async () => {
      const res = await api.withRoles('staff').get('/reports/may-edit/bob');
      expect([res.status, res.body]).toEqual([
        200,
        {
          allowed: false,
          requirement: 'policy',
          reason: 'policy_failed',
          message: 'Access is denied: it requires the role reports.admin',
        },
      ]);
    });
  });

  it('logs each denial with its reason code and message, never the token', async () => {
    logs.clear();
    const token = api.authority.mint({ sub: 'eve', roles: ['staff'] });
    await api.withToken(token).get('/reports/admin').expect(403);
    await api.withToken(token).get('/orders').expect(403);
    const denials = logs.entries
      .map(
        (e) => e.message as { msg?: string; reason?: string; description?: string; sub?: string },
      )
      .filter((m) => m.msg === 'access denied');
    expect(denials.map((m) => [m.reason, m.sub])).toEqual([
      ['missing_role', 'eve'],
      ['policy_failed', 'eve'],
    ]);
    expect(denials[0].description).toBe('The token lacks the required role reports.admin');
    for (const part of token.split('.')) expect(logs.text()).not.toContain(part);
  });
});

describe('with AUTH_INCLUDE_ERROR_DETAILS off', () => {
  it('answers a missing role with a bare 403 Forbidden, the details only in the log', async () => {
    const api = await startTestApp({
      controllers: [ReportsController],
      auth: { policies: POLICIES, includeErrorDetails: false },
    });
    try {
      const res = await api.withRoles('guest').get('/reports');
      expect(res).toBeForbidden();
      expect((res.body as { message: string }).message).toBe('Forbidden');
    } finally {
      await api.close();
    }
  });
});

@Controller('typo')
class TypoController {
  @Get()
  @Policy('orders.reed')
  list() {
    return [];
  }
}

@Public()
@Controller('open')
class OpenButRoled {
  @Get()
  @AnyRole('admin')
  list() {
    return [];
  }
}

@Controller('open-policy')
class OpenButPolicied {
  @Get()
  @Public()
  @Policy('orders.read')
  list() {
    return [];
  }
}

describe('a route whose rules cannot be right stops the start, naming it', () => {
  it.each<[string, Type, string]>([
    ['a policy name that is not registered', TypoController, 'requires the policy orders.reed'],
    [
      'a public controller with a role on a handler',
      OpenButRoled,
      'is @Public() and also requires roles',
    ],
    [
      '@Public() and @Policy on one handler',
      OpenButPolicied,
      'is @Public() and also requires a policy',
    ],
  ])('%s', async (_name, controller, problem) => {
    const error = await startTestApp({
      controllers: [controller],
      auth: { policies: POLICIES },
    }).then(
      async (api) => {
        await api.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RouteRulesError);
    expect((error as Error).message).toContain(`${controller.name}.list ${problem}`);
  });
});
