import { Global, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { AUTH_OBSERVER } from '../auth/index.js';
import { AuthMetrics } from './auth.metrics.js';
import { HttpMetrics } from './http.metrics.js';
import { MetricsController } from './metrics.controller.js';

/**
 * Prometheus metrics at `GET /metrics` (scope `metrics:read`): the process's default metrics, HTTP
 * request durations by route template, and the authentication meters, which the auth module feeds
 * through `AUTH_OBSERVER` (provided here, globally). Each app has its own `Registry`, never
 * prom-client's global one, so two apps in one process (tests) keep their counts apart.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: Registry,
      useFactory: () => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
    AuthMetrics,
    { provide: AUTH_OBSERVER, useExisting: AuthMetrics },
    HttpMetrics,
  ],
  exports: [AUTH_OBSERVER, Registry],
})
export class MetricsModule implements NestModule {
  constructor(private readonly http: HttpMetrics) {}

  /** Nest calls this before it registers the routes: the request timer goes first. */
  configure(_consumer: MiddlewareConsumer): void {
    this.http.install();
  }
}
