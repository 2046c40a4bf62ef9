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
export { Roles, AnyRole } from './roles.decorator.js';
export { Policy } from './policy.decorator.js';
export { AuthorizationService } from './authorization.service.js';
export { AuthorizationGuard } from './authorization.guard.js';
export {
  AuthorizationPolicy,
  policy,
  type Assertion,
  type AuthorizationContext,
  type ClaimValue,
  type PolicyDefinition,
  type PolicyRequirement,
} from './core/authorization-policy.js';
export type {
  AuthorizationDecision,
  AuthorizationRequirement,
} from './core/authorization-decision.js';
export { DEFAULT_ROLES_CLAIM } from './core/roles.js';
export { CurrentPrincipal } from './current-principal.decorator.js';
export { JwtAuthGuard } from './jwt-auth.guard.js';
export { ScopesGuard } from './scopes.guard.js';
export { RouteAuthMetadata, type RouteAuth } from './route-auth-metadata.js';
export { RouteRulesError } from './route-rules.error.js';
export type { ScopeRequirement } from './core/scopes.js';
export type { NameRequirement } from './core/name-requirement.js';
export { AuthorityClient, type AuthorityStatus } from './keys/authority-client.js';
export { Authorities } from './keys/authorities.js';
export { TokenIntrospector, type IntrospectionStatus } from './introspection/token-introspector.js';
export { type IntrospectionMode } from './core/introspection.js';
export {
  protectedResourceMetadataUrl,
  type ProtectedResourceMetadata,
} from './core/protected-resource.js';
export type { Principal } from './core/principal.js';
export {
  AuthorityUnavailableError,
  BearerError,
  ForbiddenError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  MissingCredentialsError,
  type ForbiddenReason,
  type RejectionReason,
} from './core/bearer-errors.js';
