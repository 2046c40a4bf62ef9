// Preloaded (node --import) into a second API process by `npm run bench -- --floor-guard`, never
// into the API itself. It replaces JwtAuthGuard's `canActivate` with the least that any guard
// must do for a token it has not seen: extract it and check its RS256 signature with node:crypto.
// No decode, no issuer, audience or lifetime check, no Passport, no cache, no principal built,
// no metrics. It lets a good signature through with the first principal the real guard verified,
// so the route around it does what it does for a real request. A floor to set the real guard's
// ratios against, on the same machine in the same run: it accepts forged claims, so it is a
// measuring stick, not a guard.
import { bearerSource } from '../dist/auth/auth-request.js';
import { InvalidTokenError } from '../dist/auth/core/bearer-errors.js';
import { extractBearerToken } from '../dist/auth/core/bearer-token.js';
import { decodeToken } from '../dist/auth/core/decoded-token.js';
import { signatureVerifies } from '../dist/auth/core/signature.js';
import { JwtAuthGuard } from '../dist/auth/jwt-auth.guard.js';

const realCanActivate = JwtAuthGuard.prototype.canActivate;
/** The algorithm, key and principal of the first token the real guard accepted. */
let learned;

/** The first protected request goes through the real guard, which finds the key. */
async function learn(guard, context, token) {
  const allowed = await realCanActivate.call(guard, context);
  const principal = context.switchToHttp().getRequest().user;
  const { kid, alg } = decodeToken(token).header;
  const key = await guard.authorities.resolveKey(kid, alg, principal.issuer);
  learned = { alg, key, principal };
  return allowed;
}

JwtAuthGuard.prototype.canActivate = function floorCanActivate(context) {
  if (!this.routes || !this.authorities || !this.authOptions) {
    throw new Error('JwtAuthGuard changed shape: update scripts/bench-floor-guard.mjs');
  }
  if (this.routes.of(context).isPublic) return true;
  const request = context.switchToHttp().getRequest();
  const token = extractBearerToken(bearerSource(request), this.authOptions.maxTokenLength);
  if (learned === undefined) return learn(this, context, token);
  // The API's own signature check, on the segments cut without decoding them.
  const dot = token.lastIndexOf('.');
  if (!signatureVerifies(learned.alg, token.slice(0, dot), token.slice(dot + 1), learned.key)) {
    throw new InvalidTokenError('bad_signature', 'The signature does not verify.');
  }
  request.user = learned.principal;
  return true;
};
