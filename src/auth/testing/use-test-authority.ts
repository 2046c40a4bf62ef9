import type { TestingModuleBuilder } from '@nestjs/testing';
import { AUTH_OPTIONS } from '../auth.constants.js';
import type { AuthModuleOptions } from '../auth-options.interface.js';
import { resolveAuthOptions } from '../auth-options.js';
import type { TestAuthority } from './test-authority.js';

/**
 * Points the app's `AuthModule` at a test authority, whatever it was configured with.
 *
 * ```ts
 * const moduleRef = await useTestAuthority(
 *   Test.createTestingModule({ imports: [AppModule] }),
 *   authority,
 * ).compile();
 * ```
 */
export function useTestAuthority(
  builder: TestingModuleBuilder,
  authority: TestAuthority,
  overrides: Partial<AuthModuleOptions> = {},
): TestingModuleBuilder {
  return builder
    .overrideProvider(AUTH_OPTIONS)
    .useValue(resolveAuthOptions({ ...authority.moduleOptions, ...overrides }));
}
