import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { TokenIntrospector } from '../auth/index.js';

/**
 * Readiness of the introspection endpoint (RFC 7662), when introspection is on: `up` while its
 * last call was answered; otherwise one probe (a form POST of a token that is none, within the
 * introspector's backoff, so probes never hammer it). Down under `all` fails readiness (no token
 * can be accepted); under `opaque` it is `degraded` (JWTs are still verified locally).
 */
@Injectable()
export class IntrospectionHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly introspector: TokenIntrospector,
  ) {}

  get enabled(): boolean {
    return this.introspector.mode !== 'off';
  }

  async isReady(): Promise<HealthIndicatorResult> {
    const { ok, endpoint, error } = await this.introspector.check();
    const part = this.health.check('introspection');
    if (ok) return part.up({ mode: this.introspector.mode, endpoint });
    const details = { mode: this.introspector.mode, endpoint, message: error };
    return this.introspector.mode === 'all' ? part.down(details) : part.degraded(details);
  }
}
