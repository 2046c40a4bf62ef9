import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AUTH_OPTIONS, TOKEN_POLICY } from './auth.constants.js';
import {
  AUTH_ASYNC_OPTIONS_TYPE,
  AUTH_OPTIONS_TYPE,
  ConfigurableAuthModule,
} from './auth.module-definition.js';
import type { AuthModuleOptions, ResolvedAuthOptions } from './auth-options.interface.js';
import { resolveAuthOptions, toTokenPolicy } from './auth-options.js';
import { BearerChallengeFilter } from './bearer-challenge.filter.js';
import { VerifiedTokenCache } from './core/verified-token-cache.js';
import { TokenIntrospector } from './introspection/token-introspector.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { JwtBearerStrategy } from './jwt-bearer.strategy.js';
import { Authorities } from './keys/authorities.js';
import type { KeyStoreOptions } from './keys/jwks-key-store.js';
import { AUTH_OBSERVER, type AuthObserver } from './auth-observer.js';
import { AuthorizationGuard } from './authorization.guard.js';
import { AuthorizationService } from './authorization.service.js';
import { ProtectedResourceRoute } from './protected-resource.route.js';
import { RouteAuthMetadata } from './route-auth-metadata.js';
import { RouteRulesCheck } from './route-rules.check.js';
import { ScopesGuard } from './scopes.guard.js';

/**
 * The module's clients of its authorities, one each: fetch failures are logged, a key that leaves
 * an authority's JWKS takes that authority's cached tokens with it, and key set fetches are
 * reported by authority. `keyStore` tunes the key stores (tests shorten their ages).
 */
export function createAuthorities(
  options: ResolvedAuthOptions,
  cache: VerifiedTokenCache,
  keyStore: Partial<KeyStoreOptions> = {},
  observer?: AuthObserver,
): Authorities {
  const logger = new Logger('AuthorityClient');
  return Authorities.fromOptions(options, (authority) => ({
    ...keyStore,
    onRefreshError: (error) => logger.warn(`cannot fetch ${error.message}`),
    onKeysRemoved: (kids) => cache.dropKeys(kids, authority),
    onKeySetFetched:
      observer?.keySetFetched && ((outcome) => observer.keySetFetched?.(outcome, authority)),
  }));
}

/**
 * The module's introspection client (RFC 7662): its endpoint is the configured one or the first
 * authority's; failures are logged, calls reported to the observer.
 */
export function createIntrospector(
  options: ResolvedAuthOptions,
  authorities: Authorities,
  observer?: AuthObserver,
  overrides: { failureBackoffMs?: number } = {},
): TokenIntrospector {
  const logger = new Logger('Introspection');
  return TokenIntrospector.fromOptions(options, authorities, {
    onCall: observer?.introspected && ((outcome) => observer.introspected?.(outcome)),
    onFailure: (why) => logger.warn(why),
    ...overrides,
  });
}

/**
 * Protects every route of the app with OAuth 2.0 access tokens, the way ASP.NET Core's
 * `AddJwtBearer` does, and registers what that takes: the `jwt` Passport strategy, `JwtAuthGuard`,
 * `ScopesGuard` and `AuthorizationGuard` (roles and policies) as global guards (in that order),
 * `AuthorizationService`, `BearerChallengeFilter`, and with `resource` set the RFC 9728 metadata
 * (`ProtectedResourceRoute`).
 *
 * ```ts
 * AuthModule.forRoot({ authority: 'https://dev-123.okta.com/oauth2/default', audience: 'api://default' })
 * AuthModule.forRootAsync({ inject: [ConfigService], useFactory: (config: ConfigService) => config.getOrThrow('auth') })
 * ```
 * Options are checked when the module is built (`forRoot` at once, `forRootAsync` when its factory
 * answers): a configuration that cannot be right throws `AuthConfigurationError` and never boots.
 * The module is global, so any module can inject `Authorities` (readiness does) and
 * `AuthorizationService`.
 */
@Global()
@Module({
  imports: [PassportModule, DiscoveryModule],
  providers: [
    { provide: TOKEN_POLICY, useFactory: toTokenPolicy, inject: [AUTH_OPTIONS] },
    {
      provide: VerifiedTokenCache,
      useFactory: (options: ResolvedAuthOptions) => new VerifiedTokenCache(options.tokenCacheSize),
      inject: [AUTH_OPTIONS],
    },
    {
      provide: Authorities,
      useFactory: (
        options: ResolvedAuthOptions,
        cache: VerifiedTokenCache,
        observer?: AuthObserver,
      ) => createAuthorities(options, cache, {}, observer),
      inject: [AUTH_OPTIONS, VerifiedTokenCache, { token: AUTH_OBSERVER, optional: true }],
    },
    {
      provide: TokenIntrospector,
      useFactory: (
        options: ResolvedAuthOptions,
        authorities: Authorities,
        observer?: AuthObserver,
      ) => createIntrospector(options, authorities, observer),
      inject: [AUTH_OPTIONS, Authorities, { token: AUTH_OBSERVER, optional: true }],
    },
    RouteAuthMetadata,
    RouteRulesCheck,
    AuthorizationService,
    ProtectedResourceRoute,
    JwtBearerStrategy,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: ScopesGuard },
    { provide: APP_GUARD, useClass: AuthorizationGuard },
    { provide: APP_FILTER, useClass: BearerChallengeFilter },
  ],
  exports: [
    Authorities,
    TokenIntrospector,
    AuthorizationService,
    RouteAuthMetadata,
    TOKEN_POLICY,
    AUTH_OPTIONS,
  ],
})
export class AuthModule extends ConfigurableAuthModule implements OnApplicationBootstrap {
  constructor(@Inject(Authorities) private readonly authorities: Authorities) {
    super();
  }

  static override forRoot(options: typeof AUTH_OPTIONS_TYPE): DynamicModule {
    return withResolvedOptions(super.forRoot(options));
  }

  static override forRootAsync(options: typeof AUTH_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withResolvedOptions(super.forRootAsync(options));
  }

  /** Warms each authority's discovery and keys without holding up the start (retried on demand). */
  onApplicationBootstrap(): void {
    void this.authorities.check();
  }
}

/**
 * The builder provides the options as given; here they are checked and completed on their way in,
 * so `AUTH_OPTIONS` is the one options token and holds `ResolvedAuthOptions`.
 */
function withResolvedOptions(module: DynamicModule): DynamicModule {
  const resolve = (provider: Provider): Provider => {
    if (typeof provider !== 'object' || provider.provide !== AUTH_OPTIONS) return provider;
    if ('useValue' in provider) {
      return {
        provide: AUTH_OPTIONS,
        useValue: resolveAuthOptions(provider.useValue as AuthModuleOptions),
      };
    }
    if ('useFactory' in provider) {
      const factory = provider.useFactory;
      return {
        ...provider,
        useFactory: async (...args: unknown[]) =>
          resolveAuthOptions((await factory(...args)) as AuthModuleOptions),
      };
    }
    return provider;
  };
  return { ...module, providers: module.providers?.map(resolve) };
}
