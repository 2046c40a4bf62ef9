export { AuthModule } from './auth.module.js';
export type { AuthModuleOptions, ResolvedAuthOptions } from './auth-options.interface.js';
export { AuthConfigurationError, resolveAuthOptions, type SettingNames } from './auth-options.js';
export { ASYMMETRIC_ALGORITHMS, AUTH_OPTIONS } from './auth.constants.js';
export { Public } from './public.decorator.js';
export { Scopes, AnyScope } from './scopes.decorator.js';
export { CurrentPrincipal } from './current-principal.decorator.js';
export { JwtAuthGuard } from './jwt-auth.guard.js';
export { ScopesGuard } from './scopes.guard.js';
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
