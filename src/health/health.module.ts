import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthorityHealthIndicator } from './authority.health.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { HealthController } from './health.controller.js';
import { IntrospectionHealthIndicator } from './introspection.health.js';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [AuthorityHealthIndicator, DatabaseHealthIndicator, IntrospectionHealthIndicator],
})
export class HealthModule {}
