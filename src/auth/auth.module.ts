import { Global, Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AUTH_OPTIONS, TOKEN_POLICY } from './auth.constants.js';
import { AUTH_MODULE_OPTIONS, ConfigurableAuthModule } from './auth.module-definition.js';
import type { AuthModuleOptions, ResolvedAuthOptions } from './auth-options.interface.js';
import { resolveAuthOptions, toTokenPolicy } from './auth-options.js';
import { BearerChallengeFilter } from './bearer-challenge.filter.js';
import { VerifiedTokenCache } from './core/verified-token-cache.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { JwtBearerStrategy } from './jwt-bearer.strategy.js';
import { AuthorityClient } from './keys/authority-client.js';
import type { KeyStoreOptions } from './keys/jwks-key-store.js';
import { AUTH_OBSERVER, type AuthObserver } from './auth-observer.js';
import { RouteAuthMetadata } from './route-auth-metadata.js';
import { ScopesGuard } from './scopes.guard.js';

/**
 * The module's one client of the authority: fetch failures are logged, and a key that leaves the
 * JWKS takes its cached tokens with it. `keyStore` tunes the key store (tests shorten its ages).
 */
export function createAuthorityClient(
  options: ResolvedAuthOptions,
  cache: VerifiedTokenCache,
  keyStore: Partial<KeyStoreOptions> = {},
  observer?: AuthObserver,
): AuthorityClient {
  const logger = new Logger('AuthorityClient');
  return AuthorityClient.fromOptions(options, {
    ...keyStore,
    onRefreshError: (error) => logger.warn(`cannot fetch ${error.message}`),
    onKeysRemoved: (kids) => cache.dropKeys(kids),
    onKeySetFetched: observer?.keySetFetched && ((outcome) => observer.keySetFetched?.(outcome)),
  });
}

/**
 * Protects every route of the app with OAuth 2.0 access tokens, the way ASP.NET Core's
 * `AddJwtBearer` does, and registers what that takes: the `jwt` Passport strategy, `JwtAuthGuard`
 * and `ScopesGuard` as global guards (in that order), and `BearerChallengeFilter`.
 *
 * ```ts
 * AuthModule.forRoot({ authority: 'https://dev-123.okta.com/oauth2/default', audience: 'api://default' })
 * AuthModule.forRootAsync({ inject: [authConfig.KEY], useFactory: (config) => config })
 * ```
 * Options are checked when the module is built: a configuration that cannot be right never boots.
 * The module is global, so any module can inject `AuthorityClient` (readiness does).
 */
@Global()
@Module({
  imports: [PassportModule],
  providers: [
    {
      provide: AUTH_OPTIONS,
      useFactory: (options: AuthModuleOptions) => resolveAuthOptions(options),
      inject: [AUTH_MODULE_OPTIONS],
    },
    { provide: TOKEN_POLICY, useFactory: toTokenPolicy, inject: [AUTH_OPTIONS] },
    {
      provide: VerifiedTokenCache,
      useFactory: (options: ResolvedAuthOptions) => new VerifiedTokenCache(options.tokenCacheSize),
      inject: [AUTH_OPTIONS],
    },
    {
      provide: AuthorityClient,
      useFactory: (
        options: ResolvedAuthOptions,
        cache: VerifiedTokenCache,
        observer?: AuthObserver,
      ) => createAuthorityClient(options, cache, {}, observer),
      inject: [AUTH_OPTIONS, VerifiedTokenCache, { token: AUTH_OBSERVER, optional: true }],
    },
    RouteAuthMetadata,
    JwtBearerStrategy,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: ScopesGuard },
    { provide: APP_FILTER, useClass: BearerChallengeFilter },
  ],
  exports: [AuthorityClient, RouteAuthMetadata, TOKEN_POLICY, AUTH_OPTIONS],
})
export class AuthModule extends ConfigurableAuthModule implements OnApplicationBootstrap {
  constructor(@Inject(AuthorityClient) private readonly authority: AuthorityClient) {
    super();
  }

  /** Warms discovery and keys without holding up the start; failures are retried on demand. */
  onApplicationBootstrap(): void {
    void this.authority.check();
  }
}
