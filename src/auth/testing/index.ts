/*
 * The test kit: a loopback authority that mints real tokens, ready-made bad tokens, fault
 * switches, and Jest matchers for RFC 6750 answers. For tests only; production code never
 * imports this folder (the build leaves it out).
 */
export {
  TestAuthority,
  type Claims,
  type Fault,
  type IntrospectionFault,
  type MintOptions,
} from './test-authority.js';
export { generateTestKey, type TestKey } from './test-keys.js';
export { closeServer, listenOnLoopback } from './loopback.js';
export { signJws, type JwsPayload } from './jws.js';
export { keyResolverFor, testPolicy, TEST_ISSUER } from './test-policy.js';
export {
  bearerMatchers,
  parseChallenge,
  type Challenge,
  type HttpAnswer,
} from './bearer-matchers.js';
export { claimsWithRoles } from './role-claims.js';
export {
  closeUnclosedTestApps,
  startTestApp,
  type BearerClient,
  type TestApp,
  type TestAppOptions,
} from './test-app.js';
