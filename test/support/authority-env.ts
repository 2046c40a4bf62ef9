import type { TestAuthority } from '../../src/auth/testing/index.js';

/** The environment that points a built entry point (`dist/main.js`, the doctor) at a test authority. */
export function authorityEnv(authority: TestAuthority): Record<string, string> {
  return {
    AUTH_AUTHORITY: authority.issuer,
    AUTH_AUDIENCE: authority.audience,
    AUTH_REQUIRE_HTTPS_METADATA: 'false',
  };
}
