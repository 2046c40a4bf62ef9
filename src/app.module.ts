import { Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_PIPE, RouterModule } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/index.js';
import type { Settings } from './config/settings.js';
import { DatabaseModule } from './database/index.js';
import { HealthModule } from './health/health.module.js';
import { loggingParams } from './logging/logging.options.js';
import { MessagesModule } from './messages/messages.module.js';
import { MESSAGES_POLICIES } from './messages/messages.policies.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { DOCS_PATH } from './openapi/openapi.setup.js';
import { ProfileModule } from './profile/profile.module.js';

/** Each part reads its own part of the settings through `ConfigService`. */
export type SettingsService = ConfigService<Settings, true>;

/**
 * The API, configured by `settings` (see `settingsFromEnv`) and nothing else: `ConfigModule` holds
 * them (no `.env`, no `process.env`), and every part, `AuthModule` included, takes its own part
 * through `ConfigService`. Options that cannot be right stop the app while it is built.
 */
@Module({})
export class AppModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validatePredefined: false,
          skipProcessEnv: true,
          load: [() => settings],
        }),
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: SettingsService) =>
            loggingParams(config.get('log', { infer: true })),
        }),
        AuthModule.forRootAsync({
          inject: [ConfigService],
          // RFC 9728's resource_documentation (with AUTH_RESOURCE): Swagger UI, on its origin.
          useFactory: (config: SettingsService) => ({
            resourceDocumentation: `/${DOCS_PATH}`,
            ...config.get('auth', { infer: true }),
            policies: MESSAGES_POLICIES,
          }),
        }),
        DatabaseModule.forRoot(settings.database),
        HealthModule,
        MetricsModule,
        MessagesModule,
        ProfileModule,
        RouterModule.register([{ path: 'api', children: [MessagesModule, ProfileModule] }]),
      ],
      providers: [
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }),
        },
      ],
    };
  }
}
