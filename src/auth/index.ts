/*
 * What an app uses of the auth module. Everything else under src/auth is internal: an app that
 * needs something more decides here whether it is public surface.
 */
export { AuthModule } from './auth.module.js';
export { InjectAuthOptions } from './auth.module-definition.js';
export type { AuthModuleOptions, ResolvedAuthOptions } from './auth-options.interface.js';
export { AuthConfigurationError, discoveryUrl, type OptionNamer } from './auth-options.js';
export { ASYMMETRIC_ALGORITHMS, AUTH_OPTIONS } from './auth.constants.js';
export { AUTH_OBSERVER, type AuthObserver } from './auth-observer.js';
export { Public } from './public.decorator.js';
export { Scopes, AnyScope } from './scopes.decorator.js';
export { CurrentPrincipal } from './current-principal.decorator.js';
export { JwtAuthGuard } from './jwt-auth.guard.js';
export { ScopesGuard } from './scopes.guard.js';
export { RouteAuthMetadata, type RouteAuth } from './route-auth-metadata.js';
export { RouteRulesError } from './route-rules.error.js';
export type { ScopeRequirement } from './core/scopes.js';
export { AuthorityClient, type AuthorityStatus } from './keys/authority-client.js';
export type { Principal } from './core/principal.js';
export {
  AuthorityUnavailableError,
  BearerError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  MissingCredentialsError,
} from './core/bearer-errors.js';
