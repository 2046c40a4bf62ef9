import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Database } from '../database/index.js';

/**
 * Readiness of the database, asked through the app's own `Database`: `database` is up when the
 * migrations are applied and it answers a query now.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly database: Database,
  ) {}

  async isReady(): Promise<HealthIndicatorResult<'database'>> {
    const status = await this.database.status();
    const indicator = this.health.check('database');
    return status.up ? indicator.up() : indicator.down({ message: status.reason });
  }
}
