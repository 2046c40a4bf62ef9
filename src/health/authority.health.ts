import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Authorities, type AuthorityStatus } from '../auth/index.js';

/**
 * Readiness of the authorities, asked through the same `Authorities` the guard uses (no second
 * HTTP client). Both accept what is cached; only what is missing is fetched now, within each
 * authority's own backoff.
 *
 * - One authority: two parts, `discovery` (the metadata document is held) and `jwks` (at least
 *   one signing key is held).
 * - Several: one part per authority, named by its issuer, with its `discovery` and `jwks`. The
 *   API is ready while at least one authority's keys can be had: an authority that can't be is
 *   `degraded` (still 200), and `down` only when none can be.
 */
@Injectable()
export class AuthorityHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly authorities: Authorities,
  ) {}

  async isReady(): Promise<HealthIndicatorResult> {
    const statuses = await this.authorities.check();
    if (statuses.length === 1) {
      const [discovery, jwks] = [discoveryOf(statuses[0]), keysOf(statuses[0])];
      return {
        ...this.part('discovery', discovery.ok ? 'up' : 'down', discovery.details),
        ...this.part('jwks', jwks.ok ? 'up' : 'down', jwks.details),
      };
    }
    const anyAvailable = statuses.some((s) => s.metadata.ok && s.keys.ok);
    return Object.assign(
      {},
      ...statuses.map((status) => {
        const [discovery, jwks] = [discoveryOf(status), keysOf(status)];
        const state = discovery.ok && jwks.ok ? 'up' : anyAvailable ? 'degraded' : 'down';
        const details = {
          discovery: { status: discovery.ok ? 'up' : 'down', ...discovery.details },
          jwks: { status: jwks.ok ? 'up' : 'down', ...jwks.details },
        };
        return this.part(status.issuer, state, details);
      }),
    ) as HealthIndicatorResult;
  }

  private part(
    key: string,
    state: 'up' | 'degraded' | 'down',
    details: Record<string, unknown>,
  ): HealthIndicatorResult {
    const part = this.health.check(key);
    if (state === 'up') return part.up(details);
    return state === 'degraded' ? part.degraded(details) : part.down(details);
  }
}

function discoveryOf(status: AuthorityStatus) {
  const { ok, source, error } = status.metadata;
  return { ok, details: ok ? { source } : { message: error ?? 'unavailable' } };
}

function keysOf(status: AuthorityStatus) {
  const { ok, count, jwksUri, error } = status.keys;
  return {
    ok,
    details: ok ? { keys: count, jwksUri } : { message: error ?? 'no usable signing key' },
  };
}
