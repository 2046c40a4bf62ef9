import { ConfigurableModuleBuilder, Inject } from '@nestjs/common';
import { AUTH_OPTIONS } from './auth.constants.js';
import type { AuthModuleOptions } from './auth-options.interface.js';

export const {
  ConfigurableModuleClass: ConfigurableAuthModule,
  OPTIONS_TYPE: AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthModuleOptions>({ optionsInjectionToken: AUTH_OPTIONS })
  .setClassMethodName('forRoot')
  .build();

/**
 * Injects the module's options, checked and with every default filled in (`ResolvedAuthOptions`).
 *
 * @example
 * ```ts
 * constructor(@InjectAuthOptions() private readonly options: ResolvedAuthOptions) {}
 * ```
 */
export const InjectAuthOptions = (): PropertyDecorator & ParameterDecorator => Inject(AUTH_OPTIONS);
