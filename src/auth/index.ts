export { AuthModule } from './auth.module.js';
export type { AuthModuleOptions, ResolvedAuthOptions } from './auth-options.interface.js';
export { AuthConfigurationError, resolveAuthOptions, type SettingNames } from './auth-options.js';
export { ASYMMETRIC_ALGORITHMS, AUTH_OPTIONS } from './auth.constants.js';
export { AUTH_OBSERVER, type AuthObserver } from './auth-observer.js';
export { Public } from './public.decorator.js';
export { Scopes, AnyScope } from './scopes.decorator.js';
export { CurrentPrincipal } from './current-principal.decorator.js';
export { JwtAuthGuard } from './jwt-auth.guard.js';
export { ScopesGuard } from './scopes.guard.js';
export { RouteAuthMetadata, type RouteAuth } from './route-auth-metadata.js';
export type { ScopeRequirement } from './core/scopes.js';
export { AuthorityClient, type AuthorityStatus } from './keys/authority-client.js';
export { metadataUrls } from './keys/discovery.js';
export type { Principal } from './core/principal.js';
export {
  AuthorityUnavailableError,
  BearerError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  MissingCredentialsError,
} from './core/bearer-errors.js';
