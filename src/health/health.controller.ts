import { Controller, Get } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../auth/index.js';
import { AuthorityHealthIndicator } from './authority.health.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { IntrospectionHealthIndicator } from './introspection.health.js';

@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly authority: AuthorityHealthIndicator,
    private readonly database: DatabaseHealthIndicator,
    private readonly introspection: IntrospectionHealthIndicator,
  ) {}

  /** Liveness: the process answers. */
  @Get()
  @ApiOperation({ summary: 'Liveness' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 when the database answers and the metadata and keys of at least one authority
   * can be had (cached or fetched now); 503 otherwise, with the part that failed under `error`:
   * `database`, `discovery` or `jwks` (one authority), or an authority's issuer (several). With
   * introspection on, `introspection` names its endpoint's state too.
   */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers, some authority keys can be had' })
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.isReady(),
      () => this.authority.isReady(),
      ...(this.introspection.enabled ? [() => this.introspection.isReady()] : []),
    ]);
  }
}
