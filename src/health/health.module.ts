import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthorityHealthIndicator } from './authority.health.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [AuthorityHealthIndicator, DatabaseHealthIndicator],
})
export class HealthModule {}
