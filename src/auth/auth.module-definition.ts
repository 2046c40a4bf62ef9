import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AuthModuleOptions } from './auth-options.interface.js';

export const {
  ConfigurableModuleClass: ConfigurableAuthModule,
  MODULE_OPTIONS_TOKEN: AUTH_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<AuthModuleOptions>().setClassMethodName('forRoot').build();
