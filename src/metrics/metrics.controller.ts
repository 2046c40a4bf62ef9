import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { Scopes } from '../auth/index.js';

/** The scope Prometheus's client needs to scrape `GET /metrics`. */
export const METRICS_SCOPE = 'metrics:read';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  /** Prometheus text format: process metrics, HTTP durations, the authentication meters. */
  @Get()
  @Scopes(METRICS_SCOPE)
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiProduces(Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({
    description: 'Prometheus text exposition format (version 0.0.4)',
    schema: { type: 'string' },
  })
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
