import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { AuthorityClient } from '../auth/index.js';

/**
 * Readiness of the authority, asked through the same `AuthorityClient` the guard uses (no second
 * HTTP client): `discovery` is up when the metadata document is held, `jwks` when at least one
 * signing key is held. Both accept what is cached; only what is missing is fetched now.
 */
@Injectable()
export class AuthorityHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly authority: AuthorityClient,
  ) {}

  async isReady(): Promise<HealthIndicatorResult<'discovery' | 'jwks'>> {
    const status = await this.authority.check();
    const discovery = this.health.check('discovery');
    const jwks = this.health.check('jwks');
    return {
      ...(status.metadata.ok
        ? discovery.up({ source: status.metadata.source })
        : discovery.down({ message: status.metadata.error ?? 'unavailable' })),
      ...(status.keys.ok
        ? jwks.up({ keys: status.keys.count, jwksUri: status.keys.jwksUri })
        : jwks.down({ message: status.keys.error ?? 'no usable signing key' })),
    };
  }
}
