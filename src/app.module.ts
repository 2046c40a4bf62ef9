import { Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { APP_PIPE, RouterModule } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { APP_SETTINGS } from './app.constants.js';
import { AuthModule } from './auth/index.js';
import { appSettingsFromEnv } from './config/app.config.js';
import { authConfig, validateEnvironment } from './config/auth.config.js';
import { HealthModule } from './health/health.module.js';
import { loggingParams } from './logging/logging.options.js';
import { MessagesModule } from './messages/messages.module.js';
import { ProfileModule } from './profile/profile.module.js';

/**
 * The API. `forRoot()` reads the environment (and `.env`) when it is called, so the process, the
 * tests and the CLI each get the configuration of their moment; a wrong one fails the build.
 */
@Module({})
export class AppModule {
  static forRoot(): DynamicModule {
    const settings = appSettingsFromEnv(process.env);
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot(loggingParams(settings)),
        ConfigModule.forRoot({ isGlobal: true, validate: validateEnvironment, load: [authConfig] }),
        AuthModule.forRootAsync({
          inject: [authConfig.KEY],
          useFactory: (config: ConfigType<typeof authConfig>) => config,
        }),
        HealthModule,
        MessagesModule,
        ProfileModule,
        RouterModule.register([{ path: 'api', children: [MessagesModule, ProfileModule] }]),
      ],
      providers: [
        { provide: APP_SETTINGS, useValue: settings },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }),
        },
      ],
    };
  }
}
